"""Load types, moves and species from ``data/monsters.txt`` into flat numpy tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.constants import MAX_TYPES
from .records import DataError, Record, read_records


@dataclass
class Monsters:
    """Species, moves and the type chart as arrays the compiled engine indexes.

    Species arrays are indexed by species id (file order), move arrays by move id.
    ``learn_*`` hold every species' learnset, sorted by level, in slices
    ``learn_start[s] : learn_start[s] + learn_count[s]``.
    """

    type_names: list[str]
    chart: np.ndarray  # (T, T) float32: multiplier of attack type (row) on defender (col)
    move_names: list[str]
    move_type: np.ndarray  # (Mv,) int32
    move_power: np.ndarray  # (Mv,) int32
    move_acc: np.ndarray  # (Mv,) int32 percent
    move_pp: np.ndarray  # (Mv,) int32
    species_names: list[str]
    sp_type1: np.ndarray  # (S,) int32
    sp_type2: np.ndarray  # (S,) int32, -1 when single-typed
    sp_base: np.ndarray  # (S, 4) int32: hp, atk, def, spd
    sp_exp: np.ndarray  # (S,) int32 base experience yield
    sp_catch: np.ndarray  # (S,) int32 catch rate 1..255
    sp_evolve_level: np.ndarray  # (S,) int32, 0 = never
    sp_evolve_to: np.ndarray  # (S,) int32, -1 = none
    learn_start: np.ndarray  # (S,) int32
    learn_count: np.ndarray  # (S,) int32
    learn_level: np.ndarray  # (L,) int32
    learn_move: np.ndarray  # (L,) int32

    @property
    def num_species(self) -> int:
        return len(self.species_names)

    def species_id(self, name: str) -> int:
        return self.species_names.index(name)


def _lookup(rec: Record, key: str, value: str, names: list[str], what: str) -> int:
    if value not in names:
        raise rec.error(f"unknown {what} {value!r} (known: {', '.join(names) or 'none'})", key)
    return names.index(value)


def load_monsters(path: Path) -> Monsters:
    recs = read_records(path)
    by_kind: dict[str, list[Record]] = {"type": [], "move": [], "species": []}
    for rec in recs:
        if rec.kind not in by_kind:
            raise rec.error(f"unknown record `{rec.kind}`: expected type, move or species")
        by_kind[rec.kind].append(rec)
    types, moves, species = by_kind["type"], by_kind["move"], by_kind["species"]
    if not types or not moves or not species:
        raise DataError(path, 1, 1, "monsters.txt needs at least one type, move and species")
    if len(types) > MAX_TYPES:
        raise types[MAX_TYPES].error(f"at most {MAX_TYPES} types are allowed")

    type_names = _names(types, "type")
    chart = np.ones((len(types), len(types)), np.float32)
    for i, rec in enumerate(types):
        for key, mult in (("strong", 2.0), ("weak", 0.5), ("immune", 0.0)):
            for t in rec.items(key, ""):
                chart[i, _lookup(rec, key, t, type_names, "type")] = mult
        rec.check_unused()

    move_names = _names(moves, "move")
    mv = np.zeros((4, len(moves)), np.int32)
    for i, rec in enumerate(moves):
        mv[0, i] = _lookup(rec, "type", rec.text("type"), type_names, "type")
        mv[1, i] = rec.integer("power", 10, 150)
        mv[2, i] = rec.integer("acc", 30, 100)
        mv[3, i] = rec.integer("pp", 1, 40)
        rec.check_unused()

    return _species_tables(species, type_names, chart, move_names, mv)


def _names(recs: list[Record], what: str) -> list[str]:
    names: list[str] = []
    for rec in recs:
        name = rec.require_name(f"{what} name")
        if name in names:
            raise rec.error(f"{what} {name!r} is declared twice", "name")
        names.append(name)
    return names


def _species_tables(species, type_names, chart, move_names, mv) -> Monsters:
    names = _names(species, "species")
    n = len(names)
    t1, t2 = np.zeros(n, np.int32), np.full(n, -1, np.int32)
    base = np.zeros((n, 4), np.int32)
    exp, catch = np.zeros(n, np.int32), np.zeros(n, np.int32)
    evo_lvl, evo_to = np.zeros(n, np.int32), np.full(n, -1, np.int32)
    l_start, l_count, l_level, l_move = np.zeros(n, np.int32), np.zeros(n, np.int32), [], []
    for i, rec in enumerate(species):
        tl = rec.items("types")
        if not 1 <= len(tl) <= 2:
            raise rec.error("`types` lists one or two types", "types")
        t1[i] = _lookup(rec, "types", tl[0], type_names, "type")
        if len(tl) == 2:
            t2[i] = _lookup(rec, "types", tl[1], type_names, "type")
        for j, key in enumerate(("hp", "atk", "def", "spd")):
            base[i, j] = rec.integer(key, 1, 255)
        exp[i] = rec.integer("exp", 1, 255)
        catch[i] = rec.integer("catch", 1, 255)
        pairs = []
        for entry in rec.items("learn"):
            lv, colon, mname = entry.partition(":")
            if not colon or not lv.isdigit() or not 1 <= int(lv) <= 100:
                raise rec.error(
                    f"learn entries are LEVEL:MOVE with LEVEL 1..100, got {entry!r}", "learn"
                )
            pairs.append((int(lv), _lookup(rec, "learn", mname, move_names, "move")))
        pairs.sort(key=lambda p: p[0])
        if pairs[0][0] != 1:
            raise rec.error("a species needs at least one move learned at level 1", "learn")
        l_start[i], l_count[i] = len(l_level), len(pairs)
        l_level += [p[0] for p in pairs]
        l_move += [p[1] for p in pairs]
        if rec.has("evolve"):
            lv, colon, target = rec.text("evolve").partition(":")
            if not colon or not lv.isdigit() or not 2 <= int(lv) <= 100:
                raise rec.error("`evolve` is LEVEL:SPECIES with LEVEL 2..100", "evolve")
            evo_lvl[i] = int(lv)
            evo_to[i] = _lookup(rec, "evolve", target, names, "species")
            if evo_to[i] == i:
                raise rec.error("a species cannot evolve into itself", "evolve")
        rec.check_unused()
    return Monsters(
        type_names,
        chart,
        move_names,
        mv[0],
        mv[1],
        mv[2],
        mv[3],
        names,
        t1,
        t2,
        base,
        exp,
        catch,
        evo_lvl,
        evo_to,
        l_start,
        l_count,
        np.asarray(l_level, np.int32),
        np.asarray(l_move, np.int32),
    )
