"""Path planning for the gridmon oracle: the world's move graph and distance fields.

The graph has one node per cell of the world (the global cell index of world.py) and one
edge per arrow press that moves the player: plain steps, ledge hops (one-way, landing one
tile below), bushes (cut first) and warps (the edge leads to the warp's destination).
Which edges exist depends on a few bits of game state -- the swim and cut key items, the
badge count (guards), the events (items taken, bushes cut) -- so a `Moves` table is built
per such *signature* and cached. Costs count steps, plus penalties for tall grass (wild
battles slow travel) and for the sight lines of unbeaten trainers (a fight).

Routes are distance fields: ``field_to(goals)`` gives every cell's cost to the nearest goal
(a Dijkstra over reversed edges, compiled), so following a route is a lookup per step and
survives interruptions (battles, blackouts) without re-planning.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..core import constants as C
from ..core.jit import kernel
from ..world.model import World

INF = 1 << 30
GRASS_COST = 1  # extra cost of a grass step when travelling: wild battles slow the trip
WATCH_COST = 15  # extra cost of stepping into an unbeaten trainer's sight: a fight
BUSH_COST = 2  # face the bush and press A before the step
CUT, SWIM = C.ABILITY_CUT, C.ABILITY_SWIM
FIGHTERS = (C.E_TRAINER, C.E_LEADER, C.E_CHAMPION)


@kernel
def _heap_push(keys, nodes, size, key, node):
    j = size
    while j > 0:
        parent = (j - 1) >> 1
        if keys[parent] <= key:
            break
        keys[j], nodes[j] = keys[parent], nodes[parent]
        j = parent
    keys[j], nodes[j] = key, node
    return size + 1


@kernel
def _heap_pop(keys, nodes, size):
    """Remove the root (read it before calling); returns the new size."""
    size -= 1
    key, node = keys[size], nodes[size]
    j = 0
    while True:
        child = 2 * j + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[j], nodes[j] = keys[child], nodes[child]
        j = child
    if size > 0:
        keys[j], nodes[j] = key, node
    return size


@kernel
def dijkstra(ptr, nbr, cost, sources, dist, heap_keys, heap_nodes):
    """Multi-source shortest paths over a CSR graph (edges of node u: ptr[u]:ptr[u+1]).

    Writes ``dist`` (num_nodes,) int32, INF where unreachable. The heap arrays need room
    for len(sources) + num_edges entries. Allocates nothing.
    """
    for u in range(dist.shape[0]):
        dist[u] = INF
    size = 0
    for s in sources:
        if dist[s] != 0:
            dist[s] = 0
            size = _heap_push(heap_keys, heap_nodes, size, np.int64(0), np.int32(s))
    while size > 0:
        d, u = heap_keys[0], heap_nodes[0]
        size = _heap_pop(heap_keys, heap_nodes, size)
        if d > dist[u]:
            continue
        for e in range(ptr[u], ptr[u + 1]):
            v = nbr[e]
            nd = np.int64(d + cost[e])
            if nd < dist[v]:
                dist[v] = nd
                size = _heap_push(heap_keys, heap_nodes, size, nd, np.int32(v))


class WorldGraph:
    """The static geometry of a world's cells, and the per-signature `Moves` tables."""

    def __init__(self, world: World, cache_size: int = 16):
        self.world = world
        n = world.num_cells
        self.num_cells = n
        sizes = (world.map_w * world.map_h).astype(np.int64)
        self.cell_map = np.repeat(np.arange(world.num_maps, dtype=np.int32), sizes)
        local = np.arange(n) - world.map_off[self.cell_map]
        width = world.map_w[self.cell_map]
        self.cell_x = (local % width).astype(np.int32)
        self.cell_y = (local // width).astype(np.int32)
        self.nb = np.full((n, 4), -1, np.int32)  # neighbour cell in the same map, -1 off-map
        height = world.map_h[self.cell_map]
        for d, (dx, dy) in enumerate(C.DIRS):
            nx, ny = self.cell_x + dx, self.cell_y + dy
            ok = (nx >= 0) & (ny >= 0) & (nx < width) & (ny < height)
            self.nb[ok, d] = world.map_off[self.cell_map[ok]] + ny[ok] * width[ok] + nx[ok]
        ent = world.ent
        self.warp_dest = np.full(n, -1, np.int32)
        warps = np.flatnonzero(ent["kind"] == C.E_WARP)
        dm = ent["dest_map"][warps]
        self.warp_dest[ent["cell"][warps]] = (
            world.map_off[dm] + ent["dest_y"][warps] * world.map_w[dm] + ent["dest_x"][warps]
        )
        self.grass = world.cell_tile == C.GRASS
        floor = world.map_floor[self.cell_map]
        self._floor = floor
        gone = np.flatnonzero(np.isin(ent["kind"], [C.E_ITEM, C.E_BUSH]))
        self._gone_cells, self._gone_events = ent["cell"][gone], ent["event"][gone]
        guards = np.flatnonzero(ent["kind"] == C.E_GUARD)
        self._guard_cells, self._guard_need = ent["cell"][guards], ent["need"][guards]
        watch = world.cell_watch
        self._watched = np.flatnonzero(watch >= 0)
        self._watch_event = ent["event"][watch[self._watched]]
        self._cache: OrderedDict[bytes, Moves] = OrderedDict()
        self._cache_size = cache_size

    def cell(self, m: int, x: int, y: int) -> int:
        w = self.world
        return int(w.map_off[m]) + y * int(w.map_w[m]) + x

    def moves(self, keys: int, n_badges: int, events: np.ndarray) -> Moves:
        """The move table for this game state (cached by its signature)."""
        abilities = 0
        for k, ab in enumerate(self.world.key_ability):
            if ab >= 0 and (keys >> k) & 1:
                abilities |= 1 << int(ab)
        sig = bytes([abilities, n_badges]) + events.tobytes()
        hit = self._cache.get(sig)
        if hit is not None:
            self._cache.move_to_end(sig)
            return hit
        mv = Moves(self, bool(abilities >> SWIM & 1), bool(abilities >> CUT & 1), n_badges, events)
        self._cache[sig] = mv
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return mv


class Moves:
    """Every cell's four arrow moves for one game-state signature.

    ``final[c, d]``: where the player ends up after pressing arrow d on cell c (-1: it only
    turns); ``land[c, d]``: the cell stepped on (before a warp moves the player on);
    ``cut[c, d]``: the step needs the bush ahead cut first; ``cost[c, d]``: the edge cost.
    """

    def __init__(self, g: WorldGraph, swim: bool, cut: bool, n_badges: int, events: np.ndarray):
        w = g.world
        n = g.num_cells
        tile = w.cell_tile.astype(np.int32)
        taken = events[g._gone_events] != 0
        tile[g._gone_cells[taken]] = g._floor[g._gone_cells[taken]]
        open_guard = g._guard_need <= n_badges
        tile[g._guard_cells[open_guard]] = g._floor[g._guard_cells[open_guard]]
        walk = np.isin(tile, C.WALKABLE)
        if swim:
            walk |= tile == C.WATER
        self.watched = np.zeros(n, np.bool_)  # an unbeaten trainer sees the cell
        self.watched[g._watched[events[g._watch_event] == 0]] = True
        self.watched[g.warp_dest >= 0] = False  # a warp moves the player before sight
        land = np.full((n, 4), -1, np.int32)
        self.cut = np.zeros((n, 4), np.bool_)
        for d in range(4):
            t = g.nb[:, d]
            tt = np.where(t >= 0, tile[t], C.VOID)
            direct = (t >= 0) & walk[t]
            land[direct, d] = t[direct]
            if d == C.DOWN:
                ledge = np.flatnonzero(tt == C.LEDGE)
                below = g.nb[t[ledge], C.DOWN]
                ok = (below >= 0) & (tile[below] != C.LEDGE) & walk[below]
                land[ledge[ok], d] = below[ok]
            if cut:
                bush = tt == C.BUSH
                land[bush, d] = t[bush]
                self.cut[bush, d] = True
        safe = np.maximum(land, 0)
        dest = g.warp_dest[safe]
        self.final = np.where((land >= 0) & (dest >= 0), dest, land).astype(np.int32)
        self.land = land
        self.cost = (
            1 + BUSH_COST * self.cut + GRASS_COST * g.grass[safe] + WATCH_COST * self.watched[safe]
        ).astype(np.int32)
        self.tile = tile
        self._g = g
        self._fwd = self._rev = None
        self._fields: OrderedDict = OrderedDict()

    def _csr(self, reverse: bool):
        src, d = np.nonzero(self.final >= 0)
        dst = self.final[src, d]
        cost = self.cost[src, d]
        if reverse:
            src, dst = dst, src
            order = np.argsort(src, kind="stable")
            src, dst, cost = src[order], dst[order], cost[order]
        n = self._g.num_cells
        ptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=ptr[1:])
        heap = len(dst) + n
        return (
            ptr,
            dst.astype(np.int32),
            cost.astype(np.int32),
            np.zeros(heap, np.int64),
            np.zeros(heap, np.int32),
        )

    def field_to(self, key, goals) -> np.ndarray:
        """(num_cells,) int32 cost from every cell to the nearest goal cell (cached by key).

        ``goals`` is a sequence of cells, or a callable that takes these Moves and returns
        one (called on a cache miss only).
        """
        hit = self._fields.get(key)
        if hit is not None:
            return hit
        if self._rev is None:
            self._rev = self._csr(reverse=True)
        cells = goals(self) if callable(goals) else goals
        ptr, nbr, cost, hk, hn = self._rev
        dist = np.empty(self._g.num_cells, np.int32)
        dijkstra(ptr, nbr, cost, np.asarray(cells, np.int64), dist, hk, hn)
        self._fields[key] = dist
        if len(self._fields) > 16:
            self._fields.popitem(last=False)
        return dist

    def field_from(self, cell: int) -> np.ndarray:
        """(num_cells,) int32 cost of reaching every cell from ``cell``."""
        if self._fwd is None:
            self._fwd = self._csr(reverse=False)
        ptr, nbr, cost, hk, hn = self._fwd
        dist = np.empty(self._g.num_cells, np.int32)
        dijkstra(ptr, nbr, cost, np.array([cell], np.int64), dist, hk, hn)
        return dist

    def step_toward(self, field: np.ndarray, cell: int) -> int:
        """The arrow that goes down the field from ``cell`` (-1 when none does)."""
        best, best_v = -1, INF
        for d in range(4):
            f = self.final[cell, d]
            if f >= 0 and field[f] < field[cell]:
                v = int(self.cost[cell, d]) + int(field[f])
                if v < best_v:
                    best, best_v = d, v
        return best


