"""Naming core: every name fits its service's rules, also at the longest allowed domain."""

import re

import pytest

from extensions.engine import naming

LONGEST_DOMAIN = "abcdefghi9"  # 10 characters: the maximum the questionnaire allows


@pytest.mark.parametrize("env", naming.ENVIRONMENTS)
@pytest.mark.parametrize("domain", ["ab", "risk", LONGEST_DOMAIN])
def test_every_environment_name_fits_azure_rules(domain, env):
    names = naming.environment_names(domain, env, "z9z9")
    assert names["storage_account"] == f"st{domain}{env}z9z9"
    assert len(names["storage_account"]) <= 24
    assert len(names["key_vault"]) <= 24
    assert len(names["action_group_short_name"]) <= 12
    assert 6 <= len(names["eventhub_namespace"]) <= 50
    assert names["catalog"] == f"{domain}_{env}"
    assert set(names["schemas"]) == {"bronze", "silver", "gold", "governance", "ops"}
    assert set(names["volumes"]) == {"landing", "checkpoints"}
    assert names["eventhub_service_credential"] == f"{domain}_{env}_eventhubs"
    assert names["secret_scope"] == f"{domain}-{env}"


def test_names_differ_between_environments():
    dev = naming.environment_names("risk", "dev", "ab12")
    prd = naming.environment_names("risk", "prd", "ab12")
    shared = {
        "landing_container",
        "catalog_container",
        "landing_volume_directory",
        "schemas",
        "volumes",
    }
    for key in dev.keys() - shared:
        assert dev[key] != prd[key], key


def test_state_names_fit_at_longest_domain():
    names = naming.state_names(LONGEST_DOMAIN, "ab12")
    assert names["storage_account"] == f"st{LONGEST_DOMAIN}tfab12"
    assert len(names["storage_account"]) <= 24


@pytest.mark.parametrize(
    ("kind", "name", "fragment"),
    [
        ("storage_account", "a" * 25, "allowed 3-24"),
        ("storage_account", "Risk1", "lowercase letters and digits"),
        ("key_vault", "kv--risk", "no '--'"),
        ("key_vault", "1kv-risk", "starts with a letter"),
        ("eventhub_namespace", "evhns-risk-sb", "not -sb/-mgmt"),
        ("action_group_short_name", "a" * 13, "allowed 1-12"),
        ("resource_group", "rg-risk.", "not ending in ."),
        ("log_analytics_workspace", "log", "allowed 4-63"),
        ("log_analytics_workspace", "log-risk-", "ends alnum"),
    ],
)
def test_rules_reject_bad_names(kind, name, fragment):
    assert fragment in naming.AZURE_RULES[kind].problem(name)


def test_rules_accept_good_names():
    assert naming.AZURE_RULES["key_vault"].problem("kv-risk-prd-ab12") == ""


@pytest.mark.parametrize("domain", ["r", "Risk", "1risk", "risk-x", "toolongdomain"])
def test_bad_domains_raise(domain):
    with pytest.raises(naming.NamingError, match="domain"):
        naming.environment_names(domain, "dev", "ab12")


def test_unknown_environment_raises():
    with pytest.raises(naming.NamingError, match="environment 'qa'"):
        naming.environment_names("risk", "qa", "ab12")


def test_bad_suffix_raises():
    with pytest.raises(naming.NamingError, match="suffix"):
        naming.environment_names("risk", "dev", "AB12")


def test_naming_problems_lists_each_failing_environment():
    assert naming.naming_problems("risk", ["dev", "prd"], "ab12") == []
    problems = naming.naming_problems("Risk", ["dev", "prd"], "ab12")
    assert [p.split(":")[0] for p in problems] == ["dev", "prd", "state"]


def test_suffix_is_stable_short_and_owner_specific():
    first = naming.name_suffix("risk:a@contoso.com")
    assert first == naming.name_suffix("risk:a@contoso.com")
    assert re.fullmatch(r"[a-z0-9]{4}", first)
    assert first != naming.name_suffix("risk:b@contoso.com")


def test_contract_id_is_a_stable_uuid_per_dataset():
    first = naming.contract_id("risk", "card_transactions")
    assert first == naming.contract_id("risk", "card_transactions")
    assert first != naming.contract_id("risk", "chargebacks")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", first)


def test_unity_catalog_names():
    assert naming.table_name("risk", "prd", "silver", "card_transactions") == (
        "risk_prd.silver.card_transactions"
    )
    assert naming.quarantine_table("card_transactions") == "card_transactions_quarantine"
    with pytest.raises(naming.NamingError, match="Unity Catalog identifier"):
        naming.table_name("risk", "prd", "silver", "Card-Transactions")
    assert naming.schema_name("risk", "dev", "gold") == "risk_dev.gold"
    assert naming.volume_name("risk", "dev", "landing") == "risk_dev.bronze.landing"
    assert naming.governance_function("risk", "dev", "mask_last4_string") == (
        "risk_dev.governance.mask_last4_string"
    )
    assert naming.qualified_name("risk_dev.silver.cards", "email") == "risk_dev.silver.cards.email"


def test_volume_paths():
    """The FUSE path of a volume (/Volumes/<catalog>/<schema>/<volume>) and of a folder in it,
    as a directory: file arrival triggers watch a folder URL ending in '/'."""
    assert naming.volume_path("risk", "prd", "checkpoints") == (
        "/Volumes/risk_prd/bronze/checkpoints"
    )
    assert naming.volume_folder("risk", "dev", "landing", "card_transactions") == (
        "/Volumes/risk_dev/bronze/landing/card_transactions/"
    )
    with pytest.raises(naming.NamingError, match="Unity Catalog identifier"):
        naming.volume_path("risk", "dev", "Landing Zone")


def test_job_group_and_package_names():
    assert naming.job_name("risk", "card_transactions", "dev") == "risk-card-transactions-dev"
    assert naming.group_name("risk", "pii-readers") == "risk-pii-readers"
    assert naming.distribution_name("risk") == "risk_lakehouse"
    assert naming.distribution_name("risk").isidentifier()
