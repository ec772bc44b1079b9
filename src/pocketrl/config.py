"""Typed run configuration: dataclasses, TOML presets, ``--set`` overrides, validation.

A run is described by one :class:`TrainConfig`. It is built from the defaults below, then
a preset file (``presets/<name>.toml``), then ``--set key=value`` overrides, and is
validated once. The resolved config is saved as ``config.toml`` in the run dir, and a
resumed run reloads it from there. Every error names the key and what would be right.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pocketrl.atomic import atomic_write_text
from pocketrl.games import GAMES
from pocketrl.games.gridmon.config import GridmonConfig
from pocketrl.games.pokered.config import PokeredConfig
from pocketrl.games.toy import ToyConfig

# The TrainConfig field that holds each game's own settings.
GAME_SECTIONS = {"gridmon": "env", "pokered": "pokered", "toy": "toy"}
MAX_POLICY_PARAMS = 10_000_000
"""Most trainable parameters of a policy: pocketrl trains tiny specialist policies, and a
size key set far too high would otherwise train for hours with a huge network."""


class ConfigError(ValueError):
    """A config value, key, file or combination that cannot be used; says which."""


@dataclass
class PolicyConfig:
    """Size of the policy network (see ``pocketrl.agents.policy``)."""

    hidden: int = 256
    """Width of the body (and of the LSTM state when ``lstm`` is on)."""
    embed_dim: int = 8
    """Embedding width of each integer id (tile ids, species ids, ...)."""
    conv_channels: int = 32
    """Channels of the conv over each 2-D observation window."""
    state_hidden: int = 128
    """Width of the MLP over the flat (float and 1-D id) observation fields."""
    lstm: bool = False
    """Add an LSTM after the body (trained with truncated BPTT over ``ppo.bptt_horizon``)."""


@dataclass
class PPOConfig:
    """PPO rollout and update settings (names as in CleanRL)."""

    num_envs: int = 1024
    """Games stepped together (the batch of the game)."""
    num_steps: int = 64
    """Steps per env per rollout; a rollout holds num_envs * num_steps transitions."""
    num_minibatches: int = 4
    """Minibatches per epoch; must divide the rollout (see ``validate``)."""
    update_epochs: int = 1
    """Passes over each rollout."""
    learning_rate: float = 3e-4
    """Adam step size."""
    anneal_lr: bool = False
    """Decay the learning rate linearly to 0 over ``total_steps`` (needs a step budget)."""
    gamma: float = 0.998
    """Discount per step."""
    gae_lambda: float = 0.95
    """GAE lambda."""
    clip_coef: float = 0.2
    """PPO ratio clip."""
    clip_vloss: bool = True
    """Clip the value update around the rollout's values (same clip_coef)."""
    vf_coef: float = 0.5
    """Weight of the value loss."""
    ent_coef: float = 0.01
    """Weight of the entropy bonus."""
    max_grad_norm: float = 0.5
    """Global gradient-norm clip."""
    norm_adv: bool = True
    """Normalise advantages per minibatch."""
    bptt_horizon: int = 16
    """Sequence length of truncated back-propagation through time (LSTM only)."""


