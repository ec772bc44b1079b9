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


def test_eval_snapshots_plays_every_policy_of_a_run_and_marks_the_furthest(tmp_path, capsys):
    import json

    from pocketrl.cli import main

    run = tmp_path / "run"
    train(make_config("toy", TINY + ["total_steps=768", "snapshot_steps=256"]), run, progress=False)
    # 8 games of 200 steps: a toy policy this young gets halfway in some (random play
    # does in 8 of 8 by step 100), so one policy is marked
    assert main(["eval", str(run), "--snapshots", "--envs", "8", "--steps", "200"]) == 0
    out = capsys.readouterr().out
    for step in (256, 512, 768):
        assert (run / "checkpoints" / f"eval-step-{step:011d}" / "eval.json").is_file()
        assert f"\n{step:,} " in out  # one row per snapshot, labelled by its env step
    assert (run / "eval" / "eval.json").is_file()  # the latest policy's, where eval puts it
    summary = json.loads((run / "eval-snapshots.json").read_text())
    labels = [p["label"] for p in summary["policies"]]
    assert labels == ["256", "512", "768", "latest"]
    assert summary["furthest"] in labels and f"* got furthest: {summary['furthest']}" in out
    assert (summary["envs"], summary["steps"]) == (8, 200)


def test_eval_snapshots_needs_a_run_that_kept_them(tmp_path, capsys):
    from pocketrl.cli import main

    run = tmp_path / "run"
    train(make_config("toy", TINY + ["total_steps=256"]), run, progress=False)
    capsys.readouterr()
    assert main(["eval", str(run), "--snapshots", "--envs", "2", "--steps", "20"]) != 0
    assert "--set snapshot_steps=N" in capsys.readouterr().err
    file = str(checkpoint_path(run))
    assert main(["eval", file, "--snapshots", "--envs", "2", "--steps", "20"]) != 0
    assert "needs a run dir" in capsys.readouterr().err


def test_the_furthest_policy_is_judged_from_the_deepest_milestone_back():
    import numpy as np

    from pocketrl.commands.eval_snapshots import furthest, snapshot_table
    from pocketrl.evaluate import EvalResult, MilestoneRow

    def result(*reached):
        rows = [MilestoneRow(f"m{j}", n, n / 64, None, None) for j, n in enumerate(reached)]
        return EvalResult("policy", "toy", 64, 100, 0, 1.0, rows, 0.0, -1, np.zeros((64, 3)))

    # most games at the deepest milestone wins; a tie there goes to the milestone before;
    # more games at shallow milestones do not outweigh one game further on
    results = [result(64, 60, 0), result(50, 30, 2), result(64, 40, 2), result(64, 64, 1)]
    assert furthest(results) == 2
    text = snapshot_table(["a", "b", "c", "d"], results)
    assert text.splitlines()[4].endswith("*") and "got furthest: c" in text
    # nobody past m0: the table shows m0 and the next milestone only
    assert "m2" not in snapshot_table(["a"], [result(3, 0, 0)])
    # nobody reached anything: no policy is marked
    none = snapshot_table(["a", "b"], [result(0, 0, 0), result(0, 0, 0)])
    assert "*" not in none and "no policy reached a milestone" in none
