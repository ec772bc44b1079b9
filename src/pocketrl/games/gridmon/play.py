"""A person plays gridmon in the terminal: the map window, party, battle text.

Keys: arrows or w/a/s/d move (in battle: move slots 1-4), j or z = A, k or x = B,
enter or space = START, q = quit. Without a terminal (piped input) every line is read
as a string of keys, so a session can be scripted: ``printf 'ddj\\nq\\n' | pocketrl play``.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from .core import constants as C
from .view import messages, party_lines, status_line

TILE_CHARS = " #T^=._:,~v*DH$oN?!tLlCG"  # one per tile id, VOID first
assert len(TILE_CHARS) == C.NUM_TILES
KEYS = {
    "w": C.UP,
    "s": C.DOWN,
    "a": C.LEFT,
    "d": C.RIGHT,
    "\x1b[A": C.UP,
    "\x1b[B": C.DOWN,
    "\x1b[D": C.LEFT,
    "\x1b[C": C.RIGHT,
    "j": C.A,
    "z": C.A,
    "k": C.B,
    "x": C.B,
    "\r": C.START,
    "\n": C.START,
    " ": C.START,
}
HELP = "keys: arrows/wasd move or pick move 1-4 | j/z = A | k/x = B | enter/space = START | q"


def map_text(env, i: int) -> list[str]:
    tiles = env.obs["tiles"][i]
    rows = []
    for r in range(C.VIEW_H):
        chars = [TILE_CHARS[t] for t in tiles[r]]
        if r == C.VIEW_CY:
            chars[C.VIEW_CX] = "@"
        rows.append(" ".join(chars))
    return rows


def battle_text(env, i: int) -> list[str]:
    a, w = env.arrays, env.world
    if a["battle"][i] == C.NO_BATTLE:
        return []
    from .core.rules import stat

    k = int(a["e_active"][i])
    sp, lv = int(a["e_species"][i, k]), int(a["e_level"][i, k])
    kind = "wild" if a["battle"][i] == C.WILD else "trainer's"
    left = int(a["e_count"][i]) - k
    return [
        f"BATTLE: {kind} {w.monsters.species_names[sp]} Lv{lv} "
        f"HP {int(a['e_hp'][i, k])}/{stat(env.tables, sp, lv, 0)}  ({left} left)",
        "arrows = move 1-4, j = ball, k = run, enter = switch",
    ]


def screen(env, i: int = 0, title: str = "") -> str:
    """The whole terminal view of env i after its last step."""
    lines = [title] if title else []
    lines += [status_line(env, i), ""]
    lines += map_text(env, i)
    lines += [""] + battle_text(env, i) + party_lines(env, i)
    lines += [""] + [f"> {m}" for m in messages(env, i)]
    return "\n".join(lines)


def _read_key_tty() -> str:
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        ch = os.read(fd, 1).decode(errors="ignore")
        if ch == "\x1b":
            ch += os.read(fd, 2).decode(errors="ignore")
        return ch
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _keys_from_lines():
    for line in sys.stdin:
        yield from line.rstrip("\n")
    yield "q"


def play(env, out=sys.stdout) -> int:
    """Run the interactive loop on env 0; returns the number of steps played."""
    tty_mode = sys.stdin.isatty()
    keys = None if tty_mode else _keys_from_lines()
    steps = 0
    print(screen(env, 0, HELP), file=out)
    while True:
        key = _read_key_tty() if tty_mode else next(keys)
        if key in ("q", "\x03", "\x04"):
            break
        if key not in KEYS:
            continue
        _, _, term, trunc, _ = env.step(np.array([KEYS[key]], np.int64))
        steps += 1
        if tty_mode:
            out.write("\x1b[2J\x1b[H")
        print(screen(env, 0, HELP), file=out)
        if term[0]:
            print("\nYou beat the champion! A new game begins.", file=out)
    return steps
