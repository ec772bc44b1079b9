"""The batched contract: determinism, snapshots, autoreset, truncation, bad input."""

import shutil

import numpy as np
import pytest

from pocketrl.games.gridmon.config import GridmonConfig
from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.core.observe import O_TIME
from pocketrl.games.gridmon.env import GridmonEnv
from pocketrl.games.gridmon.world.load import DATA_DIR, load_world

from .conftest import act, put, tiny_env


def _rollout(env, steps, seed):
    rng = np.random.default_rng(seed)
    trace = []
    for _ in range(steps):
        obs, r, term, trunc, info = env.step(rng.integers(0, 7, env.num_envs))
        trace.append((obs["tiles"].copy(), obs["state"].copy(), r.copy()))
    return trace


def test_same_seed_same_trajectory_and_another_seed_another():
    a = _rollout(tiny_env(8, seed=3), 300, 1)
    b = _rollout(tiny_env(8, seed=3), 300, 1)
    c = _rollout(tiny_env(8, seed=1003), 300, 1)  # env i is seeded seed + i: none in common
    for (ta, sa, ra), (tb, sb, rb) in zip(a, b):
        assert np.array_equal(ta, tb) and np.array_equal(sa, sb) and np.array_equal(ra, rb)
    for i in range(8):  # same actions, other seed: every env's game goes another way
        assert any(not np.array_equal(sa[i], sc[i]) for (_, sa, _), (_, sc, _) in zip(a, c)), i


def test_snapshot_restore_mid_battle_is_exact():
    env = tiny_env(2)
    put(env, 5, 5)
    act(env, C.RIGHT)
    assert env.arrays["battle"][0] == C.WILD
    snap = env.snapshot([0])
    after = _rollout(env, 50, 7)
    env.restore([1], snap)  # into another env of the batch
    env.restore([0], snap)
    again = _rollout(env, 50, 7)
    for (t1, s1, _), (t2, s2, _) in zip(after, again):
        assert np.array_equal(t1[0], t2[0]) and np.array_equal(s1[0], s2[0])
    other = tiny_env(1)
    other.restore([0], snap)
    assert other.arrays["battle"][0] == C.WILD


def test_restore_rejects_foreign_or_corrupt_state():
    env = tiny_env(1)
    snap = env.snapshot([0])[0]
    with pytest.raises(ValueError, match="not a gridmon snapshot"):
        env.restore([0], [b"nonsense" * 10])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        env.restore([0], [snap[:-3]])
    with pytest.raises(ValueError, match="env ids"):
        env.snapshot([5])


def test_restore_refuses_a_snapshot_from_an_edited_world(tmp_path):
    # One floor tile of a copy of mini becomes grass: same name, same summary (both are
    # walkable), but another world; a snapshot made before the edit must be refused.
    world = tmp_path / "mini"
    shutil.copytree(DATA_DIR / "worlds" / "mini", world)
    cfg = GridmonConfig(world=str(world))
    before = GridmonEnv(1, cfg)
    snap = before.snapshot([0])
    GridmonEnv(1, cfg).restore([0], snap)  # the unedited copy takes it
    town = world / "maps" / "mossford.txt"
    text = town.read_text()
    assert text.count("T..TT.........TT") == 1
    town.write_text(text.replace("T..TT.........TT", "T..TT....,....TT"))
    load_world.cache_clear()
    after = GridmonEnv(1, cfg)
    assert (after.world.cell_tile != before.world.cell_tile).sum() == 1
    assert after.world.summary() == before.world.summary()
    with pytest.raises(ValueError, match="another gridmon world, an edited copy of this one"):
        after.restore([0], snap)


