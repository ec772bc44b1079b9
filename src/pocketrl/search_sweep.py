"""What a search budget buys: the table and picture of ``pocketrl eval --search-sweep``.

Each budget N is one evaluation (evaluate.py ``EvalResult``) of the same games (same
seeds); N = 0 is the agent alone. Compute is counted in env steps: real steps are
``num_envs * steps``, simulated steps every copy's steps (agents/search.py).
"""

from __future__ import annotations

import numpy as np

from pocketrl.atomic import atomic_savefig
from pocketrl.evaluate import EvalResult, to_json


def parse_budgets(text: str) -> list[int]:
    """``"0,4,16,64"`` -> [0, 4, 16, 64]; a clear error for anything else."""
    try:
        budgets = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(
            f"--search-sweep takes copies per game separated by commas, like 0,4,16,64; "
            f"got {text!r}"
        ) from None
    if not budgets:
        raise ValueError("--search-sweep needs at least one budget, like 0,4,16,64")
    bad = [b for b in budgets if b < 0]
    if bad:
        raise ValueError(f"--search-sweep budgets must be >= 0, got {bad[0]}")
    return sorted(set(budgets))


def budget(r: EvalResult) -> int:
    return 0 if r.search is None else int(r.search["copies"])


def sim_steps(r: EvalResult) -> int:
    return 0 if r.search is None else int(r.search["sim_steps"])


def sim_per_real(r: EvalResult) -> float:
    """Simulated env steps per real env step."""
    return sim_steps(r) / max(1, r.real_steps)


def milestones_per_game(r: EvalResult) -> float:
    """Milestones reached per game, averaged over the games."""
    return float((r.first_step >= 0).sum(1).mean())


def sweep_table(results: list[EvalResult]) -> str:
    """One column per budget; a row per milestone (share of games / median step to it),
    then the compute rows."""
    head = [f"N={budget(r)}" for r in results]
    rows = []
    for j, name in enumerate(results[0].milestones):
        cells = []
        for r in results:
            m = r.milestones[j]
            med = f"{m.median_step:,.0f}" if m.median_step is not None else "-"
            cells.append(f"{m.share:.0%} / {med}")
        rows.append((name.name, cells))
    rows.append(("per game", [f"{milestones_per_game(r):.2f}" for r in results]))
    rows.append(("explored", [f"{r.explored_mean:,.0f}" for r in results]))
    rows.append(("sim steps", [f"{sim_steps(r):,}" for r in results]))
    rows.append(("sim / real", [f"{sim_per_real(r):,.0f}" for r in results]))
    rows.append(("wall s", [f"{r.seconds:,.1f}" for r in results]))
    rows.append(
        ("s / 1k real", [f"{1000 * r.seconds / max(1, r.real_steps):,.2f}" for r in results])
    )
    width = 2 + max(len(c) for c in head + [c for _, cells in rows for c in cells])
    r0 = results[0]
    lines = [
        f"search sweep of {r0.agent} on {r0.game}: {r0.num_envs} games x {r0.steps:,} steps "
        f"(seed {r0.seed})",
        f"{'':<14}" + "".join(f"{h:>{width}}" for h in head),
    ]
    lines += [f"{name:<14}" + "".join(f"{c:>{width}}" for c in cells) for name, cells in rows]
    lines.append(
        "(milestones: share of games reaching it / median step; per game: milestones "
        "reached per game; explored: tiles per game;\n sim / real: simulated env steps "
        "per real env step; s / 1k real: wall seconds per 1,000 real env steps)"
    )
    return "\n".join(lines)


def sweep_json(results: list[EvalResult], extra: dict | None = None) -> dict:
    """The sweep for scripts: every budget's eval (as in eval.json) and the compute."""
    return {
        "budgets": [budget(r) for r in results],
        "results": [to_json(r) for r in results],
        **(extra or {}),
    }


def plot_sweep(results: list[EvalResult], path) -> None:
    """search.png: progress (milestones per game, explored tiles per game, share of games
    at each milestone) against simulated env steps per real step (symlog: N = 0 sits at
    0)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.array([sim_per_real(r) for r in results])
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    curves = (
        ([milestones_per_game(r) for r in results], "milestones reached per game"),
        ([r.explored_mean for r in results], "explored tiles per game"),
    )
    for ax, (y, label) in zip(axes, curves, strict=False):
        ax.plot(x, y, "o-")
        for xi, yi, r in zip(x, y, results, strict=True):
            ax.annotate(f"N={budget(r)}", (xi, yi), fontsize=8, textcoords="offset points",
                        xytext=(4, 4))  # fmt: skip
        ax.set_ylabel(label)
    ax = axes[2]
    for j, name in enumerate(m.name for m in results[0].milestones):
        share = [r.milestones[j].share for r in results]
        if max(share) > 0:
            ax.plot(x, share, "o-", label=name)
    ax.set_ylabel("share of games reaching the milestone")
    ax.set_ylim(-0.02, 1.02)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    for ax in axes:
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlim(-0.3, max(2.0, 3.0 * float(x.max())))
        ax.set_xlabel("simulated env steps per real step")
        ax.grid(alpha=0.3)
    r0 = results[0]
    games = f"{r0.num_envs} games x {r0.steps:,} steps"
    fig.suptitle(f"search budget: {r0.agent} on {r0.game}, {games}")
    atomic_savefig(fig, path, dpi=110)
    plt.close(fig)
