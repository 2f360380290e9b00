"""The domain's facts, from its manifest ``domain.json`` (managed by the template).

The template writes the manifest from the questionnaire answers, with every Azure, Unity
Catalog and Databricks name from the naming core; Terraform (``infra/``), the bundle jobs
(``resources/``) and this engine all read that one file. Change an answer with
``copier update --data <question>=<value>``, never the file by hand.

The installed wheel carries a copy inside this package (jobs on Databricks read it there); a
checkout reads the repository's own ``domain.json``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

MANIFEST_NAME = "domain.json"


class ManifestError(RuntimeError):
    """The domain manifest is missing (the engine cannot know its domain without it)."""


def manifest_path() -> Path:
    """The packaged manifest of an installed wheel, else the one of the repository checkout."""
    packaged = Path(str(resources.files(__package__).joinpath(MANIFEST_NAME)))
    if packaged.is_file():
        return packaged
    repository = Path(__file__).resolve().parents[2] / MANIFEST_NAME
    if repository.is_file():
        return repository
    raise ManifestError(
        f"no domain manifest: neither {packaged} (installed wheel) nor {repository} (checkout)"
    )


MANIFEST: dict = json.loads(manifest_path().read_text(encoding="utf-8"))

DOMAIN: str = MANIFEST["domain"]
AZURE_REGION: str = MANIFEST["region"]
# In the order answered.
ENVIRONMENTS: list[str] = list(MANIFEST["environments"])
ENGINEERS_GROUP: str = MANIFEST["groups"]["engineers"]
ANALYSTS_GROUP: str = MANIFEST["groups"]["analysts"]
PII_READERS_GROUP: str = MANIFEST["groups"]["pii_readers"]
OWNER_TEAM: str = MANIFEST["owner"]["team"]
OWNER_EMAIL: str = MANIFEST["owner"]["email"]
ALERT_EMAIL: str = MANIFEST["alert_email"]
COMPUTE: str = MANIFEST["compute"]
# Anomaly detection on the silver and gold schemas (infra/modules/quality_monitoring).
QUALITY_MONITORS: bool = MANIFEST["quality_monitors"]
# The tags infra/ puts on every Azure resource (domain, cost_center, owner); the jobs reuse them.
TAGS: dict[str, str] = dict(MANIFEST["tags"])


def environment_names(environment: str) -> dict:
    """Every Azure, Unity Catalog and Databricks name of one environment (from the manifest;
    the naming core computed them when the template wrote it)."""
    try:
        return MANIFEST["environments"][environment]
    except KeyError:
        allowed = ", ".join(ENVIRONMENTS)
        raise ValueError(f"environment {environment!r} must be one of {allowed}") from None
