"""The battle half of the gridmon oracle: pick a button for one env that is in a battle.

Moves are scored by expected damage: the compiled damage before the roll (core/battle.py
``hit_base``: type chart, same-type bonus, stats) at the mean roll, times accuracy. In
trainer battles the policy switches (START, the next healthy monster) when the active
monster is losing its exchange and the next one would win it; in wild battles it catches
wanted species (weakening them first with moves that cannot knock them out), brings the
lead monster back in so it earns the experience, and runs from exchanges it would lose.

Every game rule used here is the compiled one (core/rules.py, core/battle.py), called on
the env's packed tables ``env.tables``; growth forecasts run the engine's ``level_up`` on a
one-env scratch state. Only the decision heuristics (mean roll, thresholds) live here.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import constants as C
from ..core.battle import acts_first, catch_chance, hit_base, level_up, next_healthy, rolled
from ..core.rules import learned_moves, stat, type_effectiveness
from ..core.state import make_state_tuple

MEAN_ROLL = 0.925  # mean of the damage roll: ROLL_LOW + ROLL_SPAN / 2 (core/battle.py)
CATCH_HP = 0.3  # weaken a wanted wild monster to this share of its HP before throwing
CATCH_NOW = 0.35  # ... unless a ball already catches it with at least this chance
RUN_HP = 0.25  # give up weakening a wanted monster when the active one is below this share


def max_hp(tables, species: int, level: int) -> int:
    """The HP stat of ``species`` at ``level`` (core/rules.py ``stat``, k = 0)."""
    return int(stat(tables, species, level, 0))


class BattlePolicy:
    """Battle decisions for the envs of one GridmonEnv, from its state arrays (the ``a``
    the methods take is ``env.arrays``) and its packed world tables."""

    def __init__(self, env):
        self.world, self.tables, self.state = env.world, env.tables, env.state
        self.mon = env.world.monsters
        # One env's rows for forecasts that run the engine's own rules (see `grown`).
        self._scratch = make_state_tuple({k: np.zeros_like(v[:1]) for k, v in env.arrays.items()})
        self._row = np.zeros(C.MAX_MOVES, np.int32)

    # --- damage model ------------------------------------------------------------------
    def expected(self, att_sp, att_lv, def_sp, def_lv, move) -> float:
        """Mean damage of one hit, misses included; move -1 is the typeless strike."""
        base = hit_base(self.tables, att_sp, att_lv, def_sp, def_lv, move)
        acc = int(self.mon.move_acc[move]) / 100.0 if move >= 0 else 1.0
        return max(1.0, base * MEAN_ROLL) * acc if base > 0 else 0.0

    def most(self, att_sp, att_lv, def_sp, def_lv, move) -> int:
        """The largest damage one hit can do."""
        return int(rolled(hit_base(self.tables, att_sp, att_lv, def_sp, def_lv, move), 1.0))

    def foe_moves(self, species: int, level: int) -> list[int]:
        """The moves a foe of ``species`` at ``level`` has (the last four it learned)."""
        learned_moves(self.tables, species, level, self._row)
        return [int(mv) for mv in self._row if mv >= 0]

    def grown(self, species: int, level: int, moves: list[int], to_level: int):
        """(species, moves) of a party monster after levelling from ``level`` to
        ``to_level``: the engine's level_up (evolution, learning) run on a scratch env."""
        s = self._scratch
        s.p_species[0, 0], s.p_level[0, 0] = species, level
        s.p_moves[0, 0] = -1
        s.p_moves[0, 0, : len(moves)] = moves
        while s.p_level[0, 0] < to_level:
            s.n_msgs[0] = 0
            level_up(s, 0, self.tables, 0)
        return int(s.p_species[0, 0]), [int(mv) for mv in s.p_moves[0, 0] if mv >= 0]

    def best_slot(self, a: dict, i: int, slot: int, foe_sp: int, foe_lv: int):
        """(move slot, expected damage) of party monster ``slot``'s best usable move."""
        sp, lv = int(a["p_species"][i, slot]), int(a["p_level"][i, slot])
        best, best_v = 0, -1.0
        for k in range(C.MAX_MOVES):
            mv = int(a["p_moves"][i, slot, k])
            if mv >= 0 and a["p_pp"][i, slot, k] > 0:
                v = self.expected(sp, lv, foe_sp, foe_lv, mv)
                if v > best_v:
                    best, best_v = k, v
        if best_v < 0:  # no PP anywhere: every button hits with the weak typeless strike
            return 0, self.expected(sp, lv, foe_sp, foe_lv, -1)
        return best, best_v

    def foe_threat(self, a: dict, i: int, slot: int) -> float:
        """Expected damage of the foe's strongest move on party monster ``slot``."""
        k = int(a["e_active"][i])
        esp, elv = int(a["e_species"][i, k]), int(a["e_level"][i, k])
        sp, lv = int(a["p_species"][i, slot]), int(a["p_level"][i, slot])
        moves = [int(mv) for mv in a["e_moves"][i, k] if mv >= 0] or [-1]
        return max(self.expected(esp, elv, sp, lv, mv) for mv in moves)

    def margin(self, a: dict, i: int, slot: int, hp: int) -> float:
        """Turns to spare when party monster ``slot`` (with ``hp``) trades hits with the
        foe: >= 0 means it knocks the foe out first."""
        if hp <= 0:
            return -math.inf
        k = int(a["e_active"][i])
        esp, elv, ehp = int(a["e_species"][i, k]), int(a["e_level"][i, k]), int(a["e_hp"][i, k])
        sp, lv = int(a["p_species"][i, slot]), int(a["p_level"][i, slot])
        _, ours = self.best_slot(a, i, slot, esp, elv)
        theirs = self.foe_threat(a, i, slot)
        t_win = math.ceil(ehp / max(ours, 1e-6))
        t_lose = math.ceil(hp / theirs) if theirs > 0 else math.inf
        return t_lose - t_win - (0 if acts_first(self.tables, sp, lv, esp, elv) else 1)

    # --- decisions -----------------------------------------------------------------------
    def action(self, a: dict, i: int, want_catch: bool, carry: int = 0) -> int:
        """The button for env i (in a battle). ``want_catch``: try to catch a wild foe.
        ``carry``: the party slot that should earn wild experience."""
        act = int(a["active"][i])
        k = int(a["e_active"][i])
        esp, elv = int(a["e_species"][i, k]), int(a["e_level"][i, k])
        if a["battle"][i] == C.WILD:
            return self._wild(a, i, act, esp, elv, want_catch, carry)
        nxt = next_healthy(self.state, i)
        if nxt >= 0 and self.margin(a, i, act, int(a["p_hp"][i, act])) < 0:
            hp_after = int(a["p_hp"][i, nxt]) - int(self.foe_threat(a, i, nxt))
            if self.margin(a, i, nxt, hp_after) >= 0:
                return C.START
        return self.best_slot(a, i, act, esp, elv)[0]

    def _wild(self, a, i, act, esp, elv, want_catch, carry) -> int:
        w = self.tables
        hp = int(a["p_hp"][i, act])
        frac = hp / max_hp(w, int(a["p_species"][i, act]), int(a["p_level"][i, act]))
        if want_catch and a["balls"][i] > 0:
            return self._catch(a, i, act, esp, elv, frac)
        carry_hp = int(a["p_hp"][i, carry])
        carry_frac = carry_hp / max_hp(
            w, int(a["p_species"][i, carry]), int(a["p_level"][i, carry])
        )
        if act != carry and carry_frac >= 0.5 and next_healthy(self.state, i) >= 0:
            return C.START  # cycle towards the carry: it should earn the experience
        if self.margin(a, i, act, hp) < 0:  # it would lose this exchange: run
            return C.B
        return self.best_slot(a, i, act, esp, elv)[0]

    def _catch(self, a, i, act, esp, elv, frac) -> int:
        ehp = int(a["e_hp"][i, int(a["e_active"][i])])
        mhp = max_hp(self.tables, esp, elv)
        chance = catch_chance(self.tables, esp, elv, ehp)
        if chance >= CATCH_NOW or ehp <= CATCH_HP * mhp or frac < RUN_HP:
            return C.A
        sp, lv = int(a["p_species"][i, act]), int(a["p_level"][i, act])
        best, best_v = -1, 0.0
        for k in range(C.MAX_MOVES):
            mv = int(a["p_moves"][i, act, k])
            if mv < 0 or a["p_pp"][i, act, k] <= 0:
                continue
            if self.most(sp, lv, esp, elv, mv) < ehp:
                v = self.expected(sp, lv, esp, elv, mv)
                if v > best_v:
                    best, best_v = k, v
        return best if best >= 0 else C.A


