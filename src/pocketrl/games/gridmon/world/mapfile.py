"""Read one map file: its header, grid and legend (see data/FORMAT.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core import constants as C
from .monsters import Monsters
from .records import DataError, Record, parse_record, read_text

MAX_SIDE = 255


@dataclass
class MapFile:
    path: Path
    name: str
    kind: str
    rows: list[str]
    grid_line: int  # file line of the first grid row
    enc_rate: float = 0.0
    encounters: list[tuple[int, int, int, float]] = field(default_factory=list)
    legend: dict[str, Record] = field(default_factory=dict)
    cells: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # marker -> (x, y)s

    @property
    def width(self) -> int:
        return len(self.rows[0])

    @property
    def height(self) -> int:
        return len(self.rows)

    def where(self, x: int, y: int) -> str:
        return f"{self.path}:{self.grid_line + y}:{x + 1}"


def read_map(path: Path, monsters: Monsters) -> MapFile:
    lines = read_text(path).splitlines()
    p = str(path)
    header: Record | None = None
    enc: Record | None = None
    rows: list[str] = []
    grid_line = 0
    legend: dict[str, Record] = {}
    i = 0
    while i < len(lines):
        rec = parse_record(lines[i], p, i + 1)
        i += 1
        if rec is None:
            continue
        if rec.kind == "grid" and not rec.fields and rec.name is None:
            if rows:
                raise rec.error("a map has one `grid` block")
            grid_line = i + 1
            while i < len(lines) and lines[i].strip() != "end":
                rows.append(lines[i].rstrip())
                i += 1
            if i >= len(lines):
                raise DataError(p, grid_line - 1, 1, "`grid` block has no closing `end` line")
            i += 1
        elif rec.kind == "map":
            if header is not None:
                raise rec.error("`map` is given twice")
            header = rec
        elif rec.kind == "encounters":
            if enc is not None:
                raise rec.error("`encounters` is given twice")
            enc = rec
        elif len(rec.kind) == 1:
            if rec.kind in legend:
                raise rec.error(f"marker {rec.kind!r} has two legend lines")
            legend[rec.kind] = rec
        else:
            raise rec.error(
                f"unknown record `{rec.kind}`: expected map, encounters, grid, or a one-"
                "character marker's legend line"
            )
    if header is None:
        raise DataError(p, 1, 1, "map file needs a `map NAME kind=...` line")
    name = header.require_name("map name")
    if name != path.stem:
        raise header.error(f"map name {name!r} must match its file name {path.stem!r}", "name")
    kind = header.choice("kind", C.MAP_KINDS)
    header.check_unused()
    if not rows:
        raise header.error("map has no `grid` ... `end` block")
    m = MapFile(path, name, kind, rows, grid_line, legend=legend)
    _check_grid(m)
    if enc is not None:
        _read_encounters(m, enc, monsters)
    return m


def _check_grid(m: MapFile) -> None:
    p = str(m.path)
    if m.height > MAX_SIDE or m.width > MAX_SIDE:
        raise DataError(p, m.grid_line, 1, f"a map is at most {MAX_SIDE}x{MAX_SIDE} tiles")
    for y, row in enumerate(m.rows):
        if len(row) != m.width:
            raise DataError(
                p,
                m.grid_line + y,
                min(len(row), m.width) + 1,
                f"grid row is {len(row)} wide; every row must be {m.width} wide like the first",
            )
        for x, ch in enumerate(row):
            if ch in C.TERRAIN_CHARS:
                continue
            if ch not in m.legend:
                raise DataError(
                    p,
                    m.grid_line + y,
                    x + 1,
                    f"character {ch!r} is neither terrain ({''.join(C.TERRAIN_CHARS)}) nor a "
                    "marker with a legend line",
                )
            m.cells.setdefault(ch, []).append((x, y))
    for marker, rec in m.legend.items():
        if marker not in m.cells:
            raise rec.error(f"marker {marker!r} has a legend line but is not in the grid")


def _read_encounters(m: MapFile, rec: Record, monsters: Monsters) -> None:
    m.enc_rate = rec.number("rate", 0.0, 1.0)
    for entry in rec.items("table"):
        parts = entry.split(":")
        try:
            sp, lv, w = parts
            lo, hi = (int(v) for v in lv.split("-"))
            weight = float(w)
        except ValueError:
            raise rec.error(
                f"table entries are SPECIES:MIN-MAX:WEIGHT, got {entry!r}", "table"
            ) from None
        if sp not in monsters.species_names:
            raise rec.error(f"unknown species {sp!r} in encounter table", "table")
        if not 1 <= lo <= hi <= 100 or weight <= 0:
            raise rec.error(f"need 1 <= MIN <= MAX <= 100 and WEIGHT > 0 in {entry!r}", "table")
        m.encounters.append((monsters.species_id(sp), lo, hi, weight))
    rec.check_unused()
