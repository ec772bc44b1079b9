"""Policy snapshots (``snapshot_steps``): the policy kept at fixed env-step marks, to be
evaluated, watched or fine-tuned from later like a run dir."""

import pytest
import torch

from pocketrl.agents.load import load_policy
from pocketrl.config import ConfigError, make_config
from pocketrl.train.checkpoint import checkpoint_path, load_checkpoint, snapshot_path
from pocketrl.train.runner import train

TINY = ["ppo.num_envs=16", "ppo.num_steps=16", "log_seconds=0", "torch_threads=1"]


def test_a_snapshot_is_kept_each_time_the_step_count_crosses_a_multiple(tmp_path):
    # 256 env steps per rollout: marks 300, 600, 900 are crossed by the rollouts ending
    # at 512, 768 and 1024
    run = tmp_path / "run"
    train(
        make_config("toy", TINY + ["total_steps=1024", "snapshot_steps=300"]), run, progress=False
    )
    kept = sorted(p.name for p in (run / "checkpoints").glob("step-*.pt"))
    assert kept == [snapshot_path(run, s).name for s in (512, 768, 1024)]
    # the last one holds the weights the run ended with, and loads like a run dir
    latest = load_checkpoint(checkpoint_path(run))["model"]
    loaded = load_policy(snapshot_path(run, 1024))
    assert loaded.config.snapshot_steps == 300
    for k, v in latest.items():
        torch.testing.assert_close(loaded.state_dict[k], v, rtol=0, atol=0, msg=k)
    # an earlier one holds earlier weights, and a fine-tuning run can start from it
    early = load_policy(snapshot_path(run, 512)).state_dict
    assert any(not torch.equal(early[k], v) for k, v in latest.items())
    ft = tmp_path / "ft"
    frozen = TINY + ["total_steps=256", "ppo.learning_rate=0"]
    train(
        make_config("toy", frozen + [f'init_from="{snapshot_path(run, 512)}"']), ft, progress=False
    )
    tuned = load_checkpoint(checkpoint_path(ft))["model"]
    for k, v in early.items():
        torch.testing.assert_close(tuned[k], v, rtol=0, atol=0, msg=k)


def test_no_snapshots_by_default_and_a_negative_interval_is_refused(tmp_path):
    run = tmp_path / "run"
    train(make_config("toy", TINY + ["total_steps=512"]), run, progress=False)
    assert not list((run / "checkpoints").glob("step-*.pt"))
    with pytest.raises(ConfigError, match="snapshot_steps"):
        make_config("toy", TINY + ["snapshot_steps=-1"])


def test_eval_of_a_snapshot_writes_beside_it_under_its_own_name(tmp_path, capsys):
    from pocketrl.cli import main

    run = tmp_path / "run"
    train(make_config("toy", TINY + ["total_steps=512", "snapshot_steps=256"]), run, progress=False)
    for step in (256, 512):
        assert main(["eval", str(snapshot_path(run, step)), "--envs", "2", "--steps", "20"]) == 0
    for step in (256, 512):
        assert (run / "checkpoints" / f"eval-step-{step:011d}" / "eval.json").is_file()
