"""Go-Explore-style archive: env snapshots keyed by the set of milestones reached.

Each time an env reaches a milestone set not yet in the archive, its snapshot becomes a
new cell (a restored env's observation comes from the game, which writes it on
``restore``). With ``key_events`` (default) the number of
events done (items, trainers, gifts) is part of the key, so progress between milestones
counts too. Cells are ranked by (number of milestones, index of the furthest milestone
in the game's order, events, recency). When an env truncates,
with probability ``restart_fraction`` it is restored to the best cell instead of
starting over, so a discovery made by one env is built on by many. The archive holds at
most ``archive_size`` cells; the lowest-ranked are dropped first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from pocketrl.config import ExploreConfig


@dataclass
class Cell:
    """One archive entry: a milestone set and a state that reached it."""

    key: bytes
    count: int
    furthest: int
    found_step: int
    snapshot: bytes
    restarts: int = 0
    events: int = 0

    @property
    def rank(self) -> tuple:
        return (self.count, self.furthest, self.events, self.found_step)


class Archive:
    """Bounded milestone-keyed archive with restarts (see module docstring)."""

    def __init__(
        self, cfg: ExploreConfig, num_envs: int, num_milestones: int, rng: np.random.Generator
    ):
        self.cfg, self.rng = cfg, rng
        self.cells: dict[bytes, Cell] = {}
        self._prev = np.zeros((num_envs, num_milestones), bool)
        self._prev_events = np.zeros(num_envs, np.int64)

    @property
    def best(self) -> Cell | None:
        """The highest-ranked cell, or None when empty."""
        return max(self.cells.values(), key=lambda c: c.rank, default=None)

    def observe(
        self,
        game,
        milestones: np.ndarray,
        done: np.ndarray,
        global_step: int,
        events: np.ndarray | None = None,
    ) -> None:
        """Add cells for envs whose milestone set changed to one not seen before.

        milestones: (N, M) bool from the step's info; done: (N,) envs that just ended
        (they are skipped: their state is already the next episode's); events: (N,)
        events done in each game, part of the key (and rank) when ``explore.key_events`` is on.
        """
        if events is None or not self.cfg.key_events:
            events = np.zeros(len(milestones), np.int64)
        moved = (milestones != self._prev).any(1) | (events != self._prev_events)
        changed = np.flatnonzero(moved & ~done)
        self._prev[:] = milestones
        self._prev_events[:] = events
        for i in changed:
            row, n_events = milestones[i], int(events[i])
            count = int(row.sum())
            if count == 0 and n_events == 0:
                continue
            key = np.packbits(row).tobytes() + n_events.to_bytes(4, "little")
            if key in self.cells:
                continue
            furthest = int(np.flatnonzero(row)[-1]) if count else -1
            cell = Cell(
                key,
                count,
                furthest,
                global_step,
                game.snapshot([i])[0],
                events=n_events,
            )
            self.cells[key] = cell
            if len(self.cells) > self.cfg.archive_size:
                worst = min(self.cells.values(), key=lambda c: c.rank)
                del self.cells[worst.key]

    def restart(self, game, truncated: np.ndarray, obs: dict) -> np.ndarray:
        """Restore a random ``restart_fraction`` of the truncated envs to the best cell
        and copy their new observations (the game's, after ``restore``) into their rows of
        ``obs``. Returns their ids."""
        best = self.best
        if best is None or self.cfg.restart_fraction <= 0 or not truncated.any():
            return np.zeros(0, np.int64)
        ids = np.flatnonzero(truncated)
        ids = ids[self.rng.random(len(ids)) < self.cfg.restart_fraction]
        if len(ids):
            game.restore(ids, [best.snapshot] * len(ids))
            for k, v in obs.items():
                v[ids] = game.obs[k][ids]
            self._prev[ids] = np.unpackbits(
                np.frombuffer(best.key[:-4], np.uint8), count=self._prev.shape[1]
            ).astype(bool)
            self._prev_events[ids] = best.events
            best.restarts += len(ids)
        return ids

    def summary(self) -> dict:
        """Numbers for logging."""
        best = self.best
        return {
            "explore/archive_cells": len(self.cells),
            "explore/best_cell_milestones": 0 if best is None else best.count,
            "explore/best_cell_restarts": 0 if best is None else best.restarts,
            "explore/best_cell_events": 0 if best is None else best.events,
        }

    def state_dict(self) -> dict:
        """Plain data (bytes, ints, tensors) for a checkpoint."""
        return {
            "cells": [
                {
                    "key": c.key,
                    "count": c.count,
                    "furthest": c.furthest,
                    "found_step": c.found_step,
                    "snapshot": c.snapshot,
                    "restarts": c.restarts,
                    "events": c.events,
                }
                for c in self.cells.values()
            ],
            "prev": torch.from_numpy(self._prev.copy()),
            "prev_events": torch.from_numpy(self._prev_events.copy()),
            "rng": self.rng.bit_generator.state,
        }

    def load_state_dict(self, d: dict) -> None:
        """Inverse of ``state_dict``."""
        self.cells = {}
        for c in d["cells"]:
            cell = Cell(
                c["key"],
                c["count"],
                c["furthest"],
                c["found_step"],
                c["snapshot"],
                c["restarts"],
                c["events"],
            )
            self.cells[cell.key] = cell
        self._prev[:] = d["prev"].numpy()
        self._prev_events[:] = d["prev_events"].numpy()
        self.rng.bit_generator.state = d["rng"]
