"""Files that hold members' data or the key to it are readable by their owner only.

Every file the bot writes (the database, its `-wal` and `-shm`, a key file) is created
with mode 0600, whatever the process's umask; SQLite gives the `-wal` and `-shm` the
database file's own mode. A file found readable by others (a database made by an older
version, a key file copied in by hand) is tightened at start-up, and the log says so in
one line; one that cannot be tightened is named with what to do.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

OWNER_ONLY = 0o600
PRIVATE_DIRECTORY = 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def create_directory(path: Path) -> None:
    """Make `path` (and missing parents) if it does not exist; the last one owner-only.

    An existing directory is left as it is: it may be shared on purpose (/tmp, a volume).
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=PRIVATE_DIRECTORY)
    except FileExistsError:
        return


def create_file(path: Path, text: str = "") -> None:
    """Create `path` with mode 0600 (failing if it exists) and write `text` into it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)


def keep_private(path: Path, what: str) -> bool:
    """Tighten `path` to 0600 if others may read or write it; True if it was changed.

    Says so in one line either way: tightened, or (when chmod is refused) the command
    that would do it.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return False
    if not mode & 0o077:
        return False
    try:
        os.chmod(path, OWNER_ONLY)
    except OSError as error:
        log.warning(
            "%s %s is open to other users of this machine (mode %04o) and could not be "
            "made private (%s): run  chmod 600 %s",
            what,
            path,
            mode,
            error.strerror or type(error).__name__,
            path,
        )
        return False
    log.warning(
        "%s %s was open to other users of this machine (mode %04o); it is now 0600 (owner only)",
        what,
        path,
        mode,
    )
    return True


def database_files(path: Path) -> list[Path]:
    """The database file and the companions SQLite keeps beside it."""
    return [path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)]


def remove_database(path: Path) -> None:
    """Delete a database this process created and has closed, companions included."""
    for file in database_files(path):
        file.unlink(missing_ok=True)
