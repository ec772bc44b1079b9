"""Load and validate a gridmon world into flat numpy tables for the compiled engine.

A world is ``data/worlds/<name>/world.txt`` plus ``maps/*.txt`` (see ``data/FORMAT.md``)
and the shared ``data/monsters.txt``. Cells of all maps share one global index:
cell (x, y) of map m is ``map_off[m] + y * map_w[m] + x``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core import constants as C
from .mapfile import MapFile, read_map
from .monsters import Monsters, load_monsters
from .records import DataError, Record, read_records

DATA_DIR = Path(__file__).parent.parent / "data"
STATIC_BLOCKING_FOR_SIGHT = {C.FLOOR, C.INDOOR, C.CAVE, C.GRASS, C.WARP}


@dataclass
class MapInfo:
    name: str
    kind: str
    width: int
    height: int
    offset: int
    enc_rate: float


@dataclass
class World:
    """Everything the engine needs, as arrays; names and texts for people."""

    name: str
    title: str
    monsters: Monsters
    maps: list[MapInfo]
    map_w: np.ndarray
    map_h: np.ndarray
    map_off: np.ndarray
    map_floor: np.ndarray  # floor tile under markers / taken items
    map_enc_rate: np.ndarray  # float32
    map_enc_start: np.ndarray
    map_enc_count: np.ndarray
    enc_species: np.ndarray
    enc_min: np.ndarray
    enc_max: np.ndarray
    enc_cumw: np.ndarray  # float32, cumulative weight in (0, 1] within each map's table
    cell_tile: np.ndarray  # (num_cells,) uint8 static tile id (entity tiles included)
    cell_entity: np.ndarray  # (num_cells,) int32 entity on the cell, -1 none
    cell_watch: np.ndarray  # (num_cells,) int32 trainer whose sight covers the cell, -1
    ent: dict[str, np.ndarray]  # per-entity int32 columns, see ENTITY_COLUMNS
    ent_text: list[str]
    ent_label: list[str]  # "map.marker" for messages
    party_species: np.ndarray
    party_level: np.ndarray
    num_events: int
    event_label: list[str]
    key_names: list[str]
    key_ability: np.ndarray  # (K,) int32 index into constants.ABILITIES, -1 none
    milestones: list[str]
    ms_kind: np.ndarray  # 0 badge, 1 key item, 2 champion
    ms_arg: np.ndarray  # badge number or key index
    num_badges: int
    starter_species: int
    starter_level: int
    start_balls: int
    start_potions: int
    start_money: int
    start_map: int
    start_x: int
    start_y: int

    @property
    def num_cells(self) -> int:
        return int(self.cell_tile.shape[0])

    @property
    def num_maps(self) -> int:
        return len(self.maps)

    def map_id(self, name: str) -> int:
        for i, m in enumerate(self.maps):
            if m.name == name:
                return i
        raise KeyError(f"no map {name!r} in world {self.name!r}")

    def walkable_cells(self) -> int:
        walk = set(C.WALKABLE) | {C.WATER, C.LEDGE}
        return int(np.isin(self.cell_tile, list(walk)).sum())

    def num_trainers(self) -> int:
        kinds = self.ent["kind"]
        return int(np.isin(kinds, [C.E_TRAINER, C.E_LEADER, C.E_CHAMPION]).sum())

    def summary(self) -> str:
        kinds = [m.kind for m in self.maps]
        return (
            f"world {self.name!r}: {self.num_maps} maps ({kinds.count('town')} towns), "
            f"{self.walkable_cells()} walkable tiles, {self.monsters.num_species} species, "
            f"{len(self.monsters.move_names)} moves, {len(self.monsters.type_names)} types, "
            f"{self.num_trainers()} trainers (incl. {self.num_badges} leaders + champion), "
            f"{self.num_events} events"
        )


ENTITY_COLUMNS = (
    "kind map x y cell event dest_map dest_x dest_y item count need price badge "
    "party_start party_count money facing sight"
).split()


@lru_cache(maxsize=8)
def load_world(name: str = "main", data_dir: str | None = None) -> World:
    """Load world ``name``; raises DataError (FILE:LINE:COL) or FileNotFoundError."""
    root = Path(data_dir) if data_dir else DATA_DIR
    wdir = root / "worlds" / name
    if not (wdir / "world.txt").is_file():
        known = sorted(p.name for p in (root / "worlds").glob("*") if p.is_dir())
        raise FileNotFoundError(
            f"no gridmon world {name!r}: {wdir / 'world.txt'} is missing "
            f"(worlds available: {', '.join(known) or 'none'})"
        )
    monsters = load_monsters(root / "monsters.txt")
    header = _read_header(wdir / "world.txt", monsters)
    map_paths = sorted((wdir / "maps").glob("*.txt"))
    if not map_paths:
        raise DataError(wdir / "world.txt", 1, 1, f"world {name!r} has no maps in {wdir / 'maps'}")
    if len(map_paths) > 255:
        raise DataError(map_paths[255], 1, 1, "a world has at most 255 maps")
    mapfiles = [read_map(p, monsters) for p in map_paths]
    return _build(name, header, monsters, mapfiles)


@dataclass
class _Header:
    path: Path
    title: str = ""
    key_names: list[str] = field(default_factory=list)
    key_ability: list[int] = field(default_factory=list)
    key_recs: list[Record] = field(default_factory=list)
    starter: tuple[int, int] = (0, 5)
    items: tuple[int, int, int] = (5, 3, 500)
    milestones: list[str] = field(default_factory=list)
    ms_rec: Record | None = None


def _read_header(path: Path, monsters: Monsters) -> _Header:
    h = _Header(path)
    seen: set[str] = set()
    for rec in read_records(path):
        if rec.kind in ("world", "starter", "start_items", "milestones") and rec.kind in seen:
            raise rec.error(f"`{rec.kind}` is given twice")
        seen.add(rec.kind)
        if rec.kind == "world":
            h.title = rec.text("title", rec.require_name("world name"))
        elif rec.kind == "keyitem":
            kname = rec.require_name("key item name")
            if kname in h.key_names or kname in ("ball", "potion", "money"):
                raise rec.error(f"key item {kname!r} is declared twice or clashes", "name")
            ab = rec.choice("ability", (*C.ABILITIES, "none"), "none")
            h.key_names.append(kname)
            h.key_ability.append(C.ABILITIES.index(ab) if ab != "none" else -1)
            h.key_recs.append(rec)
            if len(h.key_names) > C.MAX_KEY_ITEMS:
                raise rec.error(f"at most {C.MAX_KEY_ITEMS} key items")
        elif rec.kind == "starter":
            sp = rec.text("species")
            if sp not in monsters.species_names:
                raise rec.error(f"unknown species {sp!r}", "species")
            h.starter = (monsters.species_id(sp), rec.integer("level", 1, 100))
        elif rec.kind == "start_items":
            h.items = (
                rec.integer("balls", 0, 999),
                rec.integer("potions", 0, 999),
                rec.integer("money", 0, 999_999),
            )
        elif rec.kind == "milestones":
            h.milestones, h.ms_rec = rec.items("order"), rec
        else:
            raise rec.error(
                f"unknown record `{rec.kind}`: expected world, keyitem, starter, "
                "start_items or milestones"
            )
        rec.check_unused()
    for need in ("world", "starter", "milestones"):
        if need not in seen:
            raise DataError(path, 1, 1, f"world.txt needs a `{need}` record")
    return h


def _build(name: str, h: _Header, monsters: Monsters, mapfiles: list[MapFile]) -> World:
    from .build import build_world

    return build_world(name, h, monsters, mapfiles)
