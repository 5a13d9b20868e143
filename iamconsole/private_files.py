"""Files that hold secrets (the generated SECRET_KEY, the SQLite database with its live
sessions): readable by their owner only, from the moment they exist.

Imported by settings, so it uses nothing from Django.
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Callable
from pathlib import Path

PRIVATE = 0o600
# SQLite's side files: the write-ahead log, its shared-memory index, the rollback journal.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def tighten(path: Path) -> None:
    """Removes group and other permissions from an existing file (no-op when absent)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        try:
            path.chmod(mode & 0o700)
        except PermissionError:
            # Another user's file (say, the server's, while an operator runs manage.py):
            # only its owner can fix it, and refusing to start would help no one.
            warnings.warn(f"{path} is readable by others; chmod 600 it.", stacklevel=2)


def create_private(path: Path, text: str = "") -> bool:
    """Creates `path` with mode 0600 and `text`; False (and nothing written) if it exists.

    The mode is given to open(), so the file is never readable by others, not even briefly.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return True


def read_or_create(path: Path, make: Callable[[], str]) -> str:
    """The file's stripped text; on first use, `make()`'s value written to a new 0600 file."""
    value = make()
    if not create_private(path, value):
        tighten(path)
        return path.read_text().strip()
    return value


def protect_sqlite(name: object) -> None:
    """Makes a SQLite database file private before anything opens it.

    A missing file is created empty (a valid empty database) with mode 0600; an existing
    one, and its side files, lose group and other permissions. SQLite creates the -wal and
    -shm files with the database file's permissions, so they follow. In-memory and URI
    names are left alone.
    """
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:"):
        return
    path = Path(text)
    if not path.parent.is_dir():
        return
    try:
        create_private(path)
    except PermissionError:
        return  # a directory we cannot write to: SQLite will say so when it is opened
    for suffix in ("", *SQLITE_SIDE_FILES):
        tighten(path.with_name(path.name + suffix))
