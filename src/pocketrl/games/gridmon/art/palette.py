"""Colours of gridmon's art: a 4-shade palette per map kind, type colours, and one flat
colour per tile id (for the world map)."""

from __future__ import annotations

import numpy as np

from ..core import constants as C

# --- Palettes: 4 shades each, lightest first ------------------------------------------
_PAL = {
    "town": ("f4f0d8", "a8cc8c", "58806c", "1c2c30"),
    "route": ("e8f4c8", "98c870", "4c7c44", "182818"),
    "forest": ("d4e8b8", "78a860", "345c3c", "101c14"),
    "cave": ("e0d8cc", "a0907c", "5c4c44", "1c1414"),
    "building": ("fcf0dc", "dcb894", "8c6450", "2c1c20"),
    "sea": ("e4f4fc", "88c0e0", "3c6ca0", "101c38"),
    "league": ("f4e8f8", "c0a0d4", "6c5090", "1c1030"),
    "battle": ("f8f8f0", "c8d8c0", "708c80", "202828"),
}


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


PALETTES = {k: np.array([_hex(c) for c in v], np.uint8) for k, v in _PAL.items()}
KIND_INDEX = {k: i for i, k in enumerate(C.MAP_KINDS)}

# Primary-type tints of monster sprites (type id % 12).
TYPE_COLORS = np.array(
    [
        _hex(c)
        for c in (
            "b0a890 e85c34 3c8ce8 4cb448 f0c830 70d0e0 c04838 a058c0 c08c48 7c98e8 e070b0 606878"
        ).split()
    ],
    np.uint8,
)

# Flat colour per tile id for the world overview.
TILE_FLAT = np.array(
    [
        _hex(c)
        for c in (
            "000000 6c6460 2c6c34 8c7c68 b89870 e0d8b4 f0e0c4 a48c70 74b850 4c88d8 a09050 "
            "3c8c44 e04858 f088b0 5878d8 e8c020 f0a050 a07850 e06030 908880 c050e0 a09098 "
            "f8e040 4860a0"
        ).split()
    ],
    np.uint8,
)
