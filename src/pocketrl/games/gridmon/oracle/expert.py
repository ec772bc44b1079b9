"""The scripted expert ("oracle") of gridmon: it knows the world and plays it through.

Each env of a batch gets a `_Game`: a Python generator that yields overworld buttons, the
plan written as straight-line code -- for every milestone in the world's order, fetch the
key item or beat the leader / champion; before a fight, grind in grass near the objective
until the lead monster (party slot 0, the *carry*) is ``margin`` levels above the foe's
strongest monster -- or higher, when a forecast of the fight says so, and one level more
after each blackout against it -- then heal and shop; pick up items near the way; catch
wild species that are strong against the next leaders. In a battle `act` asks the
`BattlePolicy` (battle.py) instead and the generator waits. Routes come from
cached distance fields (path.py), so a battle or a blackout needs no re-planning.

The oracle reads the game only through ``env.arrays`` (the state) and ``env.world``.
"""

from __future__ import annotations

import random
import time

import numpy as np

from ..config import GridmonConfig
from ..core import constants as C
from ..env import GridmonEnv
from .battle import BattlePolicy, hp_left_after, max_hp, strong_against
from .path import INF, Knowledge

ARRIVED, STOPPED, BLACKOUT, NEED_HEAL, UNREACHABLE = range(5)
POTION_AT = 0.5  # use potions on the map while the carry is below this share of its HP
HEAL_AT = 0.25  # ... and visit a healer below this share when no potion is left
READY = 0.5  # HP share the carry needs before walking into a trainer's sight
READY_BOSS = 0.9  # ... and into the sight of the leader or champion it came for
PICKUP_DETOUR = 24  # extra steps worth spending on an item near the way
GRIND_STEPS_PER_LEVEL = 15  # route cost that a grind spot's wild level must repay
GRIND_SAFE = 3  # grind where wild monsters are at most this many levels above the carry
CATCH_GAP = 8  # catch wild monsters at most this many levels below the carry
FLEE_LIMIT = 3  # runs from wild battles that end a grind session (to heal, or for good)
REPLAN_LEVELS = 3  # pick the grind spot again after this many levels
KEEP_BALLS, KEEP_POTIONS = 5, 8  # what shops top up to (balls only while catching)
SAFETY = 0.1  # HP share the carry should keep, by the battle forecast, after a boss fight
MAX_EXTRA = 16  # levels above the boss's top level + margin the forecast may ask for


class Oracle:
    """A scripted expert that knows the world; plays every env of a GridmonEnv batch."""

    def __init__(self, env: GridmonEnv, margin: int = 2, seed: int = 0):
        self.env, self.margin, self.seed = env, int(margin), int(seed)
        self.know = Knowledge(env.world)
        self.policy = BattlePolicy(env)
        self._games: list[_Game | None] = [None] * env.num_envs
        self._actions = np.zeros(env.num_envs, np.int64)

    def act(self) -> np.ndarray:
        """(num_envs,) int64 buttons for the envs' current states."""
        a = self.env.arrays
        for i in range(self.env.num_envs):
            game = self._games[i]
            if game is None or a["game_t"][i] == 0:
                game = self._games[i] = _Game(self, i)
            if a["battle"][i] != C.NO_BATTLE:
                k = int(a["e_active"][i])
                foe, level = int(a["e_species"][i, k]), int(a["e_level"][i, k])
                want = a["battle"][i] == C.WILD and game.wants_species(foe, level)
                self._actions[i] = self.policy.action(a, i, want)
                game.fled += int(self._actions[i] == C.B)
            else:
                self._actions[i] = game.next_action()
        return self._actions.copy()


