"""Documentation generated from copier.yml is in sync with it."""

import importlib.util
import os
import re
import subprocess

import pytest
import yaml

from support.paths import COPIER_YML, ROOT
from support.tool_venvs import tool_bin


def load_generator():
    path = ROOT / "docs" / "generate_questionnaire.py"
    spec = importlib.util.spec_from_file_location("generate_questionnaire", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_questionnaire_reference_is_up_to_date():
    generator = load_generator()
    assert (ROOT / "docs" / "questionnaire.md").read_text() == generator.render(), (
        "docs/questionnaire.md is stale: run .venv/bin/python docs/generate_questionnaire.py"
    )


def test_questionnaire_reference_covers_every_question():
    generator = load_generator()
    config = yaml.safe_load(COPIER_YML.read_text())
    asked = [k for k, q in config.items() if not k.startswith("_") and q.get("when") is not False]
    documented = [name for _, names in generator.sections(COPIER_YML.read_text()) for name in names]
    assert documented == asked


@pytest.mark.slow
def test_documentation_site_builds_strictly(tmp_path):
    result = subprocess.run(
        [tool_bin("mkdocs", "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "questionnaire" / "index.html").is_file()


def test_every_page_is_in_the_navigation():
    config = (ROOT / "mkdocs.yml").read_text()
    pages = {path.name for path in (ROOT / "docs").glob("*.md")}
    listed = set(re.findall(r":\s+(\S+\.md)$", config, flags=re.M))
    assert pages == listed
