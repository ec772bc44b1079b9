"""Pixel art as text: 16-character rows with four shades, lightest to darkest:
``.`` 0, ``:`` 1, ``x`` 2, ``#`` 3, and `` `` (space) for transparent."""

from __future__ import annotations

import numpy as np

_SHADE = {".": 0, ":": 1, "x": 2, "#": 3, " ": -1}


def art(rows: str | list[str]) -> np.ndarray:
    if isinstance(rows, str):
        rows = [r for r in rows.strip("\n").split("\n")]
    rows = [r.strip("|") for r in rows]
    a = np.array([[_SHADE[c] for c in r] for r in rows], np.int8)
    return a


def over(base: np.ndarray, top: np.ndarray) -> np.ndarray:
    out = base.copy()
    out[top >= 0] = top[top >= 0]
    return out