class _Game:
    """One env's playthrough: the plan generator and the state it reads."""

    def __init__(self, oracle: Oracle, i: int):
        self.o, self.i, self.know = oracle, i, oracle.know
        self.world, self.graph = oracle.know.world, oracle.know.graph
        self.a = oracle.env.arrays
        self.rng = random.Random(oracle.seed * 1_000_003 + i)
        self.bonus: dict[int, int] = {}  # objective -> extra levels after blackouts
        self.tried: dict[int, int] = {}  # pickup -> attempts
        self.steps = 0
        self.fled = 0  # B presses in wild battles (runs) since the grind session began
        self.doing = "start"  # what the plan is busy with, for people watching
        self._sig = None
        self._moves = None
        self.plan = self._play()

    # --- reading the state ----------------------------------------------------------------
    def next_action(self) -> int:
        self.steps += 1
        return next(self.plan, C.B)

    def cell(self) -> int:
        a, i = self.a, self.i
        return self.graph.cell(int(a["map"][i]), int(a["x"][i]), int(a["y"][i]))

    def moves(self):
        a, i = self.a, self.i
        sig = (int(a["n_events"][i]), int(a["n_badges"][i]), int(a["keys"][i]))
        if sig != self._sig:
            self._sig = sig
            self._moves = self.graph.moves(sig[2], sig[1], a["events"][i])
        return self._moves

    def carry_frac(self) -> float:
        a, i = self.a, self.i
        return int(a["p_hp"][i, 0]) / max_hp(
            self.o.env.tables, int(a["p_species"][i, 0]), int(a["p_level"][i, 0])
        )

    def blackouts(self) -> int:
        return int(self.a["blackouts"][self.i])

    def done(self, e: int) -> bool:
        ev = int(self.world.ent["event"][e])
        return ev >= 0 and self.a["events"][self.i, ev] != 0

    def milestone(self) -> int:
        """Index of the first milestone not reached yet."""
        reached = self.a["ms_step"][self.i] >= 0
        return int(np.argmin(reached)) if not reached.all() else len(reached) - 1

    def party_size(self) -> int:
        return int((self.a["p_species"][self.i] >= 0).sum())

    def wants_species(self, sp: int, level: int = 100, need_ball: bool = True) -> bool:
        """Catch ``sp`` at ``level``: a species not owned yet that is strong against the
        next fights, not far below the carry, while the party has room for it (a slot per
        badge beyond the first two, so that later, stronger catches find one)."""
        a, i = self.a, self.i
        room = min(C.MAX_PARTY, 2 + int(a["n_badges"][i]))
        if self.party_size() >= room or a["caught"][i, sp]:
            return False
        if level < int(a["p_level"][i, 0]) - CATCH_GAP:
            return False
        if need_ball and a["balls"][i] <= 0:
            return False
        if sp in a["p_species"][i]:
            return False
        return strong_against(self.world, self.o.env.tables, sp, self.know.foes[self.milestone()])

    # --- the plan -----------------------------------------------------------------------
    def _play(self):
        for j, e in enumerate(self.know.objective):
            while self.a["ms_step"][self.i, j] < 0:
                t0 = self.steps
                if e in self.know.fighter_level:
                    yield from self._challenge(e)
                else:
                    yield from self._fetch(e)
                if self.steps == t0:  # nothing to do, nothing done: never spin
                    yield C.B

    def _fetch(self, e: int):
        """Walk to a key item (or the person who gives it) and press A."""
        goals = self.know.adj[e]
        yield from self._pickups(("adj", e), goals)
        self.doing = "fetch"
        yield from self._visit(e)

    def _challenge(self, e: int):
        """Grind to the target level, heal, then walk up to the fighter and fight."""
        goals = self.know.adj[e]
        yield from self._pickups(("adj", e), goals)
        target = self._target_level(e)
        while int(self.a["p_level"][self.i, 0]) < target:
            t0 = self.steps
            ok = yield from self._grind(e, target)
            if not ok:
                break
            if self.steps == t0:
                yield C.B
        if self.carry_frac() < 1.0:
            yield from self._heal()
        bo = self.blackouts()
        self.doing = "challenge"
        yield from self._visit(e, boss=e)
        if self.blackouts() > bo:
            self.bonus[e] = self.bonus.get(e, 0) + 1

    def _target_level(self, e: int) -> int:
        """The carry's level for fighting ``e``: the boss's top level + margin, or more
        when the battle forecast says the carry would not win with SAFETY HP to spare;
        plus one level per blackout against it."""
        a, i, policy = self.a, self.i, self.o.policy
        sp, lv = int(a["p_species"][i, 0]), int(a["p_level"][i, 0])
        moves = [int(m) for m in a["p_moves"][i, 0] if m >= 0]
        base = self.know.fighter_level[e] + self.o.margin
        level = base
        while level < base + MAX_EXTRA:
            sp2, mv2 = policy.grown(sp, lv, moves, level)
            if hp_left_after(policy, sp2, level, mv2, self.know.fighter_party[e]) >= SAFETY:
                break
            level += 1
        return level + self.bonus.get(e, 0)

    # --- moving -------------------------------------------------------------------------
    def _walk(self, key, goals, stop=None, boss=-1, upkeep=True):
        """Walk to the nearest goal cell along the cached field; returns a status.

        Uses potions when the carry is hurt; with ``upkeep`` returns NEED_HEAL when the
        carry should see a healer, including before walking into a trainer's sight with
        too little HP (more for ``boss``, the fighter this walk is for).
        """
        bo = self.blackouts()
        a, i = self.a, self.i
        watch = self.world.cell_watch
        while True:
            if stop is not None and stop():
                return STOPPED
            if self.blackouts() != bo:
                return BLACKOUT
            mv, c = self.moves(), self.cell()
            field = mv.field_to(key, goals)
            if field[c] == 0:
                return ARRIVED
            d = mv.step_toward(field, c) if field[c] < INF else -1
            if d < 0:
                yield C.B
                return UNREACHABLE
            frac = self.carry_frac()
            land = int(mv.land[c, d])
            need = 0.0
            if mv.watched[land]:
                need = READY_BOSS if watch[land] == boss else READY
            if a["potions"][i] > 0 and (frac < POTION_AT or frac < need):
                yield C.START
                continue
            if upkeep and (frac < max(HEAL_AT, need) or a["p_pp"][i, 0].sum() == 0):
                return NEED_HEAL
            if mv.cut[c, d]:  # face the bush, cut it; the next loop steps through
                yield d if a["facing"][i] != d else C.A
                continue
            yield d

    def _press(self, e: int):
        """Face the (blocking) entity next to the player and press A."""
        c, t = self.cell(), int(self.world.ent["cell"][e])
        d = int(np.flatnonzero(self.graph.nb[c] == t)[0])
        if self.a["facing"][self.i] != d:
            yield d
        yield C.A

    def _heal(self):
        """Walk to the nearest healer, heal, and shop in the same building."""
        self.doing = "heal"
        r = yield from self._walk("heal", self.know.heal_cells, upkeep=False)
        if r != ARRIVED:
            return
        c = self.cell()
        for t in self.graph.nb[c]:
            e = int(self.world.cell_entity[t]) if t >= 0 else -1
            if e >= 0 and self.world.ent["kind"][e] == C.E_HEAL:
                yield from self._press(e)
                break
        yield from self._shop()

    def _shop(self):
        a, i = self.a, self.i
        ent = self.world.ent
        self.doing = "shop"
        for e in self.know.shops.get(int(a["map"][i]), []):
            item, price = int(ent["item"][e]), int(ent["price"][e])
            while a["money"][i] >= price and self._wants_item(item):
                r = yield from self._walk(("adj", e), self.know.adj[e], upkeep=False)
                if r != ARRIVED:
                    return
                yield from self._press(e)

    def _wants_item(self, item: int) -> bool:
        a, i = self.a, self.i
        if item == C.I_POTION:
            return a["potions"][i] < KEEP_POTIONS
        if a["balls"][i] >= KEEP_BALLS:
            return False
        return any(self.wants_species(int(sp), need_ball=False) for sp in self.know.wild_species)

    def _detour(self, key, goals, adj: np.ndarray, open_: np.ndarray):
        """(row, extra steps) of the open entity (rows of ``adj``, its cells) cheapest to
        visit on the way to the goal; row -1 when none is open and reachable."""
        mv, c = self.moves(), self.cell()
        to_goal = mv.field_to(key, goals)
        if to_goal[c] >= INF or not open_.any():
            return -1, INF
        from_here = mv.field_from(c).astype(np.int64)
        cost = np.where(adj >= 0, from_here[adj] + to_goal[adj].astype(np.int64), 2 * INF)
        detour = cost.min(axis=1) - int(to_goal[c])
        detour[~open_] = 2 * INF
        r = int(np.argmin(detour))
        return (r, int(detour[r])) if detour[r] < INF else (-1, INF)

    def _visit(self, e: int, boss: int = -1):
        """Walk up to entity ``e`` and press A, unless its event happens on the way."""
        res = yield from self._walk(
            ("adj", e), self.know.adj[e], stop=lambda: self.done(e), boss=boss
        )
        if res == ARRIVED:
            yield from self._press(e)
        elif res == NEED_HEAL:
            yield from self._heal()

    def _pickups(self, key, goals):
        """Take the items and gifts that lie within PICKUP_DETOUR of the way to the goal."""
        know, a, i = self.know, self.a, self.i
        while len(know.pickups):
            open_ = (a["events"][i, know.pickup_event] == 0) & (
                know.pickup_need <= a["n_badges"][i]
            )
            open_ &= np.array([self.tried.get(int(e), 0) < 2 for e in know.pickups])
            r, extra = self._detour(key, goals, know.pickup_adj, open_)
            if r < 0 or extra > PICKUP_DETOUR:
                return
            e = int(know.pickups[r])
            self.doing = "pickup"
            self.tried[e] = self.tried.get(e, 0) + 1
            yield from self._visit(e)

    # --- grinding -----------------------------------------------------------------------
    def _grind(self, e: int, target: int):
        """One grind session near objective ``e`` (until the target, REPLAN_LEVELS levels,
        a heal or a blackout); returns False when grinding cannot help: no usable grass,
        or the carry flees its wild monsters even at full health."""
        m = self._grind_spot(e)
        if m < 0:
            return False
        cells = next(s[3] for s in self.know.spots if s[0] == m)
        self.doing = "to-grass"
        r = yield from self._walk(("grass", m), lambda mv: cells[~mv.watched[cells]])
        if r == NEED_HEAL:
            yield from self._heal()
        if r != ARRIVED:
            return r != UNREACHABLE
        a, i = self.a, self.i
        start, bo, back = int(a["p_level"][i, 0]), self.blackouts(), -1
        self.fled = 0
        while True:
            self.doing = "grind"
            level = int(a["p_level"][i, 0])
            if level >= target or level >= start + REPLAN_LEVELS:
                return True
            if self.blackouts() != bo:
                return True
            frac = self.carry_frac()
            if frac < POTION_AT and a["potions"][i] > 0:
                yield C.START
                continue
            if frac < HEAL_AT or a["p_pp"][i, 0].sum() == 0:
                yield from self._heal()
                return True
            if self.fled >= FLEE_LIMIT:  # the wild monsters here beat the carry as it is
                if frac >= 0.95:
                    return False  # even healthy: grinding here is futile
                yield from self._heal()
                return True
            mv, c = self.moves(), self.cell()
            options = [
                d
                for d in range(4)
                if mv.final[c, d] == mv.land[c, d] >= 0
                and self.know.grind_map[mv.land[c, d]] == m
                and not mv.watched[mv.land[c, d]]
            ]
            if not options:
                return True
            fresh = [d for d in options if mv.land[c, d] != back] or options
            back = c
            yield self.rng.choice(fresh)

    def _grind_spot(self, e: int) -> int:
        """The encounter map whose wild level best repays the detour to it and on to the
        objective; maps with wild monsters far above the carry only as a last resort."""
        mv, c = self.moves(), self.cell()
        from_here = mv.field_from(c).astype(np.int64)
        to_goal = mv.field_to(("adj", e), self.know.adj[e]).astype(np.int64)
        level = int(self.a["p_level"][self.i, 0])
        best, best_score = -1, -np.inf
        for m, mean, top, cells in self.know.spots:
            cells = cells[~mv.watched[cells]]
            if len(cells) == 0:
                continue
            route = int((from_here[cells] + to_goal[cells]).min())
            if route >= INF:
                continue
            score = min(mean, level) - route / GRIND_STEPS_PER_LEVEL
            if top > level + GRIND_SAFE:
                score -= 1000
            if score > best_score:
                best, best_score = m, score
        return best


