"""Pokémon Red on PyBoy, behind the batched game contract (the ROM is user-supplied)."""
