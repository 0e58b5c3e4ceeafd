"""Early-warning signals (measure 15): the import of daily counts (all-or-nothing, idempotent, each bad row named
with its field), the series with every day (a gap missing, not zero), the lists cut to the reader's jurisdiction,
and positivity derived from the lab results in the store (idempotent, imported counts kept)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import Conflict, Forbidden, InvalidInput, NotFound, RowError
from fangkong.services.access import Actor, Role
from fangkong.services.arrivals.models import Arrival
from fangkong.services.file_imports.models import LabImport
from fangkong.services.lab.models import LabResult, Sample, SampleMember
from fangkong.services.persons.models import Person
from fangkong.services.signals.imports import import_signals
from fangkong.services.signals.models import SignalCount
from fangkong.services.signals.service import derive, derive_positivity, list_signals, series
from fangkong.services.store import make_engine, session_factory

TODAY = date(2022, 11, 16)
A, B, C = "110105001001", "110105001002", "110106001001"
COMMAND = Actor("cc", Role.command_centre, "/11/")
CHAOYANG = Actor("cc_chaoyang", Role.command_centre, "/11/1101/110105/")
EPI = Actor("epi", Role.epidemiologist, "/11/1101/110105/")
WORKER = Actor("worker_a", Role.community_worker, f"/11/1101/110105/110105001/{A}/")
FILE = (
    "jurisdiction,channel,date,count,tests\n"
    f"{A},fever_clinic,2022-11-14,12,\n"
    f"{A},fever_clinic,2022-11-16,20,\n"
    f"{B},fever_clinic,2022-11-16,5,\n"
    f"{A},nucleic_acid_positivity,2022-11-15,3,400\n"
).encode()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SignalCount)) or 0


def test_a_file_is_imported_once(session: Session) -> None:
    first = import_signals(session, COMMAND, FILE, "csv", today=TODAY, filename="signals.csv")
    assert (first.rows, first.added, first.already_imported) == (4, 4, False)
    again = import_signals(session, COMMAND, FILE, "csv", today=TODAY)
    assert again.already_imported and again.added == 0 and _count(session) == 4
    stored = session.scalar(select(SignalCount).where(SignalCount.channel == "nucleic_acid_positivity"))
    assert stored is not None and (stored.count, stored.tests, stored.source) == (3, 400, "import")
    assert stored.import_id == first.import_id


def test_json_rows_are_read_as_csv_rows_are(session: Session) -> None:
    data = f'[{{"jurisdiction": "{A}", "channel": "antigen_kit_sales", "date": "2022-11-16", "count": 7}}]'.encode()
    assert import_signals(session, COMMAND, data, "json", today=TODAY).added == 1


def test_the_same_count_from_another_file_changes_nothing(session: Session) -> None:
    import_signals(session, COMMAND, FILE, "csv", today=TODAY)
    other = f"jurisdiction,channel,date,count\n{A},fever_clinic,2022-11-14,12\n{B},fever_clinic,2022-11-15,4\n"
    summary = import_signals(session, COMMAND, other.encode(), "csv", today=TODAY)
    assert (summary.rows, summary.added) == (2, 1) and _count(session) == 5


@pytest.mark.parametrize(
    ("rows", "row", "field"),
    [
        (f"{A},fever_clinic,2022-11-15,3,\n{A},no_such_channel,2022-11-15,3,\n", 2, "channel"),
        (f"{A},fever_clinic,2022-11-15,3,\n999999999999,fever_clinic,2022-11-15,3,\n", 2, "jurisdiction"),
        (f"{A},fever_clinic,2022-11-15,3,\n{C},fever_clinic,2022-11-15,3,\n", 2, "jurisdiction"),
        (f"{A},fever_clinic,2022-11-15,-3,\n", 1, "count"),
        (f"{A},fever_clinic,2022-11-15,2.5,\n", 1, "count"),
        (f"{A},fever_clinic,2022-11-17,3,\n", 1, "date"),
        (f"{A},fever_clinic,15/11/2022,3,\n", 1, "date"),
        (f"{A},nucleic_acid_positivity,2022-11-15,30,20\n", 1, "count"),
        (f"{A},nucleic_acid_positivity,2022-11-15,3,\n", 1, "tests"),
        (f"{A},fever_clinic,2022-11-15,3,10\n", 1, "tests"),
        (
            f"{A},fever_clinic,2022-11-15,3,\n{B},fever_clinic,2022-11-15,3,\n{A},fever_clinic,2022-11-15,4,\n",
            3,
            "date",
        ),
        (f"{A},fever_clinic,2022-11-15,3,\n{A},fever_clinic,2022-11-14,13,\n", 2, "count"),  # 12 stored by FILE
    ],
)
def test_a_bad_row_refuses_the_whole_file(session: Session, rows: str, row: int, field: str) -> None:
    import_signals(session, CHAOYANG, FILE, "csv", today=TODAY)
    session.commit()
    batches = session.scalar(select(func.count()).select_from(LabImport))
    with pytest.raises(RowError) as refused:
        import_signals(session, CHAOYANG, f"jurisdiction,channel,date,count,tests\n{rows}".encode(), "csv", today=TODAY)
    assert (refused.value.row, refused.value.field) == (row, field)
    session.rollback()
    assert _count(session) == 4
    assert session.scalar(select(func.count()).select_from(LabImport)) == batches


def test_a_file_without_the_columns_or_rows_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_signals(session, COMMAND, b"jurisdiction,channel,date\n", "csv", today=TODAY)
    assert refused.value.field == "file"
    with pytest.raises(InvalidInput, match="no rows"):
        import_signals(session, COMMAND, b"jurisdiction,channel,date,count\n", "csv", today=TODAY)


def test_only_the_command_centre_imports(session: Session) -> None:
    with pytest.raises(Forbidden):
        import_signals(session, EPI, FILE, "csv", today=TODAY)


def test_a_series_has_every_day_and_a_gap_is_missing_not_zero(session: Session) -> None:
    import_signals(session, COMMAND, FILE, "csv", today=TODAY)
    s = series(
        session, EPI, jurisdiction_code="110105001", channel="fever_clinic", start=date(2022, 11, 13), end=TODAY,
        today=TODAY,
    )  # fmt: skip
    assert s.days == [date(2022, 11, d) for d in (13, 14, 15, 16)]
    assert s.counts == [None, 12, None, 25]  # the street's two communities summed on the 16th
    assert s.present == 2
    one = series(session, EPI, jurisdiction_code=B, channel="fever_clinic", start=date(2022, 11, 16), today=TODAY)
    assert one.counts == [5]
    positivity = series(session, EPI, jurisdiction_code=A, channel="nucleic_acid_positivity", start=TODAY, today=TODAY)
    assert positivity.counts == [None] and positivity.tests == [None]


def test_a_series_is_refused_naming_the_field(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        series(session, EPI, jurisdiction_code=A, channel="rumours", today=TODAY)
    assert refused.value.field == "channel"
    with pytest.raises(InvalidInput) as refused:
        series(
            session, EPI, jurisdiction_code=A, channel="fever_clinic", start=TODAY, end=date(2022, 11, 1), today=TODAY
        )
    assert refused.value.field == "to"
    with pytest.raises(NotFound):  # another county's series: not revealed
        series(session, EPI, jurisdiction_code=C, channel="fever_clinic", today=TODAY)
    with pytest.raises(Forbidden):  # the community worker does not watch the signals
        series(session, WORKER, jurisdiction_code=A, channel="fever_clinic", today=TODAY)


def test_lists_are_cut_to_the_subtree_and_filtered(session: Session) -> None:
    import_signals(session, COMMAND, FILE, "csv", today=TODAY)
    extra = f"jurisdiction,channel,date,count\n{C},fever_clinic,2022-11-16,9\n".encode()
    import_signals(session, COMMAND, extra, "csv", today=TODAY)
    rows, total = list_signals(session, EPI)
    assert total == 4 and {r.jurisdiction_code for r in rows} == {A, B}
    assert [r.day for r in rows] == sorted((r.day for r in rows), reverse=True)
    rows, total = list_signals(session, COMMAND, channel="fever_clinic", start=TODAY, end=TODAY)
    assert total == 3
    rows, total = list_signals(session, COMMAND, jurisdiction_code=B)
    assert total == 1
    _, total = list_signals(session, COMMAND, offset=1, limit=2)
    assert total == 5
    with pytest.raises(InvalidInput) as refused:
        list_signals(session, COMMAND, channel="gossip")
    assert refused.value.field == "channel"
    with pytest.raises(NotFound):
        list_signals(session, EPI, jurisdiction_code=C)


def _tested(session: Session, code: str, at: datetime, outcomes: list[str], pool: int = 1) -> None:
    """Tubes collected at `at` from people of `code`, resulted with `outcomes` (one tube each)."""
    for outcome in outcomes:
        n = session.scalar(select(func.count()).select_from(Person)) or 0
        person = Person(
            name=f"P{n}", document_type="other", document_number=f"X{n}", address="-", jurisdiction_code=code
        )
        sample = Sample(barcode=f"T{n}", pool_size=pool, sampling_point="point", collected_at=at)
        session.add_all([person, sample])
        session.flush()
        session.add(SampleMember(sample_id=sample.id, person_id=person.id))
        session.add(LabResult(sample_id=sample.id, lab="lab", reported_at=at, outcome=outcome))
    session.flush()


def test_positivity_is_derived_from_the_lab_results(session: Session) -> None:
    # 15 Nov in Shanghai: 01:00 UTC is 09:00 local; 17:00 UTC on the 15th is already the 16th locally
    _tested(session, A, datetime(2022, 11, 15, 1, tzinfo=UTC), ["positive", "negative", "negative", "retest_24h"])
    _tested(session, A, datetime(2022, 11, 15, 17, tzinfo=UTC), ["negative", "pool_positive"])
    _tested(session, B, datetime(2022, 11, 15, 2, tzinfo=UTC), ["negative"])
    _tested(session, C, datetime(2022, 11, 15, 2, tzinfo=UTC), ["positive"])  # another county: not the actor's
    done = derive_positivity(session, CHAOYANG, start=date(2022, 11, 14), end=TODAY, today=TODAY)
    assert (done.written, done.removed, done.kept_imported) == (3, 0, 0)
    got = {
        (r.jurisdiction_code, r.day): (r.count, r.tests, r.source)
        for r in session.scalars(select(SignalCount).where(SignalCount.channel == "nucleic_acid_positivity"))
    }
    assert got == {
        (A, date(2022, 11, 15)): (1, 4, "derived"),
        (A, date(2022, 11, 16)): (0, 2, "derived"),
        (B, date(2022, 11, 15)): (0, 1, "derived"),
    }
    # again: the same rows, replaced
    again = derive_positivity(session, CHAOYANG, start=date(2022, 11, 14), end=TODAY, today=TODAY)
    assert (again.written, again.removed) == (3, 3) and _count(session) == 3


def test_an_imported_count_is_kept_and_replaces_a_derived_one(session: Session) -> None:
    _tested(session, A, datetime(2022, 11, 15, 1, tzinfo=UTC), ["positive", "negative"])
    _tested(session, B, datetime(2022, 11, 15, 1, tzinfo=UTC), ["negative"])
    derive_positivity(session, CHAOYANG, start=date(2022, 11, 15), end=date(2022, 11, 15), today=TODAY)
    summary = import_signals(session, COMMAND, FILE, "csv", today=TODAY)  # A's positivity on the 15th: 3 of 400
    assert summary.outcomes == {"replaced_derived": 1}
    done = derive_positivity(session, CHAOYANG, start=date(2022, 11, 15), end=date(2022, 11, 15), today=TODAY)
    assert (done.written, done.removed, done.kept_imported) == (1, 1, 1)
    a = session.scalar(
        select(SignalCount).where(SignalCount.channel == "nucleic_acid_positivity", SignalCount.jurisdiction_code == A)
    )
    assert a is not None and (a.count, a.tests, a.source) == (3, 400, "import")


def test_a_derivation_into_the_future_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        derive_positivity(session, COMMAND, start=TODAY, end=date(2022, 11, 18), today=TODAY)
    assert refused.value.field == "to"
    with pytest.raises(Forbidden):
        derive_positivity(session, EPI, start=TODAY, end=TODAY, today=TODAY)


def test_a_count_stored_meanwhile_is_a_conflict_not_a_crash(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import_signals(session, COMMAND, FILE, "csv", today=TODAY)
    session.commit()
    # as if another import had stored A's count after this one read the store
    monkeypatch.setattr("fangkong.services.signals.imports._stored", lambda session, keys: {})
    other = f"jurisdiction,channel,date,count\n{B},fever_clinic,2022-11-15,4\n{A},fever_clinic,2022-11-14,12\n"
    with pytest.raises(Conflict) as refused:
        import_signals(session, COMMAND, other.encode(), "csv", today=TODAY)
    assert refused.value.field == "file"
    session.rollback()
    assert _count(session) == 4


def test_arrivals_are_derived_from_the_landing_check_register(session: Session) -> None:
    """The arrivals channel counted per jurisdiction and local day from the arrivals register (measure 15), in the
    actor's subtree only; again the same; a channel the store has no data for is refused naming `channel`."""
    for n, (code, at) in enumerate(
        [
            (A, datetime(2022, 11, 15, 1, tzinfo=UTC)),
            (A, datetime(2022, 11, 15, 17, tzinfo=UTC)),  # the 16th, locally
            (B, datetime(2022, 11, 15, 3, tzinfo=UTC)),
            (C, datetime(2022, 11, 15, 3, tzinfo=UTC)),  # another county
        ]
    ):
        person = Person(
            name=f"A{n}", document_type="other", document_number=f"ARR{n}", address="-", jurisdiction_code=code
        )
        session.add(person)
        session.flush()
        session.add(
            Arrival(person_id=person.id, arrived_at=at, from_province="44", jurisdiction_code=code, recorded_by="t")
        )
    session.flush()
    done = derive(session, CHAOYANG, "interprovincial_arrivals", start=date(2022, 11, 14), end=TODAY, today=TODAY)
    assert (done.written, done.removed) == (3, 0)
    got = {
        (r.jurisdiction_code, r.day): (r.count, r.tests, r.source)
        for r in session.scalars(select(SignalCount).where(SignalCount.channel == "interprovincial_arrivals"))
    }
    assert got == {
        (A, date(2022, 11, 15)): (1, None, "derived"),
        (A, date(2022, 11, 16)): (1, None, "derived"),
        (B, date(2022, 11, 15)): (1, None, "derived"),
    }
    again = derive(session, CHAOYANG, "interprovincial_arrivals", start=date(2022, 11, 14), end=TODAY, today=TODAY)
    assert (again.written, again.removed) == (3, 3)
    with pytest.raises(InvalidInput) as refused:
        derive(session, CHAOYANG, "fever_clinic", start=TODAY, end=TODAY, today=TODAY)
    assert refused.value.field == "channel"
