"""Search on pokered (synthetic ROM): the copies are emulators, in-process or in the
worker pool; the real game is untouched by them."""

from __future__ import annotations

import json

import numpy as np

from pocketrl.agents.search import SearchAgent, SearchSettings
from pocketrl.cli import main
from pocketrl.evaluate import RandomAgent, evaluate

from .conftest import make_env


def test_search_on_the_rom_leaves_the_real_game_as_its_actions_make_it(test_rom):
    real = make_env(test_rom, 1, seed=3)
    settings = SearchSettings(copies=2, depth=2, policy="random", seed=9)
    agent = SearchAgent(real, RandomAgent(1, 7, seed=0), settings, lambda n: make_env(test_rom, n))
    try:
        r = evaluate(real, agent, 4, "random", seed=3)
        assert r.search["sim_steps"] == 1 * 2 * 2 * 4
        replay = make_env(test_rom, 1, seed=3)
        for a in r.actions:
            replay.step(a.astype(np.int64))
        assert replay.snapshot([0]) == real.snapshot([0])
        replay.close()
    finally:
        agent.close()
        real.close()


def test_eval_with_search_runs_on_the_rom(test_rom, tmp_path, capsys):
    out = tmp_path / "ev"
    argv = ["eval", "--agent", "random", "--rom", str(test_rom), "--allow-any-rom"]
    argv += ["--envs", "1", "--steps", "3", "--search", "2", "--search-depth", "2"]
    assert main([*argv, "--no-media", "--out", str(out)]) == 0
    assert "compute: 12 simulated env steps for 3 real" in capsys.readouterr().out
    data = json.loads((out / "eval.json").read_text())
    assert data["game"] == "pokered" and data["search"]["sim_steps"] == 12
