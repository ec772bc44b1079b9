"""A tiny game that implements the batched game contract, for fast trainer tests.

A corridor ``height`` x ``width``: each env starts at the left edge (random row) and the
episode ends (terminated) when it reaches the right edge. Observations mirror gridmon's
kinds of fields so that the policy's encoders are all exercised: a ``tiles`` window and a
``visited`` window (uint8 ids), a ``pos`` id field and a float ``state`` vector.
Rewards: ``explore`` per new cell visited, ``goal`` for reaching the right edge.
Milestones: ``halfway`` (reached the middle column), ``goal``.

Autoreset follows ``pocketrl.games.contract``: same-step reset, final obs in info.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VOID, FLOOR, GOAL = 0, 1, 2
VIEW = 5  # window side; the player sits in the middle
_DX = np.array([0, 0, -1, 1, 0, 0, 0])
_DY = np.array([-1, 1, 0, 0, 0, 0, 0])
_LCG_A, _LCG_C = np.uint64(6364136223846793005), np.uint64(1442695040888963407)


@dataclass
class ToyConfig:
    """Settings of the toy corridor game."""

    width: int = 8
    """Corridor length: the goal is the last column."""
    height: int = 3
    """Corridor height (rows)."""
    horizon: int = 40
    """Steps before truncation."""
    explore_reward: float = 0.01
    """Reward per newly visited cell."""
    goal_reward: float = 1.0
    """Reward for reaching the goal."""

    def validate(self) -> None:
        """Raise ValueError naming the bad field."""
        if not 2 <= self.width <= 200:
            raise ValueError(f"toy.width must be in 2..200, got {self.width}")
        if not 1 <= self.height <= 200:
            raise ValueError(f"toy.height must be in 1..200, got {self.height}")
        if self.horizon < 1:
            raise ValueError(f"toy.horizon must be >= 1, got {self.horizon}")


class ToyGame:
    """Batched corridor game (see module docstring); pure numpy, no per-env loops."""

    num_actions = 7
    milestones = ["halfway", "goal"]
    reward_components = ["explore", "goal"]
    label = "toy"
    env_overhead_bytes = 0

    def __init__(self, num_envs: int, config: ToyConfig | None = None, seed: int = 0):
        self.cfg = cfg = config or ToyConfig()
        cfg.validate()
        self.num_envs = n = num_envs
        h, w = cfg.height, cfg.width
        self.obs_spec = {
            "tiles": ((VIEW, VIEW), np.dtype(np.uint8)),
            "visited": ((VIEW, VIEW), np.dtype(np.uint8)),
            "pos": ((2,), np.dtype(np.uint8)),
            "state": ((2,), np.dtype(np.float32)),
        }
        self.obs_vocab = {"tiles": 3, "visited": 2, "pos": max(h, w)}
        pad = VIEW // 2
        self._grid = np.zeros((h + 2 * pad, w + 2 * pad), np.uint8)
        self._grid[pad : pad + h, pad : pad + w] = FLOOR
        self._grid[pad : pad + h, pad + w - 1] = GOAL
        self._x = np.zeros(n, np.int64)
        self._y = np.zeros(n, np.int64)
        self._t = np.zeros(n, np.int64)
        self._rng = np.zeros(n, np.uint64)
        self._visited = np.zeros((n, h + 2 * pad, w + 2 * pad), np.uint8)
        self._explored = np.zeros(n, np.int64)
        self._milestones = np.zeros((n, 2), bool)
        self._milestone_step = np.full((n, 2), -1, np.int64)
        self._game_t = np.zeros(n, np.int64)
        self.obs = {k: np.zeros((n, *s), d) for k, (s, d) in self.obs_spec.items()}
        self._final = {k: np.zeros_like(v) for k, v in self.obs.items()}
        self._rows = np.arange(VIEW)[None, :, None]
        self._cols = np.arange(VIEW)[None, None, :]
        self._ids = np.arange(n)
        self.reset(seed)

    # --- contract ---------------------------------------------------------------------
    def reset(self, seed: int | None = None):
        """Start every env afresh; ``seed`` seeds the per-env generators."""
        base = np.uint64(0 if seed is None else seed)
        self._rng[:] = (np.arange(self.num_envs, dtype=np.uint64) + base) * _LCG_A + _LCG_C
        self._milestones[:] = False
        self._milestone_step[:] = -1
        self._game_t[:] = 0
        self._start(np.ones(self.num_envs, bool))
        self._observe(self.obs)
        return self.obs

    def step(self, actions):
        """Move every env one step; see the module docstring for rewards and ends."""
        from pocketrl.games.contract import check_actions

        a = check_actions(actions, self.num_envs, self.num_actions)
        cfg, pad = self.cfg, VIEW // 2
        self._x = np.clip(self._x + _DX[a], 0, cfg.width - 1)
        self._y = np.clip(self._y + _DY[a], 0, cfg.height - 1)
        self._t += 1
        self._game_t += 1
        cell = (self._ids, self._y + pad, self._x + pad)
        new = self._visited[cell] == 0
        self._visited[cell] = 1
        self._explored += new
        goal = self._x == cfg.width - 1
        reached = np.stack([self._x >= cfg.width // 2, goal], axis=1)
        first = reached & ~self._milestones
        self._milestone_step[first] = np.broadcast_to(self._game_t[:, None], first.shape)[first]
        self._milestones |= reached
        r_explore = (cfg.explore_reward * new).astype(np.float32)
        r_goal = (cfg.goal_reward * goal).astype(np.float32)
        terminated = goal.copy()
        truncated = (self._t >= cfg.horizon) & ~terminated
        done = terminated | truncated
        info = {
            "reward/explore": r_explore,
            "reward/goal": r_goal,
            "milestones": self._milestones.copy(),
            "milestone_step": self._milestone_step.copy(),
            "final_milestone_step": self._milestone_step.copy(),  # before the autoreset
            "badges": self._milestones[:, 1].astype(np.int32),
            "explored": self._explored.astype(np.int32),
            "events": np.zeros(self.num_envs, np.int32),
            "map": np.zeros(self.num_envs, np.int32),  # one map
        }
        if done.any():
            self._observe(self._final)
            self._start(done)
            self._milestones[done] = False
            self._milestone_step[done] = -1
            self._game_t[done] = 0
        info["final_obs"] = self._final
        self._observe(self.obs)
        return self.obs, r_explore + r_goal, terminated, truncated, info

    def snapshot(self, env_ids) -> list[bytes]:
        """Exact state of each listed env as bytes."""
        out = []
        for i in np.asarray(env_ids, np.int64).reshape(-1):
            head = np.array(
                [self._x[i], self._y[i], self._t[i], self._explored[i], self._game_t[i]],
                np.int64,
            )
            out.append(
                head.tobytes()
                + self._rng[i : i + 1].tobytes()
                + self._milestones[i].tobytes()
                + self._milestone_step[i].tobytes()
                + self._visited[i].tobytes()
            )
        return out

    def restore(self, env_ids, states: list[bytes]) -> None:
        """Put each listed env into a snapshot's state."""
        for i, blob in zip(np.asarray(env_ids, np.int64).reshape(-1), states, strict=True):
            expected = 48 + 2 + 16 + self._visited[i].size
            if len(blob) != expected:
                raise ValueError(f"toy snapshot has {len(blob)} bytes, expected {expected}")
            head = np.frombuffer(blob[:40], np.int64)
            self._x[i], self._y[i], self._t[i], self._explored[i], self._game_t[i] = head
            self._rng[i] = np.frombuffer(blob[40:48], np.uint64)[0]
            self._milestones[i] = np.frombuffer(blob[48:50], bool)
            self._milestone_step[i] = np.frombuffer(blob[50:66], np.int64)
            self._visited[i] = np.frombuffer(blob[66:], np.uint8).reshape(self._visited[i].shape)
        self._observe(self.obs)

    def restart_clock(self, env_ids) -> None:
        """A new episode clock for each listed env (the next truncation ``horizon`` steps
        from now); position, memory and RNG stay."""
        self._t[np.asarray(env_ids, np.int64).reshape(-1)] = 0
        self._observe(self.obs)

    def render(self, env_id: int) -> np.ndarray:
        """(144, 160, 3) frame: floor grey, goal green, visited blue, player red."""
        frame = np.zeros((144, 160, 3), np.uint8)
        pad, s = VIEW // 2, 8
        for (y, x), tile in np.ndenumerate(self._grid[pad:-pad, pad:-pad]):
            color = (0, 160, 0) if tile == GOAL else (90, 90, 90)
            if self._visited[env_id, y + pad, x + pad]:
                color = (60, 60, 160) if tile != GOAL else color
            if (y, x) == (self._y[env_id], self._x[env_id]):
                color = (200, 30, 30)
            frame[y * s : (y + 1) * s, x * s : (x + 1) * s] = color
        return frame

    def caption(self, env_id: int = 0) -> str:
        return f"x {int(self._x[env_id])} goal {int(self._milestones[env_id, 1])}"

    def describe(self) -> str:
        return f"toy corridor {self.cfg.width}x{self.cfg.height}, horizon {self.cfg.horizon}"

    def coverage(self) -> int:
        return -1

    def heatmap(self) -> None:
        return None

    def close(self) -> None:
        pass

    # --- helpers ----------------------------------------------------------------------
    def _start(self, mask: np.ndarray) -> None:
        self._rng[mask] = self._rng[mask] * _LCG_A + _LCG_C
        self._x[mask] = 0
        self._y[mask] = (self._rng[mask] >> np.uint64(33)) % np.uint64(self.cfg.height)
        self._t[mask] = 0
        self._explored[mask] = 1
        self._visited[mask] = 0
        pad = VIEW // 2
        ids = np.flatnonzero(mask)
        self._visited[ids, self._y[ids] + pad, self._x[ids] + pad] = 1

    def _observe(self, out: dict) -> None:
        rows = self._y[:, None, None] + self._rows
        cols = self._x[:, None, None] + self._cols
        out["tiles"][:] = self._grid[rows, cols]
        out["visited"][:] = self._visited[self._ids[:, None, None], rows, cols]
        out["pos"][:, 0] = self._x
        out["pos"][:, 1] = self._y
        out["state"][:, 0] = self._t / self.cfg.horizon
        out["state"][:, 1] = self._x / self.cfg.width
