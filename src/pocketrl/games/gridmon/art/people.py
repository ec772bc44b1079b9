"""People of gridmon's map: heads, faces and bodies combined; the player in four facings."""

from __future__ import annotations

import numpy as np

from .pixels import art

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


def person(head: str, body: str, face: list[str] | None = None) -> np.ndarray:
    rows = list(_HEADS[head]) + list(face or _FACE) + list(_BODIES[body])
    return art(rows)


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
    art(_PLAYER_UP),
    person("cap", "player"),
    art(_PLAYER_LEFT),
    art(_PLAYER_LEFT)[:, ::-1],
]
