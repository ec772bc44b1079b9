"""Intuition + search: look-ahead by simulation at play time.

Before a real step, every game of the batch is copied ``copies`` (N) times into one
batched *simulation* game by ``snapshot``/``restore`` (games/contract.py). Every copy
plays ``depth`` (D) steps, all copies of all games stepped as one batch, with actions
from a *rollout*: the trained policy (intuition) or uniform random buttons (no
intuition). A copy's score is its discounted reward over those steps (nothing counts
after its episode ended) plus ``gamma**D`` times the critic's value where it stands
(0 for random rollouts and for copies whose episode ended). The real game then takes
the first action of the best copy (``mode="best"``), or the first action whose copies
score best on average (``mode="mean"``).

The simulation game is its own game object, built by the same factory and config as
the real one but seeded with the search seed, and the search draws its random numbers
from its own generator: the real game only ever sees the chosen actions, so a run is
deterministic for a fixed game seed and search seed, and replaying the recorded actions
without search reproduces it exactly. Copy ``j`` of env ``i`` is sim env ``i * N + j``.

Copies always sample (even for a ``--greedy`` agent): in a deterministic game N greedy
copies would all play the same game.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from pocketrl.agents.policy import sample_actions

SEARCH_MODES = ("best", "mean")
SEARCH_POLICIES = ("policy", "random")
MEMORY_SHARE = 0.5  # the copies may use at most this share of the available memory


@dataclass
class SearchSettings:
    """What a search does before a real step (see module docstring)."""

    copies: int
    """N: copies of each game per decision; 0 turns search off."""
    depth: int = 32
    """D: steps every copy plays before it is scored."""
    every: int = 1
    """K: search before every K-th real step; the prior acts alone in between."""
    mode: str = "best"
    """``best``: the first action of the best copy; ``mean``: the first action with the
    best mean score over the copies that started with it."""
    policy: str = "policy"
    """Rollout actions: ``policy`` (the trained policy, critic value at the leaves) or
    ``random`` (uniform buttons, value 0 at the leaves)."""
    seed: int = 0
    """Seed of the simulation game and of the copies' action sampling."""
    gamma: float = 0.998
    """Discount of the copies' rewards (the run's ``ppo.gamma``)."""

    def validate(self) -> None:
        """Raise ValueError naming the flag and what is allowed."""
        if not isinstance(self.copies, int) or self.copies < 0:
            raise ValueError(
                f"--search must be a whole number >= 0 (copies of each game), got {self.copies}"
            )
        if self.depth < 1:
            raise ValueError(
                f"--search-depth must be >= 1 (steps each copy plays before it is "
                f"scored), got {self.depth}"
            )
        if self.every < 1:
            raise ValueError(f"--search-every must be >= 1 (real steps), got {self.every}")
        if self.mode not in SEARCH_MODES:
            raise ValueError(f"--search-mode must be one of {', '.join(SEARCH_MODES)}")
        if self.policy not in SEARCH_POLICIES:
            raise ValueError(f"--search-policy must be one of {', '.join(SEARCH_POLICIES)}")
        if not 0.0 < self.gamma <= 1.0:
            raise ValueError(f"gamma must be in (0, 1], got {self.gamma}")

    def describe(self) -> str:
        """One line for tables and captions, e.g. ``N=16 D=32 every 1, best, policy``."""
        return (
            f"N={self.copies} D={self.depth} every {self.every}, {self.mode}, "
            f"{self.policy} rollouts"
        )


# --- rollouts: how copies choose actions and value their leaves ------------------------
class RandomRollout:
    """Search without intuition: uniform buttons, value 0 at the leaves."""

    def __init__(self, num_actions: int, generator: torch.Generator):
        self.num_actions, self.generator = num_actions, generator
        self.bytes_per_copy = 0

    def begin(self, copies: int) -> None:
        pass

    def act(self, obs, done: np.ndarray | None) -> np.ndarray:
        batch = len(next(iter(obs.values())))
        logits = torch.zeros(batch, self.num_actions)
        return sample_actions(logits, self.generator)[0].numpy()

    def value(self, obs, done: np.ndarray | None) -> np.ndarray:
        return np.zeros(len(next(iter(obs.values()))), np.float32)


class PolicyRollout:
    """Copies play the trained policy (agents/load.py ``PolicyAgent``), starting from the
    real agent's LSTM state; the critic values the leaves."""

    def __init__(self, agent, obs_spec: dict, generator: torch.Generator):
        self.agent, self.generator = agent, generator
        self.policy = agent.policy
        self.bytes_per_copy = activation_bytes(self.policy.cfg, obs_spec)
        self.state, self.starts = None, None

    def begin(self, copies: int) -> None:
        """Copy the real agent's recurrent state (before it sees this step's observation)
        into each of the ``copies`` of every env."""
        state = self.agent.state
        if state is not None:
            state = tuple(s.repeat_interleave(copies, 0) for s in state)
        self.state = state
        self.starts = self.agent.starts.repeat_interleave(copies)

    @torch.no_grad()
    def act(self, obs, done: np.ndarray | None) -> np.ndarray:
        logits, _ = self._forward(obs, done)
        return sample_actions(logits, self.generator)[0].numpy()

    @torch.no_grad()
    def value(self, obs, done: np.ndarray | None) -> np.ndarray:
        return self._forward(obs, done)[1].numpy()

    def _forward(self, obs, done):
        starts = self.starts if done is None else torch.as_tensor(done, dtype=torch.float32)
        obs_t = {k: torch.as_tensor(v) for k, v in obs.items()}
        logits, value, self.state = self.policy.step(obs_t, self.state, starts)
        return logits, value


