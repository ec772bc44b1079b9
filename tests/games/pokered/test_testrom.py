"""The synthetic test ROM itself, driven through a bare PyBoy."""

from __future__ import annotations

import io

import numpy as np
import pytest

from pocketrl.games.pokered import ram
from pocketrl.games.pokered.emulator import new_pyboy
from pocketrl.games.pokered.testrom import (
    EVENT_A_BIT,
    EVENT_B_BIT,
    START,
    TILES,
    build_test_rom,
    header_checksum,
)


@pytest.fixture
def pyboy(test_rom):
    p = new_pyboy(str(test_rom))
    p.tick(119, False, False)
    p.tick(1, True, False)
    yield p
    p.stop(save=False)


def press(p, button):
    p.button_press(button)
    p.tick(8, False, False)
    p.button_release(button)
    p.tick(16, True, False)


def pos(p):
    return p.memory[ram.W_X_COORD], p.memory[ram.W_Y_COORD]


def test_header_is_valid_and_the_image_is_deterministic():
    rom = build_test_rom()
    assert len(rom) == 0x8000
    assert rom[0x14D] == header_checksum(rom)
    assert rom[0x147] == 0 and rom[0x148] == 0  # ROM only, 32 KiB
    assert build_test_rom() == rom


def test_boots_with_the_party_money_and_bag(pyboy):
    m = pyboy.memory
    assert pos(pyboy) == START and m[ram.W_CUR_MAP] == 0
    assert m[ram.W_PARTY_COUNT] == 1
    assert m[ram.W_PARTY_MONS + ram.MON_LEVEL] == 5
    assert m[ram.W_PLAYER_MONEY : ram.W_PLAYER_MONEY + 3] == [0x00, 0x30, 0x00]
    assert m[ram.W_NUM_BAG_ITEMS] == 1


def test_dpad_moves_one_tile_per_press_and_clamps(pyboy):
    press(pyboy, "down")
    assert pos(pyboy) == (START[0], START[1] + 1)
    press(pyboy, "up")
    press(pyboy, "up")
    press(pyboy, "up")
    assert pos(pyboy) == (START[0], 0)  # clamped at the top
    press(pyboy, "a")
    assert pos(pyboy) == (START[0], 0)


def test_door_badge_and_event_tiles(pyboy):
    m = pyboy.memory
    for _ in range(TILES["DOOR"][0] - START[0]):
        press(pyboy, "right")
    assert m[ram.W_CUR_MAP] == 1
    for _ in range(TILES["DOOR"][0] - START[0]):
        press(pyboy, "left")
    for _ in range(TILES["EVENT_B"][1] - START[1]):
        press(pyboy, "down")
    assert m[ram.W_OBTAINED_BADGES] == 1
    assert m[ram.W_EVENT_FLAGS + EVENT_A_BIT[0]] == EVENT_A_BIT[1]
    assert m[ram.W_EVENT_FLAGS + EVENT_B_BIT[0]] == EVENT_B_BIT[1]


def test_player_is_drawn_where_it_stands(pyboy):
    screen = pyboy.screen.ndarray[:, :, 0]
    x, y = START
    assert (screen[y * 8 : y * 8 + 8, x * 8 : x * 8 + 8] == 0).all()  # black tile
    assert screen[0:8, 8 * 10 : 8 * 11].min() == 255  # plain floor elsewhere
    press(pyboy, "right")
    assert screen[y * 8 : y * 8 + 8, x * 8 : x * 8 + 8].min() == 255
    assert (screen[y * 8 : y * 8 + 8, (x + 1) * 8 : (x + 2) * 8] == 0).all()


def test_save_state_round_trip(pyboy):
    f = io.BytesIO()
    pyboy.save_state(f)
    press(pyboy, "down")
    before = np.array(pyboy.screen.ndarray)
    pyboy.load_state(io.BytesIO(f.getvalue()))
    assert pos(pyboy) == START
    press(pyboy, "down")
    assert (pyboy.screen.ndarray == before).all()
