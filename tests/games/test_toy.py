"""The toy game keeps the batched game contract (autoreset, info, snapshots, seeds)."""

import numpy as np

from pocketrl.games.contract import BatchedGame
from pocketrl.games.toy import ToyConfig, ToyGame


def test_contract_shapes_and_info():
    game = ToyGame(5)
    assert isinstance(game, BatchedGame)
    obs = game.reset(1)
    for k, (shape, dtype) in game.obs_spec.items():
        assert obs[k].shape == (5, *shape) and obs[k].dtype == dtype
    obs, reward, term, trunc, info = game.step(np.zeros(5, np.int64))
    assert reward.dtype == np.float32 and reward.shape == (5,)
    np.testing.assert_allclose(reward, info["reward/explore"] + info["reward/goal"])
    assert info["milestones"].shape == (5, 2) and info["milestone_step"].dtype == np.int64


def test_same_step_autoreset_with_final_obs():
    game = ToyGame(2, ToyConfig(width=3, horizon=5))
    game.step(np.array([3, 4]))
    obs, reward, term, trunc, info = game.step(np.array([3, 4]))
    assert term.tolist() == [True, False]
    assert info["final_obs"]["pos"][0, 0] == 2  # ended on the goal column
    assert obs["pos"][0, 0] == 0  # already reset
    assert reward[0] >= 1.0
    for _ in range(3):
        obs, _, term, trunc, info = game.step(np.array([4, 4]))
    assert trunc.tolist() == [False, True] and not term[1]


def _rollout(game, steps):
    rng = np.random.default_rng(0)
    return [game.step(rng.integers(0, 7, game.num_envs))[0]["pos"].copy() for _ in range(steps)]


def test_same_seed_same_games_and_another_seed_other_starts():
    config = ToyConfig(height=50, horizon=5)  # many rows to start on, many restarts
    a = _rollout(ToyGame(4, config, seed=1), 40)
    b = _rollout(ToyGame(4, config, seed=1), 40)
    c = _rollout(ToyGame(4, config, seed=100), 40)
    assert all(np.array_equal(pa, pb) for pa, pb in zip(a, b))
    for i in range(4):  # same actions, other seed: each env starts on other rows
        assert any(pa[i, 1] != pc[i, 1] for pa, pc in zip(a, c)), i


def test_snapshot_restore_is_exact():
    a, b = ToyGame(3, seed=1), ToyGame(3, seed=2)
    rng = np.random.default_rng(0)
    for _ in range(7):
        a.step(rng.integers(0, 7, 3))
    b.restore([0, 1, 2], a.snapshot([0, 1, 2]))
    acts = rng.integers(0, 7, (20, 3))
    for t in range(20):
        oa, ra, *_ = a.step(acts[t])
        ob, rb, *_ = b.step(acts[t])
        for k in oa:
            np.testing.assert_array_equal(oa[k], ob[k])
        np.testing.assert_array_equal(ra, rb)
    assert a.render(0).shape == (144, 160, 3)


def test_restart_clock_keeps_the_place_and_resets_the_horizon():
    game = ToyGame(2, ToyConfig(horizon=5))
    for _ in range(3):
        game.step(np.array([3, 3]))
    game.restart_clock([0])
    assert game.obs["pos"][0, 0] == 3 and game.obs["state"][0, 0] == 0.0
    truncated = [game.step(np.array([0, 0]))[3] for _ in range(5)]
    assert [t.tolist() for t in truncated] == [[False, False], [False, True]] + [
        [False, False]
    ] * 2 + [[True, False]]
