"""``add-dataset``: questions (or a YAML answers file) -> a new contract, its starter gold
transform and the README's dataset list (and, with the first JDBC dataset, the test file that
collects the PostgreSQL tests: ``jdbc_tests``).

Every answer is checked as it is given, by the same rules as the template's questionnaire
(``dataset_rules``); choices only offer what fits (a key among required non-PII columns,
masks that fit the column type). The contract is built by the same code as the first one
(``contract_builder``) and so is the starter gold transform (``gold_starter``). The answers
so far are kept in ``build/add-dataset/answers.yml``: an interrupted session resumes with
``make add-dataset ANSWERS=build/add-dataset/answers.yml``. Nothing is written to
``contracts/`` when an answer is invalid.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

import lakehouse_domain
from lakehouse_domain import (
    contract_builder,
    dataset_docs,
    dataset_rules,
    domain,
    gold_starter,
    naming,
)
from lakehouse_domain.dataset_rules import (
    FILE_FORMATS,
    JDBC_DELETE_CAPTURES,
    JDBC_ENGINES,
    SOURCE_TYPES,
)
from lakehouse_domain.problems import Problem

from . import jdbc_tests

console = Console(stderr=True)
SOURCE_DEFAULTS = {
    "file_format": "csv",
    "eventhub_partitions": 2,
    "eventhub_retention_days": 7,
    "jdbc_engine": "sqlserver",
}
DRAFT = Path("build/add-dataset/answers.yml")
GOLD_TRANSFORMS = Path(lakehouse_domain.__file__).parent / "gold_transforms"
TESTS = Path("tests")


def _choice(question: str, value: Any, allowed: tuple[str, ...]) -> list[Problem]:
    if value in allowed:
        return []
    detail = f"{value!r} must be one of {', '.join(allowed)}"
    return [Problem((question,), detail, "choice")]


def _int_range(question: str, value: Any, low: int, high: int) -> list[Problem]:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return []
    return [Problem((question,), f"{value!r} must be a whole number from {low} to {high}", "range")]


def _text(question: str, value: Any) -> list[Problem]:
    if not isinstance(value, str) or not value.strip():
        return [Problem((question,), "must not be empty", "non-empty")]
    return dataset_rules.check_description((question,), value)


def source_problems(answers: dict) -> list[Problem]:
    """The source answers: type, then what that type needs."""
    source = answers.get("source_type")
    problems = _choice("source_type", source, SOURCE_TYPES)
    if source == "files":
        problems += _choice("file_format", answers.get("file_format"), FILE_FORMATS)
    elif source == "eventhub":
        problems += _int_range("eventhub_partitions", answers.get("eventhub_partitions"), 1, 32)
        problems += _int_range(
            "eventhub_retention_days", answers.get("eventhub_retention_days"), 1, 7
        )
    elif source == "jdbc":
        problems += _choice("jdbc_engine", answers.get("jdbc_engine"), JDBC_ENGINES)
        problems += dataset_rules.check_source_table(answers.get("jdbc_source_table"))
        problems += dataset_rules.check_watermark_column(
            answers.get("jdbc_incremental_column"), answers.get("columns")
        )
        capture = answers.get("jdbc_delete_capture", "none")
        problems += _choice("jdbc_delete_capture", capture, JDBC_DELETE_CAPTURES)
    return problems


def problems_of(answers: dict) -> list[Problem]:
    """Every problem with the dataset answers, in the questionnaire's words."""
    columns, key = answers.get("columns"), answers.get("primary_key")
    problems = dataset_rules.check_dataset_name(answers.get("dataset_name"))
    problems += _text("dataset_description", answers.get("dataset_description"))
    problems += dataset_rules.check_columns(columns)
    if problems:
        return problems
    problems += dataset_rules.check_primary_key(key, columns)
    problems += dataset_rules.check_ordering_column(answers.get("ordering_column"), columns, key)
    problems += dataset_rules.check_masking_rules(answers.get("masking_rules"), columns, key)
    problems += dataset_rules.check_row_filter(
        answers.get("row_filter_column"), answers.get("row_filter_groups"), columns
    )
    problems += dataset_rules.check_changes(
        answers.get("delete_column"),
        answers.get("delete_values"),
        answers.get("delete_mode"),
        answers.get("scd_type"),
        answers.get("tracked_columns"),
        columns,
        key,
        answers.get("ordering_column"),
        answers.get("jdbc_delete_capture", "none")
        if answers.get("source_type") == "jdbc"
        else "none",
    )
    return problems + source_problems(answers)


