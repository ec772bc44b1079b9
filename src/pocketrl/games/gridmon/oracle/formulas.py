"""Plain-Python twins of a few compiled formulas, for display and the oracle."""

from __future__ import annotations


def max_hp(world, species: int, level: int) -> int:
    return int(world.monsters.sp_base[species, 0]) * 2 * level // 100 + level + 10


def stat(world, species: int, level: int, k: int) -> int:
    base = int(world.monsters.sp_base[species, k])
    if k == 0:
        return base * 2 * level // 100 + level + 10
    return base * 2 * level // 100 + 5
