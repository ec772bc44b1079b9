"""Write one env's observation into the batch buffers (compiled).

Observation of one env (all fixed shapes):

- ``tiles``   (9, 10) uint8: tile ids (constants.VOID..GUARD) around the player, who
  stands at row 4, column 4; cells outside the map are VOID.
- ``visited`` (9, 10) uint8: 1 where the cell is in this episode's exploration memory.
- ``map_id``  (1,) uint8: the current map.
- ``species`` (7,) uint8: party slots 1-6 then the active foe; species id + 1, 0 = none.
- ``state``   (STATE_SIZE,) float32, in blocks (offsets below):
  badges (8 bits) | key items (8 bits) | party levels / 50 (6) | party HP fraction (6) |
  active slot one-hot (6) | party primary type one-hot (6 x 12) | battle mode one-hot
  (none, wild, trainer) | foe level / 50 | foe HP fraction | foe type one-hot (12) |
  foes left / 6 | per move slot of the active monster: present, power / 100, PP fraction,
  effectiveness x same-type bonus on the foe / 3 (4 x 4) | money (log10(1+m) / 6) |
  balls / 20 | potions / 20 (capped at 1) | facing one-hot (4) | x / width, y / height |
  episode progress t / horizon (0 with ``observe_clock = false``).
"""

from __future__ import annotations

import math

from . import constants as C
from .jit import kernel
from .rules import effectiveness, stat, tile_at

O_BADGES = 0
O_KEYS = O_BADGES + 8
O_LEVELS = O_KEYS + 8
O_HP = O_LEVELS + C.MAX_PARTY
O_ACTIVE = O_HP + C.MAX_PARTY
O_TYPES = O_ACTIVE + C.MAX_PARTY
O_BATTLE = O_TYPES + C.MAX_PARTY * C.MAX_TYPES
O_FOE = O_BATTLE + 3  # level, hp fraction, type one-hot (12), foes left
O_MOVES = O_FOE + 3 + C.MAX_TYPES
O_ITEMS = O_MOVES + 4 * C.MAX_MOVES  # money, balls, potions
O_FACING = O_ITEMS + 3
O_POS = O_FACING + 4
O_TIME = O_POS + 2
STATE_SIZE = O_TIME + 1


@kernel
def write_obs(s, i, w, tiles, visited, map_id, species, state):
    m = s.map[i]
    px, py = s.x[i], s.y[i]
    mw = w.map_w[m]
    off = w.map_off[m]
    for r in range(C.VIEW_H):
        y = py + r - C.VIEW_CY
        for c in range(C.VIEW_W):
            x = px + c - C.VIEW_CX
            t = tile_at(s, i, w, m, x, y)
            tiles[i, r, c] = t
            visited[i, r, c] = s.visited[i, off + y * mw + x] if t != C.VOID else 0
    map_id[i, 0] = m
    for k in range(C.MAX_PARTY):
        species[i, k] = s.p_species[i, k] + 1
    in_battle = s.battle[i] != C.NO_BATTLE
    foe = s.e_species[i, s.e_active[i]] if in_battle else -1
    species[i, C.MAX_PARTY] = foe + 1
    _write_state(s, i, w, state[i], foe)


@kernel
def _write_state(s, i, w, v, foe):
    v[:] = 0.0
    for b in range(8):
        v[O_BADGES + b] = (s.badges[i] >> b) & 1
        v[O_KEYS + b] = (s.keys[i] >> b) & 1
    for k in range(C.MAX_PARTY):
        sp = s.p_species[i, k]
        if sp < 0:
            continue
        lv = s.p_level[i, k]
        v[O_LEVELS + k] = lv / 50.0
        v[O_HP + k] = s.p_hp[i, k] / stat(w, sp, lv, 0)
        v[O_TYPES + k * C.MAX_TYPES + w.sp_type1[sp]] = 1.0
    v[O_ACTIVE + s.active[i]] = 1.0
    v[O_BATTLE + s.battle[i]] = 1.0
    if foe >= 0:
        k = s.e_active[i]
        lv = s.e_level[i, k]
        v[O_FOE] = lv / 50.0
        v[O_FOE + 1] = s.e_hp[i, k] / stat(w, foe, lv, 0)
        v[O_FOE + 2 + w.sp_type1[foe]] = 1.0
        v[O_FOE + 2 + C.MAX_TYPES] = (s.e_count[i] - k) / 6.0
    a = s.active[i]
    me = s.p_species[i, a]
    for m in range(C.MAX_MOVES):
        mv = s.p_moves[i, a, m]
        if mv < 0:
            continue
        o = O_MOVES + 4 * m
        v[o] = 1.0
        v[o + 1] = w.move_power[mv] / 100.0
        v[o + 2] = s.p_pp[i, a, m] / w.move_pp[mv]
        if foe >= 0:
            e = effectiveness(w, mv, foe)
            if w.move_type[mv] == w.sp_type1[me] or w.move_type[mv] == w.sp_type2[me]:
                e *= 1.5
            v[o + 3] = e / 3.0
    v[O_ITEMS] = math.log10(1.0 + s.money[i]) / 6.0
    v[O_ITEMS + 1] = min(s.balls[i], 20) / 20.0
    v[O_ITEMS + 2] = min(s.potions[i], 20) / 20.0
    v[O_FACING + s.facing[i]] = 1.0
    v[O_POS] = s.x[i] / w.map_w[s.map[i]]
    v[O_POS + 1] = s.y[i] / w.map_h[s.map[i]]
    v[O_TIME] = s.t[i] / w.horizon if w.observe_clock else 0.0
