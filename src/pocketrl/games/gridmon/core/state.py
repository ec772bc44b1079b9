"""The per-env game state of a gridmon batch: arrays, allocation and snapshots.

All state lives in preallocated arrays, batch-first, gathered in the namedtuple ``S``
that the compiled step mutates in place. A snapshot is the concatenated bytes of one
env's row of every array, behind a small header that names the world, so it restores
exactly (mid-battle too) into any batch of the same world.
"""

from __future__ import annotations

import hashlib
import struct
from collections import namedtuple

import numpy as np

from ..config import REWARD_COMPONENTS
from . import constants as C

MAX_MSGS = 6  # messages (code, a, b) recorded per env per step, for play/watch text


def state_layout(num_cells: int, num_events: int, num_species: int, num_ms: int, num_entities: int):
    """name -> (per-env shape, dtype). Order matters: it is the snapshot byte order."""
    P, M = C.MAX_PARTY, C.MAX_MOVES
    i32, i64 = np.int32, np.int64
    return {
        "map": ((), i32),
        "x": ((), i32),
        "y": ((), i32),
        "facing": ((), i32),
        "money": ((), i32),
        "balls": ((), i32),
        "potions": ((), i32),
        "keys": ((), i32),
        "badges": ((), i32),
        "n_badges": ((), i32),
        "champion": ((), i32),
        "heal_map": ((), i32),
        "heal_x": ((), i32),
        "heal_y": ((), i32),
        "events": ((max(num_events, 1),), np.uint8),
        "caught": ((num_species,), np.uint8),
        "p_species": ((P,), i32),
        "p_level": ((P,), i32),
        "p_hp": ((P,), i32),
        "p_exp": ((P,), i32),
        "p_moves": ((P, M), i32),
        "p_pp": ((P, M), i32),
        "active": ((), i32),
        "battle": ((), i32),
        "b_trainer": ((), i32),
        "e_count": ((), i32),
        "e_active": ((), i32),
        "e_species": ((P,), i32),
        "e_level": ((P,), i32),
        "e_hp": ((P,), i32),
        "e_moves": ((P, M), i32),
        "rng": ((), np.uint64),
        "t": ((), i64),
        "game_t": ((), i64),
        "explored": ((), i32),
        "n_events": ((), i32),
        "blackouts": ((), i32),
        "level_score": ((), np.float32),
        "ms_step": ((num_ms,), i64),
        "final_ms_step": ((num_ms,), i64),  # ms_step of the episode that just ended
        "visited": ((num_cells,), np.uint8),
        "talked": ((max(num_entities, 1),), np.uint8),  # spoken to since the last milestone
        # Per-step outputs (not part of a snapshot's meaning, but cheap to carry along).
        "parts": ((len(REWARD_COMPONENTS),), np.float32),
        "n_msgs": ((), i32),
        "msgs": ((MAX_MSGS, 3), i32),
        "done_flags": ((), i32),  # bit 0 terminated, bit 1 truncated (this step)
    }


def allocate(num_envs: int, layout) -> dict[str, np.ndarray]:
    return {k: np.zeros((num_envs, *shape), dtype) for k, (shape, dtype) in layout.items()}


STATE_FIELDS = tuple(state_layout(1, 1, 1, 1, 1))
# Module-level so numba can cache the compiled step for this argument type.
GridmonState = namedtuple("GridmonState", STATE_FIELDS)


def make_state_tuple(arrays: dict[str, np.ndarray]) -> GridmonState:
    """The namedtuple of state arrays that the compiled code takes as one argument."""
    return GridmonState(**arrays)


MAGIC = b"GRIDMON1"


def world_fingerprint(world_digest: bytes, layout) -> bytes:
    """8 bytes that change when the world or the state layout changes.

    ``world_digest`` is ``tables.world_digest`` of the packed world: a hash of every
    world table's bytes, so an edited map, monster or trainer changes it too.
    """
    desc = repr([(k, s, np.dtype(d).str) for k, (s, d) in layout.items()]).encode()
    return hashlib.sha1(world_digest + desc).digest()[:8]


def snapshot_rows(arrays: dict[str, np.ndarray], env_ids, fingerprint: bytes) -> list[bytes]:
    out = []
    for i in env_ids:
        body = b"".join(a[int(i)].tobytes() for a in arrays.values())
        out.append(MAGIC + fingerprint + struct.pack("<I", len(body)) + body)
    return out


def restore_rows(arrays: dict[str, np.ndarray], env_ids, states, fingerprint: bytes) -> None:
    """Write snapshots back; raises ValueError for a snapshot of another world/version."""
    env_ids = list(env_ids)
    if len(env_ids) != len(states):
        raise ValueError(f"restore got {len(env_ids)} env ids but {len(states)} states")
    row_bytes = sum(a[0].nbytes for a in arrays.values())
    for i, blob in zip(env_ids, states):
        if not isinstance(blob, (bytes, bytearray, memoryview)):
            raise ValueError(f"state for env {i} must be bytes from snapshot(), got {type(blob)}")
        blob = bytes(blob)
        head = len(MAGIC) + 8 + 4
        if blob[: len(MAGIC)] != MAGIC:
            raise ValueError(f"state for env {i} is not a gridmon snapshot (bad magic bytes)")
        if blob[len(MAGIC) : len(MAGIC) + 8] != fingerprint:
            raise ValueError(
                f"state for env {i} was made for another gridmon world, an edited copy of "
                "this one or another game version; restore it into an env of the world "
                "it came from"
            )
        (n,) = struct.unpack("<I", blob[head - 4 : head])
        if n != row_bytes or len(blob) != head + n:
            raise ValueError(f"state for env {i} is truncated or corrupt ({len(blob)} bytes)")
        pos = head
        for a in arrays.values():
            row = a[int(i)]
            nb = row.nbytes
            a[int(i)] = np.frombuffer(blob, a.dtype, count=row.size, offset=pos).reshape(row.shape)
            pos += nb
