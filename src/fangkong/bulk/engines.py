"""Where a bulk job runs: DuckDB on one machine, Apache Spark for a province, PostgreSQL as the yardstick.

Each job is defined once, as SQL in DuckDB's dialect with the policy's values bound in (`jobs` modules), and
transpiled by sqlglot for the other engines. Why SQL and not a dataframe API: all three engines are SQL engines,
so one text runs natively on each (no Python UDFs: Spark keeps the work in the JVM, PostgreSQL in the server),
an epidemiologist or a database administrator can read the job and rerun it by hand, and sqlglot checks that
the text parses in each dialect. The tables a job reads are registered by name from Parquet (the city files),
or from Arrow (small tables made by the rules, such as a colour table).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import sqlglot


class Engine(Protocol):
    name: str

    def parquet(self, table: str, path: Path) -> None:
        """Register `table` as the Parquet file at `path`, or every `*.parquet` in the folder `path`."""

    def arrow(self, table: str, data: pa.Table) -> None:
        """Register `table` as an in-memory Arrow table."""

    def query(self, sql: str) -> pa.Table:
        """Run a job's SQL (DuckDB's dialect) and return its rows."""

    def close(self) -> None: ...


def _glob(path: Path) -> str:
    return str(path / "*.parquet") if path.is_dir() else str(path)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DuckDBEngine:
    """DuckDB in-process over the Parquet files (views: nothing is copied until a query reads it)."""

    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.con = duckdb.connect()
        if threads is not None:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.con.execute(f"SET memory_limit = {_quoted(memory_limit)}")

    def parquet(self, table: str, path: Path) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet({_quoted(_glob(path))})")

    def arrow(self, table: str, data: pa.Table) -> None:
        self.con.register(table, data)

    def query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.con.close()


def spark_sql(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


def postgres_sql(sql: str) -> str:
    return sqlglot.transpile(sql, read="duckdb", write="postgres")[0]


class SparkEngine:
    """Apache Spark (pyspark): local mode here and in CI, a cluster's master URL for a province.

    The session's time zone is UTC and the jobs compute with integers (see `timebase`), so Spark's answers
    equal DuckDB's row for row.
    """

    name = "spark"

    def __init__(self, master: str = "local[2]", *, conf: Mapping[str, str] | None = None) -> None:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        from pyspark.sql import SparkSession  # imported here: the JVM starts only for a Spark run

        builder = (
            SparkSession.builder.master(master)
            .appName("fangkong-bulk")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
        for key, value in (conf or {}).items():
            builder = builder.config(key, value)
        self.spark: Any = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")

    def parquet(self, table: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(table)

    def arrow(self, table: str, data: pa.Table) -> None:
        self.spark.createDataFrame(data).createOrReplaceTempView(table)

    def query(self, sql: str) -> pa.Table:
        result: pa.Table = self.spark.sql(spark_sql(sql)).toArrow()
        return result

    def close(self) -> None:
        self.spark.stop()


_PG_TYPES = {
    pa.int8(): "smallint",
    pa.int16(): "smallint",
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.bool_(): "boolean",
    pa.float64(): "double precision",
    pa.string(): "text",
    pa.large_string(): "text",
}


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_dictionary(t):
        t = t.value_type
    try:
        return _PG_TYPES[t]
    except KeyError:
        raise ValueError(f"no PostgreSQL type for {t}") from None


class PostgresEngine:
    """Plain PostgreSQL, the way a user would otherwise run a job: the Parquet files loaded into tables with COPY,
    the same SQL transpiled to PostgreSQL's dialect. `index` adds the indexes a tuned query would want."""

    name = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

    def parquet(self, table: str, path: Path) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
        schema = pq.read_schema(files[0])
        columns = ", ".join(f"{f.name} {_pg_type(f.type)}" for f in schema)
        self.conn.execute(f"DROP TABLE IF EXISTS {table}")
        self.conn.execute(f"CREATE UNLOGGED TABLE {table} ({columns})")
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
            for f in files:
                for batch in pq.ParquetFile(f).iter_batches(batch_size=500_000):
                    sink = pa.BufferOutputStream()
                    pacsv.write_csv(batch, sink, pacsv.WriteOptions(include_header=False))
                    copy.write(sink.getvalue().to_pybytes())
        self.conn.execute(f"ANALYZE {table}")

    def arrow(self, table: str, data: pa.Table) -> None:
        import pyarrow.csv as pacsv

        columns = ", ".join(f"{f.name} {_pg_type(f.type)}" for f in data.schema)
        self.conn.execute(f"DROP TABLE IF EXISTS {table}")
        self.conn.execute(f"CREATE TABLE {table} ({columns})")
        sink = pa.BufferOutputStream()
        pacsv.write_csv(data, sink, pacsv.WriteOptions(include_header=False))
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
            copy.write(sink.getvalue().to_pybytes())
        self.conn.execute(f"ANALYZE {table}")

    def index(self, table: str, *columns: str) -> None:
        self.conn.execute(f"CREATE INDEX ON {table} ({', '.join(columns)})")
        self.conn.execute(f"ANALYZE {table}")

    def query(self, sql: str) -> pa.Table:
        with self.conn.cursor() as cur:
            cur.execute(postgres_sql(sql))
            names = [d.name for d in cur.description or []]
            rows = cur.fetchall()
        return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})

    def close(self) -> None:
        self.conn.close()


def open_engine(name: str) -> Engine:
    """An engine by name: `duckdb`, or `spark` on `$SPARK_MASTER` (a cluster's URL; default local mode)."""
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(os.environ.get("SPARK_MASTER", "local[2]"))
    from fangkong.errors import InvalidInput

    raise InvalidInput("engine", f"unknown engine {name!r}; known: duckdb, spark")


def canonical(table: pa.Table, keys: list[str]) -> pa.Table:
    """A job's rows in a fixed order with plain column types, so two engines' answers compare with `equals`
    (Spark returns dictionary-free, nullable columns; DuckDB may return narrower or dictionary types)."""
    columns = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pa.types.is_integer(col.type):
            col = col.cast(pa.int64())
        if pa.types.is_large_string(col.type):
            col = col.cast(pa.string())
        columns[name] = col
    plain = pa.table(columns)
    return plain.sort_by([(k, "ascending") for k in keys]).combine_chunks()
