"""What eval and watch share: choosing the agent (a trained policy or a built-in one) and
the game it plays, then building that game through the one factory (games/__init__.py)."""

from __future__ import annotations

import argparse
import copy
from dataclasses import dataclass
from pathlib import Path

from .game_args import add_game_args, game_overrides
from .llm_args import add_llm_args, check_llm_args, make_llm_agent

BUILT_IN_AGENTS = ("random", "oracle", "pretrained", "llm")


def add_agent_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "target",
        nargs="?",
        type=Path,
        default=None,
        help="a trained policy: run dir, checkpoint, or NAME.safetensors bundle",
    )
    p.add_argument(
        "--agent",
        choices=list(BUILT_IN_AGENTS),
        default=None,
        help="a built-in agent instead of a TARGET (oracle: gridmon only; pretrained: "
        "the policy shipped with pocketrl; llm: a language model, see --llm-*)",
    )
    p.add_argument(
        "--world",
        default=None,
        help="gridmon world: main, mini or a path to your own world folder "
        "(default: the run's, else main)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the games and the agent")
    p.add_argument(
        "--greedy",
        action="store_true",
        help="policy: take the most likely action instead of sampling (a policy trained "
        "on main can loop forever that way: the champion line's best took no badge greedy, "
        "badge 2 in 56 of 64 games sampled)",
    )
    add_game_args(p, "default: the run's; gridmon for a built-in agent")
    add_llm_args(p)


@dataclass
class Choice:
    """The agent chosen on the command line and the game it plays."""

    name: str  # "policy", "random" or "oracle"
    loaded: object | None  # agents.load.LoadedPolicy for a TARGET
    config: object  # a TrainConfig: the run's, or the defaults; game settings inside

    @property
    def game(self) -> str:
        return self.config.game


def load_target(args: argparse.Namespace) -> Choice:
    """The agent and game of ``args``; a clear error for bad input."""
    from pocketrl.config import TrainConfig, apply_override

    if (args.target is None) == (args.agent is None):
        raise ValueError(
            "give either a TARGET (run dir, checkpoint or policy bundle) or "
            f"--agent {'|'.join(BUILT_IN_AGENTS)}"
        )
    loaded = None
    if args.target is not None:
        from pocketrl.agents.load import load_policy

        loaded = load_policy(args.target)
    elif args.agent == "pretrained":
        from pocketrl.agents.pretrained import load_pretrained

        loaded = load_pretrained()
    config = copy.deepcopy(loaded.config) if loaded else TrainConfig()
    trained_on = config.game
    for item in game_overrides(args):
        apply_override(config, item)
    if loaded and config.game != trained_on:
        raise ValueError(
            f"{loaded.path} is a policy for {trained_on!r}; it cannot play {config.game!r}"
        )
    if args.world is not None:
        if config.game != "gridmon":
            raise ValueError(f"--world is a gridmon setting; this plays {config.game!r}")
        config.env.world = args.world
    if args.agent in ("oracle", "llm") and config.game != "gridmon":
        raise ValueError(f"the {args.agent} agent plays gridmon only, not {config.game!r}")
    if args.agent == "llm":
        check_llm_args(args)
    config.game_config.validate()
    return Choice(args.agent or "policy", loaded, config)


def game_config(choice: Choice, horizon: int):
    """A copy of the chosen game's settings for playing ``horizon`` steps without a
    restart (truncation then continues the game), every game from its first step (a
    run's ``stagger``, a training device, is dropped)."""
    cfg = copy.deepcopy(choice.config.game_config)
    cfg.horizon = horizon
    if hasattr(cfg, "on_truncate"):  # the toy game always starts over
        cfg.on_truncate = "continue"
    if hasattr(cfg, "stagger"):
        cfg.stagger = False
    return cfg


def make_env(choice: Choice, num_envs: int, seed: int, horizon: int):
    """``num_envs`` games of the chosen game (env i seeded ``seed + i``)."""
    from pocketrl.games import make_game

    return make_game(choice.game, num_envs, seed, config=game_config(choice, horizon))


def make_agent(choice: Choice, env, args: argparse.Namespace, out: Path | None = None):
    """The chosen agent for ``env``; ``out``: where an llm agent writes its transcript."""
    from pocketrl.evaluate import OracleAgent, RandomAgent

    if choice.name == "random":
        return RandomAgent(env.num_envs, env.num_actions, args.seed)
    if choice.name == "oracle":
        return OracleAgent(env, args.seed)
    if choice.name == "llm":
        return make_llm_agent(env, args, out)
    return choice.loaded.agent(env, greedy=args.greedy, seed=args.seed)
