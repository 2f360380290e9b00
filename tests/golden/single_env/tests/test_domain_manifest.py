"""The domain manifest, domain.json: the one file Terraform, the engine and the bundle jobs
read the domain's facts and names from (the wheel's copy is checked in test_bundle.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lakehouse_domain import domain

from .conftest import ROOT

MANIFEST = ROOT / "domain.json"
# How a Terraform root reads a JSON file next to it: jsondecode(file("${path.module}/...")).
TERRAFORM_FILE_READ = re.compile(r'file\("\$\{path\.module\}/([^"]+\.json)"\)')


def test_the_engine_reads_the_repository_manifest():
    manifest = json.loads(MANIFEST.read_text())
    assert domain.manifest_path() == MANIFEST
    assert manifest["domain"] == domain.DOMAIN
    assert list(manifest["environments"]) == domain.ENVIRONMENTS
    assert manifest["groups"]["engineers"] == domain.ENGINEERS_GROUP
    for environment in domain.ENVIRONMENTS:
        assert domain.environment_names(environment) == manifest["environments"][environment]


def test_terraform_reads_the_same_manifest():
    read = {
        (tf.parent.relative_to(ROOT), (tf.parent / relative).resolve())
        for tf in (ROOT / "infra").rglob("*.tf")
        for relative in TERRAFORM_FILE_READ.findall(tf.read_text())
    }
    manifest = MANIFEST.resolve()
    assert read == {(Path("infra/bootstrap"), manifest), (Path("infra/environment"), manifest)}


def test_no_code_holds_a_name_of_the_domain():
    """Python, Terraform and shell take every name from domain.json (or compute it with the
    naming core); none is written into them, so the manifest is the one place it changes."""
    manifest = json.loads(MANIFEST.read_text())
    named = [*manifest["environments"].values(), manifest["state"]]
    names = {v for n in named for v in n.values() if isinstance(v, str) and domain.DOMAIN in v}
    # A short or identifier-shaped group name ('n', '5', 'Ia', 'analysts') is also a piece
    # of ordinary code ('n' in a test); only names no code holds by chance are evidence.
    groups = manifest["groups"].values()
    names |= {name for name in groups if len(name) >= 6 and not name.isidentifier()}
    assert names
    code = [
        *(ROOT / "src").rglob("*.py"),
        *(ROOT / "resources").rglob("*.py"),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "infra").rglob("*.tf"),
        *(ROOT / "scripts").glob("*.sh"),
    ]
    # Names as string literals: a short generated name is also a piece of ordinary code.
    patterns = {name: re.compile(rf"([\"']){re.escape(name)}\1") for name in names}
    holding = {}
    for path in code:
        text = path.read_text()
        if found := sorted(name for name, pattern in patterns.items() if pattern.search(text)):
            holding[str(path.relative_to(ROOT))] = found
    assert holding == {}


def test_a_missing_manifest_is_named(tmp_path, monkeypatch):
    """A checkout without domain.json (and no installed wheel) stops with both places named."""
    checkout = tmp_path / "checkout"
    monkeypatch.setattr(domain, "__file__", str(checkout / "src" / "lakehouse_domain" / "d.py"))
    with pytest.raises(domain.ManifestError) as error:
        domain.manifest_path()
    assert str(checkout / "domain.json") in str(error.value)
    assert "installed wheel" in str(error.value)
