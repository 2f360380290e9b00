"""Local-only tooling of this data domain (managed by the template): synthetic source data, the
throw-away PostgreSQL that stands in for JDBC sources, the local run and ``add-dataset``.

It is not part of the wheel Databricks installs, and the engine (``lakehouse_domain``) never
imports it; it builds on the engine, not the other way round.
"""
