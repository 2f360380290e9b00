"""Storage port: one interface for tables, two adapters.

``DatabricksStorage`` writes Delta tables in Unity Catalog with Spark SQL ``MERGE``;
``LocalStorage`` writes Delta folders with delta-rs (``deltalake``), handing data between
Spark and Delta as Arrow tables. Delta folders are never read with ``spark.read.parquet``
(it would also read files the Delta log has removed). No adapter replaces a data table:
tables are created once and then only appended to or merged into, except by two explicit
contract steps (``schema_guard``): a silver rebuild drops silver to make it again from bronze,
and a widened column type is widened (locally by rewriting the table once).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .runtime import Runtime
from .sql import (
    datafusion_identifier,
    datafusion_string,
    spark_identifier,
    spark_name,
    spark_string,
    spark_type,
)


@dataclass(frozen=True)
class MergeCounts:
    source_rows: int
    inserted: int
    updated: int
    deleted: int = 0

    @property
    def unchanged(self) -> int:
        """Source rows that matched but were not applied (older than the stored version)."""
        return self.source_rows - self.inserted - self.updated - self.deleted


@dataclass(frozen=True)
class TableState:
    """What an existing table holds: its columns (name -> Spark SQL type, lower case, as
    ``DataType.simpleString`` writes it) and its table properties."""

    columns: dict[str, str]
    properties: dict[str, str]


# Delta protocol names of primitive types (delta-rs) -> Spark SQL names.
_DELTA_TYPE_NAMES = {"byte": "tinyint", "short": "smallint", "integer": "int", "long": "bigint"}


def spark_type_text(text: str) -> str:
    """A column type as Spark SQL writes it (``decimal(18,2)``, ``bigint``), whether it came
    from a contract, the Tables API's ``type_text`` or the Delta protocol (``long``)."""
    text = text.lower().replace(" ", "")
    return _DELTA_TYPE_NAMES.get(text, text)


class Storage(Protocol):
    def exists(self, layer: str, table: str) -> bool: ...

    def count(self, layer: str, table: str) -> int:
        """Rows in the table (0 when it does not exist yet)."""

    def read(self, layer: str, table: str, after: tuple[str, int] | None = None) -> DataFrame:
        """The table, or only its rows whose ``after[0]`` column is above ``after[1]``."""

    def append(self, layer: str, table: str, rows: DataFrame, *, app_id: str, version: int) -> int:
        """Append once: a write whose (app_id, version) is already committed is skipped and
        returns 0 (Delta idempotent writes), so a replayed micro-batch is not duplicated."""

    def merge(
        self,
        layer: str,
        table: str,
        rows: DataFrame,
        keys: list[str],
        *,
        newer: str | None = None,
        insert_only: bool = False,
        delete_missing: bool = False,
        deletes: DeleteMarker | None = None,
    ) -> MergeCounts:
        """Upsert on ``keys``; ``delete_missing`` also deletes target rows absent from
        ``rows`` (for tables rebuilt whole, like gold); a source row marked by ``deletes``
        deletes its matched row when not older (``newer``) and is never inserted."""

    def batch_writer(self, layer: str, table: str, app_id: str) -> Callable[[DataFrame, int], None]:
        """A foreachBatch function appending each micro-batch once (see ``append``)."""

    def cached(self, rows: DataFrame) -> DataFrame:
        """``rows`` kept in memory while reused (local); serverless has no caching APIs."""

    def release(self, rows: DataFrame) -> None: ...

    def table_state(self, layer: str, table: str) -> TableState | None:
        """The table's columns and properties (None when it does not exist)."""

    def set_properties(self, layer: str, table: str, properties: dict[str, str]) -> None: ...

    def widen(self, layer: str, table: str, columns: dict[str, str]) -> None:
        """Give existing ``columns`` (name -> contract type) a wider type, keeping every row."""

    def drop(self, layer: str, table: str) -> None:
        """Remove the table (a silver rebuild starts from bronze again)."""


def set_properties_sql(name: str, properties: dict[str, str]) -> str:
    """Databricks: user-defined table properties (docs.databricks.com/sql/language-manual/
    sql-ref-syntax-ddl-tblproperties: keys are dotted identifiers or string literals)."""
    pairs = ", ".join(f"{spark_string(k)} = {spark_string(v)}" for k, v in properties.items())
    return f"ALTER TABLE {name} SET TBLPROPERTIES ({pairs})"


