"""The 150-float ``state`` observation holds what observe.py documents, where it says.

The expected vectors are built by hand from the documented blocks and from the test
monsters (tests/games/gridmon/data/monsters.txt), so a moved block, a changed scale or a
value written at the wrong offset fails here.
"""

import math

import numpy as np

from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.core import observe

from .conftest import act, put, tiny_env

# The blocks of the module docstring, in order: (name, floats).
DOCUMENTED_BLOCKS = [
    ("badges", 8),
    ("keys", 8),
    ("levels", 6),
    ("hp", 6),
    ("active", 6),
    ("types", 6 * 12),
    ("battle", 3),
    ("foe", 1 + 1 + 12 + 1),  # level, HP fraction, type one-hot, foes left
    ("moves", 4 * 4),  # per slot: present, power, PP fraction, effectiveness
    ("items", 3),  # money, balls, potions
    ("facing", 4),
    ("pos", 2),
    ("time", 1),
]
OFFSET = {}
_at = 0
for _name, _size in DOCUMENTED_BLOCKS:
    OFFSET[_name] = _at
    _at += _size
SIZE = _at

# Test monsters (file order gives the ids).
PLAIN, FLAME, AQUA, LEAFY = range(4)
TAP, SINGE, SPLASH, NIP, BLAZE = range(5)
KINDLE, INFERNO, DRIP, SPROUT = range(4)
TOWN_W, TOWN_H = 12, 11  # the tiny world's town map


def max_hp(base_hp, level):
    """FORMAT.md: hp = base*2*L/100 + L + 10 (integer)."""
    return base_hp * 2 * level // 100 + level + 10


def test_offsets_are_the_documented_ones():
    assert SIZE == 150 == observe.STATE_SIZE
    assert observe.O_BADGES == OFFSET["badges"] == 0
    assert observe.O_KEYS == OFFSET["keys"] == 8
    assert observe.O_LEVELS == OFFSET["levels"] == 16
    assert observe.O_HP == OFFSET["hp"] == 22
    assert observe.O_ACTIVE == OFFSET["active"] == 28
    assert observe.O_TYPES == OFFSET["types"] == 34
    assert observe.O_BATTLE == OFFSET["battle"] == 106
    assert observe.O_FOE == OFFSET["foe"] == 109
    assert observe.O_MOVES == OFFSET["moves"] == 124
    assert observe.O_ITEMS == OFFSET["items"] == 140
    assert observe.O_FACING == OFFSET["facing"] == 143
    assert observe.O_POS == OFFSET["pos"] == 147
    assert observe.O_TIME == OFFSET["time"] == 149
    env = tiny_env(1)
    assert env.obs_spec["state"] == ((150,), np.dtype(np.float32))
    assert env.obs["state"].shape == (1, 150)


def _expect(**blocks) -> np.ndarray:
    """A state vector: zeros, with the given blocks' leading values (name=values)."""
    v = np.zeros(SIZE, np.float32)
    for name, values in blocks.items():
        values = np.atleast_1d(np.asarray(values, np.float32))
        v[OFFSET[name] : OFFSET[name] + len(values)] = values
    return v


def _one_hot(n, k):
    v = np.zeros(n, np.float32)
    v[k] = 1.0
    return v


def _types(*slots):
    """The party's primary-type block: slot k has type slots[k]."""
    v = np.zeros(6 * 12, np.float32)
    for k, t in enumerate(slots):
        v[k * 12 + t] = 1.0
    return v


def test_a_new_game_is_observed_as_documented():
    """Tiny world: kindle level 5 (moves tap, singe), 3 balls, 1 potion, 100 money, at
    (2, 3) of the town facing down."""
    env = tiny_env(1, horizon=1000)
    expected = _expect(
        levels=5 / 50,
        hp=1.0,
        active=_one_hot(6, 0),
        types=_types(FLAME),
        battle=_one_hot(3, C.NO_BATTLE),
        moves=[1, 40 / 100, 1.0, 0, 1, 40 / 100, 1.0, 0],  # no foe: effectiveness 0
        items=[math.log10(101) / 6, 3 / 20, 1 / 20],
        facing=_one_hot(4, C.DOWN),
        pos=[2 / TOWN_W, 3 / TOWN_H],
        time=0.0,
    )
    np.testing.assert_allclose(env.obs["state"][0], expected, rtol=1e-6, atol=1e-7)
    assert env.obs["species"][0].tolist() == [KINDLE + 1, 0, 0, 0, 0, 0, 0]


