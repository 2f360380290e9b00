"""The local PostgreSQL: a real server, typed tables, COPY loading and a clean shutdown.

It is also the real JDBC source the engine's queries are proven against: quoted names
(reserved words, a column named like a SQL function), typed watermark literals, ``>=``,
hostile names and literals read back exactly, and every contract's local run from it.

These tests need PostgreSQL and its JDBC driver, which only a repository with a JDBC dataset
installs: pytest collects them through ``test_local_postgres.py``, which the template (for a
JDBC first dataset) or ``add-dataset`` (with the first JDBC dataset added later) writes.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lakehouse_domain.contract import Column, Contract, Source
from lakehouse_domain.sources.jdbc import JdbcConnection, read_increment
from lakehouse_domain.spark_session import postgres_jdbc_jar
from lakehouse_domain.sql import postgres_identifier, postgres_string
from lakehouse_local import run_history
from lakehouse_local.postgres import (
    LocalPostgres,
    PostgresUnavailable,
    postgres_type,
    server_binaries,
)

from .conftest import CONTRACTS, LocalRun, assert_conserved, assert_rerun_changes_nothing
from .hostile_strings import hostile_text, without_nul

requires_server = pytest.mark.skipif(
    server_binaries() is None,
    reason="PostgreSQL server binaries not found; apt-get install postgresql",
)
requires_jdbc = pytest.mark.skipif(
    server_binaries() is None or postgres_jdbc_jar() is None,
    reason="needs PostgreSQL and its JDBC driver: apt-get install postgresql "
    "libpostgresql-jdbc-java",
)

EVERY_TYPE = [
    ("id", "int"),
    ("name", "string"),
    ("amount", "decimal(12,2)"),
    ("big", "bigint"),
    ("ratio", "double"),
    ("active", "boolean"),
    ("born", "date"),
    ("seen_at", "timestamp"),
]
ROWS: list[dict[str, str | None]] = [
    {
        "id": "1",
        "name": "plain",
        "amount": "12345.67",
        "big": "9007199254740993",
        "ratio": "1.5",
        "active": "true",
        "born": "2024-02-29",
        "seen_at": "2024-03-01 12:34:56.789",
    },
    {
        "id": "2",
        "name": "comma, \"quotes\", 'single'\nnew line\r\nand \\N \\. back\\slash\ttab",
        "amount": "-0.01",
        "big": "-1",
        "ratio": "-2.25",
        "active": "false",
        "born": "1970-01-01",
        "seen_at": "1999-12-31 23:59:59",
    },
    {
        "id": "3",
        "name": None,
        "amount": None,
        "big": None,
        "ratio": None,
        "active": None,
        "born": None,
        "seen_at": None,
    },
    {
        "id": "4",
        "name": "",
        "amount": "0",
        "big": "0",
        "ratio": "0",
        "active": "false",
        "born": "2000-01-01",
        "seen_at": "2000-01-01 00:00:00",
    },
    {
        "id": "5",
        "name": "NULL",
        "amount": "1.00",
        "big": "1",
        "ratio": "1",
        "active": "true",
        "born": "2000-01-02",
        "seen_at": "2000-01-02 00:00:00",
    },
    {
        "id": "6",
        "name": "ünïcødé ✓",
        "amount": "2.50",
        "big": "2",
        "ratio": "0.1",
        "active": "true",
        "born": "2000-01-03",
        "seen_at": "2000-01-03 00:00:00",
    },
]
# PostgreSQL's canonical text of each loaded value (None is NULL).
EXPECTED = [
    [
        "1",
        "plain",
        "12345.67",
        "9007199254740993",
        "1.5",
        "true",
        "2024-02-29",
        "2024-03-01 12:34:56.789",
    ],
    [
        "2",
        ROWS[1]["name"],
        "-0.01",
        "-1",
        "-2.25",
        "false",
        "1970-01-01",
        "1999-12-31 23:59:59",
    ],
    ["3", None, None, None, None, None, None, None],
    ["4", "", "0.00", "0", "0", "false", "2000-01-01", "2000-01-01 00:00:00"],
    ["5", "NULL", "1.00", "1", "1", "true", "2000-01-02", "2000-01-02 00:00:00"],
    ["6", "ünïcødé ✓", "2.50", "2", "0.1", "true", "2000-01-03", "2000-01-03 00:00:00"],
]


def read_back(server: LocalPostgres, table: str) -> list[list[str | None]]:
    """Every row as the text PostgreSQL holds, through JSON so NULL and "" stay apart."""
    columns = ", ".join(f"{name}::text" for name, _ in EVERY_TYPE)
    output = server.psql(
        f"SELECT coalesce(json_agg(json_build_array({columns}) ORDER BY id), '[]') FROM {table}"
    )
    return json.loads(output)


def postmaster_running(pid: int) -> bool:
    """True while the process runs; a zombie awaiting its parent counts as stopped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    if server_binaries() is None:
        pytest.skip("PostgreSQL server binaries not found; apt-get install postgresql")
    running = LocalPostgres(tmp_path_factory.mktemp("pg") / "postgres")
    with running:
        yield running
    running.remove()


