"""eval and watch play pokered through the game contract, like gridmon."""

from __future__ import annotations

import json

from PIL import Image

from pocketrl.cli import main


def test_eval_random_on_the_rom_writes_table_json_and_gif(test_rom, tmp_path, capsys):
    out = tmp_path / "ev"
    argv = ["eval", "--agent", "random", "--rom", str(test_rom), "--allow-any-rom"]
    assert main(argv + ["--envs", "2", "--steps", "24", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "random on pokered: 2 envs x 24 steps" in printed
    data = json.loads((out / "eval.json").read_text())
    assert data["game"] == "pokered" and data["num_envs"] == 2
    assert [m["name"] for m in data["milestones"]][0] == "badge_1"
    gif = Image.open(out / "rollout.gif")
    assert gif.n_frames == 24
    assert not (out / "heatmap.png").exists()  # pokered has no world picture


def test_eval_and_watch_of_a_trained_pokered_run(test_rom, tmp_path, capsys):
    from pocketrl.commands import train as command

    run = tmp_path / "run"
    code = command.main(
        [
            "--steps", "64", "--run-dir", str(run), "--no-progress",
            "--rom", str(test_rom), "--allow-any-rom", "--set", "pokered.workers=0",
            "--set", "ppo.num_envs=2", "--set", "ppo.num_steps=32",
            "--set", "ppo.num_minibatches=2",
        ]
    )  # fmt: skip
    assert code == 0
    assert main(["eval", str(run), "--envs", "2", "--steps", "16", "--no-media"]) == 0
    assert "policy on pokered" in capsys.readouterr().out
    assert main(["watch", str(run), "--steps", "2", "--fps", "1000"]) == 0
    assert "on pokered, step 2" in capsys.readouterr().out


def test_oracle_and_world_are_gridmon_only(test_rom, capsys):
    rom = ["--rom", str(test_rom), "--allow-any-rom"]
    assert main(["eval", "--agent", "oracle", *rom]) == 2
    assert "plays gridmon only" in capsys.readouterr().err
    assert main(["eval", "--agent", "random", "--world", "mini", *rom]) == 2
    assert "--world is a gridmon setting" in capsys.readouterr().err
