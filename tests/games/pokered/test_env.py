"""PokeredEnv on the synthetic ROM: observations, RAM reads, each reward, autoreset."""

from __future__ import annotations

import io

import numpy as np
import pytest

from pocketrl.games import make_game
from pocketrl.games.contract import BatchedGame
from pocketrl.games.pokered import ram
from pocketrl.games.pokered.config import REWARD_COMPONENTS
from pocketrl.games.pokered.env import OBS_SPEC
from pocketrl.games.pokered.testrom import MAX_HP, START

from .conftest import DOWN, LEFT, RIGHT, UP, make_env, walk


def test_contract_attributes_and_obs_shapes(env):
    assert isinstance(env, BatchedGame)
    assert env.num_actions == 7
    assert env.milestones == [f"badge_{k}" for k in range(1, 9)] + ["champion"]
    obs = env.reset(0)
    for key, (shape, dtype) in OBS_SPEC.items():
        assert obs[key].shape == (1, *shape) and obs[key].dtype == dtype
    assert set(env.obs_vocab) <= set(OBS_SPEC)


def test_start_observation_reads_the_ram(env):
    obs = env.reset(0)
    assert obs["map_id"][0, 0] == 0
    assert obs["species"][0].tolist() == [1, 0, 0, 0, 0, 0, 0]
    assert obs["visited"][0].sum() == 1 and obs["visited"][0, 4, 4] == 1
    s = obs["state"][0]
    assert s[:8].sum() == 0  # no badges
    assert s[8] == pytest.approx(0.05)  # level 5 / 100
    assert s[14] == pytest.approx(1.0)  # full HP
    fire = 20 + ram.TYPE_IDS.index(0x14)
    assert s[fire] == 1.0 and s[20:35].sum() == 1.0
    assert s[35] == pytest.approx(1 / 6)  # one monster
    assert s[37] == pytest.approx(np.log10(3001) / 6)  # money 3000
    assert s[38] == pytest.approx(1 / 20)  # one bag item
    assert s[39] == 1.0  # not in battle
    screen = obs["screen"][0]
    x, y = START
    assert (screen[y * 4 : y * 4 + 4, x * 4 : x * 4 + 4] == 0).all()  # the player, black
    assert screen.max() == 255


def test_explore_reward_and_visited_window(env):
    ((obs, reward, *_rest, info),) = walk(env, [RIGHT])
    w = env.config.rewards.explore
    assert reward[0] == pytest.approx(w) and info["reward/explore"][0] == pytest.approx(w)
    assert obs["visited"][0, 4, 3] == 1 and obs["visited"][0, 4, 4] == 1
    ((obs, reward, *_rest, info),) = walk(env, [LEFT])  # back on a known tile
    assert reward[0] == 0.0 and info["explored"][0] == 2


def test_door_changes_the_map_and_the_screen(env):
    steps = walk(env, [RIGHT, RIGHT, RIGHT])
    assert steps[1][0]["map_id"][0, 0] == 0 and steps[2][0]["map_id"][0, 0] == 1
    assert steps[1][4]["map"][0] == 0 and steps[2][4]["map"][0] == 1  # the info's map too
    assert steps[2][0]["visited"][0].sum() == 1  # a new map: only the player's tile
    assert steps[2][0]["screen"][0].mean() < steps[1][0]["screen"][0].mean()  # palette flip


def test_badge_and_event_rewards_and_milestones(env):
    steps = walk(env, [DOWN, DOWN, DOWN, DOWN, DOWN, DOWN])
    rw = env.config.rewards
    badge_step = steps[2]
    assert badge_step[4]["reward/badge"][0] == pytest.approx(rw.badge)
    assert badge_step[4]["badges"][0] == 1
    assert badge_step[4]["milestones"][0].tolist() == [True] + [False] * 8
    assert badge_step[4]["milestone_step"][0, 0] == 3
    assert badge_step[0]["state"][0, 0] == 1.0
    event_a, event_b = steps[4], steps[5]
    assert event_a[4]["reward/event"][0] == pytest.approx(rw.event)
    assert event_b[4]["reward/event"][0] == pytest.approx(rw.event)
    assert event_b[4]["events"][0] == 2
    # rewards are the sum of the components
    for _obs, reward, _te, _tr, info in steps:
        parts = sum(info[f"reward/{c}"] for c in REWARD_COMPONENTS)
        assert reward == pytest.approx(parts)


