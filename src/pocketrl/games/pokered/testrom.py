"""A tiny synthetic Game Boy program, assembled byte by byte, that stands in for the ROM.

It is written for this project (not derived from any game) so that the whole pokered
adapter can be tested without a cartridge dump. It keeps its state at the pokered RAM
addresses (see ``ram.py``), so the adapter reads it exactly as it reads Pokémon Red:

- The player is a black tile on a 20 x 18 tile screen; ``wXCoord``/``wYCoord`` hold its
  position. Each new press of a D-pad direction moves it one tile (edge-triggered, so one
  action of the env is one step), clamped to the screen. ``START (2, 2)``, ``wCurMap`` 0.
- Special tiles (drawn with a striped pattern) do something when the player walks on:

  ====================  ========  ==============================================
  kind                  (x, y)    effect
  ====================  ========  ==============================================
  ``DOOR``              (5, 2)    ``wCurMap ^= 1`` and the palette flips
  ``BADGE``             (2, 5)    ``wObtainedBadges |= 1``
  ``EVENT_A``           (2, 7)    ``wEventFlags[0] |= 0x01``
  ``EVENT_B``           (2, 8)    ``wEventFlags[10] |= 0x08``
  ``HURT``              (0, 2)    party monster 1's HP = 0 (all fainted)
  ``HEAL``              (1, 0)    party monster 1's HP = max HP
  ``LEVEL``             (4, 0)    party monster 1's level + 1
  ``BATTLE``            (4, 4)    ``wIsInBattle`` = 1 while standing there
  ``FREEZE``            (6, 6)    ``wJoyIgnore`` = 0xFF for 60 frames (input ignored)
  ====================  ========  ==============================================

- A party of one (species 1, level 5, HP 20/20), 3000 money and one bag item are set at
  boot, so party, money and bag reads have something to see.

The main loop runs once per frame at the start of VBlank: read the joypad, move, apply
the tile's effect, redraw the player. ``build_test_rom()`` returns the 32 KiB image with a
valid header checksum (PyBoy's boot ROM does not check the logo).
"""

from __future__ import annotations

from pathlib import Path

from . import ram

START = (2, 2)
TILES = {
    "DOOR": (5, 2),
    "BADGE": (2, 5),
    "EVENT_A": (2, 7),
    "EVENT_B": (2, 8),
    "HURT": (0, 2),
    "HEAL": (1, 0),
    "LEVEL": (4, 0),
    "BATTLE": (4, 4),
    "FREEZE": (6, 6),
}
KIND = {name: k + 1 for k, name in enumerate(TILES)}  # 0 = floor
EVENT_A_BIT = (0, 0x01)  # (byte offset in wEventFlags, mask)
EVENT_B_BIT = (10, 0x08)
FREEZE_FRAMES = 60
SCREEN_W, SCREEN_H = 20, 18
TITLE = b"POCKETRL TEST"
MAX_HP = 20

# hardware registers and HRAM variables of the program
LY, LCDC, BGP, JOYP = 0x44, 0x40, 0x47, 0x00
H_PREV, H_FREEZE = 0x80, 0x81  # ldh offsets (0xFF80, 0xFF81)
CODE, TABLE, INIT = 0x150, 0x1000, 0x1400
TILE_DATA, BG_MAP = 0x8000, 0x9800

