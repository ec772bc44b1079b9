"""PokeredEnv: Pokémon Red on PyBoy behind the batched contract in games/contract.py.

Each env is one headless PyBoy (emulator.py). The emulators run in worker processes
(``pocketrl.games.vec.WorkerPool``: batch buffers in shared memory, nothing pickled per step)
or, with ``workers = 0``, in this process. Autoreset follows the contract: the step that
ends an episode starts the next one and puts the last observation in
``info["final_obs"]``. Episodes end by truncation at ``horizon`` or, terminated, on
entering the Hall of Fame.

Observation of one env:

- ``screen``  (72, 80) uint8: the Game Boy screen, one channel, every second pixel.
- ``visited`` (9, 10) uint8: 1 where the tile is in the episode's exploration memory,
  keyed by (map id, x, y); the player stands at row 4, column 4.
- ``map_id``  (1,) uint8: ``wCurMap``.
- ``species`` (7,) uint8: party species ids (0 = empty slot), then the foe in battle.
- ``state``   (43,) float32: see ``emulator.write_state_vector``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..contract import check_actions
from ..vec import WorkerPool, carve, layout_bytes
from .config import REWARD_COMPONENTS, PokeredConfig
from .emulator import STATE_SIZE, Emulator
from .rewards import MILESTONES, VIEW_H, VIEW_W
from .rom import check_rom
from .state import start_state

OBS_SPEC = {
    "screen": ((72, 80), np.dtype(np.uint8)),
    "visited": ((VIEW_H, VIEW_W), np.dtype(np.uint8)),
    "map_id": ((1,), np.dtype(np.uint8)),
    "species": ((7,), np.dtype(np.uint8)),
    "state": ((STATE_SIZE,), np.dtype(np.float32)),
}
OBS_VOCAB = {"visited": 2, "map_id": 256, "species": 256}


def buffer_layout(num_envs: int) -> dict:
    """Every batch buffer of the game: name -> (shape, dtype)."""
    n, m = num_envs, len(MILESTONES)
    layout = {}
    for prefix in ("obs/", "final/"):
        for key, (shape, dtype) in OBS_SPEC.items():
            layout[prefix + key] = ((n, *shape), dtype)
    layout.update(
        actions=((n,), np.dtype(np.int64)),
        reward=((n,), np.dtype(np.float32)),
        terminated=((n,), np.dtype(np.bool_)),
        truncated=((n,), np.dtype(np.bool_)),
        parts=((n, len(REWARD_COMPONENTS)), np.dtype(np.float32)),
        milestones=((n, m), np.dtype(np.bool_)),
        milestone_step=((n, m), np.dtype(np.int64)),
        final_milestone_step=((n, m), np.dtype(np.int64)),
        badges=((n,), np.dtype(np.int32)),
        explored=((n,), np.dtype(np.int32)),
        events=((n,), np.dtype(np.int32)),
        map=((n,), np.dtype(np.int32)),
    )
    return layout


class EnvGroup:
    """The envs ``lo..hi-1`` of a batch, stepped one by one (in a worker or in-process)."""

    def __init__(self, lo: int, hi: int, arrays: dict, spec: GroupSpec):
        self.lo, self.hi, self.arrays = lo, hi, arrays
        self.emulators = [
            Emulator(spec.rom, spec.rom_sha1, spec.start_raw, spec.cfg, spec.seed + i)
            for i in range(lo, hi)
        ]
        self.reset(spec.seed)

    def reset(self, seed: int) -> None:
        for j, emu in enumerate(self.emulators):
            emu.rng = np.random.default_rng(seed + self.lo + j)
            emu.new_game()
            emu.write_all(self.lo + j, self.arrays)

    def step(self) -> None:
        actions = self.arrays["actions"]
        for j, emu in enumerate(self.emulators):
            emu.step(int(actions[self.lo + j]), self.lo + j, self.arrays)

    def snapshot(self, ids) -> list[bytes]:
        return [self.emulators[j].snapshot() for j in ids]

    def restore(self, ids, states) -> None:
        for j, blob in zip(ids, states, strict=True):
            self.emulators[j].restore(blob)
            self.emulators[j].write_all(self.lo + j, self.arrays)

    def restart_clock(self, ids) -> None:
        for j in ids:
            self.emulators[j].t = 0
            self.emulators[j].write_all(self.lo + j, self.arrays)

    def render(self, j: int) -> np.ndarray:
        return self.emulators[j].render()

    def close(self) -> None:
        for emu in self.emulators:
            emu.close()


@dataclass
class GroupSpec:
    """What a worker needs to build its ``EnvGroup`` (picklable; the ROM is re-read by
    path in the worker, never sent)."""

    rom: str
    rom_sha1: str
    start_raw: bytes
    cfg: PokeredConfig
    seed: int

    def __call__(self, lo: int, hi: int, arrays: dict) -> EnvGroup:
        return EnvGroup(lo, hi, arrays, self)


def resolve_workers(cfg: PokeredConfig, num_envs: int) -> int:
    """Worker processes for ``num_envs`` envs (0 = in-process); see PokeredConfig."""
    if cfg.envs_per_worker:
        return -(-num_envs // cfg.envs_per_worker)
    if cfg.workers == -1:
        return max(1, min(os.cpu_count() or 1, num_envs))
    return min(cfg.workers, num_envs)


class PokeredEnv:
    """``num_envs`` games of Pokémon Red (see module docstring and games/contract.py)."""

    num_actions = 7
    milestones = list(MILESTONES)
    label = "pokered"
    reward_components = list(REWARD_COMPONENTS)
    obs_spec = OBS_SPEC
    obs_vocab = OBS_VOCAB

    def __init__(self, num_envs: int = 1, config: PokeredConfig | None = None, seed: int = 0):
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
        self.config = cfg = config or PokeredConfig()
        cfg.validate()
        self.num_envs, self.seed = int(num_envs), int(seed)
        rom, sha1 = check_rom(cfg.rom, cfg.allow_any_rom)
        self.rom_path, self.rom_sha1 = rom, sha1
        # each env is a PyBoy with its own copy of the ROM: about 1 MiB besides the ROM
        # (measured: 0.85 MB on the 32 KiB synthetic ROM), while its snapshot is zlib'd
        self.env_overhead_bytes = (1 << 20) + rom.stat().st_size
        spec = GroupSpec(str(rom), sha1, start_state(rom, sha1, cfg), cfg, self.seed)
        layout = buffer_layout(self.num_envs)
        self.workers = resolve_workers(cfg, self.num_envs)
        self.pool, self.group = None, None
        if self.workers == 0:
            self.arrays = carve(bytearray(layout_bytes(layout)), layout)
            self.group = spec(0, self.num_envs, self.arrays)
        else:
            self.pool = WorkerPool(spec, layout, self.num_envs, self.workers, self.seed)
            self.arrays = self.pool.arrays
        a = self.arrays
        self.obs = {k: a["obs/" + k] for k in OBS_SPEC}
        self.final_obs = {k: a["final/" + k] for k in OBS_SPEC}
        self.info = {f"reward/{c}": a["parts"][:, j] for j, c in enumerate(REWARD_COMPONENTS)}
        self.info.update(
            milestones=a["milestones"],
            milestone_step=a["milestone_step"],
            final_milestone_step=a["final_milestone_step"],
            badges=a["badges"],
            explored=a["explored"],
            events=a["events"],
            map=a["map"],
            final_obs=self.final_obs,
        )

    # --- the contract ----------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> dict[str, np.ndarray]:
        """New games in every env; env i's jitter generator is seeded ``seed + i``."""
        if seed is not None:
            self.seed = int(seed)
        if self.pool is not None:
            self.pool.reset(self.seed)
        else:
            self.group.reset(self.seed)
        return self.obs

    def step(self, actions):
        a = check_actions(actions, self.num_envs, self.num_actions)
        self.arrays["actions"][:] = a
        if self.pool is not None:
            self.pool.step()
        else:
            self.group.step()
        a = self.arrays
        return self.obs, a["reward"], a["terminated"], a["truncated"], self.info

    def snapshot(self, env_ids) -> list[bytes]:
        ids = self._ids(env_ids)
        if self.pool is not None:
            return self.pool.snapshot(ids.tolist())
        return self.group.snapshot(ids.tolist())

    def restore(self, env_ids, states) -> None:
        ids, states = self._ids(env_ids), list(states)
        if len(states) != len(ids):
            raise ValueError(f"restore got {len(states)} states for {len(ids)} env ids")
        if self.pool is not None:
            self.pool.restore(ids.tolist(), states)
        else:
            self.group.restore(ids.tolist(), states)

    def restart_clock(self, env_ids) -> None:
        ids = self._ids(env_ids).tolist()
        if self.pool is not None:
            self.pool.restart_clock(ids)
        else:
            self.group.restart_clock(ids)

    def render(self, env_id: int = 0) -> np.ndarray:
        i = int(self._ids(env_id)[0])
        return self.pool.render(i) if self.pool is not None else self.group.render(i)

    def caption(self, env_id: int = 0) -> str:
        i, a = int(self._ids(env_id)[0]), self.arrays
        return f"B{int(a['badges'][i])} EV {int(a['events'][i])} TILES {int(a['explored'][i])}"

    def describe(self) -> str:
        return (
            f"Pokemon Red on PyBoy: ROM {self.rom_path} (SHA-1 {self.rom_sha1}), "
            f"{self.num_envs} envs in {max(1, self.workers)} process(es)"
        )

    def coverage(self) -> int:
        return -1  # each env keeps its own exploration memory; there is no world map

    def heatmap(self) -> None:
        return None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        elif self.group is not None:
            self.group.close()
            self.group = None

    def _ids(self, env_ids) -> np.ndarray:
        ids = np.atleast_1d(np.asarray(env_ids, dtype=np.int64))
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_envs):
            raise ValueError(f"env ids must be in 0..{self.num_envs - 1}, got {ids.tolist()}")
        return ids
