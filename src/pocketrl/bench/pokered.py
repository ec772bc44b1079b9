"""`pocketrl bench env --game pokered`: the env's steps/s next to a bare PyBoy loop.

Both run in this process, on the same ROM (the synthetic test ROM unless ``--rom``), the
same start state and the same number of emulators, with the same random actions and
the same frames per action: press, ``hold_ticks`` frames, release, the rest of
``action_ticks`` without rendering, one rendered frame. The env adds RAM reads, rewards,
the exploration memory and the observation. The text rule is off here (it adds frames
that the bare loop would not run). The two take turns step by step, each timed on its
own, so that other load on the machine hits both alike. Also printed: memory per env
(resident set growth while the envs are built) and the size of an env snapshot;
``--workers N`` adds the worker pool's steps/s.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class BareLoop:
    """``n`` PyBoys doing exactly the env's frames per action, nothing else."""

    def __init__(self, rom: str, start_raw: bytes, n: int, cfg):
        from pocketrl.games.pokered.emulator import BUTTONS, new_pyboy

        self.buttons, self.cfg = BUTTONS, cfg
        self.pyboys = [new_pyboy(rom) for _ in range(n)]
        for p in self.pyboys:  # as Emulator.new_game: the same games frame for frame
            p.load_state(io.BytesIO(start_raw))
            p.tick(1, True, False)

    def step(self, actions) -> None:
        cfg = self.cfg
        for p, a in zip(self.pyboys, actions, strict=True):
            button = self.buttons[a]
            p.button_press(button)
            p.tick(cfg.hold_ticks, False, False)
            p.button_release(button)
            p.tick(cfg.action_ticks - cfg.hold_ticks - 1, False, False)
            p.tick(1, True, False)

    def close(self) -> None:
        for p in self.pyboys:
            p.stop(save=False)


def timed(step, table, seconds: float) -> tuple[int, float]:
    """Calls of ``step`` over the action table for about ``seconds``: (calls, seconds)."""
    k, t0 = 0, time.perf_counter()
    while True:
        step(table[k % len(table)])
        k += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and k >= 5:
            return k, elapsed


def interleaved(steps: dict, table, seconds: float) -> dict[str, float]:
    """Seconds spent in each of ``steps`` when called in turn, step by step, with the
    same actions, until their total passes ``seconds``: load on the machine that comes
    and goes hits every side alike."""
    spent = dict.fromkeys(steps, 0.0)
    k, clock = 0, time.perf_counter
    while sum(spent.values()) < seconds or k < 5:
        actions = table[k % len(table)]
        for name, step in steps.items():
            t0 = clock()
            step(actions)
            spent[name] += clock() - t0
        k += 1
    return {name: k / secs for name, secs in spent.items()}


def run(args) -> dict:
    from pocketrl.games.pokered.config import PokeredConfig
    from pocketrl.games.pokered.env import PokeredEnv

    with tempfile.TemporaryDirectory() as tmp:
        rom, allow_any = args.rom, args.allow_any_rom
        if not rom:
            from pocketrl.games.pokered.testrom import write_test_rom

            rom, allow_any = str(write_test_rom(Path(tmp) / "synthetic.gb")), True
        cfg = PokeredConfig(
            rom=rom,
            state=args.state or "",
            allow_any_rom=allow_any,
            workers=0,
            skip_while_ignored=0,
        )
        from pocketrl.games.pokered.emulator import new_pyboy

        new_pyboy(rom).stop(save=False)  # the import and first-use costs are not per env
        rss0 = rss_bytes()
        env = PokeredEnv(args.envs, cfg, seed=0)
        per_env = (rss_bytes() - rss0) / args.envs
        snapshot = len(env.snapshot([0])[0])
        bare = BareLoop(str(env.rom_path), env.group.emulators[0].start_raw, args.envs, cfg)
        table = np.random.default_rng(0).integers(0, 7, (256, args.envs), dtype=np.int64)
        interleaved({"bare": bare.step, "env": env.step}, table, 0.4)  # warm up, in step
        rates = interleaved({"bare": bare.step, "env": env.step}, table, 2 * args.seconds)
        bare.close()
        env.close()
        result = {k: v * args.envs for k, v in rates.items()}
        result.update(
            rom=rom if args.rom else "synthetic test ROM", per_env=per_env, snapshot=snapshot
        )
        if args.workers:
            cfg.workers = args.workers
            pool_env = PokeredEnv(args.envs, cfg, seed=0)
            timed(pool_env.step, table, 0.2)
            calls, secs = timed(pool_env.step, table, args.seconds / 2)
            result["pool"] = calls * args.envs / secs
            pool_env.close()
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="pocketrl bench env --game pokered", description=__doc__)
    p.add_argument("--game", default="pokered", choices=["pokered"], help=argparse.SUPPRESS)
    p.add_argument("--rom", default="", help="your ROM (default: the synthetic test ROM)")
    p.add_argument("--state", default="", help="start state (default: made and cached)")
    p.add_argument("--allow-any-rom", action="store_true", help="skip the ROM's SHA-1 check")
    p.add_argument("--envs", type=int, default=4, help="emulators (default 4)")
    p.add_argument("--seconds", type=float, default=10.0, help="time per side (default 10)")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="also time the worker pool with this many processes (default: off)",
    )
    args = p.parse_args(argv)
    r = run(args)
    overhead = 1.0 - r["env"] / r["bare"]
    print(
        f"pokered env on the {r['rom']}, {args.envs} emulators in one process, "
        f"{os.cpu_count()} CPUs, random actions, 24 frames per action"
    )
    print(f"  bare PyBoy loop : {r['bare']:>9,.1f} steps/s")
    print(
        f"  PokeredEnv      : {r['env']:>9,.1f} steps/s  (overhead {overhead:.1%}, target <= 15%)"
    )
    if "pool" in r:
        print(f"  worker pool     : {r['pool']:>9,.1f} steps/s  ({args.workers} workers)")
    print(
        f"  memory per env  : {r['per_env'] / 2**20:>9,.1f} MiB resident; "
        f"snapshot {r['snapshot'] / 1024:.1f} KiB (compressed)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
