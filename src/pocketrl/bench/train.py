"""``pocketrl bench train``: end-to-end training steps/s and the env/forward/learn split.

A fixed budget: build the trainer for a preset (gridmon-default unless told), run warm-up
updates (numba compilation, allocator), then time ``--updates`` full rollout + update
cycles. Nothing is written outside a temporary folder. A benchmark, never a timed test.
"""

from __future__ import annotations

import argparse
import tempfile
import time


def measure(preset: str, overrides: list[str], updates: int, warmup: int) -> dict:
    """Time ``updates`` rollout+update cycles after ``warmup`` ones; returns the numbers."""
    from pocketrl.agents.policy import count_params
    from pocketrl.config import make_config
    from pocketrl.train.runner import Trainer

    cfg = make_config(preset, ["explore.archive=true", *overrides])
    with tempfile.TemporaryDirectory() as tmp:
        tr = Trainer(cfg, tmp, progress=False)
        col = tr.collector
        for _ in range(warmup):
            col.collect(tr.storage)
            tr._learn()
        env0, fwd0, learn0 = col.time["env"], col.time["forward"], tr.learn_seconds
        step0, t0 = col.global_step, time.perf_counter()
        for _ in range(updates):
            col.collect(tr.storage)
            tr._learn()
        wall = time.perf_counter() - t0
        out = {
            "preset": preset,
            "params": count_params(tr.policy),
            "num_envs": cfg.ppo.num_envs,
            "steps": col.global_step - step0,
            "seconds": wall,
            "env_s": col.time["env"] - env0,
            "forward_s": col.time["forward"] - fwd0,
            "learn_s": tr.learn_seconds - learn0,
        }
        tr.logger.close()
    out["sps"] = out["steps"] / wall
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="pocketrl bench train", description=__doc__)
    p.add_argument("--preset", default="gridmon-default")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--updates", type=int, default=4, help="timed rollout+update cycles")
    p.add_argument("--warmup", type=int, default=1, help="untimed cycles first")
    args = p.parse_args(argv)
    r = measure(args.preset, args.overrides, args.updates, args.warmup)
    other = r["seconds"] - r["env_s"] - r["forward_s"] - r["learn_s"]
    print(
        f"preset {r['preset']}: {r['params']:,} params, {r['num_envs']} envs, "
        f"{r['steps']:,} timed env steps in {r['seconds']:.1f} s"
    )
    print(f"end-to-end: {r['sps']:,.0f} env steps/s")
    for name, s in (("env", r["env_s"]), ("forward", r["forward_s"]), ("learn", r["learn_s"])):
        print(
            f"  {name:8s} {s:7.2f} s  {100 * s / r['seconds']:5.1f}%  "
            f"({r['steps'] / max(s, 1e-9):,.0f} steps/s alone)"
        )
    print(f"  other    {max(other, 0.0):7.2f} s  (logging, bookkeeping)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
