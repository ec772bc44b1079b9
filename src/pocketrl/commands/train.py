"""``pocketrl train``: the sub-command (flags, run dir, resume, the closing summary).

``add_parser(subparsers)`` registers it on the CLI; ``python -m pocketrl.commands.train``
runs it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from pocketrl.config import ConfigError, apply_override, load_config, make_config
from pocketrl.train.checkpoint import CheckpointError, checkpoint_path

DEFAULT_PRESET = "gridmon-default"


def add_parser(subparsers) -> None:
    """Register ``train`` on an argparse sub-parsers object."""
    p = subparsers.add_parser(
        "train",
        help="train a policy with PPO",
        description="Train a small policy with PPO + exploration on a game. Budgets: "
        "--steps (env steps of the whole run) and/or --minutes (this invocation).",
    )
    configure_parser(p)
    p.set_defaults(func=run)


def configure_parser(p: argparse.ArgumentParser) -> None:
    """The train flags (shared by the sub-command and ``python -m``)."""
    p.add_argument(
        "--preset", default=None, help=f"preset name or .toml path (default {DEFAULT_PRESET})"
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key, e.g. --set ppo.learning_rate=1e-4 (repeatable)",
    )
    p.add_argument("--steps", type=int, default=None, help="env-step budget of the run")
    p.add_argument("--minutes", type=float, default=None, help="wall-clock budget in minutes")
    p.add_argument("--seed", type=int, default=None, help="seed of games, init and sampling")
    p.add_argument(
        "--run-dir", type=Path, default=None, help="output folder (default runs/<preset>-<time>)"
    )
    p.add_argument(
        "--resume",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="continue the run in RUN_DIR from its latest checkpoint",
    )
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N or auto")
    p.add_argument("--no-progress", action="store_true", help="no live progress line")
    p.add_argument(
        "--game",
        choices=["gridmon", "pokered", "toy"],
        default=None,
        help="game to train on (default: the preset's; gridmon)",
    )
    p.add_argument(
        "--rom",
        default=None,
        metavar="PATH",
        help="pokered: your Pokemon Red ROM (or set POCKETRL_ROM); implies --game pokered",
    )
    p.add_argument(
        "--state", default=None, metavar="FILE", help="pokered: a PyBoy save state to start from"
    )
    p.add_argument(
        "--allow-any-rom",
        action="store_true",
        help="pokered: accept a ROM whose SHA-1 is not Pokemon Red (UE)",
    )


def _game_overrides(args) -> list[str]:
    """--game/--rom/--state/--allow-any-rom as config overrides."""
    out = []
    game = args.game or ("pokered" if args.rom or args.state or args.allow_any_rom else None)
    if game is not None:
        out.append(f'game="{game}"')
    if game == "pokered":
        if args.rom is not None:
            out.append(f"pokered.rom={json.dumps(str(args.rom))}")
        if args.state is not None:
            out.append(f"pokered.state={json.dumps(str(args.state))}")
        if args.allow_any_rom:
            out.append("pokered.allow_any_rom=true")
    return out


def build_config(args):
    """The resolved config of a fresh or resumed run, and its run dir."""
    extra = list(args.overrides)
    if args.steps is not None:
        extra.append(f"total_steps={args.steps}")
    if args.minutes is not None:
        extra.append(f"minutes={args.minutes}")
    if args.seed is not None:
        extra.append(f"seed={args.seed}")
    if args.device is not None:
        extra.append(f'device="{args.device}"')
    extra += _game_overrides(args)
    if args.resume is not None:
        if args.preset or args.run_dir:
            raise ConfigError(
                "--resume continues a run with its saved config; drop --preset/--run-dir"
            )
        if args.resume.is_file():
            raise ConfigError(
                f"--resume {args.resume} is a file; give the run dir that holds its "
                "config.toml and checkpoints/"
            )
        cfg = load_config(args.resume / "config.toml")
        for item in extra:
            apply_override(cfg, item)
        cfg.validate()
        return cfg, args.resume
    pokered = 'game="pokered"' in extra
    preset = args.preset or ("pokered" if pokered else DEFAULT_PRESET)
    cfg = make_config(preset, extra)
    run_dir = args.run_dir or Path("runs") / f"{Path(preset).stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    check_run_dir(run_dir, "--run-dir" if args.run_dir else "the default run dir")
    if checkpoint_path(run_dir).exists():
        raise ConfigError(
            f"{run_dir} already holds a run; continue it with --resume {run_dir} "
            "or choose another --run-dir"
        )
    return cfg, run_dir


def check_run_dir(run_dir: Path, label: str) -> None:
    """ConfigError unless ``run_dir`` is a folder or can be made one (no part is a file)."""
    for path in (run_dir, *run_dir.parents):
        if not path.exists():
            continue
        if path == run_dir and not path.is_dir():
            raise ConfigError(
                f"{label} {run_dir} is a file, not a folder; give a new folder path "
                "for the run's outputs (e.g. --run-dir runs/my-run)"
            )
        if not path.is_dir():
            raise ConfigError(
                f"{label} {run_dir} cannot be created: {path} is a file, not a folder; "
                "give a run dir under a folder"
            )
        if not os.access(path, os.W_OK | os.X_OK):
            raise ConfigError(f"{label} {run_dir} cannot be written: no write permission on {path}")
        return


def run(args) -> int:
    """Run ``train``; returns the process exit status."""
    from pocketrl.train.runner import train

    try:
        cfg, run_dir = build_config(args)
        result = train(cfg, run_dir, resume=args.resume is not None, progress=not args.no_progress)
    except (ConfigError, CheckpointError, ValueError) as e:
        print(f"pocketrl train: error: {e}", file=sys.stderr)
        return 2
    print_summary(result)
    return 1 if result.status == "nan" else 0


def print_summary(result) -> None:
    """What the agent achieved: each milestone, when first reached, by how many envs."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if result.message:
        console.print(result.message, highlight=False)
    table = Table(title=f"achieved after {result.global_step:,} env steps ({result.status})")
    table.add_column("milestone")
    table.add_column("first reached at env step", justify="right")
    table.add_column("envs holding it now", justify="right")
    for name, step in result.milestones.items():
        table.add_row(
            name, f"{step:,}" if step >= 0 else "-", str(result.milestone_envs.get(name, 0))
        )
    console.print(table)
    console.print(
        f"best badges: {result.best_badges} | run dir: {result.run_dir} "
        f"(curves.png, metrics.jsonl, tb/, checkpoints/)",
        highlight=False,
    )


def main(argv=None) -> int:
    """``python -m pocketrl.commands.train``: the train sub-command on its own."""
    parser = argparse.ArgumentParser(prog="pocketrl train")
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
