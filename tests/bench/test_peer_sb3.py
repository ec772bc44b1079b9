"""`pocketrl bench train --peer sb3`: SB3's PPO with pocketrl's network (a smoke run, not a
timing; the numbers are the benchmark's, in the README)."""

import re

import pytest

from pocketrl.agents.policy import count_params, policy_size
from pocketrl.bench import train as bench_train
from pocketrl.config import make_config

pytest.importorskip("stable_baselines3")

SMALL = ["ppo.num_envs=4", "ppo.num_steps=8", "torch_threads=1"]


def test_sb3_extractor_gives_the_pocketrl_parameter_count():
    from pocketrl.bench.peer_sb3 import make_model
    from pocketrl.commands.train import policy_inputs

    cfg = make_config("gridmon-mini", SMALL)
    model = make_model(cfg)
    ours = sum(policy_size(*policy_inputs(cfg), cfg.policy).values())
    assert count_params(model.policy) == ours
    assert model.n_steps == 8 and model.batch_size == 4 * 8 // cfg.ppo.num_minibatches
    model.get_env().close()


def test_bench_train_peer_sb3_prints_both_rates_and_the_ratio(capsys):
    sets = [a for item in SMALL for a in ("--set", item)]
    argv = ["--preset", "gridmon-mini", *sets, "--updates", "1", "--warmup", "0"]
    assert bench_train.main([*argv, "--peer", "sb3"]) == 0
    out = capsys.readouterr().out
    counts = re.search(r"([\d,]+) params \(pocketrl ([\d,]+)\)", out)
    assert counts and counts.group(1) == counts.group(2)
    assert re.search(r"sb3: +[\d,]+ env steps/s", out)
    assert re.search(r"ratio: +pocketrl / sb3 = [\d.]+x", out)


def test_peer_cleanrl_is_refused_with_the_reason(capsys):
    assert bench_train.main(["--peer", "cleanrl"]) == 2
    assert "cannot take gridmon's dict observation" in capsys.readouterr().out
