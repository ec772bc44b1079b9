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
    """(28, 28) int8 codes of a species' sprite: -1 clear, 0..3 shades, 4/5 eye.

    Every step draws from one generator seeded by the species, in this order, so a
    species always looks the same (the back view skips the pattern and the face).
    """
    rng = np.random.default_rng(0x6D6F6E + 7919 * int(species))
    body = _Body(rng)
    m = _silhouette(rng, body)
    m = _ragged_edge(rng, m)
    m = _connected_to_body(m, body)
    s = _shade(m)
    if not back:
        _pattern(rng, s, m, body)
    _outline(s, m)
    if not back:
        _face(rng, s, body)
    s.flags.writeable = False
    return s


class _Body:
    """Body and head placement of one species, in sprite pixels; ``U`` draws a length
    on the 24-pixel design grid, scaled to MON."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.half = MON / 2
        self.by, self.bry, self.brx = self.U(14, 16), self.U(4.5, 7), self.U(4, 8)
        self.hy = self.by - self.bry - self.U(-1, 2.5)
        self.hr = self.U(3.5, 5.5)

    def U(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi) * MON / 24


def _silhouette(rng: np.random.Generator, b: _Body) -> np.ndarray:
    """Body, head and 2-4 parts: ellipses mirrored about the vertical centre line."""
    n, half = MON, b.half
    m = _ellipse(n, n, b.by, half, b.bry, b.brx)
    m |= _ellipse(n, n, b.hy, half, b.hr, b.hr * rng.uniform(0.9, 1.3))
    parts = [_part(rng, b) for _ in range(rng.integers(2, 5))]
    for cy, cx, ry, rx in parts:
        m |= _ellipse(n, n, cy, cx, ry, rx) | _ellipse(n, n, cy, n - cx, ry, rx)
    return m


def _part(rng: np.random.Generator, b: _Body) -> tuple[float, float, float, float]:
    """(cy, cx, ry, rx) of one random part on the right half."""
    half, U, hy, hr, by, bry, brx = b.half, b.U, b.hy, b.hr, b.by, b.bry, b.brx
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
    return cy, cx, ry, rx


def _ragged_edge(rng: np.random.Generator, m: np.ndarray) -> np.ndarray:
    """Symmetric random bites out of the border; the frame's outer ring is cleared."""
    n = MON
    edge = m & ~(np.roll(m, 1, 0) & np.roll(m, -1, 0) & np.roll(m, 1, 1) & np.roll(m, -1, 1))
    noise = rng.random((n, n // 2))
    noise = np.concatenate([noise, noise[:, ::-1]], 1)
    m = m & ~(edge & (noise < 0.12))
    m[[0, -1], :] = False
    m[:, [0, -1]] = False
    return m


def _grow(m: np.ndarray) -> np.ndarray:
    """The cells next to m (up, down, left, right), m itself not included."""
    g = np.zeros_like(m)
    g[1:] |= m[:-1]
    g[:-1] |= m[1:]
    g[:, 1:] |= m[:, :-1]
    g[:, :-1] |= m[:, 1:]
    return g


def _connected_to_body(m: np.ndarray, b: _Body) -> np.ndarray:
    """Only what connects to the body: grown from its centre inside the shape."""
    n = MON
    keep = np.zeros_like(m)
    keep[int(b.by), n // 2 - 1 : n // 2 + 1] = True
    keep &= m
    while True:
        g = (keep | _grow(keep)) & m
        if (g == keep).all():
            return keep
        keep = g


def _shade(m: np.ndarray) -> np.ndarray:
    """Base shade 1, highlight 0 where open above, shadow 2 near the bottom edge."""
    s = np.full((MON, MON), -1, np.int8)
    s[m] = 1
    up = np.zeros_like(m)
    up[1:] = ~m[:-1]
    s[m & up] = 0
    down = np.zeros_like(m)
    down[:-2] = ~m[2:]
    s[m & down & ~up] = 2
    return s


def _pattern(rng: np.random.Generator, s: np.ndarray, m: np.ndarray, b: _Body) -> None:
    """None, a belly, stripes or spots on the base shade (front view only)."""
    n, half = MON, b.half
    pat = rng.integers(0, 4)
    y, x = np.mgrid[0:n, 0:n]
    if pat == 1:  # belly
        s[m & _ellipse(n, n, b.by + 1, half, b.bry * 0.55, b.brx * 0.5) & (s == 1)] = 0
    elif pat == 2:  # stripes
        s[m & ((y + int(rng.integers(0, 3))) % 4 == 0) & (s == 1) & (y > b.hy)] = 2
    elif pat == 3:  # spots
        sp = rng.random((n, n // 2)) < 0.08
        s[m & np.concatenate([sp, sp[:, ::-1]], 1) & (s == 1)] = 2


def _outline(s: np.ndarray, m: np.ndarray) -> None:
    """Shade 3 on the clear cells touching the shape."""
    s[_grow(m) & ~m] = 3


def _face(rng: np.random.Generator, s: np.ndarray, b: _Body) -> None:
    """Two eyes on the head (small or big) and, mostly, a mouth (front view only)."""
    half = b.half
    ey = int(round(b.hy - b.U(-0.5, 1.0)))
    ex = int(rng.integers(1, max(2, int(b.hr * 0.8))))
    big = rng.random() < 0.5
    for sx in (int(half) - 1 - ex, int(half) + ex):
        s[ey, sx] = _EYE_DARK
        s[ey + 1, sx] = _EYE_DARK
        if big:
            s[ey - 1, sx] = _EYE_WHITE
            s[ey, sx] = _EYE_WHITE
    if rng.random() < 0.6:  # mouth
        s[ey + 2 + int(rng.integers(0, 2)), int(half) - 1 : int(half) + 1] = 3


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
