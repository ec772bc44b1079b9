"""Search at play time (agents/search.py): a perfect critic picks the better action, the
real game is untouched by the copies, simulated steps are counted exactly, and the
choice rules do what they say."""

import numpy as np
import pytest
import torch

from pocketrl.agents.load import PolicyAgent
from pocketrl.agents.policy import Policy
from pocketrl.agents.search import SearchAgent, SearchSettings, choose
from pocketrl.config import PolicyConfig
from pocketrl.evaluate import RandomAgent, evaluate, table
from pocketrl.games import make_game
from pocketrl.games.toy import ToyConfig

LEFT, RIGHT, B = 2, 3, 5  # toy actions: B does not move


def toy(num_envs, seed=0):
    return make_game("toy", num_envs, seed, config=ToyConfig(width=8, height=3, horizon=40))


class TwoActions:
    """A rollout whose copies start alternately with LEFT and RIGHT, then stand still;
    its critic values a copy's leaf by ``value_of(x)``."""

    bytes_per_copy = 0

    def __init__(self, value_of):
        self.value_of = value_of

    def begin(self, copies):
        self.first = True

    def act(self, obs, done):
        n = len(obs["pos"])
        if self.first:
            self.first = False
            return np.where(np.arange(n) % 2 == 0, LEFT, RIGHT)
        return np.full(n, B)

    def value(self, obs, done):
        return self.value_of(obs["pos"][:, 0].astype(np.float64))


@pytest.mark.parametrize("mode", ["best", "mean"])
@pytest.mark.parametrize(("critic", "better"), [(lambda x: x, RIGHT), (lambda x: -x, LEFT)])
def test_a_perfect_critic_picks_the_better_of_two_actions(mode, critic, better):
    env = toy(3)
    env.step(np.full(3, RIGHT))  # x = 1: both LEFT and RIGHT move
    settings = SearchSettings(copies=4, depth=2, mode=mode, gamma=0.9)
    agent = SearchAgent(env, RandomAgent(3, 7, seed=0), settings, toy, rollout=TwoActions(critic))
    for _ in range(3):
        actions = agent.act(env.obs)
        assert actions.tolist() == [better] * 3
        env.step(actions)


def test_choose_best_takes_the_best_copy_and_mean_the_best_average():
    first = np.array([[0, 1, 1], [2, 2, 0]])
    scores = np.array([[3.0, 4.0, 0.0], [1.0, 1.0, 1.0]])
    assert choose(first, scores, "best").tolist() == [1, 2]  # ties: the lowest copy
    assert choose(first, scores, "mean").tolist() == [0, 0]  # 3 > (4 + 0) / 2; ties: lowest


class CountingGame:
    """A game that counts the env steps taken through it."""

    def __init__(self, game):
        self.game, self.env_steps = game, 0

    def __getattr__(self, name):
        return getattr(self.game, name)

    def step(self, actions):
        self.env_steps += len(actions)
        return self.game.step(actions)


def test_simulated_steps_are_counted_exactly():
    envs, copies, depth, every, steps = 3, 4, 5, 2, 7
    env = toy(envs)
    sims = []

    def make_sim(n):
        sims.append(CountingGame(toy(n, seed=99)))
        return sims[0]

    settings = SearchSettings(copies=copies, depth=depth, every=every, policy="random")
    agent = SearchAgent(env, RandomAgent(envs, 7, seed=0), settings, make_sim)
    r = evaluate(env, agent, steps, "random", seed=0)
    searches = -(-steps // every)  # before steps 1, 3, 5, 7
    assert r.search["searches"] == searches
    assert r.search["sim_steps"] == envs * copies * depth * searches == sims[0].env_steps
    assert f"{envs * copies * depth * searches:,} simulated env steps" in table(r)


def small_policy(env, lstm=True):
    torch.manual_seed(0)
    cfg = PolicyConfig(hidden=32, embed_dim=4, conv_channels=8, state_hidden=16, lstm=lstm)
    return Policy(env.obs_spec, env.obs_vocab, env.num_actions, cfg).eval()


def mini(num_envs, seed):
    return make_game("gridmon", num_envs, seed, world="mini", horizon=10**6)


def search_eval(seed, search_seed, steps=24):
    env = mini(2, seed)
    prior = PolicyAgent(small_policy(env), 2, greedy=False, seed=seed)
    settings = SearchSettings(copies=3, depth=4, seed=search_seed)
    agent = SearchAgent(env, prior, settings, lambda n: mini(n, search_seed))
    r = evaluate(env, agent, steps, "policy", seed=seed)
    return r, env


def test_the_real_game_is_untouched_by_the_copies():
    """Same seed and search seed: the same real game twice; and replaying its recorded
    actions without search ends in exactly the same state (restore is exact)."""
    r1, env1 = search_eval(seed=5, search_seed=11)
    r2, env2 = search_eval(seed=5, search_seed=11)
    assert np.array_equal(r1.actions, r2.actions)
    assert env1.snapshot([0, 1]) == env2.snapshot([0, 1])
    replay = mini(2, 5)
    for a in r1.actions:
        replay.step(a.astype(np.int64))
    assert replay.snapshot([0, 1]) == env1.snapshot([0, 1])
    # the search did choose: the policy alone (same seed) plays otherwise
    env = mini(2, 5)
    alone = evaluate(env, PolicyAgent(small_policy(env), 2, False, 5), 24, "policy", seed=5)
    assert not np.array_equal(alone.actions, r1.actions)


def test_the_policy_rollout_starts_from_the_real_agents_memory():
    env = mini(2, 0)
    prior = PolicyAgent(small_policy(env), 2, greedy=False, seed=0)
    agent = SearchAgent(env, prior, SearchSettings(copies=3, depth=1), lambda n: mini(n, 1))
    for _ in range(3):
        env.step(agent.act(env.obs))
    before = tuple(s.clone() for s in prior.state)
    agent.rollout.begin(3)
    for mine, real in zip(agent.rollout.state, before, strict=True):
        assert torch.equal(mine, real.repeat_interleave(3, 0))
    assert agent.rollout.starts.tolist() == [0.0] * 6


class NoSnapshots:
    label = "nosnap"
    num_envs, num_actions = 1, 7
    obs_spec = {}


def test_bad_search_settings_are_refused_clearly():
    env = toy(2)
    prior = RandomAgent(2, 7)
    with pytest.raises(ValueError, match="--search-depth must be >= 1"):
        SearchAgent(env, prior, SearchSettings(copies=2, depth=0, policy="random"), toy)
    with pytest.raises(ValueError, match="--search must be a whole number >= 0"):
        SearchAgent(env, prior, SearchSettings(copies=-1, policy="random"), toy)
    with pytest.raises(ValueError, match="nosnap cannot snapshot"):
        SearchAgent(NoSnapshots(), prior, SearchSettings(copies=2, policy="random"), toy)
    with pytest.raises(ValueError, match="--search-policy policy needs a trained policy"):
        SearchAgent(env, prior, SearchSettings(copies=2), toy)


def test_too_many_copies_are_refused_with_the_memory_estimate():
    env = toy(4)
    made = []
    settings = SearchSettings(copies=1000, policy="random")
    with pytest.raises(ValueError) as e:
        SearchAgent(env, RandomAgent(4, 7), settings, made.append, available=10**6)
    text = str(e.value)
    assert "4,000 copies" in text and "MB of memory" in text and "at most --search" in text
    assert not made  # refused before any copy was made
