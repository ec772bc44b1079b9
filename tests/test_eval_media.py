"""eval writes eval.json with the documented fields, a GIF and a heat-map of the
documented sizes; the same seed gives the same table and another seed another; watch and
compare run."""

import collections
import json

import numpy as np
from PIL import Image

from pocketrl.cli import main
from pocketrl.evaluate import RandomAgent, evaluate, table
from pocketrl.games.gridmon.config import GridmonConfig
from pocketrl.games.gridmon.env import GridmonEnv

EVAL_FIELDS = {
    "agent",
    "game",
    "num_envs",
    "steps",
    "seed",
    "seconds",
    "milestones",
    "explored_mean",
    "explored_union",
    "best_env",
    "config",
    "target",
    "greedy",
}


def test_eval_outputs(tmp_path, capsys):
    out = tmp_path / "ev"
    assert (
        main(
            [
                "eval",
                "--agent",
                "random",
                "--world",
                "mini",
                "--envs",
                "4",
                "--steps",
                "120",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads((out / "eval.json").read_text())
    assert EVAL_FIELDS <= set(data)
    assert set(data["milestones"][0]) == {"name", "reached", "share", "median_step", "best_step"}
    gif = Image.open(out / "rollout.gif")
    assert gif.size == (160, 156) and gif.n_frames == 120  # 144x160 frame + caption strip
    png = Image.open(out / "heatmap.png")
    assert png.mode == "RGB" and png.size[0] > 100 and png.size[1] > 50


def test_same_seed_same_table_and_another_seed_another():
    def run(seed):  # the agent's own seed stays: the games' seed alone must matter
        env = GridmonEnv(16, GridmonConfig(world="mini", horizon=10**6), seed=seed)
        r = evaluate(env, RandomAgent(16, 7, seed=3), 300, "random", seed=seed)
        text = table(r)
        return text[text.index("\n") :]  # drop the timing line

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_replay_reproduces_the_game():
    from pocketrl.media import replay_frames

    config = GridmonConfig(world="mini", horizon=10**6)
    env = GridmonEnv(4, config, seed=7)
    r = evaluate(env, RandomAgent(4, 7, seed=1), 60, "random", seed=7)
    frames = list(replay_frames("gridmon", config, 7 + 2, r.actions[:, 2]))
    env2 = GridmonEnv(4, config, seed=7)
    for a in r.actions:
        env2.step(a.astype(np.int64))
    last = env2.render(2)
    assert np.array_equal(frames[-1][:144], last)


def test_watch_runs_a_few_steps(capsys):
    assert (
        main(["watch", "--agent", "random", "--world", "mini", "--steps", "3", "--fps", "1000"])
        == 0
    )
    assert capsys.readouterr().out.count("@") == 3


def test_compare_runs(tmp_path, capsys):
    for name, speed in (("a", 1), ("b", 2)):
        d = tmp_path / name
        d.mkdir()
        recs = [
            {
                "step": s * 1000,
                "perf/train_seconds": s * 30.0,
                "env/badges_max": float(s * speed >= 4),
                "env/explored_mean": s * 10.0 * speed,
                "milestones/badge_1": float(s * speed >= 4),
            }
            for s in range(1, 6)
        ]
        (d / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    png = tmp_path / "cmp.png"
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(png)]) == 0
    out = capsys.readouterr().out
    assert "badge_1" in out and "4,000 / 2.0m" in out and "2,000 / 1.0m" in out
    assert Image.open(png).size[0] > 500


def test_compare_rejects_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert main(["compare", str(tmp_path)]) == 2
    assert "is not a pocketrl run dir" in capsys.readouterr().err


def test_eval_of_the_oracle_on_mini_reaches_every_milestone():
    from pocketrl.evaluate import OracleAgent

    env = GridmonEnv(2, GridmonConfig(world="mini", horizon=10**6, on_truncate="continue"))
    r = evaluate(env, OracleAgent(env), 2500, "oracle", seed=0, record_actions=False)
    assert [m.name for m in r.milestones] == env.milestones
    assert all(m.share == 1.0 for m in r.milestones), table(r)
    assert r.stalls == [] and "stalled" not in table(r)  # no game stopped short


def test_eval_says_where_the_games_that_stopped_short_spent_their_time():
    from pocketrl.evaluate import StageTime

    where = StageTime(2)  # game 0 takes milestone a at step 1 and stays on map 5;
    where.add(np.array([1, 0, 0]), np.array([5, 2, 2]))  # game 1 never leaves map 2;
    where.add(np.array([1, 0, 2]), np.array([5, 2, 7]))  # game 2 takes both
    first = np.array([[1, -1], [-1, -1], [1, 2]])
    report = where.report(first, ["a", "b"], lambda i: f"room {i}")
    assert report == [
        {"milestones": 0, "last": None, "games": 1, "steps": 3, "maps": [["room 2", 1.0]]},
        {"milestones": 1, "last": "a", "games": 1, "steps": 2, "maps": [["room 5", 1.0]]},
    ]
    # a real eval: random play on mini reaches nothing, so every env-step is before any
    # milestone and the table names the maps by the world's names
    env = GridmonEnv(4, GridmonConfig(world="mini", horizon=10**6), seed=0)
    r = evaluate(env, RandomAgent(4, 7, seed=0), 200, "random", seed=0)
    assert len(r.stalls) == 1 and r.stalls[0]["games"] == 4 and r.stalls[0]["steps"] == 800
    assert "stalled before any milestone: 4 game(s); time there by map: " in table(r)
    assert r.stalls[0]["maps"][0][0] in [m.name for m in env.world.maps]


def test_eval_says_where_the_stalled_games_black_out_and_where_a_loss_sends_them():
    from pocketrl.evaluate import StageTime

    where = StageTime(1)  # two games, neither takes the milestone; both on map 3, then
    where.add(np.array([0, 0]), np.array([3, 3]))  # game 1 blacks out on map 3 (and is
    where.add_losses(np.array([0, 0]), np.array([3, 3]), np.array([0, 1]))  # sent to 0),
    where.add(np.array([0, 0]), np.array([3, 0]))  # a reset (-2) counts no loss, and
    where.add_losses(np.array([0, 0]), np.array([3, 0]), np.array([-2, 2]))  # two on 0
    first = np.array([[-1], [-1]])
    (report,) = where.report(first, ["a"], lambda i: f"room {i}", respawn=np.array([0, 0]))
    assert report["blackouts"] == 3
    assert report["blackout_maps"] == [["room 0", 2], ["room 3", 1]]
    assert report["respawn"] == [["room 0", 2]]
    # a real eval of gridmon: random play on mini loses on the route's grass, never in
    # a town (where the loss sends it, which the map after the step would name instead)
    env = GridmonEnv(4, GridmonConfig(world="mini", horizon=10**6), seed=0)
    r = evaluate(env, RandomAgent(4, 7, seed=0), 3000, "random", seed=0)
    (stall,) = r.stalls
    assert stall["blackouts"] == int(env.arrays["blackouts"].sum()) > 0
    assert [m for m, _ in stall["blackout_maps"]] == ["mini_route"]
    back = collections.Counter(env.map_name(int(m)) for m in env.arrays["heal_map"])
    assert sorted(map(tuple, stall["respawn"])) == sorted(back.items())
    assert f"; blackouts there: {stall['blackouts']} (mini_route " in table(r)
    assert "; a loss sends them back to: " in table(r)


def test_eval_target_errors_are_clear(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nowhere")]) == 2
    assert "no run dir, checkpoint or policy bundle" in capsys.readouterr().err
    assert main(["eval", str(tmp_path)]) == 2
    assert "checkpoints/latest.pt is missing" in capsys.readouterr().err
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint at all")
    assert main(["eval", str(bad)]) == 2
    assert "not a readable pocketrl checkpoint" in capsys.readouterr().err
    assert main(["eval"]) == 2
    assert "give either a TARGET" in capsys.readouterr().err


def test_eval_of_a_trained_run(tmp_path, capsys):
    """A tiny training run on mini, then eval of its run dir: the table and files."""
    from pocketrl.commands import train as command

    run = tmp_path / "run"
    assert (
        command.main(
            [
                "--preset",
                "gridmon-mini",
                "--steps",
                "2048",
                "--run-dir",
                str(run),
                "--no-progress",
                "--set",
                "ppo.num_envs=16",
                "--set",
                "ppo.num_steps=32",
            ]
        )
        == 0
    )
    assert main(["eval", str(run), "--envs", "4", "--steps", "50", "--greedy"]) == 0
    assert "policy on gridmon/mini" in capsys.readouterr().out
    assert (run / "eval" / "eval.json").exists() and (run / "eval" / "rollout.gif").exists()


def test_compare_prints_the_depth_against_breadth_table_from_eval_json(tmp_path, capsys):
    """Policy: its own parameter count and 2 x parameters FLOPs per step; random: none."""
    from pocketrl.agents.pretrained import load_pretrained

    common = ["--envs", "2", "--steps", "40", "--no-media"]
    assert main(["eval", "--agent", "pretrained", *common, "--out", str(tmp_path / "p")]) == 0
    assert (
        main(
            ["eval", "--agent", "random", "--world", "mini", *common, "--out", str(tmp_path / "r")]
        )
        == 0
    )  # noqa: E501
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "p" / "eval.json"), str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    n = sum(v.numel() for v in load_pretrained().state_dict.values())
    assert f"{n:,}" in out and f"{2 * n:,} FLOPs" in out
    head, pre, rnd = out.splitlines()[:3]
    assert head.split()[:4] == ["eval", "agent", "game", "parameters"]
    assert "pretrained" in pre and "random" in rnd and "gridmon/mini" in rnd
    assert main(["compare", str(tmp_path / "p"), str(tmp_path)]) == 2  # a dir that is neither


def test_compare_counts_the_simulated_steps_of_search(tmp_path, capsys):
    """Search's copies are compute too: policy search adds a forward per simulated step,
    random search shows its simulated steps alone."""
    common = ["--envs", "2", "--steps", "8", "--no-media", "--search", "2", "--search-depth", "3"]
    assert main(["eval", "--agent", "pretrained", *common, "--out", str(tmp_path / "p")]) == 0
    random = ["eval", "--agent", "random", "--world", "mini", *common, "--out", str(tmp_path / "r")]
    assert main(random) == 0
    capsys.readouterr()
    assert main(["compare", str(tmp_path / "p"), str(tmp_path / "r")]) == 0
    _, pre, rnd = capsys.readouterr().out.splitlines()[:3]
    data = json.loads((tmp_path / "p" / "eval.json").read_text())
    n, sim = data["parameters"], data["search"]["sim_steps"] / data["real_steps"]
    assert sim == 6  # 2 copies x 3 steps before every real step
    assert f"{2 * n * 7:,} FLOPs + 6 sim steps" in pre
    assert " 6 sim steps " in rnd and "FLOPs" not in rnd
