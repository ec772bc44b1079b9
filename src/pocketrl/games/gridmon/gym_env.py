"""A single-env Gymnasium view of gridmon, registered as ``pocketrl/Gridmon-v0``.

For other libraries; pocketrl's own trainer uses the batched GridmonEnv directly.
``import pocketrl`` registers it, then ``gymnasium.make("pocketrl/Gridmon-v0",
world="mini")`` makes one (``gymnasium.make("pocketrl:pocketrl/Gridmon-v0")`` does both).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from .config import GridmonConfig
from .env import GridmonEnv


class GridmonGymEnv(gym.Env):
    """One gridmon game. Observations are copies (safe to keep); info holds the reward
    components and milestone progress of the game."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 8}

    def __init__(
        self,
        world: str = "main",
        horizon: int = 20_000,
        render_mode=None,
        config: GridmonConfig | None = None,
    ):
        self.config = config or GridmonConfig(world=world, horizon=horizon)
        self._env = GridmonEnv(1, self.config)
        self.render_mode = render_mode
        vocab = self._env.obs_vocab
        space = {}
        for key, (shape, dtype) in self._env.obs_spec.items():
            if key in vocab:
                space[key] = spaces.Box(0, vocab[key] - 1, shape, dtype)
            else:
                space[key] = spaces.Box(0.0, 10.0, shape, dtype)
        self.observation_space = spaces.Dict(space)
        self.action_space = spaces.Discrete(self._env.num_actions)
        self._action = np.zeros(1, np.int64)

    def _obs(self, batch_obs) -> dict:
        return {k: v[0].copy() for k, v in batch_obs.items()}

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        if seed is None:
            seed = int(self.np_random.integers(0, 2**31 - 1))
        obs = self._env.reset(seed)
        return self._obs(obs), {}

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(
                f"action must be an int in 0..{self.action_space.n - 1}, got {action!r}"
            )
        self._action[0] = int(action)
        obs, reward, term, trunc, info = self._env.step(self._action)
        out = {
            k: (v[0].copy() if isinstance(v, np.ndarray) else None)
            for k, v in info.items()
            if k != "final_obs"
        }
        if term[0] or trunc[0]:  # the batch env already reset: hand back the final obs
            obs = info["final_obs"]
            out["milestone_step"] = info["final_milestone_step"][0].copy()
        out = {k: v for k, v in out.items() if v is not None}
        return self._obs(obs), float(reward[0]), bool(term[0]), bool(trunc[0]), out

    def render(self):
        if self.render_mode == "rgb_array":
            return self._env.render(0)
        return None
