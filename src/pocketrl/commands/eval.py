"""``pocketrl eval``: play N games with an agent and report the milestones reached."""

from __future__ import annotations

import argparse
from pathlib import Path

AGENT_DEFAULTS = {"random": (1024, 1000), "oracle": (1, 30_000)}  # envs, steps


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "eval",
        help="measure what an agent achieves (milestones, steps, tiles)",
        description="Play --envs games for --steps steps from the start and print, for "
        "every milestone, the share of envs that reached it and the median and best step.",
    )
    p.add_argument(
        "--agent",
        choices=sorted(AGENT_DEFAULTS),
        default="oracle",
        help="built-in agent to evaluate",
    )
    p.add_argument("--world", default="main", help="gridmon world (main, mini)")
    p.add_argument(
        "--envs",
        type=int,
        default=None,
        help="games played at once (default: 1024 random, 1 oracle)",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=None,
        help="steps per game (default: 1000 random, 30000 oracle)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the games and the agent")
    p.add_argument(
        "--out", type=Path, default=None, help="folder for eval.json (default: print only)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pocketrl.evaluate import (
        OracleAgent,
        RandomAgent,
        evaluate,
        table,
        to_json,
        write_json_atomic,
    )
    from pocketrl.games.gridmon.config import GridmonConfig
    from pocketrl.games.gridmon.env import GridmonEnv

    envs, steps = AGENT_DEFAULTS[args.agent]
    envs = args.envs if args.envs is not None else envs
    steps = args.steps if args.steps is not None else steps
    if envs < 1 or steps < 1:
        raise ValueError(f"--envs and --steps must be >= 1, got {envs} and {steps}")
    config = GridmonConfig(world=args.world, horizon=steps + 1, on_truncate="continue")
    env = GridmonEnv(envs, config, seed=args.seed)
    if args.agent == "random":
        agent = RandomAgent(envs, env.num_actions, args.seed)
    else:
        agent = OracleAgent(env, args.seed)
    result = evaluate(env, agent, steps, args.agent, args.seed)
    print(env.world.summary())
    print(table(result))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        write_json_atomic(
            args.out / "eval.json", to_json(result, {"config": vars(config) | {"rewards": None}})
        )
        print(f"wrote {args.out / 'eval.json'}")
    return 0