def widen_sql(name: str, columns: dict[str, str]) -> list[str]:
    """Databricks type widening (Delta ``typeWidening`` feature, Databricks Runtime 15.4 LTS+,
    learn.microsoft.com/azure/databricks/delta/type-widening): enabled by the table property
    ``delta.enableTypeWidening``, then ``ALTER COLUMN ... TYPE`` changes the type without
    rewriting data files. Explicit rather than left to MERGE schema evolution, which does not
    apply every widening automatically (integer to decimal or double must be manual)."""
    statements = [set_properties_sql(name, {"delta.enableTypeWidening": "true"})]
    statements += [
        f"ALTER TABLE {name} ALTER COLUMN {spark_identifier(column)} TYPE {spark_type(wider)}"
        for column, wider in columns.items()
    ]
    return statements


@dataclass(frozen=True)
class DeleteMarker:
    """A source row is a delete when ``column`` holds one of ``values`` (text or true)."""

    column: str
    values: tuple[str | bool, ...]


@dataclass(frozen=True)
class SqlDialect:
    """How a MERGE condition is written: Spark SQL on Databricks, DataFusion in delta-rs.
    ``same``/``differs`` compare ``{t}`` and ``{s}``, the quoted target and source columns."""

    quote: Callable[[str], str]
    same: str
    differs: str
    string: Callable[[str], str]

    def columns(self, column: str) -> dict[str, str]:
        quoted = self.quote(column)
        return {"t": f"t.{quoted}", "s": f"s.{quoted}"}


SPARK_SQL = SqlDialect(
    spark_identifier, same="{t} <=> {s}", differs="NOT ({t} <=> {s})", string=spark_string
)
# DataFusion binds OR tighter than IS [NOT] DISTINCT FROM: every comparison is parenthesised.
DELTA_RS_SQL = SqlDialect(
    datafusion_identifier,
    same="({t} IS NOT DISTINCT FROM {s})",
    differs="({t} IS DISTINCT FROM {s})",
    string=datafusion_string,
)


def delete_condition(marker: DeleteMarker, dialect: SqlDialect) -> str:
    """The source row is a delete (a null marker is not: coalesce keeps the result boolean,
    so ``NOT`` of it is true for every other row)."""
    values = ", ".join("TRUE" if v is True else dialect.string(v) for v in marker.values)
    return "coalesce({s} IN ({values}), false)".format(
        s=dialect.columns(marker.column)["s"], values=values
    )


def delete_when(marker: DeleteMarker, newer: str | None, dialect: SqlDialect) -> str:
    """Delete a matched row when the delete is not older than it: a late delete does not
    remove a newer version, and a replayed delete finds nothing left to remove."""
    condition = delete_condition(marker, dialect)
    if newer:
        condition += " AND {s} >= {t}".format(**dialect.columns(newer))
    return condition


def merge_condition(keys: list[str], dialect: SqlDialect) -> str:
    return " AND ".join(dialect.same.format(**dialect.columns(k)) for k in keys)


def update_condition(
    columns: list[str], keys: list[str], newer: str | None, dialect: SqlDialect
) -> str:
    """Update a matched row only when the source is not older and something changed, so a
    re-run with the same data changes nothing and a late, older record never wins."""
    changed = " OR ".join(
        dialect.differs.format(**dialect.columns(c)) for c in columns if c not in keys
    )
    condition = f"({changed})" if changed else "false"
    if newer:
        condition = "{s} >= {t} AND ".format(**dialect.columns(newer)) + condition
    return condition


def compared_columns(source: list[str], target: list[str]) -> list[str]:
    """The columns a MERGE compares: those the table has already. A contract's new column is
    not in the table until this MERGE adds it (schema evolution), and a condition naming it
    would not resolve; from the next MERGE on it is compared like the others."""
    present = set(target)
    return [column for column in source if column in present]


