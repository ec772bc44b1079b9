"""The battle half of the gridmon oracle: pick a button for one env that is in a battle.

Moves are scored by expected damage (the damage formula of battle.py times accuracy, type
chart and same-type bonus). In trainer battles the policy switches (START, the next healthy
monster) when the active monster is losing its exchange and the next one would win it; in
wild battles it catches wanted species (weakening them first with moves that cannot
knock them out), brings the lead monster back in so it earns the experience, and runs from
exchanges it would lose.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import constants as C
from ..core.battle import STRUGGLE_POWER
from ..world.load import World
from .formulas import max_hp, stat

MEAN_ROLL = 0.925  # mean of the 0.85..1.0 damage roll
CATCH_HP = 0.3  # weaken a wanted wild monster to this share of its HP before throwing
CATCH_NOW = 0.35  # ... unless a ball already catches it with at least this chance
RUN_HP = 0.25  # give up weakening a wanted monster when the active one is below this share


class BattlePolicy:
    """Battle decisions from the env's state arrays and the world's tables."""

    def __init__(self, world: World):
        self.world = world
        self.mon = world.monsters

    # --- damage model ------------------------------------------------------------------
    def effectiveness(self, move: int, species: int) -> float:
        m = self.mon
        t = m.move_type[move]
        e = float(m.chart[t, m.sp_type1[species]])
        if m.sp_type2[species] >= 0:
            e *= float(m.chart[t, m.sp_type2[species]])
        return e

    def _hit(self, att_sp, att_lv, def_sp, def_lv, move) -> tuple[float, float]:
        """(damage before the roll, accuracy) of one hit; move -1 is the typeless strike."""
        m = self.mon
        if move >= 0:
            power, acc = int(m.move_power[move]), int(m.move_acc[move]) / 100.0
            eff = self.effectiveness(move, def_sp)
            if m.move_type[move] in (m.sp_type1[att_sp], m.sp_type2[att_sp]):
                eff *= 1.5
        else:
            power, acc, eff = STRUGGLE_POWER, 1.0, 1.0
        if eff == 0.0:
            return 0.0, acc
        w = self.world
        atk, dfn = stat(w, att_sp, att_lv, 1), stat(w, def_sp, def_lv, 2)
        base = (2.0 * att_lv / 5.0 + 2.0) * power * atk / dfn / 50.0 + 2.0
        return base * eff, acc

    def expected(self, att_sp, att_lv, def_sp, def_lv, move) -> float:
        raw, acc = self._hit(att_sp, att_lv, def_sp, def_lv, move)
        return max(1.0, raw * MEAN_ROLL) * acc if raw > 0 else 0.0

    def most(self, att_sp, att_lv, def_sp, def_lv, move) -> int:
        """The largest damage one hit can do."""
        raw, _ = self._hit(att_sp, att_lv, def_sp, def_lv, move)
        return max(1, int(raw)) if raw > 0 else 0

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
        faster = stat(self.world, sp, lv, 3) >= stat(self.world, esp, elv, 3)
        return t_lose - t_win - (0 if faster else 1)

    # --- decisions -----------------------------------------------------------------------
    def action(self, a: dict, i: int, want_catch: bool, carry: int = 0) -> int:
        """The button for env i (in a battle). ``want_catch``: try to catch a wild foe.
        ``carry``: the party slot that should earn wild experience."""
        act = int(a["active"][i])
        k = int(a["e_active"][i])
        esp, elv = int(a["e_species"][i, k]), int(a["e_level"][i, k])
        if a["battle"][i] == C.WILD:
            return self._wild(a, i, act, esp, elv, want_catch, carry)
        nxt = self._next_healthy(a, i)
        if nxt >= 0 and self.margin(a, i, act, int(a["p_hp"][i, act])) < 0:
            hp_after = int(a["p_hp"][i, nxt]) - int(self.foe_threat(a, i, nxt))
            if self.margin(a, i, nxt, hp_after) >= 0:
                return C.START
        return self.best_slot(a, i, act, esp, elv)[0]

    def _wild(self, a, i, act, esp, elv, want_catch, carry) -> int:
        w = self.world
        hp = int(a["p_hp"][i, act])
        frac = hp / max_hp(w, int(a["p_species"][i, act]), int(a["p_level"][i, act]))
        if want_catch and a["balls"][i] > 0:
            return self._catch(a, i, act, esp, elv, frac)
        carry_hp = int(a["p_hp"][i, carry])
        carry_frac = carry_hp / max_hp(
            w, int(a["p_species"][i, carry]), int(a["p_level"][i, carry])
        )
        if act != carry and carry_frac >= 0.5 and self._next_healthy(a, i) >= 0:
            return C.START  # cycle towards the carry: it should earn the experience
        if self.margin(a, i, act, hp) < 0:  # it would lose this exchange: run
            return C.B
        return self.best_slot(a, i, act, esp, elv)[0]

    def _catch(self, a, i, act, esp, elv, frac) -> int:
        w = self.world
        ehp = int(a["e_hp"][i, int(a["e_active"][i])])
        mhp = max_hp(w, esp, elv)
        chance = int(self.mon.sp_catch[esp]) * (3.0 * mhp - 2.0 * ehp) / (3.0 * mhp) / 255.0
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

    @staticmethod
    def _next_healthy(a: dict, i: int) -> int:
        act = int(a["active"][i])
        for d in range(1, C.MAX_PARTY):
            k = (act + d) % C.MAX_PARTY
            if a["p_species"][i, k] >= 0 and a["p_hp"][i, k] > 0:
                return k
        return -1


def species_types(world: World, species: int) -> tuple[int, ...]:
    m = world.monsters
    t2 = int(m.sp_type2[species])
    return (int(m.sp_type1[species]),) if t2 < 0 else (int(m.sp_type1[species]), t2)


def strong_against(world: World, species: int, defenders: np.ndarray) -> bool:
    """Whether a type of ``species`` hits some defender species super-effectively."""
    chart = world.monsters.chart
    for t in species_types(world, species):
        for d in defenders:
            e = 1.0
            for dt in species_types(world, int(d)):
                e *= float(chart[t, dt])
            if e >= 2.0:
                return True
    return False


def learned_moves(world: World, species: int, level: int) -> list[int]:
    """The last four distinct moves ``species`` learned up to ``level`` (as a foe has)."""
    m = world.monsters
    moves: list[int] = []
    start = int(m.learn_start[species])
    for j in range(start, start + int(m.learn_count[species])):
        if m.learn_level[j] > level:
            break
        mv = int(m.learn_move[j])
        if mv not in moves:
            moves = (moves + [mv])[-C.MAX_MOVES :]
    return moves


def grown(world: World, species: int, level: int, moves: list[int], to_level: int):
    """(species, moves) of a party monster after levelling from ``level`` to ``to_level``:
    the engine's evolution and learning rules (a new move fills an empty slot or replaces
    the weakest known one when stronger)."""
    m = world.monsters
    moves = list(moves)
    for lv in range(level + 1, to_level + 1):
        if m.sp_evolve_level[species] > 0 and lv >= m.sp_evolve_level[species]:
            species = int(m.sp_evolve_to[species])
        start = int(m.learn_start[species])
        for j in range(start, start + int(m.learn_count[species])):
            mv = int(m.learn_move[j])
            if m.learn_level[j] != lv or mv in moves:
                continue
            if len(moves) < C.MAX_MOVES:
                moves.append(mv)
                continue
            weakest = min(range(len(moves)), key=lambda k: m.move_power[moves[k]])
            if m.move_power[moves[weakest]] < m.move_power[mv]:
                moves[weakest] = mv
    return species, moves


def hp_left_after(
    policy: BattlePolicy, species: int, level: int, moves: list[int], foes: list[tuple[int, int]]
) -> float:
    """Share of its HP a monster keeps after beating ``foes`` (species, level) one by one
    with its best move, all hits at their expected damage; <= 0 when it loses."""
    w = policy.world
    full = max_hp(w, species, level)
    hp = float(full)
    spd = stat(w, species, level, 3)
    for fs, fl in foes:
        ours = max((policy.expected(species, level, fs, fl, mv) for mv in moves), default=0.0)
        theirs = [
            policy.expected(fs, fl, species, level, mv) for mv in learned_moves(w, fs, fl)
        ] or [0.0]
        threat = 0.75 * max(theirs) + 0.25 * sum(theirs) / len(theirs)
        turns = math.ceil(max_hp(w, fs, fl) / max(ours, 1e-6))
        hits = turns - 1 if spd >= stat(w, fs, fl, 3) else turns
        hp -= hits * threat
        if hp <= 0:
            return hp / full
    return hp / full
