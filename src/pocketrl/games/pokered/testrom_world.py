"""The overworld of the synthetic test ROM (testrom.py): tiles, the player's move, what
each special tile does, the blackout; the table below is in testrom.py's docstring.

``TABLE`` holds one kind byte per tile of the 32-wide BG map (0 = floor).
"""

from __future__ import annotations

from . import ram
from . import testrom_ui as ui
from .testrom_asm import BGP, JOYP, Asm
from .testrom_ui import H_BLACKOUT, H_FREEZE, H_PREV

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
    "TEXT": (6, 0),
    "SCENE": (8, 0),
    "MENU": (12, 0),
    "DEX_SEEN": (14, 0),
    "DEX_OWNED": (16, 0),
    "MUSEUM": (18, 0),
    "CENTER": (19, 1),
}
KIND = {name: k + 1 for k, name in enumerate(TILES)}  # 0 = floor
EVENT_A_BIT = (0, 0x01)  # (byte offset in wEventFlags, mask)
EVENT_B_BIT = (10, 0x08)
DEX_SEEN_BIT = (0, 0x02)  # (byte offset in wPokedexSeen, mask): species 2
DEX_OWNED_BIT = (0, 0x04)  # species 3, owned and seen
FREEZE_FRAMES = 60
BLACKOUT_FRAMES = 60
LAB_MAP = 1  # the map where a fainted party does not black out (as in Oak's lab)
TEXT_PAGES, SCENE_PAGES = 3, 2
SCENE_IGNORE = 0xFC  # PAD_SELECT | PAD_START | PAD_CTRL_PAD
SCREEN_W, SCREEN_H = 20, 18
TABLE, BG_MAP = 0x1000, 0x9800  # the kind table in ROM; the BG tile map in VRAM


def read_input(a: Asm) -> None:
    """c = buttons held, b = newly pressed, both in pokered's order (ram.PAD_*) and
    without the bits ``wJoyIgnore`` masks."""
    a.op("ld a,n", 0x20)  # the D-pad: right, left, up, down in bits 0..3
    a.op("ldh (n),a", JOYP)
    a.op("ldh a,(n)", JOYP)
    a.op("ldh a,(n)", JOYP)
    a.op("cpl")
    a.op("and n", 0x0F)
    a.op("swap a")
    a.op("ld c,a")
    a.op("ld a,n", 0x10)  # the buttons: A, B, SELECT, START in bits 0..3
    a.op("ldh (n),a", JOYP)
    a.op("ldh a,(n)", JOYP)
    a.op("ldh a,(n)", JOYP)
    a.op("cpl")
    a.op("and n", 0x0F)
    a.op("or c")
    a.op("ld c,a")
    a.op("ld a,n", 0x30)
    a.op("ldh (n),a", JOYP)
    a.op("ld a,(nn)", ram.W_JOY_IGNORE)
    a.op("cpl")
    a.op("and c")
    a.op("ld c,a")
    a.op("ldh a,(n)", H_PREV)
    a.op("cpl")
    a.op("and c")
    a.op("ld b,a")
    a.op("ld a,c")
    a.op("ldh (n),a", H_PREV)