# one-byte opcodes and opcodes with an 8-bit (n) or 16-bit (nn) immediate
OPS = {
    "nop": 0x00, "di": 0xF3, "ret": 0xC9, "cpl": 0x2F, "xor a": 0xAF, "and a": 0xA7,
    "or b": 0xB0, "or c": 0xB1, "or e": 0xB3, "and b": 0xA0, "inc a": 0x3C, "dec a": 0x3D,
    "dec b": 0x05, "inc de": 0x13, "dec bc": 0x0B, "inc h": 0x24, "add a,l": 0x85,
    "add hl,hl": 0x29, "add hl,de": 0x19, "ld (hl+),a": 0x22, "ld a,(hl+)": 0x2A,
    "ld (hl),a": 0x77, "ld a,(hl)": 0x7E, "ld (de),a": 0x12, "ld l,a": 0x6F, "ld a,l": 0x7D,
    "ld a,b": 0x78, "ld b,a": 0x47, "ld d,h": 0x54, "ld e,l": 0x5D, "ld e,a": 0x5F,
    "ld d,a": 0x57, "ld a,e": 0x7B, "ld c,a": 0x4F, "ld a,c": 0x79, "push de": 0xD5,
    "pop de": 0xD1, "ld a,d": 0x7A,
    "ldh (n),a": 0xE0, "ldh a,(n)": 0xF0, "ld a,n": 0x3E, "ld b,n": 0x06, "ld h,n": 0x26,
    "and n": 0xE6, "or n": 0xF6, "xor n": 0xEE, "cp n": 0xFE, "ld (hl),n": 0x36,
    "jp nn": 0xC3, "jp z,nn": 0xCA, "call nn": 0xCD, "ld sp,nn": 0x31, "ld hl,nn": 0x21,
    "ld de,nn": 0x11, "ld bc,nn": 0x01, "ld (nn),a": 0xEA, "ld a,(nn)": 0xFA,
}  # fmt: skip
JR = {"jr": 0x18, "jr nz": 0x20, "jr z": 0x28, "jr nc": 0x30, "jr c": 0x38}


class Asm:
    """A minimal SM83 assembler: ``op`` emits an instruction, ``jr``/``jp`` take labels."""

    def __init__(self, origin: int):
        self.origin, self.code = origin, bytearray()
        self.labels: dict[str, int] = {}
        self.fixups: list[tuple[int, str, str]] = []  # (offset, label, kind)

    @property
    def here(self) -> int:
        return self.origin + len(self.code)

    def label(self, name: str) -> None:
        self.labels[name] = self.here

    def op(self, name: str, arg: int | None = None) -> None:
        self.code.append(OPS[name])
        operands = name.split(" ", 1)[1].split(",") if " " in name else []
        if "nn" in operands or "(nn)" in operands:
            self.code += int(arg).to_bytes(2, "little")
        elif "n" in operands or "(n)" in operands:
            self.code.append(int(arg) & 0xFF)

    def jr(self, cond: str, target: str) -> None:
        self.code += bytes([JR[cond], 0])
        self.fixups.append((len(self.code) - 1, target, "rel"))

    def jp(self, name: str, target: str) -> None:
        self.code += bytes([OPS[name], 0, 0])
        self.fixups.append((len(self.code) - 2, target, "abs"))

    def assemble(self) -> bytes:
        for off, target, kind in self.fixups:
            addr = self.labels[target]
            if kind == "abs":
                self.code[off : off + 2] = addr.to_bytes(2, "little")
            else:
                delta = addr - (self.origin + off + 1)
                if not -128 <= delta <= 127:
                    raise ValueError(f"jr to {target} out of range ({delta})")
                self.code[off] = delta & 0xFF
        return bytes(self.code)


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
    a.op("ld hl,nn", TABLE)
    a.op("ld de,nn", BG_MAP)
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
    a.op("ld a,n", 0xE4)
    a.op("ldh (n),a", BGP)
    a.jp("call nn", "offset")  # de = the player's cell on the BG map
    a.op("ld a,n", 1)
    a.op("ld (de),a")
    a.op("ld a,n", 0x91)  # LCD on, BG on, tiles at 0x8000, map at 0x9800
    a.op("ldh (n),a", LCDC)


def _read_input(a: Asm) -> None:
    """b = newly pressed directions (bit0 right, 1 left, 2 up, 3 down); 0 while frozen."""
    a.op("ld a,n", 0x20)
    a.op("ldh (n),a", JOYP)
    a.op("ldh a,(n)", JOYP)
    a.op("ldh a,(n)", JOYP)
    a.op("cpl")
    a.op("and n", 0x0F)
    a.op("ld c,a")  # c = held now
    a.op("ld a,(nn)", ram.W_JOY_IGNORE)
    a.op("and a")
    a.jr("jr z", "input_live")
    a.op("ld a,n", 0)
    a.op("ld c,a")
    a.label("input_live")
    a.op("ldh a,(n)", H_PREV)
    a.op("cpl")
    a.op("and n", 0x0F)
    a.op("ld b,a")
    a.op("ld a,c")
    a.op("ldh (n),a", H_PREV)
    a.op("and b")
    a.op("ld b,a")


