"""Frames, world atlases and captions of gridmon, drawn from the art in ``sprites``.

``render_frame`` turns what one env shows (a :class:`FrameView`) into a 144x160 RGB frame:
the 9x10 tile window with the player at (4, 4), or a battle scene. ``render_world`` draws
every map of a world (optionally with a visit heat-map) into one image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import constants as C
from .font import draw_text, text_width
from .monsters import monster_sprite
from .palette import KIND_INDEX, PALETTES, TILE_FLAT
from .sprites import ATLAS, GRASS_FRONT, PLAYER_MASK, PLAYER_RGB

FRAME_H, FRAME_W = C.VIEW_H * 16, C.VIEW_W * 16  # 144, 160
_PY, _PX = C.VIEW_CY * 16, C.VIEW_CX * 16


@dataclass
class FrameView:
    """Everything the frame shows of one env."""

    tiles: np.ndarray  # (9, 10) uint8 observed tile ids; the player stands at (4, 4)
    map_kind: str  # one of constants.MAP_KINDS
    facing: int  # 0 up, 1 down, 2 left, 3 right
    battle: int  # constants.NO_BATTLE / WILD / TRAINER_BATTLE
    player_species: int  # species id of the active monster (-1 none)
    player_level: int
    player_hp: int
    player_maxhp: int
    enemy_species: int
    enemy_level: int
    enemy_hp: int
    enemy_maxhp: int
    player_type: int = 0  # primary type ids: tint the sprites
    enemy_type: int = 0


# --- Map mode ---------------------------------------------------------------------
def _render_map(v: FrameView) -> np.ndarray:
    k = KIND_INDEX.get(v.map_kind, KIND_INDEX["route"])
    tiles = np.asarray(v.tiles, np.intp)
    frame = ATLAS[k][tiles].transpose(0, 2, 1, 3, 4).reshape(FRAME_H, FRAME_W, 3)
    f = int(v.facing) & 3
    cell = frame[_PY : _PY + 16, _PX : _PX + 16]
    cell[PLAYER_MASK[f]] = PLAYER_RGB[k, f][PLAYER_MASK[f]]
    if tiles[C.VIEW_CY, C.VIEW_CX] == C.GRASS:  # tall grass hides the feet
        cell[GRASS_FRONT] = ATLAS[k, C.GRASS][GRASS_FRONT]
    return frame


# --- Battle mode ------------------------------------------------------------------
_B = PALETTES["battle"]
_HP_GOOD, _HP_MID, _HP_LOW = (
    np.array(c, np.uint8) for c in ((64, 184, 88), (232, 184, 40), (224, 64, 48))
)
_ENEMY_XY, _PLAYER_XY = (98, 0), (10, 46)  # top-left of the 56x56 sprites


def _fill_ellipse(img, cx, cy, rx, ry, color) -> None:
    y, x = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    img[((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1.0] = color


def _battle_background() -> np.ndarray:
    img = np.empty((FRAME_H, FRAME_W, 3), np.uint8)
    img[:] = _B[0]
    img[::4, :] = np.where((np.arange(FRAME_W) % 8 == 0)[:, None], _B[1], _B[0])  # dotted sky
    for cx, cy, rx, ry in ((126, 52, 32, 7), (38, 98, 36, 7)):  # platforms
        _fill_ellipse(img, cx, cy, rx, ry, _B[2])
        _fill_ellipse(img, cx, cy - 1, rx - 2, ry - 2, _B[1])
    # status brackets (enemy: left/bottom, player: right/bottom)
    img[12:34, 6:8] = _B[3]
    img[32:34, 6:88] = _B[3]
    img[70:100, 152:154] = _B[3]
    img[98:100, 74:154] = _B[3]
    # message box
    img[104:144, :] = _B[3]
    img[106:142, 2:158] = _B[0]
    img[108:140, 4:156] = _B[3]
    img[109:139, 5:155] = _B[0]
    draw_text(img, 12, 24, "HP", _B[3])
    draw_text(img, 82, 80, "HP", _B[3])
    return img


_BATTLE_BG = _battle_background()
_BATTLE_TEXT = {C.WILD: "WILD BATTLE!", C.TRAINER_BATTLE: "TRAINER BATTLE!"}


def _hp_bar(img, x: int, y: int, w: int, hp: int, maxhp: int) -> None:
    img[y : y + 5, x : x + w] = _B[3]
    img[y + 1 : y + 4, x + 1 : x + w - 1] = _B[1]
    frac = 0.0 if maxhp <= 0 else min(1.0, max(0.0, hp / maxhp))
    n = int(round(frac * (w - 2)))
    if hp > 0:
        n = max(n, 1)
    col = _HP_GOOD if frac > 0.5 else _HP_MID if frac > 0.2 else _HP_LOW
    img[y + 1 : y + 4, x + 1 : x + 1 + n] = col


def _blit_monster(img, species: int, type_id: int, xy, back: bool) -> None:
    if species < 0:
        return
    rgb, mask = monster_sprite(int(species), int(type_id), back)
    x, y = xy
    sub = img[y : y + rgb.shape[0], x : x + rgb.shape[1]]
    sub[mask] = rgb[mask]


def _render_battle(v: FrameView) -> np.ndarray:
    img = _BATTLE_BG.copy()
    ink = _B[3]
    _blit_monster(img, v.enemy_species, v.enemy_type, _ENEMY_XY, back=False)
    _blit_monster(img, v.player_species, v.player_type, _PLAYER_XY, back=True)
    draw_text(img, 12, 8, f"Lv{int(v.enemy_level)}", ink, scale=2)
    _hp_bar(img, 24, 24, 60, int(v.enemy_hp), int(v.enemy_maxhp))
    if v.player_species >= 0:
        draw_text(img, 82, 64, f"Lv{int(v.player_level)}", ink, scale=2)
        _hp_bar(img, 94, 80, 56, int(v.player_hp), int(v.player_maxhp))
        hp = f"{max(0, int(v.player_hp))}/{int(v.player_maxhp)}"
        draw_text(img, 150 - text_width(hp), 88, hp, ink)
    msg = _BATTLE_TEXT.get(int(v.battle), "BATTLE!")
    draw_text(img, (FRAME_W - text_width(msg, 2)) // 2, 119, msg, ink, scale=2)
    return img


def render_frame(view: FrameView) -> np.ndarray:
    """(144, 160, 3) uint8 frame of one env: the map window, or the battle scene."""
    if int(view.battle) != C.NO_BATTLE:
        return _render_battle(view)
    return _render_map(view)


# --- World atlas --------------------------------------------------------------------
_BG = np.array((22, 22, 30), np.uint8)
_INK = np.array((232, 232, 224), np.uint8)
_RAMP = np.array(  # dark violet -> red -> orange -> yellow -> cream ("inferno"-like)
    [(60, 20, 120), (150, 40, 130), (220, 70, 80), (248, 140, 40), (250, 210, 60), (252, 252, 200)],
    np.float32,
)


def heat_ramp(v: np.ndarray) -> np.ndarray:
    """Colours (..., 3) float32 of values ``v`` in [0, 1] along the heat ramp."""
    t = np.clip(v, 0.0, 1.0) * (len(_RAMP) - 1)
    i = np.minimum(t.astype(np.intp), len(_RAMP) - 2)
    f = (t - i)[..., None]
    return _RAMP[i] * (1 - f) + _RAMP[i + 1] * f


def _map_image(m, cell_tile, heat, scale: int) -> np.ndarray:
    n = m.width * m.height
    grid = np.asarray(cell_tile[m.offset : m.offset + n]).reshape(m.height, m.width)
    img = TILE_FLAT[grid].astype(np.float32)
    if heat is not None:
        v = heat[m.offset : m.offset + n].reshape(m.height, m.width)
        seen = v >= 0
        lit = img * 0.3 + heat_ramp(np.maximum(v, 0.0)) * 0.7
        dim = img * 0.3 + 10
        img = np.where(seen[..., None], lit, dim)
        img[grid == C.VOID] = 0
    img = img.astype(np.uint8).repeat(scale, 0).repeat(scale, 1)
    return img


def render_world(maps, cell_tile: np.ndarray, counts: np.ndarray | None = None, scale: int = 4):
    """RGB image (H, W, 3) uint8 of every map, labelled, packed into shelves.

    ``maps``: objects with ``name, kind, width, height, offset`` (cell (x, y) of a map is
    global cell ``offset + y*width + x``); ``cell_tile``: (num_cells,) static tile ids;
    ``counts``: (num_cells,) visit counts, drawn as a heat-map over the dimmed world.
    """
    scale = max(1, int(scale))
    heat = None
    if counts is not None:
        c = np.asarray(counts, np.float64)
        top = np.log1p(max(float(c.max(initial=0.0)), 1.0))
        heat = np.where(c > 0, 0.08 + 0.92 * np.log1p(np.maximum(c, 0)) / top, -1.0)
    ls = 2 if scale >= 3 else 1
    label_h, gap, max_w = 5 * ls + 4, 8, 1600
    blocks = []
    for m in maps:
        img = _map_image(m, cell_tile, heat, scale)
        bw = max(img.shape[1] + 2, text_width(m.name, ls))
        blocks.append((m.name, img, bw, img.shape[0] + 2 + label_h))
    order = sorted(range(len(blocks)), key=lambda i: -blocks[i][3])
    # shelf packing, tallest first
    pos, x, y, shelf_h, width = {}, gap, gap, 0, 0
    for i in order:
        bw, bh = blocks[i][2], blocks[i][3]
        if x > gap and x + bw + gap > max_w:
            x, y, shelf_h = gap, y + shelf_h + gap, 0
        pos[i] = (x, y)
        x += bw + gap
        shelf_h = max(shelf_h, bh)
        width = max(width, x)
    height = y + shelf_h + gap
    legend_h, legend_w = 0, 0
    if heat is not None:
        mx = str(int(np.asarray(counts).max(initial=0)))
        legend_h = 5 * ls + 10
        legend_w = gap + text_width("VISITS 1", ls) + 72 * ls + text_width(mx, ls) + gap
    width = max(width, legend_w, 2 * gap)
    out = np.empty((height + legend_h, width, 3), np.uint8)
    out[:] = _BG
    for i, (name, img, _bw, _bh) in enumerate(blocks):
        bx, by = pos[i]
        draw_text(out, bx, by, name, _INK, ls)
        y0 = by + label_h
        out[y0 : y0 + img.shape[0] + 2, bx : bx + img.shape[1] + 2] = (90, 90, 104)
        out[y0 + 1 : y0 + 1 + img.shape[0], bx + 1 : bx + 1 + img.shape[1]] = img
    if heat is not None:  # legend: "1 [ramp] max"
        ly, lx = height, gap
        draw_text(out, lx, ly, "VISITS 1", _INK, ls)
        lx += text_width("VISITS 1", ls) + 4 * ls
        rw = 64 * ls
        ramp = heat_ramp(np.linspace(0.08, 1.0, rw)).astype(np.uint8)
        out[ly : ly + 5 * ls, lx : lx + rw] = ramp[None]
        draw_text(out, lx + rw + 4 * ls, ly, mx, _INK, ls)
    return out


# --- Files and captions --------------------------------------------------------------
def save_png(path, image: np.ndarray) -> None:
    """Write ``image`` (H, W, 3) uint8 as PNG atomically (temp file, then os.replace)."""
    from PIL import Image

    from pocketrl.atomic import atomic_write

    img = Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8))
    atomic_write(path, lambda f: img.save(f, format="PNG"))


def frame_caption(image: np.ndarray, text: str, height: int = 12) -> np.ndarray:
    """The frame with a ``height``-pixel strip of ``text`` below it (for GIFs)."""
    h, w = image.shape[:2]
    out = np.empty((h + height, w, 3), np.uint8)
    out[:h] = image
    out[h:] = _BG
    scale = 2 if height >= 14 and text_width(text, 2) <= w - 4 else 1
    draw_text(out, 2, h + (height - 5 * scale + 1) // 2, text, _INK, scale)
    return out
