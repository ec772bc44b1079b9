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
    from pocketrl.commands import train as command

    code = command.main(
        [
            "--steps", "256", "--run-dir", str(tmp_path / "run"), "--no-progress",
            "--rom", str(test_rom), "--allow-any-rom", "--set", "pokered.workers=0",
            "--set", "ppo.num_envs=4", "--set", "ppo.num_steps=32",
            "--set", "ppo.num_minibatches=2",
        ]
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "run" / "checkpoints" / "latest.pt").exists()


def test_train_names_the_rom_flag_when_the_rom_is_missing(tmp_path, capsys, monkeypatch):
    from pocketrl.commands import train as command

    monkeypatch.delenv("POCKETRL_ROM", raising=False)
    code = command.main(
        ["--game", "pokered", "--steps", "64", "--run-dir", str(tmp_path / "run"), "--no-progress"]
    )
    assert code != 0
    err = capsys.readouterr().err
    assert "--rom" in err and "POCKETRL_ROM" in err
