"""Measure what an agent achieves: milestones reached, by how many envs, at which step.

``evaluate`` plays ``num_envs`` games from the start for ``steps`` steps with an agent
(anything with ``act(obs) -> actions``) and returns an :class:`EvalResult`; ``table``
formats it for people and ``to_json`` for papers and scripts.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from pocketrl.atomic import atomic_write


@dataclass
class MilestoneRow:
    name: str
    reached: int  # envs that reached it
    share: float  # reached / num_envs
    median_step: float | None  # over the envs that reached it
    best_step: int | None


@dataclass
class EvalResult:
    agent: str
    game: str  # the game's label: gridmon/main, gridmon/mini, pokered, ...
    num_envs: int
    steps: int
    seed: int
    seconds: float
    milestones: list[MilestoneRow]
    explored_mean: float  # tiles in each env's exploration memory at the end, averaged
    explored_union: int  # distinct tiles visited by any env (-1: the game does not count)
    first_step: np.ndarray = field(repr=False)  # (num_envs, M) eval step reached, -1 never
    actions: np.ndarray | None = field(default=None, repr=False)  # (steps, num_envs) uint8
    search: dict | None = None  # a SearchAgent's settings and compute (agents/search.py)
    stopped: str | None = None  # why the agent ended the run before ``steps`` (StopEval)
    stalls: list[dict] = field(default_factory=list)  # where games stopped: StageTime.report

    @property
    def real_steps(self) -> int:
        """Env steps of the real games: ``num_envs * steps``."""
        return self.num_envs * self.steps

    def best_env(self) -> int:
        """The env that reached the most milestones, earliest on ties."""
        reached = (self.first_step >= 0).sum(1)
        last = np.where(self.first_step >= 0, self.first_step, 0).max(1)
        order = np.lexsort((last, -reached))
        return int(order[0])


class StopEval(Exception):
    """Raised by an agent to end an evaluation early (a spent budget, a model server
    that stopped answering): the steps played so far are the result. ``failed`` marks an
    error rather than a planned stop."""

    def __init__(self, reason: str, failed: bool = False):
        super().__init__(reason)
        self.reason, self.failed = reason, failed


def evaluate(
    env,
    agent,
    steps: int,
    agent_name: str = "agent",
    seed: int = 0,
    on_step=None,
    record_actions: bool = True,
) -> EvalResult:
    """Play ``steps`` steps of every env from a fresh start (``env.reset(seed)``).

    With ``record_actions`` the actions are kept (uint8, steps x envs) so any env's game
    can be replayed exactly (see media.py). An agent with ``search_report()`` (a
    SearchAgent) has its settings and compute put in the result's ``search``. An agent
    may end the run early by raising StopEval, and one with ``stop_on_interrupt`` ends on
    Ctrl-C: the result then holds the steps played, and ``stopped`` says why."""
    obs = env.reset(seed)
    actions = np.zeros((steps, env.num_envs), np.uint8) if record_actions else None
    m = len(env.milestones)
    first = np.full((env.num_envs, m), -1, np.int64)
    where = StageTime(m)
    t0 = time.perf_counter()
    played, stopped, info = 0, None, None
    lost_before = map_before = None  # blackouts so far and map, at the step before
    try:
        for t in range(1, steps + 1):
            action = agent.act(obs)
            if actions is not None:
                actions[t - 1] = action
            obs, _, term, trunc, info = env.step(action)
            played = t
            now = info["milestones"].copy()
            done = term | trunc
            if done.any():
                now[done] |= info["final_milestone_step"][done] >= 0
            new = now & (first < 0)
            first[new] = t
            stage = (first >= 0).sum(1)
            where.add(stage, info["map"])
            if "blackouts" in info:  # a loss counts on the map it happened on
                if lost_before is not None:
                    where.add_losses(stage, map_before, info["blackouts"] - lost_before)
                lost_before, map_before = info["blackouts"].copy(), info["map"].copy()
            if on_step is not None:
                on_step(t, obs, info)
    except StopEval as e:
        stopped = e.reason
    except KeyboardInterrupt:
        if not getattr(agent, "stop_on_interrupt", False):
            raise
        stopped = "interrupted (Ctrl-C)"
    steps = played
    if actions is not None:
        actions = actions[:played]
    seconds = time.perf_counter() - t0
    rows = []
    for j, name in enumerate(env.milestones):
        hit = first[:, j][first[:, j] >= 0]
        rows.append(
            MilestoneRow(
                name,
                int(hit.size),
                float(hit.size / env.num_envs),
                float(np.median(hit)) if hit.size else None,
                int(hit.min()) if hit.size else None,
            )
        )
    return EvalResult(
        agent_name,
        env.label,
        env.num_envs,
        steps,
        seed,
        seconds,
        rows,
        float(info["explored"].mean()) if info is not None else 0.0,
        env.coverage(),
        first,
        actions,
        agent.search_report() if hasattr(agent, "search_report") else None,
        stopped,
        where.report(
            first,
            env.milestones,
            getattr(env, "map_name", None),
            info.get("respawn_map") if info is not None else None,
        ),
    )


class StageTime:
    """Env-steps by (milestones reached so far, map): where the games spend their time
    at each stage of the game, so an eval says where they stall, not only that they do.
    For a game that counts losses (``info["blackouts"]``) also where they black out."""

    TOP = 4  # maps named per stage

    def __init__(self, num_milestones: int):
        self.m = num_milestones
        self.flat = np.zeros(0, np.int64)  # index map * (m + 1) + stage -> env-steps
        self.lost = None  # the same index -> blackouts, once the game reports any

    def _bin(self, flat: np.ndarray, stage, maps, weights=None) -> np.ndarray:
        hist = np.bincount(maps.astype(np.int64) * (self.m + 1) + stage, weights)
        hist = hist.astype(np.int64, copy=False)  # float where weighted
        if hist.size > flat.size:
            flat = np.pad(flat, (0, hist.size - flat.size))
        flat[: hist.size] += hist
        return flat

    def add(self, stage: np.ndarray, maps: np.ndarray) -> None:
        self.flat = self._bin(self.flat, stage, maps)

    def add_losses(self, stage: np.ndarray, maps: np.ndarray, new: np.ndarray) -> None:
        """``new`` blackouts of each env at this step (negative where a game was reset),
        on ``maps``, the map each env was on before the step."""
        lost = np.zeros(0, np.int64) if self.lost is None else self.lost
        self.lost = self._bin(lost, stage, maps, np.maximum(new, 0))

    def _by_stage(self, flat: np.ndarray) -> np.ndarray:
        """(stages, maps) of an index-map * (m + 1) + stage array."""
        pad = -flat.size % (self.m + 1)
        return np.pad(flat, (0, pad)).reshape(-1, self.m + 1).T

    @property
    def counts(self) -> np.ndarray:
        """(stages, maps) env-steps."""
        return self._by_stage(self.flat)

    def report(
        self, first: np.ndarray, milestones: list[str], map_name=None, respawn=None
    ) -> list[dict]:
        """One entry per stage at which some games ended short of the last milestone:
        how many games ended there, the milestone most of them reached last, the
        env-steps spent at that stage (by every game that was in it), and the maps that
        took the most of them, with their shares. ``first``: (envs, M) step reached.
        With losses counted: the blackouts at that stage and the maps of the most; with
        ``respawn`` ((envs,) map a loss sends each game back to, at the end): that map
        for the games that ended there, the most common first."""
        name = map_name or (lambda i: f"map {i}")
        counts = self.counts
        lost = None if self.lost is None else self._by_stage(self.lost)
        final_stage = (first >= 0).sum(1)
        last = np.where(first >= 0, first, -1).argmax(1)  # each game's latest milestone
        out = []
        for k in sorted(set(final_stage.tolist())):
            c = counts[k]
            if k >= self.m or not c.sum():
                continue
            top = np.argsort(-c, kind="stable")[: self.TOP]
            ended = final_stage == k
            common = np.bincount(last[ended]).argmax() if k else None
            entry = {
                "milestones": int(k),
                "last": milestones[int(common)] if k else None,
                "games": int(ended.sum()),
                "steps": int(c.sum()),
                "maps": [[name(int(i)), round(float(c[i] / c.sum()), 3)] for i in top if c[i]],
            }
            if lost is not None:
                b = lost[k] if k < len(lost) else np.zeros(0, np.int64)
                most = np.argsort(-b, kind="stable")[: self.TOP]
                entry["blackouts"] = int(b.sum())
                entry["blackout_maps"] = [[name(int(i)), int(b[i])] for i in most if b[i]]
            if respawn is not None:
                where = np.bincount(np.asarray(respawn)[ended].astype(np.int64))
                most = np.argsort(-where, kind="stable")[: self.TOP]
                entry["respawn"] = [[name(int(i)), int(where[i])] for i in most if where[i]]
            out.append(entry)
        return out


def table(r: EvalResult) -> str:
    lines = [
        f"{r.agent} on {r.game}: {r.num_envs} envs x {r.steps:,} steps "
        f"(seed {r.seed}, {r.seconds:.1f} s)",
        f"{'milestone':<14}{'envs':>12}{'median step':>14}{'best step':>12}",
    ]
    for row in r.milestones:
        med = f"{row.median_step:,.0f}" if row.median_step is not None else "-"
        best = f"{row.best_step:,}" if row.best_step is not None else "-"
        lines.append(
            f"{row.name:<14}{f'{row.reached}/{r.num_envs}':>8} {row.share:>4.0%}{med:>13}{best:>12}"
        )
    union = f", {r.explored_union:,} distinct over all envs" if r.explored_union >= 0 else ""
    lines.append(f"explored tiles: {r.explored_mean:,.0f} per env (episode memory){union}")
    lines += stall_lines(r)
    if r.search is not None:
        lines.append(search_line(r))
    return "\n".join(lines)


def stall_lines(r: EvalResult) -> list[str]:
    """Where the games that stopped short spent their time: one line per stage at which
    some game ended (the maps of the most env-steps at that stage)."""
    lines = []
    for s in r.stalls:
        k = s["milestones"]
        after = f"after {s['last']} ({k} milestone{'s' * (k > 1)})" if k else "before any milestone"
        maps = ", ".join(f"{m} {share:.0%}" for m, share in s["maps"])
        line = f"stalled {after}: {s['games']} game(s); time there by map: {maps}"
        if "blackouts" in s:
            most = ", ".join(f"{m} {n:,}" for m, n in s["blackout_maps"])
            line += f"; blackouts there: {s['blackouts']:,}" + (f" ({most})" if most else "")
        if "respawn" in s:
            back = ", ".join(f"{m} {n}" for m, n in s["respawn"])
            line += f"; a loss sends them back to: {back}"
        lines.append(line)
    return lines


def search_line(r: EvalResult) -> str:
    """What the search used and cost: settings, simulated env steps against real ones,
    and the wall time spent searching."""
    s = r.search
    per = s["sim_steps"] / max(1, r.real_steps)
    return (
        f"search: N={s['copies']} copies x D={s['depth']} steps every {s['every']} real "
        f"step(s), {s['mode']}, {s['policy']} rollouts, search seed {s['seed']}\n"
        f"compute: {s['sim_steps']:,} simulated env steps for {r.real_steps:,} real "
        f"({per:,.0f} per real step); {s['search_seconds']:.1f} s of the {r.seconds:.1f} s "
        "searching"
    )


def to_json(r: EvalResult, extra: dict | None = None) -> dict:
    d = {f.name: getattr(r, f.name) for f in fields(r) if f.name not in ("first_step", "actions")}
    d["milestones"] = [asdict(m) for m in r.milestones]
    d["best_env"] = r.best_env()
    d["real_steps"] = r.real_steps
    d.update(extra or {})
    return d


def write_json_atomic(path, data: dict) -> None:
    """Write-then-rename, so a crash never leaves half a file."""
    atomic_write(path, lambda f: f.write(json.dumps(data, indent=2) + "\n"), mode="w")


class RandomAgent:
    """Uniform random buttons, seeded."""

    def __init__(self, num_envs: int, num_actions: int, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.num_envs, self.num_actions = num_envs, num_actions

    def act(self, obs) -> np.ndarray:
        return self.rng.integers(0, self.num_actions, self.num_envs)


class OracleAgent:
    """The scripted expert of gridmon behind the agent interface."""

    def __init__(self, env, seed: int = 0):
        from pocketrl.games.gridmon.oracle.expert import Oracle

        self.oracle = Oracle(env, seed=seed)

    def act(self, obs) -> np.ndarray:
        return self.oracle.act()
