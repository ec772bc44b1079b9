"""``curves.png``: return, badges, explored tiles and steps/s over env steps."""

from __future__ import annotations

from pathlib import Path

from pocketrl.atomic import atomic_savefig
from pocketrl.train.logger import read_metrics

PANELS = [
    ("return", [("env/episode_return", "episode return"), ("env/current_return", "ongoing")]),
    ("badges", [("env/badges_best", "best"), ("env/badges_mean", "mean")]),
    ("explored tiles", [("env/explored_mean", "mean"), ("env/explored_max", "max")]),
    ("steps/s", [("perf/sps", "end-to-end")]),
]


def plot_curves(metrics_path: Path, out_path: Path) -> Path | None:
    """Plot the run's metrics; written atomically. Returns the path, or None if no data."""
    records = read_metrics(metrics_path)
    if not records:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), constrained_layout=True)
    for ax, (title, series) in zip(axes.flat, PANELS, strict=True):
        for key, label in series:
            pts = [(r["step"], r[key]) for r in records if r.get(key) is not None]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.plot(xs, ys, label=label, marker="." if len(pts) < 30 else None)
        ax.set_title(title)
        ax.set_xlabel("env steps")
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=8)
    out_path = Path(out_path)
    atomic_savefig(fig, out_path, dpi=90)
    plt.close(fig)
    return out_path
