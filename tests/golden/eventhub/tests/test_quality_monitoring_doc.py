"""docs/quality-monitoring.md tells the truth about this repository: it exists exactly when
the domain answered quality_monitors=true, and the schemas, Terraform module, verification
check, groups and question it names are the real ones."""

from __future__ import annotations

import re

import pytest

from lakehouse_domain import domain, naming, verify

from .conftest import ROOT

DOC = ROOT / "docs" / "quality-monitoring.md"
MODULE = ROOT / "infra" / "modules" / "quality_monitoring"
needs_monitors = pytest.mark.skipif(
    not domain.QUALITY_MONITORS, reason="quality_monitors is off in this domain"
)


def test_the_page_and_the_module_exist_exactly_when_the_domain_answered_yes():
    assert DOC.is_file() is domain.QUALITY_MONITORS
    assert MODULE.is_dir() is domain.QUALITY_MONITORS
    answers = (ROOT / ".copier-answers.yml").read_text()
    assert f"quality_monitors: {str(domain.QUALITY_MONITORS).lower()}" in answers


@needs_monitors
def test_the_page_names_the_schemas_terraform_and_verify_monitor():
    text = DOC.read_text()
    layers = re.search(r"monitored_layers\s*=\s*\[([^\]]*)\]", (MODULE / "locals.tf").read_text())
    assert tuple(re.findall(r'"(\w+)"', layers.group(1))) == verify.MONITORED_LAYERS
    for environment in domain.ENVIRONMENTS:
        for layer in verify.MONITORED_LAYERS:
            assert f"`{naming.schema_name(domain.DOMAIN, environment, layer)}`" in text


@needs_monitors
def test_every_path_check_group_and_command_the_page_names_is_real():
    text = DOC.read_text()
    assert "databricks_data_quality_monitor" in (MODULE / "main.tf").read_text()
    for path in re.findall(r"`((?:infra|docs)/[\w./-]+)`", text):
        assert (ROOT / path).exists(), path
    assert "`anomaly_detection`" in text and "anomaly_detection" in verify.CHECKS
    assert "ONLY=anomaly_detection" in text and "ONLY" in (ROOT / "Makefile").read_text()
    for group in (domain.ENGINEERS_GROUP, domain.ANALYSTS_GROUP, domain.PII_READERS_GROUP):
        assert f"`{group}`" in text
    assert "--data quality_monitors=false" in text
