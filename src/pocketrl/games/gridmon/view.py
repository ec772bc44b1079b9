"""What one env shows a person: the frame's inputs, the party and the step's messages."""

from __future__ import annotations

from .art.render import FrameView
from .core import constants as C
from .core.rules import stat

ITEM_NAMES = ("ball", "potion", "money")
CANT_TEXT = (
    "No balls left!",
    "You can't catch a trainer's monster!",
    "You can't run from a trainer battle!",
    "No other monster can fight!",
    "Not enough money ({b}).",
    "You need {b} badges first.",
    "A bush blocks the way. Something sharp could cut it.",
    "No potions left.",
)


def frame_view(env, i: int) -> FrameView:
    a, w = env.arrays, env.world
    sp = w.monsters
    act = int(a["active"][i])
    p_sp = int(a["p_species"][i, act])
    in_battle = int(a["battle"][i])
    k = int(a["e_active"][i])
    e_sp = int(a["e_species"][i, k]) if in_battle else -1
    return FrameView(
        tiles=env.obs["tiles"][i],
        map_kind=w.maps[int(a["map"][i])].kind,
        facing=int(a["facing"][i]),
        battle=in_battle,
        player_species=p_sp,
        player_level=int(a["p_level"][i, act]),
        player_hp=int(a["p_hp"][i, act]),
        player_maxhp=stat(env.tables, p_sp, int(a["p_level"][i, act]), 0) if p_sp >= 0 else 0,
        enemy_species=e_sp,
        enemy_level=int(a["e_level"][i, k]) if e_sp >= 0 else 0,
        enemy_hp=int(a["e_hp"][i, k]) if e_sp >= 0 else 0,
        enemy_maxhp=stat(env.tables, e_sp, int(a["e_level"][i, k]), 0) if e_sp >= 0 else 0,
        player_type=int(sp.sp_type1[p_sp]) if p_sp >= 0 else 0,
        enemy_type=int(sp.sp_type1[e_sp]) if e_sp >= 0 else 0,
    )


def item_name(world, item: int) -> str:
    if item < C.FIRST_KEY_ITEM:
        return ITEM_NAMES[item]
    return world.key_names[item - C.FIRST_KEY_ITEM]


def party_lines(env, i: int) -> list[str]:
    """One line per party monster: name, level, HP, moves with PP."""
    a, w = env.arrays, env.world
    mon = w.monsters
    out = []
    for k in range(C.MAX_PARTY):
        sp = int(a["p_species"][i, k])
        if sp < 0:
            continue
        lv = int(a["p_level"][i, k])
        moves = [
            f"{mon.move_names[m]} {int(a['p_pp'][i, k, j])}"
            for j, m in enumerate(a["p_moves"][i, k])
            if m >= 0
        ]
        mark = "*" if k == int(a["active"][i]) else " "
        out.append(
            f"{mark}{k + 1} {mon.species_names[sp]:<12} Lv{lv:<3} "
            f"HP {int(a['p_hp'][i, k])}/{stat(env.tables, sp, lv, 0)}  [{', '.join(moves)}]"
        )
    return out


def status_line(env, i: int) -> str:
    a, w = env.arrays, env.world
    keys = [n for k, n in enumerate(w.key_names) if (int(a["keys"][i]) >> k) & 1]
    return (
        f"{w.maps[int(a['map'][i])].name} ({int(a['x'][i])},{int(a['y'][i])})  "
        f"badges {int(a['n_badges'][i])}/{w.num_badges}  money {int(a['money'][i])}  "
        f"balls {int(a['balls'][i])}  potions {int(a['potions'][i])}  "
        f"keys {','.join(keys) or '-'}  step {int(a['game_t'][i])}"
    )


def messages(env, i: int) -> list[str]:
    """The step's events as sentences."""
    a = env.arrays
    return [
        message_text(env, i, *(int(v) for v in a["msgs"][i, j])) for j in range(int(a["n_msgs"][i]))
    ]


def message_text(env, i: int, code: int, x: int, y: int) -> str:
    w = env.world
    mon = w.monsters
    sp = mon.species_names

    def name(s: int) -> str:
        return sp[s] if 0 <= s < len(sp) else "?"

    side = ("Your monster", "The foe")
    table = {
        C.MSG_WILD: lambda: f"A wild {name(x)} (Lv{y}) appears!",
        C.MSG_TRAINER: lambda: f"{w.ent_label[x]} challenges you! {w.ent_text[x]}".strip(),
        C.MSG_USE_MOVE: lambda: f"{side[x]} uses {mon.move_names[y] if y >= 0 else 'strike'}.",
        C.MSG_DAMAGE: lambda: f"{side[x]} takes {y} damage.",
        C.MSG_MISS: lambda: f"{side[x]}'s attack misses.",
        C.MSG_FAINT: lambda: f"{side[x]} {name(y)} faints!",
        C.MSG_CATCH: lambda: f"Caught {name(x)}!" if y else f"{name(x)} broke free.",
        C.MSG_RUN: lambda: "Got away safely." if x else "Couldn't get away!",
        C.MSG_SWITCH: lambda: f"Go, {name(y)}!",
        C.MSG_LEVEL: lambda: f"{name(x)} grows to Lv{y}!",
        C.MSG_EVOLVE: lambda: f"{name(x)} evolves into {name(y)}!",
        C.MSG_WIN: lambda: "You win!" if x < 0 else f"You beat {w.ent_label[x]}! +{y} money",
        C.MSG_BLACKOUT: lambda: "Every monster fainted... you hurry back to the healer.",
        C.MSG_HEAL: lambda: "Your monsters are fully healed.",
        C.MSG_BUY: lambda: f"Bought a {item_name(w, x)} for {y}.",
        C.MSG_GET: lambda: f"Got {y} x {item_name(w, x)}!",
        C.MSG_TALK: lambda: w.ent_text[x] or "...",
        C.MSG_BADGE: lambda: f"Badge {x} earned! ({y} badges)",
        C.MSG_CUT: lambda: "The bush is cut down.",
        C.MSG_POTION: lambda: f"Potion restores {y} HP to slot {x + 1}.",
        C.MSG_CANT: lambda: CANT_TEXT[x].format(b=y),
        C.MSG_LEARN: lambda: f"{name(x)} learns {mon.move_names[y]}!",
        C.MSG_CHAMPION: lambda: "You are the champion!",
        C.MSG_NEXT_FOE: lambda: f"The trainer sends out {name(x)} (Lv{y}).",
    }
    fn = table.get(code)
    return fn() if fn else f"(message {code})"
