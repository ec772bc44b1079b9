"""Movement, collision, warps, ledges, encounters, sight lines and each gate."""

from pocketrl.games.gridmon.core import constants as C

from .conftest import act, give_key, pos, put


def test_start_position_and_observation_shapes(env):
    assert pos(env) == ("town", 2, 3)
    obs = env.obs
    for key, (shape, dtype) in env.obs_spec.items():
        assert obs[key].shape == (1, *shape) and obs[key].dtype == dtype
    assert obs["tiles"][0, C.VIEW_CY - 2, C.VIEW_CX] == C.HEALER  # healer at (2, 1)
    assert obs["visited"][0, C.VIEW_CY, C.VIEW_CX] == 1


def test_move_and_collision_turns_in_place(env):
    act(env, C.LEFT)
    assert pos(env) == ("town", 1, 3)
    act(env, C.LEFT)  # tree at x=0
    assert pos(env) == ("town", 1, 3)
    assert env.arrays["facing"][0] == C.LEFT
    act(env, C.UP, C.UP)  # (1,2) then (1,1); (1,0) is a tree
    act(env, C.UP)
    assert pos(env) == ("town", 1, 1)


def test_blocking_entities(env):
    put(env, 2, 2)
    act(env, C.UP)  # the healer at (2, 1) blocks
    assert pos(env) == ("town", 2, 2)


def test_ledge_is_one_way(env):
    put(env, 1, 4)
    act(env, C.DOWN)  # hop over the ledge at (1, 5)
    assert pos(env) == ("town", 1, 6)
    act(env, C.UP)
    assert pos(env) == ("town", 1, 6)


def test_warp_both_ways(env):
    put(env, 8, 5)
    env.arrays["events"][0, env.world.ent["event"][_trainer(env)]] = 1  # no sight battle
    act(env, C.DOWN)
    *_, info = act(env, C.DOWN)  # (8,6) then the door at (8,7)
    assert pos(env) == ("gym", 2, 3)
    assert env.world.maps[int(info["map"][0])].name == "gym"  # the step info says so too
    act(env, C.DOWN)  # arriving does not re-warp; the wall below blocks
    assert pos(env) == ("gym", 2, 3)
    act(env, C.UP, C.DOWN)  # step off and back on the exit
    assert pos(env) == ("town", 8, 7)


def test_bush_needs_the_cutting_item_then_a(env):
    put(env, 1, 6)
    act(env, C.DOWN)
    assert pos(env) == ("town", 1, 6)
    act(env, C.A)
    assert env.obs["tiles"][0, C.VIEW_CY + 1, C.VIEW_CX] == C.BUSH
    give_key(env, "shears")
    _, reward, *_ = act(env, C.A)
    assert reward[0] > 0  # a new event
    assert env.obs["tiles"][0, C.VIEW_CY + 1, C.VIEW_CX] == C.FLOOR
    act(env, C.DOWN)
    assert pos(env) == ("town", 1, 7)


def test_water_needs_the_swimming_item(env):
    put(env, 9, 6)
    act(env, C.DOWN)
    assert pos(env) == ("town", 9, 6)
    give_key(env, "float")
    act(env, C.DOWN, C.DOWN)
    assert pos(env) == ("town", 9, 8)


def test_guard_needs_badges(env):
    put(env, 1, 8)
    act(env, C.RIGHT)
    assert pos(env) == ("town", 1, 8)
    env.arrays["badges"][0] = 1
    act(env, C.RIGHT)
    assert pos(env) == ("town", 2, 8)


def test_item_pickup_once(env):
    put(env, 5, 4, facing=C.UP)
    balls = env.arrays["keys"][0]
    act(env, C.A)
    assert env.arrays["keys"][0] != balls
    assert env.info["milestones"][0, env.milestones.index("shears")]
    events = int(env.arrays["n_events"][0])
    act(env, C.A)
    assert env.arrays["n_events"][0] == events
    act(env, C.UP)
    assert pos(env) == ("town", 5, 3)  # the taken item no longer blocks


def test_npc_gift_needs_a_badge(env):
    put(env, 10, 3, facing=C.UP)
    act(env, C.A)
    assert env.arrays["keys"][0] == 0
    env.arrays["badges"][0] = 1
    act(env, C.A)
    assert (env.arrays["keys"][0] >> env.world.key_names.index("float")) & 1


def test_shop_and_money(env):
    put(env, 5, 2, facing=C.UP)
    balls, money = int(env.arrays["balls"][0]), int(env.arrays["money"][0])
    act(env, C.A)
    assert env.arrays["balls"][0] == balls + 1 and env.arrays["money"][0] == money - 10
    env.arrays["money"][0] = 5
    act(env, C.A)
    assert env.arrays["balls"][0] == balls + 1


def test_grass_encounter(env):
    put(env, 5, 5)
    act(env, C.RIGHT)  # rate 1.0 grass at (6, 5)
    assert env.arrays["battle"][0] == C.WILD
    assert env.obs["species"][0, C.MAX_PARTY] == env.world.monsters.species_id("drip") + 1


def test_trainer_sight_starts_battle(env):
    put(env, 6, 6)
    act(env, C.RIGHT)  # (7, 6) is in the trainer's line of sight
    assert env.arrays["battle"][0] == C.TRAINER_BATTLE
    assert env.arrays["b_trainer"][0] == _trainer(env)


def test_start_uses_potion_on_most_hurt(env):
    env.arrays["p_hp"][0, 0] = 3
    act(env, C.START)
    assert env.arrays["p_hp"][0, 0] > 3 and env.arrays["potions"][0] == 0


def test_exploration_reward_counts_new_tiles_once(env):
    r1 = act(env, C.RIGHT)[1][0]  # returned arrays are reused buffers: read now
    r2 = act(env, C.LEFT)[1][0]
    assert env.info["reward/explore"][0] == 0 and r2 == 0
    assert r1 > 0


def _trainer(env):
    return int(next(i for i, k in enumerate(env.world.ent["kind"]) if k == C.E_TRAINER))


def test_a_changed_source_drops_the_compiled_cache(tmp_path):
    """numba checks a cached function against its own file only, so an edit to one
    kernel file must drop the cache of all: else the step runs the old code."""
    from pocketrl.games.gridmon.core.jit import drop_stale_cache

    (tmp_path / "rules.py").write_text("x = 1\n")
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    (cache / "engine.step-10.py311.nbi").write_bytes(b"index")
    (cache / "engine.step-10.py311.1.nbc").write_bytes(b"code")
    assert drop_stale_cache(tmp_path) and not list(cache.glob("*.nb*"))
    (cache / "engine.step-10.py311.nbi").write_bytes(b"index")  # compiled again
    assert not drop_stale_cache(tmp_path) and list(cache.glob("*.nbi"))
    (tmp_path / "rules.py").write_text("x = 2\n")  # an edit
    assert drop_stale_cache(tmp_path) and not list(cache.glob("*.nbi"))
