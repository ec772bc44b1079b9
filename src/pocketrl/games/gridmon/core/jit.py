"""The one decorator for gridmon's compiled code.

``kernel`` is numba's ``njit`` with the on-disk cache and without the NRT (numba's
reference-counted memory): the step may not allocate, which is the design anyway, and
without the NRT numba emits no reference counting on every array it touches; with it,
those atomic counts made the step about 200 times slower.
"""

from numba import njit


def kernel(fn=None, *, inline: bool = False):
    opts = dict(cache=True, _nrt=False)
    if inline:
        opts["inline"] = "always"
    if fn is None:
        return njit(**opts)
    return njit(**opts)(fn)
