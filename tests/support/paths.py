"""Locations inside the template repository used by the tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = ROOT / "template"
ANSWERS_DIR = ROOT / "tests" / "answers"
COPIER_YML = ROOT / "copier.yml"
TOOLS_DIR = ROOT / "tools"
TOOL_VENVS = ROOT / ".tools"
