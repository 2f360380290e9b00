"""Extract Terraform provider argument schemas into tests/fixtures/provider_schemas.json.

`terraform validate` needs the provider binaries from the Terraform registry, which the test
machines cannot reach; PyPI they can. The CDK Terrain prebuilt providers on PyPI are generated
from the providers' own schemas and ship them as a jsii assembly: every resource, data source
and provider is a class whose `Config` interface lists each configurable argument, and each
argument's docs link to its registry page with the real Terraform name as the `#anchor`. This
script downloads the pinned wheels, reads those assemblies and writes, per provider, which
arguments and nested blocks exist and which are required; tests/support/terraform_schema.py
checks rendered `.tf` files against that file offline. Run
`python tools/extract_provider_schemas.py` after changing a pin below; the output is
deterministic, so an unchanged pin gives no diff.

A version constraint admits every release in its range, so the file keeps one schema per
major version a constraint of the template may admit: the newest azurerm 4.x and 5.x, for
instance. The fixture maps provider -> version -> schema.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# Each wheel wraps one provider release, the newest of its major on PyPI: azurerm 4.81.0 and
# 5.10.0, databricks 1.138.0, azuread 3.10.0, time 0.14.2.
WHEELS = [
    ("cdktn-provider-azurerm", "17.0.0"),
    ("cdktn-provider-azurerm", "18.9.0"),
    ("cdktn-provider-databricks", "18.11.0"),
    ("cdktn-provider-azuread", "17.1.0"),
    ("cdktn-provider-time", "14.0.2"),
]
OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "provider_schemas.json"

LINK = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/[^/]+/(?P<provider>[^/]+)/"
    r"(?P<version>[^/]+)/docs(?:/(?P<kind>resources|data-sources)/[^\s#}]+)?"
    r"(?:#(?P<anchor>[^\s}]+))? (?P<label>[^}]+)\}"
)
SECTIONS = {
    "cdktn.TerraformResource": "resources",
    "cdktn.TerraformDataSource": "data_sources",
    "cdktn.TerraformProvider": "provider",
}


def registry_link(docs: dict) -> re.Match | None:
    """The registry link sits in the summary, or in the remarks when the summary is prose."""
    for field in ("summary", "remarks"):
        match = LINK.search(docs.get(field, ""))
        if match:
            return match
    return None


def interface_fqns(type_ref: dict, types: dict) -> list[str]:
    """Interfaces of this assembly that a property's type refers to, through lists and unions."""
    if "fqn" in type_ref:
        target = types.get(type_ref["fqn"])
        return [type_ref["fqn"]] if target and target["kind"] == "interface" else []
    if "collection" in type_ref:
        return interface_fqns(type_ref["collection"]["elementtype"], types)
    if "union" in type_ref:
        return [
            fqn for member in type_ref["union"]["types"] for fqn in interface_fqns(member, types)
        ]
    return []


def arguments(fqn: str, types: dict, visiting: tuple[str, ...] = ()) -> dict:
    if fqn in visiting:
        raise ValueError(f"recursive block type {fqn}: the schema format cannot express it")
    schema = {}
    for prop in types[fqn].get("properties", []):
        # Meta-arguments (count, lifecycle, ...) are inherited from cdktn.TerraformMetaArguments,
        # so every property listed here is a provider argument and must name itself by anchor;
        # failing loudly keeps a change of the docs format from silently dropping arguments.
        link = registry_link(prop.get("docs", {}))
        nested = interface_fqns(prop["type"], types)
        if link is None or link["anchor"] is None or link["anchor"] in schema:
            raise ValueError(f"{fqn}.{prop['name']}: no registry anchor, or a repeated one")
        if len(nested) > 1:
            raise ValueError(f"{fqn}.{prop['name']} refers to several block types: {nested}")
        schema[link["anchor"]] = {
            "required": not prop.get("optional", False),
            "block": arguments(nested[0], types, (*visiting, fqn)) if nested else None,
        }
    return schema


def provider_schema(assembly: dict) -> tuple[str, dict]:
    types = assembly["types"]
    name, result = None, {"provider": None, "resources": {}, "data_sources": {}}
    versions = set()
    for cls in types.values():
        section = SECTIONS.get(cls.get("base"))
        if section is None:
            continue
        link = registry_link(cls["docs"])
        config = cls["initializer"]["parameters"][2]["type"]["fqn"]
        versions.add(link["version"])
        if section == "provider":
            name = link["label"]
            result["provider"] = arguments(config, types)
        else:
            expected = "resources" if section == "resources" else "data-sources"
            if link["kind"] != expected:
                raise ValueError(f"{cls['fqn']} links to {link['kind']}, expected {expected}")
            result[section][link["label"]] = arguments(config, types)
    if name is None or len(versions) != 1:
        raise ValueError(f"{assembly['name']}: provider {name!r}, versions {sorted(versions)}")
    return name, {"version": versions.pop(), **result}


def read_assembly(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        (member,) = [n for n in archive.namelist() if n.endswith(".jsii.tgz")]
        packed = archive.read(member)
    with tarfile.open(fileobj=io.BytesIO(packed)) as tarball:
        return json.load(tarball.extractfile("package/.jsii"))


def main() -> None:
    schemas: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for package, version in WHEELS:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
                + ["--dest", tmp, f"{package}=={version}"],
                check=True,
            )
            (wheel,) = Path(tmp).glob(f"{package.replace('-', '_')}-{version}-*.whl")
            name, schema = provider_schema(read_assembly(wheel))
            provider_version = schema.pop("version")
            schemas.setdefault(name, {})[provider_version] = schema
            print(
                f"{package} {version}: {name} {provider_version}, "
                f"{len(schema['resources'])} resources, "
                f"{len(schema['data_sources'])} data sources"
            )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(schemas, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
