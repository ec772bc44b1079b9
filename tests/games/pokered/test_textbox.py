"""The RAM tests of text boxes and menus (textbox.py) on a plain 64 KiB memory image,
and the place of every address relative to the WRAM block (ram.py)."""

from __future__ import annotations

import pytest

from pocketrl.games.pokered import ram, textbox

CURSOR_AT = ram.W_TILE_MAP + 2 * 20 + 1  # where a menu's first item's cursor would be


@pytest.fixture
def mem():
    return bytearray(0x10000)


def put_cursor(mem, where: int) -> None:
    mem[ram.W_MENU_CURSOR_LOCATION] = where & 0xFF
    mem[ram.W_MENU_CURSOR_LOCATION + 1] = where >> 8
    if 0 <= where < len(mem):
        mem[where] = ram.CHAR_MENU_CURSOR


def test_nothing_waits_while_the_blink_counter_is_zero(mem):
    put_cursor(mem, CURSOR_AT)  # a stale cursor from a menu that has returned
    assert not textbox.waiting_for_button(mem)
    assert not textbox.menu_live(mem) and not textbox.text_waiting(mem)
    assert not textbox.needs_press(mem)


def test_a_wait_without_a_cursor_is_a_text_box(mem):
    mem[ram.H_DOWN_ARROW_BLINK_COUNT2] = 6
    assert textbox.text_waiting(mem) and not textbox.menu_live(mem)
    assert textbox.needs_press(mem)
    put_cursor(mem, CURSOR_AT)
    mem[CURSOR_AT] = 0x7F  # the screen was redrawn over the old cursor: still a text box
    assert textbox.text_waiting(mem)


def test_a_wait_with_the_cursor_in_place_is_a_menu(mem):
    mem[ram.H_DOWN_ARROW_BLINK_COUNT2] = 3
    put_cursor(mem, CURSOR_AT)
    assert textbox.menu_live(mem) and not textbox.text_waiting(mem)
    mem[ram.W_JOY_IGNORE] = 0xFF  # a live menu is left to the policy, script or not
    mem[ram.W_LETTER_PRINTING_DELAY_FLAGS] = 1 << ram.BIT_TEXT_DELAY
    assert not textbox.needs_press(mem)


def test_a_cursor_address_outside_the_tile_map_is_no_menu(mem):
    mem[ram.H_DOWN_ARROW_BLINK_COUNT2] = 6
    put_cursor(mem, ram.W_TILE_MAP + ram.TILE_MAP_BYTES)  # one past the end
    assert not textbox.menu_live(mem) and textbox.text_waiting(mem)


def test_printing_and_scripts_ask_for_presses(mem):
    mem[ram.W_LETTER_PRINTING_DELAY_FLAGS] = 0x01  # BIT_FAST_TEXT_DELAY: outside a text
    assert not textbox.text_printing(mem) and not textbox.needs_press(mem)
    mem[ram.W_LETTER_PRINTING_DELAY_FLAGS] = 0x03  # BIT_TEXT_DELAY set by the text engine
    assert textbox.text_printing(mem) and textbox.needs_press(mem)
    mem[ram.W_LETTER_PRINTING_DELAY_FLAGS] = 0x01
    mem[ram.W_JOY_IGNORE] = ram.PAD_UP | ram.PAD_DOWN
    assert textbox.needs_press(mem)


def test_the_wram_block_holds_every_wram_symbol_but_the_tile_map():
    names = [n for n in dir(ram) if n.startswith("W_") and n != "W_TILE_MAP"]
    assert names, "no W_ symbols"
    for name in names:
        assert ram.WRAM_BLOCK_START <= getattr(ram, name) < ram.WRAM_BLOCK_END, name
    assert ram.W_TILE_MAP < ram.WRAM_BLOCK_START
    assert ram.H_DOWN_ARROW_BLINK_COUNT2 >= 0xFF80  # HRAM
