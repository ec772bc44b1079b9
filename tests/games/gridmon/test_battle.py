"""Battle math and flow: type chart, damage bounds, catching, running, switching,
experience, trainer victories, badges, blackout and the champion."""

import numpy as np

from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.oracle.formulas import max_hp, stat

from .conftest import act, pos, put, tiny_env


def _wild(env, i=0):
    put(env, 5, 5, i=i)
    act(env, C.RIGHT, i=i)
    assert env.arrays["battle"][i] == C.WILD


def test_type_chart(env):
    mon = env.world.monsters
    t = mon.type_names.index
    assert mon.chart[t("flame"), t("leafy")] == 2.0
    assert mon.chart[t("flame"), t("aqua")] == 0.5
    assert mon.chart[t("plain"), t("aqua")] == 1.0


def test_damage_within_formula_bounds():
    """Over many seeds, singe (40, flame, same-type) on an aqua foe (x0.5) stays within
    the documented formula's range (levels raised so the foe survives the hit)."""
    env = tiny_env(256)
    w = env.world
    mon = w.monsters
    for i in range(env.num_envs):
        put(env, 5, 5, i=i)
    env.step(np.full(env.num_envs, C.RIGHT))
    assert (env.arrays["battle"] == C.WILD).all()
    kindle, drip = mon.species_id("kindle"), mon.species_id("drip")
    env.arrays["p_level"][:, 0] = 40  # faster than the foe: it strikes first
    env.arrays["p_hp"][:, 0] = max_hp(w, kindle, 40)
    env.arrays["e_level"][:, 0] = 30
    env.arrays["e_hp"][:, 0] = max_hp(w, drip, 30)
    base = (2 * 40 / 5 + 2) * 40 * stat(w, kindle, 40, 1) / stat(w, drip, 30, 2) / 50 + 2
    hi = max(1, int(base * 1.5 * 0.5))
    lo = max(1, int(base * 1.5 * 0.5 * 0.85))
    hp0 = env.arrays["e_hp"][:, 0].copy()
    slot = list(env.arrays["p_moves"][0, 0]).index(mon.move_names.index("singe"))
    env.step(np.full(env.num_envs, slot))
    dealt = hp0 - env.arrays["e_hp"][:, 0]
    alive = env.arrays["e_hp"][:, 0] > 0
    assert dealt[alive].min() >= lo and dealt[alive].max() <= hi
    assert len(set(dealt[alive].tolist())) > 1  # the random roll varies


def test_catch_adds_to_party_and_rewards_new_species(env):
    _wild(env)
    env.arrays["e_hp"][0, 0] = 1  # catch rate 255 at 1 HP: certain
    act(env, C.A)
    drip = env.world.monsters.species_id("drip")
    assert env.arrays["battle"][0] == C.NO_BATTLE
    assert env.arrays["p_species"][0, 1] == drip and env.arrays["caught"][0, drip] == 1
    assert env.info["reward/catch"][0] > 0
    assert env.arrays["balls"][0] == 2


def test_no_ball_no_throw(env):
    _wild(env)
    env.arrays["balls"][0] = 0
    act(env, C.A)
    assert env.arrays["battle"][0] == C.WILD and env.arrays["p_species"][0, 1] == -1


def test_run_from_wild_when_faster(env):
    _wild(env)  # kindle (spd 65) vs drip lv2: always faster
    act(env, C.B)
    assert env.arrays["battle"][0] == C.NO_BATTLE


def test_switch_to_next_healthy(env):
    a = env.arrays
    a["p_species"][0, 1] = env.world.monsters.species_id("sprout")
    a["p_level"][0, 1] = 5
    a["p_hp"][0, 1] = 10
    a["p_moves"][0, 1, 0] = env.world.monsters.move_names.index("nip")
    _wild(env)
    act(env, C.START)
    assert a["active"][0] == 1
    act(env, C.START)
    assert a["active"][0] == 0


def test_win_gives_experience_and_levels(env):
    _wild(env)
    a = env.arrays
    a["e_hp"][0, 0] = 1
    exp0 = int(a["p_exp"][0, 0])
    act(env, C.UP)
    assert a["battle"][0] == C.NO_BATTLE and a["p_exp"][0, 0] > exp0
    a["p_exp"][0, 0] = 12**3 - 1  # one point short of level 12 -> evolves
    a["p_level"][0, 0] = 11
    _wild(env)
    a["e_hp"][0, 0] = 1
    act(env, C.UP)
    assert a["p_level"][0, 0] == 12
    assert a["p_species"][0, 0] == env.world.monsters.species_id("inferno")


def test_trainer_battle_rules_and_victory(env):
    put(env, 6, 6)
    act(env, C.RIGHT)
    a = env.arrays
    assert a["battle"][0] == C.TRAINER_BATTLE
    act(env, C.A)
    act(env, C.B)
    assert a["battle"][0] == C.TRAINER_BATTLE  # no catching or running
    money = int(a["money"][0])
    a["p_level"][0, 0] = 30
    a["p_hp"][0, 0] = max_hp(env.world, int(a["p_species"][0, 0]), 30)
    for _ in range(10):
        if a["battle"][0] == C.NO_BATTLE:
            break
        act(env, C.DOWN)  # singe: strong on sprout
    assert a["battle"][0] == C.NO_BATTLE and a["money"][0] == money + 50
    assert env.obs["tiles"][0, C.VIEW_CY, C.VIEW_CX + 3] == C.TRAINER_BEATEN


def test_leader_badge_and_champion_terminates(env):
    a = env.arrays
    a["p_level"][0, 0] = 40
    a["p_hp"][0, 0] = max_hp(env.world, int(a["p_species"][0, 0]), 40)
    put(env, 2, 2, "gym", facing=C.UP)
    act(env, C.A)
    assert a["battle"][0] == C.TRAINER_BATTLE
    for _ in range(10):
        act(env, C.UP)
    assert a["n_badges"][0] == 1 and env.info["milestones"][0, env.milestones.index("badge_1")]
    put(env, 4, 2, "gym", facing=C.UP)
    act(env, C.A)
    terminated = False
    for _ in range(10):
        _, _, term, _, info = act(env, C.UP)
        if term[0]:
            terminated = True
            assert info["reward/champion"][0] > 0
            break
    assert terminated
    assert pos(env) == ("town", 2, 3) and a["n_badges"][0] == 0  # autoreset: a new game


def test_blackout_returns_to_last_healer_keeping_progress(env):
    a = env.arrays
    put(env, 2, 2, facing=C.UP)
    act(env, C.A)  # heal here: the respawn point
    a["badges"][0] = 1
    _wild(env)
    a["p_hp"][0, 0] = 1
    a["e_level"][0, 0] = 50  # much faster and stronger foe
    money = int(a["money"][0])
    for _ in range(5):
        act(env, C.UP)
        if a["battle"][0] == C.NO_BATTLE:
            break
    assert a["blackouts"][0] == 1 and pos(env) == ("town", 2, 2)
    assert a["money"][0] == money // 2 and a["badges"][0] == 1
    assert a["p_hp"][0, 0] == max_hp(env.world, int(a["p_species"][0, 0]), int(a["p_level"][0, 0]))
    assert env.info["reward/blackout"][0] < 0
