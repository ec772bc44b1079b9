"""The compiled batched step of gridmon: one loop over envs, named sub-steps.

``step_batch`` runs, for every env: clear the step's outputs -> battle or overworld turn
-> level reward -> milestones -> weighted reward -> done flags -> observation (and, for
an env whose episode ended, the final observation, then the autoreset).

Autoreset (the contract's rule): an env that terminates (beat the champion) or truncates
(``horizon`` steps) is reset in the same step; ``obs`` then shows its next episode and
``final_*`` buffers hold the observation it ended on. At truncation the exploration
memory always clears; the game itself restarts unless ``on_truncate = "continue"``.
"""

from __future__ import annotations

from . import constants as C
from .battle import battle_turn
from .jit import kernel
from .observe import write_obs
from .overworld import overworld_turn
from .rules import (
    R_EXPLORE,
    R_LEVEL,
    badge_count,
    cell_of,
    exp_for_level,
    fill_moves,
    level_reward,
    seed_rng,
    stat,
    visit,
)

DONE_TERMINATED, DONE_TRUNCATED = 1, 2


@kernel
def new_game(s, i, w, counts):
    """Put env i at the start of a new game (its RNG stream continues)."""
    st = w.start
    s.map[i], s.x[i], s.y[i], s.facing[i] = st[0], st[1], st[2], C.DOWN
    s.heal_map[i], s.heal_x[i], s.heal_y[i] = st[0], st[1], st[2]
    s.balls[i], s.potions[i], s.money[i] = st[5], st[6], st[7]
    s.keys[i] = 0
    s.badges[i] = 0
    s.n_badges[i] = 0
    s.champion[i] = 0
    s.events[i, :] = 0
    s.caught[i, :] = 0
    s.p_species[i, :] = -1
    s.p_level[i, :] = 0
    s.p_hp[i, :] = 0
    s.p_exp[i, :] = 0
    s.p_moves[i, :, :] = -1
    s.p_pp[i, :, :] = 0
    sp, lv = st[3], st[4]
    s.p_species[i, 0], s.p_level[i, 0] = sp, lv
    s.p_hp[i, 0] = stat(w, sp, lv, 0)
    s.p_exp[i, 0] = exp_for_level(lv)
    fill_moves(w, sp, lv, s.p_moves[i, 0], s.p_pp[i, 0])
    s.caught[i, sp] = 1
    s.active[i] = 0
    s.battle[i] = C.NO_BATTLE
    s.b_trainer[i] = -1
    s.e_count[i] = 0
    s.e_active[i] = 0
    s.e_species[i, :] = -1
    s.game_t[i] = 0
    s.n_events[i] = 0
    s.blackouts[i] = 0
    s.ms_step[i, :] = -1
    s.level_score[i] = 0.0
    level_reward(s, i, w)  # the starting party sets the baseline, no reward
    new_episode(s, i, w, counts)


@kernel
def new_episode(s, i, w, counts):
    """Clear the episode's exploration and talk memories; the current cell counts as
    explored."""
    s.t[i] = 0
    s.visited[i, :] = 0
    s.talked[i, :] = 0
    s.explored[i] = 0
    visit(s, i, w, counts)


@kernel
def _milestones(s, i, w):
    """Record the step of each milestone reached now. A new one clears the talk memory
    (an answer can change with progress) and, with ``forget_on_milestone``, the episode's
    exploration memory (the current cell stays explored)."""
    reached = False
    for j in range(w.ms_kind.shape[0]):
        if s.ms_step[i, j] >= 0:
            continue
        k, arg = w.ms_kind[j], w.ms_arg[j]
        if k == C.MS_BADGE:
            hit = (s.badges[i] >> (arg - 1)) & 1
        elif k == C.MS_KEY_ITEM:
            hit = (s.keys[i] >> arg) & 1
        else:  # C.MS_CHAMPION
            hit = s.champion[i]
        if hit:
            s.ms_step[i, j] = s.game_t[i]
            reached = True
    if reached:
        s.talked[i, :] = 0
    if reached and w.forget_on_milestone:
        s.visited[i, :] = 0
        s.visited[i, cell_of(w, s.map[i], s.x[i], s.y[i])] = 1
        s.explored[i] = 1


@kernel
def step_batch(s, w, actions, counts, obs, final_obs, reward, terminated, truncated):
    """Advance every env by one action. obs/final_obs: (tiles, visited, map_id, species,
    state) tuples of batch arrays. Writes reward/terminated/truncated in place."""
    for i in range(actions.shape[0]):
        s.parts[i, :] = 0.0
        s.n_msgs[i] = 0
        s.t[i] += 1
        s.game_t[i] += 1
        a = actions[i]
        champion = False
        if s.battle[i] != C.NO_BATTLE:
            champion = battle_turn(s, i, w, a)
        else:
            overworld_turn(s, i, w, a, counts)
        level_reward(s, i, w)
        s.n_badges[i] = badge_count(s, i)
        _milestones(s, i, w)
        r = 0.0
        for c in range(s.parts.shape[1]):
            s.parts[i, c] *= w.weights[c]
            r += s.parts[i, c]
        reward[i] = r
        trunc = (not champion) and s.t[i] >= w.horizon
        terminated[i] = champion
        truncated[i] = trunc
        s.done_flags[i] = (DONE_TERMINATED if champion else 0) | (DONE_TRUNCATED if trunc else 0)
        if champion or trunc:
            for j in range(s.ms_step.shape[1]):
                s.final_ms_step[i, j] = s.ms_step[i, j]
            write_obs(s, i, w, final_obs[0], final_obs[1], final_obs[2], final_obs[3], final_obs[4])
            # The reset's own bookkeeping (the start tile, the starting party's level
            # baseline) is not a reward: the step's parts stay those of the ended episode.
            kept_explore, kept_level = s.parts[i, R_EXPLORE], s.parts[i, R_LEVEL]
            if trunc and w.continue_on_truncate:
                new_episode(s, i, w, counts)
            else:
                new_game(s, i, w, counts)
            s.parts[i, R_EXPLORE], s.parts[i, R_LEVEL] = kept_explore, kept_level
        write_obs(s, i, w, obs[0], obs[1], obs[2], obs[3], obs[4])


@kernel
def reset_batch(s, w, seeds, counts, obs):
    for i in range(seeds.shape[0]):
        s.rng[i] = seed_rng(seeds[i])
        new_game(s, i, w, counts)
        s.final_ms_step[i, :] = -1  # no episode has ended yet
        s.parts[i, :] = 0.0
        s.n_msgs[i] = 0
        s.done_flags[i] = 0
        write_obs(s, i, w, obs[0], obs[1], obs[2], obs[3], obs[4])


@kernel
def write_obs_batch(s, w, env_ids, obs):
    for j in range(env_ids.shape[0]):
        i = env_ids[j]
        write_obs(s, i, w, obs[0], obs[1], obs[2], obs[3], obs[4])
