"""Original pixel art of gridmon, drawn in code: palettes, a 3x5 font, tiles, sprites.

Everything is built once at import into small numpy tables that ``render`` indexes.
Art is written as 16-character strings with four shades, lightest to darkest:
``.`` 0, ``:`` 1, ``x`` 2, ``#`` 3, and `` `` (space) for transparent.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import constants as C

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

# --- Font: 3x5 glyphs -----------------------------------------------------------------
_GLYPHS = """
A .#. #.# ### #.# #.#|B ##. #.# ##. #.# ##.|C .## #.. #.. #.. .##|D ##. #.# #.# #.# ##.
E ### #.. ##. #.. ###|F ### #.. ##. #.. #..|G .## #.. #.# #.# .##|H #.# #.# ### #.# #.#
I ### .#. .#. .#. ###|J ..# ..# ..# #.# .#.|K #.# #.# ##. #.# #.#|L #.. #.. #.. #.. ###
M #.# ### ### #.# #.#|N ##. #.# #.# #.# #.#|O .#. #.# #.# #.# .#.|P ##. #.# ##. #.. #..
Q .#. #.# #.# ##. .##|R ##. #.# ##. #.# #.#|S .## #.. .#. ..# ##.|T ### .#. .#. .#. .#.
U #.# #.# #.# #.# ###|V #.# #.# #.# .#. .#.|W #.# #.# ### ### #.#|X #.# #.# .#. #.# #.#
Y #.# #.# .#. .#. .#.|Z ### ..# .#. #.. ###|0 ### #.# #.# #.# ###|1 .#. ##. .#. .#. ###
2 ##. ..# .#. #.. ###|3 ##. ..# .#. ..# ##.|4 #.# #.# ### ..# ..#|5 ### #.. ##. ..# ##.
6 .## #.. ### #.# ###|7 ### ..# .#. .#. .#.|8 ### #.# ### #.# ###|9 ### #.# ### ..# ##.
. ... ... ... ... .#.|, ... ... ... .#. #..|: ... .#. ... .#. ...|- ... ... ### ... ...
_ ... ... ... ... ###|/ ..# ..# .#. #.. #..|! .#. .#. .#. ... .#.|? ##. ..# .#. ... .#.
( ..# .#. .#. .#. ..#|) #.. .#. .#. .#. #..|+ ... .#. ### .#. ...|= ... ### ... ### ...
% #.# ..# .#. #.. #.#|' .#. .#. ... ... ...|< ..# .#. #.. .#. ..#|> #.. .#. ..# .#. #..
* ... #.# .#. #.# ...|# #.# ### #.# ### #.#|[ ##. #.. #.. #.. ##.|] .## ..# ..# ..# .##
"""
FONT: dict[str, np.ndarray] = {" ": np.zeros((5, 3), bool)}
for _g in _GLYPHS.replace("\n", "|").split("|"):
    if _g.strip():
        _ch, *_rows = _g.strip().split(" ")
        FONT[_ch] = np.array([[c == "#" for c in r] for r in _rows], bool)
_UNKNOWN = np.ones((5, 3), bool)


def text_width(text: str, scale: int = 1) -> int:
    """Width in pixels of ``text`` drawn at ``scale`` (4 px per char, no trailing gap)."""
    return max(0, (4 * len(text) - 1) * scale)


def draw_text(img: np.ndarray, x: int, y: int, text: str, color, scale: int = 1) -> None:
    """Draw ``text`` (upper-cased) into ``img`` in place, clipped to the image."""
    h, w = img.shape[:2]
    col = np.asarray(color, np.uint8)
    for i, ch in enumerate(text.upper()):
        g = FONT.get(ch, _UNKNOWN)
        if scale > 1:
            g = g.repeat(scale, 0).repeat(scale, 1)
        x0, y0 = x + 4 * scale * i, y
        if x0 >= w:
            break
        gy0, gx0 = max(0, -y0), max(0, -x0)
        gy1, gx1 = min(g.shape[0], h - y0), min(g.shape[1], w - x0)
        if gy1 <= gy0 or gx1 <= gx0:
            continue
        sub = img[y0 + gy0 : y0 + gy1, x0 + gx0 : x0 + gx1]
        sub[g[gy0:gy1, gx0:gx1]] = col


# --- Art helpers -------------------------------------------------------------------
_SHADE = {".": 0, ":": 1, "x": 2, "#": 3, " ": -1}


def _art(rows: str | list[str]) -> np.ndarray:
    if isinstance(rows, str):
        rows = [r for r in rows.strip("\n").split("\n")]
    rows = [r.strip("|") for r in rows]
    a = np.array([[_SHADE[c] for c in r] for r in rows], np.int8)
    return a


def _over(base: np.ndarray, top: np.ndarray) -> np.ndarray:
    out = base.copy()
    out[top >= 0] = top[top >= 0]
    return out


# --- Terrain (full tiles) ----------------------------------------------------------
def _floor() -> np.ndarray:
    a = np.zeros((16, 16), np.int8)
    for y, x in ((2, 3), (3, 4), (5, 11), (6, 12), (10, 2), (11, 1), (12, 9), (13, 10), (9, 14)):
        a[y, x] = 1
    return a


def _indoor() -> np.ndarray:
    a = np.zeros((16, 16), np.int8)
    a[7::8, :] = 1
    a[:, 7::8] = 1
    a[3::8, 3::8] = 1
    return a


def _cave() -> np.ndarray:
    a = np.zeros((16, 16), np.int8)
    for y, x in ((1, 2), (2, 9), (4, 13), (6, 5), (9, 11), (11, 3), (12, 14), (14, 7)):
        a[y, x] = 1
        a[y, x + 1 if x < 15 else x - 1] = 2
    return a


def _wall() -> np.ndarray:
    a = np.full((16, 16), 2, np.int8)
    a[3::4, :] = 3
    for r in range(4):
        a[r * 4, :] = 1
        off = (r % 2) * 4
        a[r * 4 : r * 4 + 3, off::8] = 3
    return a


_TREE = """
|     ######     |
|   ##xx::xx##   |
|  #x::..:::xx#  |
| #x:..:::xx:xx# |
| #x::::x:::x:x# |
|#xx:xx:::xx:xxx#|
|#x::::xx:::x:xx#|
|#xx:x:::xx:xxxx#|
| #xx:xxx:xxxxx# |
| #xxxxxxxxxxxx# |
|  ##xxxx#xxx##  |
|    ###xx###    |
|      #xx#      |
|      #xx#      |
|     ##xx##     |
|    ::####::    |
"""
_ROCK = """
|                |
|                |
|     ######     |
|   ##:::..x##   |
|  #::....::xx#  |
|  #:..:::::xx#  |
| #::::::::xxxx# |
| #:::::x:::xxx# |
| #::xx:::::xxx# |
| #x:::::::xxx:# |
| #xx::::xxxxxx# |
|  #xxxxxxxxxx#  |
|   ##########   |
|    ::::::::    |
|                |
|                |
"""
_COUNTER = """
|################|
|:..............:|
|:..............:|
|::::::::::::::::|
|################|
|xxxxxxxxxxxxxxxx|
|x::::::xx::::::x|
|x:xxxx:xx:xxxx:x|
|x:xxxx:xx:xxxx:x|
|x:xxxx:xx:xxxx:x|
|x::::::xx::::::x|
|xxxxxxxxxxxxxxxx|
|################|
|                |
|                |
|                |
"""
_GRASS = """
|::::::::::::::::|
|:#:::::#:#:::::#|
|:x#:#:#x:x#:#:#x|
|::x#x#x:::x#x#x:|
|::xx:xx:::xx:xx:|
|:::xxx:::::xxx::|
|::::::::::::::::|
|::::::::::::::::|
|::::::::::::::::|
|:::#:#:::::#:#::|
|#:#x:x#:#:#x:x#:|
|x#x:::x#x#x:::x#|
|:xx:::xx:xx:::xx|
|xx:::::xxx:::::x|
|::::::::::::::::|
|::::::::::::::::|
"""
_WATER = """
|::::::::::::::::|
|::..::::::::::::|
|:.xx..::::::::::|
|.x::xx.:::::::::|
|::::::x:::::::::|
|::::::::::::::::|
|::::::::::..::::|
|:::::::::..xx..:|
|::::::::.xx::xx.|
|x::::::::::::::x|
|::::::::::::::::|
|::..::::::::::::|
|:.xx..::::::::::|
|.x::xx.:::::::::|
|::::::x:::::::::|
|::::::::::::::::|
"""
_LEDGE = """
|                |
|                |
|                |
|                |
|                |
|::::::::::::::::|
|................|
|:::::::::::::::.|
|xxxxxxxxxxxxxxxx|
|#xxx##xxx##xxx##|
|###  ###  ###  #|
|                |
|                |
|                |
|                |
|                |
"""
_BUSH = """
|                |
|     ##  ##     |
|   ##::##::##   |
|  #:.::x:.::x#  |
|  #::x:::x:xx#  |
| #x:..:x:..:xx# |
| #::x:::x::xxx# |
| #xx::xx::xxxx# |
|  #xxxxxxxxxx#  |
|   ##########   |
|     #xxxx#     |
|     ######     |
|                |
|                |
|                |
|                |
"""
_DOOR = """
|################|
|#xxxxxxxxxxxxxx#|
|#x############x#|
|#x#::::::::::#x#|
|#x#:xxxxxxxx:#x#|
|#x#:x######x:#x#|
|#x#:x######x:#x#|
|#x#:x######x:#x#|
|#x#:x######x:#x#|
|#x#:x####.#x:#x#|
|#x#:x######x:#x#|
|#x#:x######x:#x#|
|#x#:x######x:#x#|
|#x#::::::::::#x#|
|#x############x#|
|################|
"""
_MAT = """
|                |
|                |
| ############## |
| #xx:xx:xx:xx:# |
| #x:xx:xx:xx:x# |
| #:xx:xx:xx:xx# |
| #xx:xx:xx:xx:# |
| #x:xx:xx:xx:x# |
| #:xx:xx:xx:xx# |
| #xx:xx:xx:xx:# |
| #x:xx:xx:xx:x# |
| #:xx:xx:xx:xx# |
| ############## |
|                |
|                |
|                |
"""
_EXIT = """
|                |
|                |
|    ########    |
|  ##xx::::xx##  |
| #xx::....::xx# |
| #x::.####.::x# |
|#x::.#xxxx#.::x#|
|#x:.#x::::x#.:x#|
|#x:.#x::::x#.:x#|
|#x::.#xxxx#.::x#|
| #x::.####.::x# |
| #xx::....::xx# |
|  ##xx::::xx##  |
|    ########    |
|                |
|                |
"""
_STAIRS = """
|################|
|#::::::::::::::#|
|#xxxxxxxxxxxxxx#|
|#######::::::::#|
|#xxxxxxxxxxxxxx#|
|#######::::::::#|
|#xxxxxxxxxxxxxx#|
|#######::::::::#|
|#xxxxxxxxxxxxxx#|
|#######::::::::#|
|#xxxxxxxxxxxxxx#|
|#######::::::::#|
|#xxxxxxxxxxxxxx#|
|################|
|                |
|                |
"""
# --- Objects drawn over the map's floor --------------------------------------------
_HEALER = """
|   ##########   |
|  #..........#  |
|  #....##....#  |
|  #...#xx#...#  |
|  #.###xx###.#  |
|  #.#xxxxxx#.#  |
|  #.###xx###.#  |
|  #...#xx#...#  |
|  #....##....#  |
|  #..........#  |
| ############## |
| #::::::::::::# |
| #xxxxxxxxxxxx# |
| #x:x:x:x:x:xx# |
| ############## |
|                |
"""
_SHOP = """
| ############## |
|#x.x.x.x.x.x.x.#|
|#x.x.x.x.x.x.x.#|
| ############## |
|  #x        x#  |
|  #x        x#  |
| ############## |
| #............# |
| #.....#......# |
| #....####....# |
| #...#.#......# |
| #....###.....# |
| #......#.#...# |
| #....####....# |
| #:....#.....:# |
| ############## |
"""
_CAVE_WALL = """
|xxxx#xxxxxx#xxxx|
|x::x#x:::xx#x::x|
|:::xx::::xx#x:::|
|::xx#x:xxx#xx:::|
|xxx##xxxx###xxxx|
|####xxx:::x#####|
|x:::xx::::xxx:::|
|::::x::::xxx:::x|
|:::xx:xxxx#x::xx|
|xxx##xx####xxxx#|
|#xx:::x#xx::::x#|
|x:::::x#x::::xx#|
|x::::xx#x:::xx##|
|xx:xxx##xxxxx###|
|#xxx###x##xx####|
|################|
"""
_ITEM = """
|                |
|                |
|     ######     |
|    #xxxxxx#    |
|   #xx..xxxx#   |
|   #x..xxxxx#   |
|  #xxxxxxxxxx#  |
|  ####:##:####  |
|  #...:..:...#  |
|   #...::...#   |
|   #........#   |
|    #......#    |
|     ######     |
|      ::::      |
|                |
|                |
"""
_SIGN = """
|                |
| ############## |
| #............# |
| #.###.##.###.# |
| #............# |
| #.##.####.##.# |
| #............# |
| #::::::::::::# |
| ############## |
|      #xx#      |
|      #xx#      |
|      #xx#      |
|      #xx#      |
|     ##xx##     |
|    ::####::    |
|                |
"""

# --- People: 16x16, facing down; heads (rows 0-4) + face (5-9) + body (10-15) -------
_HEADS = {
    "cap": [
        "     ######     ",
        "    #xxxxxx#    ",
        "   #xx.xx.xx#   ",
        "   #xxxxxxxx#   ",
        "  ############  ",
    ],
    "hair": [
        "                ",
        "     ######     ",
        "    #xxxxxx#    ",
        "   #xxxxxxxx#   ",
        "   #xxxxxxxx#   ",
    ],
    "band": [
        "     ######     ",
        "    #xxxxxx#    ",
        "   #xxxxxxxx#   ",
        "   #::::::::#   ",
        "   #xxxxxxxx#   ",
    ],
    "spiky": [
        "  #x# #xx# #x#  ",
        "  #xx#xxxx#xx#  ",
        "   #xxxxxxxx#   ",
        "  #xxxxxxxxxx#  ",
        "  #xx#xxxx#xx#  ",
    ],
    "crown": [
        "   # # ## # #   ",
        "   #.#.##.#.#   ",
        "   #...xx...#   ",
        "   ##########   ",
        "   #xxxxxxxx#   ",
    ],
    "helmet": [
        "      ####      ",
        "     #::::#     ",
        "    #:....:#    ",
        "   #::::::::#   ",
        "  ############  ",
    ],
}
_FACE = [
    "   #........#   ",
    "   #.#....#.#   ",
    "   #.#....#.#   ",
    "    #......#    ",
    "     ##..##     ",
]
_BODIES = {
    "plain": [
        "   ##::::::##   ",
        "  #.#::::::#.#  ",
        "  #.#::::::#.#  ",
        "   ##::::::##   ",
        "    #::##::#    ",
        "    ###  ###    ",
    ],
    "player": [
        "   ##::::::##   ",
        "  #.#::::::#.#  ",
        "  #.#::::::#.#  ",
        "   ##xxxxxx##   ",
        "    #xx##xx#    ",
        "    ###  ###    ",
    ],
    "jacket": [
        "   ##xx..xx##   ",
        "  #.#xx..xx#.#  ",
        "  #.#xx..xx#.#  ",
        "   ##::::::##   ",
        "    #::##::#    ",
        "    ###  ###    ",
    ],
    "cape": [
        "  ###xx..xx###  ",
        " #xx#x....x#xx# ",
        " #xx#x....x#xx# ",
        " #xxx#xxxx#xxx# ",
        " #xxxx#xx#xxxx# ",
        "  ############  ",
    ],
    "armor": [
        "   ##xxxxxx## # ",
        "  #.#x::::x#.## ",
        "  #.#x::::x###  ",
        "   ##xxxxxx## # ",
        "    #xx##xx#  # ",
        "    ###  ###  # ",
    ],
}


def _person(head: str, body: str, face: list[str] | None = None) -> np.ndarray:
    rows = list(_HEADS[head]) + list(face or _FACE) + list(_BODIES[body])
    return _art(rows)


_PLAYER_UP = [
    "     ######     ",
    "    #xxxxxx#    ",
    "   #xxxxxxxx#   ",
    "   #xxxxxxxx#   ",
    "  ############  ",
    "   #xxxxxxxx#   ",
    "   #xxxxxxxx#   ",
    "   #xxxxxxxx#   ",
    "    #xxxxxx#    ",
    "     ######     ",
    "   ##::::::##   ",
    "  #.#::::::#.#  ",
    "  #.#::::::#.#  ",
    "   ##xxxxxx##   ",
    "    #xx##xx#    ",
    "    ###  ###    ",
]
_PLAYER_LEFT = [
    "     ######     ",
    "    #xxxxxx#    ",
    "   #xxxx.xxx#   ",
    "   #xxxxxxxx#   ",
    " ##########xx#  ",
    "   #.....#xxx#  ",
    "   #.#...#xxx#  ",
    "   #.#....#x#   ",
    "   #......#x#   ",
    "    ###..###    ",
    "     #:::::#    ",
    "     #:#.::#    ",
    "     #:#.::#    ",
    "     #xxxxx#    ",
    "     #xx#xx#    ",
    "     ###  ##    ",
]
# facing: 0 up, 1 down, 2 left, 3 right
PLAYER_ART = [
    _art(_PLAYER_UP),
    _person("cap", "player"),
    _art(_PLAYER_LEFT),
    _art(_PLAYER_LEFT)[:, ::-1],
]

_OBJECTS = {
    C.HEALER: _art(_HEALER),
    C.SHOP: _art(_SHOP),
    C.ITEM: _art(_ITEM),
    C.SIGN: _art(_SIGN),
    C.NPC: _person("hair", "plain"),
    C.TRAINER: _person("band", "jacket"),
    C.LEADER: _person("spiky", "cape"),
    C.CHAMPION: _person("crown", "cape"),
    C.GUARD: _person("helmet", "armor"),
    C.TREE: _art(_TREE),
    C.ROCK: _art(_ROCK),
    C.COUNTER: _art(_COUNTER),
    C.GRASS: _art(_GRASS),
    C.LEDGE: _art(_LEDGE),
    C.BUSH: _art(_BUSH),
}
_FADE = np.array([0, 0, 1, 2, -1], np.int8)  # beaten: shades 0,1,2,3 -> 0,0,1,2 (-1 stays)


def tile_shades(kind: str) -> np.ndarray:
    """(NUM_TILES, 16, 16) int8 shade indices 0..3 of every tile in a map of ``kind``."""
    floor = {"building": _indoor(), "league": _indoor(), "cave": _cave()}.get(kind, _floor())
    t = np.zeros((C.NUM_TILES, 16, 16), np.int8)
    t[:] = floor
    t[C.VOID] = 3
    t[C.WALL] = _art(_CAVE_WALL) if kind == "cave" else _wall()
    t[C.FLOOR] = _floor()
    t[C.INDOOR] = _indoor()
    t[C.CAVE] = _cave()
    t[C.WATER] = _art(_WATER)
    warp = {"town": _DOOR, "cave": _STAIRS, "league": _STAIRS, "building": _MAT}.get(kind, _EXIT)
    t[C.WARP] = _over(floor, _art(warp))
    for tid, art in _OBJECTS.items():
        t[tid] = _over(floor, art)
    for beaten, src in ((C.TRAINER_BEATEN, C.TRAINER), (C.LEADER_BEATEN, C.LEADER)):
        t[beaten] = _over(floor, _FADE[_OBJECTS[src]])
    return t


def _build_atlas() -> np.ndarray:
    atlas = np.zeros((len(C.MAP_KINDS), C.NUM_TILES, 16, 16, 3), np.uint8)
    for k, kind in enumerate(C.MAP_KINDS):
        atlas[k] = PALETTES[kind][tile_shades(kind)]
        atlas[k, C.VOID] = 0
    return atlas


ATLAS = _build_atlas()  # (kinds, NUM_TILES, 16, 16, 3) uint8
PLAYER_MASK = np.stack([a >= 0 for a in PLAYER_ART])  # (4, 16, 16) bool
# (kinds, 4, 16, 16, 3): the player coloured in each map kind's palette
PLAYER_RGB = np.stack(
    [np.stack([PALETTES[k][np.maximum(a, 0)] for a in PLAYER_ART]) for k in C.MAP_KINDS]
)
GRASS_FRONT = (_art(_GRASS) >= 2) & (np.arange(16)[:, None] >= 10)  # tufts over the feet


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
