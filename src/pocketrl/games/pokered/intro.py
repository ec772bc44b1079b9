"""pocketrl's own walk through the Pokémon Red/Blue intro, to the first moment of play.

From power-on, the walk plays the steps below in order. Each step reads the RAM (ram.py,
textbox.py) every few frames, presses at most one button when the RAM says which, and
ends when its RAM test holds; a step that does not end within its frame bound stops
the walk with an ``IntroError`` naming the step and what the RAM showed. A press holds
the button ``PRESS_FRAMES`` frames and then waits ``AFTER_PRESS`` released frames;
without a press the walk emulates ``POLL_FRAMES`` frames. The default names are picked
by their place in the menu (the first one under NEW NAME), never by reading tiles, so
Red and Blue (whose default names differ) take the same walk.

1. title screen: press START until the main menu waits (``wMenuWatchedKeys`` = A|B|START,
   the cursor ▶ live) or a new game has begun.
2. main menu: move the cursor to NEW GAME (item 0; item 1 when a save file adds
   CONTINUE: ``wMaxMenuItem`` = 2) and press A, until a new game has begun: ``wCurMap``
   = REDS_HOUSE_2F (OakSpeech loads NewGameWarp) with ``wPartyCount`` = 0.
3. Oak's speech: press A whenever a text box waits, until the naming menu waits
   (``wMenuWatchedKeys`` = A, ``wTopMenuItemX`` = 1, ``wTopMenuItemY`` = 2,
   ``wMaxMenuItem`` = 3: DisplayIntroNameTextBox).
4. player's name: DOWN to item 1, A; ends when ``wPlayerName`` has changed.
5. Oak's speech about the rival: as 3.
6. rival's name: as 4, for ``wRivalName``.
7. end of Oak's speech: press A at each text box until SpecialEnterMap sets
   ``BIT_GAME_TIMER_COUNTING`` of ``wStatusFlags6``.
8. bedroom: emulate ``SETTLE_FRAMES`` frames (the map is entered and faded in), then
   the player must stand in REDS_HOUSE_2F with an empty party, no text box or menu
   waiting and ``wJoyIgnore`` = 0.

The whole walk is bounded by the sum of the steps' bounds (``MAX_FRAMES``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import ram
from .rom import RomError
from .textbox import menu_live, text_waiting, waiting_for_button

PRESS_FRAMES = 4
AFTER_PRESS = 12
POLL_FRAMES = 4
SETTLE_FRAMES = 240
MAIN_MENU_KEYS = ram.PAD_A | ram.PAD_B | ram.PAD_START  # MainMenu's wMenuWatchedKeys


class IntroError(RomError):
    """The intro walk did not reach the bedroom; the message names the step."""


def _menu_is(mem, keys: int, x: int, y: int, max_item: int | None = None) -> bool:
    """A live menu with this signature (wMenuWatchedKeys, wTopMenuItemX/Y, wMaxMenuItem)."""
    return (
        menu_live(mem)
        and mem[ram.W_MENU_WATCHED_KEYS] == keys
        and mem[ram.W_TOP_MENU_ITEM_X] == x
        and mem[ram.W_TOP_MENU_ITEM_Y] == y
        and (max_item is None or mem[ram.W_MAX_MENU_ITEM] == max_item)
    )


def main_menu_live(mem) -> bool:
    """MainMenu waits: NEW GAME / OPTION (CONTINUE first with a save file)."""
    return _menu_is(mem, MAIN_MENU_KEYS, 1, 2)


def name_menu_live(mem) -> bool:
    """DisplayIntroNameTextBox waits: NEW NAME and three default names."""
    return _menu_is(mem, ram.PAD_A, 1, 2, 3)


def new_game_begun(mem) -> bool:
    """OakSpeech has loaded the new game's warp: the bedroom, no party."""
    return mem[ram.W_CUR_MAP] == ram.REDS_HOUSE_2F and mem[ram.W_PARTY_COUNT] == 0


def _read_name(mem, addr: int) -> bytes:
    return bytes(mem[addr : addr + ram.NAME_LENGTH])


def _to_item(mem, target: int) -> str:
    """The button that moves a live menu's cursor toward ``target``, or A on it."""
    item = mem[ram.W_CURRENT_MENU_ITEM]
    return "down" if item < target else "up" if item > target else "a"


def _timer_counting(mem) -> bool:
    return bool(mem[ram.W_STATUS_FLAGS6] >> ram.BIT_GAME_TIMER_COUNTING & 1)


def _in_bedroom(mem) -> bool:
    return (
        new_game_begun(mem)
        and _timer_counting(mem)
        and not waiting_for_button(mem)
        and mem[ram.W_JOY_IGNORE] == 0
    )


# --- what each step presses (None: nothing) and when it is done -------------------------
def _press_start(_mem, _ctx) -> str:
    return "start"


def _press_a_at_text(mem, _ctx) -> str | None:
    return "a" if text_waiting(mem) else None


def _choose_new_game(mem, _ctx) -> str | None:
    if not main_menu_live(mem):
        return None
    return _to_item(mem, 1 if mem[ram.W_MAX_MENU_ITEM] == 2 else 0)


def _choose_first_default_name(mem, _ctx) -> str | None:
    return _to_item(mem, 1) if name_menu_live(mem) else None


def _press_nothing(_mem, _ctx) -> None:
    return None


def _at_main_menu(mem, _ctx) -> bool:
    return main_menu_live(mem) or new_game_begun(mem)


def _new_game_chosen(mem, _ctx) -> bool:
    return new_game_begun(mem) and not main_menu_live(mem)


