"""Go-Explore-style archive: env snapshots keyed by the set of milestones reached.

Each time an env reaches a milestone set not yet in the archive, its snapshot becomes a
new cell (a restored env's observation comes from the game, which writes it on
``restore``). With ``key_events`` (default) the number of events done (items, trainers,
gifts) is part of the key, so progress between milestones counts too. Cells are ranked
by (number of milestones, index of the furthest milestone in the game's order, events,
recency); the archive holds at most ``archive_size`` cells, the lowest-ranked are
dropped first. With ``key_map`` the map the env is on is part of the key too (Go-Explore's
cells are places): the first env to enter a map with a given milestone set and event
count makes a cell there, so a dungeon between two milestones is kept floor by floor.

A cell keeps the state of the first env that reached its key, or, with
``replace_better``, of the env with the highest score that reached it since
(Go-Explore's update rule). The score of an env is the reward its game has earned since
it began, without the exploration part (the ``explore`` component): levels, catches,
heals, events, blackouts. An env sent to a cell carries on with the cell's score. So an
env that ground its monsters' levels up before walking on leaves a stronger state at
the keys it passes than the first env there did.

Envs go back to the archive in two ways:

- at truncation, with probability ``restart_fraction``, an env is restored to a cell
  chosen by ``restart_select``: ``best`` (the highest-ranked cell) or ``count``
  (Go-Explore: any cell, with probability proportional to 1/sqrt(1 + times chosen), so
  rarely tried cells get their turn);
- frontier waves (``frontier_fraction`` > 0): when a cell with more milestones than any
  cell before enters the archive, that share of all envs is restored into it at the
  next rollout boundary (pokemonred_puffer's "swarm", applied to a share of the batch so
  the rest keeps practising what came before).

With ``fresh_fraction`` > 0 the first envs of the batch are never moved (no restart, no
wave): they play every episode from a new game, so the start stays practised.

When an env's milestone set grows, the cell of the key it held just before (if kept)
becomes a *gate*: a state from which the next milestone was reached (``pocketrl eval
RUN --from-gates`` plays a policy from them). With ``drill_fraction`` > 0 the last envs
of the batch drill the gates: at each rollout boundary every drilling env that has
played ``drill_steps`` since it was last sent goes to a gate chosen by count, so the way
through each gate is played many times from states a game reaches before it, not once by
the first env through (which the waves then copy past it). When drilling, gates are
dropped last from a full archive. With ``drill_from = "backward"`` drills start from
demos instead (``pocketrl.train.backward``): the states of the first env through each
milestone set, from the last before the milestone back, one step further each time the
drills from there pass.

An env sent to a cell keeps the episode clock the cell was saved with, or, with
``restart_clock``, starts a new one there (a whole horizon to explore from the cell).
The other envs keep playing, and start a new game at truncation.

Data-parallel training (``pocketrl.train.distributed``) shares one archive between the
ranks: after ``start_sharing``, the cells a rank finds are also kept aside; at each
rollout boundary every rank hands them to all (``new_cells``) and rebuilds its archive
from the last shared one plus every rank's new cells in rank order (``merge``), so all
ranks hold the same cells and restart from the job's discoveries. A single process never
calls these and behaves as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from pocketrl.config import ExploreConfig
from pocketrl.train.backward import Demos


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
    place: int = 0  # the map of the env when the cell was made (part of the key with key_map)
    score: float = 0.0  # the game's reward since it began, exploration excepted
    gate: bool = False  # some env went on from this cell's key to more milestones

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
        self._prev_place = np.zeros(num_envs, np.int64)
        self._score = np.zeros(num_envs, np.float64)  # each env's score (module docstring)
        self.replaced = 0  # cells whose state a higher-scoring env replaced
        index = np.arange(num_envs)
        self.drilling = index >= num_envs - round(cfg.drill_fraction * num_envs)
        self.movable = (index >= round(cfg.fresh_fraction * num_envs)) & ~self.drilling
        self._drill_left = np.zeros(num_envs, np.int64)  # steps until the next drill
        self._drill_held = np.full(num_envs, -1)  # milestones where each drill began, -1 none
        self.drills = 0  # envs sent to gates so far
        self.drills_opened = 0  # drills that reached more milestones than their gate held
        self.frontier_count = 0  # milestones of the cell of the last frontier wave
        self.waves = 0  # frontier waves so far
        backward = cfg.drill_fraction > 0 and cfg.drill_from == "backward"
        self.demos = Demos(num_envs, cfg.drill_depth, rng) if backward else None
        self._shared: dict[bytes, Cell] | None = None  # the archive at the last merge
        self._found: list[Cell] = []  # cells found here since then (when sharing)

    @property
    def best(self) -> Cell | None:
        """The highest-ranked cell, or None when empty."""
        return max(self.cells.values(), key=lambda c: c.rank, default=None)

    @property
    def gates(self) -> list[Cell]:
        """The cells some env went on from to more milestones."""
        return [c for c in self.cells.values() if c.gate]

    def _key(self, row: np.ndarray, n_events: int, place: int) -> bytes:
        """The archive key of a milestone set, event count and map."""
        key = np.packbits(row).tobytes() + n_events.to_bytes(4, "little")
        if self.cfg.key_map:
            key += place.to_bytes(4, "little")
        return key

    def _evict(self, cells: dict[bytes, Cell]) -> None:
        """Past ``archive_size``, drop the lowest-ranked cell (ties by key; when drilling,
        gates last)."""
        if len(cells) > self.cfg.archive_size:
            drilling = self.cfg.drill_fraction > 0
            worst = min(cells.values(), key=lambda c: (drilling and c.gate, c.rank, c.key))
            del cells[worst.key]

    def observe(
        self,
        game,
        milestones: np.ndarray,
        done: np.ndarray,
        global_step: int,
        events: np.ndarray | None = None,
        places: np.ndarray | None = None,
        gains: np.ndarray | None = None,
    ) -> None:
        """Add cells for envs whose key (milestone set, events, map) changed to one not
        seen before; with ``replace_better``, an env whose key changed to a known one
        gives that cell its state when its score is higher.

        milestones: (N, M) bool from the step's info; done: (N,) envs that just ended
        (they are skipped: their state is already the next episode's); events: (N,)
        events done in each game, part of the key (and rank) when ``explore.key_events`` is
        on; places: (N,) the map of each env (info ``map``), part of the key when
        ``explore.key_map`` is on; gains: (N,) this step's reward without the
        exploration part, added to each env's score (needed by ``replace_better``).
        """
        if self.cfg.replace_better:
            if gains is None:
                raise ValueError(
                    "explore.replace_better needs each env's reward without exploration"
                )
            self._score += gains
            self._score[done] = 0.0  # a new game begins with nothing earned
        if events is None or not self.cfg.key_events:
            events = np.zeros(len(milestones), np.int64)
        moved = (milestones != self._prev).any(1) | (events != self._prev_events)
        if self.cfg.key_map:
            if places is None:
                raise ValueError("explore.key_map needs the map of each env (the info 'map')")
            moved |= places != self._prev_place
            self._prev_place[:] = places
        changed = np.flatnonzero(moved & ~done)
        grew = milestones[changed].sum(1) > self._prev[changed].sum(1)
        for i in changed[grew]:
            place = int(self._prev_place[i]) if self.cfg.key_map else 0
            self._mark_gate(self._key(self._prev[i], int(self._prev_events[i]), place))
            if self.demos is not None:
                self.demos.passed(int(i), self._prev[i], global_step)
        if self.cfg.drill_fraction > 0:
            self._drill_left -= 1
            opened = (self._drill_held >= 0) & (milestones.sum(1) > self._drill_held) & ~done
            self.drills_opened += int(opened.sum())
            self._drill_held[opened | done] = -1
        if self.demos is not None:
            for i in np.flatnonzero(opened | done):
                self.demos.end(int(i), passed=bool(opened[i]))
            self.demos.forget(np.flatnonzero(done))
        self._prev[:] = milestones
        self._prev_events[:] = events
        for i in changed:
            row, n_events = milestones[i], int(events[i])
            place = int(places[i]) if self.cfg.key_map else 0
            count = int(row.sum())
            if count == 0 and n_events == 0 and not self.cfg.key_map:
                continue
            key = self._key(row, n_events, place)
            if key in self.cells:
                self._replace_if_better(game, i, self.cells[key])
                continue
            furthest = int(np.flatnonzero(row)[-1]) if count else -1
            cell = Cell(
                key,
                count,
                furthest,
                global_step,
                game.snapshot([i])[0],
                events=n_events,
                place=place,
                score=float(self._score[i]),
            )
            self.cells[key] = cell
            if self._shared is not None:
                self._found.append(cell)
            self._evict(self.cells)

    def _mark_gate(self, key: bytes) -> None:
        """Make the cell of ``key`` (if kept) a gate. A new Cell object takes the old one's
        place (the old may be held by the last shared archive), and goes to the other
        ranks with the cells found here."""
        cell = self.cells.get(key)
        if cell is None or cell.gate:
            return
        new = replace(cell, gate=True)
        self.cells[key] = new
        if self._shared is not None:
            self._found.append(new)

    def _replace_if_better(self, game, i: int, cell: Cell) -> None:
        """With ``replace_better``, give ``cell``'s key env ``i``'s state when its score is
        higher. A new Cell object takes the old one's place (the old may be held by the
        last shared archive); it keeps the place in the ranking and the restart count."""
        if not self._takes(cell, self._score[i]):
            return
        new = replace(cell, snapshot=game.snapshot([i])[0], score=float(self._score[i]))
        self.cells[cell.key] = new
        self.replaced += 1
        if self._shared is not None:
            self._found.append(new)

    def _takes(self, cell: Cell, score: float) -> bool:
        """Go-Explore's update rule: with ``replace_better``, a state of higher score
        takes ``cell``'s place (here and in ``merge``)."""
        return self.cfg.replace_better and score > cell.score

    def restart(self, game, truncated: np.ndarray, obs: dict) -> np.ndarray:
        """Restore a random ``restart_fraction`` of the truncated envs to cells chosen by
        ``restart_select`` and copy their new observations (the game's, after
        ``restore``) into their rows of ``obs``. Returns their ids."""
        if not self.cells or self.cfg.restart_fraction <= 0 or not truncated.any():
            return np.zeros(0, np.int64)
        ids = np.flatnonzero(truncated & self.movable)
        ids = ids[self.rng.random(len(ids)) < self.cfg.restart_fraction]
        if self.cfg.restart_select == "best":
            self.best.restarts += len(ids)
            self._send(game, ids, [self.best] * len(ids), obs)
        else:
            self._send(game, ids, self._sample_by_count(len(ids)), obs)
        return ids

    def frontier_wave(self, game, obs: dict) -> np.ndarray:
        """If the best cell has more milestones than any cell before it, restore a
        ``frontier_fraction`` of all envs (drawn at random, fresh envs excepted) into it
        and copy their observations into ``obs``. Call between rollouts. Returns the envs
        moved."""
        best = self.best
        if self.cfg.frontier_fraction <= 0 or best is None or best.count <= self.frontier_count:
            return np.zeros(0, np.int64)
        self.frontier_count = best.count
        movable = np.flatnonzero(self.movable)
        k = min(round(self.cfg.frontier_fraction * len(self._prev)), len(movable))
        ids = np.sort(self.rng.choice(movable, k, replace=False))
        best.restarts += len(ids)
        self._send(game, ids, [best] * len(ids), obs)
        self.waves += 1
        return ids

    def drill(self, game, obs: dict) -> np.ndarray:
        """Send every drilling env that has played ``drill_steps`` since it was last sent
        to a gate chosen by count, and copy its observation into ``obs``. Call between
        rollouts. Returns the envs sent (none while there is no gate yet). With
        ``drill_from = "backward"`` the other envs' states go to their rings first, and
        drills start from demos (``pocketrl.train.backward``) instead of gates."""
        if self.demos is not None:
            return self._drill_backward(game, obs)
        gates = self.gates
        ids = np.flatnonzero(self.drilling & (self._drill_left <= 0))
        if not gates or not len(ids):
            return np.zeros(0, np.int64)
        cells = self._sample_by_count(len(ids), gates)
        self._send(game, ids, cells, obs)
        self._drill_left[ids] = self.cfg.drill_steps
        self._drill_held[ids] = [c.count for c in cells]
        self.drills += len(ids)
        return ids

    def _drill_backward(self, game, obs: dict) -> np.ndarray:
        """``drill`` from demos: record the boundary, then send the due drilling envs."""
        d = self.demos
        d.record(
            game,
            np.flatnonzero(~self.drilling),
            self._prev,
            self._prev_events,
            self._prev_place,
            self._score,
        )
        ids = np.flatnonzero(self.drilling & (self._drill_left <= 0))
        if not d.demos or not len(ids):
            return np.zeros(0, np.int64)
        demos = d.choose(len(ids))
        starts = [demo.start for demo in demos]
        self._send(game, ids, starts, obs)
        for i, demo in zip(ids, demos, strict=True):
            d.begin(int(i), demo)
        self._drill_left[ids] = self.cfg.drill_steps
        self._drill_held[ids] = [demo.count for demo in demos]
        self.drills += len(ids)
        return ids

    def _sample_by_count(self, k: int, cells: list[Cell] | None = None) -> list[Cell]:
        """``k`` of ``cells`` (default: all), each drawn with probability ~
        1/sqrt(1 + times chosen)."""
        cells = list(self.cells.values()) if cells is None else cells
        chosen = []
        for _ in range(k):
            w = np.array([1.0 / np.sqrt(1.0 + c.restarts) for c in cells])
            cell = cells[int(self.rng.choice(len(cells), p=w / w.sum()))]
            cell.restarts += 1  # counted as chosen at once, so one batch spreads out
            chosen.append(cell)
        return chosen

    def _send(self, game, ids: np.ndarray, cells: list, obs: dict) -> None:
        """Restore env ``ids[j]`` to ``cells[j]`` (a Cell, or a demo's Start) and take its
        observation from the game."""
        if not len(ids):
            return
        if self.demos is not None:
            self.demos.forget(ids)
        game.restore(ids, [c.snapshot for c in cells])
        if self.cfg.restart_clock:
            game.restart_clock(ids)
        for k, v in obs.items():
            v[ids] = game.obs[k][ids]
        m = self._prev.shape[1]
        for i, c in zip(ids, cells, strict=True):
            self._prev[i] = key_milestones(c.key, m)  # a Start's key is the set alone
            self._prev_events[i] = c.events
            self._prev_place[i] = c.place
            self._score[i] = c.score

    # --- sharing between data-parallel ranks --------------------------------------------
    def start_sharing(self) -> None:
        """Keep aside the cells found from now on, for ``new_cells`` / ``merge``."""
        self._shared = dict(self.cells)
        self._found = []

    def new_cells(self) -> list[dict]:
        """The cells found here since the last merge, as plain data (in finding order)."""
        return [_cell_data(c) for c in self._found]

    def merge(self, found_by_rank: list[list[dict]], own: int) -> None:
        """Rebuild the archive from the last shared one plus every rank's new cells, in
        rank order (``found_by_rank[r]`` from rank r; ``own`` is this rank: restart
        counts stay each rank's own, other ranks' cells arrive with 0). A key already
        present keeps its cell, or with ``replace_better`` takes the found state when its
        score is higher (keeping the restart count); past ``archive_size`` the
        lowest-ranked cell goes, ties broken by key, so every rank that merges the same
        lists ends with the same cells in the same order."""
        cells = dict(self._shared if self._shared is not None else {})
        for r, found in enumerate(found_by_rank):
            for d in found:
                old = cells.get(d["key"])
                if old is not None:
                    if d["gate"] and not old.gate:
                        old = cells[d["key"]] = replace(old, gate=True)
                    if self._takes(old, d["score"]):
                        cells[d["key"]] = replace(old, snapshot=d["snapshot"], score=d["score"])
                    continue
                cells[d["key"]] = _cell(d, restarts=None if r == own else 0)
                self._evict(cells)
        self.cells = cells
        self.start_sharing()

    def summary(self) -> dict:
        """Numbers for logging (``drills_opened``: drills that went on from their gate to
        more milestones; with ``drills``, how often the policy gets through the gates)."""
        best = self.best
        return {
            "explore/archive_cells": len(self.cells),
            "explore/best_cell_milestones": 0 if best is None else best.count,
            "explore/best_cell_restarts": 0 if best is None else best.restarts,
            "explore/best_cell_events": 0 if best is None else best.events,
            "explore/frontier_waves": self.waves,
            "explore/replaced": self.replaced,
            "explore/gate_cells": len(self.gates),
            "explore/drills": self.drills,
            "explore/drills_opened": self.drills_opened,
            **({} if self.demos is None else self.demos.summary()),
        }

    def state_dict(self) -> dict:
        """Plain data (bytes, ints, tensors) for a checkpoint."""
        return {
            "cells": [_cell_data(c) for c in self.cells.values()],
            "prev": torch.from_numpy(self._prev.copy()),
            "prev_events": torch.from_numpy(self._prev_events.copy()),
            "prev_place": torch.from_numpy(self._prev_place.copy()),
            "score": torch.from_numpy(self._score.copy()),
            "replaced": self.replaced,
            "frontier_count": self.frontier_count,
            "waves": self.waves,
            "drill_left": torch.from_numpy(self._drill_left.copy()),
            "drills": self.drills,
            "drill_from": torch.from_numpy(self._drill_held.copy()),  # key kept for old checkpoints
            "drills_opened": self.drills_opened,
            "demos": None if self.demos is None else self.demos.state_dict(),
            "rng": self.rng.bit_generator.state,
        }

    def load_state_dict(self, d: dict) -> None:
        """Inverse of ``state_dict``."""
        self.cells = {}
        for c in d["cells"]:
            cell = _cell(c)
            self.cells[cell.key] = cell
        self._prev[:] = d["prev"].numpy()
        self._prev_events[:] = d["prev_events"].numpy()
        if "prev_place" in d:  # checkpoints from before key_map have none
            self._prev_place[:] = d["prev_place"].numpy()
        if "score" in d:  # checkpoints from before replace_better have none
            self._score[:] = d["score"].numpy()
        self.replaced = d.get("replaced", 0)
        self.frontier_count = d.get("frontier_count", 0)
        self.waves = d.get("waves", 0)
        if "drill_left" in d:  # checkpoints from before drills have none
            self._drill_left[:] = d["drill_left"].numpy()
            self._drill_held[:] = d["drill_from"].numpy()
        self.drills = d.get("drills", 0)
        self.drills_opened = d.get("drills_opened", 0)
        if self.demos is not None and d.get("demos") is not None:
            self.demos.load_state_dict(d["demos"])
        self.rng.bit_generator.state = d["rng"]
        if self._shared is not None:
            self.start_sharing()


def key_milestones(key: bytes, num_milestones: int) -> np.ndarray:
    """(M,) 0/1: the milestone set a cell's key holds (its first bytes)."""
    ms = np.frombuffer(key[: (num_milestones + 7) // 8], np.uint8)
    return np.unpackbits(ms, count=num_milestones)


def _cell_data(c: Cell) -> dict:
    """A cell as plain data (checkpoints, and between ranks)."""
    return {
        "key": c.key,
        "count": c.count,
        "furthest": c.furthest,
        "found_step": c.found_step,
        "snapshot": c.snapshot,
        "restarts": c.restarts,
        "events": c.events,
        "place": c.place,
        "score": c.score,
        "gate": c.gate,
    }


def _cell(d: dict, restarts: int | None = None) -> Cell:
    """Inverse of ``_cell_data`` (optionally with another restart count)."""
    return Cell(
        d["key"],
        d["count"],
        d["furthest"],
        d["found_step"],
        d["snapshot"],
        d["restarts"] if restarts is None else restarts,
        d["events"],
        d.get("place", 0),
        d.get("score", 0.0),
        d.get("gate", False),
    )
