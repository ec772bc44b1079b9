"""A tiny synthetic Game Boy program, assembled byte by byte, that stands in for the ROM.

It is written for this project (not derived from any game) so that the whole pokered
adapter can be tested without a cartridge dump. It keeps its state at the pokered RAM
addresses (see ``ram.py``), so the adapter reads it exactly as it reads Pokémon Red:

- The player is a black tile on a 20 x 18 tile screen; ``wXCoord``/``wYCoord`` hold its
  position. Each new press of a D-pad direction moves it one tile (edge-triggered, so one
  action of the env is one step), clamped to the screen. ``START (2, 2)``, ``wCurMap`` 0.
  The joypad is read in pokered's bit order and masked with ``wJoyIgnore``.
- Special tiles (drawn with a striped pattern) do something when the player walks on:

  ==============  ========  ===========================================================
  kind            (x, y)    effect
  ==============  ========  ===========================================================
  ``DOOR``        (5, 2)    ``wCurMap ^= 1`` and the palette flips
  ``BADGE``       (2, 5)    ``wObtainedBadges |= 1``
  ``EVENT_A``     (2, 7)    ``wEventFlags[0] |= 0x01``
  ``EVENT_B``     (2, 8)    ``wEventFlags[10] |= 0x08``
  ``HURT``        (0, 2)    party monster 1's HP = 0 (all fainted); on any map but
                            ``LAB_MAP`` the game blacks out ``BLACKOUT_FRAMES`` later:
                            HP = max HP, ``wCurMap = wLastBlackoutMap``, player at START
  ``HEAL``        (1, 0)    party monster 1's HP = max HP
  ``LEVEL``       (4, 0)    party monster 1's level + 1
  ``BATTLE``      (4, 4)    ``wIsInBattle`` = 1 while standing there
  ``FREEZE``      (6, 6)    ``wJoyIgnore`` = 0xFF for 60 frames (input ignored)
  ``TEXT``        (6, 0)    a text box of ``TEXT_PAGES`` pages, each waiting for A/B
  ``SCENE``       (8, 0)    ``wJoyIgnore`` = 0xFC (D-pad, START, SELECT) and a text box
                            of ``SCENE_PAGES`` pages: a scripted scene
  ``MENU``        (12, 0)   a menu of two items (A or B closes it)
  ``DEX_SEEN``    (14, 0)   species 2 seen (``wPokedexSeen``)
  ``DEX_OWNED``   (16, 0)   species 3 owned and seen (``wPokedexOwned``, ``wPokedexSeen``)
  ``MUSEUM``      (18, 0)   EVENT_BOUGHT_MUSEUM_TICKET set in ``wEventFlags``
  ``CENTER``      (19, 1)   ``wLastBlackoutMap = wCurMap`` (a Pokémon Center's effect)
  ==============  ========  ===========================================================

- A party of one (species 1, level 5, HP 20/20), 3000 money and one bag item are set at
  boot, so party, money and bag reads have something to see.
- ``build_test_rom(IntroSpec(...))`` boots into a scripted intro instead (testrom_ui.py):
  title screen, main menu, Oak's speech, the two naming menus; then play starts in map
  REDS_HOUSE_2F at ``INTRO_START`` with an empty party. Its title is a Pokémon one, so
  the env makes its start state with the intro walk (intro.py).

The main loop runs once per frame at the start of VBlank: count down the freeze and the
blackout, read the joypad, then run the open text box / menu, or the intro, or the
player's move and the tile's effect. ``build_test_rom()`` returns the 32 KiB image with
a valid header checksum (PyBoy's boot ROM does not check the logo).
"""

from __future__ import annotations

from pathlib import Path

from . import ram
from . import testrom_ui as ui
from . import testrom_world as world
from .testrom_asm import LCDC, LY, Asm
from .testrom_ui import H_DELAY, H_SCENE, H_UI, IntroSpec
from .testrom_world import (
    DEX_OWNED_BIT,
    DEX_SEEN_BIT,
    EVENT_A_BIT,
    EVENT_B_BIT,
    KIND,
    LAB_MAP,
    SCREEN_H,
    START,
    TILES,
)

