"""The Pokédex, museum-ticket and blackout rules of the reward tracker, on the synthetic
ROM (the tiles of testrom.py)."""

from __future__ import annotations

import pytest

from pocketrl.games.pokered import ram
from pocketrl.games.pokered.config import REWARD_COMPONENTS
from pocketrl.games.pokered.testrom import LAB_MAP, START, TILES

from .conftest import DOWN, LEFT, RIGHT, UP, make_env, walk


def total(steps, component: str) -> float:
    return sum(float(s[4][f"reward/{component}"][0]) for s in steps)


def row0(tile: str) -> list[int]:
    """From START: up to row 1, right along it, up onto ``tile`` in row 0."""
    x, y = TILES[tile]
    assert y == 0
    return [UP] + [RIGHT] * (x - START[0]) + [UP]


def test_dex_seen_and_owned_are_paid_once_per_species(env):
    w = env.config.rewards
    steps = walk(env, row0("DEX_SEEN"))
    assert steps[-1][4]["reward/dex_seen"][0] == pytest.approx(w.dex_seen)
    assert total(steps, "dex_owned") == 0.0
    steps = walk(env, [DOWN, RIGHT, RIGHT, UP])  # onto DEX_OWNED: a new species, caught
    assert steps[-1][4]["reward/dex_owned"][0] == pytest.approx(w.dex_owned)
    assert steps[-1][4]["reward/dex_seen"][0] == pytest.approx(w.dex_seen)  # seen too
    steps = walk(env, [DOWN, LEFT, LEFT, UP, DOWN, RIGHT, RIGHT, UP])  # both again
    assert total(steps, "dex_seen") == 0.0 and total(steps, "dex_owned") == 0.0
    for _obs, reward, _te, _tr, info in steps:
        assert reward == pytest.approx(sum(info[f"reward/{c}"] for c in REWARD_COMPONENTS))


def test_the_museum_ticket_is_not_an_event(env):
    steps = walk(env, row0("MUSEUM"))
    mem = env.group.emulators[0].mem
    assert mem[ram.W_EVENT_FLAGS + ram.MUSEUM_TICKET_BYTE] & ram.MUSEUM_TICKET_MASK
    assert total(steps, "event") == 0.0 and steps[-1][4]["events"][0] == 0


def test_blackout_is_paid_when_the_game_sends_the_party_to_wlastblackoutmap(test_rom):
    env = make_env(test_rom)
    emu = env.group.emulators[0]
    # through the door to map 1, onto CENTER (19, 1): map 1 becomes the blackout map
    walk(env, [RIGHT] * 3 + [UP] + [RIGHT] * 14)
    assert emu.read.map_id == 1 and emu.mem[ram.W_LAST_BLACKOUT_MAP] == 1
    walk(env, [LEFT] * 14 + [DOWN])  # back through the door to map 0
    fainted = walk(env, [LEFT] * 5)  # onto HURT (0, 2) on map 0: all fainted
    assert emu.read.fainted and emu.read.map_id == 0
    assert total(fainted, "blackout") == 0.0  # not yet: the game has not blacked out
    later = walk(env, [UP] * 4)  # the ROM blacks out 60 frames after the faint
    assert emu.read.map_id == 1 and not emu.read.fainted
    assert total(later, "blackout") == pytest.approx(-env.config.rewards.blackout)
    assert total(later, "heal") == 0.0  # the heal that comes with a blackout is free
    assert total(walk(env, [DOWN] * 4), "blackout") == 0.0  # once
    env.close()


def test_a_faint_where_the_game_does_not_black_out_costs_nothing(test_rom):
    """As losing to the rival in Oak's lab: fainted, healed there, then walking onto the
    wLastBlackoutMap map is no blackout."""
    env = make_env(test_rom)
    emu = env.group.emulators[0]
    steps = walk(env, [RIGHT] * 3 + [LEFT] * 5)  # map LAB_MAP, onto HURT
    assert emu.read.map_id == LAB_MAP and emu.read.fainted
    steps += walk(env, [DOWN] * 4)  # no blackout comes on this map
    assert emu.read.fainted and emu.read.map_id == LAB_MAP
    steps += walk(env, [UP] * 6 + [RIGHT])  # onto HEAL (1, 0)
    assert not emu.read.fainted
    steps += walk(env, [DOWN, DOWN] + [RIGHT] * 4)  # through the door to map 0
    assert emu.read.map_id == emu.mem[ram.W_LAST_BLACKOUT_MAP] == 0
    assert total(steps, "blackout") == 0.0
    env.close()
