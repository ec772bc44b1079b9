"""`pocketrl bench env --game pokered` runs (a smoke test, not a timing)."""

from __future__ import annotations

from pocketrl.bench import env as bench_env


def test_bench_env_pokered_prints_both_rates_and_memory(capsys):
    argv = ["--game", "pokered", "--envs", "1", "--seconds", "0.2"]
    assert bench_env.main(argv) == 0
    out = capsys.readouterr().out
    for part in ("bare PyBoy loop", "PokeredEnv", "overhead", "memory per env"):
        assert part in out
