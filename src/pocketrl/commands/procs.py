"""``pocketrl train --procs N``: data-parallel training on this machine, no torchrun to type.

The launcher runs ``torchrun --standalone --nproc_per_node=N -m pocketrl train ...`` with
the same run, so N processes train one policy (README, Scale out). A fresh run splits the
config's ``ppo.num_envs`` between them: the job plays as many games, and learns from
batches as large, as the one-process run; only the env steps per minute change. Each
process gets ``torch_threads = cores // N`` (at least 1) unless ``--set torch_threads``
says otherwise. A resumed run keeps its saved per-process ``num_envs``; its checkpoint
says how many processes it needs, and the trainer refuses another number.

Why: on a 2-core machine two processes of one thread beat one process of two threads
(docs/experiments.md, eighth session): the games, the forward pass and the update of each
half run side by side, where one process's small matrix products gain little from a
second thread.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from pocketrl.config import ConfigError


def check_procs(procs: int) -> None:
    """ConfigError for a --procs this process cannot honour."""
    if procs < 1:
        raise ConfigError(f"--procs must be 1 or more (processes on this machine), got {procs}")
    if procs > 1 and "WORLD_SIZE" in os.environ:
        raise ConfigError(
            "--procs starts its own processes, and this one already runs under torchrun: "
            "drop --procs (torchrun's --nproc_per_node says how many) or run without torchrun"
        )


def worker_argv(args, cfg, run_dir, procs: int, cores: int | None = None) -> list[str]:
    """The ``pocketrl train`` arguments each of the ``procs`` processes runs: this
    invocation's run (``cfg`` and ``run_dir`` as resolved here, so a default run dir is
    named once), with ``ppo.num_envs`` split (fresh runs) and ``torch_threads`` set (unless
    given)."""
    from pocketrl.commands.game_args import game_overrides

    sets = list(args.overrides) + game_overrides(args)
    if args.resume is None:
        envs = cfg.ppo.num_envs
        if envs % procs:
            raise ConfigError(
                f"ppo.num_envs={envs} does not split into {procs} processes; choose a "
                f"num_envs divisible by {procs} (e.g. --set ppo.num_envs={envs // procs * procs})"
            )
        sets.append(f"ppo.num_envs={envs // procs}")
    if not any(item.replace(" ", "").startswith("torch_threads=") for item in args.overrides):
        sets.append(f"torch_threads={max(1, (cores or os.cpu_count() or 1) // procs)}")
    argv = ["train"]
    for flag, value in (
        ("--preset", args.preset),
        ("--run-dir", run_dir if args.resume is None else None),
        ("--resume", args.resume),
        ("--init-from", args.init_from),
        ("--steps", args.steps),
        ("--minutes", args.minutes),
        ("--seed", args.seed),
        ("--device", args.device),
    ):
        if value is not None:
            argv += [flag, str(value)]
    if args.no_progress:
        argv.append("--no-progress")
    for item in sets:
        argv += ["--set", item]
    return argv


def launch(args, cfg, run_dir) -> int:
    """Run this training as ``args.procs`` processes under torchrun; returns its status.

    Signals: torchrun runs in a session of its own, as it starts each training process,
    so a terminal's Ctrl-C reaches this launcher alone (torchrun, given one, stops with a
    traceback after passing it on). The launcher passes it to the training processes,
    which stop at the next rollout boundary with a checkpoint; torchrun then ends
    quietly. A second Ctrl-C, one during start-up (before the processes listen), or a
    SIGTERM / SIGHUP of the launcher sends SIGTERM on: stop now."""
    from pocketrl.commands.train import PROGRAM_ENV, program

    procs = args.procs
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    cmd += [f"--nproc_per_node={procs}", "-m", "pocketrl", *worker_argv(args, cfg, run_dir, procs)]
    # torchrun warns and sets OMP_NUM_THREADS=1 when it is unset; torch_threads rules here.
    # The processes print the commands to run next as this launcher was spelled.
    env = {"OMP_NUM_THREADS": "1", **os.environ, PROGRAM_ENV: program()}
    child = subprocess.Popen(cmd, env=env, start_new_session=True)

    def stop_now(*_) -> None:
        _signal([*_children(child.pid), child.pid], signal.SIGTERM)

    saved = {s: signal.signal(s, stop_now) for s in (signal.SIGTERM, signal.SIGHUP)}
    interrupts = 0
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                interrupts += 1
                workers = _children(child.pid)
                if interrupts == 1 and workers:
                    _signal(workers, signal.SIGINT)
                else:
                    stop_now()
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc), [] where that cannot be read."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _signal(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass  # it ended already
