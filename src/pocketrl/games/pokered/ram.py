"""Every Pokémon Red (UE) RAM address the adapter reads, by name.

Each constant cites its symbol in the pret/pokered disassembly (``pokered.sym``, bank 00
WRAM); reward and observation code use these names, never bare hex. The synthetic test
ROM (testrom.py) keeps its state at the same addresses.
"""

from __future__ import annotations

# --- where the player is -------------------------------------------------------------
W_CUR_MAP = 0xD35E  # wCurMap: current map id (PALLET_TOWN = 0 ...)
W_Y_COORD = 0xD361  # wYCoord: player's y in map blocks-of-16px (tile steps)
W_X_COORD = 0xD362  # wXCoord: player's x
W_JOY_IGNORE = 0xCD6B  # wJoyIgnore: non-zero while the game ignores (some) joypad input

# --- progress --------------------------------------------------------------------------
W_OBTAINED_BADGES = 0xD356  # wObtainedBadges: bit i = badge i+1 (Boulder ... Earth)
W_EVENT_FLAGS = 0xD747  # wEventFlags: 320 bytes, one bit per story event
EVENT_FLAGS_BYTES = 320  # (NUM_EVENTS = $A00 bits) / 8
W_POKEDEX_OWNED = 0xD2F7  # wPokedexOwned: 19 bytes, bit per species (dex order)
POKEDEX_BYTES = 19

# --- party: wPartyCount, wPartySpecies, then 6 party_struct of 44 bytes ---------------
W_PARTY_COUNT = 0xD163  # wPartyCount: 0..6
W_PARTY_SPECIES = 0xD164  # wPartySpecies: 6 internal species ids, then $FF
W_PARTY_MONS = 0xD16B  # wPartyMons (= wPartyMon1): the first party_struct
PARTY_STRUCT_SIZE = 44  # PARTYMON_STRUCT_LENGTH
MAX_PARTY = 6  # PARTY_LENGTH
# offsets inside a party_struct (pokered macros/ram_macros.asm, party_struct)
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

# --- constants of the game ------------------------------------------------------------
HALL_OF_FAME = 0x76  # map constant HALL_OF_FAME: entering it means the champion is beaten
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

# one read covers the WRAM block holding everything above except wJoyIgnore/wEnemyMon
WRAM_BLOCK_START = 0xCC00
WRAM_BLOCK_END = W_EVENT_FLAGS + EVENT_FLAGS_BYTES  # exclusive
