"""Lint of copier.yml and template/: the conventions that keep the template maintainable."""

import re

import yaml

from support.paths import COPIER_YML, TEMPLATE_DIR

CONFIG = yaml.safe_load(COPIER_YML.read_text())
QUESTIONS = {key: value for key, value in CONFIG.items() if not key.startswith("_")}
SETTINGS = [key for key in CONFIG if key.startswith("_")]
JINJA_MARKER = re.compile(r"(?<!\$)\{\{|\{%|\{#")


def template_files():
    return sorted(path for path in TEMPLATE_DIR.rglob("*") if path.is_file())


def test_copier_yml_is_a_single_document():
    assert len(list(yaml.safe_load_all(COPIER_YML.read_text()))) == 1


def test_required_settings():
    assert CONFIG["_subdirectory"] == "template"
    assert CONFIG["_envops"]["undefined"] == "jinja2.StrictUndefined"
    assert CONFIG["_jinja_extensions"][0] == "copier_template_extensions.TemplateExtensionLoader"
    assert all(ext.startswith("extensions/") for ext in CONFIG["_jinja_extensions"][1:])
    assert "_message_after_copy" in CONFIG


def test_min_copier_version_is_the_tested_version():
    from importlib.metadata import version

    assert CONFIG["_min_copier_version"] == version("copier")


def test_every_question_has_type_and_help():
    for name, question in QUESTIONS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert "type" in question, f"{name} has no type"
        assert question.get("help"), f"{name} has no help"


def test_choice_defaults_are_choices():
    for name, question in QUESTIONS.items():
        choices = question.get("choices")
        if not choices or "{{" in str(question.get("default", "")):
            continue
        values = list(choices.values()) if isinstance(choices, dict) else list(choices)
        defaults = question["default"]
        if question.get("multiselect"):
            defaults = yaml.safe_load(defaults) if isinstance(defaults, str) else defaults
        else:
            defaults = [defaults]
        assert set(defaults) <= set(values), name


def test_source_choices_are_the_ones_the_engine_knows():
    """The questionnaire offers what contracts and add-dataset accept (dataset_rules)."""
    from extensions.engine import dataset_rules

    def choices(name):
        offered = QUESTIONS[name]["choices"]
        return tuple(offered.values() if isinstance(offered, dict) else offered)

    assert choices("source_type") == dataset_rules.SOURCE_TYPES
    assert choices("file_format") == dataset_rules.FILE_FORMATS
    assert choices("jdbc_engine") == dataset_rules.JDBC_ENGINES


def test_computed_values_are_one_block_after_the_questions():
    kinds = ["computed" if q.get("when") is False else "asked" for q in QUESTIONS.values()]
    first_computed = kinds.index("computed")
    assert set(kinds[first_computed:]) == {"computed"}, "computed values must be grouped last"
    text = COPIER_YML.read_text()
    first_name = list(QUESTIONS)[first_computed]
    banner = text[: text.index(f"\n{first_name}:")].rsplit("# ====", 2)[-2]
    assert "Computed values" in banner


def test_every_setting_has_a_why_comment():
    lines = COPIER_YML.read_text().splitlines()
    for setting in SETTINGS:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{setting}:"))
        assert lines[index - 1].startswith("#"), f"{setting} needs a comment saying why"


def test_no_double_quotes_or_backslashes_in_template_paths():
    for path in TEMPLATE_DIR.rglob("*"):
        relative = str(path.relative_to(TEMPLATE_DIR))
        assert '"' not in relative and "\\" not in relative, relative


def test_files_with_jinja_markers_end_in_jinja():
    for path in template_files():
        content = path.read_bytes()
        if path.suffix != ".jinja" and b"\0" not in content:  # binary files are copied as is
            assert not JINJA_MARKER.search(content.decode()), f"{path} needs .jinja"


def test_answers_file_template_is_at_the_template_root():
    answers = TEMPLATE_DIR / "{{ _copier_conf.answers_file }}.jinja"
    assert answers.is_file()
    assert "_copier_answers|recorded_answers|to_nice_yaml" in answers.read_text().replace(" ", "")


def test_recorded_columns_keep_their_order(template_repo, tmp_path):
    """The answers file sorts mapping keys; columns typed one per line are recorded as the
    list form so their order survives every later update."""
    from support.render import render

    columns = ["zeta string required", "alpha timestamp required", "mid int"]
    project = render(
        template_repo,
        tmp_path / "domain",
        {
            "dataset_name": "events",
            "columns": columns,
            "primary_key": ["zeta"],
            "ordering_column": "alpha",
        },
    )
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())["columns"]
    assert [c["name"] for c in recorded] == ["zeta", "alpha", "mid"]
    assert recorded[0] == {"name": "zeta", "type": "string", "required": True}
