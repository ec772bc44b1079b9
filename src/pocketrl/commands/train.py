"""``pocketrl train``: the sub-command (flags, run dir, resume, the closing summary).

``add_parser(subparsers)`` registers it on the CLI; ``python -m pocketrl.commands.train``
runs it alone.

Under ``torchrun`` every rank runs this command: rank 0 resolves the config and the run
dir (and checks them) and hands them to the others, rank 0 alone prints the summary.
When torchrun restarts a failed job (``--max-restarts``), the restarted ranks continue
the run in ``--run-dir`` from its latest checkpoint, as ``--resume`` would.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path

from pocketrl.commands.game_args import add_game_args, game_overrides
from pocketrl.config import (
    MAX_POLICY_PARAMS,
    ConfigError,
    PolicyConfig,
    apply_override,
    load_config,
    make_config,
)
from pocketrl.train.checkpoint import CheckpointError, checkpoint_path, init_source

DEFAULT_PRESET = "gridmon-default"
PROGRAM_ENV = "POCKETRL_PROGRAM"  # how --procs's launcher was spelled (see program())


def add_parser(subparsers) -> None:
    """Register ``train`` on an argparse sub-parsers object."""
    p = subparsers.add_parser(
        "train",
        help="train a policy with PPO",
        description="Train a small policy with PPO + exploration on a game. Budgets: "
        "--steps (env steps of the whole run) and/or --minutes (this invocation). Under "
        "torchrun (torchrun --nproc_per_node=P -m pocketrl train ...) the P processes train "
        "one policy, data-parallel; see the README, Scale out.",
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
    p.add_argument(
        "--init-from",
        type=Path,
        default=None,
        metavar="RUN_DIR",
        help="fine-tune: a new run that starts from the policy weights of RUN_DIR's latest "
        "checkpoint (games, optimizer and archive start fresh)",
    )
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:N or auto")
    p.add_argument("--no-progress", action="store_true", help="no live progress line")
    p.add_argument(
        "--procs",
        type=int,
        default=1,
        metavar="N",
        help="train with N processes on this machine (data-parallel, via torchrun); a new "
        "run splits ppo.num_envs between them (default 1)",
    )
    add_game_args(p, "default: the preset's; gridmon")


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
    if args.init_from is not None:
        extra.append(f"init_from={json.dumps(str(args.init_from))}")
    extra += game_overrides(args)
    args = _elastic_resume(args)
    if args.resume is not None:
        if args.preset or args.run_dir or args.init_from:
            raise ConfigError(
                "--resume continues a run with its saved config and weights; drop "
                "--preset/--run-dir/--init-from"
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


def _elastic_resume(args):
    """Under torchrun with ``--max-restarts``: a restarted job resumes the run in
    ``--run-dir`` (the only dir a restart can find again: the default one is named by the
    time). Returns ``args``, turned into ``--resume RUN_DIR`` where that applies."""
    from pocketrl.train.distributed import elastic_restart, elastic_restarts_allowed

    if args.resume is not None or not elastic_restarts_allowed():
        return args
    if args.run_dir is None:
        raise ConfigError(
            "torchrun --max-restarts restarts a failed job from its last checkpoint, "
            "which it finds in --run-dir: give --run-dir (e.g. --run-dir runs/my-run)"
        )
    if elastic_restart() and checkpoint_path(args.run_dir).exists():
        return argparse.Namespace(
            **{
                **vars(args),
                "resume": args.run_dir,
                "run_dir": None,
                "preset": None,
                "init_from": None,
            }
        )
    return args


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


def policy_inputs(cfg) -> tuple[dict, dict, int]:
    """(obs_spec, obs_vocab, num_actions) of the configured game, from one env (pokered:
    from the class, so no ROM is opened)."""
    if cfg.game == "pokered":
        from pocketrl.games.pokered.env import PokeredEnv

        return PokeredEnv.obs_spec, PokeredEnv.obs_vocab, PokeredEnv.num_actions
    from pocketrl.games import make_game

    game = make_game(cfg.game, 1, cfg.seed, config=cfg.game_config)
    try:
        return game.obs_spec, game.obs_vocab, game.num_actions
    finally:
        game.close()


def check_policy_size(cfg) -> int:
    """The configured policy's parameter count, counted without allocating it; a
    ConfigError naming its biggest parts and their keys above MAX_POLICY_PARAMS."""
    from pocketrl.agents.policy import PART_KEYS, policy_size

    inputs = policy_inputs(cfg)
    parts = policy_size(*inputs, cfg.policy)
    total = sum(parts.values())
    if total <= MAX_POLICY_PARAMS:
        return total
    biggest = sorted((n for n in parts if parts[n]), key=parts.get, reverse=True)[:3]
    where = "; ".join(f"{n} {parts[n]:,} (set by {', '.join(PART_KEYS[n])})" for n in biggest)
    default = PolicyConfig()
    default_total = sum(policy_size(*inputs, default).values())
    raise ConfigError(
        f"the policy would have {total:,} parameters; pocketrl trains tiny policies and "
        f"refuses more than {MAX_POLICY_PARAMS:,}. Biggest parts: {where}. "
        f"Now {_policy_keys(cfg.policy)}; lower them with --set (the defaults, "
        f"{_policy_keys(default)}, give {default_total:,})"
    )


def _policy_keys(p: PolicyConfig) -> str:
    return ", ".join(
        f"policy.{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in vars(p).items()
    )


def run(args) -> int:
    """Run ``train``; returns the process exit status."""
    from pocketrl.train import distributed
    from pocketrl.train.runner import Trainer

    if args.procs != 1:
        return _launch_procs(args)
    run_dir, ranks = None, distributed.Ranks()
    try:
        ranks = distributed.setup()
        cfg, run_dir, resume = ranks.on_main(lambda: _resolve(args))
        result = Trainer(
            cfg, run_dir, resume=resume, progress=not args.no_progress, ranks=ranks
        ).run()
    except (ConfigError, CheckpointError, ValueError, FileNotFoundError) as e:
        if ranks.is_main:  # every rank stops on it; one says why
            print(f"pocketrl train: error: {e}", file=sys.stderr)
        return 2
    except distributed.DistributedError as e:
        print(f"pocketrl train ({ranks.label or 'torchrun'}): error: {e}", file=sys.stderr)
        return 2
    except RuntimeError as e:
        if not ranks.active:
            raise
        # a collective failed: another rank died or was killed (torchrun names it)
        where = f" The last checkpoint, {checkpoint_path(run_dir)}, is intact." if run_dir else ""
        print(
            f"pocketrl train ({ranks.label}): error: lost contact with the other ranks "
            f"(one died or was stopped; torchrun's summary names it): "
            f"{str(e).strip().splitlines()[0][:300] if str(e).strip() else type(e).__name__}."
            f"{where} Start the job again with --resume (or let torchrun --max-restarts do "
            "it).",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        if run_dir is not None and checkpoint_path(run_dir).exists():
            print(
                "\naborted without a final checkpoint; the last periodic one is kept. "
                f"Continue with: {program()} train --resume {shlex.quote(str(run_dir))}",
                file=sys.stderr,
            )
        raise
    finally:
        distributed.teardown()
    if ranks.is_main:
        print_summary(result)
        print("\n".join(next_steps(result, cfg)))
    return 1 if result.status == "nan" else 0


def _launch_procs(args) -> int:
    """``--procs N``: check the run here, then start it as N processes (commands.procs)."""
    from pocketrl.commands.procs import check_procs, launch

    try:
        check_procs(args.procs)
        cfg, run_dir, _ = _resolve(args)
    except (ConfigError, CheckpointError, ValueError, FileNotFoundError) as e:
        print(f"pocketrl train: error: {e}", file=sys.stderr)
        return 2
    return launch(args, cfg, run_dir)


def _resolve(args):
    """(config, run dir, resume?) of this invocation, checked (rank 0 does this)."""
    cfg, run_dir = build_config(args)
    check_policy_size(cfg)
    resume = args.resume is not None or checkpoint_path(run_dir).exists()
    if cfg.init_from and not resume:  # a resumed run has its own weights
        init_source(cfg.init_from)  # a missing checkpoint is said before anything starts
        cfg.init_from = str(Path(cfg.init_from).resolve())  # config.toml names it wherever run
    return cfg, run_dir, resume


def program() -> str:
    """How to spell ``pocketrl`` in a command to copy: ``pocketrl`` when this process is
    the script found on PATH, the script's path as typed (``.venv/bin/pocketrl``) when it
    is another, else this interpreter with ``-m pocketrl``. Processes that ``--procs``
    started say what their launcher was called (``POCKETRL_PROGRAM``)."""
    if os.environ.get(PROGRAM_ENV):
        return os.environ[PROGRAM_ENV]
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name != "pocketrl":
        return f"{shlex.quote(_short(sys.executable))} -m pocketrl"
    on_path = shutil.which("pocketrl")
    if on_path and Path(on_path).resolve() == Path(argv0).resolve():
        return "pocketrl"
    return shlex.quote(argv0)


def _short(path: str) -> str:
    """``path`` relative to the working folder when it lies inside it."""
    try:
        rel = str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path
    return rel if "/" in rel else f"./{rel}"


def next_steps(result, cfg) -> list[str]:
    """The commands to run after this run ended: continue it, evaluate it, watch it."""
    from pocketrl.commands.eval import AGENT_DEFAULTS

    prog, run_dir = program(), shlex.quote(str(result.run_dir))
    # a data-parallel run continues with as many ranks (its checkpoint holds each one's):
    # --procs when they all ran on this machine, torchrun's own line when not
    n = getattr(result, "world_size", 1)
    local = int(os.environ.get("LOCAL_WORLD_SIZE", n) or n)
    again, procs = prog, f" --procs {n}" if n > 1 and local == n else ""
    if n > 1 and local != n:
        again = f"torchrun --nproc_per_node={local} -m pocketrl"
    steps = []
    if result.status == "interrupted":
        steps.append(("continue training", f"train --resume {run_dir}{procs}", again))
    envs, length = AGENT_DEFAULTS["policy"]
    what = "evaluate the last good policy" if result.status == "nan" else "evaluate the policy"
    steps.append((what, f"eval {run_dir} --envs {envs} --steps {length}", prog))
    steps.append(("watch it play", f"watch {run_dir}", prog))
    if result.status == "done":
        budget = f" --steps {2 * result.global_step}" if cfg.total_steps else ""
        budget += f" --minutes {cfg.minutes:g}" if cfg.minutes else ""
        steps.append(("train it further", f"train --resume {run_dir}{budget}{procs}", again))
    width = max((len(label) for label, _, _ in steps), default=0) + 1
    return ["next:"] + [f"  {(label + ':').ljust(width)}  {p} {cmd}" for label, cmd, p in steps]


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
    table.add_column("minute", justify="right")
    table.add_column("envs holding it now", justify="right")
    for name, step in result.milestones.items():
        minute = result.milestone_minutes.get(name, -1.0)
        table.add_row(
            name,
            f"{step:,}" if step >= 0 else "-",
            f"{minute:.1f}" if minute >= 0 else "-",
            str(result.milestone_envs.get(name, 0)),
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
