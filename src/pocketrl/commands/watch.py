"""``pocketrl watch``: an agent plays gridmon live in the terminal (the `play` view)."""

from __future__ import annotations

import argparse
import sys
import time

from .agent_args import add_agent_args, load_target, make_agent


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "watch",
        help="watch an agent play in the terminal",
        description="Show a trained policy (TARGET: run dir or checkpoint) or a built-in "
        "agent playing one game live, with the map, party and battle text.",
    )
    add_agent_args(p)
    p.add_argument("--fps", type=float, default=8.0, help="steps shown per second")
    p.add_argument("--steps", type=int, default=None, help="stop after this many steps")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pocketrl.games.gridmon.config import GridmonConfig
    from pocketrl.games.gridmon.env import GridmonEnv
    from pocketrl.games.gridmon.play import screen

    if args.fps <= 0:
        raise ValueError(f"--fps must be > 0, got {args.fps}")
    name, loaded, world = load_target(args)
    config = GridmonConfig(world=world, horizon=10**9, on_truncate="continue")
    if loaded is not None:
        config.rewards = loaded.rewards
    env = GridmonEnv(1, config, seed=args.seed)
    agent = make_agent(name, loaded, env, args)
    live = sys.stdout.isatty()
    label = args.agent or str(args.target)
    obs, t = env.obs, 0
    try:
        while args.steps is None or t < args.steps:
            obs, *_ = env.step(agent.act(obs))
            t += 1
            if live:
                sys.stdout.write("\x1b[2J\x1b[H")
            print(screen(env, 0, f"watching {label} on gridmon/{world}, step {t} (Ctrl-C stops)"))
            sys.stdout.flush()
            time.sleep(1.0 / args.fps)
    except KeyboardInterrupt:
        print(f"\nstopped after {t} steps")
    return 0
