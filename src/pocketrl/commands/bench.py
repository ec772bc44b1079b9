"""``pocketrl bench env|train``: the speed benchmarks (never timed tests)."""

from __future__ import annotations

import argparse
import importlib

TARGETS = {
    "env": ("pocketrl.bench.env", "gridmon env steps/s with random actions on one core"),
    "train": ("pocketrl.bench.train", "end-to-end training steps/s and the time split"),
}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "bench",
        help="run a speed benchmark",
        description="Speed benchmarks: " + "; ".join(f"{k}: {v[1]}" for k, v in TARGETS.items()),
    )
    p.add_argument("target", choices=sorted(TARGETS), help="what to time")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="flags of the benchmark (see -h)")
    p.set_defaults(func=run)


def run(args) -> int:
    module = importlib.import_module(TARGETS[args.target][0])
    return int(module.main(args.rest) or 0)
