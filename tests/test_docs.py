"""Documentation generated from copier.yml is in sync with it."""

import importlib.util

import yaml

from support.paths import COPIER_YML, ROOT


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
