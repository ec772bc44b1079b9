"""Compare training runs: curves on one PNG and a table of steps/minutes to milestones.

Reads each run's ``metrics.jsonl`` (records with ``step``, ``perf/train_seconds`` and the
``env/`` and ``milestones/`` namespaces written by the trainer).
"""

from __future__ import annotations

import json
from pathlib import Path

from pocketrl.atomic import atomic_savefig


def train_minutes(record: dict) -> float:
    """Training wall-clock of a record in minutes (continued across resumes)."""
    return float(record.get("perf/train_seconds") or 0.0) / 60.0


CURVES = (("env/badges_max", "badges (best env)"), ("env/explored_mean", "explored tiles"))


def read_run(run_dir: Path) -> list[dict]:
    path = Path(run_dir) / "metrics.jsonl"
    if not path.is_file():
        raise FileNotFoundError(
            f"{run_dir} is not a pocketrl run dir: {path} is missing "
            "(give folders made by `pocketrl train`)"
        )
    records = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not a JSON record ({e.msg})") from None
    if not records:
        raise ValueError(f"{path} has no records yet")
    return records


def milestone_names(runs: dict[str, list[dict]]) -> list[str]:
    names: list[str] = []
    for recs in runs.values():
        for r in recs:
            for k in r:
                if k.startswith("milestones/") and k[11:] not in names:
                    names.append(k[11:])
    return names


def first_reached(records: list[dict], name: str) -> tuple[int, float] | None:
    """(env steps, minutes) of the first record where any env had reached ``name``."""
    key = f"milestones/{name}"
    for r in records:
        if (r.get(key) or 0) > 0:
            return int(r["step"]), train_minutes(r)
    return None


def table(runs: dict[str, list[dict]]) -> str:
    names = milestone_names(runs)
    rows = []
    for ms in names:
        cells = []
        for recs in runs.values():
            hit = first_reached(recs, ms)
            cells.append(f"{hit[0]:,} / {hit[1]:.1f}m" if hit else "-")
        rows.append((ms, cells))
    width = 2 + max([len(n) for n in runs] + [len(c) for _, cells in rows for c in cells])
    lines = [f"{'milestone':<14}" + "".join(f"{n:>{width}}" for n in runs)]
    for ms, cells in rows:
        lines.append(f"{ms:<14}" + "".join(f"{c:>{width}}" for c in cells))
    lines.append("(env steps / minutes of training when the first env reached it)")
    return "\n".join(lines)


def plot(runs: dict[str, list[dict]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7), constrained_layout=True)
    for row, (key, label) in enumerate(CURVES):
        for name, recs in runs.items():
            pts = [(r["step"], train_minutes(r), r[key]) for r in recs if r.get(key) is not None]
            if not pts:
                continue
            steps, minutes, values = zip(*pts)
            axes[row, 0].plot(steps, values, label=name)
            axes[row, 1].plot(minutes, values, label=name)
        axes[row, 0].set_xlabel("env steps")
        axes[row, 1].set_xlabel("minutes of training")
        for ax in axes[row]:
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    atomic_savefig(fig, path, dpi=110)
    plt.close(fig)


# --- eval.json files: the depth-against-breadth table -----------------------------------
def read_eval(path: Path) -> dict:
    """An eval.json (or a folder holding one) written by ``pocketrl eval``."""
    path = Path(path)
    file = path / "eval.json" if path.is_dir() else path
    if not file.is_file():
        raise FileNotFoundError(f"{path}: no eval.json (give files or folders of `pocketrl eval`)")
    try:
        data = json.loads(file.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{file}: not JSON ({e.msg})") from None
    if "milestones" not in data or "agent" not in data:
        raise ValueError(f"{file} is not an eval.json of `pocketrl eval`")
    return data


def _size_and_compute(d: dict) -> tuple[str, str]:
    """(parameters, compute per real env step) of one eval: a policy's own count and 2 x
    parameters FLOPs per forward (one per real step, plus one per simulated step when
    search copies play the policy) and the simulated env steps per real step; a language
    model's declared size and tokens per step."""
    llm = d.get("llm")
    if llm is not None:
        return (str(llm.get("params") or "undisclosed"), f"{llm['tokens_per_step']:,.0f} tokens")
    n = d.get("parameters")
    search = d.get("search") or {}
    sim = search.get("sim_steps", 0) / max(d.get("real_steps") or 1, 1)  # per real step
    parts = []
    if n is not None:
        # the policy runs once per real step and, when the copies play it, once per sim step
        forwards = 1 + (sim if search.get("policy") == "policy" else 0)
        parts.append(f"{2 * n * forwards:,.0f} FLOPs")
    if sim:
        parts.append(f"{sim:,.0f} sim steps")
    return ("-" if n is None else f"{n:,}"), " + ".join(parts) or "-"


def eval_table(evals: dict[str, dict]) -> str:
    """Agent, parameters, env steps to each milestone (median over the games that
    reached it, and their share), compute per step and wall time: one row per eval."""
    names = []
    for d in evals.values():
        names += [m["name"] for m in d["milestones"] if m["name"] not in names]
    head = ["eval", "agent", "game", "parameters", *names, "compute/step", "wall"]
    rows = [head]
    for label, d in evals.items():
        size, compute = _size_and_compute(d)
        by = {m["name"]: m for m in d["milestones"]}
        cells = []
        for n in names:
            m = by.get(n)
            if m is None or not m["reached"]:
                cells.append("-")
            else:
                cells.append(f"{m['median_step']:,.0f} ({m['share']:.0%})")
        wall = f"{d.get('seconds', 0):,.0f} s"
        rows.append([label, d["agent"], d.get("game", "?"), size, *cells, compute, wall])
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    games = ", ".join(f"{k}: {d['num_envs']} x {d['steps']:,}" for k, d in evals.items())
    note = f"milestones: median env step of the games that reached it (share); games {games}"
    return "\n".join([*lines, note])
