"""Tests on the user's own Pokémon Red ROM; skipped unless POCKETRL_ROM is set."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pocketrl.games.pokered.config import PokeredConfig
from pocketrl.games.pokered.rom import POKEMON_RED_SHA1, check_rom

ROM = os.environ.get("POCKETRL_ROM", "")
pytestmark = pytest.mark.skipif(
    not ROM, reason="set POCKETRL_ROM=/path/to/pokemon_red.gb to run the real-ROM tests"
)

REDS_HOUSE_2F = 0x26  # map constant: where PyBoy's start_game leaves the player


def test_rom_hash_is_pokemon_red():
    _path, digest = check_rom(ROM)
    assert digest == POKEMON_RED_SHA1


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
