"""Pack a World (and the run's settings) into a namedtuple of arrays for numba.

The compiled engine reads the world only through this tuple ``W``; nothing in it
changes while games run. ``world_digest`` hashes its world part, so a snapshot can name
the exact world it was made in.
"""

from __future__ import annotations

import hashlib
from collections import namedtuple

import numpy as np

from ..config import REWARD_COMPONENTS, GridmonConfig
from ..world.model import ENTITY_COLUMNS, World

# Groups of WORLD_FIELDS, each named as the attribute it is copied from.
MAP_FIELDS = (
    "map_w map_h map_off map_floor map_enc_rate map_enc_start map_enc_count "
    "enc_species enc_min enc_max enc_cumw"
).split()  # World
CELL_FIELDS = ("cell_tile", "cell_entity", "cell_watch")  # World
ENTITY_FIELDS = tuple(f"ent_{c}" for c in ENTITY_COLUMNS)  # World.ent[c]
PARTY_FIELDS = ("party_species", "party_level")  # World: trainer parties
MONSTER_FIELDS = (
    "chart move_type move_power move_acc move_pp sp_type1 sp_type2 sp_base sp_exp sp_catch "
    "sp_evolve_level sp_evolve_to learn_start learn_count learn_level learn_move"
).split()  # World.monsters
KEY_MILESTONE_FIELDS = ("key_ability", "ms_kind", "ms_arg")  # World
START_FIELDS = ("start",)  # the new-game scalars, see _start_scalars
# GridmonConfig
RUN_FIELDS = (
    "weights",
    "level_cap",
    "level_each",
    "horizon",
    "continue_on_truncate",
    "forget_on_milestone",
    "explore_count_scale",
    "observe_clock",
)

WORLD_FIELDS = (
    *MAP_FIELDS,
    *CELL_FIELDS,
    *ENTITY_FIELDS,
    *PARTY_FIELDS,
    *MONSTER_FIELDS,
    *KEY_MILESTONE_FIELDS,
    *START_FIELDS,
    *RUN_FIELDS,
)

WorldTables = namedtuple("WorldTables", WORLD_FIELDS)

# Tables that may be empty (a world without encounters, parties or key items) still
# need a concrete dtype for numba.
_INT32_FIELDS = ("enc_species", "enc_min", "enc_max", "party_species", "party_level", "key_ability")


def pack_world(world: World, config: GridmonConfig) -> WorldTables:
    """Build the read-only tables: the world's arrays, its new-game scalars and the run's
    reward weights and episode settings."""
    same_name = (*MAP_FIELDS, *CELL_FIELDS, *PARTY_FIELDS, *KEY_MILESTONE_FIELDS)
    tables = {k: getattr(world, k) for k in same_name}
    tables.update({f"ent_{c}": world.ent[c] for c in ENTITY_COLUMNS})
    tables.update({k: getattr(world.monsters, k) for k in MONSTER_FIELDS})
    tables["start"] = _start_scalars(world)
    tables.update(_run_settings(config))
    return WorldTables(**_numba_ready(tables))


def _start_scalars(world: World) -> np.ndarray:
    """(8,) int32: map, x, y, starter species, starter level, balls, potions, money."""
    return np.array(
        [
            world.start_map,
            world.start_x,
            world.start_y,
            world.starter_species,
            world.starter_level,
            world.start_balls,
            world.start_potions,
            world.start_money,
        ],
        np.int32,
    )


def _run_settings(config: GridmonConfig) -> dict:
    """RUN_FIELDS: reward weights in REWARD_COMPONENTS order, level cap and scope, horizon,
    what truncation does, whether a milestone clears the exploration memory, the novelty
    scale of the exploration reward, whether the clock is observed."""
    return dict(
        weights=np.array([getattr(config.rewards, c) for c in REWARD_COMPONENTS], np.float32),
        level_cap=np.float32(config.rewards.level_cap),
        level_each=np.bool_(config.rewards.level_scope == "monster"),
        horizon=np.int64(config.horizon),
        continue_on_truncate=np.bool_(config.on_truncate == "continue"),
        forget_on_milestone=np.bool_(config.forget_on_milestone),
        explore_count_scale=np.float64(config.rewards.explore_count_scale),
        observe_clock=np.bool_(config.observe_clock),
    )


def _numba_ready(tables: dict) -> dict:
    """Contiguous arrays with fixed dtypes, in WORLD_FIELDS order."""
    out = {}
    for k in WORLD_FIELDS:
        v = tables[k]
        out[k] = np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v
    for k in _INT32_FIELDS:
        out[k] = out[k].astype(np.int32)
    out["enc_cumw"] = out["enc_cumw"].astype(np.float32)
    return out


def world_digest(tables: WorldTables) -> bytes:
    """SHA-1 of every world table (name, dtype, shape and bytes), the run's settings
    (RUN_FIELDS) left out: one edited map tile, monster or trainer changes it."""
    h = hashlib.sha1()
    for k in WORLD_FIELDS:
        if k in RUN_FIELDS:
            continue
        a = np.asarray(getattr(tables, k))
        h.update(f"{k}:{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    return h.digest()