@dataclass
class ExploreConfig:
    """Go-Explore-style archive of env snapshots keyed by the milestone set reached."""

    archive: bool = True
    """Keep the archive and restart envs from it."""
    archive_size: int = 32
    """Most cells kept; the worst (fewest milestones, oldest) are dropped first."""
    restart_fraction: float = 0.25
    """Chance that an env which truncates restarts from an archive cell instead."""
    restart_select: str = "best"
    """Which cell a truncated env restarts from: ``best`` (the highest-ranked) or
    ``count`` (any cell, with probability ~ 1/sqrt(1 + times chosen), Go-Explore)."""
    frontier_fraction: float = 0.0
    """Share of all envs restored at once (at the next rollout boundary) into a cell with
    more milestones than any before it; 0 turns these frontier waves off."""
    restart_clock: bool = False
    """An env sent to a cell (restart or frontier wave) begins a new episode clock there,
    a whole horizon ahead. Off, it keeps the clock the cell was saved with: envs sent to
    a cell found late in an episode truncate soon after, all together."""
    key_events: bool = True
    """Key (and rank) cells by the number of events done as well as by milestones, so
    progress between milestones (items, trainers beaten) is kept and built on."""
    fresh_fraction: float = 0.0
    """Share of the envs (the first ones of the batch) that the archive never moves: no
    restarts, no frontier waves; they begin a new game at every truncation, so the way
    from a new game stays practised while the others push the frontier."""
    key_map: bool = False
    """Key cells by the map the env is on as well (Go-Explore's cells are places): the
    first env to reach a map with a given milestone set and event count makes a cell
    there, so the way through a long dungeon between two milestones is kept map by map."""
    replace_better: bool = False
    """Go-Explore's update rule: when an env reaches a cell's key with a higher score than
    the cell's state had, its state replaces the cell's. The score is the reward since the
    game began without the exploration part (levels, catches, heals, events, blackouts),
    so restarts land in the strongest state found at each key, not the first."""
    drill_fraction: float = 0.0
    """Share of the envs (the last ones of the batch) that drill the gates: a cell from
    which an env went on to more milestones is a gate, and at each rollout boundary every
    drilling env that has played ``drill_steps`` since it was last sent is restored into
    a gate chosen by count (1/sqrt(1 + times chosen)), so the steps that open each
    milestone are played again and again from states like the ones a game reaches, not
    once by the first env through (Go-Explore's robustification, by repetition). The
    archive's restarts and waves never move these envs; gates are kept before other
    cells when the archive is full. 0 turns drills off."""
    drill_steps: int = 2048
    """Env steps a drilling env plays from a gate before it is sent to another."""
    drill_from: str = "gates"
    """Where drills start: ``gates`` (the gate cells above) or ``backward`` (the backward
    algorithm of Salimans & Chen, 2018, Go-Explore's robustification: the last
    ``drill_depth`` rollout-boundary states of the first env through each milestone set
    are kept as its demo; drills start at the demo's last state before the milestone and
    move one boundary further back each time half of the drills from there got through,
    so the policy learns the way to the milestone from ever further away)."""
    drill_depth: int = 16
    """With ``drill_from = "backward"``: how many rollout boundaries before a milestone
    its demo keeps (so how far back drills can start: ``drill_depth x ppo.num_steps`` env
    steps)."""


