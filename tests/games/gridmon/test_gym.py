"""The single-env Gymnasium view passes gymnasium's own checker."""

import gymnasium as gym
import numpy as np
from gymnasium.utils.env_checker import check_env

import pocketrl  # noqa: F401 - registers pocketrl/Gridmon-v0


def test_registered_env_passes_checker():
    env = gym.make("pocketrl/Gridmon-v0", world="mini", render_mode="rgb_array")
    check_env(env.unwrapped)
    obs, _ = env.reset(seed=1)
    assert env.observation_space.contains(obs)
    frame = env.render()
    assert frame.shape == (144, 160, 3) and frame.dtype == np.uint8


def _episode(seed, steps):
    env = gym.make("pocketrl/Gridmon-v0", world="mini")
    env.reset(seed=seed)
    actions = np.random.default_rng(0).integers(0, 7, steps)
    for a in actions:
        obs, reward, *_ = env.step(int(a))
        yield obs, reward


def test_same_seed_same_episode():
    for (oa, ra), (ob, rb) in zip(_episode(5, 200), _episode(5, 200), strict=True):
        assert ra == rb and all(np.array_equal(oa[k], ob[k]) for k in oa)


def test_another_seed_another_episode():
    """Same actions, other seed: the games part (at the first wild encounter or hit)."""
    pairs = zip(_episode(5, 3000), _episode(6, 3000), strict=True)
    assert any(not all(np.array_equal(oa[k], ob[k]) for k in oa) for (oa, _), (ob, _) in pairs)
