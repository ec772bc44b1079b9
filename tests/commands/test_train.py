"""The train sub-command: a smoke run with a tiny budget, errors, resume, the hook."""

import argparse

import pytest

from pocketrl.commands import train as command


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
    args = _parse([*base, "--run-dir", str(quick)])
    assert args.func(args) == 0
    assert not (quick / "heatmap.png").exists()  # default: every 2 minutes
    often = tmp_path / "often"
    args = _parse([*base, "--run-dir", str(often), "--set", "heatmap_minutes=0.00001"])
    assert args.func(args) == 0
    assert (often / "heatmap.png").stat().st_size > 1000