def test_level_reward_and_level_in_state(env):
    steps = walk(env, [UP, UP, RIGHT, RIGHT])
    assert steps[-1][4]["reward/level"][0] == pytest.approx(env.config.rewards.level)
    assert steps[-1][0]["state"][0, 8] == pytest.approx(0.06)


def test_blackout_penalty_and_no_heal_reward_for_it(env):
    steps = walk(env, [LEFT, LEFT])  # onto the HURT tile: HP 0
    info = steps[-1][4]
    assert info["reward/blackout"][0] == pytest.approx(-env.config.rewards.blackout)
    assert steps[-1][0]["state"][0, 14] == 0.0
    steps = walk(env, [UP, RIGHT, UP])  # onto HEAL after the blackout: not paid
    assert all(s[4]["reward/heal"][0] == 0 for s in steps)
    assert steps[-1][0]["state"][0, 14] == 1.0


def test_heal_reward_is_the_hp_fraction_restored(env):
    mem = env.group.emulators[0].mem
    mem[ram.W_PARTY_MONS + ram.MON_HP + 1] = MAX_HP // 2
    steps = walk(env, [UP, UP, LEFT])  # to HEAL (1, 0)
    assert steps[0][4]["reward/heal"][0] == 0.0
    assert steps[-1][4]["reward/heal"][0] == pytest.approx(0.5 * env.config.rewards.heal)


def test_battle_flag_and_foe_species(env):
    mem = env.group.emulators[0].mem
    mem[ram.W_ENEMY_MON_SPECIES] = 33
    steps = walk(env, [RIGHT, RIGHT, DOWN, DOWN, UP])  # (4, 4) is the BATTLE tile
    obs = steps[3][0]
    assert obs["state"][0, 40] == 1.0 and obs["species"][0, 6] == 33
    assert steps[4][0]["state"][0, 39] == 1.0 and steps[4][0]["species"][0, 6] == 0


def test_champion_terminates_and_autoresets(env):
    emu = env.group.emulators[0]
    walk(env, [DOWN])
    emu.mem[ram.W_CUR_MAP] = ram.HALL_OF_FAME
    obs, reward, term, trunc, info = walk(env, [DOWN])[0]
    assert term[0] and not trunc[0]
    assert info["reward/champion"][0] == pytest.approx(env.config.rewards.champion)
    assert info["final_obs"]["map_id"][0, 0] == ram.HALL_OF_FAME
    assert info["final_milestone_step"][0, -1] == 2
    assert obs["map_id"][0, 0] == 0 and obs["visited"][0].sum() == 1  # a new game
    assert info["milestone_step"][0, -1] == -1


def test_truncation_resets_with_final_obs(test_rom):
    env = make_env(test_rom, horizon=4)
    steps = walk(env, [DOWN, DOWN, DOWN, DOWN])
    obs, _r, term, trunc, info = steps[-1]
    assert trunc[0] and not term[0] and not any(s[3][0] for s in steps[:-1])
    assert info["final_obs"]["visited"][0].sum() == 5
    assert info["final_milestone_step"][0, 0] == 3
    assert obs["visited"][0].sum() == 1 and info["milestone_step"][0, 0] == -1
    assert info["badges"][0] == 0 and info["explored"][0] == 1  # info: the new episode
    assert env.group.emulators[0].read.y == START[1]
    env.close()


