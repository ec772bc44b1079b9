"""The toy game keeps the batched game contract (autoreset, info, snapshots)."""

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
