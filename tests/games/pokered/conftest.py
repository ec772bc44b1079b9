"""Fixtures of the pokered tests: the synthetic test ROM and envs on it (no real ROM)."""

from __future__ import annotations

import pytest

pytest.importorskip("pyboy", reason="pokered tests need PyBoy: pip install -e '.[pokered]'")

from pocketrl.games.pokered.config import PokeredConfig  # noqa: E402
from pocketrl.games.pokered.env import PokeredEnv  # noqa: E402
from pocketrl.games.pokered.testrom import write_test_rom  # noqa: E402

# action indices (emulator.BUTTONS order)
UP, DOWN, LEFT, RIGHT, A, B, START = range(7)


@pytest.fixture(scope="session")
def test_rom(tmp_path_factory):
    """Path of the synthetic ROM, written once per session (its start state is cached
    next to it on first use)."""
    return write_test_rom(tmp_path_factory.mktemp("rom") / "synthetic.gb")


def make_env(rom, num_envs=1, seed=0, **options) -> PokeredEnv:
    """An env on the synthetic ROM, in-process unless ``workers`` is given."""
    options.setdefault("workers", 0)
    cfg = PokeredConfig(rom=str(rom), allow_any_rom=True, **options)
    return PokeredEnv(num_envs, cfg, seed=seed)


@pytest.fixture
def env(test_rom):
    e = make_env(test_rom)
    yield e
    e.close()


def walk(env, moves, env_count=None):
    """Step every env with each action in ``moves``; returns the list of step results."""
    import numpy as np

    n = env.num_envs if env_count is None else env_count
    out = []
    for m in moves:
        obs, reward, term, trunc, info = env.step(np.full(n, m, np.int64))
        out.append(
            (
                {k: v.copy() for k, v in obs.items()},
                reward.copy(),
                term.copy(),
                trunc.copy(),
                {k: _copy(v) for k, v in info.items()},
            )
        )
    return out


def _copy(value):
    if isinstance(value, dict):
        return {k: v.copy() for k, v in value.items()}
    return value.copy()
