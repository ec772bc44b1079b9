"""Load a trained policy from a run dir or checkpoint, to evaluate or watch it.

Checkpoints are read with ``torch.load(weights_only=True)`` (see train/checkpoint.py):
no pickled code runs. A missing, foreign or corrupt TARGET, or a checkpoint of another
game, gives a clear error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from pocketrl.agents.policy import sample_actions

FORMAT = "pocketrl-policy"  # policy bundles (agents/pretrained.py writes them)
VERSION = 1


@dataclass
class LoadedPolicy:
    path: Path
    config: object  # the run's TrainConfig
    state_dict: dict

    @property
    def trained_on(self) -> str:
        """The game (and gridmon world) the run trained on, e.g. ``gridmon/main``."""
        game = self.config.game
        return f"gridmon/{self.config.env.world}" if game == "gridmon" else game

    def agent(self, env, greedy: bool = False, seed: int = 0) -> PolicyAgent:
        """A policy agent for ``env`` (which must be the same game as the run's)."""
        from pocketrl.agents.policy import Policy

        policy = Policy(env.obs_spec, env.obs_vocab, env.num_actions, self.config.policy)
        try:
            policy.load_state_dict(self.state_dict)
        except RuntimeError as e:
            first = str(e).strip().splitlines()[0]
            raise ValueError(
                f"{self.path} does not fit the observations of {env.label} (the run "
                f"trained on {self.trained_on}): {first}"
            ) from None
        policy.eval()
        return PolicyAgent(policy, env.num_envs, greedy, seed)


class PolicyAgent:
    """Acts with a trained policy; carries the LSTM state across steps."""

    def __init__(self, policy, num_envs: int, greedy: bool, seed: int):
        self.policy, self.greedy = policy, greedy
        self.generator = torch.Generator().manual_seed(seed)
        self.state = policy.initial_state(num_envs)
        self.starts = torch.ones(num_envs)

    @torch.no_grad()
    def act(self, obs) -> np.ndarray:
        obs_t = {k: torch.as_tensor(v) for k, v in obs.items()}
        logits, _, self.state = self.policy.step(obs_t, self.state, self.starts)
        self.starts.zero_()
        actions, _ = sample_actions(logits, self.generator, self.greedy)
        return actions.numpy()


def load_policy(target) -> LoadedPolicy:
    """TARGET is a run dir (its latest checkpoint), a checkpoint file, or an exported
    policy bundle (``NAME.safetensors`` / ``NAME.json``, see agents/pretrained.py)."""
    from pocketrl.config import from_dict
    from pocketrl.train.checkpoint import CheckpointError, checkpoint_path, load_checkpoint

    target = Path(target)
    if not target.exists():
        raise FileNotFoundError(f"no run dir, checkpoint or policy bundle at {target}")
    if target.suffix in (".safetensors", ".json"):
        return load_bundle(target)
    path = checkpoint_path(target) if target.is_dir() else target
    if target.is_dir() and not path.is_file():
        raise FileNotFoundError(
            f"{target} is not a pocketrl run dir with a checkpoint: {path} is missing"
        )
    try:
        data = load_checkpoint(path)
        config = from_dict(data["config"], where=str(path))
    except (CheckpointError, KeyError) as e:
        raise ValueError(f"cannot use {path}: {e}") from None
    return LoadedPolicy(path, config, data["model"])


def load_bundle(path):
    """A ``LoadedPolicy`` from ``NAME.safetensors`` (or its ``NAME.json``), or a clear
    error saying what is missing or wrong."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from pocketrl.config import ConfigError, from_dict

    path = Path(path)
    weights, meta = path.with_suffix(".safetensors"), path.with_suffix(".json")
    for p in (weights, meta):
        if not p.is_file():
            raise FileNotFoundError(f"policy bundle {path.stem!r}: {p} is missing")
    try:
        info = json.loads(meta.read_text())
        if info.get("format") != FORMAT or info.get("version") != VERSION:
            raise ValueError(f"format {info.get('format')!r} v{info.get('version')}")
        config = from_dict(info["config"], where=str(meta))
        state = load_file(str(weights))
    except (ValueError, KeyError, ConfigError, SafetensorError) as e:
        raise ValueError(
            f"{meta} / {weights.name} is not a pocketrl {FORMAT} v{VERSION} bundle: {e}"
        ) from None
    return LoadedPolicy(weights, config, {k: torch.as_tensor(v) for k, v in state.items()})
