"""Contracts load into typed objects; a broken one names the file, the field and the rule."""

from __future__ import annotations

import pytest
import yaml

from lakehouse_domain.contract import ContractError, load_contract, load_contracts
from lakehouse_local.cli import main

from .conftest import CONTRACTS, contract_document


def write(tmp_path, document, name="broken.odcs.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_repository_contracts_are_valid():
    contracts = load_contracts(CONTRACTS)
    assert contracts
    for contract in contracts:
        assert contract.primary_key
        assert set(contract.primary_key) <= set(contract.column_names)
        assert all(contract.column(c).required for c in contract.primary_key)


def test_masks_and_pii_come_from_the_contract(contract):
    for column in contract.columns:
        if column.pii:
            assert column.masking, f"{column.name} is PII without a mask"


def break_logical_type(document):
    document["schema"][0]["properties"][0]["logicalType"] = "integr"
    return "schema[0].properties[0].logicalType", "odcs/enum"


def break_unknown_key(document):
    document["bogus"] = 1
    return "(top level)", "odcs/unevaluatedProperties"


def break_mask_type(document):
    props = document["schema"][0]["properties"]
    candidates = [
        i for i, p in enumerate(props) if p["physicalType"] != "STRING" and not p.get("primaryKey")
    ]
    if not candidates:
        pytest.skip("every column of this contract is text or key")
    index = candidates[0]
    props[index]["customProperties"] = [{"property": "maskingStrategy", "value": "email_partial"}]
    return f"schema[0].properties[{index}].customProperties.maskingStrategy", "strategy-type"


def break_key_required(document):
    props = document["schema"][0]["properties"]
    index = next(i for i, p in enumerate(props) if p.get("primaryKey"))
    props[index]["required"] = False
    return f"schema[0].properties[{index}].primaryKey", "pk-column-required"


def break_type(document):
    document["schema"][0]["properties"][0]["physicalType"] = "VARCHAR(10)"
    return "schema[0].properties[0].physicalType", "known-type"


def _custom(document, name):
    return next(p for p in document["customProperties"] if p["property"] == name)


def break_missing_ordering(document):
    document["customProperties"].remove(_custom(document, "orderingColumn"))
    return "customProperties.orderingColumn", "ordering-column"


def break_ordering_optional(document):
    ordering = _custom(document, "orderingColumn")["value"]
    prop = next(p for p in document["schema"][0]["properties"] if p["name"] == ordering)
    prop["required"] = False
    return "customProperties.orderingColumn", "ordering-required"


def break_masked_key(document):
    key = next(p for p in document["schema"][0]["properties"] if p.get("primaryKey"))
    key["customProperties"] = [{"property": "maskingStrategy", "value": "null"}]
    return "customProperties.maskingStrategy", "pk-not-masked"


def text_column(document) -> str:
    names = [
        p["name"] for p in document["schema"][0]["properties"] if p["physicalType"] == "STRING"
    ]
    if not names:
        pytest.skip("this contract has no text column to filter rows on")
    return names[0]


def break_row_filter_value(document):
    document["customProperties"] = [
        p for p in document["customProperties"] if p["property"] != "rowFilter"
    ] + [
        {
            "property": "rowFilter",
            "value": {
                "column": text_column(document),
                "allowedValues": {"g": ["BR\\", ") OR true --"]},
            },
        }
    ]
    return "customProperties.rowFilter.allowedValues.g[0]", "row-filter-values"


def break_source(document):
    document["customProperties"] = [{"property": "source", "value": {"type": "ftp"}}]
    return "customProperties.source", "source-type"


def without(document, name):
    """``document`` without the custom property ``name`` (contracts from before a property
    existed, in a domain updated from an older release, do not hold it)."""
    document["customProperties"] = [
        p for p in document["customProperties"] if p["property"] != name
    ]
    return document


def break_quarantine_threshold(document):
    without(document, "quarantineThresholdPercent")["customProperties"].append(
        {"property": "quarantineThresholdPercent", "value": 150}
    )
    return "customProperties.quarantineThresholdPercent", "quarantine-threshold"


def marker_column(document) -> str:
    """A text column that can mark deletes: not in the key, not PII."""
    names = [
        p["name"]
        for p in document["schema"][0]["properties"]
        if p["physicalType"] == "STRING" and not p.get("primaryKey") and not p.get("tags")
    ]
    if not names:
        pytest.skip("this contract has no text column that can mark deletes")
    return names[0]


def break_delete_values(document):
    document["customProperties"].append(
        {"property": "deletes", "value": {"column": marker_column(document), "values": []}}
    )
    return "customProperties.deletes.values", "delete-values"


def break_delete_column_key(document):
    key = next(p["name"] for p in document["schema"][0]["properties"] if p.get("primaryKey"))
    document["customProperties"].append(
        {"property": "deletes", "value": {"column": key, "values": ["D"]}}
    )
    return "customProperties.deletes.column", "delete-column-not-key"


def break_tracked_without_history(document):
    document["customProperties"].append(
        {"property": "history", "value": {"scdType": 1, "trackedColumns": ["x"]}}
    )
    return "customProperties.history.trackedColumns", "tracked-needs-scd2"


def break_scd_type(document):
    document["customProperties"].append({"property": "history", "value": {"scdType": 3}})
    return "customProperties.history.scdType", "scd-type"


def break_two_tables(document):
    document["schema"].append(dict(document["schema"][0], name="other"))
    return "schema", "one-table"


@pytest.mark.parametrize(
    "breaker",
    [
        break_logical_type,
        break_unknown_key,
        break_mask_type,
        break_key_required,
        break_type,
        break_source,
        break_two_tables,
        break_missing_ordering,
        break_ordering_optional,
        break_masked_key,
        break_row_filter_value,
        break_quarantine_threshold,
        break_delete_values,
        break_delete_column_key,
        break_tracked_without_history,
        break_scd_type,
    ],
)
def test_broken_contract_names_file_field_and_rule(tmp_path, contract, breaker):
    document = contract_document(contract)
    field, rule = breaker(document)
    path = write(tmp_path, document)
    with pytest.raises(ContractError) as raised:
        load_contract(path)
    message = str(raised.value)
    assert str(path) in message
    assert field in message
    assert f"[rule: {rule}]" in message


def test_invalid_yaml_is_reported(tmp_path):
    path = tmp_path / "bad.odcs.yaml"
    path.write_text("apiVersion: [unclosed\n")
    with pytest.raises(ContractError, match=r"not valid YAML.*\[rule: yaml\]"):
        load_contract(path)


def test_empty_folder_and_duplicate_datasets_are_reported(tmp_path, contract):
    with pytest.raises(ContractError, match="contracts-exist"):
        load_contracts(tmp_path)
    document = contract_document(contract)
    write(tmp_path, document, "a.odcs.yaml")
    write(tmp_path, document, "b.odcs.yaml")
    with pytest.raises(ContractError, match="unique-dataset"):
        load_contracts(tmp_path)


def test_cli_refuses_invalid_contracts_before_any_work(tmp_path, capsys, contract):
    document = contract_document(contract)
    break_logical_type(document)
    write(tmp_path, document)
    root = tmp_path / "local"
    assert main(["--contracts", str(tmp_path), "run", "--root", str(root)]) == 2
    assert "odcs/enum" in capsys.readouterr().err
    assert not root.exists()


def test_a_contract_without_a_quarantine_threshold_gets_the_default(tmp_path, contract):
    """Contracts written before the property existed keep loading (their alert uses 5%)."""
    from lakehouse_domain.dataset_rules import DEFAULT_QUARANTINE_THRESHOLD_PERCENT

    document = without(contract_document(contract), "quarantineThresholdPercent")
    loaded = load_contract(write(tmp_path, document))
    assert loaded.quarantine_threshold_percent == DEFAULT_QUARANTINE_THRESHOLD_PERCENT


def test_deletes_and_history_come_from_the_contract(tmp_path, contract):
    document = contract_document(contract)
    assert contract.changes.delete_column is None and contract.changes.scd_type == 1
    marker = marker_column(document)
    document["customProperties"] += [
        {"property": "deletes", "value": {"column": marker, "values": ["D"], "mode": "soft"}},
        {"property": "history", "value": {"scdType": 2}},
    ]
    changes = load_contract(write(tmp_path, document)).changes
    assert (changes.delete_column, changes.delete_values) == (marker, ("D",))
    assert changes.soft_deletes and changes.scd_type == 2
    # Without tracked columns every column outside key, ordering and marker is tracked.
    skipped = {*contract.primary_key, contract.ordering_column, marker}
    assert changes.tracked_columns == tuple(n for n in contract.column_names if n not in skipped)
