"""The scripted expert beats both worlds; random play does not get a single badge."""

import numpy as np
import pytest

from pocketrl.games.gridmon.config import GridmonConfig
from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.core.battle import ROLL_LOW, ROLL_SPAN
from pocketrl.games.gridmon.env import GridmonEnv
from pocketrl.games.gridmon.oracle.battle import MEAN_ROLL
from pocketrl.games.gridmon.oracle.expert import Oracle, run_oracle

from .conftest import tiny_env


def _assert_in_order(result: dict, env_id: int = 0) -> list[int]:
    steps = [result["milestones"][ms][env_id] for ms in result["milestones"]]
    assert min(steps) >= 0, f"milestones not reached: {result['milestones']}"
    assert steps == sorted(steps), f"milestones out of order: {result['milestones']}"
    return steps


def test_oracle_beats_mini():
    result = run_oracle("mini", num_envs=1, max_steps=5_000, seed=0)
    assert result["finished"] == [True]
    steps = _assert_in_order(result)
    assert steps[-1] == result["steps"]


def test_oracle_beats_the_engine_test_world():
    env = tiny_env(1, seed=0, horizon=10**9, on_truncate="continue")
    oracle = Oracle(env, seed=0)
    for _ in range(3_000):
        _, _, terminated, _, _ = env.step(oracle.act())
        if terminated[0]:
            break
    assert terminated[0]


MAIN_SEED_0 = {  # the game step each milestone is reached at: world main, seed 0
    "badge_1": 1_831,
    "badge_2": 2_493,
    "shears": 2_527,
    "badge_3": 3_086,
    "badge_4": 4_337,
    "badge_5": 4_542,
    "tide_charm": 4_566,
    "badge_6": 4_993,
    "badge_7": 5_253,
    "badge_8": 5_666,
    "champion": 6_890,
}


def test_oracle_beats_main_in_the_known_number_of_steps():
    """The oracle plays main deterministically: a change to it or to the game's rules that
    alters any decision moves these steps (update them only for an intended change)."""
    result = run_oracle("main", num_envs=1, max_steps=30_000, seed=0)
    assert result["finished"] == [True], result["milestones"]
    _assert_in_order(result)
    assert {ms: steps[0] for ms, steps in result["milestones"].items()} == MAIN_SEED_0
    assert result["steps"] == 6_890


def test_oracle_mean_roll_is_the_games():
    """The oracle scores moves at the mean of the compiled damage roll."""
    assert MEAN_ROLL == pytest.approx(ROLL_LOW + ROLL_SPAN / 2)


def test_oracle_batch_is_deterministic_and_every_env_finishes():
    a = run_oracle("mini", num_envs=4, max_steps=5_000, seed=3)
    b = run_oracle("mini", num_envs=4, max_steps=5_000, seed=3)
    assert a["milestones"] == b["milestones"] and a["steps"] == b["steps"]
    assert all(a["finished"])
    for i in range(4):
        _assert_in_order(a, i)
    assert len(set(a["milestones"]["champion"])) > 1  # envs play different games


def test_oracle_restarts_with_the_game():
    env = GridmonEnv(1, GridmonConfig(world="mini", horizon=10**9, on_truncate="continue"), seed=1)
    oracle = Oracle(env, seed=1)
    for _ in range(5_000):
        _, _, terminated, _, _ = env.step(oracle.act())
        if terminated[0]:
            break
    assert terminated[0] and env.arrays["game_t"][0] == 0
    for _ in range(1_500):  # the plan starts over with the new game and finishes it again
        _, _, terminated, _, _ = env.step(oracle.act())
        if terminated[0]:
            break
    assert terminated[0]


def test_random_play_reaches_no_badge():
    env = GridmonEnv(
        1024, GridmonConfig(world="main", horizon=10**9, on_truncate="continue"), seed=0
    )
    rng = np.random.default_rng(0)
    for _ in range(1_000):
        env.step(rng.integers(0, C.NUM_ACTIONS, env.num_envs))
    assert env.arrays["n_badges"].max() == 0
