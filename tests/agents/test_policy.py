"""The policy: built from any obs spec, small by default, LSTM unroll == stepping."""

import numpy as np
import pytest
import torch

from pocketrl.agents.policy import Policy, count_params
from pocketrl.config import PolicyConfig

GRIDMON_LIKE = {
    "tiles": ((9, 10), np.dtype(np.uint8)),
    "visited": ((9, 10), np.dtype(np.uint8)),
    "map_id": ((1,), np.dtype(np.uint8)),
    "species": ((7,), np.dtype(np.uint8)),
    "state": ((150,), np.dtype(np.float32)),
}
VOCAB = {"tiles": 24, "visited": 2, "map_id": 60, "species": 40}


def _obs(batch, lead=()):
    g = torch.Generator().manual_seed(0)
    out = {}
    for k, (shape, _dtype) in GRIDMON_LIKE.items():
        if k in VOCAB:
            out[k] = torch.randint(0, VOCAB[k], (*lead, batch, *shape), generator=g).to(torch.uint8)
        else:
            out[k] = torch.rand((*lead, batch, *shape), generator=g)
    return out


def test_default_policy_is_small_and_scales():
    small = Policy(GRIDMON_LIKE, VOCAB, 7, PolicyConfig())
    assert count_params(small) < 1_000_000
    big = Policy(
        GRIDMON_LIKE,
        VOCAB,
        7,
        PolicyConfig(hidden=768, conv_channels=128, state_hidden=512, lstm=True),
    )
    assert 1_000_000 < count_params(big) < 10_000_000


def test_step_shapes_and_uint8_inputs():
    policy = Policy(GRIDMON_LIKE, VOCAB, 7, PolicyConfig())
    logits, values, state = policy.step(_obs(5))
    assert logits.shape == (5, 7) and values.shape == (5,) and state is None


def test_lstm_unroll_equals_stepping_with_resets():
    torch.manual_seed(0)
    policy = Policy(GRIDMON_LIKE, VOCAB, 7, PolicyConfig(hidden=32, lstm=True))
    T, B = 6, 3
    obs = _obs(B, lead=(T,))
    starts = torch.zeros(T, B)
    starts[3, 1] = 1.0
    state = policy.initial_state(B)
    state = (torch.randn_like(state[0]), torch.randn_like(state[1]))
    logits_seq, values_seq = policy.unroll(obs, state, starts)
    s = state
    for t in range(T):
        logits, values, s = policy.step({k: v[t] for k, v in obs.items()}, s, starts[t])
        torch.testing.assert_close(logits, logits_seq[t])
        torch.testing.assert_close(values, values_seq[t])


@pytest.mark.parametrize("vocab", [{"tiles": 24, "visited": 2}, {"tiles": 300, "visited": 300}])
def test_grid_fields_are_fused_only_when_small(vocab):
    spec = {k: GRIDMON_LIKE[k] for k in ("tiles", "visited")}
    policy = Policy(spec, vocab, 7, PolicyConfig())
    assert len(policy.grid_encoders) == (1 if vocab["tiles"] < 100 else 2)


def test_pixel_fields_get_a_conv_encoder():
    from pocketrl.agents.policy import PixelEncoder

    spec = {"screen": ((72, 80), np.uint8), "state": ((5,), np.float32)}
    policy = Policy(spec, {}, 7, PolicyConfig())
    assert any(isinstance(e, PixelEncoder) for e in policy.grid_encoders)
    assert count_params(policy) < 10_000_000
    obs = {
        "screen": torch.randint(0, 256, (3, 72, 80), dtype=torch.uint8),
        "state": torch.zeros(3, 5),
    }
    logits, values, _ = policy.step(obs)
    assert logits.shape == (3, 7) and values.shape == (3,)


def test_fast_embedding_matches_torch_embedding():
    from pocketrl.agents.policy import FastEmbedding

    torch.manual_seed(0)
    fast = FastEmbedding(10, 4)
    ref = torch.nn.Embedding(10, 4)
    ref.weight.data.copy_(fast.weight.data)
    ids = torch.randint(0, 10, (6, 3, 5))
    grad = torch.randn(6, 3, 5, 4)
    out_fast, out_ref = fast(ids), ref(ids)
    assert torch.equal(out_fast, out_ref)
    out_fast.backward(grad)
    out_ref.backward(grad)
    assert torch.allclose(fast.weight.grad, ref.weight.grad, atol=1e-5)


def test_grid_encoder_computes_the_conv_its_weights_describe():
    """The encoder runs its conv as gather + matrix product; it must equal nn.Conv2d
    with the same weights (shipped bundles hold those weights), for any grid shape."""
    from pocketrl.agents.policy import GridEncoder

    torch.manual_seed(0)
    for shape in [(9, 10), (5, 7), (3, 3), (2, 4)]:
        enc = GridEncoder(["tiles", "visited"], [40, 2], shape, 8, 32)
        obs = {
            "tiles": torch.randint(0, 40, (16, *shape)),
            "visited": torch.randint(0, 2, (16, *shape)),
        }
        x = enc.embed(obs["tiles"] * 2 + obs["visited"]).permute(0, 3, 1, 2)
        expected = torch.relu(enc.conv(x)).flatten(1)
        got = enc(obs)
        assert got.shape == (16, enc.out_dim)
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)
