"""Hypothesis strategies for questionnaire answers: valid answer sets and hostile answers.

Valid sets cover every question, source and follow-up: 1-60 columns of every type (decimals
across precision and scale), names near every limit, PII kinds with fitting masks, keys,
ordering columns of every allowed type, row filters, free text with quotes, backslashes,
HTML and characters outside the BMP. Hostile answers are strings that try to break out of
the language they land in (SQL, Python, HCL, YAML, TOML, Markdown, shell): each must be
refused with a message naming the question and the rule, or rendered harmlessly.
"""

from __future__ import annotations

import keyword
import string

from hypothesis import strategies as st

from extensions.engine import dataset_rules as rules
from extensions.engine import naming

REGIONS = ("brazilsouth", "eastus", "westeurope", "japaneast", "australiaeast")
TYPES = rules.SIMPLE_TYPES


# --------------------------------------------------------------------------------------------
# Valid answers
# --------------------------------------------------------------------------------------------
def _usable_identifier(name: str) -> bool:
    return not rules.identifier_problem(name)[0] and not keyword.iskeyword(name)


identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,63}", fullmatch=True).filter(_usable_identifier)
dataset_names = identifiers.filter(lambda n: not n.endswith("_quarantine"))
domains = st.from_regex(r"[a-z][a-z0-9]{1,9}", fullmatch=True)
decimal_types = st.integers(1, 38).flatmap(
    lambda p: st.integers(0, p).map(lambda s: f"decimal({p},{s})")
)
column_types = st.one_of(st.sampled_from(TYPES), decimal_types)
# One line of printable text, quotes, backslashes, HTML and emoji included.
free_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"),
        max_codepoint=0x1FAFF,
    ),
    min_size=1,
    max_size=120,
).filter(lambda t: t.strip() and t == t.strip() and t.isprintable())
group_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,40}", fullmatch=True).filter(
    lambda g: g == g.strip()
)
emails = st.from_regex(
    r"[a-z0-9][a-z0-9._+-]{0,20}@[a-z0-9-]{1,12}(\.[a-z]{2,6}){1,2}", fullmatch=True
)
filter_values = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"),
        blacklist_characters="'\"`\\;",
        max_codepoint=0xFFFF,
    ),
    min_size=1,
    max_size=20,
).filter(lambda v: v == v.strip() and v.strip() and v.isprintable())


@st.composite
def column_sets(draw) -> list[dict]:
    """1-60 valid columns, with at least one key candidate and one ordering candidate."""
    names = draw(st.lists(identifiers, min_size=1, max_size=58, unique=True))
    columns = []
    for name in names:
        column_type = draw(column_types)
        column = {"name": name, "type": column_type, "required": draw(st.booleans())}
        kinds = [k for k, t in rules.PII_KIND_TYPES.items() if t == rules.type_family(column_type)]
        if kinds and draw(st.integers(0, 3)) == 0:
            column["pii"] = draw(st.sampled_from(kinds))
        if draw(st.booleans()):
            column["description"] = draw(free_text)
        columns.append(column)
    taken = {c["name"] for c in columns}
    if rules.propose_primary_key(columns) is None:
        name = draw(identifiers.filter(lambda n: n not in taken))
        taken.add(name)
        key_type = draw(st.sampled_from(("string", "int", "bigint", "date", "decimal(12,0)")))
        columns.insert(
            draw(st.integers(0, len(columns))), {"name": name, "type": key_type, "required": True}
        )
    # Two ordering candidates, so one is left whatever goes into the key.
    while (
        sum(
            c["type"] in rules.ORDERING_TYPES and c.get("required") and not c.get("pii")
            for c in columns
        )
        < 2
    ):
        name = draw(identifiers.filter(lambda n: n not in taken))
        taken.add(name)
        ordering_type = draw(st.sampled_from(rules.ORDERING_TYPES))
        column = {"name": name, "type": ordering_type, "required": True}
        columns.insert(draw(st.integers(0, len(columns))), column)
    return columns


def _one_line(column: dict) -> str:
    """A column in the one-line form the interactive prompt uses."""
    parts = [column["name"], column["type"]]
    if column.get("required"):
        parts.append("required")
    if column.get("pii"):
        parts.append(f"pii:{column['pii']}")
    text = " ".join(parts)
    if column.get("description") and " -- " not in column["description"]:
        text += f" -- {column['description']}"
    return text


