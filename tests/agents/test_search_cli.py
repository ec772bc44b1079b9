"""`pocketrl eval/watch --search`: --search 0 is plain eval, a search run reports what
it used and cost (table, eval.json, GIF), the sweep writes its table, JSON and picture,
and bad settings get clear errors."""

import json

import pytest
import torch
from PIL import Image

from pocketrl.agents.policy import Policy
from pocketrl.cli import main
from pocketrl.config import TrainConfig, to_dict
from pocketrl.games import make_game
from pocketrl.train.checkpoint import save_checkpoint


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A small LSTM policy for the mini world, saved as a checkpoint (untrained)."""
    cfg = TrainConfig()
    cfg.env.world = "mini"
    cfg.policy.hidden, cfg.policy.embed_dim = 32, 4
    cfg.policy.conv_channels, cfg.policy.state_hidden, cfg.policy.lstm = 8, 16, True
    env = make_game("gridmon", 1, 0, world="mini")
    torch.manual_seed(0)
    policy = Policy(env.obs_spec, env.obs_vocab, env.num_actions, cfg.policy)
    path = tmp_path_factory.mktemp("run") / "policy.pt"
    save_checkpoint(path, {"config": to_dict(cfg), "model": policy.state_dict()})
    return path


def _without_timing(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "seconds"}


def test_search_0_is_plain_eval(checkpoint, tmp_path, capsys):
    base = [str(checkpoint), "--envs", "3", "--steps", "40"]
    assert main(["eval", *base, "--out", str(tmp_path / "plain")]) == 0
    plain = capsys.readouterr().out
    assert main(["eval", *base, "--search", "0", "--out", str(tmp_path / "s0")]) == 0
    zero = capsys.readouterr().out
    a = json.loads((tmp_path / "plain" / "eval.json").read_text())
    b = json.loads((tmp_path / "s0" / "eval.json").read_text())
    assert _without_timing(a) == _without_timing(b) and a["search"] is None
    drop_timing = [line for line in plain.splitlines() if " s)" not in line and "wrote" not in line]
    assert drop_timing == [
        line for line in zero.splitlines() if " s)" not in line and "wrote" not in line
    ]
    gif_a = (tmp_path / "plain" / "rollout.gif").read_bytes()
    assert gif_a == (tmp_path / "s0" / "rollout.gif").read_bytes()


def test_eval_with_search_says_what_it_used_and_cost(checkpoint, capsys):
    argv = ["eval", str(checkpoint), "--envs", "2", "--steps", "12", "--search", "2"]
    assert main([*argv, "--search-depth", "3", "--search-seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "search: N=2 copies x D=3 steps every 1 real step(s), best, policy rollouts" in out
    assert "compute: 144 simulated env steps for 24 real (6 per real step)" in out
    folder = checkpoint.parent / "eval-search2x3"  # plain eval's folder is kept
    data = json.loads((folder / "eval.json").read_text())
    s = data["search"]
    assert (s["copies"], s["depth"], s["seed"], s["sim_steps"], s["searches"]) == (2, 3, 7, 144, 12)
    assert s["gamma"] == TrainConfig().ppo.gamma and data["real_steps"] == 24
    assert s["search_seconds"] > 0 and s["snapshot_bytes"] > 0
    assert Image.open(folder / "rollout.gif").n_frames == 13  # a title frame + 12 steps


def test_search_sweep_writes_table_json_and_picture(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["eval", "--agent", "random", "--world", "mini", "--envs", "2", "--steps", "10"]
    assert main([*argv, "--search-sweep", "2,0", "--search-depth", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "search sweep of random on gridmon/mini" in printed
    assert "N=0" in printed and "N=2" in printed and "sim / real" in printed
    data = json.loads((out / "search.json").read_text())
    assert data["budgets"] == [0, 2]
    assert [r["search"] and r["search"]["sim_steps"] for r in data["results"]] == [None, 120]
    assert data["search"]["policy"] == "random"  # the default without a trained policy
    assert Image.open(out / "search.png").size[0] > 500


def test_watch_with_search(capsys):
    argv = ["watch", "--agent", "random", "--world", "mini", "--steps", "2", "--fps", "1000"]
    assert main([*argv, "--search", "2", "--search-depth", "2"]) == 0
    out = capsys.readouterr().out
    assert "with search N=2 D=2 (random rollouts): 8 simulated steps" in out


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--search", "-1"], "--search must be a whole number >= 0"),
        (["--search", "2", "--search-depth", "0"], "--search-depth must be >= 1"),
        (["--search", "2", "--search-every", "0"], "--search-every must be >= 1"),
        (["--search", str(10**13)], "of memory, more than 50% of the"),
        (["--search", "2", "--search-policy", "policy"], "needs a trained policy"),
        (["--search-sweep", "0,x"], "--search-sweep takes copies per game separated by commas"),
        (["--search-sweep", str(10**13)], "at most --search"),
        (["--search", "2", "--search-sweep", "0,2"], "not both"),
    ],
)
def test_bad_search_flags_get_clear_errors(flags, message, capsys):
    argv = ["eval", "--agent", "random", "--world", "mini", "--envs", "1", "--steps", "2"]
    assert main([*argv, "--no-media", *flags]) == 2
    assert message in capsys.readouterr().err


def test_the_oracle_cannot_be_searched(capsys):
    assert main(["eval", "--agent", "oracle", "--world", "mini", "--search", "4"]) == 2
    assert "the oracle is scripted and cannot be searched" in capsys.readouterr().err
