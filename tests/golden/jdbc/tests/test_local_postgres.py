"""The local PostgreSQL and the engine's JDBC reads against it, collected because a contract
of this repository reads over JDBC (the tests are in local_postgres_suite.py)."""

import pytest

# Before the import: pytest rewrites asserts only in modules it knows are tests.
pytest.register_assert_rewrite(f"{__package__}.local_postgres_suite")

from .local_postgres_suite import *  # noqa: E402, F403