@st.composite
def dataset_answers(draw) -> dict:
    """Answers of one dataset: columns (in any accepted form), key, ordering, masks, filter."""
    columns = draw(column_sets())
    eligible_keys = [
        c["name"] for c in columns if not rules.check_primary_key([c["name"]], columns)
    ]
    key = draw(st.lists(st.sampled_from(eligible_keys), min_size=1, max_size=3, unique=True))
    orderings = [
        c["name"]
        for c in columns
        if not rules.ordering_problems(c["name"], columns, key, ("ordering_column",))
    ]
    if not orderings:  # every candidate went into the key: keep the key to one column
        key = key[:1]
        orderings = [
            c["name"]
            for c in columns
            if not rules.ordering_problems(c["name"], columns, key, ("ordering_column",))
        ]
    masks = {}
    for column in columns:
        if column["name"] in key:
            continue
        if column.get("pii") or draw(st.integers(0, 5)) == 0:
            masks[column["name"]] = draw(st.sampled_from(rules.strategies_for(column["type"])))
    answers = {
        "dataset_name": draw(dataset_names),
        "dataset_description": draw(free_text),
        "columns": draw(
            st.sampled_from(
                [
                    columns,
                    [
                        _one_line(c)
                        for c in columns
                        if "description" not in c or " -- " not in c["description"]
                    ]
                    if all(" -- " not in c.get("description", "") for c in columns)
                    else columns,
                ]
            )
        ),
        "primary_key": key,
        "ordering_column": draw(st.sampled_from(orderings)),
        "masking_rules": masks,
    }
    text_columns = [c["name"] for c in columns if c["type"] == "string"]
    if text_columns and draw(st.booleans()):
        answers["row_filter_column"] = draw(st.sampled_from(text_columns))
        answers["row_filter_groups"] = draw(
            st.dictionaries(
                group_names, st.lists(filter_values, min_size=1, max_size=4), min_size=1, max_size=3
            )
        )
    else:
        answers["row_filter_column"] = ""
    answers.update(draw(change_answers(columns, key, answers["ordering_column"])))
    return answers


@st.composite
def change_answers(draw, columns: list[dict], key: list[str], ordering: str) -> dict:
    """Deletes (none, or a marker applied hard or soft) and history (SCD type 1 or 2)."""
    markers = [
        c["name"]
        for c in columns
        if not rules.check_delete_column(c["name"], columns, key, ordering)
    ]
    answers: dict = {"delete_column": ""}
    if markers and draw(st.booleans()):
        marker = draw(st.sampled_from(markers))
        boolean = next(c for c in columns if c["name"] == marker)["type"] == "boolean"
        answers["delete_column"] = marker
        answers["delete_values"] = (
            [] if boolean else draw(st.lists(filter_values, min_size=1, max_size=3, unique=True))
        )
        answers["delete_mode"] = draw(st.sampled_from(rules.DELETE_MODES))
    answers["scd_type"] = draw(st.sampled_from((1, "1", 2, "2")))
    if str(answers["scd_type"]) == "2":
        trackable = rules.default_tracked_columns(columns, key, ordering, answers["delete_column"])
        answers["tracked_columns"] = draw(st.lists(st.sampled_from(trackable), unique=True))
    return answers


@st.composite
def source_answers(draw, columns: list[dict], ordering: str, marker: str = "") -> dict:
    kind = draw(st.sampled_from(("files", "eventhub", "jdbc")))
    answers = {"source_type": kind}
    if kind == "files":
        answers["file_format"] = draw(st.sampled_from(("csv", "json", "parquet")))
    elif kind == "eventhub":
        answers["eventhub_partitions"] = draw(st.integers(1, 32) | st.integers(1, 32).map(str))
        answers["eventhub_retention_days"] = draw(st.integers(1, 7))
    else:
        answers["jdbc_engine"] = draw(st.sampled_from(("sqlserver", "postgresql")))
        table_part = st.from_regex(
            r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True
        ) | st.sampled_from(("order", "user", "index", "key", "select"))
        answers["jdbc_source_table"] = f"{draw(table_part)}.{draw(table_part)}"
        watermarks = [
            c["name"]
            for c in rules.normalize_columns(columns)[0]
            if not rules.watermark_problems(c["name"], columns, ("w",))
        ]
        answers["jdbc_incremental_column"] = draw(st.sampled_from(watermarks))
        # A capture needs a marker column; without one deletes are not captured.
        answers["jdbc_delete_capture"] = (
            draw(st.sampled_from(rules.JDBC_DELETE_CAPTURES)) if marker else "none"
        )
    return answers


@st.composite
def valid_answer_sets(draw) -> dict:
    """A whole valid answer set for `copier copy --data-file`."""
    domain = draw(domains)
    owners, engineers, analysts, pii_readers = draw(
        st.lists(group_names, min_size=4, max_size=4, unique=True)
    )
    dataset = draw(dataset_answers())
    answers = {
        "domain_name": domain,
        "domain_description": draw(free_text),
        "owner_team": draw(free_text),
        "owner_email": draw(emails),
        "cost_center": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", fullmatch=True)),
        "azure_region": draw(st.sampled_from(REGIONS)),
        "environments": draw(
            st.lists(st.sampled_from(naming.ENVIRONMENTS), min_size=1, max_size=3, unique=True)
        ),
        "prd_front_end": draw(st.sampled_from(("public", "private"))),
        "owners_group": owners,
        "engineers_group": engineers,
        "analysts_group": analysts,
        "pii_readers_group": pii_readers,
        "compute": draw(st.sampled_from(("serverless", "job_cluster"))),
        "alert_email": draw(emails),
        "monthly_budget": draw(st.integers(1, 10_000_000)),
        "landing_retention_days": draw(st.integers(1, 3650)),
        "quality_monitors": draw(st.booleans()),
        **dataset,
    }
    answers.update(
        draw(
            source_answers(dataset["columns"], dataset["ordering_column"], dataset["delete_column"])
        )
    )
    assert not dataset_problems(answers), dataset_problems(answers)  # a strategy bug otherwise
    return answers


