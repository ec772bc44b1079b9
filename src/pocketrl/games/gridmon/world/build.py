"""Turn parsed map files into the World's global cell and entity tables, validated.

``build_world`` reads as its steps: lay the maps out in one cell index, paint each
map's terrain and collect its entities, check the world as a whole, put the entities
on their cells, trace the trainers' lines of sight, then the encounter and milestone
tables.
"""

from __future__ import annotations

import numpy as np

from ..core import constants as C
from .entities import Entities
from .mapfile import MapFile
from .model import MapInfo, World, WorldHeader
from .monsters import Monsters


def build_world(name: str, h: WorldHeader, monsters: Monsters, mapfiles: list[MapFile]) -> World:
    """The World of ``mapfiles``; raises DataError (FILE:LINE:COL) for a world that does
    not hold together (see Entities.check_world)."""
    maps = _layout_maps(mapfiles)
    floors = np.array([C.KIND_FLOOR.get(m.kind, C.FLOOR) for m in mapfiles], np.int32)
    cell_tile = np.zeros(sum(m.width * m.height for m in maps), np.uint8)
    ents = Entities(h, monsters, mapfiles, maps)
    for mi, m in enumerate(mapfiles):
        _paint_terrain(m, mi, maps[mi], int(floors[mi]), cell_tile, ents)
        for marker, rec in m.legend.items():
            ents.add_marker(mi, marker, rec)
    start = ents.the_start()
    ents.resolve_warps()
    ents.check_world()
    cell_entity = _place_entities(ents.ents, cell_tile)
    ms_kind, ms_arg = _milestone_tables(h)
    return World(
        name=name,
        title=h.title,
        monsters=monsters,
        maps=maps,
        **_map_tables(maps, floors),
        **_encounter_tables(mapfiles),
        cell_tile=cell_tile,
        cell_entity=cell_entity,
        cell_watch=_sight_lines(ents.ents, maps, cell_tile),
        ent=ents.columns(),
        ent_text=ents.texts,
        ent_label=ents.labels,
        party_species=np.array(ents.parties[0], np.int32),
        party_level=np.array(ents.parties[1], np.int32),
        num_events=ents.num_events,
        event_label=ents.event_label,
        key_names=h.key_names,
        key_ability=np.array(h.key_ability, np.int32),
        milestones=h.milestones,
        ms_kind=ms_kind,
        ms_arg=ms_arg,
        num_badges=ents.num_badges,
        starter_species=h.starter[0],
        starter_level=h.starter[1],
        start_balls=h.items[0],
        start_potions=h.items[1],
        start_money=h.items[2],
        start_map=start["map"],
        start_x=start["x"],
        start_y=start["y"],
    )


def _layout_maps(mapfiles: list[MapFile]) -> list[MapInfo]:
    """One MapInfo per map, its cells placed after the previous map's in the global index."""
    maps, off = [], 0
    for m in mapfiles:
        maps.append(MapInfo(m.name, m.kind, m.width, m.height, off, m.enc_rate))
        off += m.width * m.height
    return maps


def _paint_terrain(m: MapFile, mi: int, info: MapInfo, floor: int, cell_tile, ents) -> None:
    """Write map m's terrain tiles (markers stand on the map's floor); a bush `*` is
    also an entity, since cutting it is an event."""
    for y, row in enumerate(m.rows):
        for x, ch in enumerate(row):
            cell = info.offset + y * m.width + x
            if ch in C.TERRAIN_CHARS:
                cell_tile[cell] = C.TERRAIN_CHARS[ch]
                if ch == "*":
                    ents.add(C.E_BUSH, mi, x, y, None, f"{m.name}.bush@{x},{y}")
            else:
                cell_tile[cell] = floor


def _place_entities(ents: list[dict], cell_tile: np.ndarray) -> np.ndarray:
    """Put every entity's tile on its cell (start leaves the floor); return cell -> entity."""
    cell_entity = np.full(cell_tile.shape[0], -1, np.int32)
    for i, e in enumerate(ents):
        if e["kind"] != C.E_START:
            cell_tile[e["cell"]] = C.ENTITY_TILE[e["kind"]]
            cell_entity[e["cell"]] = i
    return cell_entity


def _sight_lines(ents, maps, cell_tile) -> np.ndarray:
    """cell -> the trainer whose line of sight covers it (the first declared wins)."""
    watch = np.full(cell_tile.shape[0], -1, np.int32)
    for i, e in enumerate(ents):
        if e["kind"] not in (C.E_TRAINER, C.E_LEADER, C.E_CHAMPION) or e["sight"] <= 0:
            continue
        m = maps[e["map"]]
        dx, dy = C.DIRS[e["facing"]]
        x, y = e["x"], e["y"]
        for _ in range(e["sight"]):
            x, y = x + dx, y + dy
            if not (0 <= x < m.width and 0 <= y < m.height):
                break
            cell = m.offset + y * m.width + x
            if cell_tile[cell] not in C.SIGHT_PASSES_TILES:
                break
            if watch[cell] < 0:
                watch[cell] = i
    return watch


def _map_tables(maps: list[MapInfo], floors: np.ndarray) -> dict[str, np.ndarray]:
    """The World's per-map columns."""
    return dict(
        map_w=np.array([m.width for m in maps], np.int32),
        map_h=np.array([m.height for m in maps], np.int32),
        map_off=np.array([m.offset for m in maps], np.int32),
        map_floor=floors,
        map_enc_rate=np.array([m.enc_rate for m in maps], np.float32),
    )


def _encounter_tables(mapfiles: list[MapFile]) -> dict[str, np.ndarray]:
    """All maps' wild encounter entries in one table; map m owns rows
    ``map_enc_start[m] : map_enc_start[m] + map_enc_count[m]``, whose ``enc_cumw`` rises
    to 1.0."""
    enc = [(mi, t) for mi, m in enumerate(mapfiles) for t in m.encounters]
    enc_start = np.zeros(len(mapfiles), np.int32)
    enc_count = np.zeros(len(mapfiles), np.int32)
    cumw = np.zeros(len(enc), np.float32)
    for mi, m in enumerate(mapfiles):
        enc_start[mi] = sum(1 for e in enc if e[0] < mi)
        enc_count[mi] = len(m.encounters)
        if m.encounters:
            w = np.cumsum([t[3] for t in m.encounters])
            cumw[enc_start[mi] : enc_start[mi] + len(w)] = w / w[-1]
    return dict(
        map_enc_start=enc_start,
        map_enc_count=enc_count,
        enc_species=np.array([t[0] for _, t in enc], np.int32),
        enc_min=np.array([t[1] for _, t in enc], np.int32),
        enc_max=np.array([t[2] for _, t in enc], np.int32),
        enc_cumw=cumw,
    )


def _milestone_tables(h: WorldHeader) -> tuple[np.ndarray, np.ndarray]:
    """(ms_kind, ms_arg) of the milestones in order: C.MS_* kinds and their arguments."""
    kinds, args = [], []
    for ms in h.milestones:
        if ms.startswith("badge_"):
            kinds.append(C.MS_BADGE)
            args.append(int(ms[6:]))
        elif ms == "champion":
            kinds.append(C.MS_CHAMPION)
            args.append(0)
        else:
            kinds.append(C.MS_KEY_ITEM)
            args.append(h.key_names.index(ms))
    return np.array(kinds, np.int32), np.array(args, np.int32)
