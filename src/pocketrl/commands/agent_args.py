"""What eval and watch share: choosing the agent (a trained policy or a built-in one)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_agent_args(p: argparse.ArgumentParser) -> None:
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
    p.add_argument(
        "--world", default=None, help="gridmon world (main, mini; default: the run's, else main)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the games and the agent")
    p.add_argument(
        "--greedy",
        action="store_true",
        help="policy: take the most likely action instead of sampling",
    )


def load_target(args: argparse.Namespace):
    """(agent name, loaded policy or None, world name); a clear error for bad input."""
    if (args.target is None) == (args.agent is None):
        raise ValueError("give either a TARGET (run dir or checkpoint) or --agent random|oracle")
    loaded = None
    if args.target is not None:
        from pocketrl.agents.load import load_policy

        loaded = load_policy(args.target)
    world = args.world or (loaded.world if loaded else "main")
    return args.agent or "policy", loaded, world


def make_agent(name: str, loaded, env, args: argparse.Namespace):
    from pocketrl.evaluate import OracleAgent, RandomAgent

    if name == "random":
        return RandomAgent(env.num_envs, env.num_actions, args.seed)
    if name == "oracle":
        return OracleAgent(env, args.seed)
    return loaded.agent(env, greedy=args.greedy, seed=args.seed)
