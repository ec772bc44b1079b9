"""``pocketrl eval``: play N games with an agent, report milestones, save pictures."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from .agent_args import add_agent_args, game_config, load_target, make_agent, make_env
from .search_args import add_search_args, close_agent, search_settings, with_search

GATE_STEPS = 2048  # steps per try with --from-gates when --steps is not given

# agent -> (games, steps per game) when --envs / --steps are not given
AGENT_DEFAULTS = {
    "random": (1024, 1000),
    "oracle": (1, 30_000),
    "policy": (64, 20_000),
    "pretrained": (64, 40_000),
    "llm": (1, 1000),
}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "eval",
        help="measure what an agent achieves (milestones, steps, tiles)",
        description="Play --envs games for --steps steps from the start and print, for "
        "every milestone, the share of envs that reached it and the median and best step. "
        "Writes eval.json, rollout.gif (the best game) and heatmap.png (all visits). "
        "With --search N the agent plays ahead N copies of each game before each step; "
        "--search-sweep compares budgets.",
    )
    add_agent_args(p)
    p.add_argument(
        "--envs",
        type=int,
        default=None,
        help="games played at once (default: 1024 random, 1 oracle/llm, 64 policy/pretrained)",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=None,
        help="steps per game (default: 1000 random/llm, 30000 oracle, 20000 policy, "
        "40000 pretrained)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: TARGET/eval, or runs/eval-AGENT-WORLD)",
    )
    p.add_argument("--no-media", action="store_true", help="skip rollout.gif and heatmap.png")
    p.add_argument(
        "--gif-frames",
        type=int,
        default=1200,
        help="at most this many GIF frames (a longer game shows every k-th step)",
    )
    p.add_argument(
        "--gif-steps",
        type=int,
        default=None,
        help="only the first N steps of the best game go into the GIF",
    )
    p.add_argument(
        "--from-gates",
        type=Path,
        default=None,
        metavar="RUN",
        help="play from the gates of RUN's archive (the states training envs reached a "
        "milestone from) instead of new games: --envs tries per milestone set, --steps "
        "each (default 2048); prints how many get through and writes gates.json",
    )
    p.add_argument(
        "--snapshots",
        action="store_true",
        help="TARGET is a run dir: play each of its policy snapshots (checkpoints/step-*.pt, "
        "kept with --set snapshot_steps=N) and its latest policy on the same games, write "
        "each one's eval.json as usual (no pictures), and print one row per policy, the "
        "one that got furthest marked; also RUN/eval-snapshots.json",
    )
    add_search_args(p)
    p.add_argument(
        "--search-sweep",
        default=None,
        metavar="N,N,...",
        help="evaluate the same games at each search budget (e.g. 0,4,16,64) and write "
        "search.png, search.json and a table instead of eval.json",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    choice = load_target(args)
    envs, steps = AGENT_DEFAULTS[choice.name]
    if args.from_gates is not None:
        steps = GATE_STEPS
    envs = args.envs if args.envs is not None else envs
    steps = args.steps if args.steps is not None else steps
    if envs < 1 or steps < 1:
        raise ValueError(f"--envs and --steps must be >= 1, got {envs} and {steps}")
    settings = search_settings(args, choice)
    if args.snapshots:
        from .eval_snapshots import eval_snapshots

        if args.from_gates is not None or settings.copies or args.search_sweep is not None:
            raise ValueError(
                "--snapshots plays each policy as it is from new games: leave out "
                "--from-gates, --search and --search-sweep"
            )
        return eval_snapshots(args, envs, steps)
    if args.from_gates is not None:
        if settings.copies or args.search_sweep is not None:
            raise ValueError("--from-gates plays the agent as it is: leave out --search")
        return _from_gates(args, choice, envs, steps)
    if args.search_sweep is not None:
        if args.search:
            raise ValueError("give --search N or --search-sweep N,N,..., not both")
        return _sweep(args, choice, settings, envs, steps)
    env = make_env(choice, envs, args.seed, horizon=steps + 1)
    out = args.out or default_out(args.target, choice.name, env.label, _suffix(settings))
    result, failed = _eval_one(args, choice, env, steps, out, settings)
    if result.stopped:
        print(f"stopped after {result.steps:,} steps: {result.stopped}", file=_stream(failed))
    return 1 if failed else 0


def _eval_one(args, choice, env, steps: int, out: Path, settings):
    """Play ``env``'s games with the chosen agent (and search ``settings``), print the
    table, write eval.json (and the pictures unless --no-media) to ``out``; close the env.
    Returns (result, whether the agent failed)."""
    from pocketrl.evaluate import evaluate, table, to_json, write_json_atomic

    agent = None
    try:
        agent = make_agent(choice, env, args, out)
        agent = with_search(agent, env, choice, settings, steps + 1)
        result = evaluate(env, agent, steps, choice.name, args.seed)
        print(env.describe())
        print(table(result))
        write_json_atomic(
            out / "eval.json", to_json(result, eval_extra(args, choice, agent, result, steps))
        )
        print(f"wrote {out / 'eval.json'}")
        if not args.no_media and result.steps > 0:
            _write_media(out, env, choice, result, args)
    finally:
        if agent is not None:
            close_agent(agent)
        env.close()
    return result, getattr(agent, "failed", False)


def eval_extra(args, choice, agent, result, steps: int) -> dict:
    """What eval.json holds besides the result: the game's settings, the target, and the
    policy's size (for compare's depth-against-breadth table) or an agent's own report."""
    extra = {
        "config": asdict(game_config(choice, steps + 1)),
        "target": str(args.target or ""),
        "greedy": bool(args.greedy),
    }
    if choice.loaded is not None:
        extra["parameters"] = sum(v.numel() for v in choice.loaded.state_dict.values())
    if hasattr(agent, "eval_report"):  # e.g. an llm agent's calls and tokens
        extra.update(agent.eval_report(result))
    return extra