def _at_name_menu(mem, _ctx) -> bool:
    return name_menu_live(mem)


def _entering_map(mem, _ctx) -> bool:
    return _timer_counting(mem)


def _settled_in_bedroom(mem, ctx) -> bool:
    return ctx["frames"] >= SETTLE_FRAMES and _in_bedroom(mem)


def _name_step(addr: int):
    """(start, done) of a naming step: the name is kept when the menu opens; the step
    is done when the name differs from it and the menu has closed."""

    def keep_name(mem, ctx) -> None:
        ctx["name"] = _read_name(mem, addr)

    def name_changed(mem, ctx) -> bool:
        return not menu_live(mem) and _read_name(mem, addr) != ctx["name"]

    return keep_name, name_changed


def _nothing_to_keep(_mem, _ctx) -> None:
    return None


@dataclass(frozen=True)
class Step:
    """One step of the walk: ``button`` says what to press (None: nothing) until
    ``done``, within ``budget`` frames; ``expect`` says in words what ``done`` tests;
    ``start`` keeps what ``done`` compares against."""

    name: str
    budget: int
    button: Callable
    done: Callable
    expect: str
    start: Callable = _nothing_to_keep


_KEEP_PLAYER, _PLAYER_NAMED = _name_step(ram.W_PLAYER_NAME)
_KEEP_RIVAL, _RIVAL_NAMED = _name_step(ram.W_RIVAL_NAME)
_NAME_MENU = "the naming menu waiting (wMenuWatchedKeys = A, wMaxMenuItem = 3, ▶ live)"

STEPS = (
    Step(
        "title screen", 2400, _press_start, _at_main_menu,
        "the main menu waiting (wMenuWatchedKeys = A|B|START, ▶ live) or a new game",
    ),
    Step(
        "main menu", 600, _choose_new_game, _new_game_chosen,
        "NEW GAME chosen: wCurMap = REDS_HOUSE_2F and wPartyCount = 0",
    ),
    Step("Oak's speech", 6000, _press_a_at_text, _at_name_menu, _NAME_MENU),
    Step(
        "player's name", 600, _choose_first_default_name, _PLAYER_NAMED,
        "a new name in wPlayerName and the menu closed", _KEEP_PLAYER,
    ),
    Step("Oak's speech about the rival", 3600, _press_a_at_text, _at_name_menu, _NAME_MENU),
    Step(
        "rival's name", 600, _choose_first_default_name, _RIVAL_NAMED,
        "a new name in wRivalName and the menu closed", _KEEP_RIVAL,
    ),
    Step(
        "end of Oak's speech", 3600, _press_a_at_text, _entering_map,
        "BIT_GAME_TIMER_COUNTING set in wStatusFlags6 (SpecialEnterMap)",
    ),
    Step(
        "bedroom", SETTLE_FRAMES + 600, _press_nothing, _settled_in_bedroom,
        "the player in REDS_HOUSE_2F with no party, no text box or menu waiting, "
        "wJoyIgnore = 0",
    ),
)  # fmt: skip
MAX_FRAMES = sum(s.budget for s in STEPS)


def _ram_line(mem) -> str:
    """The RAM the steps read, for an error message."""
    return (
        f"wCurMap=${mem[ram.W_CUR_MAP]:02X} wPartyCount={mem[ram.W_PARTY_COUNT]} "
        f"hDownArrowBlinkCount2={mem[ram.H_DOWN_ARROW_BLINK_COUNT2]} "
        f"menu live={menu_live(mem)} wMenuWatchedKeys=${mem[ram.W_MENU_WATCHED_KEYS]:02X} "
        f"wMaxMenuItem={mem[ram.W_MAX_MENU_ITEM]} "
        f"wCurrentMenuItem={mem[ram.W_CURRENT_MENU_ITEM]} "
        f"wJoyIgnore=${mem[ram.W_JOY_IGNORE]:02X} "
        f"wStatusFlags6=${mem[ram.W_STATUS_FLAGS6]:02X}"
    )


def _stopped(k: int, step: Step, mem) -> IntroError:
    return IntroError(
        f"pocketrl's intro walk stopped at step {k}/{len(STEPS)} '{step.name}': it did not "
        f"see {step.expect} within {step.budget} frames (RAM: {_ram_line(mem)}). Is this "
        "Pokémon Red or Blue (UE)? Make a start state yourself (a PyBoy 2.8 save state in "
        "the player's room) and pass --state FILE."
    )


def _play(pyboy, k: int, step: Step) -> None:
    """Run step ``k`` (1-based) to its end; IntroError when its frame bound runs out."""
    mem, ctx = pyboy.memory, {"frames": 0}
    step.start(mem, ctx)
    while not step.done(mem, ctx):
        if ctx["frames"] >= step.budget:
            raise _stopped(k, step, mem)
        button = step.button(mem, ctx)
        if button is None:
            pyboy.tick(POLL_FRAMES, False, False)
            ctx["frames"] += POLL_FRAMES
            continue
        pyboy.button_press(button)
        pyboy.tick(PRESS_FRAMES, False, False)
        pyboy.button_release(button)
        pyboy.tick(AFTER_PRESS, False, False)
        ctx["frames"] += PRESS_FRAMES + AFTER_PRESS


def walk_intro(pyboy) -> None:
    """Play a freshly booted Pokémon Red/Blue from power-on to the player's bedroom.

    Deterministic: the same ROM gives the same frames and the same state on every
    machine. Raises IntroError (a RomError) naming the step that did not end in time.
    """
    for k, step in enumerate(STEPS, 1):
        _play(pyboy, k, step)
