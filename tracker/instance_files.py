"""Secrets kept in the instance folder: a random value made once per instance folder
(the session-signing key, the VAPID private key) and read back on every later start."""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def instance_secret(path: Path, make: Callable[[], str] = lambda: secrets.token_hex(32)) -> str:
    """The value stored at ``path``, made with ``make()`` (readable by the owner only)
    when the file does not exist yet. It is written under a temporary name and hard
    linked into place, which is atomic and fails if the file appeared meanwhile, so
    concurrent first starts (a web server and a scheduler) agree on one value."""
    if path.exists():
        return path.read_text().strip()
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(make())
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # fails if another process got there first: theirs is kept
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
