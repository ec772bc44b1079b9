"""Text boxes, menus and the scripted intro of the synthetic test ROM (testrom.py).

They keep the RAM effects of Pokémon Red's own at the same addresses (ram.py), so that
the text rule (textbox.py) and the intro walk (intro.py) run on this ROM exactly as on
the cartridge:

- A text box prints each page for ``PRINT_FRAMES`` frames (``BIT_TEXT_DELAY`` of
  ``wLetterPrintingDelayFlags`` set), then waits for A or B with
  ``hDownArrowBlinkCount2`` = 6; after its last page it closes and clears ``wJoyIgnore``.
- A menu writes its signature (``wMenuWatchedKeys``, ``wTopMenuItemX/Y``,
  ``wMaxMenuItem``), puts the cursor ▶ into ``wTileMap`` and its address into
  ``wMenuCursorLocation``, sets ``hDownArrowBlinkCount2`` = 6 and waits: UP/DOWN move
  ``wCurrentMenuItem``, a watched A/B/START returns it.
- The intro plays ``SCENE_LIST`` in order, ``SCENE_GAP`` frames apart: the title screen
  (waits for A or START), the main menu (NEW GAME: ``wCurMap`` = REDS_HOUSE_2F, party 0,
  stand-in names; CONTINUE, with ``save_file``, and the naming keyboard behind NEW NAME
  lead nowhere: the ROM stops there), Oak's speech as text boxes, the two naming menus
  (the default names are written to ``wPlayerName``/``wRivalName``), then
  ``BIT_GAME_TIMER_COUNTING`` of ``wStatusFlags6`` and, ``ENTER_FRAMES`` later, play.

While a text box, menu or the title screen is up the player does not move. The routines
read the newly pressed buttons in register b (pokered's joypad bit order, ram.PAD_*).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ram
from .testrom_asm import Asm

# HRAM variables of the program (ldh offsets from 0xFF00)
H_PREV, H_FREEZE, H_BLACKOUT, H_UI = 0x80, 0x81, 0x82, 0x83
H_PAGES, H_PRINT, H_SCENE, H_MENU, H_DELAY = 0x84, 0x85, 0x86, 0x87, 0x88
H_COUNT2 = ram.H_DOWN_ARROW_BLINK_COUNT2 & 0xFF
UI_NONE, UI_TEXT, UI_MENU, UI_TITLE = 0, 1, 2, 3
MENU_OVERWORLD, MENU_MAIN, MENU_PLAYER, MENU_RIVAL = 1, 2, 3, 4
K_TITLE, K_TEXT, K_MENU, K_TIMER, K_DONE, K_STUCK = 1, 2, 3, 4, 5, 6
SCENE_STUCK, SCENE_NONE = 0xFE, 0xFF
PRINT_FRAMES = 30
SCENE_GAP = 20
ENTER_FRAMES = 40
BOOT_DELAY = 60  # frames of "copyright screen" before the title screen waits
INTRO_START = (3, 6)  # NewGameWarp's (x, y) in REDS_HOUSE_2F
CHAR_SPACE = 0x7F  # " " in pokered's charmap
# where the tables live in the ROM image
SCENES, MENUS, NAMES = 0x1500, 0x1540, 0x1560

SCENE_LIST = (  # (name, kind, argument)
    ("title screen", K_TITLE, 0),
    ("main menu", K_MENU, MENU_MAIN),
    ("Oak's speech", K_TEXT, 3),
    ("player's name", K_MENU, MENU_PLAYER),
    ("Oak's speech about the rival", K_TEXT, 2),
    ("rival's name", K_MENU, MENU_RIVAL),
    ("end of Oak's speech", K_TEXT, 2),
    ("enter the map", K_TIMER, ENTER_FRAMES),
    ("play", K_DONE, 0),
)
SCENE_NAMES = tuple(name for name, _k, _a in SCENE_LIST)
RED_NAMES, BLUE_NAMES = ("RED", "ASH", "JACK"), ("BLUE", "GARY", "JOHN")
STAND_IN_NAMES = ("PLAYER", "RIVAL")  # what NEW GAME writes before the names are chosen


@dataclass(frozen=True)
class IntroSpec:
    """A synthetic ROM that boots into the intro. ``title`` picks the default names
    (Red's player names are RED/ASH/JACK and the rival's BLUE/GARY/JOHN; Blue's the other
    way round); ``save_file`` adds CONTINUE to the main menu; ``hang_at`` names a scene
    of SCENE_NAMES that never opens (the ROM stops there)."""

    title: bytes = b"POKEMON RED"
    save_file: bool = False
    hang_at: str | None = None

    def __post_init__(self):
        if self.hang_at is not None and self.hang_at not in SCENE_NAMES:
            raise ValueError(f"hang_at={self.hang_at!r} is not one of {SCENE_NAMES}")

    def names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(player's default names, rival's default names)."""
        red = b"BLUE" not in self.title
        return (RED_NAMES, BLUE_NAMES) if red else (BLUE_NAMES, RED_NAMES)


