"""The actor-critic policy, built from any game's ``obs_spec`` and ``obs_vocab``.

Encoders by field kind (shapes are per env; the batch dimension comes first):

- 2-D integer fields with a vocab (``tiles (9,10)``, ``visited (9,10)``): fields of the
  same shape are fused into one id per cell (``tiles * 2 + visited``), embedded, and read
  by a small conv (3x3, stride 2). Fusing makes one embedding lookup per cell instead of
  one per field, which is what the CPU spends most of its backward pass on.
- 1-D integer fields with a vocab (``species (7,)``, ``map_id (1,)``): embeddings,
  flattened into the flat vector.
- 2-D uint8 fields without a vocab and at least 16x16 (pixels: pokered's ``screen
  (72,80)``): scaled to [0, 1] and read by a small Atari-style conv (8x8 stride 4, then
  4x4 stride 2).
- Float fields and other integer fields without a vocab: flattened into the flat vector.

The flat vector goes through an MLP (``state_hidden``); its output and the conv features
feed a body of ``hidden`` units, an optional LSTM, and the actor (logits) and critic
(value) heads. Observations stay uint8 until here.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from pocketrl.config import PolicyConfig

LSTMState = tuple[torch.Tensor, torch.Tensor]
MAX_FUSED_VOCAB = 4096


def _layer(layer: nn.Module, std: float = math.sqrt(2)) -> nn.Module:
    nn.init.orthogonal_(layer.weight, std)
    nn.init.zeros_(layer.bias)
    return layer


class _Lookup(torch.autograd.Function):
    """Embedding lookup whose backward is one ``index_add_``: on the CPU about twice as
    fast as torch's dense embedding backward for the small vocabularies used here."""

    @staticmethod
    def forward(ctx, weight: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(ids)
        ctx.num_rows = weight.shape[0]
        return weight.index_select(0, ids.reshape(-1)).view(*ids.shape, weight.shape[1])

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (ids,) = ctx.saved_tensors
        g = grad.reshape(-1, grad.shape[-1])
        out = torch.zeros(ctx.num_rows, g.shape[1], dtype=g.dtype, device=g.device)
        return out.index_add_(0, ids.reshape(-1), g), None


class FastEmbedding(nn.Embedding):
    """``nn.Embedding`` (same parameters and init) with the faster backward above."""

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return _Lookup.apply(self.weight, ids)


class GridEncoder(nn.Module):
    """Fused embedding + conv over same-shaped 2-D id fields. Output (B, out_dim), in
    ``nn.Conv2d``'s layout (the conv's weights are an ``nn.Conv2d``'s, see below)."""

    def __init__(self, names: list[str], vocabs: list[int], shape, embed_dim: int, channels: int):
        super().__init__()
        self.names = names
        strides, total = [], 1
        for v in reversed(vocabs):
            strides.append(total)
            total *= v
        self.strides = list(reversed(strides))
        self.embed = FastEmbedding(total, embed_dim)
        h, w = shape
        k, s = (3, 2) if min(h, w) >= 3 else (1, 1)
        self.conv = _layer(nn.Conv2d(embed_dim, channels, k, stride=s))
        oh, ow = (h - k) // s + 1, (w - k) // s + 1
        self.num_patches = oh * ow
        self.out_dim = channels * oh * ow
        # The conv runs as gather + matrix product (same weights, same function): cell
        # (oy*s + ky, ox*s + kx) of the grid feeds output (oy, ox) through kernel cell
        # (ky, kx). On the CPU, mkldnn's backward of this tiny conv (8 -> 32 channels on
        # a 4x4 output) was 39% of the update; a matrix product's is a few percent.
        oy, ox, ky, kx = torch.meshgrid(*(torch.arange(n) for n in (oh, ow, k, k)), indexing="ij")
        cells = (oy * s + ky) * w + (ox * s + kx)  # (oh, ow, k, k)
        self.register_buffer("patch_cells", cells.flatten(), persistent=False)

    def forward(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        ids = obs[self.names[0]].long() * self.strides[0]
        for name, stride in zip(self.names[1:], self.strides[1:], strict=True):
            ids = ids + obs[name].long() * stride
        patches = ids.flatten(1)[:, self.patch_cells]  # (B, P * k * k)
        x = self.embed(patches).view(len(ids), self.num_patches, -1)  # (B, P, k * k * E)
        c = self.conv.weight  # (C, E, k, k), used as a matrix over (ky, kx, E)
        out = nn.functional.linear(x, c.permute(0, 2, 3, 1).reshape(len(c), -1), self.conv.bias)
        return torch.relu(out).transpose(1, 2).flatten(1)  # conv2d's (B, C, oh, ow) order


class PixelEncoder(nn.Module):
    """Small conv over one (H, W) uint8 image field. Output (B, out_dim)."""

    def __init__(self, name: str, shape, channels: int):
        super().__init__()
        self.names = [name]
        h, w = shape
        self.conv1 = _layer(nn.Conv2d(1, channels, 8, stride=4))
        self.conv2 = _layer(nn.Conv2d(channels, 2 * channels, 4, stride=2))
        h, w = (h - 8) // 4 + 1, (w - 8) // 4 + 1
        h, w = (h - 4) // 2 + 1, (w - 4) // 2 + 1
        self.out_dim = 2 * channels * h * w

    def forward(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        x = obs[self.names[0]].unsqueeze(1).float() / 255.0
        x = torch.relu(self.conv1(x))
        return torch.relu(self.conv2(x)).flatten(1)


def _is_pixels(shape, dtype, name: str, obs_vocab: dict) -> bool:
    return (
        np.dtype(dtype) == np.uint8
        and len(shape) == 2
        and name not in obs_vocab
        and min(shape) >= 16
    )


class Policy(nn.Module):
    """Actor-critic over a game's observation dict (see module docstring).

    ``step`` runs one time step for a batch (rollouts); ``unroll`` runs (T, B) sequences
    (training). ``starts`` marks observations that begin an episode: the LSTM state is
    zeroed there so no memory leaks across episodes.
    """

    def __init__(self, obs_spec: dict, obs_vocab: dict, num_actions: int, cfg: PolicyConfig):
        super().__init__()
        self.cfg = cfg
        grids: dict[tuple, list[str]] = {}
        self.id_fields, self.flat_fields = [], []
        pixels = []
        flat_dim = 0
        for name, (shape, dtype) in obs_spec.items():
            integer = np.issubdtype(np.dtype(dtype), np.integer)
            if _is_pixels(shape, dtype, name, obs_vocab):
                pixels.append((name, shape))
            elif integer and name in obs_vocab and len(shape) == 2:
                grids.setdefault(tuple(shape), []).append(name)
            elif integer and name in obs_vocab:
                self.id_fields.append(name)
                flat_dim += int(np.prod(shape)) * cfg.embed_dim
            else:
                self.flat_fields.append(name)
                flat_dim += int(np.prod(shape))
        self.grid_encoders = nn.ModuleList()
        for shape, names in grids.items():
            for group in _fusable_groups(names, obs_vocab):
                vocabs = [obs_vocab[n] for n in group]
                enc = GridEncoder(group, vocabs, shape, cfg.embed_dim, cfg.conv_channels)
                self.grid_encoders.append(enc)
        for name, shape in pixels:
            self.grid_encoders.append(PixelEncoder(name, shape, cfg.conv_channels))
        self.id_embeds = nn.ModuleDict(
            {n: FastEmbedding(obs_vocab[n], cfg.embed_dim) for n in self.id_fields}
        )
        self.flat_mlp = _layer(nn.Linear(flat_dim, cfg.state_hidden)) if flat_dim else None
        body_in = sum(e.out_dim for e in self.grid_encoders) + (cfg.state_hidden if flat_dim else 0)
        self.body = _layer(nn.Linear(body_in, cfg.hidden))
        self.lstm = nn.LSTMCell(cfg.hidden, cfg.hidden) if cfg.lstm else None
        if self.lstm is not None:
            for name, p in self.lstm.named_parameters():
                nn.init.orthogonal_(p) if "weight" in name else nn.init.zeros_(p)
        self.actor = _layer(nn.Linear(cfg.hidden, num_actions), std=0.01)
        self.critic = _layer(nn.Linear(cfg.hidden, 1), std=1.0)

    def encode(self, obs: dict[str, torch.Tensor]) -> torch.Tensor:
        """(B, hidden) features of a batch of observations."""
        parts = [enc(obs) for enc in self.grid_encoders]
        if self.flat_mlp is not None:
            flat = [self.id_embeds[n](obs[n].long()).flatten(1) for n in self.id_fields]
            flat += [obs[n].flatten(1).float() for n in self.flat_fields]
            parts.append(torch.relu(self.flat_mlp(torch.cat(flat, 1))))
        return torch.relu(self.body(torch.cat(parts, 1)))

    def initial_state(self, batch: int, device=None) -> LSTMState | None:
        """Zero LSTM state for ``batch`` envs, or None without an LSTM."""
        if self.lstm is None:
            return None
        z = torch.zeros(batch, self.cfg.hidden, device=device)
        return z, z.clone()

    def step(self, obs, state: LSTMState | None = None, starts: torch.Tensor | None = None):
        """One step. obs leading dim B; starts (B,) float 0/1. Returns logits (B, A),
        values (B,), new state."""
        x = self.encode(obs)
        if self.lstm is not None:
            h, c = state
            if starts is not None:
                keep = (1.0 - starts).unsqueeze(1)
                h, c = h * keep, c * keep
            h, c = self.lstm(x, (h, c))
            x, state = h, (h, c)
        return self.actor(x), self.critic(x).squeeze(-1), state

    def unroll(self, obs, state: LSTMState | None, starts: torch.Tensor):
        """Sequences: obs leading dims (T, B); starts (T, B). Returns logits (T, B, A) and
        values (T, B); gradients flow through the whole sequence (truncated BPTT)."""
        t, b = starts.shape
        x = self.encode({k: v.reshape(t * b, *v.shape[2:]) for k, v in obs.items()})
        if self.lstm is not None:
            x = x.view(t, b, -1)
            h, c = state
            outs = []
            for i in range(t):
                keep = (1.0 - starts[i]).unsqueeze(1)
                h, c = self.lstm(x[i], (h * keep, c * keep))
                outs.append(h)
            x = torch.stack(outs).view(t * b, -1)
        logits = self.actor(x).view(t, b, -1)
        return logits, self.critic(x).view(t, b)


def _fusable_groups(names: list[str], vocab: dict) -> list[list[str]]:
    """Split same-shaped grid fields into groups whose vocab product stays small."""
    groups, current, size = [], [], 1
    for n in names:
        if current and size * vocab[n] > MAX_FUSED_VOCAB:
            groups.append(current)
            current, size = [], 1
        current.append(n)
        size *= vocab[n]
    return groups + [current]


def count_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# Each part of a Policy (its named children) and the config keys that set its size.
PART_KEYS = {
    "grid_encoders": ("policy.embed_dim", "policy.conv_channels"),
    "id_embeds": ("policy.embed_dim",),
    "flat_mlp": ("policy.state_hidden", "policy.embed_dim"),
    "body": ("policy.hidden", "policy.conv_channels", "policy.state_hidden"),
    "lstm": ("policy.hidden", "policy.lstm"),
    "actor": ("policy.hidden",),
    "critic": ("policy.hidden",),
}


def policy_size(obs_spec: dict, obs_vocab: dict, num_actions: int, cfg: PolicyConfig):
    """Trainable parameters of each part (``PART_KEYS``) of the Policy these arguments
    build, counted on torch's ``meta`` device: no weight memory is allocated and no
    weights are initialised, so billions of parameters are counted as fast as thousands
    (10 ms; the first call in a process also imports torch's meta kernels, a few seconds
    that training's first optimizer step would pay anyway)."""
    with torch.device("meta"):
        policy = Policy(obs_spec, obs_vocab, num_actions, cfg)
    return {name: count_params(part) for name, part in policy.named_children()}


def sample_actions(
    logits: torch.Tensor, generator: torch.Generator | None = None, greedy: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """One action per row and its log-probability: ``(actions, logprobs)``.

    The one sampler of the project (training rollouts, eval, watch, search). Sampling is
    Gumbel-max with uniform noise from ``generator`` (torch's global one when None);
    ``greedy`` takes the most likely action instead and draws nothing.
    """
    logp = torch.log_softmax(logits, -1)
    if greedy:
        actions = torch.argmax(logp, -1)
    else:
        u = torch.rand(logp.shape, generator=generator, dtype=logp.dtype, device=logp.device)
        actions = torch.argmax(logp - torch.log(-torch.log(u.clamp_(1e-12, 1.0))), -1)
    return actions, logp.gather(-1, actions.unsqueeze(-1)).squeeze(-1)


def logprob_entropy(logits: torch.Tensor, actions: torch.Tensor):
    """Log-probability of ``actions`` and entropy of each row's distribution."""
    logp = torch.log_softmax(logits, -1)
    entropy = -(logp.exp() * logp).sum(-1)
    return logp.gather(-1, actions.unsqueeze(-1)).squeeze(-1), entropy
