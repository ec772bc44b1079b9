"""PPO must learn the toy corridor: reach the goal quickly within a small step budget
(how fast training runs is measured by `pocketrl bench`, not here)."""

from pocketrl.config import make_config
from pocketrl.train.runner import train


def test_ppo_learns_the_toy_game(tmp_path):
    cfg = make_config("toy", ["total_steps=100_000", "explore.archive=false"])
    result = train(cfg, tmp_path / "run", progress=False)
    assert result.status == "done"
    assert result.milestones["goal"] >= 0
    from pocketrl.train.logger import read_metrics

    last = [
        r for r in read_metrics(tmp_path / "run" / "metrics.jsonl") if r.get("env/episode_length")
    ][-1]
    # the corridor is 8 wide: 7 steps is optimal; a random walk rarely makes it in 40
    assert last["env/episode_length"] < 11, last
    assert last["env/episode_return"] > 1.0, last
