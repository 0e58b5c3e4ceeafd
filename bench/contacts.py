"""Close contacts of many infections over the venue-scan log (measure 2), four ways in one run:

- the scan index (`fangkong.bulk.scan_index`): the log organised a day at a time as it arrives; its ingest cost is
  reported beside the query;
- DuckDB over the raw Parquet log (the job's SQL as it is);
- plain PostgreSQL: the same SQL after loading the log with COPY and indexing (venue, time) and person;
- Spark in local mode (with --spark): the same SQL transpiled.

and, for scale, the time DuckDB takes just to read the log's three columns once.

    .venv/bin/python bench/contacts.py --city DIR [--cases 1000] [--pg URL] [--spark] [--index DIR]
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow.parquet as pq
from common import city_arguments, median, ratio, repeated, result, say, timed

from fangkong.bulk.city import City
from fangkong.bulk.contacts import KEYS, contact_rules, contacts_sql
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

    duck = DuckDBEngine()
    duck.parquet("scans", city.root / "scans")
    duck.arrow("cases", cases)
    _, read_s = timed(lambda: duck.query("SELECT sum(person_id), sum(venue_id), sum(at_s) FROM scans"))
    sql_rows, sql_times = repeated(lambda: duck.query(contacts_sql(rules)), 2)
    agree = canonical(sql_rows, KEYS).equals(fast)
    say(
        f"DuckDB over Parquet: {min(sql_times):.2f} s "
        f"(reading the three columns once: {read_s:.2f} s); same answer: {agree}"
    )
    say(f"   index is {ratio(min(sql_times), median(times[1:]))} faster")
    figures |= {"duckdb_s": round(min(sql_times), 3), "read_columns_s": round(read_s, 3), "duckdb_agrees": agree}
    duck.close()

    if args.pg:
        pg = PostgresEngine(args.pg)
        _, load_s = timed(lambda: pg.parquet("scans", city.root / "scans"))
        _, index_s = timed(lambda: (pg.index("scans", "venue_id", "at_s"), pg.index("scans", "person_id")))
        pg.arrow("cases", cases)
        pg_rows, pg_times = repeated(lambda: pg.query(contacts_sql(rules)), 2)
        agree = canonical(pg_rows, KEYS).equals(fast)
        say(
            f"PostgreSQL: {min(pg_times):.2f} s after {load_s:.0f} s of COPY "
            f"and {index_s:.0f} s of indexing; same answer: {agree}"
        )
        say(f"   index is {ratio(min(pg_times), median(times[1:]))} faster")
        figures |= {"pg_s": round(min(pg_times), 3), "pg_load_s": round(load_s, 1), "pg_index_s": round(index_s, 1)}
        figures["pg_agrees"] = agree
        pg.conn.execute("DROP TABLE scans")
        pg.close()

    if args.spark:
        spark, start_s = timed(lambda: SparkEngine("local[2]"))
        spark.parquet("scans", city.root / "scans")
        spark.arrow("cases", cases)
        spark_rows, spark_times = repeated(lambda: spark.query(contacts_sql(rules)), 2)
        agree = canonical(spark_rows, KEYS).equals(fast)
        say(f"Spark local[2]: {min(spark_times):.2f} s (session start {start_s:.0f} s); same answer: {agree}")
        figures |= {"spark_s": round(min(spark_times), 2), "spark_agrees": agree}
        spark.close()
    result("contacts", **figures)


if __name__ == "__main__":
    main()
