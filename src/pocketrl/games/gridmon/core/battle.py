"""Compiled battle rules: starting battles, one turn, damage, experience, catching.

In battle the arrows pick move slots 1-4 (an empty or spent slot falls back to the
first usable move, and a monster with no PP left hits with a weak typeless strike), A
throws a ball (wild only), B tries to run (wild only), START switches to the next
healthy monster. The faster monster acts first; the player wins ties.
"""

from __future__ import annotations

from . import constants as C
from .jit import kernel
from .rules import (
    R_BADGE,
    R_BLACKOUT,
    R_CATCH,
    R_CHAMPION,
    badge_count,
    effectiveness,
    exp_for_level,
    fill_moves,
    heal_party,
    learned_moves,
    level_reward,
    rand_float,
    rand_int,
    say,
    set_event,
    stat,
)

STRUGGLE_POWER = 30
ROLL_LOW, ROLL_SPAN = 0.85, 0.15  # the damage roll is uniform in [0.85, 1.0)


@kernel
def start_wild(s, i, w, species, level):
    s.battle[i] = C.WILD
    s.b_trainer[i] = -1
    s.e_count[i] = 1
    s.e_active[i] = 0
    s.e_species[i, :] = -1
    s.e_species[i, 0] = species
    s.e_level[i, 0] = level
    s.e_hp[i, 0] = stat(w, species, level, 0)
    learned_moves(w, species, level, s.e_moves[i, 0])
    _first_healthy_active(s, i)
    say(s, i, C.MSG_WILD, species, level)


@kernel
def start_trainer(s, i, w, e):
    s.battle[i] = C.TRAINER_BATTLE
    s.b_trainer[i] = e
    n = w.ent_party_count[e]
    s.e_count[i] = n
    s.e_active[i] = 0
    s.e_species[i, :] = -1
    for k in range(n):
        sp = w.party_species[w.ent_party_start[e] + k]
        lv = w.party_level[w.ent_party_start[e] + k]
        s.e_species[i, k] = sp
        s.e_level[i, k] = lv
        s.e_hp[i, k] = stat(w, sp, lv, 0)
        learned_moves(w, sp, lv, s.e_moves[i, k])
    _first_healthy_active(s, i)
    say(s, i, C.MSG_TRAINER, e, 0)


@kernel
def _first_healthy_active(s, i):
    if s.p_hp[i, s.active[i]] > 0 and s.p_species[i, s.active[i]] >= 0:
        return
    for k in range(C.MAX_PARTY):
        if s.p_species[i, k] >= 0 and s.p_hp[i, k] > 0:
            s.active[i] = k
            return


@kernel
def next_healthy(s, i):
    """The next healthy party slot after the active one, or -1."""
    for d in range(1, C.MAX_PARTY):
        k = (s.active[i] + d) % C.MAX_PARTY
        if s.p_species[i, k] >= 0 and s.p_hp[i, k] > 0:
            return k
    return -1


@kernel
def damage(s, i, w, att_sp, att_lv, def_sp, def_lv, move):
    """Damage of one hit: -1 on a miss, 0 when the move has no effect on the defender.
    move -1 is the weak typeless strike."""
    if move >= 0 and rand_float(s, i) * 100.0 >= w.move_acc[move]:
        return -1
    base = hit_base(w, att_sp, att_lv, def_sp, def_lv, move)
    if base == 0.0:
        return 0
    return rolled(base, ROLL_LOW + ROLL_SPAN * rand_float(s, i))


@kernel
def hit_base(w, att_sp, att_lv, def_sp, def_lv, move):
    """Damage of a hit that lands, before the random roll (0.0: the defender is immune).
    move -1 is the weak typeless strike."""
    if move >= 0:
        power = w.move_power[move]
        eff = effectiveness(w, move, def_sp)
        mt = w.move_type[move]
        if mt == w.sp_type1[att_sp] or mt == w.sp_type2[att_sp]:
            eff *= 1.5
    else:
        power, eff = STRUGGLE_POWER, 1.0
    if eff == 0.0:
        return 0.0
    atk = stat(w, att_sp, att_lv, 1)
    dfn = stat(w, def_sp, def_lv, 2)
    base = (2.0 * att_lv / 5.0 + 2.0) * power * atk / dfn / 50.0 + 2.0
    return base * eff


