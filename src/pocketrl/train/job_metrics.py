"""The job's numbers: a collector's statistics, reduced over the data-parallel ranks.

``job_view`` is what the progress line, the metrics, the milestone table and the closing
summary read. For a single process it is that process's own numbers; under torchrun it
is the whole job's: sums of episodes, returns, reward components, restarts and envs
holding each milestone; the max of badges and explored tiles; for each milestone the
first job step at which any rank reached it (the min over the ranks that have). It is a
collective: every rank calls it at the same point of the loop.
"""

from __future__ import annotations

import math

from pocketrl.train.distributed import Ranks


def job_view(ranks: Ranks, collector) -> dict:
    """The job's statistics of the current logging window (see module docstring)."""
    col, info = collector, collector.last_info
    w = col.window
    sums = {
        "envs": len(col.ep_return),
        "episodes": w["episodes"],
        "return_sum": w["return_sum"],
        "length_sum": w["length_sum"],
        "steps": w["steps"],
        "restarts": w["restarts"],
        "current_return_sum": float(col.ep_return.sum()),
    }
    sums.update({f"reward/{c}": v for c, v in col.component_sums.items()})
    maxes = {"best_badges": col.best_badges}
    milestones = col.game.milestones
    if info:
        for key in ("badges", "explored", "events"):
            sums[f"{key}_sum"] = float(info[key].sum())
            maxes[f"{key}_max"] = float(info[key].max())
        held = info["milestones"].sum(0)
        sums.update({f"held/{m}": float(k) for m, k in zip(milestones, held, strict=True)})
    firsts = {m: (s if s >= 0 else math.inf) for m, s in zip(milestones, col.milestone_first_step)}
    sums, maxes = ranks.reduce(sums, "sum"), ranks.reduce(maxes, "max")
    firsts = ranks.reduce(firsts, "min")
    view = {
        k: int(v) if k in ("envs", "episodes", "length_sum", "steps", "restarts") else v
        for k, v in sums.items()
    }
    view.update(maxes)
    view["best_badges"] = int(maxes["best_badges"])
    view["first_step"] = [int(s) if math.isfinite(s) else -1 for s in firsts.values()]
    view["held"] = [int(sums.get(f"held/{m}", 0)) for m in milestones]
    view["has_info"] = bool(info)
    return view


def env_metrics(job: dict, milestones: list[str], reward_components: list[str]) -> dict:
    """The ``env/``, ``milestones/`` and ``explore/restarts`` metrics of a job view."""
    m = {}
    if job["episodes"]:
        m["env/episode_return"] = job["return_sum"] / job["episodes"]
        m["env/episode_length"] = job["length_sum"] / job["episodes"]
    m["env/episodes"] = job["episodes"]
    envs = max(job["envs"], 1)
    m["env/current_return"] = job["current_return_sum"] / envs
    for c in reward_components:
        m[f"env/reward_{c}"] = job[f"reward/{c}"] / max(job["steps"], 1)
    if job["has_info"]:
        for key in ("badges", "explored", "events"):
            m[f"env/{key}_mean"] = job[f"{key}_sum"] / envs
        m["env/badges_max"] = job["badges_max"]
        m["env/explored_max"] = job["explored_max"]
        for name, k in zip(milestones, job["held"], strict=True):
            m[f"milestones/{name}"] = k / envs
    m["env/badges_best"] = job["best_badges"]
    m["explore/restarts"] = job["restarts"]
    return m
