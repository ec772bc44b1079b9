"""The batched game contract: what the trainer, evaluator and CLI may rely on.

One object steps a batch of ``num_envs`` games. Everything is numpy, batch-first and
preallocated. Nothing here is game-specific; gridmon and pokered both implement it.

Autoreset rule (the one rule, for every game): when an env ends an episode at a step
(``terminated | truncated``), that same ``step`` call resets it, so the returned ``obs``
row is already the first observation of its next episode. The observation the episode
ended on is in ``info["final_obs"][key]`` (same shapes as ``obs``; rows of envs that did
not end hold stale data). Rewards returned by that step belong to the ended episode.
Use ``final_obs`` to bootstrap the value at truncation.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

ObsSpec = dict[str, tuple[tuple[int, ...], np.dtype]]
Obs = dict[str, np.ndarray]


@runtime_checkable
class BatchedGame(Protocol):
    """A batch of games stepped together.

    Attributes:
        num_envs: size of the batch.
        obs_spec: name -> (shape, dtype) of ONE env's observation; the batch arrays are
            ``(num_envs, *shape)``. Integer fields are ids or raw counts and stay integer
            until the policy embeds them.
        num_actions: discrete actions per env (7: up, down, left, right, A, B, START).
        milestones: ordered names of the game's milestones (``badge_1`` ... ``champion``).
        reward_components: names of the reward parts reported in ``info``; every game
            has ``explore`` (new places), which the archive's ``replace_better`` leaves
            out of an env's score.
        obs_vocab: name -> number of distinct values of each integer obs field (the
            policy embeds them).
        obs: the observation buffers, name -> (num_envs, *shape) array: what ``reset``
            and ``step`` return (the same arrays, overwritten in place).
        env_overhead_bytes: memory one env takes besides its snapshot's bytes (an
            emulator with its ROM, whose snapshot is compressed); 0 for compiled games.
            Look-ahead search uses it to refuse copies that would not fit in memory.
        label: what is being played, for tables and output names: ``gridmon/main``,
            ``gridmon/<world folder>``, ``pokered``, ``toy``.

    ``step`` info (all arrays, batch-first):
        ``reward/<component>`` (num_envs,) float32: weighted part; they sum to reward.
        ``milestones`` (num_envs, M) bool: milestone reached in this game.
        ``milestone_step`` (num_envs, M) int64: env step (since the game began) when
            reached, -1 when not.
        ``final_milestone_step`` (num_envs, M) int64: ``milestone_step`` of the episode
            that ended at this step (rows of envs that did not end hold stale data).
        ``badges`` (num_envs,) int32, ``explored`` (num_envs,) int32 (tiles in the
            episode's exploration memory), ``events`` (num_envs,) int32.
        ``map`` (num_envs,) int32: the map (room, area) the player is on, 0 for a game
            of one map; the archive keys cells by it with ``explore.key_map``.
        ``final_obs``: dict like obs, see the autoreset rule.
        Optional, for eval's report of where games stall (gridmon has them):
        ``blackouts`` (num_envs,) int32: losses (the whole party fainted) in this game
        so far; ``respawn_map`` (num_envs,) int32: the map a loss sends the player back
        to (the last healer's).

    The returned obs arrays are the game's own buffers and are overwritten by the next
    ``step``/``reset``: copy what you keep.
    """

    num_envs: int
    obs_spec: ObsSpec
    num_actions: int
    milestones: list[str]
    reward_components: list[str]
    obs_vocab: dict[str, int]
    obs: Obs
    label: str
    env_overhead_bytes: int

    def reset(self, seed: int | None = None) -> Obs: ...

    def step(self, actions: np.ndarray) -> tuple[Obs, np.ndarray, np.ndarray, np.ndarray, dict]: ...

    def snapshot(self, env_ids) -> list[bytes]:
        """Exact, self-contained state of each listed env (game, RNG, memory)."""
        ...

    def restore(self, env_ids, states: list[bytes]) -> None:
        """Put each listed env into a state made by ``snapshot`` (any env of any batch
        of the same game and world). The next ``step`` continues from it, and the rows
        of the listed envs in the observation buffers (``obs`` of the last ``reset`` /
        ``step``) already hold the restored envs' observations."""
        ...

    def restart_clock(self, env_ids) -> None:
        """Begin a new episode clock for each listed env where it stands: its next
        truncation comes ``horizon`` steps from now and its observed episode progress
        reads 0 (the observation rows are rewritten). The game itself (progress,
        memory, RNG, the game's own step count) is untouched. The archive calls it on
        the envs it sends to a cell when ``explore.restart_clock`` is on."""
        ...

    def render(self, env_id: int) -> np.ndarray:
        """(144, 160, 3) uint8 frame of one env."""
        ...

    def caption(self, env_id: int) -> str:
        """A short status line of one env for people (badges, levels), e.g. under a
        GIF frame."""
        ...

    def describe(self) -> str:
        """What is being played, in a line or two (e.g. the world's size)."""
        ...

    def coverage(self) -> int:
        """Distinct places (tiles, map cells) visited by any env of the batch since the
        last ``reset``; -1 when the game does not count them."""
        ...

    def heatmap(self) -> np.ndarray | None:
        """(H, W, 3) uint8 picture of the game's world with every env's visits since the
        last ``reset``, or None when the game has no such picture."""
        ...

    def close(self) -> None: ...


def check_actions(actions, num_envs: int, num_actions: int) -> np.ndarray:
    """Validate an action batch; return it as an int64 array (no copy when possible).

    Raises ValueError naming the shape or the first bad value and what is allowed.
    """
    a = np.asarray(actions)
    if a.shape != (num_envs,):
        raise ValueError(
            f"actions must have shape ({num_envs},) (one action per env), got {a.shape}"
        )
    if not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"actions must be integers in [0, {num_actions}), got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() >= num_actions):
        bad = int(np.flatnonzero((a < 0) | (a >= num_actions))[0])
        raise ValueError(
            f"action {int(a[bad])} at env {bad} is out of range: allowed 0..{num_actions - 1}"
        )
    return a.astype(np.int64, copy=False)