@dataclass
class TrainConfig:
    """Everything a training run needs; saved whole as ``config.toml`` in its run dir."""

    game: str = "gridmon"
    """Game to train on: ``gridmon``, ``pokered`` (your ROM) or ``toy`` (the test game)."""
    seed: int = 0
    """Seed of the games, the network init and the sampling."""
    device: str = "cpu"
    """Torch device: ``cpu``, ``cuda``, ``cuda:N`` or ``auto`` (cuda when present)."""
    torch_threads: int = 0
    """Torch intra-op threads; 0 keeps torch's default (one per core)."""
    total_steps: int = 0
    """Env steps budget of the whole run (across resumes); 0 means no step limit."""
    minutes: float = 0.0
    """Wall-clock budget of this invocation in minutes; 0 means no time limit."""
    checkpoint_minutes: float = 5.0
    """Minutes between periodic checkpoints (a final one is always written)."""
    snapshot_steps: int = 0
    """Env steps between policy snapshots: each time the run's step count crosses a
    multiple of this, the policy is also kept as ``checkpoints/step-NNNNNNNNNNN.pt`` (the
    weights, config and counters; no optimizer, games or archive), which ``pocketrl eval``,
    ``watch`` and ``--init-from`` take like a run dir. 0 keeps only ``latest.pt``."""
    log_seconds: float = 5.0
    """Seconds between metric records (metrics.jsonl, TensorBoard)."""
    init_from: str = ""
    """Fine-tuning: a run dir (or its ``checkpoints/latest.pt``) whose policy weights a new
    run starts from. Only the weights carry over: the optimizer, the games, the archive and
    the counters start fresh, and the policy settings must match that run's. Empty: a new
    policy."""
    heatmap_minutes: float = 2.0
    """Minutes between writes of ``heatmap.png`` (this invocation's visits over the whole
    world, gridmon only) while training; 0 turns it off. Runs shorter than this write
    none."""
    env: GridmonConfig = field(default_factory=GridmonConfig)
    """The gridmon game settings (world, horizon, reward weights)."""
    toy: ToyConfig = field(default_factory=ToyConfig)
    """The toy game settings (used when game = "toy")."""
    pokered: PokeredConfig = field(default_factory=PokeredConfig)
    """The Pokémon Red settings (used when game = "pokered"): ROM, workers, rewards."""
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    ppo: PPOConfig = field(default_factory=PPOConfig)
    explore: ExploreConfig = field(default_factory=ExploreConfig)

    @property
    def game_config(self):
        """The settings of the game being played (``env``, ``pokered`` or ``toy``)."""
        return getattr(self, GAME_SECTIONS[self.game])

    @property
    def batch_size(self) -> int:
        """Transitions per rollout."""
        return self.ppo.num_envs * self.ppo.num_steps

    @property
    def minibatch_size(self) -> int:
        """Transitions per minibatch."""
        return self.batch_size // self.ppo.num_minibatches

    def validate(self) -> None:
        """Raise ConfigError naming the first bad key and what would be right."""
        p = self.ppo
        _check(self.game in GAMES, "game", f"one of {GAMES}", self.game)
        _check(
            self.device == "auto" or self.device.split(":")[0] in ("cpu", "cuda", "mps"),
            "device",
            "cpu, cuda, cuda:N, mps or auto",
            self.device,
        )
        for key, v, lo in [
            ("ppo.num_envs", p.num_envs, 1),
            ("ppo.num_steps", p.num_steps, 1),
            ("ppo.num_minibatches", p.num_minibatches, 1),
            ("ppo.update_epochs", p.update_epochs, 1),
            ("ppo.bptt_horizon", p.bptt_horizon, 1),
            ("explore.archive_size", self.explore.archive_size, 1),
            ("explore.drill_steps", self.explore.drill_steps, 1),
            ("explore.drill_depth", self.explore.drill_depth, 1),
            ("total_steps", self.total_steps, 0),
            ("snapshot_steps", self.snapshot_steps, 0),
            ("torch_threads", self.torch_threads, 0),
            ("heatmap_minutes", self.heatmap_minutes, 0),
        ]:
            _check(v >= lo, key, f">= {lo}", v)
        for name in ("hidden", "embed_dim", "conv_channels", "state_hidden"):
            v = getattr(self.policy, name)
            limit = f"{MAX_POLICY_PARAMS:,}"
            _check(1 <= v <= MAX_POLICY_PARAMS, f"policy.{name}", f"in 1..{limit}", v)
        for key, v in [
            ("ppo.gamma", p.gamma),
            ("ppo.gae_lambda", p.gae_lambda),
            ("explore.restart_fraction", self.explore.restart_fraction),
            ("explore.frontier_fraction", self.explore.frontier_fraction),
            ("explore.fresh_fraction", self.explore.fresh_fraction),
            ("explore.drill_fraction", self.explore.drill_fraction),
        ]:
            _check(0.0 <= v <= 1.0, key, "in [0, 1]", v)
        e = self.explore
        _check(
            e.fresh_fraction + e.drill_fraction <= 1.0,
            "explore.fresh_fraction + explore.drill_fraction",
            "<= 1 (fresh envs are the first of the batch, drilling ones the last)",
            e.fresh_fraction + e.drill_fraction,
        )
        _check(
            e.drill_from in ("gates", "backward"),
            "explore.drill_from",
            "'gates' or 'backward'",
            e.drill_from,
        )
        _check(
            self.explore.restart_select in ("best", "count"),
            "explore.restart_select",
            "'best' or 'count'",
            self.explore.restart_select,
        )
        for key, v in [
            ("ppo.learning_rate", p.learning_rate),
            ("ppo.clip_coef", p.clip_coef),
            ("ppo.max_grad_norm", p.max_grad_norm),
            ("minutes", self.minutes),
            ("checkpoint_minutes", self.checkpoint_minutes),
            ("log_seconds", self.log_seconds),
            ("ppo.vf_coef", p.vf_coef),
            ("ppo.ent_coef", p.ent_coef),
        ]:
            _check(math.isfinite(v) and v >= 0, key, "a finite number >= 0", v)
        if self.batch_size % p.num_minibatches:
            raise ConfigError(
                f"ppo.num_minibatches={p.num_minibatches} must divide the rollout "
                f"ppo.num_envs * ppo.num_steps = {self.batch_size}"
            )
        if self.policy.lstm:
            if p.num_steps % p.bptt_horizon:
                raise ConfigError(
                    f"ppo.bptt_horizon={p.bptt_horizon} must divide ppo.num_steps="
                    f"{p.num_steps} when policy.lstm is on"
                )
            segments = p.num_envs * (p.num_steps // p.bptt_horizon)
            if segments % p.num_minibatches:
                raise ConfigError(
                    f"ppo.num_minibatches={p.num_minibatches} must divide the {segments} "
                    "BPTT segments (num_envs * num_steps / bptt_horizon) when policy.lstm is on"
                )
        if p.anneal_lr and self.total_steps == 0:
            raise ConfigError("ppo.anneal_lr=true needs a step budget: set total_steps / --steps")
        try:
            self.env.validate()
            self.toy.validate()
            self.pokered.validate()
        except ValueError as e:
            raise ConfigError(str(e)) from None


def _check(ok: bool, key: str, allowed: str, got) -> None:
    if not ok:
        raise ConfigError(f"{key} must be {allowed}, got {got!r}")


# --- building a config: defaults <- preset <- overrides ----------------------------------


def preset_names() -> list[str]:
    """Names of the presets shipped in ``pocketrl/presets``."""
    folder = resources.files("pocketrl") / "presets"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_preset(name_or_path: str) -> dict:
    """Read a preset by name (``gridmon-mini``) or by path to a .toml file, as a dict."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ConfigError(f"preset file {path} does not exist")
        text, where = path.read_text(), str(path)
    else:
        res = resources.files("pocketrl") / "presets" / f"{name_or_path}.toml"
        if not res.is_file():
            raise ConfigError(
                f"unknown preset {name_or_path!r}; available: {', '.join(preset_names())} "
                "(or give a path to a .toml file)"
            )
        text, where = res.read_text(), f"presets/{name_or_path}.toml"
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: invalid TOML: {e}") from None


def make_config(
    preset: str | None = None, overrides: list[str] = (), validate: bool = True
) -> TrainConfig:
    """Defaults, then the preset (if any), then each ``key=value`` override, validated."""
    cfg = TrainConfig()
    if preset:
        apply_dict(cfg, load_preset(preset), where=f"preset {preset}")
    for item in overrides:
        apply_override(cfg, item)
    if validate:
        cfg.validate()
    return cfg


def apply_dict(obj, data: dict, where: str, prefix: str = "") -> None:
    """Set the fields of dataclass ``obj`` from a nested dict (a parsed TOML file)."""
    hints = typing.get_type_hints(type(obj))
    for key, value in data.items():
        full = prefix + key
        if key not in hints:
            raise ConfigError(f"{where}: unknown key {full!r}{_suggest(obj, key, prefix)}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {full!r} is a section; write [{full}] with keys")
            apply_dict(current, value, where, prefix=full + ".")
        else:
            setattr(obj, key, _coerce(value, hints[key], full, where))


def apply_override(cfg: TrainConfig, item: str) -> None:
    """Apply one ``--set key.sub=value`` (value in TOML syntax; bare words are strings)."""
    where = f"--set {item}"
    if "=" not in item:
        raise ConfigError(f"{where}: expected key=value, e.g. --set ppo.learning_rate=1e-4")
    path, raw = item.split("=", 1)
    parts = path.strip().split(".")
    obj, prefix = cfg, ""
    for part in parts[:-1]:
        sub = getattr(obj, part, None) if part in typing.get_type_hints(type(obj)) else None
        if not dataclasses.is_dataclass(sub):
            raise ConfigError(f"{where}: unknown section {prefix + part!r}")
        obj, prefix = sub, prefix + part + "."
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    apply_dict(obj, {parts[-1]: value}, where, prefix=prefix)


def _coerce(value, typ, key: str, where: str):
    if typ is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{where}: {key} expects true or false, got {value!r}")
    if typ is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ConfigError(f"{where}: {key} expects an integer, got {value!r}")
    if typ is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(f"{where}: {key} expects a number, got {value!r}")
    if typ is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(f"{where}: {key} expects a string, got {value!r}")
    raise ConfigError(f"{where}: {key} has unsupported type {typ}")


def _suggest(obj, key: str, prefix: str) -> str:
    names = [f.name for f in dataclasses.fields(obj)]
    close = difflib.get_close_matches(key, names, n=1)
    hint = f"; did you mean {prefix + close[0]!r}?" if close else ""
    section = prefix[:-1] or "top level"
    return f"{hint} (keys of {section}: {', '.join(names)})"


# --- saving and reloading -------------------------------------------------------------


def to_dict(cfg) -> dict:
    """The config as a nested dict of plain values."""
    return dataclasses.asdict(cfg)


def changed_settings(theirs: dict, ours: dict, sections: list[str]) -> list[str]:
    """``section.key = OURS (there THEIRS)`` for each setting of ``sections`` (nested,
    dotted) that differs between two ``to_dict`` configs; keys either side lacks (a
    config saved by an older version) are skipped."""
    out = []

    def walk(a, b, prefix):
        for k, v in b.items():
            if k not in a:
                continue
            if isinstance(v, dict) and isinstance(a[k], dict):
                walk(a[k], v, f"{prefix}{k}.")
            elif a[k] != v:
                out.append(f"{prefix}{k} = {v!r} (there {a[k]!r})")

    for name in sections:
        if isinstance(theirs.get(name), dict) and isinstance(ours.get(name), dict):
            walk(theirs[name], ours[name], f"{name}.")
    return out


def from_dict(data: dict, where: str = "config") -> TrainConfig:
    """Rebuild and validate a config from ``to_dict`` output."""
    cfg = TrainConfig()
    apply_dict(cfg, data, where)
    cfg.validate()
    return cfg


def to_toml(cfg) -> str:
    """Render the config as TOML (scalars first, then one table per section)."""
    return _toml_table(to_dict(cfg), "")


def _toml_table(data: dict, name: str) -> str:
    lines = [f"[{name}]"] if name else []
    for k, v in data.items():
        if not isinstance(v, dict):
            lines.append(f"{k} = {_toml_value(v)}")
    out = "\n".join(lines) + "\n"
    for k, v in data.items():
        if isinstance(v, dict):
            out += "\n" + _toml_table(v, f"{name}.{k}" if name else k)
    return out


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("nan" if v != v else f"{'-' if v < 0 else ''}inf")
    if isinstance(v, int):
        return str(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_config(cfg: TrainConfig, path: Path) -> None:
    """Write ``config.toml`` atomically (write then rename)."""
    atomic_write_text(path, to_toml(cfg))


def load_config(path: Path) -> TrainConfig:
    """Read a saved ``config.toml``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path} does not exist (is this a pocketrl run dir?)")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    return from_dict(data, where=str(path))
