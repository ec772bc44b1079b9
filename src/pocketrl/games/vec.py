"""A pool of worker processes that step blocks of envs over shared memory.

For emulator games (pokered), where each env is a Python object that must be stepped
one by one. The trainer's process allocates every batch buffer once, in shared memory
(a layout: name -> (shape, dtype), batch-first); worker k owns the env rows
``bounds[k]:bounds[k+1]``. A step is: the trainer writes ``actions`` into its buffer, sends
one byte to each worker, and waits for one byte back; workers read their actions and
write observations, rewards and flags into the shared buffers. Nothing is pickled per
step. Commands that are not per step (reset, snapshot, restore, render) go as pickled
messages.

A worker is made in its process by ``factory(lo, hi, arrays)`` (a picklable callable;
``arrays`` are the shared buffers) and must provide ``reset(seed)``, ``step()``,
``snapshot(ids)``, ``restore(ids, states)``, ``render(i)`` and ``close()``, with env ids
local to its block. ``step`` reads ``arrays["actions"][lo:hi]``.

A worker that dies (or does not answer within ``timeout`` seconds) is started again: its
envs are restored from their last snapshot (the latest ``snapshot``/``restore`` through
this pool) or else reset with the pool's seed, and a RuntimeWarning names the worker.
Rows of a restarted worker then report ``truncated`` with ``final_obs`` equal to the
restored observation and zero reward, so the trainer sees an episode boundary.
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import traceback
import warnings
from multiprocessing.connection import wait

import numpy as np

Layout = dict[str, tuple[tuple[int, ...], np.dtype]]
STEP, DONE = b"S", b"K"


def carve(buffer, layout: Layout) -> dict[str, np.ndarray]:
    """Numpy views of ``layout`` over one flat byte buffer (each field 64-byte aligned)."""
    arrays, offset = {}, 0
    flat = np.frombuffer(buffer, np.uint8)
    for name, (shape, dtype) in layout.items():
        dtype = np.dtype(dtype)
        offset = -(-offset // 64) * 64
        size = int(np.prod(shape)) * dtype.itemsize
        arrays[name] = flat[offset : offset + size].view(dtype).reshape(shape)
        offset += size
    return arrays


def layout_bytes(layout: Layout) -> int:
    """Bytes ``carve`` needs for ``layout``."""
    offset = 0
    for shape, dtype in layout.values():
        offset = -(-offset // 64) * 64 + int(np.prod(shape)) * np.dtype(dtype).itemsize
    return max(offset, 1)


def split(num_envs: int, workers: int) -> list[int]:
    """Block bounds: ``workers`` contiguous blocks of nearly equal size."""
    base, extra = divmod(num_envs, workers)
    bounds = [0]
    for k in range(workers):
        bounds.append(bounds[-1] + base + (k < extra))
    return bounds


def _worker_main(conn, buffer, layout, factory, lo, hi) -> None:
    arrays = carve(buffer, layout)
    try:
        group = factory(lo, hi, arrays)
        conn.send(("ok", None))
    except BaseException as e:  # report why the worker could not start
        conn.send(("error", _describe(e)))
        return
    while True:
        try:
            msg = conn.recv_bytes()
        except (EOFError, OSError):
            break
        try:
            if msg == STEP:
                group.step()
                conn.send_bytes(DONE)
                continue
            cmd, args = pickle.loads(msg)
            if cmd == "close":
                group.close()
                conn.send(("ok", None))
                break
            conn.send(("ok", getattr(group, cmd)(*args)))
        except BaseException as e:
            conn.send(("error", _describe(e)))


def _describe(e: BaseException) -> tuple[str, str, str]:
    return type(e).__name__, str(e), traceback.format_exc()


class WorkerError(RuntimeError):
    """A worker raised; the message carries the worker's traceback."""


