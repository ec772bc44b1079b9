"""What eval and watch play: the run's game, every game from its first step."""

from pocketrl.commands.agent_args import Choice, make_env
from pocketrl.config import make_config


def test_a_run_trained_with_staggered_clocks_is_played_from_each_games_start():
    config = make_config("gridmon-mini", ["env.stagger=true", "env.horizon=64"])
    env = make_env(Choice("policy", None, config), 4, seed=0, horizon=101)
    assert env.arrays["t"].tolist() == [0, 0, 0, 0]
    assert env.config.horizon == 101 and env.config.on_truncate == "continue"
    assert config.env.stagger  # the run's own config is left as it was