@kernel
def rolled(base, roll):
    """Damage of a hit that lands with ``base`` (from hit_base) and a ``roll`` in
    [ROLL_LOW, ROLL_LOW + ROLL_SPAN): at least 1, unless the defender is immune."""
    if base == 0.0:
        return 0
    return max(1, int(base * roll))


@kernel
def _player_move(s, i, slot):
    """The move the player's active monster uses for slot (with the fallback rule)."""
    a = s.active[i]
    if s.p_moves[i, a, slot] >= 0 and s.p_pp[i, a, slot] > 0:
        return slot
    for k in range(C.MAX_MOVES):
        if s.p_moves[i, a, k] >= 0 and s.p_pp[i, a, k] > 0:
            return k
    return -1


@kernel
def _enemy_move(s, i, w):
    """Wild monsters pick at random; trainers pick the strongest hit 3 times in 4."""
    k = s.e_active[i]
    moves = s.e_moves[i, k]
    n = 0
    for m in range(C.MAX_MOVES):
        if moves[m] >= 0:
            n += 1
    if n == 0:
        return -1
    if s.battle[i] == C.TRAINER_BATTLE and rand_float(s, i) < 0.75:
        best, best_v = moves[0], -1.0
        target = s.p_species[i, s.active[i]]
        for m in range(n):
            v = w.move_power[moves[m]] * effectiveness(w, moves[m], target)
            if v > best_v:
                best, best_v = moves[m], v
        return best
    return moves[rand_int(s, i, n)]


@kernel
def _player_attacks(s, i, w, slot):
    move = s.p_moves[i, s.active[i], slot] if slot >= 0 else -1
    if slot >= 0:
        s.p_pp[i, s.active[i], slot] -= 1
    _hit(s, i, w, 0, move)


@kernel
def _enemy_attacks(s, i, w):
    _hit(s, i, w, 1, _enemy_move(s, i, w))


@kernel
def _hit(s, i, w, side, move):
    """``side`` 0: the player's active monster hits the foe; 1: the other way round."""
    a, k = s.active[i], s.e_active[i]
    p_sp, p_lv, e_sp, e_lv = s.p_species[i, a], s.p_level[i, a], s.e_species[i, k], s.e_level[i, k]
    say(s, i, C.MSG_USE_MOVE, side, move)
    if side == 0:
        dmg = damage(s, i, w, p_sp, p_lv, e_sp, e_lv, move)
    else:
        dmg = damage(s, i, w, e_sp, e_lv, p_sp, p_lv, move)
    if dmg < 0:
        say(s, i, C.MSG_MISS, side, 0)
        return
    if side == 0:
        s.e_hp[i, k] = max(0, s.e_hp[i, k] - dmg)
    else:
        s.p_hp[i, a] = max(0, s.p_hp[i, a] - dmg)
    say(s, i, C.MSG_DAMAGE, 1 - side, dmg)


