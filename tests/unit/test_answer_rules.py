"""Domain-level answer rules."""

import pytest

from extensions import answer_rules as rules


def rule_ids(problems):
    return [problem.rsplit("[rule: ", 1)[1].rstrip("]") for problem in problems]


@pytest.mark.parametrize("value", ["risk", "ab", "paymentsx9", "r2d2"])
def test_domain_name_accepts(value):
    assert rules.check_domain_name(value) == []


@pytest.mark.parametrize("value", ["r", "Risk", "1risk", "risk_x", "risk-x", "paymentsx10", "", 7])
def test_domain_name_rejects(value):
    problems = rules.check_domain_name(value)
    assert rule_ids(problems) == ["domain-format"]
    assert problems[0].startswith("domain_name: ")


@pytest.mark.parametrize("value", ["a@b.co", "first.last+tag@sub.example.com"])
def test_email_accepts(value):
    assert rules.check_email("owner_email", value) == []


@pytest.mark.parametrize("value", ["", "a@b", "a b@c.com", "@b.com", "a@@b.com", None])
def test_email_rejects(value):
    assert rule_ids(rules.check_email("owner_email", value)) == ["email"]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ([], "non-empty"),
        ("dev", "non-empty"),
        (["dev", "qa"], "known-environment"),
        (["dev", "dev"], "unique"),
    ],
)
def test_environments_rejects(value, rule):
    assert rule_ids(rules.check_environments(value)) == [rule]


def test_environments_accepts_any_non_empty_subset():
    assert rules.check_environments(["prd"]) == []
    assert rules.check_environments(["dev", "stg", "prd"]) == []


@pytest.mark.parametrize(
    ("value", "rule"),
    [("", "non-empty"), ("  ", "non-empty"), ("a\nb", "text"), ("x" * 257, "text")],
)
def test_text_rejects(value, rule):
    assert rule_ids(rules.check_text("owner_team", value)) == [rule]


@pytest.mark.parametrize("value", ["", "CC 1", "-CC1", "x" * 33])
def test_cost_center_rejects(value):
    assert rule_ids(rules.check_cost_center(value)) == ["cost-center-format"]


@pytest.mark.parametrize("value", ["abc", "ABCD", "ab-1", "abcde"])
def test_name_suffix_rejects(value):
    assert rule_ids(rules.check_name_suffix(value)) == ["suffix-format"]


def test_group_rules():
    assert rules.check_group("engineers_group", "Risk Engineers") == []
    assert rule_ids(rules.check_group("engineers_group", "risk`x")) == ["group-format"]
    assert rule_ids(rules.check_group("engineers_group", "")) == ["group-format"]
    clash = rules.check_group("analysts_group", "risk", ("engineers_group", "risk"))
    assert rule_ids(clash) == ["distinct-groups"]
    assert "engineers_group" in clash[0]


@pytest.mark.parametrize("value", [0, 33, "2", True, 2.5])
def test_int_range_rejects(value):
    assert rule_ids(rules.check_int_range("eventhub_partitions", value, 1, 32)) == ["range"]


def test_int_range_accepts_bounds():
    assert rules.check_int_range("eventhub_partitions", 1, 1, 32) == []
    assert rules.check_int_range("eventhub_partitions", 32, 1, 32) == []
