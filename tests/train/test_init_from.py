"""Fine-tuning: a new run that starts from another run's policy weights (``init_from``)."""

import pytest
import torch

from pocketrl.cli import main
from pocketrl.config import load_config, make_config
from pocketrl.train.checkpoint import CheckpointError, checkpoint_path, load_checkpoint
from pocketrl.train.runner import train

TINY = ["ppo.num_envs=16", "ppo.num_steps=16", "log_seconds=0", "torch_threads=1"]


def _weights(run_dir):
    return load_checkpoint(checkpoint_path(run_dir))["model"]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A short toy run whose weights the fine-tuning runs start from."""
    run = tmp_path_factory.mktemp("source") / "run"
    train(make_config("toy", TINY + ["total_steps=512"]), run, progress=False)
    return run


def test_a_fine_tuning_run_starts_from_the_source_weights_with_fresh_counters(tmp_path, source):
    # with a learning rate of 0 the weights cannot move: what the run ends with is what
    # it started from
    frozen = TINY + ["total_steps=256", "ppo.learning_rate=0"]
    tuned = train(
        make_config("toy", frozen + [f'init_from="{source}"']), tmp_path / "ft", progress=False
    )
    assert tuned.global_step == 256  # its own step count, not the source's 512
    for k, v in _weights(source).items():
        torch.testing.assert_close(_weights(tmp_path / "ft")[k], v, rtol=0, atol=0, msg=k)
    # a new run of the same seed without init_from has other weights
    train(make_config("toy", frozen), tmp_path / "new", progress=False)
    assert any(
        not torch.equal(_weights(tmp_path / "new")[k], v) for k, v in _weights(source).items()
    )
    # the run's config says where its weights came from; the checkpoint file works too
    assert load_config(tmp_path / "ft" / "config.toml").init_from == str(source)
    ckpt_file = checkpoint_path(source)
    train(
        make_config("toy", frozen + [f'init_from="{ckpt_file}"']), tmp_path / "ft2", progress=False
    )
    torch.testing.assert_close(_weights(tmp_path / "ft2"), _weights(source), rtol=0, atol=0)


def test_resuming_a_fine_tuning_run_keeps_its_own_weights(tmp_path, source):
    cfg = TINY + [f'init_from="{source}"']
    run = tmp_path / "ft"
    train(make_config("toy", cfg + ["total_steps=256"]), run, progress=False)
    after_first = _weights(run)
    train(make_config("toy", cfg + ["total_steps=256"]), run, resume=True, progress=False)
    torch.testing.assert_close(_weights(run), after_first, rtol=0, atol=0)


def test_other_policy_settings_are_refused_naming_the_setting(tmp_path, source):
    cfg = make_config(
        "toy", TINY + ["total_steps=256", "policy.hidden=32", f'init_from="{source}"']
    )
    with pytest.raises(CheckpointError, match=r"policy\.hidden=64 \(here 32\)"):
        train(cfg, tmp_path / "ft", progress=False)


def test_the_cli_says_what_is_wrong_before_training(tmp_path, source, capsys):
    missing = tmp_path / "nowhere"
    argv = ["train", "--preset", "toy", "--steps", "256", "--run-dir", str(tmp_path / "a")]
    assert main(argv + ["--init-from", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "no checkpoint there" in err and str(missing) in err
    assert not (tmp_path / "a").exists()
    assert main(["train", "--resume", str(source), "--init-from", str(source)]) == 2
    assert "drop --preset/--run-dir/--init-from" in capsys.readouterr().err


def test_the_cli_records_the_source_as_an_absolute_path(tmp_path, source, monkeypatch):
    monkeypatch.chdir(source.parent)
    run = tmp_path / "ft"
    argv = ["train", "--preset", "toy", "--steps", "256", "--run-dir", str(run)]
    assert main(argv + ["--set", "ppo.num_envs=16", "--init-from", source.name]) == 0
    assert load_config(run / "config.toml").init_from == str(source.resolve())


def test_settings_that_differ_from_the_source_run_are_named(tmp_path, source, capsys):
    # --init-from takes the weights only: a run that plays another problem than its
    # source (a forgotten --preset) says so, setting by setting
    base = TINY + ["total_steps=256", f'init_from="{source}"']
    train(make_config("toy", base), tmp_path / "same", progress=False)
    assert "only the weights carry over" not in capsys.readouterr().err
    train(make_config("toy", base + ["ppo.gamma=0.9"]), tmp_path / "other", progress=False)
    err = capsys.readouterr().err
    assert "only the weights carry over" in err and "ppo.gamma = 0.9 (there 0.99" in err
