"""Domain-level answer rules."""

import pytest

from extensions import answer_rules as rules


def rule_ids(problems):
    return [problem.rule for problem in problems]


@pytest.mark.parametrize("value", ["risk", "ab", "paymentsx9", "r2d2"])
def test_domain_name_accepts(value):
    assert rules.check_domain_name(value) == []


@pytest.mark.parametrize("value", ["r", "Risk", "1risk", "risk_x", "risk-x", "paymentsx10", "", 7])
def test_domain_name_rejects(value):
    problems = rules.check_domain_name(value)
    assert rule_ids(problems) == ["domain-format"]
    assert str(problems[0]).startswith("domain_name: ")


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
    [
        ("", "non-empty"),
        ("  ", "non-empty"),
        ("a\nb", "text"),
        ("a\rb", "text"),
        ("a\tb", "text"),
        ("a\u2028b", "text"),  # Unicode line separator
        ("a\u2029b", "text"),  # paragraph separator
        ("a\x85b", "text"),  # next line
        ("a\x00b", "text"),
        ("a\u202eb", "text"),  # right-to-left override hides what text says
        ("x" * 257, "text"),
    ],
)
def test_text_rejects(value, rule):
    assert rule_ids(rules.check_text("owner_team", value)) == [rule]


@pytest.mark.parametrize("value", ["Fraud & risk", "Équipe données", "Risk 😀 team", "a'b\"c"])
def test_text_accepts_one_printable_line(value):
    assert rules.check_text("owner_team", value) == []


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (lambda v: rules.check_email("owner_email", v), "a@b.co\n"),
        (rules.check_cost_center, "CC-1\n"),
        (rules.check_domain_name, "risk\n"),
        (rules.check_name_suffix, "ab12\n"),
        (lambda v: rules.check_group("engineers_group", v), "risk-engineers\n"),
    ],
)
def test_a_trailing_newline_is_never_accepted(check, value):
    """`$` in a regular expression matches before a final newline; rules match whole."""
    assert check(value.rstrip("\n")) == []
    assert check(value) != []


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
    assert "engineers_group" in str(clash[0])


@pytest.mark.parametrize("value", [0, 33, "abc", "2.5", "-1", "", "2\n", True, 2.5, None, [2]])
def test_int_range_rejects(value):
    problems = rules.check_int_range("eventhub_partitions", value, 1, 32)
    assert rule_ids(problems) == ["range"]
    assert str(problems[0]).startswith("eventhub_partitions: ")


@pytest.mark.parametrize("value", [1, 32, "1", "32", "07"])
def test_int_range_accepts_numbers_and_their_text(value):
    """The questions are asked as text so that the validator, not Copier's cast, names a
    wrong answer; recorded answers may be numbers (older versions) or text."""
    assert rules.check_int_range("eventhub_partitions", value, 1, 32) == []