class Questions:
    """The interactive session: each prompt validates its answer with the dataset rules and
    the answers so far are saved after every prompt."""

    def __init__(self, existing: set[str], draft: Path):
        import questionary

        self.q = questionary
        self.existing = existing
        self.draft = draft
        self.answers: dict[str, Any] = {}

    def save(self) -> None:
        self.draft.parent.mkdir(parents=True, exist_ok=True)
        self.draft.write_text(yaml.safe_dump(self.answers, sort_keys=False, allow_unicode=True))

    @staticmethod
    def _valid(check):
        """A questionary validator: True, or the problems as one line each."""
        return lambda text: "; ".join(str(p) for p in check(text)) or True

    def ask(self, key: str, prompt) -> Any:
        self.answers[key] = prompt.unsafe_ask()
        self.save()
        return self.answers[key]

    def dataset(self) -> None:
        def name_problems(text):
            if text in self.existing:
                return [
                    Problem(("dataset_name",), f"{text!r} already has a contract", "new-dataset")
                ]
            return dataset_rules.check_dataset_name(text)

        name = self.ask(
            "dataset_name",
            self.q.text(
                "Dataset (table) name, lower snake case", validate=self._valid(name_problems)
            ),
        )
        self.ask(
            "dataset_description",
            self.q.text(
                "One-line description",
                default=name.replace("_", " ").capitalize(),
                validate=self._valid(lambda text: _text("dataset_description", text)),
            ),
        )

    def source(self) -> None:
        kind = self.ask("source_type", self.q.select("Source", choices=list(SOURCE_TYPES)))
        if kind == "files":
            self.ask("file_format", self.q.select("File format", choices=list(FILE_FORMATS)))
        elif kind == "eventhub":
            for key, label, low, high, default in (
                ("eventhub_partitions", "Event Hub partitions (1-32)", 1, 32, 2),
                ("eventhub_retention_days", "Days of retention (1-7)", 1, 7, 7),
            ):
                text = self.q.text(
                    label,
                    default=str(default),
                    validate=lambda t, k=key, lo=low, hi=high: (
                        (t.isdigit() and lo <= int(t) <= hi)
                        or f"{k}: {t!r} must be a whole number from {lo} to {hi} [rule: range]"
                    ),
                ).unsafe_ask()
                self.answers[key] = int(text)
                self.save()
        else:
            self.ask("jdbc_engine", self.q.select("Database engine", choices=list(JDBC_ENGINES)))
            self.ask(
                "jdbc_source_table",
                self.q.text(
                    "Source table <schema>.<table>",
                    validate=self._valid(dataset_rules.check_source_table),
                ),
            )

    def column(self, columns: list[dict]) -> dict | None:
        """One column, or None when the user is done."""
        taken = {c["name"] for c in columns}

        def name_problems(text):
            if not text:
                return []
            if text in taken:
                return [Problem(("columns", text), f"{text!r} is used twice", "unique-name")]
            detail, rule = dataset_rules.identifier_problem(text)
            return [Problem(("columns", text), detail, rule)] if detail else []

        name = self.q.text(
            "Column name (empty to finish)" if columns else "First column name",
            validate=self._valid(name_problems),
        ).unsafe_ask()
        if not name:
            return None
        column_type = self.q.select(
            f"Type of {name}", choices=[*dataset_rules.SIMPLE_TYPES, "decimal(p,s)"]
        ).unsafe_ask()
        if column_type == "decimal(p,s)":
            column_type = dataset_rules.canonical_type(
                self.q.text(
                    "Decimal type, e.g. decimal(18,2)",
                    default="decimal(18,2)",
                    validate=lambda t: (
                        dataset_rules.type_problem(dataset_rules.canonical_type(t)) or True
                    ),
                ).unsafe_ask()
            )
        column: dict[str, Any] = {"name": name, "type": column_type}
        column["required"] = self.q.confirm(f"Is {name} required?", default=True).unsafe_ask()
        kinds = [k for k, t in dataset_rules.PII_KIND_TYPES.items() if t == column_type]
        if kinds:
            pii = self.q.select(f"PII kind of {name}", choices=["none", *kinds]).unsafe_ask()
            if pii != "none":
                column["pii"] = pii
        description = self.q.text(
            f"Description of {name} (optional)",
            validate=self._valid(
                lambda t: dataset_rules.check_description(("columns", name, "description"), t)
            ),
        ).unsafe_ask()
        if description:
            column["description"] = description
        return column

    def columns(self) -> list[dict]:
        """Columns until the user stops, and until a key and an ordering column are possible."""
        columns: list[dict] = []
        while True:
            column = self.column(columns)
            if column is not None:
                columns.append(column)
                self.answers["columns"] = columns
                self.save()
                continue
            missing = self._missing(columns)
            if not missing:
                return columns
            console.print(f"[yellow]Add more columns:[/] {missing}")

    @staticmethod
    def _missing(columns: list[dict]) -> str:
        if not columns:
            return "a dataset needs at least one column."
        if dataset_rules.propose_primary_key(columns) is None:
            return "no column can be the key (a key column is required, not PII, not double)."
        if not any(
            not dataset_rules.ordering_problems(c["name"], columns, [], ("ordering_column",))
            for c in columns
        ):
            return (
                "no column can order versions of a record: add a required timestamp or "
                "date (or an int/bigint that grows with every change)."
            )
        return ""

    def keys_and_order(self, columns: list[dict]) -> None:
        eligible = [
            c["name"] for c in columns if not dataset_rules.check_primary_key([c["name"]], columns)
        ]
        proposed = dataset_rules.propose_primary_key(columns) or []
        choices = [self.q.Choice(n, checked=n in proposed) for n in eligible]
        key = self.ask(
            "primary_key",
            self.q.checkbox(
                "Primary key column(s)",
                choices=choices,
                validate=lambda picked: bool(picked) or "pick at least one key column",
            ),
        )
        ordering = [
            c["name"]
            for c in columns
            if not dataset_rules.ordering_problems(c["name"], columns, key, ("ordering_column",))
        ]
        if not ordering:
            console.print(
                "[yellow]Every column that could order versions is in the key; "
                "add one with make add-dataset ANSWERS=build/add-dataset/answers.yml[/]"
            )
            raise KeyboardInterrupt
        self.ask(
            "ordering_column",
            self.q.select(
                "Column that orders versions of a record (newest wins)",
                choices=ordering,
                default=dataset_rules.propose_ordering_column(columns, key) or ordering[0],
            ),
        )

    def masks(self, columns: list[dict]) -> None:
        masks = {}
        for column in columns:
            if column.get("pii"):
                masks[column["name"]] = self.q.select(
                    f"Mask of {column['name']} for people outside the PII readers",
                    choices=dataset_rules.strategies_for(column["type"]),
                    default=dataset_rules.DEFAULT_STRATEGY[column["pii"]],
                ).unsafe_ask()
        self.answers["masking_rules"] = masks
        self.save()

    def watermark(self, columns: list[dict]) -> None:
        eligible = [
            c["name"]
            for c in columns
            if not dataset_rules.watermark_problems(c["name"], columns, ("watermark",))
        ]
        self.ask(
            "jdbc_incremental_column",
            self.q.select(
                "Column each load resumes from (grows with every change)",
                choices=eligible,
                default=self.answers["ordering_column"]
                if self.answers["ordering_column"] in eligible
                else eligible[0],
            ),
        )

    def delete_capture(self) -> None:
        self.ask(
            "jdbc_delete_capture",
            self.q.select(
                "How are rows deleted in the source table captured?",
                choices=[
                    self.q.Choice("not captured", "none"),
                    self.q.Choice("a soft-delete column in the table", "soft_delete_column"),
                    self.q.Choice("a CDC change table with an operation column", "change_table"),
                ],
            ),
        )

    def changes(self, columns: list[dict]) -> None:
        """The delete marker (asked when the source captures deletes, else offered) and the
        history kept."""
        key, ordering = self.answers["primary_key"], self.answers["ordering_column"]
        capture = self.answers.get("jdbc_delete_capture", "none")
        markers = [
            c["name"]
            for c in columns
            if not dataset_rules.check_delete_column(c["name"], columns, key, ordering)
        ]
        wanted = capture != "none" or (
            markers
            and self.q.confirm(
                "Do records carry a delete marker (an operation code or deleted flag)?",
                default=False,
            ).unsafe_ask()
        )
        if wanted and not markers:
            console.print(
                "[yellow]No column can mark deletes (a string or boolean column outside the "
                "key); add one with make add-dataset ANSWERS=build/add-dataset/answers.yml[/]"
            )
            raise KeyboardInterrupt
        if wanted:
            proposed = dataset_rules.propose_delete_column(columns, key, ordering, capture)
            marker = self.ask(
                "delete_column",
                self.q.select(
                    "Column that marks a deleted record",
                    choices=markers,
                    default=proposed or markers[0],
                ),
            )
            if next(c for c in columns if c["name"] == marker)["type"] == "boolean":
                self.answers["delete_values"] = []
            else:
                default = ", ".join(dataset_rules.propose_delete_values(columns, marker))
                values = self.q.text(
                    f"Values of {marker} that mean deleted, comma-separated",
                    default=default,
                    validate=self._valid(
                        lambda t: dataset_rules.check_delete_values(_split(t), marker, columns)
                    ),
                ).unsafe_ask()
                self.answers["delete_values"] = _split(values)
            self.ask(
                "delete_mode",
                self.q.select(
                    "What does a delete do to the silver row?",
                    choices=[
                        self.q.Choice("remove it (hard)", "hard"),
                        self.q.Choice("keep it flagged _deleted (soft)", "soft"),
                    ],
                ),
            )
        history = self.ask(
            "scd_type",
            self.q.select(
                "History kept in silver",
                choices=[
                    self.q.Choice("1 - the latest version of each key", 1),
                    self.q.Choice("2 - a row per version of the tracked columns", 2),
                ],
            ),
        )
        if history == 2:
            trackable = dataset_rules.default_tracked_columns(
                columns, key, ordering, self.answers.get("delete_column")
            )
            self.ask(
                "tracked_columns",
                self.q.checkbox(
                    "Columns whose changes open a new version (none: all of them)",
                    choices=[self.q.Choice(n, checked=True) for n in trackable],
                ),
            )

    def row_filter(self, columns: list[dict]) -> None:
        text_columns = [c["name"] for c in columns if c["type"] == "string" and not c.get("pii")]
        if (
            not text_columns
            or not self.q.confirm(
                "Limit which rows each group sees (row filter)?", default=False
            ).unsafe_ask()
        ):
            return
        self.ask("row_filter_column", self.q.select("Filter column", choices=text_columns))
        groups: dict[str, list[str]] = {}
        while True:
            group = self.q.text(
                "Group that sees some rows (empty to finish)",
                validate=lambda t: (
                    not t
                    or dataset_rules.fullmatch(dataset_rules.GROUP, t)
                    or f"{t!r} is not a group name [rule: group-format]"
                ),
            ).unsafe_ask()
            if not group:
                break
            values = self.q.text(
                f"Values of {self.answers['row_filter_column']} that {group} sees, comma-separated",
                validate=lambda t: (
                    "; ".join(
                        p for p in map(dataset_rules.row_filter_value_problem, _split(t)) if p
                    )
                    or bool(_split(t))
                    or "give at least one value"
                ),
            ).unsafe_ask()
            groups[group] = _split(values)
            self.answers["row_filter_groups"] = groups
            self.save()

    def run(self) -> dict:
        self.dataset()
        self.source()
        columns = self.columns()
        self.keys_and_order(columns)
        self.masks(columns)
        if self.answers["source_type"] == "jdbc":
            self.watermark(columns)
            self.delete_capture()
        self.changes(columns)
        self.row_filter(columns)
        return self.answers


