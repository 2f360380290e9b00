"""Render every named answer set and check what a user gets."""

import filecmp
import importlib.util
import re
import subprocess
import tomllib

import pytest
import yaml

from support.render import answer_set, answer_set_names, render
from support.tool_venvs import tool_bin

# What each answer set must produce: (dataset, source type, environments).
EXPECTED = {
    "default": ("card_transactions", "files", ["dev", "prd"]),
    "eventhub": ("card_transactions", "eventhub", ["dev", "prd"]),
    "jdbc": ("loan_payments", "jdbc", ["dev", "prd"]),
    "single_env": ("web_sessions", "files", ["dev"]),
    "three_envs": ("card_transactions", "files", ["dev", "stg", "prd"]),
}
JINJA_LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#")


def files_of(project):
    return {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}


def load_contract(project, dataset):
    return yaml.safe_load((project / "contracts" / f"{dataset}.odcs.yaml").read_text())


def test_every_answer_set_has_expectations():
    assert sorted(EXPECTED) == answer_set_names()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_yaml_and_toml_file_parses(answer_set_renders, name):
    project = answer_set_renders[name]
    for path in project.rglob("*"):
        if path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(path.read_text())
        elif path.suffix == ".toml":
            tomllib.loads(path.read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_template_leftovers_or_leaked_paths(answer_set_renders, name, template_repo):
    project = answer_set_renders[name]
    for path in project.rglob("*"):
        if not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:  # an image (the report screenshot): only leaked paths
            data = path.read_bytes()
            assert str(project).encode() not in data and str(template_repo).encode() not in data
            continue
        if path.name == ".copier-answers.yml":
            text = "\n".join(line for line in text.splitlines() if not line.startswith("_src_path"))
        assert not JINJA_LEFTOVER.search(text), f"{path.name} has unrendered Jinja"
        assert str(project) not in text, f"{path.name} leaks the destination path"
        assert str(template_repo) not in text, f"{path.name} leaks the template path"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_contract_follows_the_answers(answer_set_renders, name):
    dataset, source, environments = EXPECTED[name]
    answers = yaml.safe_load((answer_set_renders[name] / ".copier-answers.yml").read_text())
    contract = load_contract(answer_set_renders[name], dataset)
    domain = answers["domain_name"]
    assert contract["apiVersion"] == "v3.1.0"
    assert contract["domain"] == domain
    source_props = {p["property"]: p["value"] for p in contract["customProperties"]}["source"]
    assert source_props["type"] == source
    databricks = [s for s in contract["servers"] if s["type"] == "databricks"]
    assert [s["catalog"] for s in databricks] == [f"{domain}_{env}" for env in environments]
    assert {s["schema"] for s in databricks} == {"silver"}

    properties = {p["name"]: p for p in contract["schema"][0]["properties"]}
    assert list(properties) == [c["name"] for c in answers["columns"]]
    key = [name for name, p in properties.items() if p.get("primaryKey")]
    assert key == answers["primary_key"]
    for column in answers["columns"]:
        prop = properties[column["name"]]
        assert prop["required"] is column.get("required", False)
        if column.get("required"):
            assert {"metric": "nullValues", "mustBe": 0}.items() <= prop["quality"][0].items()
        if column.get("pii"):
            assert prop["classification"] == "restricted"
            assert prop["tags"] == ["pii", f"pii:{column['pii']}"]
    masks = {
        name: {c["property"]: c["value"] for c in p.get("customProperties", [])}["maskingStrategy"]
        for name, p in properties.items()
        if p.get("customProperties")
    }
    assert masks == answers["masking_rules"]
    uniqueness = contract["schema"][0]["quality"][0]
    assert uniqueness["metric"] == "duplicateValues"
    assert uniqueness["arguments"]["properties"] == answers["primary_key"]


def test_source_specific_contract_details(answer_set_renders):
    def source_of(name):
        contract = load_contract(answer_set_renders[name], EXPECTED[name][0])
        return {p["property"]: p["value"] for p in contract["customProperties"]}["source"]

    assert source_of("default")["format"] == "csv"
    assert source_of("three_envs")["format"] == "parquet"
    assert source_of("eventhub") == {
        "type": "eventhub",
        "eventHub": "card_transactions",
        "partitions": 4,
        "retentionDays": 3,
    }
    assert source_of("jdbc") == {
        "type": "jdbc",
        "engine": "postgresql",
        "table": "lending.loan_payments",
        "incrementalColumn": "updated_at",
    }
    kafka = [
        s
        for s in load_contract(answer_set_renders["eventhub"], "card_transactions")["servers"]
        if s["type"] == "kafka"
    ]
    assert [s["host"].split(".")[0].rsplit("-", 1)[0] for s in kafka] == [
        "evhns-fraud-dev",
        "evhns-fraud-prd",
    ]


def test_the_postgresql_tests_are_collected_only_with_a_jdbc_first_dataset(answer_set_renders):
    """The suite is in every render (add-dataset may add a JDBC dataset later); the file that
    collects it only where the first dataset reads over JDBC, with the same text add-dataset
    writes for a later one (lakehouse_local/jdbc_tests.py)."""
    module = answer_set_renders["default"] / "src" / "lakehouse_local" / "jdbc_tests.py"
    spec = importlib.util.spec_from_file_location("jdbc_tests", module)
    jdbc_tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(jdbc_tests)
    for name, (_, source, _) in EXPECTED.items():
        tests = answer_set_renders[name] / "tests"
        assert (tests / "local_postgres_suite.py").is_file(), name
        collected = tests / jdbc_tests.FILE_NAME
        assert collected.is_file() == (source == "jdbc"), name
        if source == "jdbc":
            assert collected.read_text() == jdbc_tests.TEXT


def test_readme_lists_names_from_the_naming_core(answer_set_renders):
    readme = (answer_set_renders["three_envs"] / "README.md").read_text()
    suffix = yaml.safe_load((answer_set_renders["three_envs"] / ".copier-answers.yml").read_text())[
        "name_suffix"
    ]
    for env in ("dev", "stg", "prd"):
        assert f"`paymentsx9_{env}`" in readme
        assert f"`stpaymentsx9{env}{suffix}`" in readme
    assert "`Payments PII Readers`" in readme


def test_two_renders_with_the_same_answers_are_byte_identical(template_repo, tmp_path):
    first = render(template_repo, tmp_path / "first", answer_set("jdbc"))
    second = render(template_repo, tmp_path / "second", answer_set("jdbc"))
    assert files_of(first) == files_of(second)
    for name in files_of(first):
        assert filecmp.cmp(first / name, second / name, shallow=False), name


@pytest.fixture(scope="session")
def datacontract():
    return tool_bin("datacontract", "datacontract")


def datacontract_lint(datacontract, contract):
    return subprocess.run(
        [datacontract, "lint", "--no-inline-references", str(contract)],
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_contract_passes_datacontract_lint(answer_set_renders, name, datacontract):
    contract = answer_set_renders[name] / "contracts" / f"{EXPECTED[name][0]}.odcs.yaml"
    result = datacontract_lint(datacontract, contract)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_datacontract_lint_rejects_a_broken_contract(answer_set_renders, datacontract, tmp_path):
    contract = load_contract(answer_set_renders["default"], "card_transactions")
    contract["schema"][0]["properties"][0]["logicalType"] = "integr"
    broken = tmp_path / "broken.odcs.yaml"
    broken.write_text(yaml.safe_dump(contract))
    result = datacontract_lint(datacontract, broken)
    assert result.returncode != 0
    assert "integr" in result.stdout + result.stderr


def readme_make_commands(project):
    """(target, description) of every `make ...` row of the README's Commands table."""
    readme = (project / "README.md").read_text()
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `make ([a-z-]+)[^`]*` \| (.*) \|$", table, flags=re.M)


@pytest.mark.parametrize("name", ["default", "jdbc"])
def test_every_readme_command_is_a_make_target(answer_set_renders, name):
    project = answer_set_renders[name]
    commands = readme_make_commands(project)
    assert {"run", "test", "lint", "add-dataset", "docs", "governance"} <= {t for t, _ in commands}
    for target, _ in commands:
        dry = subprocess.run(["make", "-n", target], cwd=project, capture_output=True, text=True)
        assert dry.returncode == 0, (target, dry.stderr)


def test_the_readme_names_every_tool_make_lint_runs(answer_set_renders):
    """The README's `make lint` row and the Makefile's lint recipe name the same tools."""
    project = answer_set_renders["default"]
    described = dict(readme_make_commands(project))["lint"]
    recipe = (project / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    tools = {"ruff", "yamllint", "check-jsonschema", "actionlint", "zizmor"}
    ran = {tool for tool in tools if f"$(BIN)/{tool}" in recipe}
    assert ran == tools
    assert {tool for tool in tools if tool in described} == ran