def test_stepping_into_a_wild_battle_is_observed_as_documented():
    """One step onto the tiny town's grass (encounter rate 1) meets drip level 2."""
    env = tiny_env(1, horizon=1000)
    put(env, 5, 5)
    act(env, C.RIGHT)
    assert env.arrays["battle"][0] == C.WILD
    expected = _expect(
        levels=5 / 50,
        hp=1.0,
        active=_one_hot(6, 0),
        types=_types(FLAME),
        battle=_one_hot(3, C.WILD),
        # foe: level 2 / 50, full HP, aqua, 1 of 1 foes left
        foe=np.concatenate([[2 / 50, 1.0], _one_hot(12, AQUA), [1 / 6]]),
        # tap: plain on aqua x1, no same-type bonus; singe: flame on aqua x0.5, x1.5 same type
        moves=[1, 0.4, 1.0, 1 / 3, 1, 0.4, 1.0, 0.5 * 1.5 / 3],
        items=[math.log10(101) / 6, 3 / 20, 1 / 20],
        facing=_one_hot(4, C.RIGHT),
        pos=[6 / TOWN_W, 5 / TOWN_H],
        time=1 / 1000,
    )
    np.testing.assert_allclose(env.obs["state"][0], expected, rtol=1e-6, atol=1e-7)
    assert env.obs["species"][0].tolist() == [KINDLE + 1, 0, 0, 0, 0, 0, DRIP + 1]


def test_a_written_situation_is_observed_at_the_documented_offsets():
    """Every block at once: state written into the arrays, then observed (a snapshot
    restored into the env re-writes its observation)."""
    env = tiny_env(1, horizon=1000)
    a = env.arrays
    a["badges"][0], a["keys"][0] = 0b101, 0b10  # badges 1 and 3; key item 2
    a["p_species"][0] = [KINDLE, DRIP, -1, -1, -1, -1]
    a["p_level"][0] = [5, 10, 0, 0, 0, 0]
    a["p_hp"][0] = [10, 7, 0, 0, 0, 0]  # of max 19 and 28
    a["active"][0] = 0
    a["p_moves"][0, 0] = [TAP, SINGE, BLAZE, -1]
    a["p_pp"][0, 0] = [7, 25, 5, 0]  # of 35, 25, 10
    a["battle"][0] = C.TRAINER_BATTLE
    a["e_count"][0], a["e_active"][0] = 3, 1
    a["e_species"][0, 1], a["e_level"][0, 1], a["e_hp"][0, 1] = SPROUT, 20, 11  # of 44
    a["money"][0], a["balls"][0], a["potions"][0] = 999, 30, 5
    a["map"][0], a["x"][0], a["y"][0] = env.world.map_id("town"), 3, 4
    a["facing"][0] = C.LEFT
    a["t"][0] = 250
    env.restore([0], env.snapshot([0]))

    assert (max_hp(45, 5), max_hp(40, 10), max_hp(35, 20)) == (19, 28, 44)
    expected = _expect(
        badges=[1, 0, 1, 0, 0, 0, 0, 0],
        keys=[0, 1, 0, 0, 0, 0, 0, 0],
        levels=[5 / 50, 10 / 50],
        hp=[10 / 19, 7 / 28],
        active=_one_hot(6, 0),
        types=_types(FLAME, AQUA),
        battle=_one_hot(3, C.TRAINER_BATTLE),
        # foe: sprout level 20 / 50, 11 / 44 HP, leafy, (3 - 1) / 6 foes left
        foe=np.concatenate([[20 / 50, 11 / 44], _one_hot(12, LEAFY), [2 / 6]]),
        # on leafy: tap x1 (no bonus); singe and blaze x2 flame, x1.5 same type
        moves=[1, 0.4, 7 / 35, 1 / 3, 1, 0.4, 25 / 25, 3 / 3, 1, 0.9, 5 / 10, 3 / 3],
        items=[math.log10(1000) / 6, 1.0, 5 / 20],  # balls and potions capped at 20
        facing=_one_hot(4, C.LEFT),
        pos=[3 / TOWN_W, 4 / TOWN_H],
        time=250 / 1000,
    )
    np.testing.assert_allclose(env.obs["state"][0], expected, rtol=1e-6, atol=1e-7)
    assert env.obs["species"][0].tolist() == [KINDLE + 1, DRIP + 1, 0, 0, 0, 0, SPROUT + 1]
    assert env.obs["map_id"][0, 0] == env.world.map_id("town")
