"""The training loop: build everything, rollout -> GAE -> update, log, checkpoint, stop.

``train(cfg, run_dir)`` starts a run; ``train(cfg, run_dir, resume=True)`` continues one
from its latest checkpoint exactly (same weights, optimizer, env states, RNG streams and
step count). It stops at the step or time budget, on SIGINT/SIGTERM (after saving a
checkpoint), or on a NaN/inf loss (keeping the last good checkpoint).

Under ``torchrun`` the same loop runs on every rank (``pocketrl.train.distributed``): each
rank collects its own rollout, gradients are averaged over the ranks, the archive is
shared, decisions (stop, log, checkpoint) are agreed, metrics are reduced over the ranks,
and rank 0 alone writes files: one checkpoint holding every rank's state.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from pocketrl.agents.policy import Policy, count_params
from pocketrl.config import TrainConfig, save_config, to_dict
from pocketrl.games import make_game
from pocketrl.train import checkpoint as ckpt
from pocketrl.train import distributed
from pocketrl.train.curves import plot_curves
from pocketrl.train.distributed import GradAverager, Ranks, share_archive
from pocketrl.train.explore import Archive
from pocketrl.train.job_metrics import env_metrics, job_view
from pocketrl.train.logger import METRICS, MetricsLogger, Progress
from pocketrl.train.ppo import NonFiniteLossError, compute_gae, ppo_update
from pocketrl.train.rollout import Collector, RolloutStorage


@dataclass
class TrainResult:
    """How a run ended and what it achieved."""

    status: str  # "done" | "interrupted" | "nan"
    global_step: int
    run_dir: Path
    milestones: dict[str, int] = field(default_factory=dict)  # name -> first step (-1: no)
    milestone_minutes: dict[str, float] = field(default_factory=dict)  # name -> minute (-1)
    milestone_envs: dict[str, int] = field(default_factory=dict)  # name -> envs holding it
    best_badges: int = 0
    message: str = ""
    world_size: int = 1  # processes of the job (torchrun ranks)


def resolve_device(name: str) -> torch.device:
    """``auto`` -> cuda when present else cpu; otherwise the named device (checked)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(name)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={name!r} but CUDA is not available here; use cpu or auto")
    return dev


