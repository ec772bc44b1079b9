"""Shared policies: weights as safetensors plus a small JSON, shipped in the package.

A bundle is two files side by side: ``NAME.safetensors`` (the policy's tensors and
nothing else: no code can hide in it, unlike a pickle) and ``NAME.json`` (the run's
whole config, so the policy is rebuilt exactly, plus where it came from and what it
achieved). ``export_policy`` writes one from a run dir or checkpoint;
``agents.load.load_bundle`` reads one into the same ``LoadedPolicy`` that eval and watch
use for a run dir. ``pocketrl eval --agent pretrained`` plays the bundle shipped in
``agents/pretrained/`` (``PRETRAINED``).
"""

from __future__ import annotations

import json
from pathlib import Path

from pocketrl.agents.load import FORMAT, VERSION, load_bundle, load_policy
from pocketrl.atomic import atomic_write_bytes, atomic_write_text

PRETRAINED_DIR = Path(__file__).parent / "pretrained"
PRETRAINED = "gridmon-mini"  # the bundle --agent pretrained plays (see its JSON note)


def export_policy(target, out_dir, name: str, note: dict | None = None) -> tuple[Path, Path]:
    """Write ``out_dir/NAME.safetensors`` and ``NAME.json`` from the policy of ``target``
    (a run dir or checkpoint); ``note`` (e.g. its eval table) goes into the JSON.
    Returns the two paths."""
    from safetensors.torch import save

    from pocketrl.config import to_dict

    loaded = load_policy(target)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in loaded.state_dict.items()}
    out_dir = Path(out_dir)
    weights, meta = out_dir / f"{name}.safetensors", out_dir / f"{name}.json"
    atomic_write_bytes(weights, save(tensors))
    info = {
        "format": FORMAT,
        "version": VERSION,
        "trained_on": loaded.trained_on,
        "parameters": sum(v.numel() for v in tensors.values()),
        "source": str(loaded.path),
        "config": to_dict(loaded.config),
        "note": note or {},
    }
    atomic_write_text(meta, json.dumps(info, indent=2) + "\n")
    return weights, meta


def load_pretrained():
    """The policy shipped with pocketrl (``PRETRAINED`` in ``agents/pretrained/``)."""
    return load_bundle(PRETRAINED_DIR / f"{PRETRAINED}.safetensors")


def pretrained_note() -> dict:
    """What the shipped policy's JSON says about it (source, eval table, ...)."""
    return json.loads((PRETRAINED_DIR / f"{PRETRAINED}.json").read_text()).get("note", {})
