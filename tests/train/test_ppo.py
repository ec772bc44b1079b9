"""PPO math: GAE against a plain loop, loss terms on hand-computed values, the update."""

import math

import numpy as np
import pytest
import torch

from pocketrl.agents.policy import Policy, logprob_entropy, sample_actions
from pocketrl.config import PolicyConfig, PPOConfig
from pocketrl.games.toy import ToyGame
from pocketrl.train.ppo import NonFiniteLossError, compute_gae, ppo_losses, ppo_update
from pocketrl.train.rollout import Collector, RolloutStorage


def reference_gae(rewards, values, terminated, truncated, trunc_values, next_value, g, lam):
    """Per env, per step, the textbook definitions written as plainly as possible."""
    T, N = rewards.shape
    adv = np.zeros((T, N))
    for n in range(N):
        gae = 0.0
        for t in reversed(range(T)):
            if terminated[t, n]:
                delta = rewards[t, n] - values[t, n]
                gae = delta  # nothing after a true end
            elif truncated[t, n]:
                delta = rewards[t, n] + g * trunc_values[t, n] - values[t, n]
                gae = delta  # bootstrap from the final obs, do not cross the boundary
            else:
                nv = next_value[n] if t == T - 1 else values[t + 1, n]
                delta = rewards[t, n] + g * nv - values[t, n]
                gae = delta + g * lam * gae
            adv[t, n] = gae
    return adv, adv + values


def test_gae_matches_reference_loop_with_terminations_and_truncations():
    rng = np.random.default_rng(0)
    T, N = 17, 6
    rewards = rng.normal(size=(T, N))
    values = rng.normal(size=(T, N))
    ends = rng.random((T, N))
    terminated = (ends < 0.1).astype(float)
    truncated = ((ends >= 0.1) & (ends < 0.2)).astype(float)
    trunc_values = rng.normal(size=(T, N)) * truncated
    next_value = rng.normal(size=N)
    assert terminated.sum() > 0 and truncated.sum() > 0
    args = [
        torch.tensor(a, dtype=torch.float64)
        for a in (rewards, values, terminated, truncated, trunc_values, next_value)
    ]
    adv, ret = compute_gae(*args, 0.97, 0.9)
    ref_adv, ref_ret = reference_gae(
        rewards, values, terminated, truncated, trunc_values, next_value, 0.97, 0.9
    )
    np.testing.assert_allclose(adv.numpy(), ref_adv, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ret.numpy(), ref_ret, rtol=1e-10, atol=1e-10)


def test_gae_truncation_is_not_termination():
    one = lambda v: torch.tensor([[v]], dtype=torch.float64)  # noqa: E731
    kwargs = dict(
        rewards=one(1.0),
        values=one(0.0),
        terminated=one(0.0),
        truncated=one(1.0),
        trunc_values=one(10.0),
        next_value=torch.tensor([99.0], dtype=torch.float64),
        gamma=0.5,
        gae_lambda=1.0,
    )
    adv, _ = compute_gae(**kwargs)
    assert adv.item() == pytest.approx(1.0 + 0.5 * 10.0)  # final obs value, not next_value
    kwargs["terminated"] = one(1.0)
    adv, _ = compute_gae(**kwargs)
    assert adv.item() == pytest.approx(1.0)


def test_losses_on_hand_computed_values():
    cfg = PPOConfig(clip_coef=0.2, vf_coef=0.5, ent_coef=0.01, norm_adv=False)
    ratio = torch.tensor([1.5, 0.5, 1.0])
    old = torch.zeros(3)
    new = ratio.log()
    adv = torch.tensor([1.0, 1.0, -2.0])
    # pg: max(-A r, -A clip(r)) -> [max(-1.5,-1.2), max(-0.5,-0.8), max(2,2)] = [-1.2,-0.5,2]
    newv = torch.tensor([1.0, 2.0, 0.0])
    oldv = torch.tensor([0.5, 2.0, 1.0])
    ret = torch.tensor([2.0, 1.0, 0.0])
    # clipped values: [0.7, 2.0, 0.8]; losses max((v-R)^2, (vc-R)^2) = [max(1,1.69), 1, max(0,.64)]
    ent = torch.tensor([1.0, 2.0, 3.0])
    out = ppo_losses(new, old, adv, newv, oldv, ret, ent, cfg)
    pg = (-1.2 - 0.5 + 2.0) / 3
    v = 0.5 * (1.69 + 1.0 + 0.64) / 3
    assert out["pg_loss"].item() == pytest.approx(pg, abs=1e-6)
    assert out["v_loss"].item() == pytest.approx(v, abs=1e-6)
    assert out["entropy"].item() == pytest.approx(2.0)
    assert out["loss"].item() == pytest.approx(pg - 0.01 * 2.0 + 0.5 * v, abs=1e-6)
    assert out["clipfrac"].item() == pytest.approx(2 / 3)
    kl = ((ratio - 1) - ratio.log()).mean().item()
    assert out["approx_kl"].item() == pytest.approx(kl, abs=1e-6)
    cfg.clip_vloss = False
    out = ppo_losses(new, old, adv, newv, oldv, ret, ent, cfg)
    assert out["v_loss"].item() == pytest.approx(0.5 * (1 + 1 + 0) / 3, abs=1e-6)