def run_oracle(
    world: str = "main", num_envs: int = 1, max_steps: int = 30_000, seed: int = 0, margin: int = 2
) -> dict:
    """Play ``num_envs`` games with the oracle until each beat the champion once (or
    ``max_steps`` steps). Returns {"milestones": {name: [game step reached, -1 if not,
    per env]}, "steps": steps taken, "finished": [bool per env], "blackouts": [per env],
    "wall_s": seconds}."""
    t0 = time.perf_counter()
    env = GridmonEnv(
        num_envs, GridmonConfig(world=world, horizon=10**9, on_truncate="continue"), seed=seed
    )
    oracle = Oracle(env, margin=margin, seed=seed)
    a = env.arrays
    n_ms = len(env.milestones)
    reached = np.full((num_envs, n_ms), -1, np.int64)
    blackouts = np.zeros(num_envs, np.int64)
    finished = np.zeros(num_envs, np.bool_)
    steps = 0
    while steps < max_steps and not finished.all():
        before = a["ms_step"].copy()
        t_before, bo_before = a["game_t"].copy(), a["blackouts"].copy()
        _, _, terminated, _, _ = env.step(oracle.act())
        steps += 1
        for i in np.flatnonzero(~finished):
            if terminated[i]:  # the game was reset in the same step: use the last state
                reached[i] = before[i]
                reached[i, -1] = t_before[i] + 1
                blackouts[i] = bo_before[i]
                finished[i] = True
            else:
                reached[i] = a["ms_step"][i]
                blackouts[i] = a["blackouts"][i]
    return {
        "world": world,
        "milestones": {ms: reached[:, j].tolist() for j, ms in enumerate(env.milestones)},
        "steps": steps,
        "finished": finished.tolist(),
        "blackouts": blackouts.tolist(),
        "wall_s": time.perf_counter() - t0,
    }