def _from_gates(args, choice, envs: int, steps: int) -> int:
    """Play ``envs`` tries from the gates of each milestone set of --from-gates RUN."""
    from pocketrl.evaluate import write_json_atomic
    from pocketrl.gates import load_gates, play_from_gates, table, to_json

    probe = make_env(choice, 1, args.seed, horizon=steps + 1)
    try:
        label, milestones = probe.label, list(probe.milestones)
    finally:
        probe.close()
    step, groups = load_gates(args.from_gates, milestones)
    rows = play_from_gates(
        lambda n: make_env(choice, n, args.seed, horizon=steps + 1),
        lambda env: make_agent(choice, env, args),
        groups,
        envs,
        steps,
    )
    print(f"{choice.name} on {label}, {envs} tries per milestone set (seed {args.seed})")
    print(table(rows, step, steps))
    out = args.out or default_out(args.target, choice.name, label, "-gates")
    extra = {
        "agent": choice.name,
        "target": str(args.target or ""),
        "gates_of": str(args.from_gates),
        "archive_step": step,
        "tries": envs,
        "steps": steps,
        "seed": args.seed,
    }
    write_json_atomic(out / "gates.json", to_json(rows, extra))
    print(f"wrote {out / 'gates.json'}")
    return 0


def _stream(error: bool):
    import sys

    return sys.stderr if error else sys.stdout


def _suffix(settings) -> str:
    """Output folder suffix of a search, so that runs with other settings keep theirs:
    ``-search16x32``, plus ``-random`` / ``-mean`` / ``-every4`` where they apply."""
    if settings.copies == 0:
        return ""
    out = f"-search{settings.copies}x{settings.depth}"
    out += "-random" if settings.policy == "random" else ""
    out += "-mean" if settings.mode == "mean" else ""
    return out + (f"-every{settings.every}" if settings.every != 1 else "")


