"""``pocketrl eval RUN --snapshots``: every policy a run kept, alone, in one table.

A run trained with ``snapshot_steps`` keeps its policy every N env steps
(``checkpoints/step-N.pt``). How a policy plays alone swings from one snapshot to the
next (docs/experiments.md: badge 2 in 61 of 64 new games at one, 35 at the next), so the
policy to keep is chosen by measuring each one. This plays every snapshot and the run's
latest policy on the same new games (same seed, same length), writes each one's eval.json
where ``pocketrl eval SNAPSHOT`` would (``eval-step-N`` beside a snapshot, ``RUN/eval``
for the latest), prints one row per policy with the games that reached each milestone,
marks the one that got furthest, and writes the rows to ``RUN/eval-snapshots.json``.
"""

from __future__ import annotations

import copy
from pathlib import Path

from pocketrl.evaluate import EvalResult

LATEST = "latest"


def snapshot_targets(run_dir: Path) -> list[tuple[str, Path]]:
    """(label, checkpoint) of each policy snapshot of ``run_dir`` by env step, then the
    latest checkpoint; a clear error when the run kept no snapshots."""
    from pocketrl.train.checkpoint import checkpoint_path, is_snapshot

    if run_dir is None or not Path(run_dir).is_dir():
        raise ValueError(
            f"--snapshots needs a run dir as TARGET (got {run_dir}): the folder "
            "`pocketrl train` wrote, with checkpoints/step-*.pt inside"
        )
    folder = Path(run_dir) / "checkpoints"
    snaps = sorted(p for p in folder.glob("step-*.pt") if is_snapshot(p))
    if not snaps:
        raise ValueError(
            f"{run_dir} kept no policy snapshots (no {folder}/step-*.pt): train with "
            "--set snapshot_steps=N to keep one every N env steps, or evaluate the run's "
            "latest policy without --snapshots"
        )
    rows = [(f"{int(p.stem.split('-')[-1]):,}", p) for p in snaps]
    latest = checkpoint_path(run_dir)
    return rows + [(LATEST, latest)] if latest.is_file() else rows


def furthest(results: list[EvalResult]) -> int | None:
    """Index of the policy that got furthest: most games at the deepest milestone any
    reached, ties broken by the milestone before it, and so on (earliest on full ties);
    None when no policy reached a milestone."""

    def key(r: EvalResult):
        return tuple(m.reached for m in reversed(r.milestones))

    best = 0
    for i, r in enumerate(results):
        if key(r) > key(results[best]):
            best = i
    return best if any(key(results[best])) else None


def snapshot_table(labels: list[str], results: list[EvalResult]) -> str:
    """One row per policy: games that reached each milestone, up to one past the deepest
    any policy reached; the furthest row marked with ``*``."""
    names = [m.name for m in results[0].milestones]
    deepest = max((j for r in results for j, m in enumerate(r.milestones) if m.reached), default=-1)
    shown = names[: min(len(names), deepest + 2)]
    width = max(len(LATEST), *(len(x) for x in labels)) + 2
    cols = [max(len(n), 7) + 2 for n in shown]
    r0 = results[0]
    lines = [
        f"each policy alone: {r0.num_envs} new games x {r0.steps:,} steps (seed {r0.seed}); "
        "games that reached each milestone",
        "env step".ljust(width) + "".join(n.rjust(c) for n, c in zip(shown, cols)),
    ]
    best = furthest(results)
    for i, (label, r) in enumerate(zip(labels, results)):
        cells = [f"{m.reached}/{r.num_envs}" for m in r.milestones[: len(shown)]]
        mark = "  *" if i == best else ""
        lines.append(label.ljust(width) + "".join(x.rjust(c) for x, c in zip(cells, cols)) + mark)
    lines.append(
        f"* got furthest: {labels[best]}" if best is not None else "no policy reached a milestone"
    )
    return "\n".join(lines)


def eval_snapshots(args, envs: int, steps: int) -> int:
    """Evaluate every policy of the run dir ``args.target``; see the module docstring."""
    from pocketrl.evaluate import evaluate, to_json, write_json_atomic

    from .agent_args import load_target, make_agent, make_env
    from .eval import default_out, eval_extra

    run_dir = args.target
    targets = snapshot_targets(run_dir)
    if args.out is not None:
        raise ValueError("--snapshots writes each eval beside its policy: leave out --out")
    labels, results, paths = [], [], []
    for label, path in targets:
        one = copy.copy(args)
        one.target = path
        choice = load_target(one)
        env = make_env(choice, envs, args.seed, horizon=steps + 1)
        try:
            agent = make_agent(choice, env, one)
            r = evaluate(env, agent, steps, choice.name, args.seed, record_actions=False)
        finally:
            env.close()
        out = default_out(run_dir if label == LATEST else path, choice.name, env.label)
        write_json_atomic(out / "eval.json", to_json(r, eval_extra(one, choice, agent, r, steps)))
        reached = ", ".join(f"{m.name} {m.reached}" for m in r.milestones if m.reached)
        print(f"{path.name} ({r.seconds:.0f} s): {reached or 'no milestone'}", flush=True)
        labels.append(label)
        results.append(r)
        paths.append(str(out / "eval.json"))
    print(snapshot_table(labels, results))
    rows = [
        {"label": label, "eval": p, "milestones": {m.name: m.reached for m in r.milestones}}
        for label, p, r in zip(labels, paths, results)
    ]
    best = furthest(results)
    summary = {
        "envs": envs,
        "steps": steps,
        "seed": args.seed,
        "policies": rows,
        "furthest": labels[best] if best is not None else None,
    }
    write_json_atomic(Path(run_dir) / "eval-snapshots.json", summary)
    print(f"wrote {Path(run_dir) / 'eval-snapshots.json'}")
    return 0