class Knowledge:
    """What the oracle knows about a world, precomputed once: the milestones' objectives
    (the leader, champion or item giver of each), the fighters' parties, the cells next to
    every entity, healers, shops, items to pick up and the grass to grind in."""

    def __init__(self, world: World):
        w = self.world = world
        g = self.graph = WorldGraph(w)
        ent = w.ent
        kind = ent["kind"]
        self.objective = [self._objective(ms) for ms in w.milestones]
        self.fighter_party = {}  # fighter -> [(species, level)]
        for e in np.flatnonzero(np.isin(kind, FIGHTERS)):
            s = slice(ent["party_start"][e], ent["party_start"][e] + ent["party_count"][e])
            self.fighter_party[int(e)] = list(
                zip(w.party_species[s].tolist(), w.party_level[s].tolist())
            )
        self.fighter_level = {e: max(lv for _, lv in p) for e, p in self.fighter_party.items()}
        self.adj = {e: self._adjacent(e) for e in range(len(kind))}
        healers = np.flatnonzero(kind == C.E_HEAL)
        self.heal_cells = np.unique(
            np.concatenate([self.adj[int(e)] for e in healers] or [np.zeros(0, np.int64)])
        )
        self.shops: dict[int, list[int]] = {}
        for e in np.flatnonzero(kind == C.E_SHOP):
            self.shops.setdefault(int(ent["map"][e]), []).append(int(e))
        for shops in self.shops.values():  # potions first: they save trips to the healer
            shops.sort(key=lambda e: ent["item"][e] != C.I_POTION)
        gifts = (kind == C.E_ITEM) | ((kind == C.E_NPC) & (ent["event"] >= 0))
        self.pickups = np.flatnonzero(gifts)
        self.pickup_adj = self._adjacent_table(self.pickups)
        self.pickup_need = np.maximum(ent["need"][self.pickups], 0)
        self.pickup_event = ent["event"][self.pickups]
        self._grind_spots(w, g)
        self._upcoming_foes(w)

    def _objective(self, ms: str) -> int:
        ent, w = self.world.ent, self.world
        if ms == "champion":
            hits = ent["kind"] == C.E_CHAMPION
        elif ms.startswith("badge_"):
            hits = (ent["kind"] == C.E_LEADER) & (ent["badge"] == int(ms[6:]))
        else:
            item = C.FIRST_KEY_ITEM + w.key_names.index(ms)
            hits = np.isin(ent["kind"], [C.E_ITEM, C.E_NPC]) & (ent["item"] == item)
        return int(np.flatnonzero(hits)[0])

    def _adjacent_table(self, ents: np.ndarray) -> np.ndarray:
        """(len(ents), 4) cells next to each entity, -1 padded."""
        table = np.full((len(ents), 4), -1, np.int64)
        for r, e in enumerate(ents):
            cells = self.adj[int(e)]
            table[r, : len(cells)] = cells
        return table

    def _adjacent(self, e: int) -> np.ndarray:
        nb = self.graph.nb[int(self.world.ent["cell"][e])]
        return nb[nb >= 0].astype(np.int64)

    def _grind_spots(self, w, g: WorldGraph) -> None:
        """Per map with encounters: mean and top wild level and its grass cells that have
        a grass neighbour (so the oracle can pace back and forth)."""
        grass_nb = np.zeros(g.num_cells, np.bool_)
        for d in range(4):
            t = g.nb[:, d]
            grass_nb |= (t >= 0) & g.grass[np.maximum(t, 0)]
        self.grind_map = np.where(g.grass & grass_nb, g.cell_map, -1).astype(np.int32)
        self.spots = []  # (map, mean level, top level, cells)
        for m in range(w.num_maps):
            n, s = int(w.map_enc_count[m]), int(w.map_enc_start[m])
            cells = np.flatnonzero(self.grind_map == m)
            if n == 0 or w.map_enc_rate[m] <= 0 or len(cells) == 0:
                continue
            cum = w.enc_cumw[s : s + n]
            weight = np.diff(np.concatenate([[0.0], cum]))
            mean = float((weight * (w.enc_min[s : s + n] + w.enc_max[s : s + n]) / 2).sum())
            self.spots.append((m, mean, int(w.enc_max[s : s + n].max()), cells))
        self.wild_species = np.unique(w.enc_species) if len(w.enc_species) else np.zeros(0)

    def _upcoming_foes(self, w) -> None:
        """Per milestone: the species of the next two leaders/champion from it on."""
        fights = [j for j, e in enumerate(self.objective) if e in self.fighter_level]
        ent = w.ent
        self.foes = []
        for j in range(len(self.objective)):
            nxt = [self.objective[f] for f in fights if f >= j][:2]
            sp = [
                w.party_species[
                    ent["party_start"][e] : ent["party_start"][e] + ent["party_count"][e]
                ]
                for e in nxt
            ]
            self.foes.append(np.unique(np.concatenate(sp)) if sp else np.zeros(0, np.int32))
