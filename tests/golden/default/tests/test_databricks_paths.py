"""Databricks-only paths, checked offline.

Auto Loader, the Kafka source and Unity Catalog volumes do not exist locally. What can run
here runs: Auto Loader's schema and format options go through OSS Spark's own JSON and
Parquet readers (Auto Loader passes format options to them). The rest is checked on what
the engine builds, with the documentation it rests on cited in each test.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from pyspark.sql import functions as F

from lakehouse_domain import domain, naming
from lakehouse_domain.cli import _parser
from lakehouse_domain.contract import Source
from lakehouse_domain.quality import typed
from lakehouse_domain.report import DatasetReport, RunReport, report_location
from lakehouse_domain.runtime import Runtime
from lakehouse_domain.sources.eventhub import kafka_options, run_recovering_data_loss
from lakehouse_domain.sources.files import (
    autoloader_options,
    autoloader_records,
    autoloader_schema,
)
from lakehouse_local.synthetic import SyntheticSpec, generate_records

ENVIRONMENT = domain.ENVIRONMENTS[0]
# Spark's KAFKA_DATA_LOSS error condition, as a failed streaming query reports it.
DATA_LOSS_ERROR = (
    "[STREAM_FAILED] Query [id = 1, runId = 2] terminated with exception: "
    "[KAFKA_DATA_LOSS.COULD_NOT_READ_OFFSET_RANGE] Some data may have been lost because they "
    "are not available in Kafka any more; either the data was aged out by Kafka or the topic "
    "may have been deleted before all the data in the topic was processed. If you don't want "
    "your streaming query to fail on such cases, set the source option failOnDataLoss to false."
)


def with_files_source(contract, file_format):
    return dataclasses.replace(contract, source=Source(type="files", format=file_format))


def reader_options(contract) -> dict[str, str]:
    """The Auto Loader options that are options of the file format's own reader."""
    return {
        key: value
        for key, value in autoloader_options(contract, "/checkpoints").items()
        if not key.startswith("cloudFiles.") and key != "rescuedDataColumn"
    }


def auto_loaded(spark, contract, path):
    """What Auto Loader's reader makes of ``path`` (OSS Spark has no rescued column)."""
    frame = (
        spark.read.format(contract.source.format)
        .options(**reader_options(contract))
        .schema(autoloader_schema(contract))
        .load(str(path))
        .withColumn("_rescued_data", F.lit(None).cast("string"))
    )
    return autoloader_records(frame, contract)


def test_autoloader_reads_parquet_with_the_contract_types(spark, tmp_path, contract):
    """Parquet files carry their types, and Auto Loader reads them with the schema it is
    given, rescuing only values of another type ("Configure schema inference and evolution
    in Auto Loader", learn.microsoft.com/azure/databricks/ingestion/cloud-object-storage/
    auto-loader/schema: rescued data holds values "of differing data types"). The first
    release gave it an all-text schema, so every typed Parquet value was such a mismatch (OSS
    Spark's reader refuses it outright). With the contract's types every value is read."""
    parquet = with_files_source(contract, "parquet")
    records = generate_records(
        parquet, SyntheticSpec(rows=20, bad_share=0, duplicate_share=0), "en_US"
    )
    text = spark.createDataFrame(records, ", ".join(f"`{c}` string" for c in parquet.column_names))
    typed_rows = text.select(*[typed(c.name, c.type).alias(c.name) for c in parquet.columns])
    typed_rows.write.parquet(str(tmp_path / "landed"))

    raw = auto_loaded(spark, parquet, tmp_path / "landed")
    expected = typed_rows.select(*[F.col(c).cast("string").alias(c) for c in parquet.column_names])
    assert sorted(map(tuple, raw.select(*parquet.column_names).collect())) == sorted(
        map(tuple, expected.collect())
    )
    assert raw.where(F.col("_corrupt_record").isNotNull()).count() == 0


def test_autoloader_keeps_the_text_of_corrupt_json_records(spark, tmp_path, contract):
    """Auto Loader passes the JSON reader's options through ("Auto Loader options", JSON
    options ``mode`` and ``columnNameOfCorruptRecord``, learn.microsoft.com/azure/databricks/
    ingestion/cloud-object-storage/auto-loader/options). In PERMISSIVE mode the reader puts a
    record it cannot parse into the schema's string column named by
    ``columnNameOfCorruptRecord`` (Spark "JSON Files" data source options). The first release
    selected NULL there, so corrupt records were never seen on Databricks. Two different
    corrupt records of one file keep different record ids (quarantine keeps both)."""
    json_contract = with_files_source(contract, "json")
    good = generate_records(
        json_contract, SyntheticSpec(rows=2, bad_share=0, duplicate_share=0), "en_US"
    )
    broken = ["{broken json", '{"unterminated": "string']
    landed = tmp_path / "landed"
    landed.mkdir()
    (landed / "a.json").write_text("\n".join([*map(json.dumps, good), *broken]) + "\n")

    raw = auto_loaded(spark, json_contract, landed).collect()
    corrupt = sorted(r["_corrupt_record"] for r in raw if r["_corrupt_record"] is not None)
    assert corrupt == sorted(broken)
    assert len({r["_record_id"] for r in raw}) == len(raw) == 4