class Trainer:
    """Holds the pieces of one run; ``run()`` is the loop (see module docstring)."""

    def __init__(
        self,
        cfg: TrainConfig,
        run_dir: Path,
        resume: bool = False,
        progress: bool = True,
        ranks: Ranks | None = None,
    ):
        self.cfg, self.run_dir = cfg, Path(run_dir)
        self.ranks = ranks or distributed.setup()
        self.is_main = self.ranks.is_main
        if cfg.torch_threads:
            torch.set_num_threads(cfg.torch_threads)
        seed = self.ranks.rank_seed(cfg.seed)
        torch.manual_seed(seed)
        self.device = resolve_device(self.ranks.device(cfg.device))
        p = cfg.ppo
        self.game = make_game(cfg.game, p.num_envs, seed, config=cfg.game_config)
        self.policy = Policy(
            self.game.obs_spec,
            self.game.obs_vocab,
            self.game.num_actions,
            cfg.policy,
        ).to(self.device)
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=p.learning_rate, eps=1e-5)
        hidden = cfg.policy.hidden if cfg.policy.lstm else 0
        horizon = p.bptt_horizon if cfg.policy.lstm else 1
        self.storage = RolloutStorage(self.game.obs_spec, p.num_steps, p.num_envs, hidden, horizon)
        self.archive = None
        if cfg.explore.archive:
            rng = np.random.default_rng(seed)
            self.archive = Archive(cfg.explore, p.num_envs, len(self.game.milestones), rng)
            if self.ranks.active:
                self.archive.start_sharing()
        self.collector = Collector(
            self.game,
            self.policy,
            self.archive,
            self.device,
            seed,
            horizon,
            world_size=self.ranks.world_size,
        )
        self.sync_grads = GradAverager(self.ranks) if self.ranks.active else None
        self.updates, self.train_seconds, self.losses = 0, 0.0, {}
        # training minute at which any env first reached each milestone (-1: not yet)
        self.milestone_minutes = [-1.0] * len(self.game.milestones)
        self.learn_seconds = 0.0
        self.stop_reason: str | None = None
        self.ckpt_path = ckpt.checkpoint_path(self.run_dir)
        resume_step = None
        init_note = None
        if cfg.init_from and not resume and self.is_main:
            ours = to_dict(cfg)
            weights, theirs = ckpt.load_init_weights(
                cfg.init_from, list(self.game.milestones), ours["policy"]
            )
            self.policy.load_state_dict(weights)
            init_note = ckpt.init_note(cfg, theirs, ours)
        if resume:
            self._load(self.ranks.on_main(lambda: ckpt.load_checkpoint(self.ckpt_path)))
            resume_step = self.collector.global_step
        self.ranks.broadcast_params(self.policy)  # every rank starts from rank 0's weights
        self.logger = None
        if self.is_main:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            save_config(cfg, self.run_dir / "config.toml")
            self.logger = MetricsLogger(self.run_dir, resume_step)
        self.progress = Progress(enabled=progress and self.is_main)
        if init_note:
            self._say(init_note)

    # --- checkpoints ---------------------------------------------------------------------
    def save(self) -> None:
        """Write the latest checkpoint (atomically; on every rank: each hands its state to
        rank 0, which writes one file). Rank 0's state sits where a 1-process run keeps
        its own; ``ranks`` lists the states of ranks 1, 2, ..."""
        states = self.ranks.gather(self._rank_state())
        if not self.is_main:
            return
        ckpt.save_checkpoint(
            self.ckpt_path,
            {
                **self._policy_payload(),
                "optimizer": self.optimizer.state_dict(),
                **states[0],
                "world_size": self.ranks.world_size,
                "ranks": states[1:],
                "counters": {
                    "updates": self.updates,
                    "milestone_minutes": list(self.milestone_minutes),
                    "train_seconds": self.train_seconds,
                    "learn_seconds": self.learn_seconds,
                },
            },
        )

    def _policy_payload(self) -> dict:
        """What any checkpoint of this run holds for the policy alone: its config, its
        weights and the game's milestones (eval, watch and ``init_from`` read these)."""
        return {
            "config": to_dict(self.cfg),
            "model": self.policy.state_dict(),
            "milestones": list(self.game.milestones),
        }

    def _snapshot_if_due(self, step_before: int) -> None:
        """Keep the just-updated policy as a snapshot when this rollout's env steps
        crossed a multiple of ``snapshot_steps`` (rank 0 writes; the weights are the same
        on every rank)."""
        every, step = self.cfg.snapshot_steps, self.collector.global_step
        if not every or not self.is_main or step // every == step_before // every:
            return
        ckpt.save_checkpoint(
            ckpt.snapshot_path(self.run_dir, step),
            {
                **self._policy_payload(),
                "global_step": step,
                "counters": {"updates": self.updates, "train_seconds": self.train_seconds},
            },
        )

    def _rank_state(self) -> dict:
        """What this rank alone holds: its games, collector, archive view, RNG streams."""
        state = {
            "collector": self.collector.state_dict(),
            "archive": None if self.archive is None else self.archive.state_dict(),
            "torch_rng": torch.get_rng_state(),
        }
        if self.device.type == "cuda":
            state["cuda_rng"] = torch.cuda.get_rng_state(self.device)
        return state

    def _load(self, data: dict) -> None:
        where, job = self.ckpt_path, self.ranks.world_size
        saved = data.get("world_size", 1)
        if saved != job:
            raise ckpt.CheckpointError(
                f"{where} was written by a job of {saved} rank(s) and this job has {job}: "
                "each rank's games are in the checkpoint and are not redistributed; "
                + (
                    "resume it as one process (without --procs or torchrun)"
                    if saved == 1
                    else f"resume it with {saved} processes in all: on one machine "
                    f"pocketrl train --resume RUN_DIR --procs {saved}, on several torchrun "
                    f"with --nnodes x --nproc_per_node = {saved}"
                )
            )
        try:
            if data["milestones"] != list(self.game.milestones):
                raise ckpt.CheckpointError(f"{where} was made for another game or world")
            mine = data if self.ranks.rank == 0 else data["ranks"][self.ranks.rank - 1]
            self.policy.load_state_dict(data["model"])
            self.optimizer.load_state_dict(data["optimizer"])
            self.collector.load_state_dict(mine["collector"])
            if self.archive is not None and mine["archive"] is not None:
                self.archive.load_state_dict(mine["archive"])
            torch.set_rng_state(mine["torch_rng"])
            if "cuda_rng" in mine and self.device.type == "cuda":
                torch.cuda.set_rng_state(mine["cuda_rng"], self.device)
            c = data["counters"]
            self.updates, self.train_seconds = c["updates"], c["train_seconds"]
            self.milestone_minutes = list(c.get("milestone_minutes", self.milestone_minutes))
            self.learn_seconds = c["learn_seconds"]
        except ckpt.CheckpointError:
            raise
        except (KeyError, RuntimeError, ValueError, TypeError) as e:
            raise ckpt.CheckpointError(
                f"{where} does not match this run's config or game: {str(e)[:300]}"
            ) from None

    # --- the loop -----------------------------------------------------------------------
    def run(self) -> TrainResult:
        cfg, col, ranks = self.cfg, self.collector, self.ranks
        self._say(
            f"policy: {count_params(self.policy):,} parameters | game {cfg.game} | "
            f"{cfg.ppo.num_envs} envs x {cfg.ppo.num_steps} steps"
            f"{f' x {ranks.world_size} rank(s)' if ranks.active else ''} | device {self.device} | "
            f"run dir {self.run_dir}"
        )
        if col.global_step == 0:
            self.save()
        start = time.perf_counter()
        base_seconds = self.train_seconds
        last_ckpt = last_log = last_heatmap = start
        window = self._window_start(start)
        status, message = "done", ""
        # a rank stops mid-rollout only when it is alone: ranks stop together, in between
        local_stop = (lambda: False) if ranks.active else (lambda: self.stop_reason is not None)
        handlers = self._install_signals()
        try:
            (done,) = ranks.agree(self._budget_done(start))
            while not done:
                step_before = col.global_step
                steps = col.collect(self.storage, stop=local_stop)
                share_archive(ranks, self.archive)
                self.train_seconds = base_seconds + time.perf_counter() - start
                job = job_view(ranks, col)
                self._note_milestone_minutes(job)
                (stopping,) = ranks.agree(self.stop_reason is not None)
                if steps < self.storage.num_steps or stopping:
                    self.stop_reason = self.stop_reason or "stop on another rank"
                    break
                self._learn()
                self._snapshot_if_due(step_before)
                now = time.perf_counter()
                self.train_seconds = base_seconds + now - start
                metrics = self._metrics(job, window, now, start)
                self.progress.update(metrics)
                log, save, heatmap, done = ranks.agree(
                    now - last_log >= cfg.log_seconds,
                    now - last_ckpt >= cfg.checkpoint_minutes * 60,
                    bool(cfg.heatmap_minutes) and now - last_heatmap >= cfg.heatmap_minutes * 60,
                    self._budget_done(start),
                )
                if log:
                    if self.logger:
                        self.logger.log(col.global_step, metrics)
                    window, last_log = self._window_start(now), now
                if save:
                    self.save()
                    last_ckpt = now
                if heatmap:
                    self.write_heatmap()
                    last_heatmap = now
        except NonFiniteLossError as e:
            status = "nan"
            message = (
                f"stopped: non-finite loss at update {self.updates + 1} (env step "
                f"{col.global_step}): {e}. The last good checkpoint is kept at "
                f"{self.ckpt_path}; try a lower ppo.learning_rate or ppo.max_grad_norm."
            )
        finally:
            self._restore_signals(handlers)
        return self._wrap_up(status, message, window, start)

    def _wrap_up(self, status: str, message: str, window: dict, start: float) -> TrainResult:
        """After the loop: the last metrics record and checkpoint (unless the loss went
        NaN: the last good checkpoint stays), then the result."""
        col = self.collector
        if self.stop_reason:
            status = "interrupted"
            n = self.ranks.world_size
            message = (
                f"{self.stop_reason}: checkpoint saved at step {col.global_step}; "
                f"continue with: pocketrl train --resume {self.run_dir}"
                + (f" --procs {n} (or torchrun, {n} processes in all)" if n > 1 else "")
            )
        if status != "nan":
            job = job_view(self.ranks, col)
            if self.logger and job["steps"]:
                self.logger.log(
                    col.global_step, self._metrics(job, window, time.perf_counter(), start)
                )
            self.save()
        return self._finish(status, message)

    def _say(self, message: str) -> None:
        """A line above the progress line, from rank 0 only."""
        if self.is_main:
            self.progress.print(message)

    def _note_milestone_minutes(self, job: dict) -> None:
        """Stamp the training minute on milestones reached for the first time (by any
        rank), and put the milestone table in TensorBoard when one was."""
        new = False
        for m, step in enumerate(job["first_step"]):
            if step >= 0 and self.milestone_minutes[m] < 0:
                self.milestone_minutes[m] = self.train_seconds / 60
                new = True
        if new and self.logger:
            self.logger.text("milestones", self.milestone_markdown(job), self.collector.global_step)

    def milestone_markdown(self, job: dict | None = None) -> str:
        """The milestone table (first env step, minute, envs holding it) as markdown;
        ``job`` is the job's view (``job_view``), this process's own when None."""
        job = job or job_view(Ranks(), self.collector)
        rows = ["| milestone | first env step | minute | envs holding it |", "|---|---|---|---|"]
        for name, step, minute, k in zip(
            self.game.milestones,
            job["first_step"],
            self.milestone_minutes,
            job["held"],
            strict=True,
        ):
            if step >= 0:
                rows.append(f"| {name} | {step:,} | {minute:.1f} | {int(k)} |")
            else:
                rows.append(f"| {name} | - | - | {int(k)} |")
        return "\n".join(rows)

    def write_heatmap(self) -> None:
        """The world with this invocation's visits of every env (rank 0's envs in a
        data-parallel job), for a look mid-run (heatmap.png in the run dir and an image
        in TensorBoard)."""
        image = self.game.heatmap() if self.is_main else None
        if image is not None:
            from pocketrl.media import save_png

            save_png(self.run_dir / "heatmap.png", image)
            if self.logger:
                self.logger.image("heatmap", image, self.collector.global_step)

    def _learn(self) -> None:
        cfg, s = self.cfg, self.storage
        t0 = time.perf_counter()
        if cfg.ppo.anneal_lr and cfg.total_steps:
            frac = max(0.0, 1.0 - self.collector.global_step / cfg.total_steps)
            for g in self.optimizer.param_groups:
                g["lr"] = frac * cfg.ppo.learning_rate
        s.advantages[:], s.returns[:] = compute_gae(
            s.rewards,
            s.values,
            s.terminated,
            s.truncated,
            s.trunc_values,
            s.next_value,
            cfg.ppo.gamma,
            cfg.ppo.gae_lambda,
        )
        self.policy.train()
        self.losses = ppo_update(
            self.policy, self.optimizer, s, cfg.ppo, sync_grads=self.sync_grads
        )
        self.updates += 1
        self.learn_seconds += time.perf_counter() - t0

    def _budget_done(self, start: float) -> bool:
        cfg = self.cfg
        if self.stop_reason:
            return True
        if cfg.total_steps and self.collector.global_step >= cfg.total_steps:
            return True
        return bool(cfg.minutes) and time.perf_counter() - start >= cfg.minutes * 60

    # --- metrics ------------------------------------------------------------------------
    def _window_start(self, now: float) -> dict:
        self.collector.reset_window()
        t = self.collector.time
        return {
            "t": now,
            "step": self.collector.global_step,
            "env": t["env"],
            "forward": t["forward"],
            "learn": self.learn_seconds,
        }

    def _metrics(self, job: dict, window: dict, now: float, start: float) -> dict:
        """One metrics record: the job's env statistics (``job``, from ``job_view``), its
        steps/s (every rank's env steps over rank 0's wall time), this rank's time split
        and losses (the same update on every rank), the archive."""
        col, cfg = self.collector, self.cfg
        wall = max(now - window["t"], 1e-9)
        steps = col.global_step - window["step"]
        sps = steps / wall
        m = {
            "step": col.global_step,
            "total_steps": cfg.total_steps,
            "perf/sps": sps,
            "perf/train_seconds": self.train_seconds,
            "perf/updates": self.updates,
            "perf/env_frac": (col.time["env"] - window["env"]) / wall,
            "perf/forward_frac": (col.time["forward"] - window["forward"]) / wall,
            "perf/learn_frac": (self.learn_seconds - window["learn"]) / wall,
            "losses/learning_rate": self.optimizer.param_groups[0]["lr"],
        }
        m.update({f"losses/{k}": v for k, v in self.losses.items()})
        left = []
        if cfg.total_steps and sps > 0:
            left.append((cfg.total_steps - col.global_step) / sps)
        if cfg.minutes:
            left.append(cfg.minutes * 60 - (now - start))
        m["eta"] = min(left) if left else math.nan
        m.update(env_metrics(job, self.game.milestones, self.game.reward_components))
        if self.archive is not None:
            m.update(self.archive.summary())
        return m

    # --- signals and the end ------------------------------------------------------------
    def _install_signals(self) -> dict:
        if threading.current_thread() is not threading.main_thread():
            return {}

        def handler(signum, _frame):
            name = signal.Signals(signum).name
            if self.stop_reason:  # second signal: stop now
                raise KeyboardInterrupt(name)
            self.stop_reason = name
            self._say(
                f"{name} received: saving a checkpoint, then exiting "
                "(send again to abort without saving)"
            )

        return {s: signal.signal(s, handler) for s in distributed.STOP_SIGNALS}

    def _restore_signals(self, handlers: dict) -> None:
        for s, h in handlers.items():
            signal.signal(s, h)

    def _finish(self, status: str, message: str) -> TrainResult:
        self.progress.close()
        col, game = self.collector, self.game
        if self.logger:
            self.logger.close()
            plot_curves(self.run_dir / METRICS, self.run_dir / "curves.png")
        job = job_view(self.ranks, col)
        result = TrainResult(
            status,
            col.global_step,
            self.run_dir,
            milestones=dict(zip(game.milestones, job["first_step"], strict=True)),
            milestone_minutes=dict(zip(game.milestones, self.milestone_minutes, strict=True)),
            milestone_envs=dict(zip(game.milestones, job["held"], strict=True)),
            best_badges=job["best_badges"],
            message=message,
            world_size=self.ranks.world_size,
        )
        game.close()
        return result


def train(cfg: TrainConfig, run_dir: Path, resume: bool = False, progress: bool = True):
    """Run (or resume) training; returns a TrainResult."""
    return Trainer(cfg, run_dir, resume=resume, progress=progress).run()