def merge_sql(
    target: tuple[str, ...],
    source_view: str,
    columns: list[str],
    keys: list[str],
    newer: str | None,
    insert_only: bool,
    delete_missing: bool = False,
    deletes: DeleteMarker | None = None,
) -> str:
    """The Databricks MERGE statement of ``DatabricksStorage.merge`` (``target`` is the
    catalog, schema and table name). Of the WHEN MATCHED clauses the first whose condition
    holds applies (Databricks SQL reference, "MERGE INTO"), so a delete never reaches UPDATE;
    the INSERT clause excludes deletes itself."""
    on = merge_condition(keys, SPARK_SQL)
    source = spark_identifier(source_view)
    # WITH SCHEMA EVOLUTION: a contract's new optional column reaches the table (rows written
    # before read null); Databricks Runtime 15.2+.
    statement = (
        f"MERGE WITH SCHEMA EVOLUTION INTO {spark_name(*target)} AS t USING {source} AS s ON {on}"
    )
    not_deleted = ""
    if deletes:
        statement += f" WHEN MATCHED AND {delete_when(deletes, newer, SPARK_SQL)} THEN DELETE"
        not_deleted = f"NOT {delete_condition(deletes, SPARK_SQL)} AND "
    if not insert_only:
        when = update_condition(columns, keys, newer, SPARK_SQL)
        statement += f" WHEN MATCHED AND {not_deleted}{when} THEN UPDATE SET *"
    if deletes:
        statement += f" WHEN NOT MATCHED AND {not_deleted.removesuffix(' AND ')} THEN INSERT *"
    else:
        statement += " WHEN NOT MATCHED THEN INSERT *"
    if delete_missing:
        statement += " WHEN NOT MATCHED BY SOURCE THEN DELETE"
    return statement


def _append_once(table: str, app_id: str) -> Callable[[DataFrame, int], None]:
    """A foreachBatch function that captures only names, so Spark Connect (serverless) can
    ship it to the cluster; Delta skips a (txnAppId, txnVersion) it already committed."""

    def write(rows: DataFrame, batch: int) -> None:
        (
            rows.write.format("delta")
            .mode("append")
            .option("mergeSchema", "true")  # a contract's new column is added to the table
            .option("txnAppId", app_id)
            .option("txnVersion", batch)
            .saveAsTable(table)
        )

    return write


class DatabricksStorage:
    """Delta tables in Unity Catalog (``<catalog>.<layer>.<table>``)."""

    def __init__(self, spark: SparkSession, runtime: Runtime):
        self.spark = spark
        self.runtime = runtime

    def _name(self, layer: str, table: str) -> str:
        """The table's quoted three-level name (Spark parses it as a multipart identifier)."""
        return spark_name(*self._parts(layer, table))

    def _parts(self, layer: str, table: str) -> tuple[str, str, str]:
        return self.runtime.catalog, layer, table

    def exists(self, layer: str, table: str) -> bool:
        return self.spark.catalog.tableExists(self._name(layer, table))

    def count(self, layer: str, table: str) -> int:
        return (
            self.spark.table(self._name(layer, table)).count() if self.exists(layer, table) else 0
        )

    def read(self, layer: str, table: str, after: tuple[str, int] | None = None) -> DataFrame:
        frame = self.spark.table(self._name(layer, table))
        return frame.where(F.col(after[0]) > after[1]) if after else frame

    def _create_if_missing(self, name: str, rows: DataFrame) -> None:
        if not self.spark.catalog.tableExists(name):
            rows.limit(0).write.format("delta").mode("append").saveAsTable(name)

    def append(self, layer, table, rows, *, app_id, version) -> int:
        count = rows.count()
        if count:
            _append_once(self._name(layer, table), app_id)(rows, version)
        return count

    def batch_writer(self, layer, table, app_id):
        return _append_once(self._name(layer, table), app_id)

    def cached(self, rows: DataFrame) -> DataFrame:
        return rows

    def release(self, rows: DataFrame) -> None:
        return None

    def table_state(self, layer, table) -> TableState | None:
        name = self._name(layer, table)
        if not self.spark.catalog.tableExists(name):
            return None
        columns = {
            field.name: field.dataType.simpleString()
            for field in self.spark.table(name).schema.fields
        }
        rows = self.spark.sql(f"SHOW TBLPROPERTIES {name}").collect()
        return TableState(columns, {row["key"]: row["value"] for row in rows})

    def set_properties(self, layer, table, properties) -> None:
        self.spark.sql(set_properties_sql(self._name(layer, table), properties))

    def widen(self, layer, table, columns) -> None:
        for statement in widen_sql(self._name(layer, table), columns):
            self.spark.sql(statement)

    def drop(self, layer, table) -> None:
        # A dropped managed table stays recoverable with UNDROP for 7 days (Unity Catalog).
        self.spark.sql(f"DROP TABLE IF EXISTS {self._name(layer, table)}")

    def merge(
        self,
        layer,
        table,
        rows,
        keys,
        *,
        newer=None,
        insert_only=False,
        delete_missing=False,
        deletes=None,
    ) -> MergeCounts:
        name = self._name(layer, table)
        self._create_if_missing(name, rows)
        source_rows = rows.count()
        if not source_rows:
            return MergeCounts(0, 0, 0)
        view = f"merge_source_{layer}_{table}"
        rows.createOrReplaceTempView(spark_identifier(view))  # parsed as an identifier
        metrics = self.spark.sql(
            merge_sql(
                self._parts(layer, table),
                view,
                compared_columns(rows.columns, self.spark.table(name).columns),
                keys,
                newer,
                insert_only,
                delete_missing,
                deletes,
            )
        ).first()
        # MERGE returns one row: num_affected_rows, num_updated_rows, num_deleted_rows,
        # num_inserted_rows (Delta Lake's MergeIntoCommand output).
        return MergeCounts(
            source_rows,
            int(metrics["num_inserted_rows"]),
            int(metrics["num_updated_rows"]),
            int(metrics["num_deleted_rows"]) if deletes or delete_missing else 0,
        )


