"""Rendered tests marked `domain_independent` read nothing an answer changes.

Only the default render's full `make test` runs them; the renders of other answers skip them
(support.generated_venv.make, ``domain_dependent_tests_only``). That is sound only while such a
test reads none of the render's facts: no contract or local-run fixture, no contracts folder,
domain manifest or repository file, through its own body or the module's helpers it calls.
"""

from __future__ import annotations

import ast

from support.paths import TEMPLATE_DIR

MARK = "pytest.mark.domain_independent"
# Fixtures of template/tests/conftest.py (and the modules) that hand a test the render's facts.
DOMAIN_FIXTURES = {"contract", "local_run", "workspace", "repository", "healthy"}
# Module-level names that read the render's files: contracts, domain.json, the repository.
DOMAIN_NAMES = {
    "CONTRACTS",
    "DATASETS",
    "ENVIRONMENT",
    "ENVIRONMENTS",
    "MANIFEST",
    "ROOT",
    "contract_document",
    "domain",
    "load_contracts",
}


def domain_reads(source: str) -> dict[str, set[str]]:
    """Each marked test of ``source`` with the domain fixtures and names it reaches."""
    functions = {
        node.name: node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
    }

    def reached(function: ast.FunctionDef, seen: set[str]) -> set[str]:
        found = {arg.arg for arg in function.args.args} & DOMAIN_FIXTURES
        called = {arg.arg for arg in function.args.args}  # fixtures defined in the module
        for node in ast.walk(function):
            if isinstance(node, ast.Name):
                found |= {node.id} & DOMAIN_NAMES
                called.add(node.id)
        for name in sorted(called & functions.keys() - seen):
            seen.add(name)
            found |= reached(functions[name], seen)
        return found

    return {
        name: reached(function, {name})
        for name, function in functions.items()
        if any(ast.unparse(decorator) == MARK for decorator in function.decorator_list)
    }


def test_marked_rendered_tests_read_nothing_of_the_domain():
    marked = {}
    for path in sorted((TEMPLATE_DIR / "tests").glob("test_*.py")):
        for name, reads in domain_reads(path.read_text()).items():
            marked[f"{path.name}::{name}"] = reads
    assert marked, f"no rendered test is marked {MARK}"
    assert {test: reads for test, reads in marked.items() if reads} == {}


def test_a_marked_test_that_reads_the_domain_is_named():
    source = f"""
import pytest

def helper():
    return load_contracts(CONTRACTS)

@{MARK}
def test_direct(contract):
    pass

@{MARK}
def test_through_a_helper(spark):
    helper()

@{MARK}
def test_pure(spark, tmp_path):
    pass

def test_unmarked(contract):
    pass
"""
    assert domain_reads(source) == {
        "test_direct": {"contract"},
        "test_through_a_helper": {"CONTRACTS", "load_contracts"},
        "test_pure": set(),
    }
