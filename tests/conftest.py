"""Shared fixtures: a hermetic environment and a clean, tagged copy of the template.

`make test` runs the files in parallel workers (pytest-xdist, --dist loadfile): a session
fixture runs once per worker, a module fixture once. A test writes only under its tmp_path
(no fixed path in the repository or /tmp); the venvs under .tools are built under a lock
(support/build_lock.py).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from support.render import answer_set, answer_set_names, render
from support.template_repo import release_history, snapshot_working_tree

# Generated answers (Hypothesis): `make test` runs a seeded, bounded sample; `make fuzz`
# (HYPOTHESIS_PROFILE=fuzz) runs many fresh examples. Renders take a second or more, so no
# per-example deadline; fixtures that render once per session are meant to be shared.
_SLOW_EXAMPLES = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
]
settings.register_profile(
    "ci", max_examples=12, derandomize=True, deadline=None, suppress_health_check=_SLOW_EXAMPLES
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=_SLOW_EXAMPLES,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items):
    """Files holding `slow` or `update` tests first, each file's own order kept.

    `make test` runs files in parallel workers (pytest-xdist, --dist loadfile) in this order:
    a long file started last would leave one worker running it alone at the end. Mark a test
    that runs a rendered repository's make targets or builds a venv `slow`, and it is
    scheduled early."""
    long_files = {
        item.path
        for item in items
        if item.get_closest_marker("slow") or item.get_closest_marker("update")
    }
    items.sort(key=lambda item: item.path not in long_files)


@pytest.fixture(scope="session", autouse=True)
def hermetic_environment(tmp_path_factory):
    """No user Copier settings, git config or identity of the machine leaks into a test."""
    home = tmp_path_factory.mktemp("home")
    settings = home / "copier-settings.yml"
    settings.write_text("defaults: {}\ntrust: []\n")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
    )
    patch = pytest.MonkeyPatch()
    patch.setenv("COPIER_SETTINGS_PATH", str(settings))
    patch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        patch.setenv(f"GIT_{role}_NAME", "Template Tests")
        patch.setenv(f"GIT_{role}_EMAIL", "template-tests@example.com")
    yield
    patch.undo()


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory, hermetic_environment):
    """The working tree committed and tagged in a temporary git repository."""
    return snapshot_working_tree(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture(scope="session")
def template_history(tmp_path_factory, hermetic_environment):
    """This repository's history with the recorded versions tagged, plus the working tree."""
    return release_history(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="session")
def answer_set_renders(template_repo, tmp_path_factory):
    """Every named answer set rendered once for the session, read by many tests.

    Read only: a test that changes a render works on its own copy."""
    base = tmp_path_factory.mktemp("answer-sets")
    return {
        name: render(template_repo, base / name, answer_set(name)) for name in answer_set_names()
    }
