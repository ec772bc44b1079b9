"""A 3x5 pixel font, drawn in code (upper case, digits, a little punctuation)."""

from __future__ import annotations

import numpy as np

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
