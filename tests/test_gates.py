"""`pocketrl eval --from-gates RUN`: an agent played from the gates of a run's archive."""

import json

import numpy as np

from pocketrl.cli import main
from pocketrl.config import ExploreConfig
from pocketrl.games.toy import ToyGame
from pocketrl.train.checkpoint import checkpoint_path, save_checkpoint
from pocketrl.train.explore import Archive


def _run_with_a_gate(tmp_path, gates=True):
    """A run dir whose checkpoint holds an archive with one gate: the toy corridor at
    x = 3 (one step before the halfway milestone), from which an env went on to it."""
    game = ToyGame(2)
    for _ in range(3):
        game.step(np.full(2, 3))
    archive = Archive(ExploreConfig(), 2, 2, np.random.default_rng(0))
    none, done, one = np.zeros((2, 2), bool), np.zeros(2, bool), np.ones(2, np.int64)
    archive.observe(game, none, done, 6, events=one)
    if gates:
        archive.observe(game, np.array([[True, False], [False, False]]), done, 8, events=one)
    run = tmp_path / "run"
    save_checkpoint(
        checkpoint_path(run),
        {
            "milestones": list(game.milestones),
            "collector": {"global_step": 8},
            "archive": archive.state_dict(),
        },
    )
    return run


def test_from_gates_counts_the_tries_that_reach_the_next_milestone(tmp_path, capsys):
    run = _run_with_a_gate(tmp_path)
    out = tmp_path / "out"
    argv = ["eval", "--agent", "random", "--game", "toy", "--from-gates", str(run)]
    assert main(argv + ["--envs", "16", "--steps", "30", "--out", str(out)]) == 0
    report = json.loads((out / "gates.json").read_text())
    assert report["archive_step"] == 8 and report["tries"] == 16 and report["steps"] == 30
    [row] = report["gates"]
    assert row["held"] == [] and row["cells"] == 1 and row["tries"] == 16
    # one step right of the gate is the milestone: random play gets there in most tries
    assert 8 <= row["through"] <= 16 and row["next"]["halfway"] == row["through"]
    assert 1 <= row["median_step"] <= 30
    text = capsys.readouterr().out
    assert "from the gates of the archive at env step 8" in text and "halfway" in text


def test_from_gates_says_what_is_missing(tmp_path, capsys):
    argv = ["eval", "--agent", "random", "--game", "toy", "--from-gates"]
    assert main(argv + [str(_run_with_a_gate(tmp_path, gates=False))]) == 2
    assert "holds no gates yet" in capsys.readouterr().err
    other = ["eval", "--agent", "random", "--from-gates", str(_run_with_a_gate(tmp_path))]
    assert main(other) == 2  # a gridmon agent, a toy run
    assert "same game and world" in capsys.readouterr().err
    assert main(argv + [str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
    snapshot = tmp_path / "step-00000000008.pt"  # a policy snapshot: weights, no archive
    save_checkpoint(snapshot, {"milestones": ["halfway", "goal"], "model": {}})
    assert main(argv + [str(snapshot)]) == 2
    assert "give --from-gates the run dir" in capsys.readouterr().err