class LocalStorage:
    """Delta folders under the local run's root, written with delta-rs."""

    def __init__(self, spark: SparkSession, runtime: Runtime):
        self.spark = spark
        self.runtime = runtime

    def _path(self, layer: str, table: str) -> str:
        return self.runtime.table(layer, table)

    def exists(self, layer: str, table: str) -> bool:
        from deltalake import DeltaTable

        return DeltaTable.is_deltatable(self._path(layer, table))

    def count(self, layer: str, table: str) -> int:
        from deltalake import DeltaTable

        if not self.exists(layer, table):
            return 0
        return DeltaTable(self._path(layer, table)).to_pyarrow_dataset().count_rows()

    def read(self, layer: str, table: str, after: tuple[str, int] | None = None) -> DataFrame:
        import pyarrow.compute as pc
        from deltalake import DeltaTable

        dataset = DeltaTable(self._path(layer, table)).to_pyarrow_dataset()
        condition = pc.field(after[0]) > after[1] if after else None
        return self.spark.createDataFrame(dataset.to_table(filter=condition))

    @staticmethod
    def _arrow(rows: DataFrame):
        return rows.toArrow()

    def append(self, layer, table, rows, *, app_id, version) -> int:
        from deltalake import CommitProperties, DeltaTable, Transaction, write_deltalake

        path = self._path(layer, table)
        if DeltaTable.is_deltatable(path):
            committed = DeltaTable(path).transaction_version(app_id)
            if committed is not None and committed >= version:
                return 0
        arrow = self._arrow(rows)
        if arrow.num_rows:
            transaction = Transaction(app_id=app_id, version=version)
            write_deltalake(
                path,
                arrow,
                mode="append",
                schema_mode="merge",  # a contract's new column is added to the table
                commit_properties=CommitProperties(app_transactions=[transaction]),
            )
        return arrow.num_rows

    def batch_writer(self, layer, table, app_id):
        def write(rows: DataFrame, batch: int) -> None:
            self.append(layer, table, rows, app_id=app_id, version=batch)

        return write

    def cached(self, rows: DataFrame) -> DataFrame:
        return rows.persist()

    def release(self, rows: DataFrame) -> None:
        rows.unpersist()

    def table_state(self, layer, table) -> TableState | None:
        from deltalake import DeltaTable

        path = self._path(layer, table)
        if not DeltaTable.is_deltatable(path):
            return None
        delta = DeltaTable(path)
        columns = {field.name: spark_type_text(field.type.type) for field in delta.schema().fields}
        return TableState(columns, dict(delta.metadata().configuration))

    def set_properties(self, layer, table, properties) -> None:
        from deltalake import DeltaTable

        # Not Delta's own keys: delta-rs checks only those unless told not to.
        table_path = self._path(layer, table)
        DeltaTable(table_path).alter.set_table_properties(properties, raise_if_not_exists=False)

    def widen(self, layer, table, columns) -> None:
        """delta-rs (1.6) cannot widen a column in place: its ``TableFeatures`` have no
        typeWidening and its ``alter`` no column type change, and a MERGE of wider values
        casts them down to the stored type. So the local table is rewritten once with the
        wider types, as a new Delta version (same rows; earlier versions stay in the log)."""
        from deltalake import DeltaTable, write_deltalake

        path = self._path(layer, table)
        delta = DeltaTable(path)
        properties = dict(delta.metadata().configuration)
        rows = delta.to_pyarrow_table()
        for column, wider in columns.items():
            position = rows.schema.get_field_index(column)
            rows = rows.set_column(position, column, rows.column(column).cast(_arrow_type(wider)))
        write_deltalake(
            path, rows, mode="overwrite", schema_mode="overwrite", configuration=properties
        )

    def drop(self, layer, table) -> None:
        shutil.rmtree(self._path(layer, table), ignore_errors=True)

    def merge(
        self,
        layer,
        table,
        rows,
        keys,
        *,
        newer=None,
        insert_only=False,
        delete_missing=False,
        deletes=None,
    ) -> MergeCounts:
        from deltalake import DeltaTable, write_deltalake

        arrow = self._arrow(rows)
        path = self._path(layer, table)
        if not DeltaTable.is_deltatable(path):
            write_deltalake(path, arrow.slice(0, 0), mode="append")
        if not arrow.num_rows:
            return MergeCounts(0, 0, 0)
        merger = DeltaTable(path).merge(
            source=arrow,
            predicate=merge_condition(keys, DELTA_RS_SQL),
            source_alias="s",
            target_alias="t",
            merge_schema=True,  # a contract's new column is added to the table
        )
        not_deleted = None
        if deletes:
            merger = merger.when_matched_delete(predicate=delete_when(deletes, newer, DELTA_RS_SQL))
            not_deleted = f"NOT {delete_condition(deletes, DELTA_RS_SQL)}"
        if not insert_only:
            target = [field.name for field in DeltaTable(path).schema().fields]
            columns = compared_columns(rows.columns, target)
            condition = update_condition(columns, keys, newer, DELTA_RS_SQL)
            if not_deleted:
                condition = f"{not_deleted} AND {condition}"
            merger = merger.when_matched_update_all(predicate=condition)
        merger = merger.when_not_matched_insert_all(predicate=not_deleted)
        if delete_missing:
            merger = merger.when_not_matched_by_source_delete()
        metrics = merger.execute()
        return MergeCounts(
            arrow.num_rows,
            metrics["num_target_rows_inserted"],
            metrics["num_target_rows_updated"],
            metrics["num_target_rows_deleted"] if deletes or delete_missing else 0,
        )


def _arrow_type(contract_type: str):
    """The Arrow type of a numeric contract type (the types a widening can reach)."""
    import pyarrow as pa

    simple = {
        "tinyint": pa.int8(),
        "smallint": pa.int16(),
        "int": pa.int32(),
        "integer": pa.int32(),
        "bigint": pa.int64(),
        "float": pa.float32(),
        "double": pa.float64(),
    }
    text = contract_type.lower().replace(" ", "")
    if text in simple:
        return simple[text]
    precision, scale = text.removeprefix("decimal(").removesuffix(")").split(",")
    return pa.decimal128(int(precision), int(scale))


def storage_for(spark: SparkSession, runtime: Runtime) -> Storage:
    return LocalStorage(spark, runtime) if runtime.is_local else DatabricksStorage(spark, runtime)


def max_of(rows: DataFrame, column: str):
    """Largest value of a column, or None for an empty or all-null column."""
    return rows.agg(F.max(column).alias("m")).first()["m"]
