"""CLI smoke runs with tiny budgets: play (scripted keys), eval, bench env, errors."""

import json
import subprocess
import sys

from pocketrl.cli import main


def test_eval_random_prints_table_and_writes_json(tmp_path, capsys):
    assert (
        main(
            [
                "eval",
                "--agent",
                "random",
                "--world",
                "mini",
                "--envs",
                "8",
                "--steps",
                "50",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "badge_1" in out and "champion" in out and "0/8" in out
    data = json.loads((tmp_path / "eval.json").read_text())
    assert data["num_envs"] == 8 and data["steps"] == 50
    assert [m["name"] for m in data["milestones"]][-1] == "champion"


def test_eval_bad_budget_is_a_clear_error(capsys):
    assert main(["eval", "--agent", "random", "--envs", "0"]) == 2
    assert "--envs and --steps must be >= 1" in capsys.readouterr().err


def test_bench_env_runs(capsys):
    assert main(["bench", "env", "--envs", "4", "--seconds", "0.05", "--world", "mini"]) == 0
    assert "steps/s" in capsys.readouterr().out


def test_play_with_scripted_keys():
    keys = "sssddj\nq\n"
    r = subprocess.run(
        [sys.executable, "-m", "pocketrl", "play", "--world", "mini"],
        input=keys,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "@" in r.stdout and "played 6 steps" in r.stdout