def activation_bytes(cfg, obs_spec: dict) -> int:
    """Rough bytes of one row's tensors in a policy forward pass: the embedded grids
    (int64 ids, embeddings, conv output) and the float vectors of the body and LSTM."""
    cells = sum(math.prod(shape) for shape, _ in obs_spec.values() if len(shape) == 2)
    per_cell = 8 + 4 * cfg.embed_dim + 4 * cfg.conv_channels
    return int(cells * per_cell + 4 * (cfg.state_hidden + 8 * cfg.hidden))


def make_rollout(prior, policy: str, env, generator: torch.Generator):
    """The rollout named by ``--search-policy`` for the real agent ``prior``."""
    if policy == "random":
        return RandomRollout(env.num_actions, generator)
    if not hasattr(prior, "policy"):
        raise ValueError(
            "--search-policy policy needs a trained policy (a TARGET or --agent "
            "pretrained); for search without a policy use --search-policy random"
        )
    return PolicyRollout(prior, env.obs_spec, generator)


# --- checks before the copies are made ---------------------------------------------------
def snapshot_bytes(env) -> int:
    """Size of one env's snapshot; ValueError when the game cannot snapshot."""
    where = env.label
    if not (callable(getattr(env, "snapshot", None)) and callable(getattr(env, "restore", None))):
        raise ValueError(
            f"{where} cannot snapshot and restore its games, which search needs "
            "(games/contract.py); play it without --search"
        )
    try:
        blob = env.snapshot([0])[0]
    except NotImplementedError as e:
        raise ValueError(
            f"{where} cannot snapshot its games ({e or 'not implemented'}), which search "
            "needs; play it without --search"
        ) from None
    return len(blob)


