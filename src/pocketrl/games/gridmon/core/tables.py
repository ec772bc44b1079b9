"""Pack a World (and the run's settings) into a namedtuple of arrays for numba.

The compiled engine reads the world only through this tuple ``W``; nothing in it
changes while games run.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..config import REWARD_COMPONENTS, GridmonConfig
from ..world.load import World

WORLD_FIELDS = (
    # maps
    "map_w map_h map_off map_floor map_enc_rate map_enc_start map_enc_count "
    "enc_species enc_min enc_max enc_cumw "
    # cells
    "cell_tile cell_entity cell_watch "
    # entities
    "ent_kind ent_map ent_x ent_y ent_cell ent_event ent_dest_map ent_dest_x ent_dest_y "
    "ent_item ent_count ent_need ent_price ent_badge ent_party_start ent_party_count "
    "ent_money ent_facing ent_sight "
    # trainer parties
    "party_species party_level "
    # monsters
    "chart move_type move_power move_acc move_pp sp_type1 sp_type2 sp_base sp_exp sp_catch "
    "sp_evolve_level sp_evolve_to learn_start learn_count learn_level learn_move "
    # key items, milestones
    "key_ability ms_kind ms_arg "
    # settings (0-d arrays): start, rewards, episode
    "start weights level_cap horizon continue_on_truncate"
).split()

WorldTables = namedtuple("WorldTables", WORLD_FIELDS)


def pack_world(world: World, config: GridmonConfig) -> WorldTables:
    """Build the read-only tables; ``start`` holds the new-game scalars (see below)."""
    mon = world.monsters
    i32 = np.int32
    start = np.array(
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
        i32,
    )
    weights = np.array([getattr(config.rewards, c) for c in REWARD_COMPONENTS], np.float32)
    d = dict(
        map_w=world.map_w,
        map_h=world.map_h,
        map_off=world.map_off,
        map_floor=world.map_floor,
        map_enc_rate=world.map_enc_rate,
        map_enc_start=world.map_enc_start,
        map_enc_count=world.map_enc_count,
        enc_species=world.enc_species,
        enc_min=world.enc_min,
        enc_max=world.enc_max,
        enc_cumw=world.enc_cumw,
        cell_tile=world.cell_tile,
        cell_entity=world.cell_entity,
        cell_watch=world.cell_watch,
        party_species=world.party_species,
        party_level=world.party_level,
        chart=mon.chart,
        move_type=mon.move_type,
        move_power=mon.move_power,
        move_acc=mon.move_acc,
        move_pp=mon.move_pp,
        sp_type1=mon.sp_type1,
        sp_type2=mon.sp_type2,
        sp_base=mon.sp_base,
        sp_exp=mon.sp_exp,
        sp_catch=mon.sp_catch,
        sp_evolve_level=mon.sp_evolve_level,
        sp_evolve_to=mon.sp_evolve_to,
        learn_start=mon.learn_start,
        learn_count=mon.learn_count,
        learn_level=mon.learn_level,
        learn_move=mon.learn_move,
        key_ability=world.key_ability,
        ms_kind=world.ms_kind,
        ms_arg=world.ms_arg,
        start=start,
        weights=weights,
        level_cap=np.float32(config.rewards.level_cap),
        horizon=np.int64(config.horizon),
        continue_on_truncate=np.bool_(config.on_truncate == "continue"),
    )
    for k, v in world.ent.items():
        d[f"ent_{k}"] = v
    out = {}
    for k in WORLD_FIELDS:
        v = d[k]
        out[k] = np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v
    # Empty tables still need a concrete dtype for numba.
    for k in ("enc_species", "enc_min", "enc_max", "party_species", "party_level", "key_ability"):
        out[k] = out[k].astype(np.int32)
    out["enc_cumw"] = out["enc_cumw"].astype(np.float32)
    return WorldTables(**out)
