"""Play an agent from the gates of a run's archive: where does it get stuck?

A gate (``pocketrl.train.explore``) is an archive cell from which some training env went
on to more milestones: the state just before a milestone was reached. ``pocketrl eval
TARGET --from-gates RUN`` restores ``--envs`` games into the gates that hold the same
milestone set (round-robin over the cells of the group), gives each a new episode clock,
lets the agent play ``--steps`` steps and counts the games that reached one more
milestone, and which one. A policy that passes a gate in few of its tries has not learned
that part of the game, however often the archive carried training envs past it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass
class GateRow:
    """What the agent did from the gates of one milestone set."""

    held: list[str]  # the milestones the gate states hold
    cells: int  # gate cells with that set
    tries: int
    through: int  # tries that reached a milestone not held
    median_step: int | None  # of those, the median step it took
    next: dict[str, int]  # milestone -> tries that reached it


def load_gates(run_dir: Path, milestones: list[str]) -> tuple[int, dict[tuple, list[bytes]]]:
    """The env step of ``run_dir``'s checkpoint and its gate snapshots, grouped by the
    milestone set held (a tuple of 0/1), in the game's milestone order."""
    from pocketrl.train.checkpoint import CheckpointError, checkpoint_path, load_checkpoint
    from pocketrl.train.explore import key_milestones

    path = checkpoint_path(run_dir) if run_dir.is_dir() else run_dir
    try:
        data = load_checkpoint(path)
    except CheckpointError as e:
        raise ValueError(f"--from-gates needs a run dir with a checkpoint: {e}") from None
    if data.get("milestones") != milestones:
        raise ValueError(
            f"{path} was made for a game with milestones {data.get('milestones')}; "
            f"this one has {milestones}: give --from-gates a run of the same game and world"
        )
    if "archive" not in data:
        raise ValueError(
            f"{path} holds a policy only: give --from-gates the run dir, whose "
            "checkpoints/latest.pt holds the archive"
        )
    archive = data["archive"]
    if archive is None:
        raise ValueError(f"{path} holds no archive (the run had explore.archive = false)")
    m, groups = len(milestones), {}
    for c in archive["cells"]:
        if c.get("gate"):
            held = key_milestones(c["key"], m)
            groups.setdefault(tuple(int(b) for b in held), []).append(c["snapshot"])
    if not groups:
        raise ValueError(
            f"{path}: its archive holds no gates yet (a gate is marked when an env goes on "
            "from a cell to more milestones; runs saved before gates existed have none)"
        )
    order = sorted(groups, key=lambda h: (sum(h), h[::-1]))
    step = int(data.get("collector", {}).get("global_step", 0))
    return step, {h: groups[h] for h in order}


def play_from_gates(make_env, make_agent, groups: dict, tries: int, steps: int) -> list[GateRow]:
    """For each group, ``tries`` games restored into its gates (round-robin), played by
    a new agent for ``steps`` steps. ``make_env(n)`` builds n games whose horizon is longer
    than ``steps``; ``make_agent(env)`` the agent for them."""
    rows = []
    for held, snapshots in groups.items():
        env = make_env(tries)
        try:
            agent = make_agent(env)
            ids = np.arange(tries)
            env.restore(ids, [snapshots[i % len(snapshots)] for i in ids])
            env.restart_clock(ids)
            first = _play(env, agent, np.array(held, bool), steps)
            names = list(env.milestones)
        finally:
            env.close()
        got = first >= 0
        through = got.any(1)
        earliest = np.where(got, first, steps + 1).min(1)  # a game's first new milestone
        rows.append(
            GateRow(
                held=[n for n, h in zip(names, held, strict=True) if h],
                cells=len(snapshots),
                tries=tries,
                through=int(through.sum()),
                median_step=int(np.median(earliest[through])) if through.any() else None,
                next={n: int(got[:, j].sum()) for j, n in enumerate(names) if got[:, j].any()},
            )
        )
    return rows


def _play(env, agent, held: np.ndarray, steps: int) -> np.ndarray:
    """(N, M) the step at which each game first held each milestone not in ``held``
    (-1: never). A game that ends (the champion ends it) counts what it held at the end."""
    obs = {k: v.copy() for k, v in env.obs.items()}
    first = np.full((env.num_envs, len(held)), -1, np.int64)
    live = np.ones(env.num_envs, bool)
    for t in range(1, steps + 1):
        obs, _, terminated, truncated, info = env.step(agent.act(obs))
        done = terminated | truncated
        now = info["milestones"].copy()
        if done.any():
            now[done] = info["final_milestone_step"][done] >= 0
        new = now & ~held & (first < 0) & live[:, None]
        first[new] = t
        live &= ~done  # what an ended game's next game does is not this gate's
    return first


def table(rows: list[GateRow], step: int, steps: int) -> str:
    """The rows as a plain-text table."""
    lines = [
        f"from the gates of the archive at env step {step:,}: tries of {steps:,} steps each",
        f"{'holding':<24}{'gates':>6}{'through':>14}{'median step':>13}  next milestone",
    ]
    for r in rows:
        held = f"{len(r.held)}: {r.held[-1]}" if r.held else "0: (none yet)"
        share = f"{r.through}/{r.tries} {100 * r.through / r.tries:3.0f}%"
        median = f"{r.median_step:,}" if r.median_step is not None else "-"
        nxt = ", ".join(f"{n} {k}" for n, k in r.next.items()) or "-"
        lines.append(f"{held:<24}{r.cells:>6}{share:>14}{median:>13}  {nxt}")
    return "\n".join(lines)


def to_json(rows: list[GateRow], extra: dict) -> dict:
    """The rows and ``extra`` (what was played, by whom) as plain data."""
    return {**extra, "gates": [asdict(r) for r in rows]}
