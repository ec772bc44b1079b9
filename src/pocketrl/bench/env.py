"""`pocketrl bench env`: gridmon steps per second with random actions.

Runs on one core (the process is pinned to one CPU where the OS allows, and numba's
threads are limited to one) at batch 1 and batch 4096 by default. Actions are drawn
up front so the timing covers ``env.step`` alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np


def pin_one_core() -> str:
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    if hasattr(os, "sched_setaffinity"):
        cpu = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this OS)"


def measure(num_envs: int, seconds: float, world: str, seed: int = 0) -> dict:
    from pocketrl.games import make_game

    env = make_game("gridmon", num_envs, seed, world=world)
    rng = np.random.default_rng(seed)
    table = rng.integers(0, env.num_actions, (64, num_envs), dtype=np.int64)
    for k in range(3):  # warm up (compilation is cached on disk after the first run)
        env.step(table[k])
    steps, t0 = 0, time.perf_counter()
    k = 0
    while True:
        env.step(table[k & 63])
        k += 1
        steps += num_envs
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and k >= 10:
            break
    return {
        "num_envs": num_envs,
        "steps": steps,
        "seconds": elapsed,
        "steps_per_s": steps / elapsed,
    }


def _wants_pokered(argv: list[str]) -> bool:
    for i, a in enumerate(argv):
        if a == "--game=pokered" or (a == "--game" and argv[i + 1 : i + 2] == ["pokered"]):
            return True
    return False


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_pokered(argv):
        from pocketrl.bench.pokered import main as pokered_main

        return pokered_main(argv)
    p = argparse.ArgumentParser(prog="pocketrl bench env", description=__doc__)
    p.add_argument(
        "--envs",
        type=int,
        nargs="+",
        default=[1, 4096],
        help="batch sizes to time (default: 1 4096)",
    )
    p.add_argument("--seconds", type=float, default=5.0, help="time per batch size")
    p.add_argument("--world", default="main", help="gridmon world (main, mini)")
    p.add_argument(
        "--game",
        default="gridmon",
        choices=["gridmon", "pokered"],
        help="game to time (pokered: see `pocketrl bench env --game pokered -h`)",
    )
    args = p.parse_args(argv)
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    where = pin_one_core()
    print(f"gridmon env, world {args.world!r}, random actions, one core ({where})")
    try:
        for n in args.envs:
            r = measure(n, args.seconds, args.world)
            print(
                f"  batch {n:>6}: {r['steps_per_s']:>13,.0f} steps/s "
                f"({r['steps']:,} steps in {r['seconds']:.2f} s)"
            )
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
