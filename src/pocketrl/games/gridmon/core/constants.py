"""Every enum and fixed size of gridmon, in one place.

The engine, the loader, the renderer and the oracle all read these names; nothing else
hard-codes a tile id, an action number or a window size.
"""

# --- Actions: the same seven buttons on the map and in battle -----------------------
UP, DOWN, LEFT, RIGHT, A, B, START = range(7)
NUM_ACTIONS = 7
ACTION_NAMES = ("up", "down", "left", "right", "a", "b", "start")
# (dx, dy) of the four arrows; facing uses the same numbering (0 up, 1 down, 2 left, 3 right).
DIRS = ((0, -1), (0, 1), (-1, 0), (1, 0))
DIR_NAMES = ("up", "down", "left", "right")

# --- Observation window ----------------------------------------------------------------
VIEW_H, VIEW_W = 9, 10  # tiles; 9x10 tiles of 16x16 pixels make the 144x160 frame
VIEW_CY, VIEW_CX = 4, 4  # where the player stands inside the window
MAX_PARTY = 6
MAX_MOVES = 4

# --- Observed tile ids (what the `tiles` observation holds) ---------------------------
# Dynamic cells show their current state: a taken item, a cut bush and a guard who has
# stepped aside read as the map's floor; a beaten trainer reads as *_BEATEN.
VOID = 0  # outside the map
WALL = 1
TREE = 2
ROCK = 3
COUNTER = 4
FLOOR = 5  # outdoor ground
INDOOR = 6  # indoor floor
CAVE = 7  # cave floor
GRASS = 8  # tall grass: wild encounters
WATER = 9  # needs a key item with the `swim` ability
LEDGE = 10  # one-way: entered only moving down, the player lands one tile below
BUSH = 11  # needs a key item with the `cut` ability, then A while facing it
WARP = 12  # door, stairs or route exit
HEALER = 13
SHOP = 14
ITEM = 15
NPC = 16
SIGN = 17
TRAINER = 18
TRAINER_BEATEN = 19
LEADER = 20
LEADER_BEATEN = 21
CHAMPION = 22
GUARD = 23
NUM_TILES = 24
TILE_NAMES = (
    "void wall tree rock counter floor indoor cave grass water ledge bush warp healer shop "
    "item npc sign trainer trainer_beaten leader leader_beaten champion guard"
).split()

# Map-file characters for static terrain.
TERRAIN_CHARS = {
    "#": WALL,
    "T": TREE,
    "^": ROCK,
    "=": COUNTER,
    ".": FLOOR,
    "_": INDOOR,
    ":": CAVE,
    ",": GRASS,
    "~": WATER,
    "v": LEDGE,
    "*": BUSH,
}
# The one walkable-tile set: the engine's moves, the oracle's paths and the world's
# summary read it. WATER is walkable too with the `swim` ability, LEDGE moving down.
WALKABLE = (FLOOR, INDOOR, CAVE, GRASS, WARP)
# A trainer's line of sight runs over walkable ground and stops at anything else.
SIGHT_PASSES_TILES = frozenset(WALKABLE)

# --- Map kinds (palette and the floor under markers) -------------------------------
MAP_KINDS = ("town", "route", "forest", "cave", "building", "sea", "league")
KIND_FLOOR = {"building": INDOOR, "league": INDOOR, "cave": CAVE}  # others: FLOOR

# --- Entities (the markers of a map's legend) ----------------------------------------
E_WARP, E_START, E_HEAL, E_SHOP, E_ITEM, E_NPC, E_SIGN = range(7)
E_TRAINER, E_LEADER, E_CHAMPION, E_GUARD, E_BUSH = range(7, 12)
ENTITY_KINDS = "warp start heal shop item npc sign trainer leader champion guard bush".split()
ENTITY_TILE = {
    E_WARP: WARP,
    E_HEAL: HEALER,
    E_SHOP: SHOP,
    E_ITEM: ITEM,
    E_NPC: NPC,
    E_SIGN: SIGN,
    E_TRAINER: TRAINER,
    E_LEADER: LEADER,
    E_CHAMPION: CHAMPION,
    E_GUARD: GUARD,
    E_BUSH: BUSH,
}

# --- Items ------------------------------------------------------------------------
# Consumables and money are fixed; key items are declared by the world (up to 8).
I_BALL, I_POTION, I_MONEY = 0, 1, 2
FIRST_KEY_ITEM = 3  # item id of key item k is FIRST_KEY_ITEM + k
MAX_KEY_ITEMS = 8
ABILITIES = ("cut", "swim")  # the `ability` a world's key item may grant (world.txt)
# Indices into ABILITIES, as the compiled tables' key_ability holds them.
ABILITY_CUT = ABILITIES.index("cut")
ABILITY_SWIM = ABILITIES.index("swim")
POTION_HEAL = 40  # hit points restored by one potion

# --- Milestone kinds (the world tables' ms_kind; ms_arg says which one) ---------------
MS_BADGE = 0  # ms_arg: the badge number, 1..MAX_BADGES
MS_KEY_ITEM = 1  # ms_arg: the key item index k
MS_CHAMPION = 2  # ms_arg: 0

# --- Battle modes -----------------------------------------------------------------
NO_BATTLE, WILD, TRAINER_BATTLE = 0, 1, 2
MAX_BADGES = 8
MAX_TYPES = 12

# --- Messages: what happened in a step, as (code, a, b); play/watch turn them into text --
(
    MSG_WILD,
    MSG_TRAINER,
    MSG_USE_MOVE,
    MSG_DAMAGE,
    MSG_MISS,
    MSG_FAINT,
    MSG_CATCH,
    MSG_RUN,
    MSG_SWITCH,
    MSG_LEVEL,
    MSG_EVOLVE,
    MSG_WIN,
    MSG_BLACKOUT,
    MSG_HEAL,
    MSG_BUY,
    MSG_GET,
    MSG_TALK,
    MSG_BADGE,
    MSG_CUT,
    MSG_POTION,
    MSG_CANT,
    MSG_LEARN,
    MSG_CHAMPION,
    MSG_NEXT_FOE,
) = range(1, 25)
# reasons for MSG_CANT
(
    CANT_NO_BALLS,
    CANT_TRAINER_BALL,
    CANT_TRAINER_RUN,
    CANT_NO_SWITCH,
    CANT_MONEY,
    CANT_NEED_BADGES,
    CANT_NEED_CUT,
    CANT_NO_POTION,
) = range(8)
