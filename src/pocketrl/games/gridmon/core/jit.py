"""The one decorator for gridmon's compiled code.

``kernel`` is numba's ``njit`` with the on-disk cache and without the NRT (numba's
reference-counted memory): the step may not allocate, which is the design anyway, and
without the NRT numba emits no reference counting on every array it touches; with it,
those atomic counts made the step about 200 times slower.

numba checks a cached function against its own source file only: a step cached from
engine.py would go on running an old ``interact`` after overworld.py changed. So the
cache next to these sources is dropped whenever any of them changes
(``drop_stale_cache``, run on import).
"""

import hashlib
from pathlib import Path

from numba import njit

from pocketrl.atomic import atomic_write_text

CORE = Path(__file__).parent
STAMP = "sources.sha256"


def kernel(fn=None, *, inline: bool = False):
    opts = dict(cache=True, _nrt=False)
    if inline:
        opts["inline"] = "always"
    if fn is None:
        return njit(**opts)
    return njit(**opts)(fn)


def drop_stale_cache(core: Path = CORE) -> bool:
    """Delete numba's cache files in ``core/__pycache__`` when the sources of ``core``
    differ from those the cache was built from; True if it dropped them. A cache that
    cannot be read or written (a read-only install) is left to numba."""
    digest = hashlib.sha256()
    for path in sorted(core.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    cache = core / "__pycache__"
    stamp = cache / STAMP
    try:
        if stamp.read_text() == digest.hexdigest():
            return False
    except OSError:
        pass
    try:
        for old in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
            old.unlink(missing_ok=True)
        atomic_write_text(stamp, digest.hexdigest())
    except OSError:
        return False
    return True


drop_stale_cache()
