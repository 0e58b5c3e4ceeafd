"""Close contacts of many infections over the venue-scan log (measure 2), in one run, fangkong against every way
a user would otherwise get the same rows:

- fangkong: the scan index (`fangkong.bulk.scan_index`), the log organised a day at a time as it arrives, sorted
  by (venue, time) and by person; its ingest is reported beside the query;
- DuckDB given the same head start: the log sorted by (venue, time) and by person into two tables of a DuckDB
  database on disk (row groups with min/max statistics, so the join's filters skip what they cannot match), the
  job's SQL reading one copy for each of its two joins; the sort reported beside the query;
- DuckDB over the raw, unsorted Parquet log (the job's SQL as it is), and the time to read its three columns once;
- plain PostgreSQL with the indexes a DBA would add, on (venue, time) and on person: the server's own time
  (EXPLAIN ANALYZE) and, beside it, the time with Python's fetch of the rows; COPY and CREATE INDEX beside those;
- Spark in local mode (with --spark): the same SQL transpiled.

The ratio printed, and carried in the RESULT line, is to the fastest of these that gave the same rows; a baseline
with other rows fails the run.

    .venv/bin/python bench/contacts.py --city DIR [--cases 1000] [--pg URL] [--spark] [--index DIR]
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from common import (
    Baseline,
    city_arguments,
    compare,
    finish,
    median,
    pg_indexes,
    pg_server_seconds,
    postgres_indexed,
    repeated,
    say,
    say_baseline,
    timed,
)

from fangkong.bulk.city import City
from fangkong.bulk.contacts import KEYS, ContactRules, contact_rules, contacts_sql
from fangkong.bulk.engines import DuckDBEngine, PostgresEngine, SparkEngine, canonical
from fangkong.bulk.scan_index import ScanIndex
from fangkong.policy import load_policy


def main() -> None:
    args = city_arguments(
        __doc__,
        ("--cases", {"type": int, "default": 1000}),
        ("--index", {"type": Path, "help": "where the index goes (default: beside the city)"}),
    )

    city = City.open(args.city)
    rules = contact_rules(load_policy().at(city.today), 8 * 3600)
    cases = pq.read_table(city.path("cases.parquet")).slice(0, args.cases)
    scans = sum(pq.ParquetFile(f).metadata.num_rows for f in city.scan_files)
    say(f"== close contacts of {cases.num_rows:,} infections over {scans:,} venue scans ({city.size.days} days)")
    figures: dict[str, object] = {"cases": cases.num_rows, "scans": scans}

    folder = args.index or city.root.parent / f"{city.root.name}-scan-index"
    shutil.rmtree(folder, ignore_errors=True)
    index = ScanIndex(folder)
    days = []
    for f in city.scan_files:
        _, seconds = timed(lambda f=f: index.add_day(f))  # type: ignore[misc]
        days.append(seconds)
    size_mb = sum(p.stat().st_size for p in folder.rglob("*.npy")) / 2**20
    say(
        f"scan index: ingest {sum(days):.1f} s for {len(days)} days "
        f"({median(days):.2f} s a day as it arrives), {size_mb:,.0f} MB"
    )
    index = ScanIndex(folder)  # a fresh open, as a query process would
    fast, times = repeated(lambda: index.contacts(cases, rules), 6)
    fast = canonical(fast, KEYS)
    say(
        f"scan index: {fast.num_rows:,} contacts in {median(times[1:]) * 1000:.0f} ms "
        f"(first run {times[0] * 1000:.0f} ms)"
    )
    figures |= {
        "index_ingest_s": round(sum(days), 2),
        "index_ingest_day_s": round(median(days), 2),
        "index_mb": round(size_mb),
        "index_query_s": round(median(times[1:]), 4),
        "index_first_query_s": round(times[0], 4),
        "contacts": fast.num_rows,
    }

    index_s = median(times[1:])
    baselines: list[Baseline] = []

    duck = DuckDBEngine()
    duck.parquet("scans", city.root / "scans")
    duck.arrow("cases", cases)
    _, read_s = timed(lambda: duck.query("SELECT sum(person_id), sum(venue_id), sum(at_s) FROM scans"))
    sql_rows, sql_times = repeated(lambda: duck.query(contacts_sql(rules)), 2)
    raw = say_baseline(
        Baseline(
            "duckdb_raw",
            "DuckDB over the raw Parquet log",
            min(sql_times),
            canonical(sql_rows, KEYS).equals(fast),
            detail=f"reading the three columns once: {read_s:.2f} s",
        )
    )
    baselines.append(raw)
    figures |= {"duckdb_s": round(raw.seconds, 3), "read_columns_s": round(read_s, 3), "duckdb_agrees": raw.agrees}
    duck.close()

    sorted_db = folder.parent / f"{city.root.name}-scans-sorted.duckdb"
    sorted_s, sort_s, sorted_agrees = duckdb_sorted(city.root / "scans", sorted_db, cases, rules, fast)
    baselines.append(
        say_baseline(
            Baseline(
                "duckdb_sorted",
                "DuckDB, the log sorted by (venue, time) and by person into a database on disk",
                sorted_s,
                sorted_agrees,
                setup_s=sort_s,
                setup="loading and sorting the two copies",
            )
        )
    )
    figures |= {
        "duckdb_sorted_s": round(sorted_s, 4),
        "duckdb_sort_s": round(sort_s, 1),
        "duckdb_sorted_agrees": sorted_agrees,
    }

    if args.pg:
        pg = PostgresEngine(args.pg)
        _, load_s = timed(lambda: pg.parquet("scans", city.root / "scans"))
        _, pg_index_s = timed(lambda: pg_indexes(pg, ("scans", "venue_id", "at_s"), ("scans", "person_id")))
        pg.arrow("cases", cases)
        server = [pg_server_seconds(pg.conn, contacts_sql(rules)) for _ in range(3)]
        pg_rows, pg_times = repeated(lambda: pg.query(contacts_sql(rules)), 2)
        agree = canonical(pg_rows, KEYS).equals(fast)
        baseline, pg_figures = postgres_indexed(
            "PostgreSQL, indexed on (venue, time) and person",
            min(server),
            min(pg_times),
            agree,
            load_s=load_s,
            index_s=pg_index_s,
            detail=f"the server's time {min(server) * 1000:.1f} ms, with Python's fetch of the rows "
            f"{min(pg_times) * 1000:.1f} ms",
        )
        baselines.append(baseline)
        figures |= pg_figures
        pg.conn.execute("DROP TABLE scans")
        pg.close()

    if args.spark:
        spark, start_s = timed(lambda: SparkEngine("local[2]"))
        spark.parquet("scans", city.root / "scans")
        spark.arrow("cases", cases)
        spark_rows, spark_times = repeated(lambda: spark.query(contacts_sql(rules)), 2)
        agree = canonical(spark_rows, KEYS).equals(fast)
        baselines.append(
            say_baseline(
                Baseline(
                    "spark",
                    "Spark local[2] over the raw Parquet log",
                    min(spark_times),
                    agree,
                    setup_s=start_s,
                    setup="session start",
                )
            )
        )
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()

    figures |= compare(index_s, baselines, "scan index")
    finish("contacts", figures, baselines)


def duckdb_sorted(
    log: Path, db: Path, cases: pa.Table, rules: ContactRules, expected: pa.Table
) -> tuple[float, float, bool]:
    """DuckDB with the scan index's head start: the log sorted once by (venue, time) and once by person, as the
    index keeps it, into a database file; then the job's SQL with each join reading the copy sorted its way.
    Returns the best query time, the load-and-sort time, and whether the rows are the index's."""
    db.unlink(missing_ok=True)
    glob = str(log / "*.parquet").replace("'", "''")
    started = time.perf_counter()
    with duckdb.connect(str(db)) as con:
        for table, order in (("scans_by_venue", "venue_id, at_s"), ("scans_by_person", "person_id, at_s")):
            con.execute(
                f"CREATE TABLE {table} AS SELECT person_id, venue_id, at_s FROM read_parquet('{glob}') ORDER BY {order}"
            )
        con.execute("CHECKPOINT")
    sort_s = time.perf_counter() - started
    sql = contacts_sql(rules)
    # the job's text, each of its two reads of the log pointed at the copy sorted for it (checked, not assumed)
    by_person, by_venue = "FROM windows w JOIN scans s", "FROM visits v JOIN scans s"
    assert sql.count(by_person) == 1 and sql.count(by_venue) == 1, "contacts_sql changed: update this benchmark"
    sql = sql.replace(by_person, "FROM windows w JOIN scans_by_person s").replace(
        by_venue, "FROM visits v JOIN scans_by_venue s"
    )
    duck = DuckDBEngine()  # a fresh process's view of the file, as the index is opened fresh for its query
    duck.con.execute(f"ATTACH '{str(db).replace(chr(39), chr(39) * 2)}' AS sorted (READ_ONLY)")
    duck.con.execute("USE sorted")
    duck.arrow("cases", cases)
    rows, times = repeated(lambda: duck.query(sql), 4)
    agrees = canonical(rows, KEYS).equals(expected)
    duck.close()
    db.unlink(missing_ok=True)
    return min(times), sort_s, agrees


if __name__ == "__main__":
    main()
