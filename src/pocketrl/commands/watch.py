"""``pocketrl watch``: an agent plays one game live in the terminal (gridmon: the `play`
view; other games: a status line per step)."""

from __future__ import annotations

import argparse
import sys
import time

from .agent_args import add_agent_args, load_target, make_agent, make_env
from .search_args import add_search_args, close_agent, search_settings, with_search


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
    add_search_args(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.fps <= 0:
        raise ValueError(f"--fps must be > 0, got {args.fps}")
    choice = load_target(args)
    settings = search_settings(args, choice)
    horizon = 10**9
    env = make_env(choice, 1, args.seed, horizon=horizon)
    agent, status = None, 0
    try:
        agent = with_search(make_agent(choice, env, args), env, choice, settings, horizon)
        status = _watch(env, agent, args)
    finally:
        if agent is not None:
            close_agent(agent)
        env.close()
    return status


def _watch(env, agent, args: argparse.Namespace) -> int:
    """Play and show until --steps, Ctrl-C, or the agent stops (e.g. an llm agent whose
    server stopped answering or whose token budget is spent): exit status 1 on a failure."""
    from pocketrl.evaluate import StopEval

    live = sys.stdout.isatty()
    label = args.agent or str(args.target)
    obs, t = env.obs, 0
    try:
        while args.steps is None or t < args.steps:
            obs, *_ = env.step(agent.act(obs))
            t += 1
            if live:
                sys.stdout.write("\x1b[2J\x1b[H")
            title = f"watching {label} on {env.label}, step {t}{_search_note(agent)} (Ctrl-C stops)"
            print(_screen(env, title))
            sys.stdout.flush()
            time.sleep(1.0 / args.fps)
    except KeyboardInterrupt:
        print(f"\nstopped after {t} steps")
    except StopEval as stop:
        print(f"stopped after {t} steps: {stop.reason}", file=sys.stderr if stop.failed else None)
        return 1 if stop.failed else 0
    return 0


def _search_note(agent) -> str:
    """`` with search N=.. D=..: X simulated steps`` for a SearchAgent, else empty."""
    if not hasattr(agent, "search_report"):
        return ""
    s = agent.search_report()
    return (
        f" with search N={s['copies']} D={s['depth']} ({s['policy']} rollouts): "
        f"{s['sim_steps']:,} simulated steps"
    )


def _screen(env, title: str) -> str:
    """gridmon's text view (map, party, battle); other games: their caption."""
    if env.label.startswith("gridmon/"):
        from pocketrl.games.gridmon.play import screen

        return screen(env, 0, title)
    return f"{title}\n{env.caption(0)}"
