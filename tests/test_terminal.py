"""The questionnaire as a person meets it: `copier copy` in a terminal (a pseudo-terminal
driven by pexpect), with a schema of one's own and a wrong answer corrected in place; then
(slow layer) the rendered domain's own `make test`, `make run`, an interactive
`make add-dataset` with a wrong answer corrected in place, and `make test` again."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

from support.generated_venv import SKIP_DOMAIN_INDEPENDENT_TESTS, generated_repo_venv, make
from support.template_repo import WORKING_TREE_VERSION, git

COPIER = str(Path(sys.executable).with_name("copier"))
CLEAR_LINE = "\x15"  # Ctrl-U: the line's text goes, as in any readline prompt
SUBMIT_MULTILINE = "\x1b\r"  # Esc then Enter ends a multi-line answer
DOWN = "\x1b[B"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SCHEMA = [
    "- order_id string required -- Order number",
    "- ordered_at timestamp required",
    "- email string pii:email",
]
WRONG_LAST_LINE = "- total decimal(12,2) requird"
RIGHT_LAST_LINE = "- total decimal(12,2) required"


class Terminal:
    """A program in a pseudo-terminal, answered prompt by prompt."""

    def __init__(self, command: str, args: list[str], cwd: Path, log: Path):
        env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
        self.child = pexpect.spawn(
            command,
            args,
            cwd=str(cwd),
            env=env,
            encoding="utf-8",
            timeout=90,
            dimensions=(40, 160),
        )
        self.log = log.open("w")
        self.child.logfile_read = self.log

    def answer(self, prompt: str, text: str = "", submit: str = "\r") -> None:
        self.child.expect(prompt)
        time.sleep(0.2)  # let the prompt finish drawing before typing
        self.child.send(text + submit)

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)

    def send(self, text: str) -> None:
        self.child.send(text)

    def finish(self, timeout: int = 180) -> int:
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        self.log.close()
        return self.child.exitstatus

    def screen_text(self, path: Path) -> str:
        return ANSI.sub("", path.read_text())


def copy_interactively(template: Path, destination: Path, log: Path) -> None:
    term = Terminal(
        COPIER,
        ["copy", "--trust", "--vcs-ref", WORKING_TREE_VERSION, str(template), str(destination)],
        destination.parent,
        log,
    )
    term.answer("Domain short name", CLEAR_LINE + "shop")
    for prompt in ("description of the domain", "Team that owns", "Owner contact", "Cost centre"):
        term.answer(prompt)
    term.answer("Azure region")
    term.answer("Environments to create")
    term.answer("How prd's workspace UI/API is reached")  # public
    term.answer(r"Dataset \(table\) name", CLEAR_LINE + "orders")
    term.answer("description of the dataset")
    term.expect("Columns, one per line")
    time.sleep(0.3)
    term.send("\r".join([*SCHEMA, WRONG_LAST_LINE]) + SUBMIT_MULTILINE)
    term.expect("unknown word 'requird'")  # shown under the prompt; the buffer stays
    time.sleep(0.3)
    term.send(CLEAR_LINE + RIGHT_LAST_LINE + SUBMIT_MULTILINE)
    term.answer("Primary key")  # proposed from the columns: [order_id]
    term.answer("Column that orders versions")  # proposed: ordered_at
    term.answer("Masks, one per line", submit=SUBMIT_MULTILINE)  # proposed: email_partial
    for prompt in (
        "Where the dataset comes from",
        "Format of the landed files",
        "Optional delete marker",  # none: no deletes
        "History kept in silver",  # 1: the latest version of each key
        "owns the catalogs and schemas",
        "data engineers",
        "Account group of analysts",
        "allowed to see PII",
        "Optional row filter",
        "Compute of the Databricks jobs",
        "Email that receives",
        "Monthly budget",
        "Anomaly detection",
        "Days raw files stay",
    ):
        term.answer(prompt)
    assert term.finish() == 0, log.read_text()[-3000:]


@pytest.fixture(scope="module")
def typed_domain(template_repo, tmp_path_factory):
    base = tmp_path_factory.mktemp("terminal")
    destination = base / "shop"
    copy_interactively(template_repo, destination, base / "copier.log")
    return destination


def test_a_schema_typed_in_a_terminal_renders_with_derived_defaults(typed_domain):
    answers = yaml.safe_load((typed_domain / ".copier-answers.yml").read_text())
    assert [c["name"] for c in answers["columns"]] == ["order_id", "ordered_at", "email", "total"]
    assert answers["columns"][3] == {"name": "total", "type": "decimal(12,2)", "required": True}
    assert answers["primary_key"] == ["order_id"]
    assert answers["ordering_column"] == "ordered_at"
    assert answers["masking_rules"] == {"email": "email_partial"}
    assert answers["domain_description"] == "Data products of the shop domain"
    assert answers["quality_monitors"] is True  # the default, a yes/no prompt
    contract = yaml.safe_load((typed_domain / "contracts" / "orders.odcs.yaml").read_text())
    assert [p["name"] for p in contract["schema"][0]["properties"]] == [
        "order_id",
        "ordered_at",
        "email",
        "total",
    ]
    assert "card" not in (typed_domain / "README.md").read_text().lower()


def test_the_wrong_answer_was_shown_as_one_line_under_the_prompt(typed_domain):
    log = ANSI.sub("", (typed_domain.parent / "copier.log").read_text())
    error = next(line for line in log.splitlines() if "unknown word 'requird'" in line)
    assert "Traceback" not in log
    assert "columns.total: unknown word 'requird'" in error


ADD_DATASET_SCHEMA = [("refund_id", "string"), ("refunded_at", "timestamp"), ("amount", "decimal")]


def add_dataset_interactively(project: Path, venv: Path, log: Path) -> None:
    stamp = venv / "bin" / ".installed"
    stamp.touch()
    term = Terminal(
        "make",
        ["--no-print-directory", "-o", str(stamp), f"VENV={venv}", "add-dataset"],
        project,
        log,
    )
    term.answer(r"Dataset \(table\) name", "order")  # a reserved SQL word: refused in place
    term.expect("reserved SQL word")
    term.send(CLEAR_LINE + "refunds\r")
    term.answer("One-line description")
    term.answer("Source")  # files
    term.answer("File format")  # csv
    for name, kind in ADD_DATASET_SCHEMA:
        term.answer("olumn name", name)
        downs = ["string", "int", "bigint", "double", "boolean", "date", "timestamp", "decimal"]
        term.answer(f"Type of {name}", DOWN * downs.index(kind))
        if kind == "decimal":
            term.answer("Decimal type")  # decimal(18,2)
        term.answer(f"Is {name} required")  # yes
        if kind == "string":
            term.answer(f"PII kind of {name}")  # none
        term.answer(f"Description of {name}")
    term.answer("Column name")  # done
    term.answer("Primary key")  # refund_id proposed and checked
    term.answer("orders versions")  # refunded_at
    term.answer("History kept in silver")  # 1 (no column can mark deletes: not asked)
    term.answer("row filter")  # no
    assert term.finish() == 0, log.read_text()[-3000:]


@pytest.mark.slow
def test_the_typed_domain_tests_runs_and_grows_by_a_dataset(typed_domain, tmp_path, monkeypatch):
    project = typed_domain
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Render shop")
    venv = generated_repo_venv(project)
    # make test runs once, after add-dataset: it covers the first dataset's tests too.
    first = make(project, venv, "run", "ROWS=300")
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-3000:]
    add_dataset_interactively(project, venv, tmp_path / "add-dataset.log")
    assert (project / "contracts" / "refunds.odcs.yaml").is_file()
    assert (project / "src" / "lakehouse_domain" / "gold_transforms" / "refunds.py").is_file()
    readme = (project / "README.md").read_text()
    assert "### `orders`" in readme and "### `refunds`" in readme
    monkeypatch.setenv(*SKIP_DOMAIN_INDEPENDENT_TESTS)
    again = make(project, venv, "test", "run", "ROWS=300", "SEED=7")
    assert again.returncode == 0, again.stdout[-5000:] + again.stderr[-3000:]
    report = json.loads((project / "build" / "run_report.json").read_text())
    assert {d["dataset"] for d in report["datasets"]} == {"orders", "refunds"}
    assert report["succeeded"]