def species_types(world, species: int) -> tuple[int, ...]:
    m = world.monsters
    t2 = int(m.sp_type2[species])
    return (int(m.sp_type1[species]),) if t2 < 0 else (int(m.sp_type1[species]), t2)


def strong_against(world, tables, species: int, defenders: np.ndarray) -> bool:
    """Whether a type of ``species`` hits some defender species super-effectively."""
    for t in species_types(world, species):
        for d in defenders:
            if type_effectiveness(tables, t, int(d)) >= 2.0:
                return True
    return False


def hp_left_after(
    policy: BattlePolicy, species: int, level: int, moves: list[int], foes: list[tuple[int, int]]
) -> float:
    """Share of its HP a monster keeps after beating ``foes`` (species, level) one by one
    with its best move, all hits at their expected damage; <= 0 when it loses."""
    t = policy.tables
    full = max_hp(t, species, level)
    hp = float(full)
    for fs, fl in foes:
        ours = max((policy.expected(species, level, fs, fl, mv) for mv in moves), default=0.0)
        theirs = [policy.expected(fs, fl, species, level, mv) for mv in policy.foe_moves(fs, fl)]
        theirs = theirs or [0.0]
        threat = 0.75 * max(theirs) + 0.25 * sum(theirs) / len(theirs)
        turns = math.ceil(max_hp(t, fs, fl) / max(ours, 1e-6))
        hits = turns - 1 if acts_first(t, species, level, fs, fl) else turns
        hp -= hits * threat
        if hp <= 0:
            return hp / full
    return hp / full
