"""The PPO update, top to bottom: GAE, the three loss terms, minibatches and epochs.

Everything here is a plain function over tensors so that it can be imported and tested
(``tests/train/test_ppo.py`` checks GAE against a reference loop and the losses against
hand-computed values). Shapes: T = ``num_steps``, N = ``num_envs``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from pocketrl.agents.policy import logprob_entropy
from pocketrl.config import PPOConfig


class NonFiniteLossError(RuntimeError):
    """The loss became NaN or infinite; the optimizer step was not taken."""


@torch.no_grad()
def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    terminated: torch.Tensor,
    truncated: torch.Tensor,
    trunc_values: torch.Tensor,
    next_value: torch.Tensor,
    gamma: float,
    gae_lambda: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalised advantage estimation with correct episode ends.

    Args (all float tensors):
        rewards, values, terminated, truncated, trunc_values: (T, N). Row t is the
            transition from obs[t] with the action taken there; ``terminated[t]`` /
            ``truncated[t]`` say the episode ended at that step, so obs[t+1] begins a new
            one. ``trunc_values[t]`` is V(final obs) where ``truncated[t]``.
        next_value: (N,) V(obs after the last step).

    A terminated step bootstraps nothing (the episode's true end); a truncated step
    bootstraps from the value of its final observation (the game would have gone on).
    In both cases the advantage recursion does not cross into the next episode.

    Returns (advantages, returns), each (T, N); returns = advantages + values.
    """
    num_steps = rewards.shape[0]
    advantages = torch.zeros_like(rewards)
    last_gae = torch.zeros_like(next_value)
    for t in reversed(range(num_steps)):
        following = next_value if t == num_steps - 1 else values[t + 1]
        ended = torch.maximum(terminated[t], truncated[t])
        bootstrap = following * (1.0 - ended) + trunc_values[t] * truncated[t] * (
            1.0 - terminated[t]
        )
        delta = rewards[t] + gamma * bootstrap - values[t]
        last_gae = delta + gamma * gae_lambda * (1.0 - ended) * last_gae
        advantages[t] = last_gae
    return advantages, advantages + values


def ppo_losses(
    newlogprob: torch.Tensor,
    oldlogprob: torch.Tensor,
    advantages: torch.Tensor,
    newvalue: torch.Tensor,
    oldvalue: torch.Tensor,
    returns: torch.Tensor,
    entropy: torch.Tensor,
    cfg: PPOConfig,
) -> dict[str, torch.Tensor]:
    """The PPO loss terms for one minibatch (all inputs flat, same length).

    pg_loss: clipped surrogate, mean of max(-A r, -A clip(r, 1-eps, 1+eps));
    v_loss: 0.5 * mean squared error to returns, with the max against the clipped value
    (oldvalue + clip(newvalue - oldvalue, -eps, eps)) when ``clip_vloss``;
    entropy: mean entropy. ``loss`` = pg_loss - ent_coef * entropy + vf_coef * v_loss.
    Also approx_kl ((r - 1) - log r, the low-variance estimator) and clipfrac.
    """
    if cfg.norm_adv and advantages.numel() > 1:
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    logratio = newlogprob - oldlogprob
    ratio = logratio.exp()
    pg_loss1 = -advantages * ratio
    pg_loss2 = -advantages * torch.clamp(ratio, 1 - cfg.clip_coef, 1 + cfg.clip_coef)
    pg_loss = torch.max(pg_loss1, pg_loss2).mean()
    v_loss_unclipped = (newvalue - returns) ** 2
    if cfg.clip_vloss:
        v_clipped = oldvalue + torch.clamp(newvalue - oldvalue, -cfg.clip_coef, cfg.clip_coef)
        v_loss = 0.5 * torch.max(v_loss_unclipped, (v_clipped - returns) ** 2).mean()
    else:
        v_loss = 0.5 * v_loss_unclipped.mean()
    entropy_loss = entropy.mean()
    loss = pg_loss - cfg.ent_coef * entropy_loss + cfg.vf_coef * v_loss
    with torch.no_grad():
        approx_kl = ((ratio - 1) - logratio).mean()
        clipfrac = ((ratio - 1.0).abs() > cfg.clip_coef).float().mean()
    return {
        "loss": loss,
        "pg_loss": pg_loss,
        "v_loss": v_loss,
        "entropy": entropy_loss,
        "approx_kl": approx_kl,
        "clipfrac": clipfrac,
    }


