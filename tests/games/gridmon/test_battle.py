"""Battle math and flow: type chart, damage bounds, catching, running, switching,
experience, trainer victories, badges, blackout and the champion."""

import math

import numpy as np
import pytest

from pocketrl.games.gridmon.config import REWARD_COMPONENTS, GridmonConfig, RewardWeights
from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.core.battle import damage
from pocketrl.games.gridmon.core.rules import seed_rng, stat
from pocketrl.games.gridmon.core.state import allocate, make_state_tuple, state_layout
from pocketrl.games.gridmon.core.tables import pack_world
from pocketrl.games.gridmon.world.load import load_world

from .conftest import TEST_DATA, act, pos, put, tiny_env


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


def _damage_rolls(move_name: str, attacker, defender, draws=2_000) -> np.ndarray:
    """``draws`` hits of the compiled damage rule (-1: a miss), each from its own seed.
    ``attacker``/``defender``: (species name, level). Calls the kernel directly, so the
    test compiles only the damage rule, not the whole step."""
    world = load_world("tiny", TEST_DATA)
    tables = pack_world(world, GridmonConfig(world="tiny"))
    s = make_state_tuple(allocate(draws, state_layout(1, 1, 1, 1, 1)))
    for i in range(draws):
        s.rng[i] = seed_rng(i)
    mon = world.monsters
    move = mon.move_names.index(move_name) if move_name else -1
    (a_sp, a_lv), (d_sp, d_lv) = attacker, defender
    a_sp, d_sp = mon.species_id(a_sp), mon.species_id(d_sp)
    return np.array([damage(s, i, tables, a_sp, a_lv, d_sp, d_lv, move) for i in range(draws)])


def _formula(power, attack_level, attack_base, defend_level, defend_base, multiplier):
    """The damage range (lowest, highest) of the game's rule, written out here on its
    own: stats as in data/FORMAT.md, then ((2L/5 + 2) * power * atk / def / 50 + 2)
    * multipliers (type chart, same type) * a roll uniform in [0.85, 1), rounded down,
    at least 1."""
    atk = attack_base * 2 * attack_level // 100 + 5
    dfn = defend_base * 2 * defend_level // 100 + 5
    base = (2 * attack_level / 5 + 2) * power * atk / dfn / 50 + 2
    return max(1, math.floor(base * multiplier * 0.85)), max(1, math.floor(base * multiplier))


def test_damage_within_formula_bounds():
    """Singe (power 40, flame, same type x1.5) from kindle Lv40 (atk 60) on drip Lv30
    (aqua: x0.5, def 40) covers exactly the formula's range; the roll varies."""
    lo, hi = _formula(40, 40, 60, 30, 40, 1.5 * 0.5)
    assert (lo, hi) == (18, 21)  # atk 53, def 29: base 28.32, x0.75 = 21.24
    dealt = _damage_rolls("singe", ("kindle", 40), ("drip", 30))
    assert set(dealt.tolist()) == set(range(lo, hi + 1))


def test_typeless_strike_and_misses_follow_the_formula():
    """No PP left: the strike (power 30, no type) never misses; ghostpunch (acc 30) misses
    about 70% of the time and otherwise hits within the formula's range."""
    lo, hi = _formula(30, 10, 40, 10, 40, 1.0)
    strike = _damage_rolls("", ("drip", 10), ("drip", 10))
    assert strike.min() >= lo and strike.max() <= hi and strike.min() < strike.max()
    lo, hi = _formula(150, 20, 60, 20, 35, 1.0)
    punch = _damage_rolls("ghostpunch", ("kindle", 20), ("sprout", 20))
    hits = punch[punch >= 0]
    assert 0.65 < (punch == -1).mean() < 0.75
    assert hits.min() >= lo and hits.max() <= hi and hits.min() < hits.max()


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


def _second_monster(env, level=5, hp=10):
    """Put a sprout in party slot 1 of env 0."""
    a = env.arrays
    a["p_species"][0, 1] = env.world.monsters.species_id("sprout")
    a["p_level"][0, 1] = level
    a["p_hp"][0, 1] = hp
    a["p_moves"][0, 1, 0] = env.world.monsters.move_names.index("nip")


def test_switch_to_next_healthy(env):
    a = env.arrays
    _second_monster(env)
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
    a["p_hp"][0, 0] = stat(env.tables, int(a["p_species"][0, 0]), 30, 0)
    for _ in range(10):
        if a["battle"][0] == C.NO_BATTLE:
            break
        act(env, C.DOWN)  # singe: strong on sprout
    assert a["battle"][0] == C.NO_BATTLE and a["money"][0] == money + 50
    assert env.obs["tiles"][0, C.VIEW_CY, C.VIEW_CX + 3] == C.TRAINER_BEATEN


def test_leader_badge_and_champion_terminates(env):
    a = env.arrays
    a["p_level"][0, 0] = 40
    a["p_hp"][0, 0] = stat(env.tables, int(a["p_species"][0, 0]), 40, 0)
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
    full = stat(env.tables, int(a["p_species"][0, 0]), int(a["p_level"][0, 0]), 0)
    assert a["p_hp"][0, 0] == full
    assert env.info["reward/blackout"][0] < 0


@pytest.mark.parametrize("scope, paid", [("party", 0.25), ("monster", 1.0)])
def test_level_scope_decides_what_a_weak_monsters_level_pays(scope, paid):
    """level_cap = 10 and a party of a level-20 lead and a level-5 second: the second's
    level up pays a quarter when the cap is on the party's sum (25 > 10) and the full
    rate when it is on each monster (5 < 10)."""
    rewards = RewardWeights(level=1.0, level_cap=10, level_scope=scope)
    env = tiny_env(rewards=rewards)
    a = env.arrays
    a["p_level"][0, 0] = 20
    _second_monster(env)
    a["p_exp"][0, 1] = 6**3 - 1  # one point short of level 6
    a["active"][0] = 1
    a["level_score"][0] = 10 + 15 / 4 if scope == "party" else 10 + 10 / 4 + 5
    _wild(env)
    a["e_hp"][0, 0] = 1
    act(env, C.UP)
    assert a["p_level"][0, 1] == 6
    assert a["parts"][0, REWARD_COMPONENTS.index("level")] == pytest.approx(paid)


def test_level_scope_must_be_named():
    with pytest.raises(ValueError, match="level_scope must be one of party, monster"):
        GridmonConfig(rewards=RewardWeights(level_scope="team")).validate()