__all__ = [  # the layout the tests walk, and the builders
    "DEX_OWNED_BIT", "DEX_SEEN_BIT", "EVENT_A_BIT", "EVENT_B_BIT", "KIND", "LAB_MAP",
    "MAX_HP", "START", "TILES", "IntroSpec", "build_test_rom", "header_checksum",
    "write_test_rom",
]  # fmt: skip

TITLE = b"POCKETRL TEST"
MAX_HP = 20

CODE, INIT, TILE_DATA = 0x150, 0x1400, 0x8000  # where code, init table and tiles live


def _fill(a: Asm, start: int, count: int, value: int, tag: str) -> None:
    """Write ``value`` to ``count`` bytes from ``start`` (uses hl, bc)."""
    a.op("ld hl,nn", start)
    a.op("ld bc,nn", count)
    a.label(tag)
    a.op("ld a,n", value)
    a.op("ld (hl+),a")
    a.op("dec bc")
    a.op("ld a,b")
    a.op("or c")
    a.jr("jr nz", tag)


def _boot(a: Asm) -> None:
    """Stop the LCD, load two tiles, clear RAM, apply the init table, draw special tiles."""
    a.op("di")
    a.op("ld sp,nn", 0xDFF0)
    a.label("wait_vblank")
    a.op("ldh a,(n)", LY)
    a.op("cp n", 144)
    a.jr("jr c", "wait_vblank")
    a.op("xor a")
    a.op("ldh (n),a", LCDC)
    _fill(a, TILE_DATA, 0x2000, 0x00, "clear_vram")
    _fill(a, TILE_DATA + 16, 16, 0xFF, "tile_player")  # tile 1: solid black
    _fill(a, TILE_DATA + 32, 16, 0x0F, "tile_special")  # tile 2: stripes
    _fill(a, 0xC000, 0x1E00, 0x00, "clear_wram")
    _fill(a, 0xFF80, 0x7F, 0x00, "clear_hram")
    # init table: (lo, hi, value) triples ending with address 0
    a.op("ld hl,nn", INIT)
    a.label("init_loop")
    a.op("ld a,(hl+)")
    a.op("ld e,a")
    a.op("ld a,(hl+)")
    a.op("ld d,a")
    a.op("or e")
    a.jr("jr z", "init_done")
    a.op("ld a,(hl+)")
    a.op("ld (de),a")
    a.jr("jr", "init_loop")
    a.label("init_done")
    # draw every special tile of the table with tile 2
    a.op("ld hl,nn", world.TABLE)
    a.op("ld de,nn", world.BG_MAP)
    a.op("ld bc,nn", 32 * SCREEN_H)
    a.label("draw_loop")
    a.op("ld a,(hl+)")
    a.op("and a")
    a.jr("jr z", "draw_skip")
    a.op("ld a,n", 2)
    a.op("ld (de),a")
    a.label("draw_skip")
    a.op("inc de")
    a.op("dec bc")
    a.op("ld a,b")
    a.op("or c")
    a.jr("jr nz", "draw_loop")
    a.jp("call nn", "set_palette")
    a.op("ldh a,(n)", H_SCENE)  # in the intro the player appears when play starts
    a.op("cp n", ui.SCENE_NONE)
    a.jr("jr nz", "boot_lcd")
    a.jp("call nn", "draw_player")
    a.label("boot_lcd")
    a.op("ld a,n", 0x91)  # LCD on, BG on, tiles at 0x8000, map at 0x9800
    a.op("ldh (n),a", LCDC)


def _frame(a: Asm) -> None:
    """The per-frame main loop."""
    a.label("main")
    a.op("ldh a,(n)", LY)
    a.op("cp n", 144)
    a.jr("jr nz", "main")
    world.countdowns(a)
    world.read_input(a)
    a.op("ldh a,(n)", H_UI)
    a.op("and a")
    a.jp("jp nz,nn", "ui_frame")
    a.op("ldh a,(n)", H_SCENE)
    a.op("cp n", ui.SCENE_NONE)
    a.jp("jp nz,nn", "intro_frame")
    a.op("ld a,b")
    a.op("and n", 0xF0)  # the D-pad
    a.jp("jp z,nn", "end_frame")
    a.jp("call nn", "erase_player")
    world.move(a)
    a.jp("call nn", "draw_player")
    a.op("ld a,(hl)")
    world.effects(a)
    a.label("end_frame")
    a.op("ldh a,(n)", LY)
    a.op("cp n", 144)
    a.jr("jr z", "end_frame")
    a.jp("jp nn", "main")


