"""Original pixel art of gridmon's tiles and people, drawn in code.

Everything is built once at import into small numpy tables that ``render`` indexes.
Art is written as 16-character strings with four shades, lightest to darkest:
``.`` 0, ``:`` 1, ``x`` 2, ``#`` 3, and `` `` (space) for transparent.
"""

from __future__ import annotations

import numpy as np

from ..core import constants as C
from .palette import PALETTES
from .people import PLAYER_ART, person
from .pixels import art, over


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


_OBJECTS = {
    C.HEALER: art(_HEALER),
    C.SHOP: art(_SHOP),
    C.ITEM: art(_ITEM),
    C.SIGN: art(_SIGN),
    C.NPC: person("hair", "plain"),
    C.TRAINER: person("band", "jacket"),
    C.LEADER: person("spiky", "cape"),
    C.CHAMPION: person("crown", "cape"),
    C.GUARD: person("helmet", "armor"),
    C.TREE: art(_TREE),
    C.ROCK: art(_ROCK),
    C.COUNTER: art(_COUNTER),
    C.GRASS: art(_GRASS),
    C.LEDGE: art(_LEDGE),
    C.BUSH: art(_BUSH),
}
_FADE = np.array([0, 0, 1, 2, -1], np.int8)  # beaten: shades 0,1,2,3 -> 0,0,1,2 (-1 stays)


def tile_shades(kind: str) -> np.ndarray:
    """(NUM_TILES, 16, 16) int8 shade indices 0..3 of every tile in a map of ``kind``."""
    floor = {"building": _indoor(), "league": _indoor(), "cave": _cave()}.get(kind, _floor())
    t = np.zeros((C.NUM_TILES, 16, 16), np.int8)
    t[:] = floor
    t[C.VOID] = 3
    t[C.WALL] = art(_CAVE_WALL) if kind == "cave" else _wall()
    t[C.FLOOR] = _floor()
    t[C.INDOOR] = _indoor()
    t[C.CAVE] = _cave()
    t[C.WATER] = art(_WATER)
    warp = {"town": _DOOR, "cave": _STAIRS, "league": _STAIRS, "building": _MAT}.get(kind, _EXIT)
    t[C.WARP] = over(floor, art(warp))
    for tid, drawing in _OBJECTS.items():
        t[tid] = over(floor, drawing)
    for beaten, src in ((C.TRAINER_BEATEN, C.TRAINER), (C.LEADER_BEATEN, C.LEADER)):
        t[beaten] = over(floor, _FADE[_OBJECTS[src]])
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
GRASS_FRONT = (art(_GRASS) >= 2) & (np.arange(16)[:, None] >= 10)  # tufts over the feet
