"""Write-then-rename: a crash never leaves half a file where a user expects a whole one.

Every file a crash could leave half-written (checkpoints, configs, metrics rewrites,
eval.json, pictures, cached emulator states) goes through ``atomic_write``.
"""

from __future__ import annotations

import os
import tempfile


def atomic_write(path, write, mode: str = "wb", fsync: bool = False) -> None:
    """Call ``write(f)`` on a temp file next to ``path``, then rename it over ``path``.

    The folder is created if needed. The file gets the usual permissions (0666 minus the
    umask), not mkstemp's 0600. With ``fsync`` the data reaches the disk before the
    rename (checkpoints: a power cut leaves the old file or the new one, never a hole).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", dir=folder)
    try:
        with os.fdopen(fd, mode) as f:
            write(f)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(text), mode="w")


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(data))


def atomic_savefig(fig, path, **savefig_kwargs) -> None:
    """Save a matplotlib figure atomically (the format follows ``path``'s suffix)."""
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".") or "png"
    atomic_write(path, lambda f: fig.savefig(f, format=fmt, **savefig_kwargs))