def _init_table(intro: IntroSpec | None) -> bytes:
    """(addr lo, addr hi, value) triples the boot code writes; ends with address 0."""
    if intro is not None:  # WRAM stays clear: the intro's NEW GAME sets up the game
        items = [(0xFF00 | H_SCENE, 0), (0xFF00 | H_DELAY, ui.BOOT_DELAY)]
    else:
        mon = ram.W_PARTY_MONS
        items = [
            (0xFF00 | H_SCENE, ui.SCENE_NONE),
            (ram.W_X_COORD, START[0]),
            (ram.W_Y_COORD, START[1]),
            (ram.W_PARTY_COUNT, 1),
            (ram.W_PARTY_SPECIES, 1),
            (ram.W_PARTY_SPECIES + 1, 0xFF),
            (mon + ram.MON_SPECIES, 1),
            (mon + ram.MON_HP + 1, MAX_HP),
            (mon + ram.MON_LEVEL, 5),
            (mon + ram.MON_MAX_HP + 1, MAX_HP),
            (mon + ram.MON_TYPE1, 0x14),
            (mon + ram.MON_TYPE2, 0x14),
            (ram.W_PLAYER_MONEY + 1, 0x30),  # BCD 003000
            (ram.W_NUM_BAG_ITEMS, 1),
            (ram.W_BAG_ITEMS, 4),
            (ram.W_BAG_ITEMS + 1, 5),
            (ram.W_BAG_ITEMS + 2, 0xFF),
        ]
    out = bytearray()
    for addr, value in items:
        out += addr.to_bytes(2, "little") + bytes([value])
    return bytes(out + b"\x00\x00")


def build_test_rom(intro: IntroSpec | None = None) -> bytes:
    """The 32 KiB synthetic ROM image (see module docstring); ``intro`` boots it into
    the scripted intro (testrom_ui.IntroSpec) under a Pokémon title."""
    a = Asm(CODE)
    _boot(a)
    _frame(a)
    world.routines(a, ui.INTRO_START if intro is not None else START)
    ui.emit(a)
    code = a.assemble()
    if CODE + len(code) > world.TABLE:
        raise AssertionError("test ROM code overlaps its tables")
    rom = bytearray(0x8000)
    rom[0x100:0x104] = bytes([0x00, 0xC3, CODE & 0xFF, CODE >> 8])  # nop; jp CODE
    title = intro.title if intro is not None else TITLE
    rom[0x134 : 0x134 + len(title)] = title
    rom[0x147] = 0x00  # ROM only
    rom[0x148] = 0x00  # 32 KiB
    rom[0x149] = 0x00  # no cartridge RAM
    rom[CODE : CODE + len(code)] = code
    rom[world.TABLE : world.TABLE + 32 * SCREEN_H] = world.kind_table()
    init = _init_table(intro)
    if INIT + len(init) > ui.SCENES:
        raise AssertionError("test ROM init table overlaps the intro tables")
    rom[INIT : INIT + len(init)] = init
    for addr, blob in ui.tables(intro).items():
        rom[addr : addr + len(blob)] = blob
    rom[0x14D] = header_checksum(rom)
    return bytes(rom)


def header_checksum(rom: bytes) -> int:
    """The cartridge header checksum (byte 0x14D) over 0x134..0x14C."""
    x = 0
    for b in rom[0x134:0x14D]:
        x = (x - b - 1) & 0xFF
    return x


def write_test_rom(path: str | Path, intro: IntroSpec | None = None) -> Path:
    """Write the synthetic ROM to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(build_test_rom(intro))
    return path
