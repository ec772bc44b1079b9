"""The train sub-command: a smoke run with a tiny budget, errors, resume, the hook."""

import argparse
import sys
from pathlib import Path

import pytest

from pocketrl.agents.policy import PART_KEYS, Policy, count_params, policy_size
from pocketrl.commands import train as command
from pocketrl.config import make_config
from pocketrl.train.runner import TrainResult


def _parse(argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    command.add_parser(sub)
    return parser.parse_args(["train", *argv])


def test_smoke_run_writes_the_run_dir_and_summary(tmp_path, capsys):
    run = tmp_path / "run"
    args = _parse(
        [
            "--preset",
            "toy",
            "--steps",
            "2048",
            "--run-dir",
            str(run),
            "--seed",
            "3",
            "--set",
            "ppo.num_envs=16",
            "--no-progress",
        ]
    )
    assert args.func is command.run
    assert args.func(args) == 0
    out = capsys.readouterr()
    assert "parameters" in out.err
    assert "goal" in out.out and "first reached" in out.out
    assert out.out.rstrip().endswith(f"train --resume {run} --steps 4096")  # the next step
    for name in ("config.toml", "metrics.jsonl", "curves.png", "checkpoints/latest.pt"):
        assert (run / name).exists(), name
    assert list((run / "tb").iterdir())
    assert "seed = 3" in (run / "config.toml").read_text()
    # resume extends the step budget and continues the count
    args = _parse(["--resume", str(run), "--steps", "4096", "--no-progress"])
    assert args.func(args) == 0
    assert "4,096 env steps" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--preset", "toy", "--set", "ppo.lr=1"], "learning_rate"),
        (["--preset", "nope"], "unknown preset"),
        (["--preset", "toy", "--set", "ppo.num_envs=-1"], "ppo.num_envs"),
        (["--resume", "/nonexistent/run"], "config.toml"),
        (["--preset", "toy", "--device", "cuda:0"], "device"),
    ],
)
def test_errors_are_clear_and_exit_2(argv, message, capsys, tmp_path):
    args = _parse(
        [*argv, "--no-progress"]
        + (["--run-dir", str(tmp_path / "r")] if "--resume" not in argv else [])
    )
    if "cuda" in message or "device" in message:
        import torch

        if torch.cuda.is_available():
            pytest.skip("CUDA present")
    assert command.run(args) == 2
    err = capsys.readouterr().err
    assert "pocketrl train: error:" in err and message in err


def test_refuses_to_overwrite_a_run(tmp_path, capsys):
    run = tmp_path / "run"
    argv = [
        "--preset",
        "toy",
        "--steps",
        "512",
        "--run-dir",
        str(run),
        "--no-progress",
        "--set",
        "ppo.num_envs=16",
    ]
    assert command.main(argv) == 0
    assert command.main(argv) == 2
    assert "--resume" in capsys.readouterr().err


@pytest.mark.parametrize(
    "flag, rel, message",
    [
        ("--run-dir", "notes.txt", "--run-dir {f} is a file, not a folder"),
        ("--run-dir", "notes.txt/run", "cannot be created: {f} is a file, not a folder"),
        ("--resume", "notes.txt", "--resume {f} is a file; give the run dir"),
    ],
)
def test_a_file_where_a_run_dir_belongs_is_a_clear_error(tmp_path, capsys, flag, rel, message):
    file = tmp_path / "notes.txt"
    file.write_text("mine")
    argv = [flag, str(tmp_path / rel), "--no-progress"]
    argv += ["--preset", "toy"] if flag == "--run-dir" else []
    assert command.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("pocketrl train: error: ") and message.format(f=file) in err, err
    assert file.read_text() == "mine"


