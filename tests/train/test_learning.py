"""PPO must learn tiny games within a small step budget that random play does not solve:
the toy corridor, and a gridmon world built for it (tests/train/data/corridor). How fast
training runs is measured by `pocketrl bench`, not here."""

from pathlib import Path

import numpy as np
import pytest
import torch

from pocketrl.agents.load import load_policy
from pocketrl.config import make_config
from pocketrl.evaluate import RandomAgent, evaluate
from pocketrl.games.gridmon.config import GridmonConfig
from pocketrl.games.gridmon.env import GridmonEnv
from pocketrl.train.logger import read_metrics
from pocketrl.train.runner import train

CORRIDOR = Path(__file__).parent / "data" / "corridor"  # a gridmon world folder


@pytest.fixture
def one_torch_thread():
    """Train on one torch thread (torch_threads=1): on a shared 2-core machine, torch's
    default of one thread per core made these runs about 10 times slower. The process-wide
    setting is put back afterwards."""
    threads = torch.get_num_threads()
    yield "torch_threads=1"
    torch.set_num_threads(threads)


def test_ppo_learns_the_toy_game(tmp_path, one_torch_thread):
    cfg = make_config("toy", ["total_steps=100_000", "explore.archive=false", one_torch_thread])
    result = train(cfg, tmp_path / "run", progress=False)
    assert result.status == "done"
    assert result.milestones["goal"] >= 0
    last = [
        r for r in read_metrics(tmp_path / "run" / "metrics.jsonl") if r.get("env/episode_length")
    ][-1]
    # the corridor is 8 wide: 7 steps is optimal; a random walk rarely makes it in 40
    assert last["env/episode_length"] < 11, last
    assert last["env/episode_return"] > 1.0, last


HORIZON, BUDGET, ENVS = 64, 32_768, 64
GRIDMON_RUN = [
    "game=gridmon",
    f"env.horizon={HORIZON}",
    "env.rewards.explore=0.05",
    f"total_steps={BUDGET}",
    "explore.archive=false",  # no restarts from saved states: the policy must walk there
    "heatmap_minutes=0",
    "log_seconds=1.0",
    "policy.hidden=64",
    "policy.embed_dim=4",
    "policy.conv_channels=8",
    "policy.state_hidden=32",
    f"ppo.num_envs={ENVS}",
    "ppo.num_steps=32",
    "ppo.num_minibatches=4",
    "ppo.update_epochs=4",
    "ppo.learning_rate=2.5e-3",
    "ppo.gamma=0.99",
]


def _corridor_env(seed: int) -> GridmonEnv:
    return GridmonEnv(ENVS, GridmonConfig(world=str(CORRIDOR), horizon=HORIZON), seed=seed)


def _random_play_hits(steps: int, seed: int) -> tuple[int, int]:
    """(episodes that took the prize, episodes) of random play for ``steps`` env steps."""
    env, rng = _corridor_env(seed), np.random.default_rng(seed)
    hits = episodes = 0
    for _ in range(steps // ENVS):
        _, _, terminated, truncated, info = env.step(rng.integers(0, 7, ENVS))
        ended = terminated | truncated
        episodes += int(ended.sum())
        hits += int((info["final_milestone_step"][ended, 0] >= 0).sum())
    return hits, episodes


def _share_of_new_games(env, agent) -> float:
    """Share of ``ENVS`` new games where ``agent`` takes the prize within one episode."""
    result = evaluate(env, agent, HORIZON, "agent", seed=1000, record_actions=False)
    assert result.milestones[0].name == "prize"
    return result.milestones[0].share


def test_ppo_learns_a_tiny_gridmon_world(tmp_path, one_torch_thread):
    """The prize lies 16 tiles down a corridor (17 steps at best, A facing it), and an
    episode lasts 64 steps. Random play takes it in about 6 of 100,000 episodes; PPO, in
    32,768 env steps, first took it after about 7,000-23,000 steps and then in every new
    game (seeds 0-9; about 7 s of training on 2 CPU cores)."""
    cfg = make_config(None, [*GRIDMON_RUN, one_torch_thread])
    cfg.env.world = str(CORRIDOR)  # a path to a world folder
    run = tmp_path / "run"
    result = train(cfg, run, progress=False)
    assert result.status == "done" and result.global_step == BUDGET
    assert result.milestones["prize"] >= 0, result.milestones

    random_hits, episodes = _random_play_hits(BUDGET, seed=0)  # the same budget
    assert episodes == BUDGET // HORIZON and random_hits <= 2, (random_hits, episodes)

    env = _corridor_env(1000)
    trained = _share_of_new_games(env, load_policy(run).agent(env, seed=1))
    random = _share_of_new_games(_corridor_env(1000), RandomAgent(ENVS, 7, seed=1))
    assert trained >= 0.5 and random <= 0.05, (trained, random)