class WorkerPool:
    """Worker processes over shared buffers (see module docstring)."""

    def __init__(
        self,
        factory,
        layout: Layout,
        num_envs: int,
        workers: int,
        seed: int = 0,
        timeout: float = 300.0,
        start_method: str = "spawn",
    ):
        if workers < 1 or workers > num_envs:
            raise ValueError(f"workers must be in 1..{num_envs} (num_envs), got {workers}")
        self.factory, self.layout, self.num_envs = factory, layout, num_envs
        self.seed, self.timeout = seed, timeout
        self.ctx = mp.get_context(start_method)
        self.buffer = self.ctx.RawArray("B", layout_bytes(layout))
        self.arrays = carve(self.buffer, layout)
        self.bounds = split(num_envs, workers)
        self.last_states: list[bytes | None] = [None] * num_envs
        self.restarts = 0
        self.procs: list = [None] * workers
        self.conns: list = [None] * workers
        for k in range(workers):
            self._start(k)
        for k in range(workers):
            self._reply(k)

    @property
    def workers(self) -> int:
        return len(self.procs)

    # --- processes -----------------------------------------------------------------------
    def _start(self, k: int) -> None:
        parent, child = self.ctx.Pipe()
        lo, hi = self.bounds[k], self.bounds[k + 1]
        args = (child, self.buffer, self.layout, self.factory, lo, hi)
        proc = self.ctx.Process(
            target=_worker_main, args=args, daemon=True, name=f"pocketrl-worker-{k}"
        )
        proc.start()
        child.close()
        self.procs[k], self.conns[k] = proc, parent

    def _reply(self, k: int):
        """The answer of worker k to a pickled command (raises WorkerError on error)."""
        conn = self.conns[k]
        if not conn.poll(self.timeout):
            raise TimeoutError(f"worker {k} did not answer within {self.timeout} s")
        status, value = conn.recv()
        if status == "error":
            name, text, tb = value
            raise WorkerError(f"worker {k} failed: {name}: {text}\n{tb}")
        return value

    def _call(self, k: int, cmd: str, *args):
        self.conns[k].send_bytes(pickle.dumps((cmd, args)))
        return self._reply(k)

    def _restart(self, k: int, why: str) -> None:
        """Start worker k again and put its envs back (snapshot or reset)."""
        proc = self.procs[k]
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        self.conns[k].close()
        self.restarts += 1
        lo, hi = self.bounds[k], self.bounds[k + 1]
        warnings.warn(
            f"pocketrl worker {k} (envs {lo}..{hi - 1}) {why}; restarting it and restoring "
            "its envs from their last snapshot (or a new game where none was taken)",
            RuntimeWarning,
            stacklevel=3,
        )
        self._start(k)
        self._reply(k)
        self._call(k, "reset", self.seed)
        have = [i for i in range(lo, hi) if self.last_states[i] is not None]
        if have:
            self._call(k, "restore", [i - lo for i in have], [self.last_states[i] for i in have])
        a = self.arrays
        rows = slice(lo, hi)
        for name in list(a):
            if name.startswith("obs/"):
                a["final/" + name[4:]][rows] = a[name][rows]
        a["reward"][rows] = 0.0
        a["parts"][rows] = 0.0
        a["terminated"][rows] = False
        a["truncated"][rows] = True
        a["final_milestone_step"][rows] = a["milestone_step"][rows]

    # --- the batch -----------------------------------------------------------------------
    def step(self) -> None:
        """Every worker steps its block with the actions in ``arrays["actions"]``."""
        for conn in self.conns:
            try:
                conn.send_bytes(STEP)
            except (BrokenPipeError, OSError):
                pass  # found dead below
        pending = {conn: k for k, conn in enumerate(self.conns)}
        dead = []
        while pending:
            ready = wait(list(pending), timeout=self.timeout)
            if not ready:
                for k in pending.values():
                    dead.append((k, f"did not answer within {self.timeout} s"))
                break
            for conn in ready:
                k = pending.pop(conn)
                try:
                    msg = conn.recv_bytes()
                except (EOFError, OSError):
                    dead.append((k, f"died (exit code {self.procs[k].exitcode})"))
                    continue
                if msg != DONE:
                    status, value = pickle.loads(msg)
                    name, text, tb = value
                    raise WorkerError(f"worker {k} failed: {name}: {text}\n{tb}")
        for k, why in dead:
            self._restart(k, why)

    def reset(self, seed: int) -> None:
        """New games everywhere; the kept snapshots are dropped (they are of old games)."""
        self.seed = seed
        self.last_states = [None] * self.num_envs
        for k in range(self.workers):
            self.conns[k].send_bytes(pickle.dumps(("reset", (seed,))))
        for k in range(self.workers):
            self._reply(k)

    def _owner(self, i: int) -> int:
        for k in range(self.workers):
            if self.bounds[k] <= i < self.bounds[k + 1]:
                return k
        raise ValueError(f"env id {i} is out of range 0..{self.num_envs - 1}")

    def snapshot(self, ids) -> list[bytes]:
        out = []
        for i in ids:
            k = self._owner(i)
            state = self._call(k, "snapshot", [i - self.bounds[k]])[0]
            self.last_states[i] = state
            out.append(state)
        return out

    def _by_worker(self, ids) -> dict[int, list[tuple[int, int]]]:
        """Worker -> [(position in ``ids``, env id local to the worker)]."""
        out: dict[int, list[tuple[int, int]]] = {}
        for j, i in enumerate(ids):
            k = self._owner(i)
            out.setdefault(k, []).append((j, i - self.bounds[k]))
        return out

    def restore(self, ids, states) -> None:
        states = list(states)
        if len(states) != len(ids):
            raise ValueError(f"restore got {len(states)} states for {len(ids)} env ids")
        for k, rows in self._by_worker(ids).items():
            self._call(k, "restore", [local for _, local in rows], [states[j] for j, _ in rows])
        for i, state in zip(ids, states, strict=True):
            self.last_states[i] = state

    def restart_clock(self, ids) -> None:
        """Each worker restarts the episode clock of its listed envs. A worker restarted
        after a crash restores its envs' last snapshots, clocks included."""
        for k, rows in self._by_worker(ids).items():
            self._call(k, "restart_clock", [local for _, local in rows])

    def render(self, i: int) -> np.ndarray:
        k = self._owner(i)
        return self._call(k, "render", i - self.bounds[k])

    def close(self) -> None:
        for k, proc in enumerate(self.procs):
            if proc is None:
                continue
            try:
                if proc.is_alive():
                    self._call(k, "close")
            except Exception:
                pass
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
            self.conns[k].close()
        self.procs = []
        self.conns = []

    def __del__(self):
        try:
            if self.procs:
                self.close()
        except Exception:
            pass
