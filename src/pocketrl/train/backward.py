"""Backward drills: the first way through each milestone set, drilled from ever further back.

The backward algorithm (Salimans & Chen, 2018, "Learning Montezuma's Revenge from a
Single Demonstration"; the robustification phase of Go-Explore, Ecoffet et al., 2021)
turns one lucky pass into something the policy can do from wherever a game stands. Here
the demonstration is the trainer's own: the env that first got through.

- Every env that does not drill leaves its state at each rollout boundary in a ring of
  the last ``depth`` (with the milestone set, events, map and score it held then). An env
  that is restored anywhere or begins a new game starts an empty ring.
- When an env's milestone set grows from a set that has no demo yet, the states of its
  ring that held that set become the set's *demo* (oldest first).
- A drill from a demo starts at ``states[-1 - level]``: at level 0 the last boundary
  before the milestone, at level L about L rollouts earlier. Every drill is a try; it
  passes when the env reaches more milestones than the demo's set before it is sent
  again. After ``TRIES`` tries at a level, a pass share of at least ``PASS`` moves the
  level one state back (until the oldest state kept); then the tries count anew.
- Demos are chosen by count (1/sqrt(1 + drills sent there)), as gates are.

Each rank keeps its own rings and demos (they are not shared like the archive's cells). A
checkpoint keeps the demos and their levels, not the rings: after a resume, a demo can
only be made from states recorded since.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass

import numpy as np

TRIES = 8  # tries at a level before the pass share is judged
PASS = 0.5  # pass share that moves a demo's start one boundary further back


@dataclass(frozen=True)
class Start:
    """One recorded state: what the archive needs to know about an env restored into it."""

    key: bytes  # the milestone set held (np.packbits of the 0/1 row)
    events: int
    place: int
    score: float
    snapshot: bytes


@dataclass
class Demo:
    """The states before the first pass out of one milestone set, and how far back the
    drills from it have got."""

    key: bytes
    count: int  # milestones in the set
    states: list[Start]  # oldest first; the last is the last boundary before the pass
    found_step: int
    level: int = 0
    tries: int = 0
    passes: int = 0
    sent: int = 0

    @property
    def start(self) -> Start:
        return self.states[-1 - self.level]

    def result(self, passed: bool) -> None:
        """Count one try at the current level; move back a level when it is learned."""
        self.tries += 1
        self.passes += int(passed)
        if self.tries >= TRIES:
            if self.passes >= PASS * self.tries and self.level < len(self.states) - 1:
                self.level += 1
            self.tries = self.passes = 0


class Demos:
    """Rings of recent states per env, the demos made from them, and the try under way
    of each drilling env."""

    def __init__(self, num_envs: int, depth: int, rng: np.random.Generator):
        self.rng = rng
        self.rings: list[deque[Start]] = [deque(maxlen=depth) for _ in range(num_envs)]
        self.demos: dict[bytes, Demo] = {}
        self.trying: list[bytes | None] = [None] * num_envs  # demo key of each env's try

    def record(self, game, ids: np.ndarray, milestones, events, places, scores) -> None:
        """Append env ``ids``' current states to their rings (at a rollout boundary)."""
        if not len(ids):
            return
        for i, snap in zip(ids, game.snapshot(ids), strict=True):
            key = np.packbits(milestones[i]).tobytes()
            start = Start(key, int(events[i]), int(places[i]), float(scores[i]), snap)
            self.rings[i].append(start)

    def forget(self, ids) -> None:
        """Empty the rings of envs that were restored or began a new game."""
        for i in ids:
            self.rings[int(i)].clear()

    def passed(self, i: int, before: np.ndarray, global_step: int) -> None:
        """Env ``i`` just went on from milestone set ``before``: the first to do so from
        that set leaves its ring's states of the set as the set's demo."""
        key = np.packbits(before).tobytes()
        if key in self.demos:
            return
        states = [s for s in self.rings[i] if s.key == key]
        if states:
            self.demos[key] = Demo(key, int(before.sum()), states, global_step)

    def choose(self, k: int) -> list[Demo]:
        """``k`` demos, each drawn with probability ~ 1/sqrt(1 + drills sent there)."""
        demos = list(self.demos.values())
        chosen = []
        for _ in range(k):
            w = np.array([1.0 / np.sqrt(1.0 + d.sent) for d in demos])
            demo = demos[int(self.rng.choice(len(demos), p=w / w.sum()))]
            demo.sent += 1
            chosen.append(demo)
        return chosen

    def begin(self, i: int, demo: Demo) -> None:
        """Env ``i`` starts a try from ``demo`` (an unfinished try before it failed)."""
        self.end(i, passed=False)
        self.trying[i] = demo.key

    def end(self, i: int, passed: bool) -> None:
        """Env ``i``'s try (if any) is over: count it on its demo."""
        key, self.trying[i] = self.trying[i], None
        if key is not None and key in self.demos:
            self.demos[key].result(passed)

    def summary(self) -> dict:
        levels = [d.level for d in self.demos.values()]
        return {
            "explore/demos": len(levels),
            "explore/demo_level_mean": float(np.mean(levels)) if levels else 0.0,
        }

    def state_dict(self) -> dict:
        return {
            "demos": [
                {
                    "key": d.key,
                    "count": d.count,
                    "states": [asdict(s) for s in d.states],
                    "found_step": d.found_step,
                    "level": d.level,
                    "tries": d.tries,
                    "passes": d.passes,
                    "sent": d.sent,
                }
                for d in self.demos.values()
            ],
            "trying": list(self.trying),
        }

    def load_state_dict(self, d: dict) -> None:
        self.demos = {}
        for x in d["demos"]:
            demo = Demo(**{**x, "states": [Start(**s) for s in x["states"]]})
            self.demos[demo.key] = demo
        self.trying = list(d["trying"])
        for ring in self.rings:
            ring.clear()
