"""Vaccination records (measure 12, m20.12): one dose at a time and in bulk, every bad input refused naming its field
with nothing changed, the status on a day read from the records (audited), outreach outcomes, and the closed-loop
bubble's booster check (m20.8) reading the records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangkong.errors import FangkongError, Forbidden, InvalidInput, NotFound, RowError
from fangkong.policy.terms import VaccinationStatus
from fangkong.rules.resident_id import check_digit
from fangkong.services.access import Actor
from fangkong.services.audit.models import AuditEntry
from fangkong.services.file_imports.models import LabImport
from fangkong.services.key_populations.models import KeyPerson
from fangkong.services.persons.models import Person
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.users.models import User
from fangkong.services.users.service import actor_for_user
from fangkong.services.vaccination.coverage import coverage, coverage_trend, doses_due, outreach_list
from fangkong.services.vaccination.imports import import_doses
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from fangkong.services.vaccination.service import (
    DoseIn,
    OutreachIn,
    bubble_check,
    outreach_of,
    person_doses,
    record_dose,
    record_outreach,
    status_on,
)
from tests.stores import BACKENDS, Templates

COMMUNITY, OTHER_COUNTY = "110105001001", "110106001001"
TODAY = date(2022, 12, 1)


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path, store_templates: Templates) -> Iterator[Session]:
    with store_templates.store(request.param, "small_county", tmp_path) as url:
        engine = make_engine(url)
        with unit_of_work(session_factory(engine)) as s:
            yield s
        engine.dispose()


def actor(session: Session, username: str = "epi") -> Actor:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return actor_for_user(session, user)


def resident_id(birth: date, seq: int) -> str:
    first17 = f"110105{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def person(session: Session, birth: date = date(1957, 5, 1), seq: int = 1, where: str = COMMUNITY) -> Person:
    p = Person(
        name=f"resident {seq}",
        document_type="resident_id",
        document_number=resident_id(birth, seq),
        birth_date=birth,
        address="1 Road",
        jurisdiction_code=where,
    )
    session.add(p)
    session.flush()
    return p


def dose(product: str, n: int, on: str, **more: str) -> DoseIn:
    return DoseIn(product=product, dose_number=n, given_on=date.fromisoformat(on), **more)


def count(session: Session, table: type) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_doses_make_a_status(session: Session) -> None:
    p = person(session)
    epi = actor(session)
    record_dose(session, epi, p.id, dose("sinovac_coronavac", 1, "2022-07-30", site="Clinic 1", lot="L1"), today=TODAY)
    record_dose(session, epi, p.id, dose("sinopharm_bbibp", 2, "2022-08-20"), today=TODAY)
    before = status_on(session, epi, p.id, on=date(2022, 11, 25))
    after = status_on(session, epi, p.id, on=date(2022, 11, 30))
    assert before.status is after.status is VaccinationStatus.full_course
    assert not before.booster_due and after.booster_due
    record_dose(session, epi, p.id, dose("cansino_ad5_inhaled", 3, "2022-12-01"), today=TODAY)
    _, doses, boosted = person_doses(session, epi, p.id, on=TODAY)
    assert boosted.status is VaccinationStatus.boosted
    assert [d.dose_number for d in doses] == [1, 2, 3]
    assert doses[0].manufacturer == "北京科兴中维生物技术有限公司"
    assert doses[0].site == "Clinic 1"
    reads = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.entity_id == str(p.id))
    ).all()
    assert any(r.detail.get("vaccination") for r in reads)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (dose("moderna", 1, "2022-01-01"), "product"),
        (dose("sinovac_coronavac", 1, "2022-12-02"), "given_on"),  # in the future
        (dose("sinovac_coronavac", 1, "2004-06-01"), "given_on"),  # before birth
        (dose("sinovac_coronavac", 2, "2022-01-01"), "dose_number"),  # out of order
        (dose("sinovac_coronavac", 1, "2022-01-01", manufacturer="Pfizer"), "manufacturer"),
    ],
)
def test_a_bad_dose_is_refused_naming_the_field(session: Session, given: DoseIn, field: str) -> None:
    p = person(session, birth=date(2005, 1, 1))
    with pytest.raises(InvalidInput) as caught:
        record_dose(session, actor(session), p.id, given, today=TODAY)
    assert caught.value.field == field
    assert count(session, VaccinationDose) == 0


def test_a_duplicate_or_earlier_dose_is_refused(session: Session) -> None:
    p = person(session)
    epi = actor(session)
    record_dose(session, epi, p.id, dose("sinovac_coronavac", 1, "2022-06-01"), today=TODAY)
    with pytest.raises(InvalidInput) as dup:
        record_dose(session, epi, p.id, dose("sinovac_coronavac", 1, "2022-06-01"), today=TODAY)
    assert dup.value.field == "dose_number"
    with pytest.raises(InvalidInput) as early:
        record_dose(session, epi, p.id, dose("sinovac_coronavac", 2, "2022-05-01"), today=TODAY)
    assert early.value.field == "given_on"
    assert count(session, VaccinationDose) == 1


def test_scope_and_role(session: Session) -> None:
    elsewhere = person(session, where=OTHER_COUNTY, seq=7)
    here = person(session, seq=8)
    with pytest.raises(NotFound):
        record_dose(session, actor(session), elsewhere.id, dose("sinovac_coronavac", 1, "2022-06-01"), today=TODAY)
    with pytest.raises(NotFound):
        status_on(session, actor(session), 999_999, on=TODAY)
    with pytest.raises(Forbidden):
        record_dose(session, actor(session, "viewer"), here.id, dose("sinovac_coronavac", 1, "2022-06-01"), today=TODAY)
    assert count(session, VaccinationDose) == 0


def test_outreach(session: Session) -> None:
    p = person(session, birth=date(1940, 3, 1))
    epi = actor(session)
    record_outreach(
        session, epi, p.id, OutreachIn(outcome="contraindication", asked_on=TODAY, reason="chemotherapy"), today=TODAY
    )
    record_outreach(
        session, epi, p.id, OutreachIn(outcome="later_date", asked_on=TODAY, later_on=date(2022, 12, 8)), today=TODAY
    )
    assert [o.outcome for o in outreach_of(session, epi, p.id)] == ["later_date", "contraindication"]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "contraindication"}, "reason"),
        ({"outcome": "later_date"}, "later_on"),
        ({"outcome": "later_date", "later_on": date(2022, 11, 30)}, "later_on"),
        ({"outcome": "refusal", "later_on": date(2022, 12, 5)}, "later_on"),
        ({"outcome": "refusal", "asked_on": date(2022, 12, 2)}, "asked_on"),
    ],
)
def test_bad_outreach_is_refused(session: Session, given: dict[str, object], field: str) -> None:
    p = person(session)
    with pytest.raises(InvalidInput) as caught:
        record_outreach(session, actor(session), p.id, OutreachIn(**{"asked_on": TODAY, **given}), today=TODAY)
    assert caught.value.field == field
    assert count(session, VaccinationOutreach) == 0


def test_the_bubble_reads_the_records(session: Session) -> None:
    p = person(session, birth=date(1990, 3, 15))
    epi = actor(session)
    record_dose(session, epi, p.id, dose("sinovac_coronavac", 1, "2021-05-01"), today=TODAY)
    record_dose(session, epi, p.id, dose("sinovac_coronavac", 2, "2021-06-01"), today=TODAY)
    refused = bubble_check(session, epi, p.id, on=TODAY)
    assert refused.vaccination.status is VaccinationStatus.full_course
    assert not refused.entry.allowed
    assert "m20.8" in refused.entry.cite
    record_dose(session, epi, p.id, dose("zhifei_zf2001", 3, "2022-01-10"), today=TODAY)
    allowed = bubble_check(session, epi, p.id, on=TODAY)
    assert allowed.vaccination.status is VaccinationStatus.boosted
    assert allowed.entry.allowed


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    head = "document_number,product,dose_number,given_on,site,lot\n"
    return (head + "".join(",".join(r) + "\n" for r in rows)).encode()


def test_import_all_or_nothing_and_idempotent(session: Session) -> None:
    a = person(session, seq=11)
    b = person(session, birth=date(1990, 3, 15), seq=12)
    epi = actor(session)
    good = _csv(
        [
            (b.document_number, "cansino_ad5", "1", "2022-03-10", "Clinic 2", "C1"),
            (a.document_number, "sinovac_coronavac", "2", "2021-06-01", "Clinic 1", "L2"),
            (a.document_number, "sinovac_coronavac", "1", "2021-05-01", "Clinic 1", "L1"),
        ]
    )
    first = import_doses(session, epi, good, "csv", today=TODAY, filename="doses.csv")
    assert (first.rows, first.added, first.already_imported) == (3, 3, False)
    again = import_doses(session, epi, good, "csv", today=TODAY, filename="doses.csv")
    assert again.already_imported and again.import_id == first.import_id
    assert count(session, VaccinationDose) == 3
    assert status_on(session, epi, a.id, on=TODAY).status is VaccinationStatus.full_course
    as_json = json.dumps(
        [
            {
                "document_number": b.document_number,
                "product": "sinopharm_bbibp",
                "dose_number": 2,
                "given_on": "2022-11-01",
            }
        ]
    ).encode()
    assert import_doses(session, epi, as_json, "json", today=TODAY).added == 1
    assert status_on(session, epi, b.id, on=TODAY).status is VaccinationStatus.boosted


def _bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (("{doc!}", "sinovac_coronavac", "1", "2022-06-01", "", ""), "document_number"),
        (("{unknown}", "sinovac_coronavac", "1", "2022-06-01", "", ""), "document_number"),
        (("{doc}", "astrazeneca", "1", "2022-06-01", "", ""), "product"),
        (("{doc}", "sinovac_coronavac", "1", "2023-06-01", "", ""), "given_on"),
        (("{doc}", "sinovac_coronavac", "one", "2022-06-01", "", ""), "dose_number"),
        (("{doc}", "sinovac_coronavac", "1", "1 June", "", ""), "given_on"),
        (("{doc}", "sinovac_coronavac", "3", "2022-06-01", "", ""), "dose_number"),
    ],
)
def test_a_bad_row_refuses_the_file(session: Session, row: tuple[str, ...], column: str) -> None:
    p = person(session, seq=21)
    fine = (p.document_number, "sinovac_coronavac", "1", "2021-05-01", "", "")
    doc = {
        "{doc}": p.document_number,
        "{doc!}": _bad_check_digit(p.document_number),
        "{unknown}": resident_id(date(1980, 1, 1), 99),
    }
    bad = tuple(doc.get(v, v) for v in row)
    other = person(session, seq=22)
    first = (other.document_number, *fine[1:])
    with pytest.raises(RowError) as caught:
        import_doses(session, actor(session), _csv([first, bad]), "csv", today=TODAY)
    assert caught.value.field == column
    assert caught.value.row == 2
    assert count(session, VaccinationDose) == 0
    assert count(session, LabImport) == 0


def test_import_needs_the_role(session: Session) -> None:
    p = person(session, seq=31)
    with pytest.raises(FangkongError):
        import_doses(
            session,
            actor(session, "viewer"),
            _csv([(p.document_number, "cansino_ad5", "1", "2022-03-10", "", "")]),
            "csv",
            today=TODAY,
        )
    assert count(session, VaccinationDose) == 0


def test_coverage_and_the_outreach_list(session: Session) -> None:
    """An unvaccinated 82-year-old is first on the list; a boosted 70-year-old is not on it; a 65-year-old due a
    booster is; a 75-year-old with a contraindication is not; the coverage counts them by band (m20.12)."""
    epi = actor(session)
    old = person(session, birth=date(1940, 3, 1), seq=41)
    boosted = person(session, birth=date(1952, 1, 1), seq=42)
    due = person(session, birth=date(1957, 5, 1), seq=43)
    contra = person(session, birth=date(1947, 6, 1), seq=44)
    young = person(session, birth=date(1990, 3, 15), seq=45)
    for pid, product, n, on in [
        (boosted.id, "sinovac_coronavac", 1, "2021-05-01"),
        (boosted.id, "sinovac_coronavac", 2, "2021-06-01"),
        (boosted.id, "zhifei_zf2001", 3, "2022-02-01"),
        (due.id, "sinopharm_bbibp", 1, "2022-07-30"),
        (due.id, "sinopharm_bbibp", 2, "2022-08-20"),
        (young.id, "cansino_ad5", 1, "2022-03-10"),
    ]:
        record_dose(session, epi, pid, dose(product, n, on), today=TODAY)
    record_outreach(
        session, epi, contra.id, OutreachIn(outcome="contraindication", asked_on=TODAY, reason="allergy"), today=TODAY
    )
    listed = outreach_list(session, epi, TODAY)
    assert [r.person_id for r in listed] == [old.id, due.id]
    assert listed[0].age == 82 and listed[0].status is VaccinationStatus.unvaccinated
    assert listed[1].booster_due_from == date(2022, 11, 20)
    rows = {(r.band_from, r.jurisdiction_code): r for r in coverage(session, epi, TODAY)}
    eighty = rows[(80, COMMUNITY)]
    assert (eighty.persons, eighty.any_dose) == (1, 0)
    seventy = rows[(70, COMMUNITY)]  # the boosted 70-year-old and the 75-year-old with a contraindication
    assert (seventy.persons, seventy.any_dose, seventy.full_course, seventy.boosted) == (2, 1, 1, 1)
    sixty = rows[(60, COMMUNITY)]
    assert (sixty.persons, sixty.full_course, sixty.boosted) == (1, 1, 0)
    assert rows[(18, COMMUNITY)].full_course == 1
    assert rows[(18, COMMUNITY)].band_to == 59 and eighty.band_to is None


def test_a_dose_twice_in_one_file_is_refused(session: Session) -> None:
    p = person(session, seq=51)
    row = (p.document_number, "sinovac_coronavac", "1", "2021-05-01", "", "")
    with pytest.raises(RowError) as caught:
        import_doses(session, actor(session), _csv([row, row]), "csv", today=TODAY)
    assert caught.value.field == "dose_number" and caught.value.row == 2
    assert count(session, VaccinationDose) == 0


def test_doses_due_per_day(session: Session) -> None:
    epi = actor(session)
    elder = person(session, birth=date(1957, 5, 1), seq=61)  # booster due from 2022-11-20 (3 months, aged 65)
    adult = person(session, birth=date(1990, 3, 15), seq=62)  # second dose due 21 days after the first
    person(session, birth=date(1940, 3, 1), seq=63)  # unvaccinated
    record_dose(session, epi, elder.id, dose("sinovac_coronavac", 1, "2022-07-30"), today=TODAY)
    record_dose(session, epi, elder.id, dose("sinovac_coronavac", 2, "2022-08-20"), today=TODAY)
    record_dose(session, epi, adult.id, dose("sinopharm_bbibp", 1, "2022-11-25"), today=TODAY)
    due = doses_due(session, epi, date(2022, 12, 1), date(2022, 12, 31))
    assert due.overdue == 1  # the elder's booster, due since 2022-11-20
    assert due.unvaccinated == 1
    assert dict(due.days)[date(2022, 12, 16)] == 1 and sum(n for _, n in due.days) == 1
    with pytest.raises(InvalidInput) as caught:
        doses_due(session, epi, date(2022, 12, 1), date(2022, 11, 1))
    assert caught.value.field == "to"


def test_coverage_trend(session: Session) -> None:
    epi = actor(session)
    p = person(session, birth=date(1957, 5, 1), seq=71)
    record_dose(session, epi, p.id, dose("sinovac_coronavac", 1, "2022-11-15"), today=TODAY)
    points = coverage_trend(session, epi, date(2022, 11, 11), date(2022, 11, 30), step_days=7)
    sixty = [(t.on, t.persons, t.any_dose) for t in points if t.band_from == 60]
    assert sixty == [
        (date(2022, 11, 11), 1, 0),
        (date(2022, 11, 18), 1, 1),
        (date(2022, 11, 25), 1, 1),
        (date(2022, 11, 30), 1, 1),
    ]
    with pytest.raises(InvalidInput) as caught:
        coverage_trend(session, epi, date(2022, 11, 11), date(2023, 11, 11), step_days=1)
    assert caught.value.field == "to"


def test_the_outreach_list_puts_the_oldest_band_first_then_key_people_then_age(session: Session) -> None:
    """Register vaccination-outreach-order (measures 12 and 14): 80+ before 70–79; inside 70–79, living alone, then an
    underlying disease, then the rest by age — each move-up said with its clause."""
    eldest = person(session, date(1937, 1, 1), 11)  # 85
    plain = person(session, date(1947, 1, 1), 12)  # 75, on no registry
    alone = person(session, date(1950, 1, 1), 13)  # 72, living alone
    ill = person(session, date(1951, 1, 1), 14)  # 71, underlying disease
    for who, kind in ((alone, "elderly_living_alone"), (ill, "underlying_disease")):
        session.add(
            KeyPerson(
                person_id=who.id,
                kinds=[kind],
                vaccination_status="unvaccinated",
                grade="high",
                check_every_days=1,
                started_at=datetime(2022, 11, 20, tzinfo=UTC),
                recorded_by="epi",
            )
        )
    session.flush()
    mine = [eldest.id, plain.id, alone.id, ill.id]
    rows = [r for r in outreach_list(session, actor(session), TODAY) if r.person_id in mine]
    assert [r.person_id for r in rows] == [eldest.id, alone.id, ill.id, plain.id]
    moved = rows[1].reasons[0]
    assert (
        moved.clause == "m20.14"
        and "elderly living alone" in moved.text
        and rows[1].key_kinds == ["elderly_living_alone"]
    )
    assert all("key-population" not in r.text for r in rows[3].reasons)
