"""``pocketrl bench train``: end-to-end training steps/s and the env/forward/learn split.

A fixed budget: build the trainer for a preset (gridmon-default unless told), run warm-up
updates (numba compilation, allocator), then time ``--updates`` full rollout + update
cycles. Nothing is written outside a temporary folder. A benchmark, never a timed test.

Under ``torchrun`` (``torchrun --nproc_per_node=2 -m pocketrl bench train``) every rank
runs the cycles of data-parallel training (gradient average, shared archive) and rank 0
prints the job's steps/s: all ranks' env steps over its wall time.

``--peer sb3`` then trains Stable-Baselines3's PPO on the same game with the same network
and PPO settings, in the same invocation (``pocketrl.bench.peer_sb3``), and prints both
steps/s and their ratio. ``--peer cleanrl`` is refused with the reason (see README).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

CLEANRL = (
    "--peer cleanrl: CleanRL's PPO is a script (ppo.py, run as __main__) whose network is "
    "defined inside it for flat observations; it cannot take gridmon's dict observation "
    "or pocketrl's network without editing a copy of it, and an edited copy is no longer "
    "CleanRL's loop. Use --peer sb3 (see the README, Scale out)."
)


def bench_config(preset: str, overrides: list[str]):
    """The config both pocketrl and the peer are timed with (the archive on)."""
    from pocketrl.config import make_config

    return make_config(preset, ["explore.archive=true", *overrides])


def measure(preset: str, overrides: list[str], updates: int, warmup: int) -> dict:
    """Time ``updates`` rollout+update cycles after ``warmup`` ones; returns the numbers."""
    from pocketrl.agents.policy import count_params
    from pocketrl.train import distributed
    from pocketrl.train.runner import Trainer

    cfg = bench_config(preset, overrides)
    ranks = distributed.setup()
    with tempfile.TemporaryDirectory() as tmp:
        tr = Trainer(cfg, tmp, progress=False, ranks=ranks)
        col = tr.collector

        def cycle():
            col.collect(tr.storage)
            distributed.share_archive(ranks, tr.archive)
            tr._learn()

        for _ in range(warmup):
            cycle()
        env0, fwd0, learn0 = col.time["env"], col.time["forward"], tr.learn_seconds
        step0, t0 = col.global_step, time.perf_counter()
        for _ in range(updates):
            cycle()
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
        out["device"] = str(tr.device)
        out["ranks"] = ranks.world_size
        if tr.logger:
            tr.logger.close()
    out["sps"] = out["steps"] / wall
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="pocketrl bench train", description=__doc__)
    p.add_argument("--preset", default="gridmon-default")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--updates", type=int, default=4, help="timed rollout+update cycles")
    p.add_argument("--warmup", type=int, default=1, help="untimed cycles first")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N or auto (the policy's)")
    p.add_argument(
        "--peer",
        choices=["sb3", "cleanrl"],
        default=None,
        help="then time a well-known library on the same game, network and PPO settings",
    )
    args = p.parse_args(argv)
    if args.peer == "cleanrl":
        print(f"pocketrl bench train: {CLEANRL}")
        return 2
    if args.device:
        args.overrides.append(f'device="{args.device}"')
    if args.peer == "sb3":
        from pocketrl.bench.peer_sb3 import require_sb3

        require_sb3()  # before the pocketrl run, not after it
    r = measure(args.preset, args.overrides, args.updates, args.warmup)
    if r["ranks"] > 1:
        from pocketrl.train import distributed

        distributed.teardown()
        if int(os.environ["RANK"]) != 0:  # rank 0 prints the job's numbers
            return 0
    per_rank = f" per rank x {r['ranks']} ranks" if r["ranks"] > 1 else ""
    of_rank_0 = ", rank 0" if r["ranks"] > 1 else ""
    other = r["seconds"] - r["env_s"] - r["forward_s"] - r["learn_s"]
    print(
        f"preset {r['preset']}: {r['params']:,} params, {r['num_envs']} envs{per_rank}, "
        f"{r['steps']:,} timed env steps in {r['seconds']:.1f} s (policy on {r['device']})"
    )
    print(f"end-to-end: {r['sps']:,.0f} env steps/s")
    for name, s in (("env", r["env_s"]), ("forward", r["forward_s"]), ("learn", r["learn_s"])):
        print(
            f"  {name:8s} {s:7.2f} s  {100 * s / r['seconds']:5.1f}%  "
            f"({r['steps'] / r['ranks'] / max(s, 1e-9):,.0f} steps/s alone{of_rank_0})"
        )
    print(f"  other    {max(other, 0.0):7.2f} s  (logging, bookkeeping)")
    if args.peer == "sb3":
        print_peer(r, args)
    return 0


def print_peer(ours: dict, args) -> None:
    """Time SB3's PPO on the same settings and print it beside pocketrl's run."""
    from pocketrl.bench.peer_sb3 import measure as measure_sb3

    cfg = bench_config(args.preset, args.overrides)
    peer = measure_sb3(cfg, args.updates, args.warmup)
    p = cfg.ppo
    print(
        f"peer sb3 (stable-baselines3 PPO, DummyVecEnv, policy on cpu): {peer['params']:,} "
        f"params (pocketrl {ours['params']:,}), {peer['num_envs']} envs x {p.num_steps} "
        f"steps, minibatch {cfg.minibatch_size}, {p.update_epochs} epoch(s): "
        f"{peer['steps']:,} timed env steps in {peer['seconds']:.1f} s"
    )
    print(f"  sb3:      {peer['sps']:,.0f} env steps/s")
    print(f"  pocketrl: {ours['sps']:,.0f} env steps/s")
    print(f"  ratio:    pocketrl / sb3 = {ours['sps'] / peer['sps']:.1f}x")


if __name__ == "__main__":
    raise SystemExit(main())