def test_postgres_types():
    assert postgres_type("string") == "text"
    assert postgres_type("int") == "integer"
    assert postgres_type("bigint") == "bigint"
    assert postgres_type("double") == "double precision"
    assert postgres_type("decimal(10,2)") == "numeric(10,2)"
    assert postgres_type(" DECIMAL( 38 , 0 ) ") == "numeric(38,0)"
    assert postgres_type("boolean") == "boolean"
    assert postgres_type("date") == "date"
    assert postgres_type("timestamp") == "timestamp"
    for bad in ("varchar", "decimal(39,2)", "decimal(5,6)", "decimal(0,0)", ""):
        with pytest.raises(ValueError):
            postgres_type(bad)


def test_missing_server_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    module = sys.modules[LocalPostgres.__module__]
    monkeypatch.setattr(module, "server_binaries", lambda: None)
    server = LocalPostgres(tmp_path / "postgres")
    with pytest.raises(PostgresUnavailable, match="apt-get install postgresql"):
        server.start()
    server.stop()  # nothing was started: nothing to do
    assert issubclass(PostgresUnavailable, RuntimeError)


@requires_server
def test_columns_get_the_mapped_types(server: LocalPostgres):
    server.create_table("typed.columns", EVERY_TYPE)
    server.create_table("typed.columns", EVERY_TYPE)  # a second time is a no-op
    output = server.psql(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'typed.columns'::regclass AND attnum > 0 ORDER BY attnum"
    )
    assert [line.split("|") for line in output.splitlines()] == [
        ["id", "integer"],
        ["name", "text"],
        ["amount", "numeric(12,2)"],
        ["big", "bigint"],
        ["ratio", "double precision"],
        ["active", "boolean"],
        ["born", "date"],
        ["seen_at", "timestamp without time zone"],
    ]


@requires_server
def test_rows_round_trip_exactly(server: LocalPostgres):
    server.create_table("sales.orders", EVERY_TYPE)
    loaded = server.insert_rows("sales.orders", [name for name, _ in EVERY_TYPE], ROWS)
    assert loaded == len(ROWS)
    assert read_back(server, "sales.orders") == EXPECTED
    assert server.psql("SELECT count(*) FROM sales.orders WHERE name IS NULL").strip() == "1"
    assert server.insert_rows("sales.orders", ["id"], []) == 0


@requires_server
def test_table_without_schema_and_reserved_column_names(server: LocalPostgres):
    server.create_table("events", [("order", "int"), ("user", "string")])
    assert server.insert_rows("events", ["order", "user"], [{"order": "1", "user": "x"}]) == 1
    assert server.psql('SELECT "order", "user" FROM events').strip() == "1|x"


@requires_server
def test_bad_input_is_refused(server: LocalPostgres):
    server.create_table("checks", [("id", "int"), ("note", "string")])
    with pytest.raises(ValueError, match="no value for note"):
        server.insert_rows("checks", ["id", "note"], [{"id": "1"}])
    with pytest.raises(ValueError, match="COPY cannot load it"):
        server.insert_rows("checks", ["id", "note"], [{"id": "1", "note": "a\n\\.\nb"}])
    with pytest.raises(RuntimeError, match="invalid input syntax"):
        server.insert_rows("checks", ["id", "note"], [{"id": "one", "note": None}])
    with pytest.raises(RuntimeError, match="does_not_exist"):
        server.psql("SELECT * FROM does_not_exist")
    assert server.psql("SELECT count(*) FROM checks").strip() == "0"