def move(a: Asm) -> None:
    """Apply the directions in b to wXCoord/wYCoord, clamped to the screen."""
    for bit, addr, step, limit, tag in [
        (ram.PAD_RIGHT, ram.W_X_COORD, +1, SCREEN_W - 1, "right"),
        (ram.PAD_LEFT, ram.W_X_COORD, -1, 0, "left"),
        (ram.PAD_UP, ram.W_Y_COORD, -1, 0, "up"),
        (ram.PAD_DOWN, ram.W_Y_COORD, +1, SCREEN_H - 1, "down"),
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


def effects(a: Asm) -> None:
    """Do what the tile under the player (kind in a, from the table) says; each case
    ends at ``effects_done`` (the routines it calls do not keep c)."""
    a.op("ld c,a")
    a.op("xor a")
    a.op("ld (nn),a", ram.W_IS_IN_BATTLE)

    def case(kind: str) -> None:
        a.op("ld a,c")
        a.op("cp n", KIND[kind])
        a.jp("jp nz,nn", f"not_{kind}")

    def done(kind: str) -> None:
        a.jp("jp nn", "effects_done")
        a.label(f"not_{kind}")

    case("DOOR")
    a.op("ld a,(nn)", ram.W_CUR_MAP)
    a.op("xor n", 1)
    a.op("ld (nn),a", ram.W_CUR_MAP)
    a.jp("call nn", "set_palette")
    done("DOOR")
    for kind, writes in [
        ("BADGE", [(ram.W_OBTAINED_BADGES, 0x01)]),
        ("EVENT_A", [(ram.W_EVENT_FLAGS + EVENT_A_BIT[0], EVENT_A_BIT[1])]),
        ("EVENT_B", [(ram.W_EVENT_FLAGS + EVENT_B_BIT[0], EVENT_B_BIT[1])]),
        ("DEX_SEEN", [(ram.W_POKEDEX_SEEN + DEX_SEEN_BIT[0], DEX_SEEN_BIT[1])]),
        (
            "DEX_OWNED",
            [
                (ram.W_POKEDEX_OWNED + DEX_OWNED_BIT[0], DEX_OWNED_BIT[1]),
                (ram.W_POKEDEX_SEEN + DEX_OWNED_BIT[0], DEX_OWNED_BIT[1]),
            ],
        ),
        ("MUSEUM", [(ram.W_EVENT_FLAGS + ram.MUSEUM_TICKET_BYTE, ram.MUSEUM_TICKET_MASK)]),
    ]:
        case(kind)
        for addr, mask in writes:
            a.op("ld a,(nn)", addr)
            a.op("or n", mask)
            a.op("ld (nn),a", addr)
        done(kind)
    hp = ram.W_PARTY_MONS + ram.MON_HP
    case("HURT")
    a.op("xor a")
    a.op("ld (nn),a", hp)
    a.op("ld (nn),a", hp + 1)
    a.op("ld a,(nn)", ram.W_CUR_MAP)
    a.op("cp n", LAB_MAP)
    a.jp("jp z,nn", "effects_done")
    a.op("ld a,n", BLACKOUT_FRAMES)
    a.op("ldh (n),a", H_BLACKOUT)
    done("HURT")
    case("HEAL")
    a.jp("call nn", "heal")
    done("HEAL")
    level = ram.W_PARTY_MONS + ram.MON_LEVEL
    case("LEVEL")
    a.op("ld a,(nn)", level)
    a.op("inc a")
    a.op("ld (nn),a", level)
    done("LEVEL")
    case("BATTLE")
    a.op("ld a,n", 1)
    a.op("ld (nn),a", ram.W_IS_IN_BATTLE)
    done("BATTLE")
    case("FREEZE")
    a.op("ld a,n", 0xFF)
    a.op("ld (nn),a", ram.W_JOY_IGNORE)
    a.op("ld a,n", FREEZE_FRAMES)
    a.op("ldh (n),a", H_FREEZE)
    done("FREEZE")
    case("CENTER")
    a.op("ld a,(nn)", ram.W_CUR_MAP)
    a.op("ld (nn),a", ram.W_LAST_BLACKOUT_MAP)
    done("CENTER")
    case("TEXT")
    a.op("ld a,n", TEXT_PAGES)
    a.jp("call nn", "open_text")
    done("TEXT")
    case("SCENE")
    a.op("ld a,n", SCENE_IGNORE)
    a.op("ld (nn),a", ram.W_JOY_IGNORE)
    a.op("ld a,n", SCENE_PAGES)
    a.jp("call nn", "open_text")
    done("SCENE")
    case("MENU")
    a.op("ld a,n", ui.MENU_OVERWORLD)
    a.jp("call nn", "open_menu")
    done("MENU")
    a.label("effects_done")


def countdowns(a: Asm) -> None:
    """The freeze (clears wJoyIgnore at its end) and the blackout (``blackout`` at 0)."""
    a.op("ldh a,(n)", H_FREEZE)
    a.op("and a")
    a.jr("jr z", "no_freeze")
    a.op("dec a")
    a.op("ldh (n),a", H_FREEZE)
    a.jr("jr nz", "no_freeze")
    a.op("ld (nn),a", ram.W_JOY_IGNORE)
    a.label("no_freeze")
    a.op("ldh a,(n)", H_BLACKOUT)
    a.op("and a")
    a.jr("jr z", "no_blackout")
    a.op("dec a")
    a.op("ldh (n),a", H_BLACKOUT)
    a.jr("jr nz", "no_blackout")
    a.jp("call nn", "blackout")
    a.label("no_blackout")


def routines(a: Asm, start: tuple[int, int]) -> None:
    """offset, draw_player, erase_player, set_palette, heal, blackout."""
    a.label("offset")  # hl = TABLE + y*32 + x and de = BG_MAP + y*32 + x
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

    a.label("draw_player")  # the player's tile; hl = its table entry
    a.jp("call nn", "offset")
    a.op("ld a,n", 1)
    a.op("ld (de),a")
    a.op("ret")

    a.label("erase_player")  # floor (tile 0) or special (tile 2), as the table says
    a.jp("call nn", "offset")
    a.op("ld a,(hl)")
    a.op("and a")
    a.jr("jr z", "erase")
    a.op("ld a,n", 2)
    a.label("erase")
    a.op("ld (de),a")
    a.op("ret")

    a.label("set_palette")  # even maps light, odd maps dark
    a.op("ld a,(nn)", ram.W_CUR_MAP)
    a.op("and n", 1)
    a.op("ld a,n", 0xE4)
    a.jr("jr z", "palette")
    a.op("ld a,n", 0x1B)
    a.label("palette")
    a.op("ldh (n),a", BGP)
    a.op("ret")

    hp, max_hp = ram.W_PARTY_MONS + ram.MON_HP, ram.W_PARTY_MONS + ram.MON_MAX_HP
    a.label("heal")
    a.op("ld a,(nn)", max_hp)
    a.op("ld (nn),a", hp)
    a.op("ld a,(nn)", max_hp + 1)
    a.op("ld (nn),a", hp + 1)
    a.op("ret")

    a.label("blackout")  # healed and sent to wLastBlackoutMap, at the start tile
    a.jp("call nn", "erase_player")
    a.jp("call nn", "heal")
    a.op("ld a,n", start[0])
    a.op("ld (nn),a", ram.W_X_COORD)
    a.op("ld a,n", start[1])
    a.op("ld (nn),a", ram.W_Y_COORD)
    a.op("ld a,(nn)", ram.W_LAST_BLACKOUT_MAP)
    a.op("ld (nn),a", ram.W_CUR_MAP)
    a.jp("call nn", "set_palette")
    a.jp("jp nn", "draw_player")


def kind_table() -> bytes:
    table = bytearray(32 * SCREEN_H)
    for name, (x, y) in TILES.items():
        table[y * 32 + x] = KIND[name]
    return bytes(table)