def _sweep(args, choice, settings, envs: int, steps: int) -> int:
    """Evaluate the same games at every budget of --search-sweep; table, JSON, picture."""
    from dataclasses import replace

    from pocketrl.agents.search import check_budget
    from pocketrl.evaluate import evaluate, write_json_atomic
    from pocketrl.search_sweep import parse_budgets, plot_sweep, sweep_json, sweep_table

    budgets = parse_budgets(args.search_sweep)
    env = make_env(choice, envs, args.seed, horizon=steps + 1)
    try:
        if budgets[-1] > 0:  # refuse a budget too big before playing the smaller ones
            check_budget(env, make_agent(choice, env, args), replace(settings, copies=budgets[-1]))
        results = []
        for n in budgets:
            agent = make_agent(choice, env, args)
            agent = with_search(agent, env, choice, replace(settings, copies=n), steps + 1)
            try:
                r = evaluate(env, agent, steps, choice.name, args.seed, record_actions=False)
            finally:
                close_agent(agent)
            results.append(r)
            reached = sum(m.reached for m in r.milestones)
            print(f"N={n}: {reached} milestones reached in {r.seconds:.1f} s", flush=True)
        print(env.describe())
        print(sweep_table(results))
        out = args.out or default_out(args.target, choice.name, env.label, "-sweep")
        extra = {
            "config": asdict(game_config(choice, steps + 1)),
            "target": str(args.target or ""),
            "greedy": bool(args.greedy),
            "search": {k: v for k, v in asdict(settings).items() if k != "copies"},
        }
        write_json_atomic(out / "search.json", sweep_json(results, extra))
        print(f"wrote {out / 'search.json'}")
        if not args.no_media:
            plot_sweep(results, out / "search.png")
            print(f"wrote {out / 'search.png'}")
    finally:
        env.close()
    return 0


def default_out(target: Path | None, agent: str, label: str, suffix: str = "") -> Path:
    """TARGET/eval for a run dir, and next to a checkpoint file; a policy snapshot
    (``step-N.pt``) gets eval-step-N beside it, so the snapshots of one run keep one eval
    each; else runs/eval-NAME-WORLD: NAME the agent or the bundle's name, WORLD the
    gridmon world (e.g. main) or the game; ``suffix`` (a search's settings) is appended."""
    from pocketrl.train.checkpoint import is_snapshot

    if target is not None and target.suffix not in (".safetensors", ".json"):
        if target.is_dir():
            return target / f"eval{suffix}"
        name = f"eval-{target.stem}" if is_snapshot(target) else "eval"
        return target.parent / f"{name}{suffix}"
    name = target.stem if target is not None else agent
    return Path("runs") / f"eval-{name}-{label.split('/')[-1]}{suffix}"


def _write_media(out: Path, env, choice, result, args) -> None:
    from pocketrl.media import replay_frames, write_gif, write_heatmap

    best = result.best_env()
    actions = result.actions[: args.gif_steps, best]
    config = game_config(choice, result.steps + 1)
    s = result.search
    note = f" S{s['copies']}" if s else ""
    frames = replay_frames(
        choice.game, config, args.seed + best, actions, max(1, args.gif_frames), note
    )
    title = _search_title(result) if s else None
    n = write_gif(out / "rollout.gif", frames, title=title)
    print(f"wrote {out / 'rollout.gif'} (env {best}, {n} frames)")
    size = write_heatmap(out / "heatmap.png", env)
    if size is not None:
        print(f"wrote {out / 'heatmap.png'} ({size[1]}x{size[0]})")


def _search_title(result) -> list[str]:
    """The GIF's first frame for a search: what was used and what it cost."""
    s = result.search
    per = s["sim_steps"] / max(1, result.real_steps)
    return [
        f"{result.agent} + search",
        f"N={s['copies']} copies, D={s['depth']} steps",
        f"every {s['every']} step(s), {s['mode']}",
        f"{s['policy']} rollouts, seed {s['seed']}",
        "",
        f"{s['sim_steps']:,} simulated steps",
        f"for {result.real_steps:,} real",
        f"({per:,.0f} per real step)",
        f"{s['search_seconds']:.1f} s searching of {result.seconds:.1f} s",
    ]