def test_heatmap_is_written_while_training_and_not_for_tiny_runs(tmp_path):
    base = [
        "--preset",
        "gridmon-mini",
        "--steps",
        "4096",
        "--no-progress",
        "--set",
        "ppo.num_envs=32",
        "--set",
        "ppo.num_steps=32",
    ]
    quick = tmp_path / "quick"
    # a run shorter than heatmap_minutes writes none (60, not the default 2: a loaded
    # machine can take 2 minutes for this run)
    args = _parse([*base, "--run-dir", str(quick), "--set", "heatmap_minutes=60"])
    assert args.func(args) == 0
    assert not (quick / "heatmap.png").exists()
    often = tmp_path / "often"
    args = _parse([*base, "--run-dir", str(often), "--set", "heatmap_minutes=0.00001"])
    assert args.func(args) == 0
    assert (often / "heatmap.png").stat().st_size > 1000


def test_a_huge_policy_is_refused_before_anything_is_built(tmp_path, capsys):
    run = tmp_path / "run"
    argv = ["--preset", "toy", "--set", "policy.hidden=200000", "--run-dir", str(run)]
    assert command.main([*argv, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pocketrl train: error: the policy would have ")
    assert "refuses more than 10,000,000" in err
    assert "body " in err and "set by policy.hidden" in err and "policy.hidden=200000" in err
    cfg = command.build_config(_parse(argv))[0]
    total = sum(policy_size(*command.policy_inputs(cfg), cfg.policy).values())
    assert total > 10_000_000 and f"{total:,} parameters" in err
    assert not run.exists()  # refused before the run dir, the game or the policy were made


@pytest.mark.parametrize("preset", ["toy", "gridmon-mini"])
@pytest.mark.parametrize("lstm", [False, True])
def test_policy_size_counts_what_training_builds(preset, lstm):
    cfg = make_config(preset, [f"policy.lstm={str(lstm).lower()}", "policy.hidden=48"])
    inputs = command.policy_inputs(cfg)
    parts = policy_size(*inputs, cfg.policy)
    assert set(parts) <= set(PART_KEYS) and ("lstm" in parts) == lstm
    assert sum(parts.values()) == count_params(Policy(*inputs, cfg.policy))
    assert command.check_policy_size(cfg) == sum(parts.values())


def _ended(status, run_dir):
    return TrainResult(status, 6_000, Path(run_dir))


def test_next_steps_name_the_commands_for_this_run(monkeypatch, tmp_path):
    gridmon = make_config("gridmon-mini", ["total_steps=5000", "minutes=3"])
    script = tmp_path / "venv" / "bin" / "pocketrl"
    monkeypatch.setattr(sys, "argv", [str(script), "train"])
    p = str(script)
    done = command.next_steps(_ended("done", "runs/my run"), gridmon)
    assert done == [
        "next:",
        f"  evaluate the policy:  {p} eval 'runs/my run' --envs 64 --steps 20000",
        f"  watch it play:        {p} watch 'runs/my run'",
        f"  train it further:     {p} train --resume 'runs/my run' --steps 12000 --minutes 3",
    ]
    stopped = command.next_steps(_ended("interrupted", "r"), gridmon)
    assert stopped[1] == f"  continue training:    {p} train --resume r"
    assert len(stopped) == 4 and not any("further" in line for line in stopped)
    nan = command.next_steps(_ended("nan", "r"), gridmon)
    assert "evaluate the last good policy" in nan[1] and len(nan) == 3
    toy = command.next_steps(_ended("done", "r"), make_config("toy", ["total_steps=10"]))
    assert toy[-1] == f"  train it further:     {p} train --resume r --steps 12000"
    assert "eval r --envs 64" in toy[1] and "watch r" in toy[2]  # eval plays any game
    monkeypatch.setattr(sys, "argv", ["/somewhere/pytest"])
    python = command._short(sys.executable)  # .venv/bin/python when run inside the repo
    assert (
        f"{python} -m pocketrl train --resume r"
        in command.next_steps(_ended("interrupted", "r"), gridmon)[1]
    )
