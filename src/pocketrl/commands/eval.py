"""``pocketrl eval``: play N games with an agent, report milestones, save pictures."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from .agent_args import add_agent_args, game_config, load_target, make_agent, make_env

# agent -> (games, steps per game) when --envs / --steps are not given
AGENT_DEFAULTS = {
    "random": (1024, 1000),
    "oracle": (1, 30_000),
    "policy": (64, 20_000),
    "pretrained": (64, 40_000),
}


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "eval",
        help="measure what an agent achieves (milestones, steps, tiles)",
        description="Play --envs games for --steps steps from the start and print, for "
        "every milestone, the share of envs that reached it and the median and best step. "
        "Writes eval.json, rollout.gif (the best game) and heatmap.png (all visits).",
    )
    add_agent_args(p)
    p.add_argument(
        "--envs",
        type=int,
        default=None,
        help="games played at once (default: 1024 random, 1 oracle, 64 policy/pretrained)",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=None,
        help="steps per game (default: 1000 random, 30000 oracle, 20000 policy, 40000 pretrained)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: TARGET/eval, or runs/eval-AGENT-WORLD)",
    )
    p.add_argument("--no-media", action="store_true", help="skip rollout.gif and heatmap.png")
    p.add_argument(
        "--gif-frames",
        type=int,
        default=1200,
        help="at most this many GIF frames (a longer game shows every k-th step)",
    )
    p.add_argument(
        "--gif-steps",
        type=int,
        default=None,
        help="only the first N steps of the best game go into the GIF",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pocketrl.evaluate import evaluate, table, to_json, write_json_atomic

    choice = load_target(args)
    envs, steps = AGENT_DEFAULTS[choice.name]
    envs = args.envs if args.envs is not None else envs
    steps = args.steps if args.steps is not None else steps
    if envs < 1 or steps < 1:
        raise ValueError(f"--envs and --steps must be >= 1, got {envs} and {steps}")
    env = make_env(choice, envs, args.seed, horizon=steps + 1)
    try:
        agent = make_agent(choice, env, args)
        result = evaluate(env, agent, steps, choice.name, args.seed)
        print(env.describe())
        print(table(result))
        out = args.out or default_out(args.target, choice.name, env.label)
        extra = {
            "config": asdict(game_config(choice, steps + 1)),
            "target": str(args.target or ""),
            "greedy": bool(args.greedy),
        }
        write_json_atomic(out / "eval.json", to_json(result, extra))
        print(f"wrote {out / 'eval.json'}")
        if not args.no_media:
            _write_media(out, env, choice, result, args)
    finally:
        env.close()
    return 0


def default_out(target: Path | None, agent: str, label: str) -> Path:
    """TARGET/eval for a run dir (next to a checkpoint file), else
    runs/eval-NAME-WORLD: NAME the agent or the bundle's name, WORLD the gridmon world
    (e.g. main) or the game."""
    if target is not None and target.suffix not in (".safetensors", ".json"):
        return (target if target.is_dir() else target.parent) / "eval"
    name = target.stem if target is not None else agent
    return Path("runs") / f"eval-{name}-{label.split('/')[-1]}"


def _write_media(out: Path, env, choice, result, args) -> None:
    from pocketrl.media import replay_frames, write_gif, write_heatmap

    best = result.best_env()
    actions = result.actions[: args.gif_steps, best]
    config = game_config(choice, result.steps + 1)
    frames = replay_frames(choice.game, config, args.seed + best, actions, max(1, args.gif_frames))
    n = write_gif(out / "rollout.gif", frames)
    print(f"wrote {out / 'rollout.gif'} (env {best}, {n} frames)")
    size = write_heatmap(out / "heatmap.png", env)
    if size is not None:
        print(f"wrote {out / 'heatmap.png'} ({size[1]}x{size[0]})")