@pytest.mark.parametrize("file_format", ["csv", "json", "parquet"])
def test_autoloader_options_rescue_drift_and_keep_corrupt_records(contract, file_format):
    """Rescue mode with an explicit schema, the schema location in the checkpoint, corrupt
    records kept by the text formats' PERMISSIVE parsers, CSV headers read."""
    options = autoloader_options(with_files_source(contract, file_format), "/ck/bronze")
    assert options["cloudFiles.format"] == file_format
    assert options["cloudFiles.schemaLocation"] == "/ck/bronze/schema"
    assert options["cloudFiles.schemaEvolutionMode"] == "rescue"
    assert options["rescuedDataColumn"] == "_rescued_data"
    text_format = file_format in ("csv", "json")
    assert (options.get("mode"), options.get("columnNameOfCorruptRecord")) == (
        ("PERMISSIVE", "_corrupt_record") if text_format else (None, None)
    )
    assert options.get("header") == ("true" if file_format == "csv" else None)
    # RFC 4180 quotes: Spark's CSV ``escape`` defaults to a backslash ("CSV Files" options).
    assert options.get("escape") == ('"' if file_format == "csv" else None)
    assert (
        "_corrupt_record STRING" in autoloader_schema(with_files_source(contract, file_format))
    ) == text_format


def test_kafka_data_loss_is_recovered_once_and_reported(contract):
    """A pause longer than the hub's retention leaves the checkpoint pointing at expired
    offsets: with ``failOnDataLoss=true`` the Kafka source then fails with KAFKA_DATA_LOSS on
    every run, and ``startingOffsets`` does not help because it "only applies when a new
    streaming query is started" (Spark "Structured Streaming + Kafka Integration Guide",
    options ``failOnDataLoss`` and ``startingOffsets``; Databricks error condition
    KAFKA_DATA_LOSS, docs.databricks.com/error-messages/kafka-data-loss-error-class). The run
    restarts the stream once with ``failOnDataLoss=false`` and reports the loss."""
    eventhub = dataclasses.replace(
        contract, source=Source(type="eventhub", format="json", event_hub="events")
    )
    runtime = Runtime("databricks", environment=ENVIRONMENT)
    assert kafka_options(runtime, eventhub)["failOnDataLoss"] == "true"
    assert kafka_options(runtime, eventhub, False)["failOnDataLoss"] == "false"
    assert kafka_options(runtime, eventhub)["startingOffsets"] == "earliest"

    attempts = []

    def expired_then_fine(fail_on_data_loss):
        attempts.append(fail_on_data_loss)
        if fail_on_data_loss:
            raise RuntimeError(DATA_LOSS_ERROR)

    lost = run_recovering_data_loss(expired_then_fine)
    assert attempts == [True, False]
    assert "KAFKA_DATA_LOSS" in lost and "earliest retained event" in lost

    attempts.clear()
    assert run_recovering_data_loss(lambda fail: attempts.append(fail)) is None
    assert attempts == [True]


def test_other_stream_failures_are_not_taken_for_data_loss():
    attempts = []

    def broken(fail_on_data_loss):
        attempts.append(fail_on_data_loss)
        raise RuntimeError("[STREAM_FAILED] authentication failed")

    with pytest.raises(RuntimeError, match="authentication"):
        run_recovering_data_loss(broken)
    assert attempts == [True]

    def always_lost(fail_on_data_loss):
        raise RuntimeError(DATA_LOSS_ERROR if fail_on_data_loss else "recovery failed too")

    with pytest.raises(RuntimeError, match="recovery failed too"):
        run_recovering_data_loss(always_lost)


def test_a_run_that_lost_events_fails(capsys):
    report = RunReport(target="databricks", environment=ENVIRONMENT)
    report.datasets.append(DatasetReport(dataset="d", source="eventhub"))
    assert report.succeeded
    report.datasets[0].bronze.data_loss = "events expired before ingestion"
    assert not report.succeeded


def test_databricks_run_report_goes_to_the_checkpoints_volume():
    """ "The working directory for notebooks and job tasks is not guaranteed" on serverless
    ("Serverless compute limitations", docs.databricks.com/compute/serverless/limitations),
    so a relative build/run_report.json could land anywhere or nowhere. The report goes to an
    absolute path in the environment's checkpoints volume, which the pipeline identity may
    write and which plain Python file APIs reach ("Work with files on Databricks",
    learn.microsoft.com/azure/databricks/files/), one file per run."""
    assert _parser().parse_args(["run", "--environment", ENVIRONMENT]).report is None
    runtime = Runtime("databricks", environment=ENVIRONMENT)
    reports = naming.volume_folder(domain.DOMAIN, ENVIRONMENT, "checkpoints", "_run_reports")
    first = report_location(runtime, datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), "ds", ["bronze"])
    assert first.is_absolute()
    assert str(first).startswith(f"{reports}ds/")
    later = report_location(runtime, datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC), "ds", ["bronze"])
    assert later != first
    every = report_location(runtime, datetime(2026, 1, 2, tzinfo=UTC), None, ["bronze", "silver"])
    assert every.parent.name == "all" and every.name.endswith("-bronze+silver.json")
    assert str(report_location(Runtime("local"), datetime.now(UTC), None, ["bronze"])) == (
        "build/run_report.json"
    )
