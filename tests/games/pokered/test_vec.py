"""The worker pool: same results as in-process, nothing pickled per step, restarts."""

from __future__ import annotations

import os
import pickle
import signal

import numpy as np
import pytest

import pocketrl.games.vec as vec
from pocketrl.games.pokered.env import OBS_SPEC

from .conftest import DOWN, RIGHT, make_env


def test_split_and_carve():
    assert vec.split(5, 2) == [0, 3, 5]
    layout = {"a": ((3,), np.dtype(np.uint8)), "b": ((2, 2), np.dtype(np.float32))}
    arrays = vec.carve(bytearray(vec.layout_bytes(layout)), layout)
    assert arrays["b"].shape == (2, 2)
    assert (arrays["b"].ctypes.data - arrays["a"].ctypes.data) % 64 == 0
    arrays["a"][:] = 7
    assert (arrays["b"] == 0).all()


@pytest.fixture
def pool_env(test_rom):
    env = make_env(test_rom, num_envs=3, workers=2)
    yield env
    env.close()


def test_pool_matches_in_process(pool_env, test_rom):
    local = make_env(test_rom, num_envs=3)
    rng = np.random.default_rng(0)
    for _ in range(12):
        actions = rng.integers(0, 7, 3)
        a = pool_env.step(actions)
        b = local.step(actions)
        for key in OBS_SPEC:
            assert (a[0][key] == b[0][key]).all(), key
        assert (a[1] == b[1]).all() and (a[3] == b[3]).all()
        assert (a[4]["explored"] == b[4]["explored"]).all()
    local.close()


class CountingConn:
    """The parent's end of a worker pipe, recording every message that crosses it."""

    def __init__(self, conn):
        self.conn = conn
        self.sent: list[bytes] = []
        self.received: list[bytes] = []

    def send_bytes(self, buf):
        self.sent.append(bytes(buf))
        self.conn.send_bytes(buf)

    def send(self, obj):
        self.send_bytes(pickle.dumps(obj))

    def recv_bytes(self):
        buf = self.conn.recv_bytes()
        self.received.append(buf)
        return buf

    def recv(self):
        return pickle.loads(self.recv_bytes())

    def __getattr__(self, name):  # fileno, poll, close: the real connection's
        return getattr(self.conn, name)


def test_step_sends_only_a_tiny_fixed_command(pool_env):
    """Per step, each worker pipe carries one fixed message of a few bytes each way:
    actions go in and observations come back through shared memory, never pickled."""
    pool = pool_env.pool
    pool.conns = [CountingConn(c) for c in pool.conns]
    buffer = np.frombuffer(pool.buffer, np.uint8)
    rng = np.random.default_rng(0)
    steps = 20
    for _ in range(steps):
        pool_env.step(rng.integers(0, 7, 3))
    for k, conn in enumerate(pool.conns):
        for way, messages in (("to", conn.sent), ("from", conn.received)):
            where = f"{way} worker {k} in {steps} steps"
            sizes = sorted({len(m) for m in messages})
            assert len(messages) == steps, f"{len(messages)} messages {where}"
            assert sizes[-1] <= 8, f"messages of {sizes} bytes {where}"
            assert len(set(messages)) == 1, f"{len(set(messages))} different messages {where}"
            assert not messages[0].startswith(b"\x80"), f"a pickle {where}"
    for key in OBS_SPEC:
        assert np.shares_memory(pool_env.obs[key], buffer), key
    assert np.shares_memory(pool_env.arrays["actions"], buffer)


def test_killed_worker_is_restarted_from_snapshots(pool_env):
    pool_env.step(np.array([RIGHT, DOWN, DOWN]))
    pool_env.snapshot([0])  # the pool keeps it as env 0's last snapshot
    kept = {k: v[0].copy() for k, v in pool_env.obs.items()}
    start = {k: v[2].copy() for k, v in pool_env.obs.items()}  # env 2: worker 1
    pool_env.step(np.array([DOWN, DOWN, DOWN]))
    os.kill(pool_env.pool.procs[0].pid, signal.SIGKILL)  # envs 0, 1
    pool_env.pool.procs[0].join(5)
    with pytest.warns(RuntimeWarning, match="worker 0 .*died.*restarting"):
        obs, reward, term, trunc, info = pool_env.step(np.array([DOWN, DOWN, DOWN]))
    assert trunc.tolist() == [True, True, False] and reward[:2].tolist() == [0.0, 0.0]
    for key in OBS_SPEC:
        assert (obs[key][0] == kept[key]).all(), key  # back to its snapshot
        assert (info["final_obs"][key][0] == kept[key]).all(), key
    assert info["explored"][1] == 1  # no snapshot: a new game
    assert not (obs["visited"][2] == start["visited"]).all()  # worker 1 went on
    assert pool_env.pool.restarts == 1
    pool_env.step(np.array([DOWN, DOWN, DOWN]))  # and the run goes on


def test_worker_errors_carry_the_message(pool_env):
    with pytest.raises(RuntimeError, match="pokered snapshot"):
        pool_env.restore([1], [b"junk"])
    pool_env.step(np.zeros(3, np.int64))  # the worker survived the error


@pytest.mark.parametrize("workers", [0, 2])
def test_restart_clock_reaches_every_env_in_process_and_in_workers(test_rom, workers):
    env = make_env(test_rom, num_envs=3, workers=workers, horizon=4)
    for _ in range(2):
        env.step(np.full(3, DOWN))
    env.restart_clock([2])
    truncated = [env.step(np.full(3, DOWN))[3].tolist() for _ in range(4)]
    no, first_two, last = [False] * 3, [True, True, False], [False, False, True]
    assert truncated == [no, first_two, no, last]
    env.close()
