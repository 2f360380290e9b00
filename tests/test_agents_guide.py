"""The rendered AGENTS.md (linked from CONTRIBUTING.md) tells the truth about the render it
ships in: every path it names exists, every command it names is a make target, and the files
it calls yours are exactly the ones `copier update` never overwrites (`_skip_if_exists`)."""

import re
import subprocess

import pytest
import yaml

from support.paths import COPIER_YML
from support.render import answer_set_names

BACKTICKED = re.compile(r"`([^`]+)`")


def guide(project):
    return (project / "AGENTS.md").read_text()


def table_column(text: str, heading: str, column: int) -> list[str]:
    """Backticked entries of one column of the table under a heading."""
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ")]
    return [entry for row in rows[1:] for entry in BACKTICKED.findall(row[column])]


def named_paths(text: str) -> set[str]:
    """Backticked paths of the repository (not commands, Python names or build output)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return {
        token.replace("<dataset>", "*")
        for token in BACKTICKED.findall(text)
        if "/" in token and " " not in token and not token.startswith(("build/", "gold_"))
    } | {
        token
        for token in BACKTICKED.findall(text)
        if re.fullmatch(r"[A-Za-z.-]+\.(ya?ml|toml)", token)
    }


@pytest.mark.parametrize("name", answer_set_names())
def test_every_path_the_guide_names_exists(answer_set_renders, name):
    project = answer_set_renders[name]
    missing = [path for path in sorted(named_paths(guide(project))) if not list(project.glob(path))]
    assert not missing


@pytest.mark.parametrize("name", ["default", "jdbc"])
def test_every_command_the_guide_names_is_a_make_target(answer_set_renders, name):
    project = answer_set_renders[name]
    targets = set(re.findall(r"`make ([a-z-]+)", guide(project)))
    assert {"lint", "test", "run", "add-dataset"} <= targets
    for target in sorted(targets):
        dry = subprocess.run(["make", "-n", target], cwd=project, capture_output=True, text=True)
        assert dry.returncode == 0, (target, dry.stderr)


def test_the_files_it_calls_yours_are_the_ones_updates_never_overwrite(answer_set_renders):
    yours = table_column(guide(answer_set_renders["default"]), "Yours, and the template's", 0)
    assert sorted(yours) == sorted(yaml.safe_load(COPIER_YML.read_text())["_skip_if_exists"])


def test_contributing_points_to_the_guide(answer_set_renders):
    contributing = (answer_set_renders["default"] / "CONTRIBUTING.md").read_text()
    assert "[AGENTS.md](AGENTS.md)" in contributing