def dataset_problems(answers: dict) -> list:
    """The dataset rules' verdict on a generated answer set (it must be empty)."""
    columns, key = answers["columns"], answers["primary_key"]
    return (
        rules.check_dataset_name(answers["dataset_name"])
        + rules.check_columns(columns)
        + rules.check_primary_key(key, columns)
        + rules.check_ordering_column(answers["ordering_column"], columns, key)
        + rules.check_masking_rules(answers["masking_rules"], columns, key)
        + rules.check_row_filter(
            answers["row_filter_column"], answers.get("row_filter_groups"), columns
        )
        + rules.check_changes(
            answers["delete_column"],
            answers.get("delete_values"),
            answers.get("delete_mode"),
            answers["scd_type"],
            answers.get("tracked_columns"),
            columns,
            key,
            answers["ordering_column"],
            answers.get("jdbc_delete_capture", "none"),
        )
    )


# --------------------------------------------------------------------------------------------
# Hostile answers
# --------------------------------------------------------------------------------------------
BREAKOUTS = (
    "'",
    '"',
    "`",
    "\\",
    "\\'",
    "';--",
    "' OR '1'='1",
    "*/",
    "/*",
    "-- comment",
    "# comment",
    "<!--",
    "-->",
    "${var.x}",
    "%{ if true }",
    "{{ 7*7 }}",
    "{% raw %}",
    "$(id)",
    "`id`",
    ": ",
    "- item",
    "&anchor",
    "*alias",
    "!!python/object",
    "[link](x)",
    "|",
)
CONTROL = ("\n", "\r", "\t", "\x00", "\x0b", "\x0c", "\x1b", "\x85", "\u2028", "\u2029", "\u202e")
RESERVED = (
    "select",
    "drop",
    "table",
    "order",
    "user",
    "null",
    "true",  # SQL
    "class",
    "def",
    "lambda",
    "None",
    "import",  # Python
    "for",
    "in",
    "if",
    "var",
    "local",
    "resource",  # HCL
    "yes",
    "no",
    "off",
    "~",  # YAML 1.1
)
NON_BMP = ("😀", "𝄞", "\U0001f4a9")

hostile_strings = st.one_of(
    st.lists(
        st.sampled_from(BREAKOUTS + CONTROL + RESERVED + NON_BMP)
        | st.text(string.ascii_letters, max_size=4),
        min_size=1,
        max_size=5,
    ).map("".join),
    st.sampled_from(RESERVED),
    st.text(max_size=30),
)

# Questions whose answer is text, and where a hostile value is put for each.
TEXT_QUESTIONS = (
    "owners_group",
    "domain_name",
    "domain_description",
    "owner_team",
    "owner_email",
    "cost_center",
    "dataset_name",
    "dataset_description",
    "engineers_group",
    "analysts_group",
    "pii_readers_group",
    "alert_email",
    "monthly_budget",
    "landing_retention_days",
    "ordering_column",
    "row_filter_column",
    "jdbc_source_table",
    "eventhub_partitions",
)


@st.composite
def hostile_answers(draw) -> tuple[str, dict]:
    """(question, answers) with one answer replaced by a hostile value, the rest valid."""
    question = draw(
        st.sampled_from(
            TEXT_QUESTIONS
            + (
                "column_name",
                "column_type",
                "column_description",
                "mask",
                "filter_value",
                "filter_group",
                "key",
            )
        )
    )
    value = draw(hostile_strings)
    answers = {}
    columns = [
        {"name": "id", "type": "string", "required": True},
        {"name": "updated_at", "type": "timestamp", "required": True},
        {"name": "country", "type": "string", "required": True},
        {"name": "email", "type": "string", "pii": "email"},
    ]
    if question in ("jdbc_source_table",):
        answers["source_type"] = "jdbc"
    if question == "eventhub_partitions":
        answers["source_type"] = "eventhub"
    if question == "column_name":
        columns.append({"name": value, "type": "string"})
        return "columns", {**answers, "columns": columns}
    if question == "column_type":
        columns.append({"name": "extra", "type": value})
        return "columns", {**answers, "columns": columns}
    if question == "column_description":
        columns[0]["description"] = value
        return "columns", {**answers, "columns": columns}
    answers["columns"] = columns
    answers["masking_rules"] = {"email": "email_partial"}
    answers["primary_key"] = ["id"]
    answers["row_filter_column"] = "country"
    answers["row_filter_groups"] = {"risk-analysts": ["BR"]}
    if question == "mask":
        answers["masking_rules"] = {"email": value}
        return "masking_rules", answers
    if question == "filter_value":
        answers["row_filter_groups"] = {"risk-analysts": ["BR", value]}
        return "row_filter_groups", answers
    if question == "filter_group":
        answers["row_filter_groups"] = {value: ["BR"]}
        return "row_filter_groups", answers
    if question == "key":
        answers["primary_key"] = [value]
        return "primary_key", answers
    answers[question] = value
    return question, answers