@kernel
def battle_turn(s, i, w, action):
    """One battle action of env i. Returns True when the champion was beaten."""
    wild = s.battle[i] == C.WILD
    if action < 4:
        slot = _player_move(s, i, action)
        a, k = s.active[i], s.e_active[i]
        if acts_first(w, s.p_species[i, a], s.p_level[i, a], s.e_species[i, k], s.e_level[i, k]):
            _player_attacks(s, i, w, slot)
            if s.e_hp[i, k] > 0:
                _enemy_attacks(s, i, w)
        else:
            _enemy_attacks(s, i, w)
            if s.p_hp[i, a] > 0:
                _player_attacks(s, i, w, slot)
    elif action == C.A:
        if not wild:
            say(s, i, C.MSG_CANT, C.CANT_TRAINER_BALL, 0)
            return False
        if s.balls[i] <= 0:
            say(s, i, C.MSG_CANT, C.CANT_NO_BALLS, 0)
            return False
        if _throw_ball(s, i, w):
            return False
        _enemy_attacks(s, i, w)
    elif action == C.B:
        if not wild:
            say(s, i, C.MSG_CANT, C.CANT_TRAINER_RUN, 0)
            return False
        if _try_run(s, i, w):
            return False
        _enemy_attacks(s, i, w)
    elif action == C.START:
        nxt = next_healthy(s, i)
        if nxt < 0:
            say(s, i, C.MSG_CANT, C.CANT_NO_SWITCH, 0)
            return False
        s.active[i] = nxt
        say(s, i, C.MSG_SWITCH, nxt, s.p_species[i, nxt])
        _enemy_attacks(s, i, w)
    return _after_hits(s, i, w)


@kernel
def _throw_ball(s, i, w):
    """Catch chance grows as the target's HP falls. Returns True when caught.

    A catch with a full party still counts (species caught, reward) but the monster goes
    to storage, out of play."""
    s.balls[i] -= 1
    k = s.e_active[i]
    sp = s.e_species[i, k]
    if rand_float(s, i) >= catch_chance(w, sp, s.e_level[i, k], s.e_hp[i, k]):
        say(s, i, C.MSG_CATCH, sp, 0)
        return False
    say(s, i, C.MSG_CATCH, sp, 1)
    if s.caught[i, sp] == 0:
        s.caught[i, sp] = 1
        s.parts[i, R_CATCH] += 1.0
    for slot in range(C.MAX_PARTY):
        if s.p_species[i, slot] < 0:
            lv = s.e_level[i, k]
            s.p_species[i, slot] = sp
            s.p_level[i, slot] = lv
            s.p_exp[i, slot] = exp_for_level(lv)
            s.p_hp[i, slot] = s.e_hp[i, k]
            fill_moves(w, sp, lv, s.p_moves[i, slot], s.p_pp[i, slot])
            level_reward(s, i, w)
            break
    s.battle[i] = C.NO_BATTLE
    return True


@kernel
def catch_chance(w, species, level, hp):
    """Chance that a ball catches a wild ``species`` at ``level`` with ``hp`` left."""
    mhp = stat(w, species, level, 0)
    return w.sp_catch[species] * (3.0 * mhp - 2.0 * hp) / (3.0 * mhp) / 255.0


@kernel
def acts_first(w, species, level, foe_species, foe_level):
    """Whether the player's monster acts before the foe's: the faster one does, and the
    player wins ties."""
    return stat(w, species, level, 3) >= stat(w, foe_species, foe_level, 3)


@kernel
def _try_run(s, i, w):
    a, k = s.active[i], s.e_active[i]
    mine = stat(w, s.p_species[i, a], s.p_level[i, a], 3)
    theirs = stat(w, s.e_species[i, k], s.e_level[i, k], 3)
    p = 1.0 if mine >= theirs else max(0.25, mine / theirs)
    ok = rand_float(s, i) < p
    say(s, i, C.MSG_RUN, 1 if ok else 0, 0)
    if ok:
        s.battle[i] = C.NO_BATTLE
    return ok


@kernel
def _after_hits(s, i, w):
    """Faints, experience, the next foe, victory or blackout."""
    if s.p_hp[i, s.active[i]] <= 0:
        say(s, i, C.MSG_FAINT, 0, s.p_species[i, s.active[i]])
        nxt = next_healthy(s, i)
        if nxt < 0:
            blackout(s, i, w)
            return False
        s.active[i] = nxt
        say(s, i, C.MSG_SWITCH, nxt, s.p_species[i, nxt])
    k = s.e_active[i]
    if s.e_hp[i, k] > 0:
        return False
    say(s, i, C.MSG_FAINT, 1, s.e_species[i, k])
    _gain_exp(s, i, w, k)
    if k + 1 < s.e_count[i]:
        s.e_active[i] = k + 1
        say(s, i, C.MSG_NEXT_FOE, s.e_species[i, k + 1], s.e_level[i, k + 1])
        return False
    return _win(s, i, w)


