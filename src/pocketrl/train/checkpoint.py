"""Atomic, complete, safely loaded checkpoints.

A checkpoint is one ``torch.save`` file holding only tensors and plain data (dicts,
lists, str, int, float, bytes): model and optimizer state, the resolved config, counters,
RNG states, every env's snapshot and the Go-Explore archive. It is written to a
temporary file, flushed to disk and renamed over the old one, so a crash leaves either
the old or the new checkpoint, never half of one. It is read with
``torch.load(weights_only=True)``, which refuses to run code stored in the file.
"""

from __future__ import annotations

from pathlib import Path

import torch

from pocketrl.atomic import atomic_write
from pocketrl.config import GAME_SECTIONS, changed_settings

FORMAT = "pocketrl-checkpoint"
VERSION = 1
LATEST = "latest.pt"
SNAPSHOT = "step-"  # policy snapshots: step-NNNNNNNNNNN.pt (TrainConfig.snapshot_steps)


class CheckpointError(RuntimeError):
    """A checkpoint that is missing, corrupt, foreign or from an incompatible run."""


def checkpoint_path(run_dir: Path) -> Path:
    """Where a run's latest checkpoint lives."""
    return Path(run_dir) / "checkpoints" / LATEST


def snapshot_path(run_dir: Path, step: int) -> Path:
    """Where a run keeps its policy snapshot of env step ``step`` (see snapshot_steps)."""
    return Path(run_dir) / "checkpoints" / f"{SNAPSHOT}{step:011d}.pt"


def is_snapshot(path: Path) -> bool:
    """Whether ``path`` is named like a policy snapshot (``snapshot_path``)."""
    name = Path(path).name
    digits = name[len(SNAPSHOT) : -len(".pt")]
    return name.startswith(SNAPSHOT) and name.endswith(".pt") and digits.isdigit()


def save_checkpoint(path: Path, payload: dict) -> None:
    """Write ``payload`` (plain data + tensors) to ``path`` atomically."""
    data = {"format": FORMAT, "version": VERSION, **payload}
    atomic_write(path, lambda f: torch.save(data, f), fsync=True)


def load_checkpoint(path: Path) -> dict:
    """Read a checkpoint safely; raise CheckpointError saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any failure means unreadable
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise CheckpointError(
            f"{path} is not a readable pocketrl checkpoint (corrupt, truncated, or holds "
            f"code/objects that are not allowed): {reason[:200]}"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a pocketrl checkpoint (no '{FORMAT}' marker)")
    if data.get("version") != VERSION:
        raise CheckpointError(
            f"{path} has checkpoint version {data.get('version')}, this pocketrl reads "
            f"version {VERSION}"
        )
    return data


def init_source(name: str) -> Path:
    """The checkpoint file that ``init_from`` names: a run dir or a checkpoint file."""
    path = Path(name)
    found = path if path.is_file() else checkpoint_path(path)
    if not found.is_file():
        raise CheckpointError(
            f"init_from={name!r}: no checkpoint there (looked for {found}); give a run dir "
            "that holds checkpoints/latest.pt, or the .pt file itself"
        )
    return found


def load_init_weights(name: str, milestones: list[str], policy_config: dict) -> tuple[dict, dict]:
    """The policy weights (a state dict) that a fine-tuning run starts from, checked to be
    for the same game and world and the same policy settings, and that run's config (a
    ``to_dict`` dict; empty if the checkpoint has none)."""
    path = init_source(name)
    data = load_checkpoint(path)
    if data.get("milestones") != list(milestones):
        raise CheckpointError(f"init_from: {path} was trained on another game or world")
    theirs = data.get("config", {}).get("policy", {})
    differ = sorted(k for k in policy_config if k in theirs and theirs[k] != policy_config[k])
    if differ:
        shown = ", ".join(f"policy.{k}={theirs[k]!r} (here {policy_config[k]!r})" for k in differ)
        raise CheckpointError(
            f"init_from: {path} holds a policy with other settings: {shown}; set them to "
            "match to fine-tune it"
        )
    return data["model"], data.get("config", {})


def init_note(cfg, theirs: dict, ours: dict) -> str | None:
    """What a fine-tuning run plays differently from the run its weights come from (the
    game, PPO and archive settings), or None when nothing differs: ``--init-from`` takes
    the weights only, so a run started without the base's preset or ``--set``s would
    otherwise learn another problem without a word."""
    changed = changed_settings(theirs, ours, [GAME_SECTIONS[cfg.game], "ppo", "explore"])
    if not changed:
        return None
    shown = "; ".join(changed[:12]) + (
        f"; and {len(changed) - 12} more" if len(changed) > 12 else ""
    )
    return (
        f"init-from {cfg.init_from}: only the weights carry over; this run's settings "
        f"differ from that run's in {len(changed)}: {shown}. If that is not meant, add "
        "that run's --preset and --set options."
    )
