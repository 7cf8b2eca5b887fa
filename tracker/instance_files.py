"""Files kept in the instance folder: a random value made once per instance folder
(the session-signing key, the VAPID private key) and read back on every later start,
and the owner-only mode every file there gets (the database, its WAL, the keys)."""
from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

OWNER_ONLY = 0o600


def create_private(path: Path | str) -> bool:
    """Create ``path`` empty and readable by its owner only, whatever the umask says
    (the mode is given at creation, so it is never readable by others, not even for a
    moment). False when it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def make_private(path: Path | str) -> None:
    """Take group and other permissions off an existing file (one made by an older
    version, or copied in); a missing file, or one this process may not change, is
    left as it is."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:
        pass


def instance_secret(path: Path, make: Callable[[], str] = lambda: secrets.token_hex(32)) -> str:
    """The value stored at ``path``, made with ``make()`` (readable by the owner only)
    when the file does not exist yet. It is written under a temporary name and hard
    linked into place, which is atomic and fails if the file appeared meanwhile, so
    concurrent first starts (a web server and a scheduler) agree on one value."""
    if path.exists():
        make_private(path)
        return path.read_text().strip()
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)  # left by a crashed start with this process id
    create_private(tmp)
    try:
        tmp.write_text(make())
        os.link(tmp, path)  # fails if another process got there first: theirs is kept
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
