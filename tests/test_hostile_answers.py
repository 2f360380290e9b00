"""Hostile answers are refused by name or rendered harmlessly: generated, not hand-picked.

Each example puts one hostile string (quotes of every kind, backslashes, comments, control and
line-separator characters, text outside the BMP, reserved words of SQL, Python, HCL and YAML)
into one question of an otherwise valid answer set. Copier must then either refuse it with a
message naming that question and the rule, leaving no directory behind, or render files that
all parse and that record the answer exactly as given.
"""

from __future__ import annotations

import shutil

import yaml
from hypothesis import given

from support.answer_strategies import hostile_answers
from support.outputs import output_problems
from support.render import render
from support.terraform_schema import latest, load_schemas

SCHEMAS = latest(load_schemas())


@given(case=hostile_answers())
def test_a_hostile_answer_is_refused_by_name_or_harmless(template_repo, tmp_path_factory, case):
    question, answers = case
    destination = tmp_path_factory.mktemp("hostile") / "domain"
    try:
        render(template_repo, destination, answers)
    except ValueError as error:
        message = str(error)
        assert message.startswith(f"Validation error for question '{question}': {question}"), (
            message
        )
        assert "[rule: " in message and "\n" not in message.split(": ", 2)[-1].split("[rule")[0]
        assert not destination.exists()
        return
    try:
        assert output_problems(destination, SCHEMAS, answers) == []
        recorded = yaml.safe_load((destination / ".copier-answers.yml").read_text())
        if question in recorded and isinstance(answers.get(question), str):
            assert str(recorded[question]) == answers[question]
    finally:
        shutil.rmtree(destination)