def encode_name(text: str) -> bytes:
    """A name in pokered's charmap ("A" = $80 ...), "@"-terminated, NAME_LENGTH bytes."""
    body = bytes(0x80 + ord(ch) - ord("A") for ch in text)
    return body + b"\x50" * (ram.NAME_LENGTH - len(body))


def tables(spec: IntroSpec | None) -> dict[int, bytes]:
    """ROM address -> bytes of the scene, menu and name tables."""
    scenes = bytearray()
    for name, kind, arg in SCENE_LIST:
        hang = spec is not None and spec.hang_at == name
        scenes += bytes([K_STUCK if hang else kind, arg])
    main_max = 2 if spec is not None and spec.save_file else 1
    menus = bytes(4) + bytes(  # (watched keys, x, y, max item) by menu kind
        [ram.PAD_A | ram.PAD_B, 1, 12, 1]
        + [ram.PAD_A | ram.PAD_B | ram.PAD_START, 1, 2, main_max]
        + [ram.PAD_A, 1, 2, 3] * 2
    )
    player, rival = (spec or IntroSpec()).names()
    names = b"".join(encode_name(n) for n in (*player, *rival, *STAND_IN_NAMES))
    return {SCENES: bytes(scenes), MENUS: menus, NAMES: names}


# --- routines -------------------------------------------------------------------------
def _text_routines(a: Asm) -> None:
    """open_text (a = pages), start_page, printing_off, text_frame."""
    flags = ram.W_LETTER_PRINTING_DELAY_FLAGS
    a.label("open_text")
    a.op("ldh (n),a", H_PAGES)
    a.op("ld a,n", UI_TEXT)
    a.op("ldh (n),a", H_UI)
    a.op("xor a")
    a.op("ldh (n),a", H_COUNT2)
    a.label("start_page")
    a.op("ld a,n", PRINT_FRAMES)
    a.op("ldh (n),a", H_PRINT)
    a.op("ld a,(nn)", flags)
    a.op("or n", 1 << ram.BIT_TEXT_DELAY)
    a.op("ld (nn),a", flags)
    a.op("ret")
    a.label("printing_off")
    a.op("ld a,(nn)", flags)
    a.op("and n", 0xFF ^ (1 << ram.BIT_TEXT_DELAY))
    a.op("ld (nn),a", flags)
    a.op("ret")

    a.label("text_frame")
    a.op("ldh a,(n)", H_PRINT)
    a.op("and a")
    a.jr("jr z", "text_wait")
    a.op("dec a")
    a.op("ldh (n),a", H_PRINT)
    a.jp("jp nz,nn", "end_frame")
    a.op("ld a,n", 6)  # the page is printed: wait for A/B
    a.op("ldh (n),a", H_COUNT2)
    a.jp("call nn", "printing_off")
    a.jp("jp nn", "end_frame")
    a.label("text_wait")
    a.op("ld a,b")
    a.op("and n", ram.PAD_A | ram.PAD_B)
    a.jp("jp z,nn", "end_frame")
    a.op("xor a")
    a.op("ldh (n),a", H_COUNT2)
    a.op("ldh a,(n)", H_PAGES)
    a.op("dec a")
    a.op("ldh (n),a", H_PAGES)
    a.jr("jr z", "text_close")
    a.jp("call nn", "start_page")
    a.jp("jp nn", "end_frame")
    a.label("text_close")
    a.op("xor a")
    a.op("ld (nn),a", ram.W_JOY_IGNORE)
    a.jp("call nn", "ui_close")
    a.jp("jp nn", "end_frame")


