"""``pocketrl watch``: an agent plays gridmon live in the terminal (the `play` view)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "watch",
        help="watch an agent play in the terminal",
        description="Show a trained policy (TARGET: run dir or checkpoint) or a built-in "
        "agent playing one game live, with the map, party and battle text.",
    )
    p.add_argument(
        "target",
        nargs="?",
        type=Path,
        default=None,
        help="a run dir or checkpoint file of a trained policy",
    )
    p.add_argument(
        "--agent",
        choices=["random", "oracle"],
        default=None,
        help="a built-in agent instead of a TARGET",
    )
    p.add_argument("--world", default=None, help="gridmon world (default: the run's, or main)")
    p.add_argument("--fps", type=float, default=8.0, help="steps shown per second")
    p.add_argument("--steps", type=int, default=None, help="stop after this many steps")
    p.add_argument("--seed", type=int, default=0, help="seed of the game and the agent")
    p.add_argument("--greedy", action="store_true", help="policy: most likely action")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pocketrl.evaluate import OracleAgent, RandomAgent
    from pocketrl.games.gridmon.config import GridmonConfig
    from pocketrl.games.gridmon.env import GridmonEnv
    from pocketrl.games.gridmon.play import screen

    if (args.target is None) == (args.agent is None):
        raise ValueError("give either a TARGET (run dir or checkpoint) or --agent random|oracle")
    if args.fps <= 0:
        raise ValueError(f"--fps must be > 0, got {args.fps}")
    loaded = None
    if args.target is not None:
        from pocketrl.agents.load import load_policy

        loaded = load_policy(args.target)
    world = args.world or (loaded.world if loaded else "main")
    config = GridmonConfig(world=world, horizon=10**9, on_truncate="continue")
    env = GridmonEnv(1, config, seed=args.seed)
    if args.agent == "random":
        agent = RandomAgent(1, env.num_actions, args.seed)
    elif args.agent == "oracle":
        agent = OracleAgent(env, args.seed)
    else:
        agent = loaded.agent(env, greedy=args.greedy, seed=args.seed)
    live = sys.stdout.isatty()
    name = args.agent or str(args.target)
    obs, t = env.obs, 0
    try:
        while args.steps is None or t < args.steps:
            obs, *_ = env.step(agent.act(obs))
            t += 1
            if live:
                sys.stdout.write("\x1b[2J\x1b[H")
            print(screen(env, 0, f"watching {name} on gridmon/{world} - step {t} - Ctrl-C stops"))
            sys.stdout.flush()
            time.sleep(1.0 / args.fps)
    except KeyboardInterrupt:
        print(f"\nstopped after {t} steps")
    return 0