def available_memory() -> int | None:
    """Bytes of memory available now (Linux MemAvailable, else physical), None unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def copy_bytes(env, snap_bytes: int, rollout_bytes: int) -> int:
    """Estimated memory of one copy: its game state (about one snapshot, twice while it
    is restored), its observation rows (obs and final obs), the rollout's tensors, and
    what one env of the game takes besides its state (the contract's
    ``env_overhead_bytes``, e.g. an emulator whose snapshot is compressed)."""
    obs = sum(math.prod(shape) * np.dtype(dt).itemsize for shape, dt in env.obs_spec.values())
    overhead = int(env.env_overhead_bytes)
    return 2 * snap_bytes + 2 * obs + rollout_bytes + overhead


def check_budget(env, prior, settings: SearchSettings, available: int | None = None):
    """Check that ``env`` can be searched with ``settings`` before any copy is made:
    the game snapshots, the rollout fits the prior, and the copies fit in memory.
    Returns (snapshot bytes of one env, estimated bytes of all copies)."""
    settings.validate()
    snap = snapshot_bytes(env)
    if settings.policy == "random":
        rollout_bytes = 0
    else:
        rollout_bytes = make_rollout(prior, settings.policy, env, None).bytes_per_copy
    per_copy = copy_bytes(env, snap, rollout_bytes)
    if available is None:
        available = available_memory()
    return snap, check_memory(env, settings.copies, per_copy, available)


def check_memory(env, copies: int, per_copy: int, available: int | None) -> int:
    """Refuse (ValueError with the estimate) when ``num_envs * copies`` copies of
    ``per_copy`` bytes need more than ``MEMORY_SHARE`` of ``available``; returns the
    estimate in bytes."""
    total = env.num_envs * copies * per_copy
    if available is None or total <= MEMORY_SHARE * available:
        return total
    fits = int(MEMORY_SHARE * available // (env.num_envs * per_copy))
    raise ValueError(
        f"--search {copies} with {env.num_envs} games makes {env.num_envs * copies:,} "
        f"copies of about {per_copy:,} bytes each: about {_gb(total)} of memory, more "
        f"than {MEMORY_SHARE:.0%} of the {_gb(available)} available; at most --search "
        f"{fits:,} fits (or play fewer --envs)"
    )


def _gb(n: float) -> str:
    return f"{n / 1e9:,.2f} GB" if n >= 1e8 else f"{n / 1e6:,.1f} MB"


# --- the agent -------------------------------------------------------------------------
class SearchAgent:
    """A real agent (the prior) with look-ahead by simulation (see module docstring).

    ``make_sim(num_envs)`` builds the simulation game: the real game's factory and
    config, seeded with the search seed. ``rollout`` defaults to the one named by
    ``settings.policy``; tests pass their own (``begin``, ``act``, ``value``,
    ``bytes_per_copy``). ``available``: bytes of memory the copies may take a share of
    (default: what the machine has available now).

    Counters: ``sim_steps`` (env steps of all copies: ``num_envs * N * D`` per search),
    ``searches`` (decisions searched), ``search_seconds`` (wall time in searches).
    """

    def __init__(
        self,
        env,
        prior,
        settings: SearchSettings,
        make_sim,
        rollout=None,
        available: int | None = None,
    ):
        settings.validate()
        if settings.copies < 1:
            raise ValueError("a SearchAgent needs --search >= 1; play the prior alone for 0")
        self.env, self.prior, self.settings = env, prior, settings
        self.generator = torch.Generator().manual_seed(settings.seed)
        self.rollout = rollout or make_rollout(prior, settings.policy, env, self.generator)
        self.snapshot_bytes = snapshot_bytes(env)
        per_copy = copy_bytes(env, self.snapshot_bytes, self.rollout.bytes_per_copy)
        if available is None:
            available = available_memory()
        self.memory_bytes = check_memory(env, settings.copies, per_copy, available)
        n = env.num_envs * settings.copies
        self.sim = make_sim(n)
        self._env_ids = np.arange(env.num_envs)
        self._sim_ids = np.arange(n)
        self.sim_steps, self.searches, self.search_seconds, self.t = 0, 0, 0.0, 0

    def act(self, obs) -> np.ndarray:
        """The real actions for ``obs``: the prior's, replaced by the search's choice on
        every ``every``-th call. The prior acts on every call so that its own state
        (the LSTM's memory of the real game) follows the real game."""
        search_now = self.t % self.settings.every == 0
        self.t += 1
        if search_now:
            self.rollout.begin(self.settings.copies)  # before the prior sees obs
        actions = self.prior.act(obs)
        return self.search() if search_now else actions

    def search(self) -> np.ndarray:
        """Copy every real game N times, play the copies D steps, return the chosen
        first actions (num_envs,) int64."""
        t0 = time.perf_counter()
        s, e = self.settings, self.env.num_envs
        snaps = self.env.snapshot(self._env_ids)
        self.sim.restore(self._sim_ids, [blob for blob in snaps for _ in range(s.copies)])
        first, scores = self.rollouts(self.sim.obs)
        self.sim_steps += e * s.copies * s.depth
        self.searches += 1
        choice = choose(first.reshape(e, -1), scores.reshape(e, -1), s.mode)
        self.search_seconds += time.perf_counter() - t0
        return choice

    def rollouts(self, obs) -> tuple[np.ndarray, np.ndarray]:
        """Play every copy D steps from ``obs``; returns the copies' first actions and
        their scores (discounted rewards + gamma**D * leaf value), both (num_copies,)."""
        s = self.settings
        n = len(self._sim_ids)
        scores = np.zeros(n, np.float64)
        alive = np.ones(n, bool)
        discount, done, first = 1.0, None, None
        for _ in range(s.depth):
            actions = self.rollout.act(obs, done)
            if first is None:
                first = np.asarray(actions, np.int64).copy()
            obs, reward, terminated, truncated, _ = self.sim.step(actions)
            scores += discount * np.where(alive, reward, 0.0)
            done = terminated | truncated
            alive &= ~done
            discount *= s.gamma
        leaf = self.rollout.value(obs, done)
        scores += discount * np.where(alive, leaf, 0.0)
        return first, scores

    def search_report(self) -> dict:
        """Settings and honest compute, for eval.json and the table."""
        return {
            **asdict(self.settings),
            "sim_steps": int(self.sim_steps),
            "searches": int(self.searches),
            "search_seconds": float(self.search_seconds),
            "snapshot_bytes": int(self.snapshot_bytes),
            "memory_estimate_bytes": int(self.memory_bytes),
        }

    def close(self) -> None:
        self.sim.close()


def choose(first: np.ndarray, scores: np.ndarray, mode: str) -> np.ndarray:
    """The action each env takes from its copies' first actions and scores, both
    (num_envs, N). ``best``: the best copy's first action (the lowest copy on ties);
    ``mean``: the action with the best mean score over the copies that started with it
    (the lowest action on ties; actions no copy tried are never chosen)."""
    rows = np.arange(len(first))
    if mode == "best":
        return first[rows, np.argmax(scores, axis=1)].astype(np.int64)
    num_actions = int(first.max()) + 1
    index = rows[:, None] * num_actions + first
    size = len(first) * num_actions
    total = np.bincount(index.ravel(), scores.ravel(), minlength=size).reshape(-1, num_actions)
    count = np.bincount(index.ravel(), minlength=size).reshape(-1, num_actions)
    mean = np.where(count > 0, total / np.maximum(count, 1), -np.inf)
    return np.argmax(mean, axis=1).astype(np.int64)
