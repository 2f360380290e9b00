"""The Spark session: the cluster's on Databricks, an embedded ``local[*]`` one otherwise."""

from __future__ import annotations

import glob
import os
import sys

from pyspark.sql import SparkSession

# Debian's libpostgresql-jdbc-java; lets the local JDBC source run without Maven.
POSTGRES_JDBC_JARS = ("/usr/share/java/postgresql.jar", "/usr/share/java/postgresql-*.jar")


def postgres_jdbc_jar() -> str | None:
    for pattern in POSTGRES_JDBC_JARS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def get_spark(local: bool) -> SparkSession:
    if not local:
        return SparkSession.builder.getOrCreate()
    # Bind to loopback only: the local run needs no other interface and must not use one.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Python workers use this interpreter (its venv), not whatever python3 is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(os.environ.get("LOCAL_SPARK_MASTER", "local[*]"))
        .appName("lakehouse-local")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.driver.memory", os.environ.get("LOCAL_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.driver.maxResultSize", os.environ.get("LOCAL_SPARK_MAX_RESULT_SIZE", "1g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    jar = postgres_jdbc_jar()
    if jar:
        builder = builder.config("spark.jars", jar)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