@requires_server
def test_jdbc_credentials_are_checked(server: LocalPostgres):
    assert server.jdbc_url() == f"jdbc:postgresql://127.0.0.1:{server.port}/source"
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not on PATH")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    command = [psql, "-X", "-At", "-h", "127.0.0.1", "-p", str(server.port)]
    command += ["-U", server.user, "-d", server.database, "-c", "SELECT current_database()"]
    good = subprocess.run(
        command, env={**env, "PGPASSWORD": server.password}, capture_output=True, text=True
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "source"
    bad = subprocess.run(
        command, env={**env, "PGPASSWORD": "wrong"}, capture_output=True, text=True
    )
    assert bad.returncode != 0
    assert "password authentication failed" in bad.stderr


@requires_server
def test_start_is_idempotent_and_stop_closes_the_port(tmp_path: Path):
    server = LocalPostgres(tmp_path / "build" / "local" / "postgres", database="demo")
    server.start()
    try:
        port = server.port
        pid = int((server.cluster_dir / "postmaster.pid").read_text().split()[0])
        assert server.start() is server  # already running: the same server, untouched
        assert (server.port, server.database) == (port, "demo")
        assert int((server.cluster_dir / "postmaster.pid").read_text().split()[0]) == pid
        server.create_table("kept", [("id", "int")])
        server.insert_rows("kept", ["id"], [{"id": "7"}])
        assert server.log_file.read_text()  # the server logs inside the data area
    finally:
        server.stop()
    assert not port_accepts(port)
    assert not postmaster_running(pid)
    assert not (server.cluster_dir / "postmaster.pid").exists()
    server.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="not started"):
        server.jdbc_url()

    # A new instance (as in a later run) re-uses the cluster and its data.
    again = LocalPostgres(tmp_path / "build" / "local" / "postgres", database="demo")
    with again:
        assert again.psql("SELECT id FROM kept").strip() == "7"
        restarted_port = again.port
    assert not port_accepts(restarted_port)
    cluster = again.cluster_dir
    again.remove()
    assert not cluster.exists()


