"""Compiled overworld rules: moving, warps, ledges, encounters, sight lines, A and START.

On the map the arrows face and step (a blocked step only turns), A interacts with the
faced tile, B does nothing, START uses a potion on the most hurt monster.
"""

from __future__ import annotations

from . import constants as C
from .battle import start_trainer, start_wild
from .jit import kernel
from .rules import (
    R_HEAL,
    R_TALK,
    badge_count,
    give_item,
    has_ability,
    heal_party,
    rand_float,
    rand_int,
    say,
    set_event,
    stat,
    tile_at,
    visit,
)


@kernel
def overworld_turn(s, i, w, action, counts):
    if action < 4:
        move(s, i, w, action, counts)
    elif action == C.A:
        interact(s, i, w)
    elif action == C.START:
        use_potion(s, i, w)


@kernel
def _passable(s, i, w, tile, direction):
    for walkable in C.WALKABLE:
        if tile == walkable:
            return True
    if tile == C.WATER:
        return has_ability(s, i, w, C.ABILITY_SWIM)
    if tile == C.LEDGE:
        return direction == C.DOWN
    return False


@kernel
def move(s, i, w, direction, counts):
    s.facing[i] = direction
    dx, dy = C.DIRS[direction]
    m = s.map[i]
    nx, ny = s.x[i] + dx, s.y[i] + dy
    tile = tile_at(s, i, w, m, nx, ny)
    if not _passable(s, i, w, tile, direction):
        return
    if tile == C.LEDGE:  # hop over: land on the tile below the ledge
        below = tile_at(s, i, w, m, nx, ny + 1)
        if below == C.LEDGE or not _passable(s, i, w, below, direction):
            return
        ny += 1
        tile = below
    s.x[i], s.y[i] = nx, ny
    visit(s, i, w, counts)
    c = w.map_off[m] + ny * w.map_w[m] + nx
    e = w.cell_entity[c]
    if e >= 0 and w.ent_kind[e] == C.E_WARP:
        s.map[i], s.x[i], s.y[i] = w.ent_dest_map[e], w.ent_dest_x[e], w.ent_dest_y[e]
        visit(s, i, w, counts)
        return
    watcher = w.cell_watch[c]
    if watcher >= 0 and s.events[i, w.ent_event[watcher]] == 0:
        start_trainer(s, i, w, watcher)
        return
    if tile == C.GRASS:
        _maybe_encounter(s, i, w, m)


@kernel
def _maybe_encounter(s, i, w, m):
    n = w.map_enc_count[m]
    if n == 0 or rand_float(s, i) >= w.map_enc_rate[m]:
        return
    r = rand_float(s, i)
    j = w.map_enc_start[m]
    last = j + n - 1
    while j < last and r >= w.enc_cumw[j]:
        j += 1
    lo, hi = w.enc_min[j], w.enc_max[j]
    start_wild(s, i, w, w.enc_species[j], lo + rand_int(s, i, hi - lo + 1))


@kernel
def interact(s, i, w):
    dx, dy = C.DIRS[s.facing[i]]
    m = s.map[i]
    x, y = s.x[i] + dx, s.y[i] + dy
    if x < 0 or y < 0 or x >= w.map_w[m] or y >= w.map_h[m]:
        return
    e = w.cell_entity[w.map_off[m] + y * w.map_w[m] + x]
    if e < 0:
        return
    k = w.ent_kind[e]
    done = w.ent_event[e] >= 0 and s.events[i, w.ent_event[e]] == 1
    if k == C.E_HEAL:
        _first_word(s, i, e)
        restored = heal_party(s, i, w)
        s.parts[i, R_HEAL] += restored
        s.heal_map[i], s.heal_x[i], s.heal_y[i] = m, s.x[i], s.y[i]
        say(s, i, C.MSG_HEAL, 0, 0)
    elif k == C.E_SHOP:
        _first_word(s, i, e)
        _buy(s, i, w, e)
    elif k == C.E_ITEM and not done:
        give_item(s, i, w.ent_item[e], w.ent_count[e])
        set_event(s, i, w.ent_event[e])
    elif k == C.E_NPC or k == C.E_SIGN:
        _talk(s, i, e)
        if w.ent_event[e] >= 0 and not done:
            if badge_count(s, i) >= w.ent_need[e]:
                give_item(s, i, w.ent_item[e], w.ent_count[e])
                set_event(s, i, w.ent_event[e])
            else:
                say(s, i, C.MSG_CANT, C.CANT_NEED_BADGES, w.ent_need[e])
    elif k == C.E_GUARD:
        _talk(s, i, e)
    elif k == C.E_BUSH and not done:
        if has_ability(s, i, w, C.ABILITY_CUT):
            set_event(s, i, w.ent_event[e])
            say(s, i, C.MSG_CUT, 0, 0)
        else:
            say(s, i, C.MSG_CANT, C.CANT_NEED_CUT, 0)
    elif (k == C.E_TRAINER or k == C.E_LEADER or k == C.E_CHAMPION) and not done:
        start_trainer(s, i, w, e)


@kernel
def _talk(s, i, e):
    """Say entity e's line; the first time since the last milestone pays the talk part."""
    say(s, i, C.MSG_TALK, e, 0)
    _first_word(s, i, e)


@kernel
def _first_word(s, i, e):
    """A on a person (healer and clerks too), guard or sign: the first time since the
    last milestone pays the talk part."""
    if s.talked[i, e] == 0:
        s.talked[i, e] = 1
        s.parts[i, R_TALK] += 1.0


@kernel
def _buy(s, i, w, e):
    price = w.ent_price[e]
    if s.money[i] < price:
        say(s, i, C.MSG_CANT, C.CANT_MONEY, price)
        return
    s.money[i] -= price
    if w.ent_item[e] == C.I_BALL:
        s.balls[i] += 1
    else:
        s.potions[i] += 1
    say(s, i, C.MSG_BUY, w.ent_item[e], price)


@kernel
def use_potion(s, i, w):
    """Heal the monster missing the most HP by POTION_HEAL (a fainted one too: a potion
    also revives)."""
    if s.potions[i] <= 0:
        say(s, i, C.MSG_CANT, C.CANT_NO_POTION, 0)
        return
    best, best_missing = -1, 0
    for k in range(C.MAX_PARTY):
        sp = s.p_species[i, k]
        if sp < 0:
            continue
        missing = stat(w, sp, s.p_level[i, k], 0) - s.p_hp[i, k]
        if missing > best_missing:
            best, best_missing = k, missing
    if best < 0:
        return
    healed = min(best_missing, C.POTION_HEAL)
    s.p_hp[i, best] += healed
    s.potions[i] -= 1
    say(s, i, C.MSG_POTION, best, healed)
