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


def test_same_seed_same_episode():
    a = gym.make("pocketrl/Gridmon-v0", world="mini")
    b = gym.make("pocketrl/Gridmon-v0", world="mini")
    a.reset(seed=5)
    b.reset(seed=5)
    for t in range(200):
        oa, ra, *_ = a.step(t % 7)
        ob, rb, *_ = b.step(t % 7)
        assert ra == rb and all(np.array_equal(oa[k], ob[k]) for k in oa)