def test_advantage_normalisation():
    cfg = PPOConfig(norm_adv=True, ent_coef=0.0, vf_coef=0.0)
    adv = torch.tensor([1.0, 3.0])
    z = torch.zeros(2)
    out = ppo_losses(z, z, adv, z, z, z, z, cfg)
    # normalised advantages are -+1/sqrt(2) * ... ; ratio 1 -> pg = -mean(norm adv) = 0
    assert out["pg_loss"].item() == pytest.approx(0.0, abs=1e-6)


def test_sampling_and_logprob_agree():
    torch.manual_seed(0)
    logits = torch.tensor([[0.0, math.log(3.0)]]).repeat(20000, 1)
    actions, logp = sample_actions(logits)
    assert actions.float().mean().item() == pytest.approx(0.75, abs=0.02)
    lp, ent = logprob_entropy(logits, actions)
    torch.testing.assert_close(lp, logp)
    p = torch.tensor([0.25, 0.75])
    assert ent[0].item() == pytest.approx(float(-(p * p.log()).sum()), abs=1e-6)


def _filled(lstm: bool):
    torch.manual_seed(0)
    game = ToyGame(8)
    pcfg = PolicyConfig(hidden=16, embed_dim=4, conv_channels=4, state_hidden=8, lstm=lstm)
    ppo = PPOConfig(num_envs=8, num_steps=8, num_minibatches=2, update_epochs=2, bptt_horizon=4)
    policy = Policy(game.obs_spec, game.obs_vocab, game.num_actions, pcfg)
    storage = RolloutStorage(game.obs_spec, 8, 8, 16 if lstm else 0, 4 if lstm else 1)
    Collector(game, policy, None, "cpu", 0, 4 if lstm else 1).collect(storage)
    storage.advantages[:], storage.returns[:] = compute_gae(
        storage.rewards,
        storage.values,
        storage.terminated,
        storage.truncated,
        storage.trunc_values,
        storage.next_value,
        0.99,
        0.95,
    )
    return policy, storage, ppo


@pytest.mark.parametrize("lstm", [False, True])
def test_update_changes_weights_and_reports_losses(lstm):
    policy, storage, ppo = _filled(lstm)
    before = [p.detach().clone() for p in policy.parameters()]
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    stats = ppo_update(policy, opt, storage, ppo)
    assert {"pg_loss", "v_loss", "entropy", "approx_kl", "clipfrac"} <= set(stats)
    assert all(math.isfinite(v) for k, v in stats.items() if k != "explained_variance")
    assert any(not torch.equal(a, b) for a, b in zip(before, policy.parameters(), strict=True))


def test_first_minibatch_ratio_is_one_for_lstm_replay():
    """Replaying stored sequences from the saved LSTM states reproduces the rollout's
    log-probabilities exactly (before any update): truncated BPTT is wired correctly."""
    policy, storage, ppo = _filled(True)
    segs = torch.arange(storage.num_envs * 2)
    batch = storage.minibatch(segs, 4)
    with torch.no_grad():
        logits, values = policy.unroll(batch["obs"], (batch["h0"], batch["c0"]), batch["starts"])
        lp, _ = logprob_entropy(logits, batch["actions"])
    torch.testing.assert_close(lp, batch["logprobs"], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(values, batch["values"], atol=1e-5, rtol=1e-5)


def test_nan_loss_raises_before_stepping():
    policy, storage, ppo = _filled(False)
    storage.returns[0, 0] = float("nan")
    before = [p.detach().clone() for p in policy.parameters()]
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    with pytest.raises(NonFiniteLossError, match="loss is nan"):
        ppo_update(policy, opt, storage, PPOConfig(num_envs=8, num_steps=8, num_minibatches=1))
    assert all(torch.equal(a, b) for a, b in zip(before, policy.parameters(), strict=True))