def _cursor_routines(a: Asm) -> None:
    """open_menu (a = menu kind), place_cursor, erase_cursor, move_cursor (a = item);
    the cursor routines keep bc."""
    a.label("open_menu")
    a.op("ldh (n),a", H_MENU)
    a.op("add a,a")
    a.op("add a,a")
    a.op("ld l,a")
    a.op("ld h,n", 0)
    a.op("ld de,nn", MENUS)
    a.op("add hl,de")
    for addr in (ram.W_MENU_WATCHED_KEYS, ram.W_TOP_MENU_ITEM_X, ram.W_TOP_MENU_ITEM_Y):
        a.op("ld a,(hl+)")
        a.op("ld (nn),a", addr)
    a.op("ld a,(hl)")
    a.op("ld (nn),a", ram.W_MAX_MENU_ITEM)
    a.op("xor a")
    a.op("ld (nn),a", ram.W_CURRENT_MENU_ITEM)
    a.jp("call nn", "place_cursor")
    a.op("ld a,n", 6)
    a.op("ldh (n),a", H_COUNT2)
    a.op("ld a,n", UI_MENU)
    a.op("ldh (n),a", H_UI)
    a.op("ret")

    a.label("place_cursor")  # ▶ at wTileMap + (Y + item) * 20 + X
    a.op("push bc")
    a.op("ld a,(nn)", ram.W_TOP_MENU_ITEM_Y)
    a.op("ld b,a")
    a.op("ld a,(nn)", ram.W_CURRENT_MENU_ITEM)
    a.op("add a,b")
    a.op("ld l,a")
    a.op("ld h,n", 0)
    a.ops("add hl,hl", "add hl,hl", "ld d,h", "ld e,l", "add hl,hl", "add hl,hl", "add hl,de")
    a.op("ld a,(nn)", ram.W_TOP_MENU_ITEM_X)
    a.op("ld e,a")
    a.op("ld d,n", 0)
    a.op("add hl,de")
    a.op("ld de,nn", ram.W_TILE_MAP)
    a.op("add hl,de")
    a.op("ld (hl),n", ram.CHAR_MENU_CURSOR)
    a.op("ld a,l")
    a.op("ld (nn),a", ram.W_MENU_CURSOR_LOCATION)
    a.op("ld a,h")
    a.op("ld (nn),a", ram.W_MENU_CURSOR_LOCATION + 1)
    a.op("pop bc")
    a.op("ret")

    a.label("erase_cursor")
    a.op("ld a,(nn)", ram.W_MENU_CURSOR_LOCATION)
    a.op("ld l,a")
    a.op("ld a,(nn)", ram.W_MENU_CURSOR_LOCATION + 1)
    a.op("ld h,a")
    a.op("ld (hl),n", CHAR_SPACE)
    a.op("ret")

    a.label("move_cursor")
    a.op("push af")
    a.jp("call nn", "erase_cursor")
    a.op("pop af")
    a.op("ld (nn),a", ram.W_CURRENT_MENU_ITEM)
    a.jp("jp nn", "place_cursor")


def _menu_frame(a: Asm) -> None:
    """One frame of an open menu: move the cursor, or return the chosen item."""
    a.label("menu_frame")
    a.op("ld a,b")
    a.op("and n", ram.PAD_DOWN)
    a.jr("jr z", "menu_up")
    a.op("ld a,(nn)", ram.W_MAX_MENU_ITEM)
    a.op("ld c,a")
    a.op("ld a,(nn)", ram.W_CURRENT_MENU_ITEM)
    a.op("cp c")
    a.jr("jr nc", "menu_up")
    a.op("inc a")
    a.jp("call nn", "move_cursor")
    a.label("menu_up")
    a.op("ld a,b")
    a.op("and n", ram.PAD_UP)
    a.jr("jr z", "menu_keys")
    a.op("ld a,(nn)", ram.W_CURRENT_MENU_ITEM)
    a.op("and a")
    a.jr("jr z", "menu_keys")
    a.op("dec a")
    a.jp("call nn", "move_cursor")
    a.label("menu_keys")
    a.op("ld a,(nn)", ram.W_MENU_WATCHED_KEYS)
    a.op("and b")
    a.op("and n", ram.PAD_A | ram.PAD_B | ram.PAD_START)
    a.jp("jp z,nn", "end_frame")
    a.op("xor a")  # HandleMenuInput returns: hDownArrowBlinkCount2 back to 0 ...
    a.op("ldh (n),a", H_COUNT2)
    a.jp("call nn", "erase_cursor")  # ... and the next screen draws over the cursor
    a.op("ldh a,(n)", H_MENU)
    a.op("cp n", MENU_MAIN)
    a.jp("jp z,nn", "main_chosen")
    a.op("cp n", MENU_OVERWORLD)
    a.jp("jp nz,nn", "name_chosen")
    a.jp("call nn", "ui_close")
    a.jp("jp nn", "end_frame")


