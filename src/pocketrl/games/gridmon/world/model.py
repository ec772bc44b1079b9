"""The data model of a gridmon world: what load.py reads and build.py fills in.

Cells of all maps share one global index: cell (x, y) of map m is
``map_off[m] + y * map_w[m] + x``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core import constants as C
from .monsters import Monsters
from .records import Record

# Per-entity int32 columns of ``World.ent`` (-1 where a column does not apply).
ENTITY_COLUMNS = (
    "kind map x y cell event dest_map dest_x dest_y item count need price badge "
    "party_start party_count money facing sight"
).split()


@dataclass
class WorldHeader:
    """What ``world.txt`` declares: title, key items, starter, start items, milestones."""

    path: Path
    title: str = ""
    key_names: list[str] = field(default_factory=list)
    key_ability: list[int] = field(default_factory=list)  # index into C.ABILITIES, -1 none
    key_recs: list[Record] = field(default_factory=list)
    starter: tuple[int, int] = (0, 5)  # (species id, level)
    items: tuple[int, int, int] = (5, 3, 500)  # (balls, potions, money)
    milestones: list[str] = field(default_factory=list)
    ms_rec: Record | None = None


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
    ms_kind: np.ndarray  # constants.MS_BADGE, MS_KEY_ITEM or MS_CHAMPION
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
