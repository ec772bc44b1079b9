"""The text rule on the synthetic ROM: text boxes and scripted scenes are pressed through
within the step; a menu is left to the policy."""

from __future__ import annotations

import pytest

from pocketrl.games.pokered import ram, textbox
from pocketrl.games.pokered.testrom import TILES

from .conftest import RIGHT, UP, A, B, make_env, walk


def path_to(tile: str) -> list[int]:
    """From START (2, 2): up to row 1, right along it, up onto the tile in row 0."""
    x, y = TILES[tile]
    assert y == 0
    return [UP] + [RIGHT] * (x - 2) + [UP]


def frames_of(env, action: int) -> int:
    pyboy = env.group.emulators[0].pyboy
    before = pyboy.frame_count
    walk(env, [action])
    return pyboy.frame_count - before


def box_open(env) -> bool:
    mem = env.group.emulators[0].mem
    return textbox.waiting_for_button(mem) or textbox.text_printing(mem)


@pytest.mark.parametrize("tile", ["TEXT", "SCENE"])
def test_rule_presses_through_text_boxes_and_scenes_within_the_step(test_rom, tile):
    env = make_env(test_rom)
    path = path_to(tile)
    walk(env, path[:-1])
    frames = frames_of(env, path[-1])
    cfg = env.config
    assert cfg.action_ticks < frames <= cfg.action_ticks + cfg.skip_while_ignored
    assert not box_open(env) and env.group.emulators[0].mem[ram.W_JOY_IGNORE] == 0
    x = env.group.emulators[0].read.x
    walk(env, [RIGHT])  # the player moves on the very next action
    assert env.group.emulators[0].read.x == x + 1
    env.close()


@pytest.mark.parametrize("tile", ["TEXT", "SCENE"])
def test_without_the_rule_text_waits_for_the_policys_a(test_rom, tile):
    env = make_env(test_rom, skip_while_ignored=0)
    walk(env, path_to(tile))
    emu = env.group.emulators[0]
    x = emu.read.x
    walk(env, [RIGHT] * 12)  # 12 actions of 24 frames: the box still waits, nobody moves
    assert box_open(env) and emu.read.x == x
    for _ in range(10):
        if not box_open(env):
            break
        walk(env, [A])
    assert not box_open(env)
    walk(env, [RIGHT])
    assert emu.read.x == x + 1
    env.close()


def test_rule_leaves_a_menu_to_the_policy(test_rom):
    env = make_env(test_rom)
    path = path_to("MENU")
    walk(env, path[:-1])
    assert frames_of(env, path[-1]) == env.config.action_ticks  # no press, no extra frame
    emu = env.group.emulators[0]
    assert textbox.menu_live(emu.mem)
    x = emu.read.x
    assert frames_of(env, RIGHT) == env.config.action_ticks
    assert textbox.menu_live(emu.mem) and emu.read.x == x  # the menu holds the player
    walk(env, [B])  # the policy closes it
    assert not textbox.waiting_for_button(emu.mem)
    walk(env, [RIGHT])
    assert emu.read.x == x + 1
    env.close()


def test_rule_is_bounded(test_rom):
    """A script that holds the joypad for good costs at most the bound per action."""
    env = make_env(test_rom, skip_while_ignored=48)
    emu = env.group.emulators[0]
    walk(env, [UP])
    emu.mem[ram.W_JOY_IGNORE] = 0xFF  # never cleared: nothing in the ROM ends it
    assert frames_of(env, RIGHT) == env.config.action_ticks + 48
    env.close()


def test_a_bound_below_one_block_is_refused(test_rom):
    with pytest.raises(ValueError, match="pokered.skip_while_ignored=10 .*action_ticks=24"):
        make_env(test_rom, skip_while_ignored=10)
