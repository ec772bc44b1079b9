"""The collector's bookkeeping: milestones are counted on the step an episode ends."""

import numpy as np
import torch

from pocketrl.agents.policy import Policy
from pocketrl.config import PolicyConfig
from pocketrl.games.toy import ToyConfig, ToyGame
from pocketrl.train.rollout import Collector, RolloutStorage

RIGHT = 3


class AutoresetShowsNewGame(ToyGame):
    """The toy game, but ``info["milestones"]`` shows ended envs' *new* game (as gridmon
    and pokered do after their autoreset); the ended game's milestones are only in
    ``final_milestone_step``, which the contract provides for exactly this."""

    def step(self, actions):
        obs, reward, terminated, truncated, info = super().step(actions)
        info["milestones"] = info["milestones"].copy()
        info["milestones"][terminated | truncated] = False
        return obs, reward, terminated, truncated, info


def test_a_milestone_reached_on_the_last_step_of_an_episode_is_recorded():
    """The toy's goal ends the episode the step it is reached, like gridmon's champion:
    the trainer must still record it (it once read only the post-reset milestones and
    never saw a training env beat the champion)."""
    torch.manual_seed(0)
    game = AutoresetShowsNewGame(4)
    cfg = PolicyConfig(hidden=8, embed_dim=2, conv_channels=2, state_hidden=4)
    policy = Policy(game.obs_spec, game.obs_vocab, game.num_actions, cfg)
    with torch.no_grad():  # a policy that walks right: the goal is 7 steps away
        policy.actor.bias.fill_(-50.0)
        policy.actor.bias[RIGHT] = 50.0
    collector = Collector(game, policy, None, "cpu", 0)
    collector.collect(RolloutStorage(game.obs_spec, 16, 4))
    goal = game.milestones.index("goal")
    assert collector.milestone_first_step[goal] == 7 * 4  # the 7th batch step of 4 envs
    assert not np.asarray(collector.last_info["milestones"])[:, goal].any()


class InfoViewsState(AutoresetShowsNewGame):
    """Like gridmon: ``info["final_milestone_step"]`` is a view of the game's state, so a
    restore (an archive restart in the same step) overwrites it with the snapshot's."""

    def reset(self, seed=None):
        self._final_ms = np.full((self.num_envs, 2), -1, np.int64)
        return super().reset(seed)

    def step(self, actions):
        obs, reward, terminated, truncated, info = super().step(actions)
        done = terminated | truncated
        self._final_ms[done] = info["final_milestone_step"][done]
        info["final_milestone_step"] = self._final_ms
        return obs, reward, terminated, truncated, info

    def restore(self, env_ids, states):
        super().restore(env_ids, states)
        self._final_ms[np.asarray(env_ids)] = 0  # whatever the snapshot held: "reached"


def test_restarts_in_the_ending_step_do_not_fake_milestones():
    """Envs that truncate and are restored from the archive in the same step: the
    milestones recorded are those of the episodes that ended, not the restored state's."""
    from pocketrl.config import ExploreConfig
    from pocketrl.train.explore import Archive

    torch.manual_seed(0)
    game = InfoViewsState(4, config=ToyConfig(horizon=3))
    cfg = PolicyConfig(hidden=8, embed_dim=2, conv_channels=2, state_hidden=4)
    policy = Policy(game.obs_spec, game.obs_vocab, game.num_actions, cfg)
    with torch.no_grad():  # stands still: no milestone in 3 steps
        policy.actor.bias.fill_(-50.0)
        policy.actor.bias[0] = 50.0
    archive = Archive(ExploreConfig(restart_fraction=1.0), 4, 2, np.random.default_rng(0))
    collector = Collector(game, policy, archive, "cpu", 0)
    archive.observe(game, np.array([[True, False]] * 4), np.zeros(4, bool), 0)  # one cell
    collector.collect(RolloutStorage(game.obs_spec, 8, 4))
    assert collector.window["restarts"] > 0  # envs truncated and were restored
    assert collector.milestone_first_step == [-1, -1]


def test_drilling_envs_begin_each_rollout_at_a_gate_as_a_new_episode():
    """At a rollout boundary the drilling envs (the last of the batch) are sent to a gate:
    the rollout stores the gate's observation for them and marks their first step as an
    episode start (no value flows back into the game they left)."""
    from pocketrl.config import ExploreConfig
    from pocketrl.train.explore import Archive

    torch.manual_seed(0)
    game = ToyGame(4)
    cfg = PolicyConfig(hidden=8, embed_dim=2, conv_channels=2, state_hidden=4)
    policy = Policy(game.obs_spec, game.obs_vocab, game.num_actions, cfg)
    with torch.no_grad():  # stands still
        policy.actor.bias.fill_(-50.0)
        policy.actor.bias[0] = 50.0
    archive = Archive(ExploreConfig(drill_fraction=0.5), 4, 2, np.random.default_rng(0))
    collector = Collector(game, policy, archive, "cpu", 0)
    storage = RolloutStorage(game.obs_spec, 4, 4)
    collector.collect(storage)  # no gate yet: nobody is moved
    gate_game = ToyGame(4)
    for _ in range(2):
        gate_game.step(np.full(4, RIGHT))
    none, done, one = np.zeros((4, 2), bool), np.zeros(4, bool), np.ones(4, np.int64)
    archive.observe(gate_game, none, done, 8, events=one)  # a cell at x = 2 ...
    archive.observe(gate_game, np.array([[True, False]] + [[False, False]] * 3), done, 9, one)
    assert len(archive.gates) == 1  # ... that env 0 went on from to a milestone
    collector.collect(storage)
    np.testing.assert_array_equal(storage.starts[0].numpy(), [0, 0, 1, 1])
    np.testing.assert_array_equal(storage.obs_np["pos"][0][:, 0], [0, 0, 2, 2])
    assert collector.window["restarts"] == 2
