"""The trainer on pokered: the policy reads its observation; a short training run."""

from __future__ import annotations

import numpy as np
import torch

from pocketrl.agents.policy import Policy, count_params
from pocketrl.config import PolicyConfig

from .conftest import make_env


def test_policy_reads_the_pokered_observation(test_rom):
    env = make_env(test_rom, num_envs=2)
    policy = Policy(env.obs_spec, env.obs_vocab, env.num_actions, PolicyConfig())
    assert count_params(policy) < 10_000_000
    obs = env.step(np.array([0, 1]))[0]
    logits, values, _ = policy.step({k: torch.from_numpy(v) for k, v in obs.items()})
    assert logits.shape == (2, 7) and values.shape == (2,)
    env.close()


def test_short_train_run(test_rom, tmp_path):
    import pytest

    from pocketrl import config

    if "pokered" not in config.GAMES or not hasattr(config.TrainConfig(), "pokered"):
        pytest.skip("the trainer does not select pokered yet (config.GAMES / [pokered])")
    from pocketrl.train import command

    code = command.main(
        [
            "--steps", "256", "--run-dir", str(tmp_path / "run"), "--no-progress",
            "--set", "game=pokered", "--set", f"pokered.rom={test_rom}",
            "--set", "pokered.allow_any_rom=true", "--set", "pokered.workers=0",
            "--set", "ppo.num_envs=4", "--set", "ppo.num_steps=32",
            "--set", "ppo.num_minibatches=2",
        ]
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "run" / "checkpoints" / "latest.pt").exists()