def _main_menu_choice(a: Asm) -> None:
    """main_chosen: NEW GAME (item wMaxMenuItem - 1) starts the game; CONTINUE (a save
    file's item 0) stops the ROM; OPTION leaves the menu open."""
    a.label("main_chosen")
    a.op("ld a,(nn)", ram.W_MAX_MENU_ITEM)
    a.op("dec a")
    a.op("ld c,a")
    a.op("ld a,(nn)", ram.W_CURRENT_MENU_ITEM)
    a.op("cp c")
    a.jp("jp c,nn", "stop_rom")  # CONTINUE
    a.jr("jr z", "new_game")
    a.jp("call nn", "place_cursor")  # OPTION: the menu stays
    a.op("ld a,n", 6)
    a.op("ldh (n),a", H_COUNT2)
    a.jp("jp nn", "end_frame")
    a.label("new_game")
    a.op("ld a,n", ram.REDS_HOUSE_2F)
    a.op("ld (nn),a", ram.W_CUR_MAP)
    a.op("ld a,n", INTRO_START[0])
    a.op("ld (nn),a", ram.W_X_COORD)
    a.op("ld a,n", INTRO_START[1])
    a.op("ld (nn),a", ram.W_Y_COORD)
    a.op("xor a")
    a.op("ld (nn),a", ram.W_PARTY_COUNT)
    a.op("ld hl,nn", NAMES + 6 * ram.NAME_LENGTH)  # the stand-in names
    a.op("ld de,nn", ram.W_PLAYER_NAME)
    a.jp("call nn", "copy_name")
    a.op("ld de,nn", ram.W_RIVAL_NAME)
    a.jp("call nn", "copy_name")
    a.jp("call nn", "ui_close")
    a.jp("jp nn", "end_frame")
    a.label("stop_rom")
    a.op("xor a")
    a.op("ldh (n),a", H_UI)
    a.op("ld a,n", SCENE_STUCK)
    a.op("ldh (n),a", H_SCENE)
    a.jp("jp nn", "end_frame")


def _name_choice(a: Asm) -> None:
    """name_chosen: item k >= 1 writes default name k; NEW NAME stops the ROM."""
    a.label("name_chosen")
    a.op("ld a,(nn)", ram.W_CURRENT_MENU_ITEM)
    a.op("and a")
    a.jr("jr z", "stop_rom")
    a.op("dec a")
    a.op("ld c,a")
    a.op("ldh a,(n)", H_MENU)
    a.op("cp n", MENU_PLAYER)
    a.op("ld hl,nn", NAMES)
    a.op("ld de,nn", ram.W_PLAYER_NAME)
    a.jr("jr z", "name_skip")
    a.op("ld hl,nn", NAMES + 3 * ram.NAME_LENGTH)
    a.op("ld de,nn", ram.W_RIVAL_NAME)
    a.label("name_skip")
    a.op("push de")
    a.op("ld de,nn", ram.NAME_LENGTH)
    a.label("name_step")
    a.op("ld a,c")
    a.op("and a")
    a.jr("jr z", "name_found")
    a.op("add hl,de")
    a.op("dec c")
    a.jr("jr", "name_step")
    a.label("name_found")
    a.op("pop de")
    a.jp("call nn", "copy_name")
    a.jp("call nn", "ui_close")
    a.jp("jp nn", "end_frame")

    a.label("copy_name")  # NAME_LENGTH bytes from hl to de
    a.op("ld c,n", ram.NAME_LENGTH)
    a.label("copy_loop")
    a.op("ld a,(hl+)")
    a.op("ld (de),a")
    a.op("inc de")
    a.op("dec c")
    a.jr("jr nz", "copy_loop")
    a.op("ret")


