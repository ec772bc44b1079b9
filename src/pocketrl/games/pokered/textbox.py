"""What the game's RAM says about text boxes and menus (the text rule; the intro walk).

Every test reads the symbols the pret/pokered disassembly itself uses (ram.py):

- ``waiting_for_button``: ``hDownArrowBlinkCount2`` is non-zero. Only
  ``WaitForTextScrollButtonPress`` (every text box's wait for A/B: the ▼ prompt, the
  end of a dialogue) and ``HandleMenuInput`` (every menu) write it: they set it to 6,
  keep it in 1..6 while they wait and restore it (0) when they return.
- ``menu_live``: waiting for a button, and the tile at ``wMenuCursorLocation`` inside
  ``wTileMap`` is the menu cursor "▶" that ``PlaceMenuCursor`` puts there: a menu waits
  for its choice. A text box's wait has no such cursor.
- ``text_waiting``: waiting for a button and no menu is live: a text box waits for A/B.
- ``text_printing``: ``BIT_TEXT_DELAY`` of ``wLetterPrintingDelayFlags``, which
  ``TextCommandProcessor`` sets while it prints a text (between prompts too).
- ``needs_press``: the text rule's test: no menu is live and a text box waits or
  prints, or a script holds the joypad (``wJoyIgnore`` != 0).
"""

from __future__ import annotations

from . import ram

_TILE_MAP_END = ram.W_TILE_MAP + ram.TILE_MAP_BYTES


def waiting_for_button(mem) -> bool:
    """A text box or a menu waits for a button (see module docstring)."""
    return mem[ram.H_DOWN_ARROW_BLINK_COUNT2] != 0


def menu_live(mem) -> bool:
    """A menu waits for its choice: the cursor "▶" stands where PlaceMenuCursor put it."""
    if not waiting_for_button(mem):
        return False
    where = mem[ram.W_MENU_CURSOR_LOCATION] | mem[ram.W_MENU_CURSOR_LOCATION + 1] << 8
    return ram.W_TILE_MAP <= where < _TILE_MAP_END and mem[where] == ram.CHAR_MENU_CURSOR


def text_waiting(mem) -> bool:
    """A text box waits for A/B (and no menu does)."""
    return waiting_for_button(mem) and not menu_live(mem)


def text_printing(mem) -> bool:
    """The text engine is printing a text (BIT_TEXT_DELAY of wLetterPrintingDelayFlags)."""
    return bool(mem[ram.W_LETTER_PRINTING_DELAY_FLAGS] >> ram.BIT_TEXT_DELAY & 1)


def needs_press(mem) -> bool:
    """The text rule presses A: no live menu, and text waits or prints or a script holds
    the joypad."""
    if menu_live(mem):
        return False
    return bool(mem[ram.W_JOY_IGNORE]) or waiting_for_button(mem) or text_printing(mem)
