"""Close contacts of many infections: the SQL job, the scan index and the per-person rule give the same answer
(register venue-co-presence and look-back-window), on a city and on small logs built to sit on the edges — scans
exactly 30 minutes apart, across local midnight, on the window's first day, after isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.bulk.city import ZONE, City
from fangkong.bulk.contacts import KEYS, contact_rules, contacts_sql, per_person, scan_rows
from fangkong.bulk.engines import DuckDBEngine, canonical
from fangkong.bulk.scan_index import ScanIndex
from fangkong.bulk.timebase import epoch_day, epoch_s
from fangkong.errors import InvalidInput, Refused
from fangkong.policy import load_policy

POLICY = load_policy()
OFFSET = 8 * 3600
TODAY = date(2022, 11, 16)


def oracle(cases: pa.Table, scans: pa.Table, on: date) -> set[tuple[int, int, int]]:
    rows = scan_rows(scans)
    out: set[tuple[int, int, int]] = set()
    for c in cases.to_pylist():
        out |= per_person(c["case_id"], c["sampled_day"], c["onset_day"], c["isolated_s"], rows, POLICY.at(on), ZONE)
    return out


def triples(table: pa.Table) -> set[tuple[int, int, int]]:
    return set(zip(*(table.column(c).to_pylist() for c in ("case_id", "person_id", "last_day")), strict=True))


def test_city_contacts_agree_three_ways(tiny_city: City, duckdb_city: DuckDBEngine, tmp_path: Path) -> None:
    rules = contact_rules(POLICY.at(tiny_city.today), OFFSET)
    sql = canonical(duckdb_city.query(contacts_sql(rules)), KEYS)
    index = ScanIndex(tmp_path / "index")
    for f in tiny_city.scan_files:
        index.add_day(f)
    cases = pq.read_table(tiny_city.path("cases.parquet"))
    fast = canonical(index.contacts(cases, rules), KEYS)
    assert sql.num_rows > 20  # the city is dense enough to have contacts
    assert fast.equals(sql)
    assert triples(sql) == oracle(cases, pq.read_table(tiny_city.root / "scans"), tiny_city.today)


def test_adding_a_day_again_changes_nothing(tiny_city: City, tmp_path: Path) -> None:
    rules = contact_rules(POLICY.at(tiny_city.today), OFFSET)
    cases = pq.read_table(tiny_city.path("cases.parquet"))
    index = ScanIndex(tmp_path / "index")
    for f in tiny_city.scan_files:
        index.add_day(f)
    first = canonical(index.contacts(cases, rules), KEYS)
    index.add_day(tiny_city.scan_files[-1])
    reopened = ScanIndex(tmp_path / "index")
    assert reopened.scans == index.scans == tiny_city.size.scans
    assert canonical(reopened.contacts(cases, rules), KEYS).equals(first)


def test_no_determination_under_class_b() -> None:
    with pytest.raises(Refused) as err:
        contact_rules(POLICY.at(date(2023, 1, 10)), OFFSET)
    assert err.value.clause == "classb.general"


def test_scans_outside_what_the_index_holds_are_refused(tmp_path: Path) -> None:
    log = tmp_path / "old.parquet"
    pq.write_table(
        pa.table({"person_id": [1], "venue_id": [1], "at_s": [epoch_s(datetime(2019, 5, 1, tzinfo=UTC))]}), log
    )
    with pytest.raises(InvalidInput) as err:
        ScanIndex(tmp_path / "index").add_day(log)
    assert err.value.field == "at_s"


def run_both(log: pa.Table, case_table: pa.Table, root: Path, cut: int) -> tuple[pa.Table, pa.Table]:
    """The SQL job's and the index's rows for `log` arriving as two files cut at `cut`."""
    rules = contact_rules(POLICY.at(TODAY), OFFSET)
    (root / "scans").mkdir()
    pq.write_table(log.slice(0, cut), root / "scans" / "a.parquet")
    pq.write_table(log.slice(cut), root / "scans" / "b.parquet")
    engine = DuckDBEngine()
    engine.parquet("scans", root / "scans")
    engine.arrow("cases", case_table)
    sql = canonical(engine.query(contacts_sql(rules)), KEYS)
    engine.close()
    index = ScanIndex(root / "index")
    for f in sorted((root / "scans").glob("*.parquet")):
        index.add_day(f)
    return sql, canonical(index.contacts(case_table, rules), KEYS)


def log_of(scans: list[tuple[int, int, int]]) -> pa.Table:
    return pa.table(
        {
            "person_id": pa.array([s[0] for s in scans], pa.int32()),
            "venue_id": pa.array([s[1] for s in scans], pa.int32()),
            "at_s": pa.array([s[2] for s in scans], pa.int64()),
        }
    )


def cases_of(cases: list[dict[str, int | None]]) -> pa.Table:
    return pa.table(
        {
            "case_id": pa.array([c["case_id"] for c in cases], pa.int32()),
            "sampled_day": pa.array([c["sampled_day"] for c in cases], pa.int32()),
            "onset_day": pa.array([c["onset_day"] for c in cases], pa.int32()),
            "isolated_s": pa.array([c["isolated_s"] for c in cases], pa.int64()),
        }
    )


@pytest.mark.parametrize("cut", [0, 2, 5])
def test_thirty_minutes_apart_is_together_and_a_second_more_is_not(tmp_path: Path, cut: int) -> None:
    t = epoch_s(datetime(2022, 11, 14, 4, 0, tzinfo=UTC))
    log = log_of([(0, 1, t), (1, 1, t - 1800), (2, 1, t + 1800), (3, 1, t - 1801), (4, 1, t + 1801), (5, 2, t)])
    case = cases_of(
        [{"case_id": 0, "sampled_day": epoch_day(date(2022, 11, 15)), "onset_day": None, "isolated_s": None}]
    )
    sql, fast = run_both(log, case, tmp_path, cut)
    assert set(sql.column("person_id").to_pylist()) == {1, 2}
    assert fast.equals(sql)
    assert triples(sql) == oracle(case, log, TODAY)


def test_the_window_opens_at_local_midnight_of_its_first_day(tmp_path: Path) -> None:
    first = datetime(2022, 11, 10, 16, 0, tzinfo=UTC)  # 11 Nov 00:00 in Shanghai: sampled 15 Nov, 4 days back
    log = log_of(
        [(0, 1, epoch_s(first)), (1, 1, epoch_s(first)), (0, 2, epoch_s(first) - 1), (2, 2, epoch_s(first) - 1)]
    )
    case = cases_of(
        [{"case_id": 0, "sampled_day": epoch_day(date(2022, 11, 15)), "onset_day": None, "isolated_s": None}]
    )
    sql, fast = run_both(log, case, tmp_path, 1)
    assert sql.column("person_id").to_pylist() == [1]
    assert fast.equals(sql)


# Small logs on the edges: instants cluster around anchors (one at local midnight, 16:00 UTC), so gaps of
# exactly 30 minutes, a second more or less, and windows opening at midnight all occur.
BASE = datetime(2022, 11, 12, 16, 0, tzinfo=UTC)  # 13 Nov 00:00 in Shanghai
ANCHORS = [BASE + timedelta(hours=h) for h in (-24, -3, 0, 10, 30)]
instants = st.builds(
    lambda a, m, s: epoch_s(a + timedelta(minutes=m, seconds=s)),
    st.sampled_from(ANCHORS),
    st.sampled_from([-31, -30, -29, -1, 0, 1, 29, 30, 31]),
    st.sampled_from([0, 0, 0, 1, -1]),
)
scan = st.tuples(st.integers(0, 4), st.integers(0, 1), instants)
case = st.fixed_dictionaries(
    {
        "case_id": st.integers(0, 4),
        "sampled_day": st.integers(epoch_day(date(2022, 11, 14)), epoch_day(date(2022, 11, 18))),
        "onset_day": st.none() | st.integers(epoch_day(date(2022, 11, 13)), epoch_day(date(2022, 11, 17))),
        "isolated_s": st.none() | instants,
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scans=st.lists(scan, min_size=1, max_size=40),
    cases=st.lists(case, min_size=1, max_size=3, unique_by=lambda c: c["case_id"]),
    cut=st.integers(0, 40),
)
def test_edges_agree_three_ways(
    scans: list[tuple[int, int, int]], cases: list[dict[str, int | None]], cut: int
) -> None:
    log, case_table = log_of(scans), cases_of(cases)
    with TemporaryDirectory() as tmp:
        sql, fast = run_both(log, case_table, Path(tmp), cut)
    assert fast.equals(sql)
    assert triples(sql) == oracle(case_table, log, TODAY)