@requires_server
@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the cluster to 'postgres'")
def test_root_keeps_an_unreachable_data_dir_in_a_temp_area(tmp_path: Path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    server = LocalPostgres(private / "postgres")
    with server:
        area = server.cluster_dir.parent
        assert not area.is_relative_to(private)
        assert (private / "postgres" / "cluster-location").read_text().strip() == str(area)
        assert server.cluster_dir.stat().st_uid != 0
        assert server.cluster_dir.stat().st_mode & 0o777 == 0o700
        server.create_table("t", [("id", "int")])
    again = LocalPostgres(private / "postgres")
    with again:
        assert again.cluster_dir.parent == area
        assert again.psql("SELECT count(*) FROM t").strip() == "0"
    again.remove()
    assert not area.exists()
    assert not (private / "postgres" / "cluster-location").exists()


@requires_server
@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the cluster to 'postgres'")
def test_root_sweeps_temp_areas_whose_data_dir_is_gone(tmp_path: Path):
    for name in ("first", "second"):
        (tmp_path / name).mkdir(mode=0o700)
        (tmp_path / name).chmod(0o700)
    first = LocalPostgres(tmp_path / "first" / "postgres")
    with first:
        orphan = first.cluster_dir.parent
    shutil.rmtree(tmp_path / "first")  # as pytest does with old tmp_path directories
    second = LocalPostgres(tmp_path / "second" / "postgres")
    with second:
        assert not orphan.exists()
        assert second.cluster_dir.parent != orphan
    second.remove()


def jdbc_contract(table: str, columns: list[tuple[str, str]], watermark: str) -> Contract:
    return Contract(
        path=None,
        id="id",
        name="reserved_words",
        domain="test",
        version="1.0.0",
        description="",
        columns=tuple(Column(n, t, True, "", None, None, None, None) for n, t in columns),
        primary_key=(columns[0][0],),
        source=Source(type="jdbc", engine="postgresql", table=table, incremental_column=watermark),
        freshness_hours=None,
        ordering_column=watermark,
    )


WATERMARK_VALUES = {
    "timestamp": (
        ["2024-03-01 12:00:00.123456", "2024-03-01 12:00:00.123457", "2024-03-01 12:00:00.123457"],
        datetime(2024, 3, 1, 12, 0, 0, 123457),
    ),
    "date": (["2024-02-28", "2024-02-29", "2024-02-29"], date(2024, 2, 29)),
    "bigint": (["9007199254740992", "9007199254740993", "9007199254740993"], 9007199254740993),
    "int": (["1", "2", "2"], 2),
}


@requires_jdbc
@pytest.mark.parametrize("watermark_type", sorted(WATERMARK_VALUES))
def test_reserved_words_and_function_names_are_read_as_names(
    server: LocalPostgres, spark, watermark_type
):
    """``"Sales"."order"`` with columns ``key``, ``index``, ``user`` and ``localtimestamp``:
    unquoted, ``order`` is a syntax error and ``localtimestamp`` the current time (every row
    would pass the watermark). Rows equal to the watermark are read again (``>=``)."""
    values, watermark = WATERMARK_VALUES[watermark_type]
    table = "Sales.order"
    columns = [("key", "bigint"), ("index", "string"), ("user", "string")]
    columns.append(("localtimestamp", watermark_type))
    server.create_table(table, columns)
    try:
        rows = [
            {"key": str(i), "index": f"i{i}", "user": f"u{i}", "localtimestamp": value}
            for i, value in enumerate(values)
        ]
        server.insert_rows(table, [name for name, _ in columns], rows)
        contract = jdbc_contract(table, columns, "localtimestamp")
        connection = JdbcConnection(server.jdbc_url(), server.user, server.password)

        def keys(mark):
            frame = read_increment(spark, contract, connection, mark)
            return sorted(int(r["key"]) for r in frame.collect())

        assert keys(None) == [0, 1, 2]
        assert keys(watermark) == [1, 2]
    finally:
        server.psql('DROP TABLE "Sales"."order"')


@requires_server
@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(
    names=st.lists(
        without_nul(hostile_text()).map(lambda name: name.replace(".", "")).filter(bool),
        min_size=3,
        max_size=3,
        unique=True,
    ),
    texts=st.lists(without_nul(hostile_text(min_size=0)), min_size=1, max_size=5),
)
def test_hostile_names_and_literals_are_read_back_exactly(server: LocalPostgres, names, texts):
    """Identifiers keep their exact text (PostgreSQL's 63-byte limit is refused, not
    truncated to another name) and literals hold any text without NUL, whatever the
    backslashes and quotes."""
    schema, table, column = (name[:12] for name in names)
    server.create_table(f"{schema}.{table}", [(column, "string")])
    server.insert_rows(f"{schema}.{table}", [column], [{column: "stored"}])
    qualified = f"{postgres_identifier(schema)}.{postgres_identifier(table)}"
    literals = ", ".join(postgres_string(text) for text in texts)
    output = server.psql(
        f"SELECT json_build_array({postgres_identifier(column)}, {literals}) FROM {qualified}"
    )
    assert json.loads(output) == ["stored", *texts]
    server.psql(f"DROP SCHEMA {postgres_identifier(schema)} CASCADE")


def contract_document(name: str, columns: list[tuple[str, str]], source: dict) -> dict:
    """The repository's first contract rewritten for another table, columns and source."""
    from lakehouse_domain.dataset_rules import odcs_types

    path = sorted(CONTRACTS.glob("*.odcs.yaml"))[0]
    document = yaml.safe_load(path.read_text())
    table = document["schema"][0]
    table["name"] = name
    table.pop("quality", None)
    table["properties"] = [
        {
            "name": column,
            "logicalType": odcs_types(kind)[0],
            "physicalType": odcs_types(kind)[1],
            "required": True,
            **({"primaryKey": True, "primaryKeyPosition": 1} if index == 0 else {}),
        }
        for index, (column, kind) in enumerate(columns)
    ]
    document["customProperties"] = [
        {"property": "source", "value": source},
        {"property": "orderingColumn", "value": source["incrementalColumn"]},
    ]
    document.pop("slaProperties", None)
    return document


@pytest.mark.jdbc
@requires_jdbc
def test_local_run_with_reserved_words_and_late_rows_at_the_watermark(tmp_path, spark):
    """End to end from PostgreSQL: table ``public.order``, columns named ``key``, ``index``
    and ``localtimestamp`` (the watermark). A row committed after a run with the watermark's
    own value is picked up by the next run (``>=``), and a run with nothing new adds no
    bronze row (the boundary rows read again are dropped by record id)."""
    columns = [("key", "bigint"), ("index", "string"), ("localtimestamp", "timestamp")]
    source = {
        "type": "jdbc",
        "engine": "postgresql",
        "table": "public.order",
        "incrementalColumn": "localtimestamp",
    }
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    document = contract_document("reserved_words", columns, source)
    (contracts / "reserved_words.odcs.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    run = LocalRun(tmp_path, contracts)
    assert run("--synthetic", "60", "--bad-share", "0") == 0
    first = run.report
    assert first["error"] is None and first["conservation"]["holds"], first
    assert first["bronze"]["rows_written"] >= 60

    with LocalPostgres(run.root / "postgres") as server:
        latest = server.psql('SELECT max("localtimestamp")::text FROM public."order"').strip()
        server.insert_rows(
            "public.order",
            ["key", "index", "localtimestamp"],
            [{"key": "987654321987", "index": "late", "localtimestamp": latest}],
        )
    assert run() == 0
    late = run.report
    assert late["error"] is None, late["error"]
    assert late["bronze"]["rows_written"] == 1
    assert late["silver"]["inserted"] == 1
    silver = run.table("silver", "reserved_words").to_pyarrow_table().to_pylist()
    assert any(row["key"] == 987654321987 and row["index"] == "late" for row in silver)

    assert run() == 0
    assert run.report["bronze"]["rows_written"] == 0
    assert run.report["silver"]["rows_read"] == 0


@pytest.mark.jdbc
@requires_jdbc
def test_local_run_from_postgresql(local_run, contract):
    """Every contract of the repository, whatever its own source, read from PostgreSQL."""
    ordering = contract.ordering_column
    run = local_run(
        {
            "type": "jdbc",
            "engine": "postgresql",
            "table": "public.source_rows",
            "incrementalColumn": ordering,
        }
    )
    assert run("--synthetic", "300") == 0
    assert_conserved(run.report)
    first_watermark = run.report["bronze"]["watermark"]
    assert first_watermark is not None
    assert_rerun_changes_nothing(run, contract)
    # New rows above the watermark are picked up by the next run, and only those.
    assert run("--synthetic", "50", "--seed", "99", "--offset", "100000") == 0
    assert 0 < run.report["bronze"]["rows_written"] <= 60
    # The run history keeps each run's watermark.
    latest = [row for row in run_history.read(run.root) if row["layer"] == "bronze"][-1]
    assert latest["watermark"] == run.report["bronze"]["watermark"] != first_watermark


@pytest.mark.jdbc
@requires_jdbc
def test_a_row_flagged_deleted_in_postgresql_is_deleted_in_silver(tmp_path, spark):
    """The soft-delete-column capture (docs/deletes-and-history.md): the application flags a
    row instead of deleting it and moves its incremental column; the next run reads the
    flagged version and the contract's delete marker removes the key from silver."""
    from lakehouse_domain.contract import load_contracts

    columns = [
        ("payment_id", "bigint"),
        ("amount", "decimal(12,2)"),
        ("is_deleted", "boolean"),
        ("updated_at", "timestamp"),
    ]
    source = {
        "type": "jdbc",
        "engine": "postgresql",
        "table": "lending.payments",
        "incrementalColumn": "updated_at",
        "deleteCapture": "soft_delete_column",
    }
    document = contract_document("payments", columns, source)
    document["customProperties"].append(
        {"property": "deletes", "value": {"column": "is_deleted", "values": []}}
    )
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "payments.odcs.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    run = LocalRun(tmp_path, contracts)
    values = {"amount": "10.00", "is_deleted": "false"}
    rows = [dict(values, payment_id=str(n), updated_at=f"2026-01-0{n}") for n in (1, 2, 3)]
    with LocalPostgres(run.root / "postgres") as server:
        server.create_table(source["table"], columns)
        server.insert_rows(source["table"], [name for name, _ in columns], rows)
    assert run() == 0
    assert run.report["silver"]["inserted"] == 3

    with LocalPostgres(run.root / "postgres") as server:
        server.psql(
            "UPDATE lending.payments SET is_deleted = true, updated_at = '2026-02-01' "
            "WHERE payment_id = 2"
        )
    assert run() == 0
    report = run.report
    assert report["error"] is None and report["conservation"]["holds"], report
    assert (report["bronze"]["rows_written"], report["silver"]["deleted"]) == (1, 1)
    silver = run.table("silver", "payments").to_pyarrow_table().to_pylist()
    assert sorted(row["payment_id"] for row in silver) == [1, 3]
    assert_rerun_changes_nothing(run, load_contracts(contracts)[0])
