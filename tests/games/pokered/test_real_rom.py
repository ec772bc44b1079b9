"""Tests on the user's own Pokémon Red ROM; skipped unless POCKETRL_ROM is set."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pocketrl.games.pokered import ram, textbox
from pocketrl.games.pokered.config import PokeredConfig
from pocketrl.games.pokered.rom import POKEMON_RED_SHA1, check_rom

ROM = os.environ.get("POCKETRL_ROM", "")
pytestmark = pytest.mark.skipif(
    not ROM, reason="set POCKETRL_ROM=/path/to/pokemon_red.gb to run the real-ROM tests"
)

REDS_HOUSE_2F = ram.REDS_HOUSE_2F  # where pocketrl's intro walk leaves the player


def test_rom_hash_is_pokemon_red():
    _path, digest = check_rom(ROM)
    assert digest == POKEMON_RED_SHA1


def _name(mem, addr: int) -> bytes:
    raw = bytes(mem[addr : addr + ram.NAME_LENGTH])
    return raw.split(b"\x50")[0]  # up to the "@" terminator


def test_intro_walk_from_power_on_picks_red_and_blue():
    from pocketrl.games.pokered.emulator import new_pyboy
    from pocketrl.games.pokered.intro import walk_intro
    from pocketrl.games.pokered.testrom_ui import encode_name

    pyboy = new_pyboy(ROM)
    walk_intro(pyboy)
    mem = pyboy.memory
    assert mem[ram.W_CUR_MAP] == REDS_HOUSE_2F and mem[ram.W_PARTY_COUNT] == 0
    assert _name(mem, ram.W_PLAYER_NAME) == encode_name("RED").split(b"\x50")[0]
    assert _name(mem, ram.W_RIVAL_NAME) == encode_name("BLUE").split(b"\x50")[0]
    assert not textbox.needs_press(mem) and not textbox.waiting_for_button(mem)
    pyboy.stop(save=False)


@pytest.fixture(scope="module")
def real_env():
    from pocketrl.games.pokered.env import PokeredEnv

    env = PokeredEnv(1, PokeredConfig(rom=ROM, workers=0), seed=0)
    yield env
    env.close()


def test_start_state_is_in_the_players_room(real_env):
    obs = real_env.reset(0)
    assert obs["map_id"][0, 0] == REDS_HOUSE_2F
    assert obs["species"][0].sum() == 0  # no monster yet
    assert real_env.info["badges"][0] == 0


def test_steps_snapshot_and_restore(real_env):
    rng = np.random.default_rng(0)
    for _ in range(20):
        obs, reward, term, trunc, info = real_env.step(rng.integers(0, 4, 1))
        assert np.isfinite(reward).all() and not term[0]
    assert info["explored"][0] >= 1
    snap = real_env.snapshot([0])
    kept = {k: v.copy() for k, v in real_env.obs.items()}
    real_env.step(np.array([1]))
    real_env.restore([0], snap)
    for key, value in kept.items():
        assert (real_env.obs[key] == value).all(), key