def ppo_update(
    policy: nn.Module,
    optimizer: torch.optim.Optimizer,
    storage,
    cfg: PPOConfig,
    generator: torch.Generator | None = None,
    sync_grads: Callable[[Iterable[nn.Parameter]], None] | None = None,
) -> dict[str, float]:
    """Run ``update_epochs`` passes of minibatch PPO over a filled ``RolloutStorage``.

    Without an LSTM a minibatch is a random set of single transitions. With an LSTM it is
    a random set of (env, segment) sequences of ``bptt_horizon`` steps, replayed from the
    LSTM state stored at the segment start (truncated BPTT).
    ``sync_grads(params)``, when given, runs after each backward pass and before the
    gradient clip: data-parallel training averages the gradients over its ranks there
    (``distributed.GradAverager``), so each rank's optimizer takes the same step.
    Raises NonFiniteLossError (before any parameter changes in that step) on NaN/inf;
    the check comes after ``sync_grads``, so that no rank waits for one that stopped.
    Returns the mean of each loss term over the last epoch, plus explained variance.
    """
    s = storage
    seq = s.seg_h is not None
    horizon = cfg.bptt_horizon if seq else 1
    num_segments = (cfg.num_steps // horizon) * cfg.num_envs
    per_minibatch = num_segments // cfg.num_minibatches
    device = next(policy.parameters()).device
    for _epoch in range(cfg.update_epochs):
        sums: dict[str, float] = {}
        order = torch.randperm(num_segments, generator=generator)
        for start in range(0, num_segments, per_minibatch):
            mb = order[start : start + per_minibatch]
            batch = _to(s.minibatch(mb, horizon), device)
            state = (batch["h0"], batch["c0"]) if seq else None
            logits, newvalue = policy.unroll(batch["obs"], state, batch["starts"])
            newlogprob, entropy = logprob_entropy(logits, batch["actions"])
            terms = ppo_losses(
                newlogprob.flatten(),
                batch["logprobs"].flatten(),
                batch["advantages"].flatten(),
                newvalue.flatten(),
                batch["values"].flatten(),
                batch["returns"].flatten(),
                entropy.flatten(),
                cfg,
            )
            optimizer.zero_grad(set_to_none=True)
            terms["loss"].backward()
            if sync_grads is not None:
                sync_grads(policy.parameters())
            if not torch.isfinite(terms["loss"]):
                raise NonFiniteLossError(f"loss is {terms['loss'].item()} ({_describe(terms)})")
            grad_norm = nn.utils.clip_grad_norm_(policy.parameters(), cfg.max_grad_norm)
            if not torch.isfinite(grad_norm):
                raise NonFiniteLossError(f"gradient norm is {grad_norm.item()}")
            optimizer.step()
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + float(v.detach())
    stats = {k: v / cfg.num_minibatches for k, v in sums.items()}
    stats["explained_variance"] = explained_variance(s.values, s.returns)
    return stats


def _to(batch: dict, device: torch.device) -> dict:
    """Move a minibatch (storage lives on the CPU) to the policy's device."""
    if device.type == "cpu":
        return batch
    return {
        k: _to(v, device) if isinstance(v, dict) else v.to(device, non_blocking=True)
        for k, v in batch.items()
    }


def explained_variance(values: torch.Tensor, returns: torch.Tensor) -> float:
    """1 - Var(returns - values) / Var(returns); 1 is perfect, <= 0 is useless."""
    var = returns.var()
    return float("nan") if var == 0 else float(1 - (returns - values).var() / var)


def _describe(terms: dict) -> str:
    return ", ".join(f"{k}={float(v.detach()):.4g}" for k, v in terms.items() if k != "loss")