def test_truncation_continue_keeps_the_game(test_rom):
    env = make_env(test_rom, horizon=4, on_truncate="continue")
    obs, _r, _te, trunc, info = walk(env, [DOWN, DOWN, DOWN, DOWN])[-1]
    assert trunc[0]
    assert obs["visited"][0].sum() == 1  # memory cleared ...
    assert env.group.emulators[0].read.y == START[1] + 4  # ... the game goes on
    assert info["milestone_step"][0, 0] == 3
    env.close()


def test_text_rule_runs_the_game_while_input_is_ignored(test_rom):
    to_freeze = [RIGHT] * 4 + [DOWN] * 4  # (6, 6)
    for rule, moved in ((240, True), (0, False)):
        env = make_env(test_rom, skip_while_ignored=rule)
        walk(env, to_freeze)
        emu = env.group.emulators[0]
        assert (emu.read.x, emu.read.y) == (6, 6)
        walk(env, [DOWN])
        assert (emu.read.y == 7) is moved
        env.close()


def _emulator_states(env) -> list[bytes]:
    out = []
    for emu in env.group.emulators:
        f = io.BytesIO()
        emu.pyboy.save_state(f)
        out.append(f.getvalue())
    return out


def test_same_seed_same_games_and_jitter_by_seed(test_rom):
    """The synthetic ROM draws the same screens whatever the frame it starts on, so the
    seed's jitter shows in the emulator's state (its clocks), which must differ by seed."""
    moves = [RIGHT, DOWN, DOWN, LEFT, UP]
    a = make_env(test_rom, num_envs=2, start_jitter=5)
    b = make_env(test_rom, num_envs=2, start_jitter=5)
    c = make_env(test_rom, num_envs=2, seed=100, start_jitter=5)
    for sa, sb in zip(walk(a, moves), walk(b, moves), strict=True):
        for key in OBS_SPEC:
            assert (sa[0][key] == sb[0][key]).all()
    walk(c, moves)
    assert _emulator_states(a) == _emulator_states(b)
    moved = [sa != sc for sa, sc in zip(_emulator_states(a), _emulator_states(c), strict=True)]
    assert all(moved), f"envs {moved} (False: same start frame with seeds 0 and 100)"
    for env in (a, b, c):
        env.close()


def test_snapshot_restore_is_exact(test_rom):
    env = make_env(test_rom, num_envs=2)
    env.step(np.array([RIGHT, LEFT]))
    env.step(np.array([DOWN, DOWN]))
    snap = env.snapshot([0])
    kept = {k: v[0].copy() for k, v in env.obs.items()}
    env.restore([1], snap)
    for key in OBS_SPEC:
        assert (env.obs[key][1] == kept[key]).all()
    assert env.info["explored"][1] == env.info["explored"][0]
    for _ in range(3):
        obs, reward, *_rest, info = env.step(np.array([DOWN, DOWN]))
        for key in OBS_SPEC:
            assert (obs[key][0] == obs[key][1]).all()
        assert reward[0] == reward[1]
        assert (info["milestone_step"][0] == info["milestone_step"][1]).all()
    env.restore([0], snap)
    for key in OBS_SPEC:
        assert (env.obs[key][0] == kept[key]).all()
    with pytest.raises(ValueError, match="pokered snapshot"):
        env.restore([0], [b"junk"])
    env.close()


def test_render_is_rgb(env):
    frame = env.render(0)
    assert frame.shape == (144, 160, 3) and frame.dtype == np.uint8


def test_bad_actions_are_refused(env):
    with pytest.raises(ValueError, match="out of range"):
        env.step(np.array([7]))


def test_make_game_builds_pokered(test_rom):
    game = make_game("pokered", 1, seed=0, rom=str(test_rom), allow_any_rom=True, workers=0)
    assert game.obs_spec == OBS_SPEC
    game.close()
    with pytest.raises(ValueError, match="no option"):
        make_game("pokered", 1, romm="x")
