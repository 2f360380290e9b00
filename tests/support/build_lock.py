"""One builder at a time for a shared virtual environment under .tools.

`make test` runs the suite in parallel workers (pytest-xdist): two workers may ask for the same
venv at once. The first builds it while the others wait here, then find its stamp current.
The lock file sits beside the venv, not in it, since a rebuild clears the venv's folder.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def building(home: Path) -> Iterator[None]:
    home.parent.mkdir(parents=True, exist_ok=True)
    with open(home.with_name(home.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield
