"""Shared compiled rules of gridmon: random numbers, stats, tiles, events, rewards.

Every function takes the env index ``i``, the state tuple ``s`` (see state.py) and the
world tables ``w`` (see tables.py), and works on that one env.
"""

from __future__ import annotations

import numpy as np

from ..config import REWARD_COMPONENTS
from . import constants as C
from .jit import kernel

# Reward component indices, looked up by name in config.REWARD_COMPONENTS.
R_EXPLORE, R_EVENT, R_BADGE, R_LEVEL, R_CATCH, R_HEAL, R_BLACKOUT, R_CHAMPION, R_TALK = map(
    REWARD_COMPONENTS.index,
    ("explore", "event", "badge", "level", "catch", "heal", "blackout", "champion", "talk"),
)
_MULT = np.uint64(0x2545F4914F6CDD1D)


@kernel
def rand_u64(s, i):
    """xorshift64* step of env i's generator."""
    x = s.rng[i]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    s.rng[i] = x
    return x * _MULT


@kernel
def rand_float(s, i):
    """Uniform in [0, 1)."""
    return np.float64(rand_u64(s, i) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@kernel
def rand_int(s, i, n):
    """Uniform in [0, n)."""
    return np.int64(rand_float(s, i) * n)


@kernel
def seed_rng(seed):
    """splitmix64 of a seed: a non-zero starting state."""
    z = np.uint64(seed) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    if z == np.uint64(0):
        z = np.uint64(1)
    return z


# --- monsters ---------------------------------------------------------------------------


@kernel
def stat(w, species, level, k):
    """k: 0 hp, 1 atk, 2 def, 3 spd. Integer formula documented in data/FORMAT.md."""
    base = w.sp_base[species, k]
    if k == 0:
        return base * 2 * level // 100 + level + 10
    return base * 2 * level // 100 + 5


@kernel
def exp_for_level(level):
    """Total experience a monster needs to be at ``level`` (a cubic curve)."""
    return level * level * level


@kernel
def fill_moves(w, species, level, moves, pp):
    """Fill (4,) move and PP rows with the last four moves learned up to ``level``."""
    learned_moves(w, species, level, moves)
    for k in range(C.MAX_MOVES):
        pp[k] = w.move_pp[moves[k]] if moves[k] >= 0 else 0


@kernel
def learned_moves(w, species, level, moves):
    """Fill a (4,) move row with the last four distinct moves learned up to ``level``."""
    moves[:] = -1
    n = 0
    start = w.learn_start[species]
    for j in range(start, start + w.learn_count[species]):
        if w.learn_level[j] > level:
            break
        mv = w.learn_move[j]
        dup = False
        for k in range(C.MAX_MOVES):
            if moves[k] == mv:
                dup = True
        if dup:
            continue
        if n < C.MAX_MOVES:
            moves[n] = mv
            n += 1
        else:
            for k in range(C.MAX_MOVES - 1):
                moves[k] = moves[k + 1]
            moves[C.MAX_MOVES - 1] = mv


@kernel
def effectiveness(w, move, species):
    return type_effectiveness(w, w.move_type[move], species)


@kernel
def type_effectiveness(w, t, species):
    """Multiplier of attack type ``t`` on ``species``: the chart entry of each of its types."""
    e = w.chart[t, w.sp_type1[species]]
    if w.sp_type2[species] >= 0:
        e *= w.chart[t, w.sp_type2[species]]
    return e


@kernel
def party_size(s, i):
    n = 0
    for k in range(C.MAX_PARTY):
        if s.p_species[i, k] >= 0:
            n += 1
    return n


@kernel
def heal_party(s, i, w):
    """Full HP and PP; returns the HP restored as a fraction of the party's total."""
    restored, total = 0, 0
    for k in range(C.MAX_PARTY):
        sp = s.p_species[i, k]
        if sp < 0:
            continue
        mhp = stat(w, sp, s.p_level[i, k], 0)
        restored += mhp - s.p_hp[i, k]
        total += mhp
        s.p_hp[i, k] = mhp
        for m in range(C.MAX_MOVES):
            mv = s.p_moves[i, k, m]
            s.p_pp[i, k, m] = w.move_pp[mv] if mv >= 0 else 0
    return restored / total if total > 0 else 0.0


# --- messages, events, items -------------------------------------------------------------


@kernel
def say(s, i, code, a, b):
    n = s.n_msgs[i]
    if n < s.msgs.shape[1]:
        s.msgs[i, n, 0] = code
        s.msgs[i, n, 1] = a
        s.msgs[i, n, 2] = b
        s.n_msgs[i] = n + 1


@kernel
def set_event(s, i, ev):
    if ev >= 0 and s.events[i, ev] == 0:
        s.events[i, ev] = 1
        s.n_events[i] += 1
        s.parts[i, R_EVENT] += 1.0


@kernel
def give_item(s, i, item, count):
    if item == C.I_BALL:
        s.balls[i] += count
    elif item == C.I_POTION:
        s.potions[i] += count
    elif item == C.I_MONEY:
        s.money[i] += count
    else:
        s.keys[i] |= 1 << (item - C.FIRST_KEY_ITEM)
    say(s, i, C.MSG_GET, item, count)


@kernel
def has_ability(s, i, w, ability):
    for k in range(w.key_ability.shape[0]):
        if w.key_ability[k] == ability and (s.keys[i] >> k) & 1:
            return True
    return False


@kernel
def badge_count(s, i):
    n, b = 0, s.badges[i]
    while b:
        n += b & 1
        b >>= 1
    return n


# --- tiles and places --------------------------------------------------------------------


@kernel
def cell_of(w, m, x, y):
    return w.map_off[m] + y * w.map_w[m] + x


@kernel
def tile_at(s, i, w, m, x, y):
    """The tile as env i sees it now (taken items, cut bushes, beaten trainers...)."""
    if x < 0 or y < 0 or x >= w.map_w[m] or y >= w.map_h[m]:
        return C.VOID
    c = w.map_off[m] + y * w.map_w[m] + x
    t = w.cell_tile[c]
    e = w.cell_entity[c]
    if e < 0:
        return t
    k = w.ent_kind[e]
    if k == C.E_ITEM or k == C.E_BUSH:
        if s.events[i, w.ent_event[e]]:
            return w.map_floor[m]
    elif k == C.E_TRAINER:
        if s.events[i, w.ent_event[e]]:
            return C.TRAINER_BEATEN
    elif k == C.E_LEADER:
        if s.events[i, w.ent_event[e]]:
            return C.LEADER_BEATEN
    elif k == C.E_GUARD:
        if badge_count(s, i) >= w.ent_need[e]:
            return w.map_floor[m]
    return t


@kernel
def visit(s, i, w, counts):
    """Mark the player's cell in the exploration memory and the global visit counts; a
    new cell pays the explore part (scaled by its novelty with ``explore_count_scale``)."""
    c = cell_of(w, s.map[i], s.x[i], s.y[i])
    counts[c] += 1
    if s.visited[i, c] == 0:
        s.visited[i, c] = 1
        s.explored[i] += 1
        if w.explore_count_scale > 0:
            s.parts[i, R_EXPLORE] += 1.0 / np.sqrt(1.0 + counts[c] / w.explore_count_scale)
        else:
            s.parts[i, R_EXPLORE] += 1.0


@kernel(inline=True)
def capped(level, cap):
    """Level growth as the level reward counts it: full rate up to cap, 1/4 beyond."""
    return min(level, cap) + max(level - cap, 0.0) / 4.0


@kernel
def level_reward(s, i, w):
    """Pay the growth of the capped level score: of the party's level sum, or with
    level_each the sum of each monster's capped level."""
    total = 0.0
    score = 0.0
    for k in range(C.MAX_PARTY):
        if s.p_species[i, k] >= 0:
            total += s.p_level[i, k]
            score += capped(float(s.p_level[i, k]), w.level_cap)
    if not w.level_each:
        score = capped(total, w.level_cap)
    if score > s.level_score[i]:
        s.parts[i, R_LEVEL] += score - s.level_score[i]
        s.level_score[i] = score
