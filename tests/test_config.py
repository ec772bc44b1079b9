"""Config: presets, --set overrides, validation errors that name the key."""

import tomllib

import pytest

from pocketrl.config import (
    ConfigError,
    TrainConfig,
    from_dict,
    load_config,
    make_config,
    preset_names,
    save_config,
    to_dict,
    to_toml,
)


def test_presets_load_and_validate():
    names = preset_names()
    assert {"gridmon-default", "gridmon-mini", "toy"} <= set(names)
    for name in names:
        make_config(name)
    assert make_config("gridmon-mini").env.world == "mini"
    assert make_config("gridmon-default").env.world == "main"


def test_the_alone_preset_fine_tunes_a_champion_run_on_the_evals_games():
    from pocketrl.commands.eval import AGENT_DEFAULTS

    champion, alone = make_config("gridmon-champion"), make_config("gridmon-alone")
    # a champion run's weights fit (--init-from checks the policy settings) and the
    # rewards the policy learned stay the same but for the event weight
    assert alone.policy == champion.policy and alone.env.world == champion.env.world
    assert alone.env.rewards.level_scope == champion.env.rewards.level_scope
    # every env plays new games as long as the alone eval's (no archive, no restores)
    assert alone.explore.archive is False and alone.env.on_truncate == "reset"
    assert alone.env.horizon == AGENT_DEFAULTS["pretrained"][1]
    assert alone.snapshot_steps > 0
    # it fine-tunes: a tenth of the step of the run it starts from (at a fifth, badge 3
    # alone fell on both seeds measured)
    assert alone.ppo.learning_rate <= champion.ppo.learning_rate / 10


def test_overrides_are_typed():
    cfg = make_config(
        "gridmon-mini",
        [
            "env.rewards.explore=0.05",
            "env.world=main",
            "ppo.num_envs=256",
            "ppo.learning_rate=1e-4",
            "policy.lstm=true",
            "ppo.anneal_lr=false",
            "total_steps=1000",
            "device=cpu",
        ],
    )
    assert cfg.env.rewards.explore == 0.05
    assert cfg.env.world == "main"
    assert cfg.ppo.num_envs == 256 and isinstance(cfg.ppo.num_envs, int)
    assert cfg.ppo.learning_rate == 1e-4
    assert cfg.policy.lstm is True
    # an int where a float is expected is fine
    assert make_config(None, ["ppo.gamma=1"]).ppo.gamma == 1.0


@pytest.mark.parametrize(
    "override, words",
    [
        ("ppo.lr=0.1", ["ppo.lr", "learning_rate"]),
        ("ppo.num_envs=abc", ["ppo.num_envs", "integer", "abc"]),
        ("ppo.num_envs=1.5", ["ppo.num_envs", "integer"]),
        ("policy.lstm=maybe", ["policy.lstm", "true or false"]),
        ("nosuch.key=1", ["nosuch"]),
        ("ppo.gamma=2", ["ppo.gamma", "[0, 1]"]),
        ("explore.fresh_fraction=1.5", ["explore.fresh_fraction", "[0, 1]"]),
        ("explore.drill_fraction=-0.1", ["explore.drill_fraction", "[0, 1]"]),
        ("explore.drill_steps=0", ["explore.drill_steps", ">= 1"]),
        ("explore.drill_from=start", ["explore.drill_from", "'gates' or 'backward'"]),
        ("explore.drill_depth=0", ["explore.drill_depth", ">= 1"]),
        ("ppo.num_minibatches=7", ["ppo.num_minibatches", "divide"]),
        ("env.horizon=0", ["env.horizon"]),
        ("env.rewards.explore_count_scale=-1", ["env.rewards.explore_count_scale", ">= 0"]),
        ("env.on_truncate=sometimes", ["env.on_truncate"]),
        ("env.rewards.badge=high", ["env.rewards.badge", "number"]),
        ("game=chess", ["game", "gridmon"]),
        ("ppo", ["key=value"]),
        ("ppo=3", ["ppo", "section"]),
        ("policy.hidden=0", ["policy.hidden", "in 1..10,000,000", "got 0"]),
        ("policy.embed_dim=10000001", ["policy.embed_dim", "in 1..10,000,000"]),
        ("policy.conv_channels=99999999", ["policy.conv_channels", "in 1..10,000,000"]),
    ],
)
def test_bad_overrides_name_the_key(override, words):
    with pytest.raises(ConfigError) as e:
        make_config("gridmon-mini", [override])
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_lstm_divisibility_and_anneal_need_budget():
    with pytest.raises(ConfigError, match="bptt_horizon"):
        make_config(None, ["policy.lstm=true", "ppo.num_steps=10", "ppo.bptt_horizon=4"])
    with pytest.raises(ConfigError, match="anneal_lr"):
        make_config(None, ["ppo.anneal_lr=true", "total_steps=0"])
    with pytest.raises(ConfigError, match=r"fresh_fraction \+ explore.drill_fraction.*<= 1"):
        make_config(None, ["explore.fresh_fraction=0.6", "explore.drill_fraction=0.5"])


def test_unknown_preset_and_bad_preset_file(tmp_path):
    with pytest.raises(ConfigError, match="gridmon-mini"):
        make_config("no-such-preset")
    bad = tmp_path / "bad.toml"
    bad.write_text("[ppo]\nnum_env = 3\n")
    with pytest.raises(ConfigError, match=r"ppo\.num_env.*num_envs"):
        make_config(str(bad))
    broken = tmp_path / "broken.toml"
    broken.write_text("[ppo\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        make_config(str(broken))


def test_roundtrip_through_toml(tmp_path):
    cfg = make_config("gridmon-mini", ["env.rewards.explore=0.03", "seed=7"])
    assert from_dict(tomllib.loads(to_toml(cfg))) == cfg
    assert from_dict(to_dict(cfg)) == cfg
    save_config(cfg, tmp_path / "config.toml")
    assert load_config(tmp_path / "config.toml") == cfg


def test_every_field_has_a_docstring():
    import ast
    import inspect

    import pocketrl.config as mod

    tree = ast.parse(inspect.getsource(mod))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.endswith("Config"):
            body = node.body
            for i, stmt in enumerate(body):
                if (
                    isinstance(stmt, ast.AnnAssign)
                    and not isinstance(stmt.annotation, ast.Name)
                    or (isinstance(stmt, ast.AnnAssign) and stmt.annotation.id != "ClassVar")
                ):
                    name = stmt.target.id
                    nested = name in ("env", "toy", "pokered", "policy", "ppo", "explore")
                    doc = i + 1 < len(body) and isinstance(body[i + 1], ast.Expr)
                    assert nested or doc, f"{node.name}.{name} has no docstring"
    assert TrainConfig().batch_size == 1024 * 64
