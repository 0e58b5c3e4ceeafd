"""Care in the console (measure 11; issue 18): the facility list and page, the infection's care block and the capacity
board render in Chinese and English without raw identifiers; the forms change the store; bad input re-shows the page
with the field named and changes nothing; a viewer sees no forms; a facility outside the reader's jurisdiction is not
found; the list of patients staying in a facility is audited in each person's trail."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.policy import load_policy
from fangkong.services.access import SYSTEM
from fangkong.services.audit.models import AuditEntry
from fangkong.services.care.demo import DESIGNATED
from fangkong.services.care.models import CareFacility, CareStay, InfectionSeverity, StaffAbsence
from fangkong.services.care.wave import demo_wave
from fangkong.services.demo import COUNTY
from fangkong.services.infections.models import Infection
from fangkong.services.store import make_engine, session_factory, unit_of_work
from tests.web.helpers import DRILL_DAY, console, demo_store, login

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
WORKER1_COMMUNITY = "110199001001"


def add_wave(url: str) -> int:
    """The demo county's wave (`services.care.wave.demo_wave`, measure 11) added to the store at `url`: infections
    graded and admitted over the ten days before the drill day, critical-care nurses of the designated hospital
    infected on it. Returns the infections added."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        return demo_wave(session, SYSTEM, DRILL_DAY, COUNTY, policy=load_policy())


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    found = demo_store(tmp_path_factory.mktemp("care"), persons=60)
    assert add_wave(found) > 10
    return found


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def _designated(url: str) -> CareFacility:
    with unit_of_work(session_factory(make_engine(url))) as session:
        f = session.scalars(select(CareFacility).where(CareFacility.name == DESIGNATED)).one()
        session.expunge(f)
        return f


def _busy_facility(url: str, kind: str | None = None) -> tuple[int, list[tuple[int, int]]]:
    """A facility (of `kind`) with the most patients staying now, and its stays' (infection, person)."""
    with unit_of_work(session_factory(make_engine(url))) as session:
        stmt = select(CareStay.facility_id).join(CareFacility, CareFacility.id == CareStay.facility_id)
        if kind is not None:
            stmt = stmt.where(CareFacility.kind == kind)
        fid = session.scalar(
            stmt.where(CareStay.ended_on.is_(None)).group_by(CareStay.facility_id).order_by(func.count().desc())
        )
        assert fid is not None, "the demo has no one in a facility"
        rows = session.execute(
            select(CareStay.infection_id, Infection.person_id)
            .join(Infection, Infection.id == CareStay.infection_id)
            .where(CareStay.facility_id == fid, CareStay.ended_on.is_(None))
            .order_by(CareStay.id)
        ).all()
        return fid, [(i, p) for i, p in rows]


