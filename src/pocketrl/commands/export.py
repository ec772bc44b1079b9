"""``pocketrl export``: a trained policy as a shareable safetensors bundle."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="write a trained policy as NAME.safetensors + NAME.json",
        description="Write the policy of a run dir or checkpoint as NAME.safetensors (the "
        "tensors only: safe to share and to load) and NAME.json (its config and where it "
        "came from). eval and watch take either file as TARGET.",
    )
    p.add_argument("target", type=Path, help="a run dir or checkpoint file")
    p.add_argument("--out", type=Path, default=Path("."), help="output folder (default .)")
    p.add_argument("--name", default=None, help="bundle name (default: the run dir's name)")
    p.add_argument(
        "--note",
        type=Path,
        default=None,
        metavar="EVAL_JSON",
        help="an eval.json of this policy to keep in the bundle (its milestone table)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pocketrl.agents.pretrained import export_policy

    target = args.target
    name = args.name or (target if target.is_dir() else target.parent.parent).name
    note = {}
    if args.note is not None:
        data = json.loads(args.note.read_text())
        keep = ("agent", "game", "num_envs", "steps", "seed", "milestones", "explored_mean")
        note = {"eval": {k: data[k] for k in keep if k in data}}
    weights, meta = export_policy(target, args.out, name, note)
    size = (weights.stat().st_size + meta.stat().st_size) / 1e6
    print(f"wrote {weights} and {meta} ({size:.2f} MB)")
    return 0
