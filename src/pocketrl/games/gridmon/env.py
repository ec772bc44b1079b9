"""GridmonEnv: the batched gridmon game behind the contract in games/contract.py."""

from __future__ import annotations

import numpy as np

from ..contract import check_actions
from .config import REWARD_COMPONENTS, GridmonConfig
from .core import constants as C
from .core.engine import reset_batch, step_batch, write_obs_batch
from .core.observe import STATE_SIZE
from .core.state import (
    allocate,
    make_state_tuple,
    restore_rows,
    snapshot_rows,
    state_layout,
    world_fingerprint,
)
from .core.tables import pack_world, world_digest
from .world.load import load_world
from .world.model import World

OBS_KEYS = ("tiles", "visited", "map_id", "species", "state")


class GridmonEnv:
    """``num_envs`` games of gridmon stepped together by one compiled loop.

    See games/contract.py for the API and the autoreset rule, observe.py for the
    observation layout, and config.py for rewards and the horizon. The same ``seed``
    gives the same games: env i is seeded with ``seed + i``.
    """

    num_actions = C.NUM_ACTIONS
    env_overhead_bytes = 0  # all state is in the snapshot's arrays
    reward_components = list(REWARD_COMPONENTS)

    def __init__(
        self,
        num_envs: int = 1,
        config: GridmonConfig | None = None,
        seed: int = 0,
        world: World | None = None,
    ):
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
        self.config = config or GridmonConfig()
        self.config.validate()
        self.world = world or load_world(self.config.world)
        self.num_envs = int(num_envs)
        self.seed = seed
        w = self.world
        self.tables = pack_world(w, self.config)
        self.milestones = list(w.milestones)
        self.label = f"gridmon/{w.name}"
        self.obs_spec = {
            "tiles": ((C.VIEW_H, C.VIEW_W), np.dtype(np.uint8)),
            "visited": ((C.VIEW_H, C.VIEW_W), np.dtype(np.uint8)),
            "map_id": ((1,), np.dtype(np.uint8)),
            "species": ((C.MAX_PARTY + 1,), np.dtype(np.uint8)),
            "state": ((STATE_SIZE,), np.dtype(np.float32)),
        }
        self.obs_vocab = {
            "tiles": C.NUM_TILES,
            "visited": 2,
            "map_id": w.num_maps,
            "species": w.monsters.num_species + 1,
        }
        layout = state_layout(
            w.num_cells, w.num_events, w.monsters.num_species, len(w.milestones), len(w.ent["kind"])
        )
        self._fingerprint = world_fingerprint(world_digest(self.tables), layout)
        self.arrays = allocate(self.num_envs, layout)
        self.state = make_state_tuple(self.arrays)
        self.visit_counts = np.zeros(w.num_cells, np.int64)
        self.obs = self._alloc_obs()
        self.final_obs = self._alloc_obs()
        self._obs_t = tuple(self.obs[k] for k in OBS_KEYS)
        self._final_t = tuple(self.final_obs[k] for k in OBS_KEYS)
        self.reward = np.zeros(self.num_envs, np.float32)
        self.terminated = np.zeros(self.num_envs, np.bool_)
        self.truncated = np.zeros(self.num_envs, np.bool_)
        parts = self.arrays["parts"]
        self.info = {f"reward/{c}": parts[:, j] for j, c in enumerate(REWARD_COMPONENTS)}
        self.info.update(
            milestone_step=self.arrays["ms_step"],
            final_milestone_step=self.arrays["final_ms_step"],
            explored=self.arrays["explored"],
            events=self.arrays["n_events"],
            badges=self.arrays["n_badges"],
            map=self.arrays["map"],
            blackouts=self.arrays["blackouts"],
            respawn_map=self.arrays["heal_map"],
            milestones=np.zeros(self.arrays["ms_step"].shape, np.bool_),
            final_obs=self.final_obs,
        )
        self.reset(seed)

    def _alloc_obs(self) -> dict[str, np.ndarray]:
        return {
            k: np.zeros((self.num_envs, *shape), dt) for k, (shape, dt) in self.obs_spec.items()
        }

    # --- the contract ---------------------------------------------------------------
    def reset(self, seed: int | None = None) -> dict[str, np.ndarray]:
        if seed is not None:
            self.seed = int(seed)
        seeds = np.arange(self.num_envs, dtype=np.int64) + np.int64(self.seed)
        self.visit_counts[:] = 0
        reset_batch(self.state, self.tables, seeds, self.visit_counts, self._obs_t)
        if self.config.stagger:
            ids = np.arange(self.num_envs)
            self.arrays["t"][:] = ids * self.config.horizon // self.num_envs
            write_obs_batch(self.state, self.tables, ids, self._obs_t)
        np.greater_equal(self.arrays["ms_step"], 0, out=self.info["milestones"])
        return self.obs

    def step(self, actions):
        a = check_actions(actions, self.num_envs, C.NUM_ACTIONS)
        step_batch(
            self.state,
            self.tables,
            a,
            self.visit_counts,
            self._obs_t,
            self._final_t,
            self.reward,
            self.terminated,
            self.truncated,
        )
        np.greater_equal(self.arrays["ms_step"], 0, out=self.info["milestones"])
        return self.obs, self.reward, self.terminated, self.truncated, self.info

    def snapshot(self, env_ids) -> list[bytes]:
        return snapshot_rows(self.arrays, self._ids(env_ids), self._fingerprint)

    def restore(self, env_ids, states) -> None:
        ids = self._ids(env_ids)
        restore_rows(self.arrays, ids, list(states), self._fingerprint)
        write_obs_batch(self.state, self.tables, ids, self._obs_t)

    def restart_clock(self, env_ids) -> None:
        ids = self._ids(env_ids)
        self.arrays["t"][ids] = 0
        write_obs_batch(self.state, self.tables, ids, self._obs_t)

    def render(self, env_id: int = 0) -> np.ndarray:
        from .art.render import render_frame
        from .view import frame_view

        return render_frame(frame_view(self, int(env_id)))

    def caption(self, env_id: int = 0) -> str:
        a, i = self.arrays, int(self._ids(env_id)[0])
        levels = " ".join(f"{lv}" for lv in a["p_level"][i] if lv > 0)
        return f"B{int(a['n_badges'][i])} LV {levels}"

    def map_name(self, map_id: int) -> str:
        """The world's name of a map (``info["map"]``), for tables."""
        return self.world.maps[map_id].name

    def describe(self) -> str:
        return self.world.summary()

    def coverage(self) -> int:
        return int(np.count_nonzero(self.visit_counts))

    def heatmap(self) -> np.ndarray:
        """The whole world (every map laid out) with a heat-map of ``visit_counts``."""
        from .art.render import render_world

        return render_world(self.world.maps, self.world.cell_tile, self.visit_counts, scale=3)

    def close(self) -> None:
        pass

    # --- helpers ----------------------------------------------------------------------
    def _ids(self, env_ids) -> np.ndarray:
        ids = np.atleast_1d(np.asarray(env_ids, dtype=np.int64))
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_envs):
            raise ValueError(f"env ids must be in 0..{self.num_envs - 1}, got {ids.tolist()}")
        return ids
