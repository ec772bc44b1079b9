"""Data-parallel training over the processes that ``torchrun`` starts (torch.distributed).

``torchrun --nproc_per_node=P [--nnodes=M --rdzv-endpoint=HOST:PORT] -m pocketrl train``
starts P x M copies of the trainer, each told its place by environment variables
(``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``). ``setup()``
reads them and joins the process group: gloo carries CPU tensors and, where CUDA is
present, NCCL carries GPU tensors (one group, ``cpu:gloo,cuda:nccl``). Without those
variables (a plain ``pocketrl train``) nothing is started and every helper here is the
identity, so the single-process trainer runs exactly as before.

How the ranks work together (the trainer calls these helpers in the same order on every
rank, which is what keeps the collectives matched):

- every rank steps its own ``ppo.num_envs`` games, seeded apart (``rank_seed``), and
  learns from its own rollout; ``GradAverager`` averages the gradients of every
  minibatch over the ranks before the gradient clip, so the update is the one over the
  union of the rollouts and the parameters stay bit-identical (rank 0's initial ones are
  broadcast first);
- ``agree`` turns each rank's local decisions (stop, log, checkpoint) into the job's;
- ``reduce`` sums / maxes / mins metric numbers over the ranks; ``gather`` brings each
  rank's state to rank 0 for the checkpoint; ``share_archive`` makes the Go-Explore
  archive the same on every rank;
- ``on_main`` runs a step (reading a config or a checkpoint) on rank 0 alone and hands
  its result, or its error, to every rank.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

SEED_STRIDE = 1_000_003
"""Rank r plays games seeded ``seed + r * SEED_STRIDE`` (and seeds its sampling and its
archive's draws the same way): a prime far above any number of games a rank resets, so
no two ranks ever share a game seed. Rank 0 keeps ``seed``: a 1-process run is unchanged."""

TIMEOUT_MINUTES = 30
"""How long a collective waits for a rank that does not come before the job fails."""


class DistributedError(RuntimeError):
    """The torchrun environment is incomplete, or a rank stopped answering."""


@dataclass
class Ranks:
    """This process's place in the job. ``Ranks()`` is the single process."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    active: bool = False  # a process group was joined (launched by torchrun)

    @property
    def is_main(self) -> bool:
        """Rank 0: the one that writes files and prints."""
        return self.rank == 0

    @property
    def label(self) -> str:
        """``rank 1 of 4`` (for messages), empty for a single process."""
        return f"rank {self.rank} of {self.world_size}" if self.active else ""

    def rank_seed(self, seed: int) -> int:
        """The seed of this rank's games, sampling and archive (see SEED_STRIDE)."""
        return seed + self.rank * SEED_STRIDE

    def device(self, name: str) -> str:
        """``cuda`` / ``auto`` on a rank pick the GPU ``cuda:LOCAL_RANK`` of its machine;
        an explicit ``cuda:N`` or ``cpu`` is kept."""
        if not (self.active and name in ("cuda", "auto") and torch.cuda.is_available()):
            return name
        count = torch.cuda.device_count()
        if self.local_rank >= count:
            raise DistributedError(
                f"LOCAL_RANK is {self.local_rank} but this machine has {count} GPU(s): with "
                f"--device cuda give torchrun --nproc_per_node={count} or fewer (one process "
                "per GPU), or train on the CPU with --device cpu"
            )
        return f"cuda:{self.local_rank}"

    # --- collectives (all no-ops for the single process) --------------------------------
    def agree(self, *flags: bool) -> tuple[bool, ...]:
        """Each flag true on the job when it is true on any rank (one all-reduce)."""
        if not self.active:
            return tuple(bool(f) for f in flags)
        t = torch.tensor([int(bool(f)) for f in flags], dtype=torch.int64)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return tuple(bool(v) for v in t.tolist())

    def reduce(self, values: dict[str, float], op: str) -> dict[str, float]:
        """``values`` summed (``sum``), maxed (``max``) or minned (``min``) over the
        ranks, same keys (the same keys in the same order on every rank)."""
        if not self.active or not values:
            return dict(values)
        ops = {"sum": dist.ReduceOp.SUM, "max": dist.ReduceOp.MAX, "min": dist.ReduceOp.MIN}
        t = torch.tensor(list(values.values()), dtype=torch.float64)
        dist.all_reduce(t, op=ops[op])
        return dict(zip(values, t.tolist(), strict=True))

    def gather(self, obj) -> list | None:
        """Every rank's ``obj`` on rank 0 (a list in rank order); None on the others."""
        if not self.active:
            return [obj]
        out = [None] * self.world_size if self.is_main else None
        dist.gather_object(obj, out, dst=0)
        return out

    def all_gather(self, obj) -> list:
        """Every rank's ``obj`` on every rank, in rank order."""
        if not self.active:
            return [obj]
        out = [None] * self.world_size
        dist.all_gather_object(out, obj)
        return out

    def broadcast_params(self, module: nn.Module) -> None:
        """Copy rank 0's parameters and buffers into every rank's ``module``."""
        if not self.active:
            return
        with torch.no_grad():
            for t in module.state_dict().values():
                dist.broadcast(t, src=0)

    def on_main(self, fn: Callable):
        """``fn()`` on rank 0; its result (or the exception it raised) on every rank.
        For steps that read files a rank on another machine may not see, and whose errors
        every rank must stop on together."""
        if not self.active:
            return fn()
        box = [None]
        if self.is_main:
            try:
                box[0] = ("ok", fn())
            except Exception as e:  # noqa: BLE001 - handed to every rank, then raised
                box[0] = ("error", e)
        dist.broadcast_object_list(box, src=0)
        kind, value = box[0]
        if kind == "error":
            raise value
        return value


class GradAverager:
    """``sync_grads`` for ``ppo_update``: the mean of every rank's gradients, in place.

    All gradients go into one flat buffer and one all-reduce (a sum, then / world size):
    the result is the gradient of the mean loss over the union of the ranks' minibatches,
    bit-identical on every rank. Called after ``backward`` and before the gradient clip.
    A non-finite gradient on any rank makes it non-finite on all, so every rank stops on
    it together.
    """

    def __init__(self, ranks: Ranks):
        self.ranks = ranks

    def __call__(self, params) -> None:
        if not self.ranks.active:
            return
        params = [p for p in params if p.requires_grad]
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat /= self.ranks.world_size
        offset = 0
        for p in params:
            n = p.numel()
            p.grad = flat[offset : offset + n].view_as(p)
            offset += n


def share_archive(ranks: Ranks, archive) -> None:
    """Make every rank's archive the same: the cells each rank found since the last call
    go to all ranks, and each rebuilds its archive from the last shared one plus all of
    them in rank order (``Archive.merge``). Call at a rollout boundary, on every rank."""
    if not ranks.active or archive is None:
        return
    found = ranks.all_gather(archive.new_cells())
    archive.merge(found, own=ranks.rank)


def setup() -> Ranks:
    """Join the job's process group when launched by torchrun (idempotent).

    Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT; without WORLD_SIZE
    this is the single process (``Ranks()``). Raises DistributedError naming a missing
    variable.
    """
    if "WORLD_SIZE" not in os.environ:
        return Ranks()
    missing = [k for k in ("RANK", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ]
    if missing:
        raise DistributedError(
            f"WORLD_SIZE is set but {', '.join(missing)} is not: start data-parallel "
            "training with torchrun (e.g. torchrun --nproc_per_node=2 -m pocketrl train), "
            "which sets them all, or unset WORLD_SIZE for a single process"
        )
    ranks = Ranks(
        rank=int(os.environ["RANK"]),
        world_size=int(os.environ["WORLD_SIZE"]),
        local_rank=int(os.environ.get("LOCAL_RANK", "0")),
        active=True,
    )
    if not dist.is_initialized():
        backend = "gloo"
        if torch.cuda.is_available():
            torch.cuda.set_device(ranks.local_rank % torch.cuda.device_count())
            backend = "cpu:gloo,cuda:nccl"
        timeout = datetime.timedelta(minutes=TIMEOUT_MINUTES)
        with _stop_signals_for_main_thread_only():  # the store's threads and gloo's
            store, rank, world = next(dist.rendezvous("env://", timeout=timeout))
            # A job restarted by torchrun (--max-restarts) meets in the store of the
            # failed attempt; without a prefix per attempt its ranks read the dead ones'
            # addresses and wait for them forever (seen with torch 2.13).
            store = dist.PrefixStore(f"pocketrl/attempt_{elastic_restart()}", store)
            dist.init_process_group(
                backend, store=store, rank=rank, world_size=world, timeout=timeout
            )
    return ranks


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}  # what stops a training process (runner.py)


@contextlib.contextmanager
def _stop_signals_for_main_thread_only():
    """Block SIGINT and SIGTERM while the store and the process group start their I/O
    threads, so those threads inherit the block and the kernel hands a stop signal to
    the main thread, whose handler stops training at the next rollout boundary. A stop
    signal that landed on one of those threads is the likely way a Ctrl-C killed a rank
    now and then (SIGABRT, "terminate called without an active exception";
    docs/experiments.md, fifteenth and seventeenth sessions). Signals that arrive
    meanwhile are delivered when the block lifts."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def teardown() -> None:
    """Leave the process group (if one was joined)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def elastic_restart() -> int:
    """How many times torchrun has restarted this job (``--max-restarts``); 0 at first."""
    return int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0") or 0)


def elastic_restarts_allowed() -> int:
    """The ``--max-restarts`` torchrun was given (0 when not under torchrun)."""
    return int(os.environ.get("TORCHELASTIC_MAX_RESTARTS", "0") or 0)