def _move(a: Asm) -> None:
    """Apply the directions in b to wXCoord/wYCoord, clamped to the screen."""
    for bit, addr, step, limit, tag in [
        (0x01, ram.W_X_COORD, +1, SCREEN_W - 1, "right"),
        (0x02, ram.W_X_COORD, -1, 0, "left"),
        (0x04, ram.W_Y_COORD, -1, 0, "up"),
        (0x08, ram.W_Y_COORD, +1, SCREEN_H - 1, "down"),
    ]:
        a.op("ld a,b")
        a.op("and n", bit)
        a.jr("jr z", f"skip_{tag}")
        a.op("ld a,(nn)", addr)
        a.op("cp n", limit)
        a.jr("jr z", f"skip_{tag}")
        a.op("inc a" if step > 0 else "dec a")
        a.op("ld (nn),a", addr)
        a.label(f"skip_{tag}")


def _effects(a: Asm) -> None:
    """Do what the tile under the player (kind in a, from the table) says."""
    a.op("ld c,a")
    a.op("xor a")
    a.op("ld (nn),a", ram.W_IS_IN_BATTLE)

    def case(kind: str) -> None:
        a.op("ld a,c")
        a.op("cp n", KIND[kind])
        a.jr("jr nz", f"not_{kind}")

    case("DOOR")
    a.op("ld a,(nn)", ram.W_CUR_MAP)
    a.op("xor n", 1)
    a.op("ld (nn),a", ram.W_CUR_MAP)
    a.op("ld a,(nn)", ram.W_CUR_MAP)
    a.op("and a")
    a.op("ld a,n", 0xE4)
    a.jr("jr z", "door_pal")
    a.op("ld a,n", 0x1B)
    a.label("door_pal")
    a.op("ldh (n),a", BGP)
    a.label("not_DOOR")
    for kind, addr, mask in [
        ("BADGE", ram.W_OBTAINED_BADGES, 0x01),
        ("EVENT_A", ram.W_EVENT_FLAGS + EVENT_A_BIT[0], EVENT_A_BIT[1]),
        ("EVENT_B", ram.W_EVENT_FLAGS + EVENT_B_BIT[0], EVENT_B_BIT[1]),
    ]:
        case(kind)
        a.op("ld a,(nn)", addr)
        a.op("or n", mask)
        a.op("ld (nn),a", addr)
        a.label(f"not_{kind}")
    hp, max_hp = ram.W_PARTY_MONS + ram.MON_HP, ram.W_PARTY_MONS + ram.MON_MAX_HP
    case("HURT")
    a.op("xor a")
    a.op("ld (nn),a", hp)
    a.op("ld (nn),a", hp + 1)
    a.label("not_HURT")
    case("HEAL")
    a.op("ld a,(nn)", max_hp)
    a.op("ld (nn),a", hp)
    a.op("ld a,(nn)", max_hp + 1)
    a.op("ld (nn),a", hp + 1)
    a.label("not_HEAL")
    level = ram.W_PARTY_MONS + ram.MON_LEVEL
    case("LEVEL")
    a.op("ld a,(nn)", level)
    a.op("inc a")
    a.op("ld (nn),a", level)
    a.label("not_LEVEL")
    case("BATTLE")
    a.op("ld a,n", 1)
    a.op("ld (nn),a", ram.W_IS_IN_BATTLE)
    a.label("not_BATTLE")
    case("FREEZE")
    a.op("ld a,n", 0xFF)
    a.op("ld (nn),a", ram.W_JOY_IGNORE)
    a.op("ld a,n", FREEZE_FRAMES)
    a.op("ldh (n),a", H_FREEZE)
    a.label("not_FREEZE")


