"""Run outputs: metrics.jsonl + TensorBoard events, the live progress line, curves.png.

Metric names use the namespaces ``env/``, ``losses/``, ``perf/``, ``milestones/`` and
``explore/``. Every record carries ``step`` (env steps) and ``perf/train_seconds`` (seconds of
training, continued across resumes).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.text import Text

from pocketrl.atomic import atomic_write_text

METRICS = "metrics.jsonl"


class MetricsLogger:
    """Appends metric records to ``metrics.jsonl`` and TensorBoard event files.

    On resume, records newer than the checkpoint's step (written after it, before the
    interruption) are dropped so that the curves continue without duplicates.
    """

    def __init__(self, run_dir: Path, resume_step: int | None = None, tensorboard: bool = True):
        self.path = Path(run_dir) / METRICS
        if resume_step is not None and self.path.exists():
            kept = [r for r in read_metrics(self.path) if r["step"] <= resume_step]
            atomic_write_text(self.path, "".join(json.dumps(r) + "\n" for r in kept))
        self.file = open(self.path, "a")  # noqa: SIM115 - closed in close()
        self.writer = None
        if tensorboard:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(Path(run_dir) / "tb"), purge_step=resume_step)

    def log(self, step: int, metrics: dict[str, float]) -> None:
        """Write one record (non-finite values are stored as null)."""
        clean = {k: (float(v) if math.isfinite(float(v)) else None) for k, v in metrics.items()}
        self.file.write(json.dumps({"step": step, **clean}) + "\n")
        self.file.flush()
        if self.writer is not None:
            for k, v in clean.items():
                if v is not None:
                    self.writer.add_scalar(k, v, step)

    def image(self, tag: str, image, step: int) -> None:
        """An (H, W, 3) uint8 picture to TensorBoard (e.g. the heat-map while training)."""
        if self.writer is not None:
            self.writer.add_image(tag, image, step, dataformats="HWC")

    def text(self, tag: str, markdown: str, step: int) -> None:
        """A markdown text to TensorBoard (e.g. the milestone table)."""
        if self.writer is not None:
            self.writer.add_text(tag, markdown, step)

    def close(self) -> None:
        self.file.close()
        if self.writer is not None:
            self.writer.close()


def read_metrics(path: Path) -> list[dict]:
    """All complete records of a metrics.jsonl (a torn last line is skipped)."""
    out = []
    for line in Path(path).read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def _si(x: float) -> str:
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= div:
            return f"{x / div:.2f}{unit}"
    return f"{x:.0f}"


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "--:--"
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def progress_text(m: dict) -> str:
    """One line: steps, steps/s, ETA, time split, badges, explored tiles."""
    total = m.get("total_steps") or 0
    steps = f"{_si(m['step'])}/{_si(total)}" if total else _si(m["step"])
    split = "/".join(f"{100 * m.get(f'perf/{k}_frac', 0):.0f}" for k in ("env", "forward", "learn"))
    return (
        f"step {steps} | {_si(m.get('perf/sps', 0))} sps | ETA {_clock(m.get('eta', math.nan))}"
        f" | env/fwd/learn {split}% | badges best {m.get('env/badges_best', 0):.0f}"
        f" mean {m.get('env/badges_mean', 0):.2f} | explored {m.get('env/explored_mean', 0):.1f}"
    )


class Progress:
    """A live rich line on a terminal; a plain line every ``plain_seconds`` otherwise."""

    def __init__(self, enabled: bool = True, plain_seconds: float = 15.0):
        self.console = Console(stderr=True)
        self.enabled = enabled
        self.live = None
        self.plain_seconds, self._last = plain_seconds, -math.inf
        if enabled and self.console.is_terminal:
            self.live = Live(Text(""), console=self.console, refresh_per_second=4, transient=False)
            self.live.start()

    def update(self, metrics: dict) -> None:
        if not self.enabled:
            return
        line = progress_text(metrics)
        if self.live is not None:
            self.live.update(Text(line))
        elif time.monotonic() - self._last >= self.plain_seconds:
            self._last = time.monotonic()
            self.console.print(line, highlight=False, soft_wrap=True)

    def print(self, message: str) -> None:
        """A message above the live line (or a plain line)."""
        self.console.print(message, highlight=False, soft_wrap=True)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
