"""What the language-model agent reads and writes: gridmon's state as text, and the
buttons (and notes) read back from a reply.

The state text is built from gridmon's own text views (games/gridmon/view.py and
play.py) plus what a player sees on the screen but a view does not name: the map
window's legend, the facing, the types of moves and monsters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.play import TILE_CHARS, map_text
from pocketrl.games.gridmon.view import messages, party_lines, status_line

BUTTONS = {name: k for k, name in enumerate(C.ACTION_NAMES)}  # up down left right a b start
NOOP = C.B  # does nothing on the map; in a wild battle it tries to run
BATTLE_BUTTONS = "up/down/left/right = move 1/2/3/4, A = throw a ball, B = run, START = switch"


def state_text(env, i: int, events: list[str]) -> str:
    """Env i's game as a player sees it: status, map window with a legend, battle,
    party with move types, and the latest ``events``."""
    a, w = env.arrays, env.world
    mon = w.monsters
    rows = map_text(env, i)
    shown = sorted({int(t) for t in env.obs["tiles"][i].ravel()})
    legend = ", ".join(f"'{TILE_CHARS[t]}' {C.TILE_NAMES[t]}" for t in shown if t != C.VOID)
    lines = [
        status_line(env, i),
        f"facing {C.DIR_NAMES[int(a['facing'][i])]}; the map window is "
        f"{C.VIEW_W}x{C.VIEW_H} tiles, you are '@', up is north",
        *rows,
        f"legend: '@' you, {legend}, ' ' outside the map",
    ]
    lines += battle_lines(env, i)
    lines.append("party (* = the one fighting; moves with PP left):")
    lines += party_lines(env, i)
    moves = sorted({int(m) for m in a["p_moves"][i].ravel() if m >= 0})
    lines.append(
        "move types: "
        + ", ".join(
            f"{mon.move_names[m]} {mon.type_names[int(mon.move_type[m])]} "
            f"power {int(mon.move_power[m])}"
            for m in moves
        )
    )
    lines.append("latest events: " + (" | ".join(events) if events else "-"))
    return "\n".join(lines)


def battle_lines(env, i: int) -> list[str]:
    a, w = env.arrays, env.world
    if a["battle"][i] == C.NO_BATTLE:
        return ["not in a battle"]
    from pocketrl.games.gridmon.core.rules import stat

    mon = w.monsters
    k = int(a["e_active"][i])
    sp, lv = int(a["e_species"][i, k]), int(a["e_level"][i, k])
    kind = "wild" if a["battle"][i] == C.WILD else "trainer's"
    types = [mon.type_names[int(mon.sp_type1[sp])]]
    if int(mon.sp_type2[sp]) >= 0:
        types.append(mon.type_names[int(mon.sp_type2[sp])])
    left = int(a["e_count"][i]) - k
    return [
        f"BATTLE: {kind} {mon.species_names[sp]} ({'/'.join(types)}) Lv{lv} "
        f"HP {int(a['e_hp'][i, k])}/{stat(env.tables, sp, lv, 0)} ({left} foe monsters left)",
        f"in battle: {BATTLE_BUTTONS}",
    ]


def step_events(env, i: int) -> list[str]:
    """The sentences of env i's last step."""
    return messages(env, i)


@dataclass
class Reply:
    buttons: list[int]  # empty when the reply could not be read
    notes: str | None  # the new notes, None to keep the old ones
    problem: str = ""  # why the reply could not be read


_BUTTONS_LINE = re.compile(r"^\s*\**buttons\**\s*:\s*(.*)$", re.IGNORECASE | re.MULTILINE)
_NOTES = re.compile(r"^\s*\**notes\**\s*:(.*?)(?=^\s*\**buttons\**\s*:|\Z)", re.I | re.M | re.S)


def parse_reply(text: str, max_buttons: int) -> Reply:
    """Read ``BUTTONS: a b ...`` (the last such line counts) and an optional
    ``NOTES: ...`` block before it; a reason in ``problem`` when it cannot be read."""
    text = text or ""
    found = _BUTTONS_LINE.findall(text)
    notes_match = _NOTES.search(text)
    notes = notes_match.group(1).strip() if notes_match else None
    if not found:
        return Reply([], notes, "no line starting with BUTTONS:")
    words = [x for x in re.split(r"[\s,;]+", found[-1].strip().strip("`*.")) if x]
    unknown = [x for x in words if x.lower() not in BUTTONS]
    if unknown:
        return Reply([], notes, f"unknown button(s) {', '.join(unknown[:3])}")
    if not 1 <= len(words) <= max_buttons:
        return Reply([], notes, f"give 1 to {max_buttons} buttons, not {len(words)}")
    return Reply([BUTTONS[x.lower()] for x in words], notes)
