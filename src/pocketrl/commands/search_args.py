"""The search flags of eval and watch (agents/search.py): --search N, --search-depth,
--search-every, --search-mode, --search-policy, --search-seed; and wrapping the chosen
agent in a SearchAgent whose simulation game is built like the real one."""

from __future__ import annotations

import argparse

from .agent_args import Choice, make_env


def add_search_args(p: argparse.ArgumentParser) -> None:
    from pocketrl.agents.search import SEARCH_MODES, SEARCH_POLICIES

    g = p.add_argument_group("search (look-ahead by simulation before each real step)")
    g.add_argument(
        "--search",
        type=int,
        default=0,
        metavar="N",
        help="copies of each game played ahead before a real step (default 0: no search)",
    )
    g.add_argument(
        "--search-depth",
        type=int,
        default=32,
        metavar="D",
        help="steps each copy plays before it is scored (default 32)",
    )
    g.add_argument(
        "--search-every",
        type=int,
        default=1,
        metavar="K",
        help="search before every K-th real step; the agent acts alone in between (default 1)",
    )
    g.add_argument(
        "--search-mode",
        choices=list(SEARCH_MODES),
        default="best",
        help="best: first action of the best copy; mean: first action with the best mean "
        "score (default best)",
    )
    g.add_argument(
        "--search-policy",
        choices=list(SEARCH_POLICIES),
        default=None,
        help="how copies play: the trained policy (critic value at the leaves) or random "
        "buttons (value 0); default policy for a trained policy, random for --agent random",
    )
    g.add_argument(
        "--search-seed",
        type=int,
        default=None,
        help="seed of the copies' actions (default: --seed); the real games keep --seed",
    )


def search_settings(args: argparse.Namespace, choice: Choice, copies: int | None = None):
    """The SearchSettings of ``args`` (``copies`` overrides --search, for sweeps);
    a clear error for settings that cannot work with the chosen agent."""
    from pocketrl.agents.search import SearchSettings

    policy = args.search_policy or ("random" if choice.loaded is None else "policy")
    settings = SearchSettings(
        copies=args.search if copies is None else copies,
        depth=args.search_depth,
        every=args.search_every,
        mode=args.search_mode,
        policy=policy,
        seed=args.seed if args.search_seed is None else args.search_seed,
        gamma=float(choice.config.ppo.gamma),
    )
    settings.validate()
    searching = settings.copies > 0 or bool(getattr(args, "search_sweep", None))
    if searching and choice.name == "oracle":
        raise ValueError(
            "--search plays ahead with a policy or random buttons; the oracle is scripted "
            "and cannot be searched: use a TARGET, --agent pretrained or --agent random"
        )
    if searching and policy == "policy" and choice.loaded is None:
        raise ValueError(
            "--search-policy policy needs a trained policy (a TARGET or --agent "
            "pretrained); with --agent random use --search-policy random"
        )
    return settings


def with_search(agent, env, choice: Choice, settings, horizon: int):
    """``agent`` itself without search (N = 0), else a SearchAgent over it whose
    simulation game is built like ``env`` (same game and config, seeded with the search
    seed)."""
    if settings.copies == 0:
        return agent
    from pocketrl.agents.search import SearchAgent

    def make_sim(num_envs: int):
        return make_env(choice, num_envs, settings.seed, horizon)

    return SearchAgent(env, agent, settings, make_sim)


def close_agent(agent) -> None:
    """Close the agent's own games (a SearchAgent's simulation), if any."""
    close = getattr(agent, "close", None)
    if close is not None:
        close()
