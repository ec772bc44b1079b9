"""Checkpoints: exact resume, continuous step counts, safe loading, clear errors."""

import json
import pickle

import pytest
import torch

from pocketrl.config import make_config
from pocketrl.train.checkpoint import (
    CheckpointError,
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
from pocketrl.train.logger import read_metrics
from pocketrl.train.runner import train

TINY = ["ppo.num_envs=16", "ppo.num_steps=16", "log_seconds=0", "torch_threads=1"]


def _weights(run_dir):
    return load_checkpoint(checkpoint_path(run_dir))["model"]


# the archive as it was, and with frontier waves and count-based restarts
ARCHIVES = {
    "best": ["explore.restart_fraction=0.5"],
    "waves": [
        "explore.restart_fraction=0.5",
        "explore.restart_select=count",
        "explore.frontier_fraction=0.5",
    ],
}


@pytest.mark.parametrize("lstm,archive", [(False, "best"), (True, "best"), (False, "waves")])
def test_resume_gives_the_same_weights_as_an_unbroken_run(tmp_path, lstm, archive):
    extra = (
        TINY
        + ARCHIVES[archive]
        + [
            f"policy.lstm={'true' if lstm else 'false'}",
            "ppo.bptt_horizon=8",
            "toy.horizon=12",
        ]
    )
    straight = tmp_path / "straight"
    train(make_config("toy", extra + ["total_steps=2048"]), straight, progress=False)
    broken = tmp_path / "broken"
    first = train(make_config("toy", extra + ["total_steps=1024"]), broken, progress=False)
    assert first.global_step == 1024
    second = train(
        make_config("toy", extra + ["total_steps=2048"]), broken, resume=True, progress=False
    )
    assert second.global_step == 2048
    a, b = _weights(straight), _weights(broken)
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0, msg=k)
    steps = [r["step"] for r in read_metrics(broken / "metrics.jsonl")]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert steps[-1] == 2048 and min(steps) <= 1024 < max(steps)
    ck = load_checkpoint(checkpoint_path(broken))
    assert ck["collector"]["global_step"] == 2048
    assert len(ck["collector"]["env_states"]) == 16
    assert ck["archive"] is not None and ck["counters"]["updates"] == 2048 // 256
    if archive == "waves":  # the waves happened, and resuming kept their bookkeeping
        assert ck["archive"]["waves"] >= 1 and ck["archive"]["frontier_count"] >= 1


def test_resume_drops_metrics_written_after_the_checkpoint(tmp_path):
    run = tmp_path / "run"
    train(make_config("toy", TINY + ["total_steps=512"]), run, progress=False)
    with open(run / "metrics.jsonl", "a") as f:
        f.write(json.dumps({"step": 99999, "perf/sps": 1.0}) + "\n")
    train(make_config("toy", TINY + ["total_steps=768"]), run, resume=True, progress=False)
    steps = [r["step"] for r in read_metrics(run / "metrics.jsonl")]
    assert 99999 not in steps and steps[-1] == 768


def test_atomic_save_leaves_no_temp_file(tmp_path):
    path = tmp_path / "c" / "latest.pt"
    save_checkpoint(path, {"x": torch.ones(2), "blob": b"abc"})
    assert load_checkpoint(path)["blob"] == b"abc"
    assert [p.name for p in path.parent.iterdir()] == ["latest.pt"]


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_corrupt_foreign_and_malicious_files_give_clear_errors(tmp_path):
    missing = tmp_path / "none.pt"
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_checkpoint(missing)
    corrupt = tmp_path / "corrupt.pt"
    save_checkpoint(corrupt, {"x": torch.ones(1000)})
    corrupt.write_bytes(corrupt.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="not a readable pocketrl checkpoint"):
        load_checkpoint(corrupt)
    foreign = tmp_path / "foreign.pt"
    torch.save({"state_dict": torch.ones(1)}, foreign)
    with pytest.raises(CheckpointError, match="not a pocketrl checkpoint"):
        load_checkpoint(foreign)

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"format": "pocketrl-checkpoint", "x": Evil()}))
    with pytest.raises(CheckpointError):
        load_checkpoint(evil)
    evil2 = tmp_path / "evil2.pt"
    torch.save({"format": "pocketrl-checkpoint", "version": 1, "x": Evil()}, evil2)
    with pytest.raises(CheckpointError, match="not allowed"):
        load_checkpoint(evil2)


def test_resume_with_a_mismatched_config_is_a_clear_error(tmp_path):
    run = tmp_path / "run"
    train(make_config("toy", TINY + ["total_steps=256"]), run, progress=False)
    bigger = make_config("toy", TINY + ["total_steps=512", "policy.hidden=32"])
    with pytest.raises(CheckpointError, match="does not match"):
        train(bigger, run, resume=True, progress=False)


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    from pocketrl.train import runner
    from pocketrl.train.ppo import NonFiniteLossError

    real, calls = runner.ppo_update, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise NonFiniteLossError("loss is nan (test)")
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "ppo_update", flaky)
    run = tmp_path / "run"
    result = train(make_config("toy", TINY + ["total_steps=4096"]), run, progress=False)
    assert result.status == "nan"
    assert "last good checkpoint" in result.message and "learning_rate" in result.message
    kept = load_checkpoint(checkpoint_path(run))
    assert kept["collector"]["global_step"] == 0  # the last save before the NaN
    assert torch.isfinite(next(iter(kept["model"].values()))).all()