@kernel
def _win(s, i, w):
    s.battle[i] = C.NO_BATTLE
    e = s.b_trainer[i]
    if e < 0:
        say(s, i, C.MSG_WIN, -1, 0)
        return False
    set_event(s, i, w.ent_event[e])
    s.money[i] += w.ent_money[e]
    say(s, i, C.MSG_WIN, e, w.ent_money[e])
    if w.ent_kind[e] == C.E_LEADER:
        bit = 1 << (w.ent_badge[e] - 1)
        if (s.badges[i] & bit) == 0:
            s.badges[i] |= bit
            s.parts[i, R_BADGE] += 1.0
        say(s, i, C.MSG_BADGE, w.ent_badge[e], badge_count(s, i))
    if w.ent_kind[e] == C.E_CHAMPION:
        s.champion[i] = 1
        s.parts[i, R_CHAMPION] += 1.0
        say(s, i, C.MSG_CHAMPION, 0, 0)
        return True
    return False


@kernel
def _gain_exp(s, i, w, k):
    """The active monster gains experience; levels up, learns and evolves."""
    a = s.active[i]
    gain = w.sp_exp[s.e_species[i, k]] * s.e_level[i, k] // 5
    if s.battle[i] == C.TRAINER_BATTLE:
        gain = gain * 3 // 2
    s.p_exp[i, a] += gain
    while s.p_level[i, a] < 100 and s.p_exp[i, a] >= exp_for_level(s.p_level[i, a] + 1):
        level_up(s, i, w, a)
    level_reward(s, i, w)


@kernel
def level_up(s, i, w, a):
    sp = s.p_species[i, a]
    old_max = stat(w, sp, s.p_level[i, a], 0)
    lv = s.p_level[i, a] + 1
    s.p_level[i, a] = lv
    say(s, i, C.MSG_LEVEL, sp, lv)
    if w.sp_evolve_level[sp] > 0 and lv >= w.sp_evolve_level[sp]:
        sp = w.sp_evolve_to[sp]
        say(s, i, C.MSG_EVOLVE, s.p_species[i, a], sp)
        s.p_species[i, a] = sp
    s.p_hp[i, a] += stat(w, sp, lv, 0) - old_max
    start = w.learn_start[sp]
    for j in range(start, start + w.learn_count[sp]):
        if w.learn_level[j] == lv:
            _learn(s, i, w, a, w.learn_move[j])


@kernel
def _learn(s, i, w, a, move):
    """A new move fills an empty slot, else replaces the weakest known move."""
    weakest, weakest_p = -1, 1 << 30
    for m in range(C.MAX_MOVES):
        mv = s.p_moves[i, a, m]
        if mv == move:
            return
        if mv < 0:
            weakest, weakest_p = m, -1
            break
        if w.move_power[mv] < weakest_p:
            weakest, weakest_p = m, w.move_power[mv]
    if weakest_p >= w.move_power[move]:
        return
    s.p_moves[i, a, weakest] = move
    s.p_pp[i, a, weakest] = w.move_pp[move]
    say(s, i, C.MSG_LEARN, s.p_species[i, a], move)


@kernel
def blackout(s, i, w):
    """Every monster fainted: back to the last healer, healed, half the money lost."""
    s.battle[i] = C.NO_BATTLE
    s.blackouts[i] += 1
    s.parts[i, R_BLACKOUT] -= 1.0
    s.money[i] //= 2
    s.map[i], s.x[i], s.y[i] = s.heal_map[i], s.heal_x[i], s.heal_y[i]
    heal_party(s, i, w)
    s.active[i] = 0
    say(s, i, C.MSG_BLACKOUT, 0, 0)