def _infection_of_county(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        found = session.scalar(
            select(Infection.id).where(Infection.discharged_on.is_(None)).order_by(Infection.id.desc())
        )
        assert found is not None
        return found


def _count(url: str, model: type, *where: object) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_every_care_page_shows_words_in_both_languages(client: TestClient, url: str) -> None:
    fid, _ = _busy_facility(url)
    infection = _infection_of_county(url)
    problems = []
    for role in ("command", "epi", "viewer", "worker1"):
        login(client, role)
        for page in ("/facilities", f"/facilities/{fid}", f"/infections/{infection}", "/capacity"):
            for lang in ("zh", "en"):
                r = client.get(page, params={"lang": lang})
                if r.status_code >= 500:
                    problems.append(f"{role} {page} [{lang}] answered {r.status_code}")
                raw = sorted(set(SNAKE.findall(visible(r.text))))
                if raw:
                    problems.append(f"{role} {page} [{lang}] shows {raw}")
    assert problems == []


def test_the_list_filters_sorts_pages_and_exports(client: TestClient, url: str) -> None:
    page = client.get("/facilities", params={"lang": "en"})
    assert page.status_code == 200
    assert DESIGNATED in page.text and "Designated hospital" in page.text and "Open" in page.text
    assert 'href="/facilities/' in page.text and "Occupied / staffed / physical".lower() in page.text.lower()
    clinics = client.get("/facilities", params={"kind": "fever_clinic", "lang": "en"}).text
    assert "Demo fever clinic 1" in clinics and DESIGNATED not in clinics
    assert "2 facilities" in clinics
    closed = client.get("/facilities", params={"status": "closed", "lang": "en"}).text
    assert "No facility matches." in closed
    community = client.get("/facilities", params={"jurisdiction": WORKER1_COMMUNITY, "lang": "en"}).text
    assert WORKER1_COMMUNITY[-6:] in community and DESIGNATED not in community
    by_name = client.get("/facilities", params={"sort": "-name"}).text
    names = re.findall(r'<a href="/facilities/\d+">([^<]+)</a>', by_name)
    assert names == sorted(names, reverse=True) and len(names) > 2
    bad = client.get("/facilities", params={"kind": "castle", "lang": "en"})
    assert bad.status_code == 422 and 'id="problem"' in bad.text
    csv = client.get("/facilities.csv", params={"kind": "fever_clinic", "lang": "en"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Facility,Kind,Status,Jurisdiction") and "Fever clinic" in lines[1]


def test_the_facility_page_lists_its_patients_and_the_read_is_audited(client: TestClient, url: str) -> None:
    fid, stays = _busy_facility(url)
    before = _count(url, AuditEntry, AuditEntry.reason == "console facility patients")
    page = client.get(f"/facilities/{fid}", params={"lang": "en"})
    assert page.status_code == 200
    for _, person_id in stays:
        assert f'href="/persons/{person_id}"' in page.text
    assert "Physical" in page.text and "Staffed" in page.text and "Free" in page.text
    assert "Why these beds are staffed" in page.text and "nurses at" in page.text
    zh = client.get(f"/facilities/{fid}", params={"lang": "zh"}).text
    assert "实有床位" in zh and "在院患者" in zh and "可开放" in zh
    listed = _count(url, AuditEntry, AuditEntry.reason == "console facility patients")
    assert listed - before == 2 * len({p for _, p in stays})  # each person noted, on each of the two reads
    with unit_of_work(session_factory(make_engine(url))) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.reason == "console facility patients").order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.actor == "command" and entry.entity == "person"


def test_staff_infected_reduce_the_staffed_beds_and_bad_counts_change_nothing(client: TestClient, url: str) -> None:
    f = _designated(url)
    before = client.get(f"/facilities/{f.id}", params={"lang": "en"}).text
    general = re.search(r'id="beds-general">.*?</th>\s*<td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>', before, re.S)
    assert general is not None
    staffed_before = int(general.group(2))
    r = client.post(
        f"/facilities/{f.id}/absence",
        data={"staff_kind": "nurse", "on": DRILL_DAY.isoformat(), "infected": "40", "absent": "2"},
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/facilities/{f.id}?done=absence")
    after = client.get(r.headers["location"] + "&lang=en").text
    assert "Staff infected and absent recorded." in after
    general = re.search(r'id="beds-general">.*?</th>\s*<td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>', after, re.S)
    assert general is not None and int(general.group(2)) < staffed_before
    rows = _count(url, StaffAbsence)
    bad = client.post(
        f"/facilities/{f.id}/absence",
        data={"staff_kind": "nurse", "on": DRILL_DAY.isoformat(), "infected": "many", "absent": "0", "lang": "en"},
    )
    assert bad.status_code == 422 and 'data-field="infected"' in bad.text
    too_many = client.post(
        f"/facilities/{f.id}/absence?lang=zh",
        data={"staff_kind": "nurse", "on": DRILL_DAY.isoformat(), "infected": "9999", "absent": "0"},
    )
    assert too_many.status_code == 422 and 'data-field="infected"' in too_many.text
    wrong_kind = client.post(
        f"/facilities/{f.id}/absence?lang=en",
        data={"staff_kind": "porter", "on": DRILL_DAY.isoformat(), "infected": "1", "absent": "0"},
    )
    assert wrong_kind.status_code == 422 and 'data-field="staff_kind"' in wrong_kind.text
    assert _count(url, StaffAbsence) == rows
    with unit_of_work(session_factory(make_engine(url))) as session:
        kept = session.scalars(
            select(StaffAbsence).where(StaffAbsence.facility_id == f.id, StaffAbsence.staff_kind == "nurse")
        ).one()
        assert (kept.infected, kept.absent) == (40, 2)


def test_the_edit_form_changes_status_and_beds_and_refuses_negative_beds(client: TestClient, url: str) -> None:
    with unit_of_work(session_factory(make_engine(url))) as session:
        clinic = session.scalars(select(CareFacility).where(CareFacility.kind == "fever_clinic")).first()
        assert clinic is not None
        fid, beds = clinic.id, clinic.general_beds
    bad = client.post(
        f"/facilities/{fid}/edit?lang=en",
        data={"status": "standby", "beds.general": "-3", "beds.icu": "0", "beds.convertible_icu": "0"},
    )
    assert bad.status_code == 422 and 'data-field="beds.general"' in bad.text and "cannot be negative" in bad.text
    zh = client.post(
        f"/facilities/{fid}/edit?lang=zh",
        data={"status": "castle", "beds.general": "5", "beds.icu": "0", "beds.convertible_icu": "0"},
    )
    assert zh.status_code == 422 and 'data-field="status"' in zh.text
    with unit_of_work(session_factory(make_engine(url))) as session:
        same = session.get(CareFacility, fid)
        assert same is not None and (same.status, same.general_beds) == ("open", beds)
    ok = client.post(
        f"/facilities/{fid}/edit",
        data={"status": "standby", "beds.general": str(beds + 5), "beds.icu": "0", "beds.convertible_icu": "0"},
    )
    assert ok.status_code == 303
    page = client.get(ok.headers["location"] + "&lang=en").text
    assert "Facility saved." in page and "Standby" in page
    with unit_of_work(session_factory(make_engine(url))) as session:
        changed = session.get(CareFacility, fid)
        assert changed is not None and (changed.status, changed.general_beds) == ("standby", beds + 5)


def test_discharge_ends_the_stay_and_a_stale_second_click_changes_nothing(client: TestClient, url: str) -> None:
    fid, stays = _busy_facility(url)
    infection, person = stays[0]
    r = client.post(f"/facilities/{fid}/end", data={"infection_id": str(infection), "end": "discharged"})
    assert r.status_code == 303
    page = client.get(r.headers["location"].split("#")[0] + "&lang=en").text
    assert "Discharged." in page and f'href="/persons/{person}"' not in page
    with unit_of_work(session_factory(make_engine(url))) as session:
        stay = session.scalars(select(CareStay).where(CareStay.infection_id == infection)).one()
        assert (stay.ended_on, stay.end) == (DRILL_DAY, "discharged")
    again = client.post(f"/facilities/{fid}/end?lang=en", data={"infection_id": str(infection), "end": "died"})
    assert again.status_code == 422 and "is not staying in this facility" in again.text
    with unit_of_work(session_factory(make_engine(url))) as session:
        stay = session.scalars(select(CareStay).where(CareStay.infection_id == infection)).one()
        assert stay.end == "discharged"


def test_a_severe_case_is_graded_and_transferred_from_the_infection_page(client: TestClient, url: str) -> None:
    fid, stays = _busy_facility(url, "makeshift_hospital")  # a mild case, turning severe
    infection = stays[-1][0]
    page = client.get(f"/infections/{infection}", params={"lang": "en"}).text
    assert 'id="care"' in page and "Severity history" in page and "Admission proposal" in page
    rows = _count(url, InfectionSeverity)
    bad = client.post(
        f"/infections/{infection}/severity?lang=en", data={"severity": "grave", "on": DRILL_DAY.isoformat()}
    )
    assert bad.status_code == 422 and 'data-field="severity"' in bad.text
    assert _count(url, InfectionSeverity) == rows
    r = client.post(
        f"/infections/{infection}/severity",
        data={"severity": "severe", "risk_factors": ["unvaccinated"], "on": DRILL_DAY.isoformat()},
    )
    assert r.status_code == 303 and "care_done=severity" in r.headers["location"]
    graded = client.get(f"/infections/{infection}?care_done=severity&lang=en").text
    assert "Severity recorded." in graded and "Severe" in graded and "Not fully vaccinated" in graded
    proposed = re.search(r'href="/facilities/(\d+)" id="proposed-facility"', graded)
    assert proposed is not None and "Transfer" in graded
    target = int(proposed.group(1))
    with unit_of_work(session_factory(make_engine(url))) as session:
        hospital = session.get(CareFacility, target)
        assert hospital is not None and hospital.kind in ("designated_hospital", "sub_designated_hospital")
    zh = client.get(f"/infections/{infection}", params={"lang": "zh"}).text
    assert "重型" in zh and "收治建议" in zh
    moved = client.post(f"/infections/{infection}/admit", data={"facility_id": str(target)})
    assert moved.status_code == 303
    assert "Admitted." in client.get(moved.headers["location"].split("#")[0] + "&lang=en").text
    with unit_of_work(session_factory(make_engine(url))) as session:
        moves = [
            tuple(row)
            for row in session.execute(
                select(CareStay.facility_id, CareStay.end)
                .where(CareStay.infection_id == infection)
                .order_by(CareStay.id)
            )
        ]
        assert moves[-2] == (fid, "transferred") and moves[-1] == (target, None)
    count = _count(url, CareStay)
    refused = client.post(f"/infections/{infection}/admit?lang=en", data={"facility_id": "abc"})
    assert refused.status_code == 422 and 'id="care-error"' in refused.text
    assert _count(url, CareStay) == count


def test_a_viewer_sees_no_forms_and_cannot_post(client: TestClient, url: str) -> None:
    fid, stays = _busy_facility(url)
    infection = stays[0][0]
    login(client, "viewer")
    page = client.get(f"/facilities/{fid}", params={"lang": "en"})
    assert page.status_code == 200
    assert 'action="/facilities/' not in page.text and "Discharge" not in page.text
    inf = client.get(f"/infections/{infection}", params={"lang": "en"}).text
    assert 'id="severity-form"' not in inf and 'id="admit-form"' not in inf and 'id="care"' in inf
    absences = _count(url, StaffAbsence)
    r = client.post(
        f"/facilities/{fid}/absence", data={"staff_kind": "nurse", "on": DRILL_DAY.isoformat(), "infected": "1"}
    )
    assert r.status_code == 403 and _count(url, StaffAbsence) == absences


def test_a_facility_outside_the_jurisdiction_is_not_found(client: TestClient, url: str) -> None:
    designated = _designated(url)
    login(client, "worker1")
    assert client.get(f"/facilities/{designated.id}").status_code == 404
    listed = client.get("/facilities", params={"lang": "en"}).text
    assert DESIGNATED not in listed and WORKER1_COMMUNITY[-6:] in listed
    assert client.get("/facilities", params={"jurisdiction": "110199"}).status_code == 404
    assert client.get("/facilities/999999").status_code == 404


def test_the_capacity_board_shows_census_projection_and_run_out(client: TestClient, url: str) -> None:
    page = client.get("/capacity", params={"lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert 'src="/console-static/capacity.js"' in html and 'src="/console-static/echarts/echarts.min.js"' in html
    assert 'data-src="/capacity/data.json?jurisdiction=110199&amp;on=2022-11-16&amp;lang=en"' in html
    assert 'id="census-inpatient"' in html and 'id="census-icu"' in html and "Intensive care" in html
    assert 'id="inpatient-table"' in html and 'id="icu-table"' in html  # the figures for a screen reader
    body = client.get("/capacity/data.json", params={"lang": "en"}).json()
    assert [c["id"] for c in body["charts"]] == ["inpatient", "icu"] and len(body["days"]) == 28
    icu = body["charts"][1]
    assert icu["run_out"] is not None and icu["run_out_label"] == f"Intensive care beds run out on {icu['run_out']}"
    assert f"Intensive care beds run out on {icu['run_out']}" in visible(html)  # said beside the chart, in words
    zh = client.get("/capacity", params={"lang": "zh"}).text
    assert f"重症监护床位预计于 {icu['run_out']} 耗尽" in zh and "床位资源研判" in zh
    assert client.get("/capacity/data.json", params={"lang": "zh"}).json()["charts"][1]["title"] == "重症监护"


def test_staff_infected_bring_the_run_out_within_the_alert(client: TestClient, url: str) -> None:
    assert 'id="capacity-alert"' not in client.get("/capacity", params={"lang": "en"}).text
    with unit_of_work(session_factory(make_engine(url))) as session:
        sub = session.scalars(select(CareFacility).where(CareFacility.kind == "sub_designated_hospital")).one()
        sub_id, nurses = sub.id, sub.critical_care_nurses
    r = client.post(
        f"/facilities/{sub_id}/absence",
        data={"staff_kind": "critical_care_nurse", "on": DRILL_DAY.isoformat(), "infected": str(nurses), "absent": "0"},
    )
    assert r.status_code == 303
    page = client.get("/capacity", params={"lang": "en"}).text
    assert 'id="capacity-alert"' in page and "Bed alert" in page and "alert" in page
    banner = page.split('id="capacity-alert"', 1)[1].split("</div>", 1)[0]
    assert "Intensive care beds run out on 2022-11-1" in banner and "m20.11" in banner
    zh = client.get("/capacity", params={"lang": "zh"}).text
    assert "床位预警" in zh.split('id="capacity-alert"', 1)[1].split("</div>", 1)[0]
    back = {"staff_kind": "critical_care_nurse", "on": DRILL_DAY.isoformat(), "infected": "0", "absent": "0"}
    assert client.post(f"/facilities/{sub_id}/absence", data=back).status_code == 303  # back at work: no alert
    assert 'id="capacity-alert"' not in client.get("/capacity", params={"lang": "en"}).text


def test_the_board_of_a_sub_jurisdiction_a_bad_day_and_one_out_of_scope(client: TestClient, url: str) -> None:
    community = client.get("/capacity", params={"jurisdiction": WORKER1_COMMUNITY, "lang": "en"})
    assert community.status_code == 200 and f'<option value="{WORKER1_COMMUNITY}" selected>' in community.text
    bad = client.get("/capacity", params={"on": "someday", "lang": "en"})
    assert bad.status_code == 422 and 'data-field="on"' in bad.text
    early = client.get("/capacity", params={"on": "2022-11-01", "lang": "en"})
    assert early.status_code == 200 and 'id="projection-refused"' in early.text
    assert client.get("/capacity/data.json", params={"on": "2022-11-01"}).status_code == 422
    login(client, "worker1")
    assert client.get("/capacity", params={"jurisdiction": "110199"}).status_code == 404
    assert client.get("/capacity/data.json", params={"jurisdiction": "110199"}).status_code == 404
    own = client.get("/capacity", params={"lang": "en"})
    assert own.status_code == 200 and WORKER1_COMMUNITY in own.text
    login(client, "lab")
    assert client.get("/capacity").status_code == 403 and client.get("/facilities").status_code == 403


def test_the_demo_wave_is_added_once(url: str) -> None:
    assert add_wave(url) == 0  # the designated hospital's critical-care nurses are already away today


def test_a_case_turning_critical_moves_to_an_icu_bed(client: TestClient, url: str) -> None:
    with unit_of_work(session_factory(make_engine(url))) as session:
        infection = session.scalar(
            select(CareStay.infection_id)
            .where(CareStay.ended_on.is_(None), CareStay.level == "inpatient")
            .order_by(CareStay.id)
        )
    assert infection is not None, "the wave puts someone in an inpatient bed"
    before = client.get(f"/infections/{infection}", params={"lang": "en"}).text
    assert 'id="admit-form"' not in before  # already where the last severity says
    r = client.post(f"/infections/{infection}/severity", data={"severity": "critical", "on": DRILL_DAY.isoformat()})
    assert r.status_code == 303
    page = client.get(f"/infections/{infection}", params={"lang": "en"}).text
    assert 'id="admit-form"' in page and "Intensive care" in page
    target = re.search(r'name="facility_id" value="(\d+)"', page)
    assert target is not None
    assert client.post(f"/infections/{infection}/admit", data={"facility_id": target.group(1)}).status_code == 303
    with unit_of_work(session_factory(make_engine(url))) as session:
        stay = session.scalars(
            select(CareStay).where(CareStay.infection_id == infection, CareStay.ended_on.is_(None))
        ).one()
        assert (stay.level, stay.bed_kind, stay.facility_id) == ("icu", "icu", int(target.group(1)))
