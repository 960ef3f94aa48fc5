"""Scratch space for imports, found again after a crash.

An import unpacks archives and writes a scratch GeoPackage before anything reaches the
workspace: up to a few hundred MB. A killed process cannot remove its own, so every
scratch folder lives under one root in the temp folder and is named after the process
that made it (``<pid>-<what>-<random>``); :func:`clean_stale`, run when the app or a
command line starts, removes the folders of processes that no longer run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["clean_stale", "scratch_dir", "scratch_root"]


def scratch_root() -> Path:
    """``mye-scratch-<uid>`` in the temp folder (per user, so one user never removes another's)."""
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"mye-scratch-{user}"


def scratch_dir(what: str) -> tempfile.TemporaryDirectory:
    """A new scratch folder for this process (removed when the returned object is cleaned up or collected)."""
    root = scratch_root()
    root.mkdir(mode=0o700, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f"{os.getpid()}-{what}-", dir=root)


def clean_stale() -> int:
    """Remove the scratch folders of processes that no longer run; return the bytes freed."""
    root = scratch_root()
    if not root.is_dir():
        return 0
    freed = 0
    for folder in root.iterdir():
        pid = folder.name.partition("-")[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        freed += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        shutil.rmtree(folder, ignore_errors=True)
    return freed


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists. Where that cannot be asked safely (Windows, where os.kill terminates),
    every process counts as running and nothing is removed."""
    if pid == os.getpid() or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
