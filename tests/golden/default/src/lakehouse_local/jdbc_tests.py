"""The test file that collects the PostgreSQL suite, in repositories with a JDBC dataset.

The suite (``tests/local_postgres_suite.py``) needs a local PostgreSQL server and its JDBC
driver, so only a repository that reads over JDBC collects it, through this thin file. The
template renders it when the first dataset is a JDBC one; ``add-dataset`` writes it with the
first JDBC dataset added later. The suite itself stays template-managed either way. Standard
library only: the template's own tests read ``TEXT`` to check that both write the same file.
"""

from __future__ import annotations

from pathlib import Path

FILE_NAME = "test_local_postgres.py"
TEXT = '''\
"""The local PostgreSQL and the engine's JDBC reads against it, collected because a contract
of this repository reads over JDBC (the tests are in local_postgres_suite.py)."""

import pytest

# Before the import: pytest rewrites asserts only in modules it knows are tests.
pytest.register_assert_rewrite(f"{__package__}.local_postgres_suite")

from .local_postgres_suite import *  # noqa: E402, F403
'''


def write_if_missing(tests_dir: Path) -> Path | None:
    """Write the file unless it exists; the path written, or None."""
    target = tests_dir / FILE_NAME
    if target.exists():
        return None
    tests_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(TEXT)
    return target
