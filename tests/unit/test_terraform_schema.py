"""The offline schema checker accepts valid Terraform and names each planted mistake exactly."""

import pytest

from support.terraform_schema import admits, check_module, check_tree, latest, load_schemas

STORAGE = """
resource "azurerm_storage_account" "data" {
  name                              = "stdata"
  resource_group_name               = var.resource_group_name
  location                          = var.location
  account_tier                      = "Standard"
  account_replication_type          = "ZRS"
  infrastructure_encryption_enabled = true
  tags                              = { "owner" = "data" }

  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 7
    }
  }

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  lifecycle {
    prevent_destroy = true
  }
}
"""

GRANTS = """
resource "databricks_grants" "catalog" {
  catalog = "risk_dev"
  grant {
    principal  = "engineers"
    privileges = ["USE_CATALOG"]
  }
  grant {
    principal  = "analysts"
    privileges = ["USE_CATALOG", "BROWSE"]
  }
}

resource "databricks_grants" "schemas" {
  for_each = toset(["bronze", "silver"])
  schema   = "risk_dev.${each.key}"
  dynamic "grant" {
    for_each = var.readers
    iterator = reader
    content {
      principal  = reader.value
      privileges = ["USE_SCHEMA"]
    }
  }
}
"""

PROVIDERS = """
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "4.81.0"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

data "databricks_current_metastore" "this" {}
"""


@pytest.fixture(scope="module")
def schemas():
    return latest(load_schemas())


def test_fixture_records_the_newest_release_of_each_major():
    versions = {name: sorted(releases) for name, releases in load_schemas().items()}
    assert versions == {
        "azurerm": ["4.81.0", "5.10.0"],
        "databricks": ["1.138.0"],
        "azuread": ["3.10.0"],
        "time": ["0.14.2"],
    }


@pytest.mark.parametrize(
    ("constraint", "version", "admitted"),
    [
        (">= 4.50, < 6.0", "5.10.0", True),
        (">= 5.10, < 6.0", "4.81.0", False),
        (">= 5.10, < 6.0", "5.9.0", False),
        ("~> 1.2", "1.9.0", True),
        ("~> 1.2", "2.0.0", False),
        ("~> 1.2.3", "1.3.0", False),
        ("!= 1.0.0", "1.0.0", False),
    ],
)
def test_version_constraints(constraint, version, admitted):
    assert admits(constraint, version) is admitted


def test_valid_configuration_has_no_problems(tmp_path, schemas):
    (tmp_path / "storage.tf").write_text(STORAGE)
    (tmp_path / "grants.tf").write_text(GRANTS)
    (tmp_path / "providers.tf").write_text(PROVIDERS)
    assert check_module(tmp_path, schemas) == []


def _replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        pytest.param(
            _replace(STORAGE, "account_replication_type ", "account_replication_typ  "),
            [
                "main.tf: azurerm_storage_account.data: unknown argument 'account_replication_typ'",
                "main.tf: azurerm_storage_account.data: "
                "missing required argument 'account_replication_type'",
            ],
            id="typo",
        ),
        pytest.param(
            _replace(STORAGE, 'account_tier                      = "Standard"\n', ""),
            ["main.tf: azurerm_storage_account.data: missing required argument 'account_tier'"],
            id="missing-required",
        ),
        pytest.param(
            _replace(STORAGE, "days = 7", "dayz = 7"),
            [
                "main.tf: azurerm_storage_account.data: "
                "blob_properties.delete_retention_policy: unknown argument 'dayz'"
            ],
            id="typo-in-nested-block",
        ),
        pytest.param(
            _replace(STORAGE, 'default_action = "Deny"', 'bypass = ["Logging"]'),
            [
                "main.tf: azurerm_storage_account.data: network_rules: "
                "missing required argument 'default_action'"
            ],
            id="missing-required-in-nested-block",
        ),
        pytest.param(
            _replace(GRANTS, "principal  = reader.value", "principl   = reader.value"),
            [
                "main.tf: databricks_grants.schemas: grant: unknown argument 'principl'",
                "main.tf: databricks_grants.schemas: grant: missing required argument 'principal'",
            ],
            id="typo-in-dynamic-content",
        ),
        pytest.param(
            _replace(
                STORAGE, 'tags                              = { "owner" = "data" }', "tags {}"
            ),
            ["main.tf: azurerm_storage_account.data: 'tags' is an argument, not a block"],
            id="argument-written-as-block",
        ),
        pytest.param(
            'resource "databricks_schemaa" "bronze" {\n  name = "bronze"\n}\n',
            ["main.tf: databricks_schemaa.bronze: unknown resource type 'databricks_schemaa'"],
            id="unknown-resource-type",
        ),
        pytest.param(
            'data "databricks_current_metastores" "this" {}\n',
            [
                "main.tf: data.databricks_current_metastores.this: "
                "unknown data source 'databricks_current_metastores'"
            ],
            id="unknown-data-source",
        ),
        pytest.param(
            _replace(PROVIDERS, "subscription_id =", "subscriptionid  ="),
            ["main.tf: provider.azurerm: unknown argument 'subscriptionid'"],
            id="unknown-provider-argument",
        ),
        pytest.param(
            'resource "aws_s3_bucket" "data" {}\n',
            ["main.tf: aws_s3_bucket.data: unknown provider 'aws'"],
            id="unknown-provider",
        ),
    ],
)
def test_planted_mistake_is_reported(tmp_path, schemas, snippet, expected):
    (tmp_path / "main.tf").write_text(snippet)
    assert check_module(tmp_path, schemas) == expected


def test_unparsable_file_is_reported(tmp_path, schemas):
    (tmp_path / "main.tf").write_text('resource "databricks_schema" "bronze" {\n')
    (problem,) = check_module(tmp_path, schemas)
    assert problem.startswith("main.tf: cannot parse: ")


def test_tree_reports_paths_relative_to_root(tmp_path, schemas):
    module = tmp_path / "modules" / "storage"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(_replace(STORAGE, "days = 7", "dayz = 7"))
    (tmp_path / "main.tf").write_text(GRANTS)
    assert check_tree(tmp_path, schemas) == [
        "modules/storage/main.tf: azurerm_storage_account.data: "
        "blob_properties.delete_retention_policy: unknown argument 'dayz'"
    ]
