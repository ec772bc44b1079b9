"""pocketrl's intro walk (intro.py) on the synthetic ROM's scripted intro."""

from __future__ import annotations

import numpy as np
import pytest

from pocketrl.games.pokered import intro, ram
from pocketrl.games.pokered.emulator import new_pyboy
from pocketrl.games.pokered.rom import RomError, cache_path
from pocketrl.games.pokered.testrom import IntroSpec, write_test_rom
from pocketrl.games.pokered.testrom_ui import INTRO_START, STAND_IN_NAMES, encode_name

from .conftest import DOWN, make_env


def walked(tmp_path, spec: IntroSpec):
    """A bare PyBoy on the intro ROM ``spec`` after the walk (the caller stops it)."""
    pyboy = new_pyboy(str(write_test_rom(tmp_path / "intro.gb", spec)))
    try:
        intro.walk_intro(pyboy)
    except Exception:
        pyboy.stop(save=False)
        raise
    return pyboy


def name_at(mem, addr: int) -> bytes:
    return bytes(mem[addr : addr + ram.NAME_LENGTH])


@pytest.mark.parametrize(
    "spec",
    [IntroSpec(), IntroSpec(title=b"POKEMON BLUE"), IntroSpec(save_file=True)],
    ids=["red", "blue", "red-with-save-file"],
)
def test_walk_reaches_the_bedroom_with_the_first_default_names(tmp_path, spec):
    pyboy = walked(tmp_path, spec)
    mem = pyboy.memory
    assert mem[ram.W_CUR_MAP] == ram.REDS_HOUSE_2F and mem[ram.W_PARTY_COUNT] == 0
    assert (mem[ram.W_X_COORD], mem[ram.W_Y_COORD]) == INTRO_START
    player, rival = spec.names()  # Red's RED/BLUE, Blue's BLUE/RED: picked by place
    assert name_at(mem, ram.W_PLAYER_NAME) == encode_name(player[0])
    assert name_at(mem, ram.W_RIVAL_NAME) == encode_name(rival[0])
    assert mem[ram.W_STATUS_FLAGS6] >> ram.BIT_GAME_TIMER_COUNTING & 1
    assert pyboy.frame_count <= intro.MAX_FRAMES
    pyboy.button_press("down")  # and the player can move
    pyboy.tick(8, False, False)
    pyboy.button_release("down")
    pyboy.tick(8, False, False)
    assert mem[ram.W_Y_COORD] == INTRO_START[1] + 1
    pyboy.stop(save=False)


def test_walk_is_deterministic(tmp_path):
    states = []
    for _ in range(2):
        pyboy = walked(tmp_path, IntroSpec())
        states.append((pyboy.frame_count, bytes(pyboy.memory[0xC000:0xE000])))
        pyboy.stop(save=False)
    assert states[0] == states[1]


@pytest.mark.parametrize(
    ("hang_at", "step"),
    [
        ("main menu", "1/8 'title screen'"),
        ("player's name", "3/8 'Oak's speech'"),
        ("rival's name", "5/8 'Oak's speech about the rival'"),
        ("end of Oak's speech", "7/8 'end of Oak's speech'"),
    ],
)
def test_walk_names_the_step_where_it_stopped(tmp_path, hang_at, step):
    with pytest.raises(intro.IntroError) as e:
        walked(tmp_path, IntroSpec(hang_at=hang_at))
    msg = str(e.value)
    assert f"step {step}" in msg and "--state FILE" in msg and "wCurMap=" in msg
    assert isinstance(e.value, RomError)


def test_a_player_name_left_as_the_stand_in_is_not_taken_for_chosen(tmp_path):
    """The naming steps end on a changed name: NEW GAME wrote stand-ins first."""
    pyboy = walked(tmp_path, IntroSpec())
    assert name_at(pyboy.memory, ram.W_PLAYER_NAME) != encode_name(STAND_IN_NAMES[0])
    pyboy.stop(save=False)


def test_env_makes_its_start_state_with_the_walk_and_caches_it(tmp_path):
    rom = write_test_rom(tmp_path / "red.gb", IntroSpec())
    env = make_env(rom)
    obs = env.reset(0)
    assert obs["map_id"][0, 0] == ram.REDS_HOUSE_2F
    assert obs["species"][0].tolist() == [0] * 7 and obs["state"][0, 35] == 0.0
    assert cache_path(rom).is_file()
    obs, *_ = env.step(np.array([DOWN]))
    assert env.group.emulators[0].read.y == INTRO_START[1] + 1
    env.close()
    again = make_env(rom)  # from the cache: the same start
    assert again.reset(0)["map_id"][0, 0] == ram.REDS_HOUSE_2F
    assert again.group.emulators[0].read.y == INTRO_START[1]
    again.close()


def test_env_error_names_the_step_and_the_state_flag(tmp_path):
    rom = write_test_rom(tmp_path / "stuck.gb", IntroSpec(hang_at="rival's name"))
    with pytest.raises(RomError, match="step 5/8 'Oak's speech about the rival'.*--state"):
        make_env(rom)
    assert not cache_path(rom).exists()