def _split(text: str) -> list[str]:
    return [value.strip() for value in text.split(",") if value.strip()]


def contract_documents(contracts_dir: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted(contracts_dir.glob("*.odcs.yaml"))]


def update_readme(contracts_dir: Path, readme: Path) -> bool:
    """Rewrite the README's dataset list from every contract (False: README has no list)."""
    if not readme.exists():
        return False
    block = dataset_docs.datasets_markdown(contract_documents(contracts_dir))
    try:
        readme.write_text(dataset_docs.replace_block(readme.read_text(), block))
    except ValueError:
        return False
    return True


def add_dataset(
    contracts_dir: Path,
    answers_file: Path | None = None,
    readme: Path = Path("README.md"),
    gold_dir: Path = GOLD_TRANSFORMS,
    draft: Path = DRAFT,
    tests_dir: Path = TESTS,
) -> int:
    existing = {p.name.removesuffix(".odcs.yaml") for p in contracts_dir.glob("*.odcs.yaml")}
    if answers_file:
        given = yaml.safe_load(answers_file.read_text()) or {}
    else:
        session = Questions(existing, draft)
        try:
            given = session.run()
        except KeyboardInterrupt:
            sys.stderr.write(
                f"Stopped. Your answers so far are in {draft}; finish them there and run "
                f"make add-dataset ANSWERS={draft}\n"
            )
            return 130
    answers = {**SOURCE_DEFAULTS, **given}
    problems = problems_of(answers) if isinstance(given, dict) else []
    if not isinstance(given, dict):
        problems = [Problem(("answers",), "the answers file must hold a mapping", "mapping")]
    target = contracts_dir / f"{answers.get('dataset_name')}.odcs.yaml"
    if not problems and target.exists():
        problems = [Problem(("dataset_name",), f"{target} already exists", "new-dataset")]
    if problems:
        # Plain text: rule ids look like console markup ([rule: ...]) and must print as is.
        sys.stderr.write("No contract written:\n" + "\n".join(map(str, problems)) + "\n")
        return 2
    answers.update(
        domain_name=domain.DOMAIN,
        owner_team=domain.OWNER_TEAM,
        owner_email=domain.OWNER_EMAIL,
        engineers_group=domain.ENGINEERS_GROUP,
        analysts_group=domain.ANALYSTS_GROUP,
        pii_readers_group=domain.PII_READERS_GROUP,
    )
    names = {env: domain.environment_names(env) for env in domain.ENVIRONMENTS}
    contract_id = naming.contract_id(domain.DOMAIN, answers["dataset_name"])
    document = contract_builder.build_contract(answers, names, contract_id)
    contracts_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(contract_builder.contract_yaml(document))
    console.print(f"wrote {target}")
    transform = gold_dir / f"{answers['dataset_name']}.py"
    if not transform.exists():
        transform.write_text(gold_starter.starter_transform(answers))
        console.print(f"wrote {transform} (a starter gold transform: yours to change)")
    if answers["source_type"] == "jdbc":
        tests = jdbc_tests.write_if_missing(tests_dir)
        if tests:
            console.print(f"wrote {tests} (the PostgreSQL tests now run with make test)")
    if update_readme(contracts_dir, readme):
        console.print(f"updated the dataset list in {readme}")
    return 0
