"""Monster sprites: a symmetric creature per species, generated from its id and tinted
by its type, so every species looks distinct (and nothing is copied from anywhere)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .palette import TYPE_COLORS

# --- Monsters ------------------------------------------------------------------------
MON = 28  # logical size of a monster sprite; drawn at 2x (56x56)
_EYE_WHITE, _EYE_DARK = 4, 5


def _ellipse(h: int, w: int, cy: float, cx: float, ry: float, rx: float) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return ((y + 0.5 - cy) / ry) ** 2 + ((x + 0.5 - cx) / rx) ** 2 <= 1.0


@lru_cache(maxsize=4096)
def monster_shape(species: int, back: bool = False) -> np.ndarray:
    """(28, 28) int8 codes of a species' sprite: -1 clear, 0..3 shades, 4/5 eye."""
    rng = np.random.default_rng(0x6D6F6E + 7919 * int(species))
    n, half = MON, MON / 2

    def U(lo: float, hi: float) -> float:  # a length on the 24-pixel design grid
        return rng.uniform(lo, hi) * MON / 24

    m = np.zeros((n, n), bool)
    # body, head and limbs: ellipses mirrored about the vertical centre line
    by, bry, brx = U(14, 16), U(4.5, 7), U(4, 8)
    m |= _ellipse(n, n, by, half, bry, brx)
    hy = by - bry - U(-1, 2.5)
    hr = U(3.5, 5.5)
    m |= _ellipse(n, n, hy, half, hr, hr * rng.uniform(0.9, 1.3))
    parts = []
    for _ in range(rng.integers(2, 5)):
        kind = rng.integers(0, 4)
        if kind == 0:  # ears / horns
            cy, cx = hy - hr + U(-0.5, 1.5), half + rng.uniform(1.5 * MON / 24, hr + MON / 24)
            ry, rx = U(1.5, 3.5), U(1, 2)
        elif kind == 1:  # legs / feet
            cy, cx = by + bry - U(0, 1.5), half + rng.uniform(1.5 * MON / 24, brx)
            ry, rx = U(1.5, 3), U(1.2, 2.5)
        elif kind == 2:  # arms / wings
            cy, cx = by + U(-3, 1.5), half + brx + U(-1.5, 1)
            ry, rx = U(1.5, 4.5), U(1.5, 3.5)
        else:  # cheek / shoulder bumps
            cy, cx = hy + U(0, hr), half + hr * rng.uniform(0.6, 1.1)
            ry = rx = U(1.2, 2.2)
        parts.append((cy, cx, ry, rx))
    for cy, cx, ry, rx in parts:
        m |= _ellipse(n, n, cy, cx, ry, rx) | _ellipse(n, n, cy, n - cx, ry, rx)
    # ragged edge: symmetric random bites and bumps on the border
    edge = m & ~(np.roll(m, 1, 0) & np.roll(m, -1, 0) & np.roll(m, 1, 1) & np.roll(m, -1, 1))
    noise = rng.random((n, n // 2))
    noise = np.concatenate([noise, noise[:, ::-1]], 1)
    m &= ~(edge & (noise < 0.12))
    m[[0, -1], :] = False
    m[:, [0, -1]] = False
    # keep only what connects to the body (grow from its centre inside the shape)
    keep = np.zeros_like(m)
    keep[int(by), n // 2 - 1 : n // 2 + 1] = True
    keep &= m
    while True:
        g = keep.copy()
        g[1:] |= keep[:-1]
        g[:-1] |= keep[1:]
        g[:, 1:] |= keep[:, :-1]
        g[:, :-1] |= keep[:, 1:]
        g &= m
        if (g == keep).all():
            break
        keep = g
    m = keep
    # shading: base 1, highlight where open above, shadow near the bottom edge
    s = np.full((n, n), -1, np.int8)
    s[m] = 1
    up = np.zeros_like(m)
    up[1:] = ~m[:-1]
    s[m & up] = 0
    down = np.zeros_like(m)
    down[:-2] = ~m[2:]
    s[m & down & ~up] = 2
    if not back:
        pat = rng.integers(0, 4)
        y, x = np.mgrid[0:n, 0:n]
        if pat == 1:  # belly
            s[m & _ellipse(n, n, by + 1, half, bry * 0.55, brx * 0.5) & (s == 1)] = 0
        elif pat == 2:  # stripes
            s[m & ((y + int(rng.integers(0, 3))) % 4 == 0) & (s == 1) & (y > hy)] = 2
        elif pat == 3:  # spots
            sp = rng.random((n, n // 2)) < 0.08
            s[m & np.concatenate([sp, sp[:, ::-1]], 1) & (s == 1)] = 2
    # outline: clear cells touching the shape
    grow = np.zeros_like(m)
    grow[1:] |= m[:-1]
    grow[:-1] |= m[1:]
    grow[:, 1:] |= m[:, :-1]
    grow[:, :-1] |= m[:, 1:]
    s[grow & ~m] = 3
    if not back:  # eyes on the head
        ey = int(round(hy - U(-0.5, 1.0)))
        ex = int(rng.integers(1, max(2, int(hr * 0.8))))
        big = rng.random() < 0.5
        for sx in (int(half) - 1 - ex, int(half) + ex):
            s[ey, sx] = _EYE_DARK
            s[ey + 1, sx] = _EYE_DARK
            if big:
                s[ey - 1, sx] = _EYE_WHITE
                s[ey, sx] = _EYE_WHITE
        if rng.random() < 0.6:  # mouth
            s[ey + 2 + int(rng.integers(0, 2)), int(half) - 1 : int(half) + 1] = 3
    s.flags.writeable = False
    return s


def monster_ramp(type_id: int) -> np.ndarray:
    """(6, 3) uint8 colours of a monster tinted by its type: 4 shades + eye white/dark."""
    base = TYPE_COLORS[int(type_id) % len(TYPE_COLORS)].astype(np.float32)
    white = np.float32(255)
    ramp = np.stack(
        [base * 0.4 + white * 0.6, base, base * 0.6, base * 0.15 + 10, [250, 250, 250], [16] * 3]
    )
    return np.clip(ramp, 0, 255).astype(np.uint8)


@lru_cache(maxsize=4096)
def monster_sprite(species: int, type_id: int, back: bool = False):
    """(rgb (56, 56, 3) uint8, mask (56, 56) bool) of a species at 2x, cached."""
    s = monster_shape(int(species), bool(back))
    s2 = s.repeat(2, 0).repeat(2, 1)
    mask = s2 >= 0
    rgb = monster_ramp(type_id)[np.maximum(s2, 0)]
    rgb.flags.writeable = False
    mask.flags.writeable = False
    return rgb, mask