def _frame(a: Asm) -> None:
    """The per-frame main loop."""
    a.label("main")
    a.op("ldh a,(n)", LY)
    a.op("cp n", 144)
    a.jr("jr nz", "main")
    # count the freeze down; clear wJoyIgnore when it ends
    a.op("ldh a,(n)", H_FREEZE)
    a.op("and a")
    a.jr("jr z", "no_freeze")
    a.op("dec a")
    a.op("ldh (n),a", H_FREEZE)
    a.jr("jr nz", "no_freeze")
    a.op("ld (nn),a", ram.W_JOY_IGNORE)
    a.label("no_freeze")
    _read_input(a)
    a.op("ld a,b")
    a.op("and a")
    a.jp("jp z,nn", "end_frame")
    # erase the player: the table says floor (tile 0) or special (tile 2)
    a.jp("call nn", "offset")
    a.op("ld a,(hl)")
    a.op("and a")
    a.jr("jr z", "erase")
    a.op("ld a,n", 2)
    a.label("erase")
    a.op("ld (de),a")
    _move(a)
    a.jp("call nn", "offset")
    a.op("ld a,n", 1)
    a.op("ld (de),a")
    a.op("ld a,(hl)")
    _effects(a)
    a.label("end_frame")
    a.op("ldh a,(n)", LY)
    a.op("cp n", 144)
    a.jr("jr z", "end_frame")
    a.jp("jp nn", "main")


def _offset_routine(a: Asm) -> None:
    """``offset``: hl = TABLE + y*32 + x and de = BG_MAP + y*32 + x."""
    a.label("offset")
    a.op("ld a,(nn)", ram.W_Y_COORD)
    a.op("ld l,a")
    a.op("ld h,n", 0)
    for _ in range(5):
        a.op("add hl,hl")
    a.op("ld a,(nn)", ram.W_X_COORD)
    a.op("add a,l")
    a.op("ld l,a")
    a.jr("jr nc", "offset_nc")
    a.op("inc h")
    a.label("offset_nc")
    a.op("ld d,h")
    a.op("ld e,l")  # de = off (< 0x400)
    a.op("push de")
    a.op("ld de,nn", TABLE)
    a.op("add hl,de")  # hl = TABLE + off
    a.op("pop de")
    a.op("ld a,d")
    a.op("or n", BG_MAP >> 8)  # off < 0x400 and BG_MAP = 0x9800: or-ing sets the high byte
    a.op("ld d,a")
    a.op("ret")


def _init_table() -> bytes:
    """(addr lo, addr hi, value) triples the boot code writes; ends with address 0."""
    mon = ram.W_PARTY_MONS
    items = [
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


def _kind_table() -> bytes:
    table = bytearray(32 * SCREEN_H)
    for name, (x, y) in TILES.items():
        table[y * 32 + x] = KIND[name]
    return bytes(table)


def build_test_rom() -> bytes:
    """The 32 KiB synthetic ROM image (see module docstring)."""
    a = Asm(CODE)
    _boot(a)
    _frame(a)
    _offset_routine(a)
    code = a.assemble()
    if CODE + len(code) > TABLE:
        raise AssertionError("test ROM code overlaps its tables")
    rom = bytearray(0x8000)
    rom[0x100:0x104] = bytes([0x00, 0xC3, CODE & 0xFF, CODE >> 8])  # nop; jp CODE
    rom[0x134 : 0x134 + len(TITLE)] = TITLE
    rom[0x147] = 0x00  # ROM only
    rom[0x148] = 0x00  # 32 KiB
    rom[0x149] = 0x00  # no cartridge RAM
    rom[CODE : CODE + len(code)] = code
    rom[TABLE : TABLE + 32 * SCREEN_H] = _kind_table()
    init = _init_table()
    rom[INIT : INIT + len(init)] = init
    rom[0x14D] = header_checksum(rom)
    return bytes(rom)


def header_checksum(rom: bytes) -> int:
    """The cartridge header checksum (byte 0x14D) over 0x134..0x14C."""
    x = 0
    for b in rom[0x134:0x14D]:
        x = (x - b - 1) & 0xFF
    return x


def write_test_rom(path: str | Path) -> Path:
    """Write the synthetic ROM to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(build_test_rom())
    return path
