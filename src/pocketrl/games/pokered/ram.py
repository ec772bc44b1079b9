"""Every Pokémon Red (UE) RAM address and game constant the adapter reads, by name.

Each constant cites its symbol in the pret/pokered disassembly: WRAM symbols are
defined in ``ram/wram.asm``, HRAM ones in ``ram/hram.asm`` (addresses as in the symbol
file the build writes, ``pokered.sym``); constants name their ``constants/*.asm`` file.
Reward, observation, text-rule and intro code use these names, never bare hex. The
synthetic test ROM (testrom.py) keeps its state at the same addresses.
"""

from __future__ import annotations

# --- where the player is -------------------------------------------------------------
W_CUR_MAP = 0xD35E  # wCurMap: current map id (PALLET_TOWN = 0 ...)
W_Y_COORD = 0xD361  # wYCoord: player's y in map blocks-of-16px (tile steps)
W_X_COORD = 0xD362  # wXCoord: player's x
W_LAST_BLACKOUT_MAP = 0xD719  # wLastBlackoutMap: where a blackout sends the player

# --- progress --------------------------------------------------------------------------
W_OBTAINED_BADGES = 0xD356  # wObtainedBadges: bit i = badge i+1 (Boulder ... Earth)
W_EVENT_FLAGS = 0xD747  # wEventFlags: 320 bytes, one bit per story event
EVENT_FLAGS_BYTES = 320  # (NUM_EVENTS = $A00 bits) / 8
W_POKEDEX_OWNED = 0xD2F7  # wPokedexOwned: 19 bytes, bit per species (dex order)
W_POKEDEX_SEEN = 0xD30A  # wPokedexSeen (= wPokedexOwnedEnd): 19 bytes, as above
POKEDEX_BYTES = 19  # flag_array NUM_POKEMON (151 bits)
# EVENT_BOUGHT_MUSEUM_TICKET = $68 (constants/event_constants.asm): bought, not earned
MUSEUM_TICKET_EVENT = 0x68
MUSEUM_TICKET_BYTE = MUSEUM_TICKET_EVENT // 8  # byte 13 of wEventFlags ...
MUSEUM_TICKET_MASK = 1 << (MUSEUM_TICKET_EVENT % 8)  # ... bit 0

# --- party: wPartyCount, wPartySpecies, then 6 party_struct of 44 bytes ---------------
W_PARTY_COUNT = 0xD163  # wPartyCount: 0..6
W_PARTY_SPECIES = 0xD164  # wPartySpecies: 6 internal species ids, then $FF
W_PARTY_MONS = 0xD16B  # wPartyMons (= wPartyMon1): the first party_struct
PARTY_STRUCT_SIZE = 44  # PARTYMON_STRUCT_LENGTH
MAX_PARTY = 6  # PARTY_LENGTH
# offsets inside a party_struct (pokered macros/ram.asm, box_struct + party_struct)
MON_SPECIES = 0  # wPartyMon1Species
MON_HP = 1  # wPartyMon1HP: 2 bytes, big-endian
MON_TYPE1 = 5  # wPartyMon1Type1
MON_TYPE2 = 6  # wPartyMon1Type2
MON_LEVEL = 33  # wPartyMon1Level ($21; the "box level" at +3 is stale in the party)
MON_MAX_HP = 34  # wPartyMon1MaxHP: 2 bytes, big-endian

# --- battle ----------------------------------------------------------------------------
W_IS_IN_BATTLE = 0xD057  # wIsInBattle: 0 none, 1 wild, 2 trainer, $FF lost
W_ENEMY_MON_SPECIES = 0xCFE5  # wEnemyMonSpecies: the foe on the field

# --- belongings ----------------------------------------------------------------------
W_NUM_BAG_ITEMS = 0xD31D  # wNumBagItems: 0..20
W_BAG_ITEMS = 0xD31E  # wBagItems: (item id, quantity) pairs, then $FF
W_PLAYER_MONEY = 0xD347  # wPlayerMoney: 3 bytes, BCD, most significant first
BAG_CAPACITY = 20  # BAG_ITEM_CAPACITY