def test_truncation_clears_memory_and_resets_game():
    env = tiny_env(1, horizon=5)
    for _ in range(4):
        _, _, term, trunc, info = act(env, C.RIGHT)
        assert not trunc[0]
    _, _, term, trunc, info = act(env, C.RIGHT)
    assert trunc[0] and not term[0]
    assert info["final_obs"]["tiles"][0].tolist() != env.obs["tiles"][0].tolist()
    assert env.arrays["explored"][0] == 1 and env.arrays["t"][0] == 0
    assert (env.arrays["x"][0], env.arrays["y"][0]) == (2, 3)  # a new game


def test_truncation_can_continue_the_game():
    env = tiny_env(1, horizon=3, on_truncate="continue")
    act(env, C.RIGHT, C.RIGHT, C.RIGHT)
    assert env.arrays["x"][0] == 4 and env.arrays["explored"][0] == 1  # item at x=5 blocks
    assert env.arrays["game_t"][0] == 3


def test_stagger_spreads_the_first_truncations_and_keeps_later_episodes_whole():
    def truncations(env, steps):
        seen = {i: [] for i in range(env.num_envs)}
        for t in range(1, steps + 1):
            _, _, _, trunc, _ = env.step(np.zeros(env.num_envs, np.int64))
            for i in np.flatnonzero(trunc):
                seen[int(i)].append(t)
        return seen

    together = truncations(tiny_env(4, horizon=8), 16)
    assert all(v == [8, 16] for v in together.values())
    env = tiny_env(4, horizon=8, stagger=True)
    assert env.obs["state"][:, O_TIME].tolist() == pytest.approx([0, 0.25, 0.5, 0.75])
    spread = truncations(env, 16)
    assert spread == {0: [8, 16], 1: [6, 14], 2: [4, 12], 3: [2, 10]}


def test_observe_clock_false_hides_the_clock_and_keeps_the_truncations():
    shown, hidden = (
        tiny_env(2, horizon=8, stagger=True),
        tiny_env(2, horizon=8, stagger=True, observe_clock=False),
    )
    for env in (shown, hidden):
        act(env, C.RIGHT, C.UP)
    assert shown.obs["state"][:, O_TIME].tolist() == pytest.approx([2 / 8, 6 / 8])
    assert hidden.obs["state"][:, O_TIME].tolist() == [0.0, 0.0]
    assert hidden.arrays["t"].tolist() == shown.arrays["t"].tolist() == [2, 6]
    _, _, _, trunc, _ = act(hidden, C.UP, C.UP)
    assert trunc.tolist() == [False, True]  # the clock still runs, only unseen


def test_bad_actions_raise_clear_errors():
    env = tiny_env(2)
    with pytest.raises(ValueError, match="shape"):
        env.step(np.zeros(3, np.int64))
    with pytest.raises(ValueError, match="out of range"):
        env.step(np.array([0, 7]))
    with pytest.raises(ValueError, match="integers"):
        env.step(np.array([0.5, 1.0]))


def test_bad_config_raises():
    with pytest.raises(ValueError, match="on_truncate"):
        tiny_env(1, on_truncate="sometimes")


def test_restart_clock_gives_a_whole_horizon_and_keeps_the_game():
    env = tiny_env(2, horizon=5)
    act(env, C.RIGHT, C.RIGHT, C.RIGHT)
    kept = {k: env.arrays[k][1].copy() for k in ("x", "y", "game_t", "explored", "visited")}
    env.restart_clock([1])
    assert env.arrays["t"].tolist() == [3, 0]
    assert env.obs["state"][1, O_TIME] == 0.0 and env.obs["state"][0, O_TIME] > 0
    for k, v in kept.items():
        np.testing.assert_array_equal(env.arrays[k][1], v)
    _, _, _, trunc, _ = act(env, C.UP, C.UP)
    assert trunc.tolist() == [True, False]  # env 0 at its horizon, env 1 two steps in
    for _ in range(2):
        _, _, _, trunc, _ = act(env, C.UP)
        assert not trunc[1]
    _, _, _, trunc, _ = act(env, C.UP)
    assert trunc[1]