def _ui_frame(a: Asm) -> None:
    """ui_frame: one frame of whatever is up (H_UI); ui_close: close it and, in the
    intro, schedule the next scene."""
    a.label("ui_frame")
    a.op("ldh a,(n)", H_UI)
    a.op("cp n", UI_TEXT)
    a.jp("jp z,nn", "text_frame")
    a.op("cp n", UI_MENU)
    a.jp("jp z,nn", "menu_frame")
    a.op("ld a,b")  # the title screen
    a.op("and n", ram.PAD_A | ram.PAD_START)
    a.jp("jp z,nn", "end_frame")
    a.jp("call nn", "ui_close")
    a.jp("jp nn", "end_frame")

    a.label("ui_close")
    a.op("xor a")
    a.op("ldh (n),a", H_UI)
    a.op("ldh a,(n)", H_SCENE)
    a.op("cp n", SCENE_NONE)
    a.op("ret z")
    a.op("inc a")
    a.op("ldh (n),a", H_SCENE)
    a.op("ld a,n", SCENE_GAP)
    a.op("ldh (n),a", H_DELAY)
    a.op("ret")


def _intro_frame(a: Asm) -> None:
    """intro_frame: wait out H_DELAY, then open the scene H_SCENE of SCENES."""
    a.label("intro_frame")
    a.op("ldh a,(n)", H_DELAY)
    a.op("and a")
    a.jr("jr z", "intro_open")
    a.op("dec a")
    a.op("ldh (n),a", H_DELAY)
    a.jp("jp nn", "end_frame")
    a.label("intro_open")
    a.op("ldh a,(n)", H_SCENE)
    a.op("cp n", SCENE_STUCK)
    a.jp("jp z,nn", "end_frame")
    a.op("add a,a")
    a.op("ld l,a")
    a.op("ld h,n", 0)
    a.op("ld de,nn", SCENES)
    a.op("add hl,de")
    a.op("ld a,(hl+)")
    a.op("ld c,a")
    a.op("ld b,(hl)")
    a.op("ld a,c")
    a.op("cp n", K_TITLE)
    a.jr("jr nz", "not_title")
    a.op("ld a,n", UI_TITLE)
    a.op("ldh (n),a", H_UI)
    a.jp("jp nn", "end_frame")
    a.label("not_title")
    a.op("cp n", K_TEXT)
    a.jr("jr nz", "not_text")
    a.op("ld a,b")
    a.jp("call nn", "open_text")
    a.jp("jp nn", "end_frame")
    a.label("not_text")
    a.op("cp n", K_MENU)
    a.jr("jr nz", "not_menu")
    a.op("ld a,b")
    a.jp("call nn", "open_menu")
    a.jp("jp nn", "end_frame")
    a.label("not_menu")
    a.op("cp n", K_TIMER)
    a.jr("jr nz", "not_timer")
    a.op("ld a,(nn)", ram.W_STATUS_FLAGS6)
    a.op("or n", 1 << ram.BIT_GAME_TIMER_COUNTING)
    a.op("ld (nn),a", ram.W_STATUS_FLAGS6)
    a.op("ldh a,(n)", H_SCENE)
    a.op("inc a")
    a.op("ldh (n),a", H_SCENE)
    a.op("ld a,b")
    a.op("ldh (n),a", H_DELAY)
    a.jp("jp nn", "end_frame")
    a.label("not_timer")
    a.op("cp n", K_DONE)
    a.jp("jp nz,nn", "stop_rom")  # K_STUCK
    a.op("ld a,n", SCENE_NONE)
    a.op("ldh (n),a", H_SCENE)
    a.jp("call nn", "set_palette")
    a.jp("call nn", "draw_player")
    a.jp("jp nn", "end_frame")


def emit(a: Asm) -> None:
    """Every routine of this module (they jump to ``end_frame`` and call
    ``set_palette``/``draw_player``, which testrom.py defines)."""
    _text_routines(a)
    _cursor_routines(a)
    _menu_frame(a)
    _main_menu_choice(a)
    _name_choice(a)
    _ui_frame(a)
    _intro_frame(a)