# --- text boxes and menus (the text rule, textbox.py; the intro walk, intro.py) -------
W_JOY_IGNORE = 0xCD6B  # wJoyIgnore: joypad bits the game ignores (scripts, warps)
# hDownArrowBlinkCount2: WaitForTextScrollButtonPress (home/joypad2.asm) and
# HandleMenuInput (home/window.asm) set it to 6 while they wait for a button and
# restore it (0 from Init's HRAM clear) when they return; nothing else writes it
H_DOWN_ARROW_BLINK_COUNT2 = 0xFF8C
W_TILE_MAP = 0xC3A0  # wTileMap: the 20 x 18 screen tiles the game draws text into
TILE_MAP_BYTES = 20 * 18  # SCREEN_WIDTH * SCREEN_HEIGHT
# wMenuCursorLocation: 2 bytes, little-endian: where PlaceMenuCursor (home/window.asm)
# last put the menu cursor inside wTileMap
W_MENU_CURSOR_LOCATION = 0xCC30
CHAR_MENU_CURSOR = 0xED  # "▶" (constants/charmap.asm): PlaceMenuCursor's arrow
W_TOP_MENU_ITEM_Y = 0xCC24  # wTopMenuItemY
W_TOP_MENU_ITEM_X = 0xCC25  # wTopMenuItemX
W_CURRENT_MENU_ITEM = 0xCC26  # wCurrentMenuItem
W_MAX_MENU_ITEM = 0xCC28  # wMaxMenuItem
W_MENU_WATCHED_KEYS = 0xCC29  # wMenuWatchedKeys
# wLetterPrintingDelayFlags: TextCommandProcessor (home/text.asm) sets BIT_TEXT_DELAY
# while it prints a text and restores the flags at its end
W_LETTER_PRINTING_DELAY_FLAGS = 0xD358
BIT_TEXT_DELAY = 1  # constants/ram_constants.asm
# joypad bits (constants/hardware.inc: PAD_*), as in wJoyIgnore and the menus
PAD_A, PAD_B, PAD_SELECT, PAD_START = 0x01, 0x02, 0x04, 0x08
PAD_RIGHT, PAD_LEFT, PAD_UP, PAD_DOWN = 0x10, 0x20, 0x40, 0x80

# --- the new game (intro.py) ------------------------------------------------------------
W_PLAYER_NAME = 0xD158  # wPlayerName: NAME_LENGTH bytes, "@"-terminated
W_RIVAL_NAME = 0xD34A  # wRivalName
NAME_LENGTH = 11  # NAME_LENGTH (constants/text_constants.asm)
W_STATUS_FLAGS6 = 0xD732  # wStatusFlags6
BIT_GAME_TIMER_COUNTING = 0  # set by SpecialEnterMap (engine/menus/main_menu.asm)

# --- constants of the game ------------------------------------------------------------
HALL_OF_FAME = 0x76  # map constant HALL_OF_FAME: entering it means the champion is beaten
REDS_HOUSE_2F = 0x26  # map constant REDS_HOUSE_2F: where a new game starts (NewGameWarp)
NUM_BADGES = 8
# type constants (constants/type_constants.asm) in the order of the state vector
TYPE_IDS = (
    0x00,  # NORMAL
    0x01,  # FIGHTING
    0x02,  # FLYING
    0x03,  # POISON
    0x04,  # GROUND
    0x05,  # ROCK
    0x07,  # BUG
    0x08,  # GHOST
    0x14,  # FIRE
    0x15,  # WATER
    0x16,  # GRASS
    0x17,  # ELECTRIC
    0x18,  # PSYCHIC_TYPE
    0x19,  # ICE
    0x1A,  # DRAGON
)

# The WRAM block [WRAM_BLOCK_START, WRAM_BLOCK_END) holds every W_ address above except
# wTileMap (0xC3A0, below it); hDownArrowBlinkCount2 is HRAM, outside WRAM altogether.
WRAM_BLOCK_START = 0xCC00
WRAM_BLOCK_END = W_EVENT_FLAGS + EVENT_FLAGS_BYTES  # exclusive
