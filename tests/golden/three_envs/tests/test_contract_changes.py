"""Contract changes are classified for consumers: additive (minor bump) or breaking (major
bump), whatever the contract; every class of change has a case here."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakehouse_domain.contract_changes import (
    ADDITIVE,
    BREAKING,
    classify,
    type_change,
    version_problem,
)

from .conftest import contract_document


@pytest.fixture
def document(contract):
    """The contract under test as its ODCS document (what a pull request changes)."""
    return contract_document(contract)


def changed(document, edit, version=None):
    new = copy.deepcopy(document)
    edit(new)
    if version:
        new["version"] = version
    return new


def properties(document):
    return document["schema"][0]["properties"]


def kinds(old, new):
    return {change.kind for change in classify(old, new)}


def test_an_unchanged_contract_has_no_changes_and_needs_no_bump(document):
    assert classify(document, copy.deepcopy(document)) == []
    assert version_problem(document, document, []) == ""


def test_a_new_optional_column_is_additive_and_needs_a_minor_bump(document):
    def add(doc):
        properties(doc).append(
            {"name": "channel", "logicalType": "string", "physicalType": "STRING"}
        )

    new = changed(document, add)
    changes = classify(document, new)
    assert [(c.kind, c.where.split(".")[-1]) for c in changes] == [(ADDITIVE, "channel")]
    assert "minor version bump" in version_problem(document, new, changes)
    bumped = changed(document, add, version="1.1.0")
    assert version_problem(document, bumped, classify(document, bumped)) == ""


def test_a_new_required_column_is_breaking(document):
    def add(doc):
        properties(doc).append({"name": "channel", "physicalType": "STRING", "required": True})

    assert kinds(document, changed(document, add)) == {BREAKING}


def test_a_removed_or_renamed_column_is_breaking_and_needs_a_major_bump(document):
    victim = next(p for p in properties(document) if not p.get("primaryKey"))

    def rename(doc):
        next(p for p in properties(doc) if p["name"] == victim["name"])["name"] = "renamed"

    new = changed(document, rename, version="1.1.0")
    changes = classify(document, new)
    assert any(c.kind == BREAKING and "removed" in c.detail for c in changes)
    assert "major version bump" in version_problem(document, new, changes)
    major = changed(document, rename, version="2.0.0")
    assert version_problem(document, major, classify(document, major)) == ""


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("int", "bigint", ADDITIVE),
        ("smallint", "int", ADDITIVE),
        ("float", "double", ADDITIVE),
        ("decimal(18,2)", "decimal(20,2)", ADDITIVE),
        ("bigint", "int", BREAKING),
        ("double", "float", BREAKING),
        ("decimal(20,2)", "decimal(18,2)", BREAKING),
        ("decimal(18,2)", "decimal(18,4)", BREAKING),
        ("string", "int", BREAKING),
        ("date", "timestamp", BREAKING),
    ],
)
def test_type_changes_are_additive_only_when_they_widen(old, new, kind):
    assert type_change(old, new) == kind


TYPES = ["tinyint", "smallint", "int", "bigint", "float", "double", "string", "date"] + [
    f"decimal({p},{s})" for p in (10, 18, 38) for s in (0, 2)
]


@given(st.sampled_from(TYPES), st.sampled_from(TYPES))
def test_a_type_change_and_its_reverse_are_never_both_additive(old, new):
    if old != new:
        assert BREAKING in {type_change(old, new), type_change(new, old)}


def test_required_added_is_breaking_and_relaxed_is_additive(document):
    optional = next((p["name"] for p in properties(document) if not p.get("required")), None)
    required = next(p["name"] for p in properties(document) if p.get("required"))
    if optional:

        def tighten(doc):
            next(p for p in properties(doc) if p["name"] == optional)["required"] = True

        assert kinds(document, changed(document, tighten)) == {BREAKING}

    def relax(doc):
        next(p for p in properties(doc) if p["name"] == required)["required"] = False

    assert BREAKING not in kinds(document, changed(document, relax))


def test_key_and_ordering_column_changes_are_breaking(document):
    def drop_key(doc):
        for prop in properties(doc):
            prop.pop("primaryKey", None)
            prop.pop("primaryKeyPosition", None)

    assert BREAKING in kinds(document, changed(document, drop_key))

    def reorder(doc):
        for entry in doc["customProperties"]:
            if entry["property"] == "orderingColumn":
                entry["value"] = "another_column"

    assert kinds(document, changed(document, reorder)) == {BREAKING}


def test_a_changed_silver_layout_is_breaking_except_soft_deletes_turned_on(document):
    """SCD type 2 keeps a row per version and soft deletes keep deleted keys: a table laid out
    one way is rebuilt to be read the other way, except when soft deletes are turned on (the
    new ``_deleted`` column is null, not deleted, in the rows before)."""

    def with_changes(deletes=None, history=None):
        def edit(doc):
            for name, value in (("deletes", deletes), ("history", history)):
                if value:
                    doc["customProperties"].append({"property": name, "value": value})

        return changed(document, edit)

    soft = with_changes(deletes={"column": "op", "values": ["D"], "mode": "soft"})
    hard = with_changes(deletes={"column": "op", "values": ["D"], "mode": "hard"})
    history = with_changes(history={"scdType": 2})
    assert kinds(document, soft) == {ADDITIVE}
    assert kinds(document, hard) == {ADDITIVE}
    assert BREAKING in kinds(soft, hard)
    assert BREAKING in kinds(document, history)
    assert BREAKING in kinds(history, document)
    assert any("silver layout latest -> history" in str(c) for c in classify(document, history))


def test_masks_descriptions_and_quality_rules_are_additive(document):
    def govern(doc):
        prop = properties(doc)[-1]
        prop["description"] = "A new description"
        prop["customProperties"] = [{"property": "maskingStrategy", "value": "redact"}]
        prop.setdefault("quality", []).append({"metric": "nullValues", "mustBe": 0})
        doc["description"]["purpose"] = "Changed purpose"

    assert kinds(document, changed(document, govern)) == {ADDITIVE}


def test_datasets_added_removed_and_renamed(document):
    assert kinds(None, document) == {ADDITIVE}
    assert version_problem(None, document, classify(None, document)) == ""
    assert kinds(document, None) == {BREAKING}

    def rename(doc):
        doc["name"] = "renamed_dataset"

    assert BREAKING in kinds(document, changed(document, rename))


def test_a_version_that_is_not_semantic_is_named(document):
    def add(doc):
        properties(doc).append({"name": "channel", "physicalType": "STRING"})

    new = changed(document, add, version="next")
    assert "'next' is not MAJOR.MINOR.PATCH" in version_problem(
        document, new, classify(document, new)
    )
