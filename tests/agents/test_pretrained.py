"""A trained policy exported as safetensors + JSON plays exactly like its checkpoint."""

from __future__ import annotations

import json

import pytest
import torch

from pocketrl.agents.load import load_bundle, load_policy
from pocketrl.agents.pretrained import export_policy
from pocketrl.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from pocketrl.commands import train as command

    run = tmp_path_factory.mktemp("pre") / "run"
    argv = ["--preset", "toy", "--steps", "1024", "--run-dir", str(run), "--no-progress"]
    assert command.main(argv + ["--set", "ppo.num_envs=16"]) == 0
    return run


def test_export_then_load_gives_the_same_policy(run_dir, tmp_path):
    weights, meta = export_policy(run_dir, tmp_path, "toy-policy", {"eval": {"x": 1}})
    assert weights.read_bytes()[8:9] == b"{"  # safetensors: a length, then a JSON header
    info = json.loads(meta.read_text())
    assert info["trained_on"] == "toy" and info["note"] == {"eval": {"x": 1}}
    a, b = load_policy(run_dir), load_bundle(weights)
    assert a.config == b.config and a.state_dict.keys() == b.state_dict.keys()
    for k in a.state_dict:
        torch.testing.assert_close(a.state_dict[k], b.state_dict[k], rtol=0, atol=0)
    assert load_policy(meta).config == a.config  # either file names the bundle


def test_eval_plays_a_bundle_like_its_run(run_dir, tmp_path, capsys):
    export_policy(run_dir, tmp_path, "toy-policy")
    common = ["--envs", "4", "--steps", "30", "--no-media", "--seed", "5"]
    assert main(["eval", str(run_dir), *common, "--out", str(tmp_path / "a")]) == 0
    assert (
        main(
            [
                "eval",
                str(tmp_path / "toy-policy.safetensors"),
                *common,
                "--out",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )  # noqa: E501
    a, b = (json.loads((tmp_path / x / "eval.json").read_text()) for x in "ab")
    assert a["milestones"] == b["milestones"] and a["explored_mean"] == b["explored_mean"]


def test_a_broken_bundle_is_a_clear_error(tmp_path):
    (tmp_path / "x.safetensors").write_bytes(b"not tensors")
    (tmp_path / "x.json").write_text(json.dumps({"format": "pocketrl-policy", "version": 1}))
    with pytest.raises(ValueError, match="is not a pocketrl pocketrl-policy v1 bundle"):
        load_bundle(tmp_path / "x.safetensors")
    with pytest.raises(FileNotFoundError, match="y.json is missing"):
        (tmp_path / "y.safetensors").write_bytes(b"")
        load_bundle(tmp_path / "y.safetensors")


def test_the_shipped_policy_loads_and_plays(tmp_path, capsys):
    from pocketrl.agents.pretrained import PRETRAINED_DIR, load_pretrained, pretrained_note

    size = sum(p.stat().st_size for p in PRETRAINED_DIR.glob("*"))
    assert size < 5_000_000  # the bound on what ships
    loaded = load_pretrained()
    assert sum(v.numel() for v in loaded.state_dict.values()) < 1_000_000
    assert pretrained_note()["eval"]["milestones"]  # says what it achieved
    out = tmp_path / "ev"
    argv = ["eval", "--agent", "pretrained", "--envs", "4", "--steps", "600", "--no-media"]
    assert main([*argv, "--out", str(out)]) == 0
    assert f"pretrained on {loaded.trained_on}: 4 envs x 600 steps" in capsys.readouterr().out
    data = json.loads((out / "eval.json").read_text())
    assert data["milestones"][0]["reached"] >= 3  # it plays: badge_1 in 600 steps
    assert main(["watch", "--agent", "pretrained", "--steps", "2", "--fps", "1000"]) == 0
