"""Stable-Baselines3's PPO on the same game, network and PPO settings as a pocketrl run.

``pocketrl bench train --peer sb3`` times this right after pocketrl's own run. What is
the same: the game (``pocketrl/Gridmon-v0`` with the run's gridmon settings, stepped by
SB3's own vectorised env, ``DummyVecEnv``: one Python call per env per step), the
network (pocketrl's encoders and body as an SB3 features extractor, SB3's actor and
critic heads of the same sizes as pocketrl's: the same parameter count), and the PPO
settings (envs, rollout length, minibatch size, epochs, learning rate, clips, loss
weights). What is not: everything SB3 does its own way (its rollout buffer, its logger,
its Monitor wrapper), which is what the comparison is for.

stable-baselines3 is an optional dependency (the ``dev`` extra): ``pip install
stable-baselines3``.
"""

from __future__ import annotations

import time

import torch

from pocketrl.agents.policy import Policy, count_params
from pocketrl.config import ConfigError, TrainConfig

try:
    from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
except ImportError:  # checked in require_sb3, with a message that says what to install
    BaseFeaturesExtractor = torch.nn.Module


def require_sb3() -> None:
    """ConfigError naming the install command when stable-baselines3 is missing."""
    try:
        import stable_baselines3  # noqa: F401
    except ImportError:
        raise ConfigError(
            "--peer sb3 needs stable-baselines3: pip install stable-baselines3 "
            "(or pip install -e '.[dev]'; make install does it)"
        ) from None


class PocketrlExtractor(BaseFeaturesExtractor):
    """pocketrl's encoders and body (``Policy.encode``) as an SB3 features extractor.

    SB3 hands the observation dict as float tensors; ``encode`` turns id fields back
    into integers, so the network computes what it computes in pocketrl. The actor and
    critic heads are left out: SB3 adds its own (``net_arch=[]``), of the same sizes.
    """

    def __init__(self, observation_space, obs_spec, obs_vocab, num_actions, policy_cfg):
        super().__init__(observation_space, features_dim=policy_cfg.hidden)
        self.net = Policy(obs_spec, obs_vocab, num_actions, policy_cfg)
        del self.net.actor, self.net.critic

    def forward(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.net.encode(obs)


def make_model(cfg: TrainConfig, num_envs: int | None = None):
    """SB3's PPO on ``cfg``'s gridmon game, network and PPO settings (gridmon, no LSTM)."""
    require_sb3()
    from stable_baselines3 import PPO
    from stable_baselines3.common.env_util import make_vec_env

    import pocketrl  # noqa: F401 - registers pocketrl/Gridmon-v0

    if cfg.game != "gridmon" or cfg.policy.lstm:
        raise ConfigError(
            "--peer sb3 runs gridmon with the feed-forward policy (game=gridmon, "
            f"policy.lstm=false); this config has game={cfg.game}, "
            f"policy.lstm={str(cfg.policy.lstm).lower()}"
        )
    p = cfg.ppo
    n = num_envs or p.num_envs
    venv = make_vec_env(
        "pocketrl/Gridmon-v0", n_envs=n, seed=cfg.seed, env_kwargs={"config": cfg.env}
    )
    game = venv.envs[0].unwrapped._env
    extractor = {
        "obs_spec": game.obs_spec,
        "obs_vocab": game.obs_vocab,
        "num_actions": game.num_actions,
        "policy_cfg": cfg.policy,
    }
    return PPO(
        "MultiInputPolicy",
        venv,
        learning_rate=p.learning_rate,
        n_steps=p.num_steps,
        batch_size=n * p.num_steps // p.num_minibatches,
        n_epochs=p.update_epochs,
        gamma=p.gamma,
        gae_lambda=p.gae_lambda,
        clip_range=p.clip_coef,
        clip_range_vf=p.clip_coef if p.clip_vloss else None,
        normalize_advantage=p.norm_adv,
        ent_coef=p.ent_coef,
        vf_coef=p.vf_coef,
        max_grad_norm=p.max_grad_norm,
        policy_kwargs={
            "features_extractor_class": PocketrlExtractor,
            "features_extractor_kwargs": extractor,
            "net_arch": [],
        },
        device="cpu",
        seed=cfg.seed,
        verbose=0,
    )


def measure(cfg: TrainConfig, updates: int, warmup: int) -> dict:
    """Time ``updates`` rollout+update cycles of SB3's PPO after ``warmup`` ones."""
    model = make_model(cfg)
    per_update = model.n_envs * model.n_steps
    model.learn(total_timesteps=warmup * per_update)
    t0 = time.perf_counter()
    model.learn(total_timesteps=updates * per_update, reset_num_timesteps=False)
    wall = time.perf_counter() - t0
    out = {
        "params": count_params(model.policy),
        "num_envs": model.n_envs,
        "steps": updates * per_update,
        "seconds": wall,
        "sps": updates * per_update / wall,
    }
    model.get_env().close()
    return out
