"""Preallocated rollout storage and the collector that fills it from a batched game.

The storage is allocated once (CPU tensors; observation fields keep the game's dtypes)
and every rollout writes into it in place. The collector owns what carries over from
one rollout to the next: the current observation, the LSTM state, the per-env episode
accumulators, the Go-Explore archive hooks and the env / forward time split.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from pocketrl.agents.policy import Policy, sample_actions
from pocketrl.train.explore import Archive


class RolloutStorage:
    """(T, N, ...) tensors of one rollout, plus LSTM states at BPTT segment starts."""

    def __init__(
        self,
        obs_spec: dict,
        num_steps: int,
        num_envs: int,
        lstm_hidden: int = 0,
        bptt_horizon: int = 1,
    ):
        t, n = num_steps, num_envs
        self.num_steps, self.num_envs = t, n
        self.obs = {
            k: torch.from_numpy(np.zeros((t, n, *shape), dtype))
            for k, (shape, dtype) in obs_spec.items()
        }
        self.obs_np = {k: v.numpy() for k, v in self.obs.items()}
        z = lambda: torch.zeros(t, n)  # noqa: E731
        self.actions = torch.zeros(t, n, dtype=torch.long)
        self.logprobs, self.values, self.rewards = z(), z(), z()
        self.terminated, self.truncated, self.trunc_values, self.starts = z(), z(), z(), z()
        self.advantages, self.returns = z(), z()
        self.next_value = torch.zeros(n)
        self.seg_h = self.seg_c = None
        if lstm_hidden:
            self.seg_h = torch.zeros(t // bptt_horizon, n, lstm_hidden)
            self.seg_c = torch.zeros_like(self.seg_h)

    def minibatch(self, segments: torch.Tensor, horizon: int) -> dict:
        """Gather sequences of ``horizon`` steps: segment i is (step block i // N, env
        i % N). Returns tensors with leading dims (horizon, B)."""
        n = self.num_envs
        if horizon == 1:

            def take(x):
                return x.reshape(-1, *x.shape[2:])[segments].unsqueeze(0)
        else:
            blocks, envs = segments // n, segments % n

            def take(x):
                x = x.reshape(-1, horizon, *x.shape[1:])
                return x[blocks, :, envs].transpose(0, 1)

        out = {"obs": {k: take(v) for k, v in self.obs.items()}}
        for name in ("starts", "actions", "logprobs", "values", "advantages", "returns"):
            out[name] = take(getattr(self, name))
        if self.seg_h is not None:
            flat = segments  # segment index == block * N + env == flat index in seg_h
            out["h0"] = self.seg_h.reshape(-1, self.seg_h.shape[-1])[flat]
            out["c0"] = self.seg_c.reshape(-1, self.seg_c.shape[-1])[flat]
        return out


class Collector:
    """Steps the game with the policy and fills a RolloutStorage.

    Tracks (for logging and checkpoints): global env steps, finished-episode returns,
    reward components, the first env step at which any env reached each milestone,
    and the time spent in the env and in the policy's forward pass.

    ``world_size``: in data-parallel training every rank steps as many envs as this one in
    lockstep (same rollout length), so ``global_step`` counts the job's env steps,
    ``num_envs * world_size`` per step, and milestone steps are the job's.
    """

    def __init__(
        self,
        game,
        policy: Policy,
        archive: Archive | None,
        device,
        seed: int,
        bptt_horizon: int = 1,
        world_size: int = 1,
    ):
        self.game, self.policy, self.archive, self.device = game, policy, archive, device
        self.bptt_horizon = bptt_horizon
        self.steps_per_step = game.num_envs * world_size
        n = game.num_envs
        obs = game.reset(seed)
        self.next_obs = {k: v.copy() for k, v in obs.items()}
        self.next_start = torch.ones(n)
        self.state = policy.initial_state(n, device)
        self.global_step = 0
        self.ep_return = np.zeros(n, np.float64)
        self.ep_length = np.zeros(n, np.int64)
        self.milestone_first_step = [-1] * len(game.milestones)
        self.best_badges = 0
        self.last_info: dict = {}
        self.time = {"env": 0.0, "forward": 0.0}
        self.reset_window()

    def reset_window(self) -> None:
        """Start a new logging window for the episode / reward statistics."""
        self.window = {"episodes": 0, "return_sum": 0.0, "length_sum": 0, "steps": 0, "restarts": 0}
        self.component_sums = {c: 0.0 for c in self.game.reward_components}

    def _to_device(self, obs: dict) -> dict:
        return {k: torch.as_tensor(v).to(self.device) for k, v in obs.items()}

    @torch.no_grad()
    def collect(self, storage: RolloutStorage, stop=lambda: False) -> int:
        """Fill ``storage`` with ``num_steps`` steps (fewer if ``stop()`` turns true; then
        the rollout is incomplete and must not be learned from). Returns steps taken."""
        game, policy = self.game, self.policy
        if self.archive is not None:  # a rollout boundary: frontier waves and drills
            for moved in (
                self.archive.frontier_wave(game, self.next_obs),
                self.archive.drill(game, self.next_obs),
            ):
                self.next_start[torch.from_numpy(moved)] = 1.0
                self.window["restarts"] += len(moved)
        for t in range(storage.num_steps):
            t0 = time.perf_counter()
            for k, v in self.next_obs.items():
                storage.obs_np[k][t] = v
            storage.starts[t] = self.next_start
            if storage.seg_h is not None and t % self.bptt_horizon == 0:
                storage.seg_h[t // self.bptt_horizon] = self.state[0]
                storage.seg_c[t // self.bptt_horizon] = self.state[1]
            obs_t = self._to_device({k: v[t] for k, v in storage.obs.items()})
            logits, value, self.state = policy.step(
                obs_t, self.state, self.next_start.to(self.device)
            )
            actions, logprobs = sample_actions(logits)
            storage.actions[t], storage.logprobs[t], storage.values[t] = actions, logprobs, value
            t1 = time.perf_counter()
            obs, reward, terminated, truncated, info = game.step(actions.cpu().numpy())
            done = terminated | truncated
            reached = self._reached(info, done)  # before restarts overwrite the envs
            for k, v in obs.items():
                self.next_obs[k][:] = v
            if self.archive is not None:
                self.archive.observe(
                    game,
                    info["milestones"],
                    done,
                    self.global_step,
                    info["events"],
                    info["map"],
                    reward - info["reward/explore"] if self.archive.cfg.replace_better else None,
                )
                self.window["restarts"] += len(self.archive.restart(game, truncated, self.next_obs))
            t2 = time.perf_counter()
            storage.rewards[t] = torch.from_numpy(reward)
            storage.terminated[t] = torch.from_numpy(terminated)
            storage.truncated[t] = torch.from_numpy(truncated)
            storage.trunc_values[t] = 0.0
            if truncated.any():
                ids = np.flatnonzero(truncated)
                final = self._to_device({k: v[ids] for k, v in info["final_obs"].items()})
                state = None if self.state is None else tuple(s[ids] for s in self.state)
                _, v_final, _ = policy.step(final, state, None)
                storage.trunc_values[t, torch.from_numpy(ids)] = v_final.cpu()
            self.next_start = torch.from_numpy(done.astype(np.float32))
            self.global_step += self.steps_per_step
            self._track(reward, done, info, reached)
            self.time["env"] += t2 - t1
            self.time["forward"] += time.perf_counter() - t2 + t1 - t0
            if stop():
                return t + 1
        t0 = time.perf_counter()
        _, next_value, _ = policy.step(
            self._to_device(self.next_obs), self.state, self.next_start.to(self.device)
        )
        storage.next_value[:] = next_value.cpu()
        self.time["forward"] += time.perf_counter() - t0
        return storage.num_steps

    @staticmethod
    def _reached(info: dict, done: np.ndarray) -> np.ndarray:
        """(M,) milestones any env held this step, the ended episodes' last ones included
        (the champion ends the game, and the autoreset already shows the next one)."""
        reached = info["milestones"].any(0)
        if done.any():
            reached |= (info["final_milestone_step"][done] >= 0).any(0)
        return reached

    def _track(self, reward: np.ndarray, done: np.ndarray, info: dict, reached: np.ndarray) -> None:
        self.ep_return += reward
        self.ep_length += 1
        w = self.window
        w["steps"] += len(reward)
        if done.any():
            w["episodes"] += int(done.sum())
            w["return_sum"] += float(self.ep_return[done].sum())
            w["length_sum"] += int(self.ep_length[done].sum())
            self.ep_return[done] = 0.0
            self.ep_length[done] = 0
        for c in self.component_sums:
            self.component_sums[c] += float(info[f"reward/{c}"].sum())
        for m in np.flatnonzero(reached):
            if self.milestone_first_step[m] < 0:
                self.milestone_first_step[m] = self.global_step
        self.best_badges = max(self.best_badges, int(info["badges"].max()))
        self.last_info = info

    def state_dict(self) -> dict:
        """What a checkpoint needs to continue collecting exactly."""
        return {
            "next_obs": {k: torch.from_numpy(v.copy()) for k, v in self.next_obs.items()},
            "next_start": self.next_start.clone(),
            "state": None if self.state is None else [s.cpu() for s in self.state],
            "global_step": self.global_step,
            "ep_return": torch.from_numpy(self.ep_return.copy()),
            "ep_length": torch.from_numpy(self.ep_length.copy()),
            "milestone_first_step": list(self.milestone_first_step),
            "best_badges": self.best_badges,
            "time": dict(self.time),
            "env_states": self.game.snapshot(np.arange(self.game.num_envs)),
            # gridmon's per-tile visit counts (its count-based novelty reads them)
            "visit_counts": _counts(self.game),
        }

    def load_state_dict(self, d: dict) -> None:
        """Inverse of ``state_dict`` (restores the games too)."""
        self.game.restore(np.arange(self.game.num_envs), d["env_states"])
        if d.get("visit_counts") is not None and _counts(self.game) is not None:
            self.game.visit_counts[:] = d["visit_counts"].numpy()
        for k, v in d["next_obs"].items():
            self.next_obs[k][:] = v.numpy()
        self.next_start = d["next_start"].clone()
        if d["state"] is not None:
            self.state = tuple(s.to(self.device) for s in d["state"])
        self.global_step = d["global_step"]
        self.ep_return[:] = d["ep_return"].numpy()
        self.ep_length[:] = d["ep_length"].numpy()
        self.milestone_first_step = list(d["milestone_first_step"])
        self.best_badges = d["best_badges"]
        self.time = dict(d["time"])


def _counts(game) -> torch.Tensor | None:
    """A copy of the game's per-place visit counts, if it keeps them."""
    counts = getattr(game, "visit_counts", None)
    return None if counts is None else torch.from_numpy(np.array(counts, copy=True))
