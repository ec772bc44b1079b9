"""Write-then-rename: a crash never leaves half a file where a user expects a whole one."""

from __future__ import annotations

import os
import tempfile


def atomic_write(path, write, mode: str = "wb") -> None:
    """Call ``write(f)`` on a temp file next to ``path``, then rename it over ``path``.

    The file gets the usual permissions (0666 minus the umask), not mkstemp's 0600.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", dir=folder)
    try:
        with os.fdopen(fd, mode) as f:
            write(f)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
