"""Vaccination in the console (issue 19, measure 12): the coverage board by age band and community in Chinese and
English with its chart data; the outreach list of the elderly, the oldest first, with status and reasons in words,
printable and exported; a recorded outcome takes a person off the list, a refused one names the field in the page's
language and changes nothing; a viewer sees no forms; a jurisdiction outside the reader's scope is not found; the
list's read is audited with the persons it named."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fangkong.services.audit.models import AuditEntry
from fangkong.services.jurisdictions.models import Jurisdiction
from fangkong.services.store import make_engine, session_factory, unit_of_work
from fangkong.services.vaccination.models import VaccinationDose, VaccinationOutreach
from tests.web.helpers import DRILL_DAY, console, demo_store, login

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("vaccination"))


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with console(url) as c:
        login(c, "command")
        yield c


def visible(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def _main(html: str) -> str:
    return html.split('id="main"', 1)[1]


def _outreach(url: str) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        return int(session.scalar(select(func.count()).select_from(VaccinationOutreach)) or 0)


def _community(url: str, name_starts: str) -> str:
    with unit_of_work(session_factory(make_engine(url))) as session:
        code = session.scalar(
            select(Jurisdiction.code)
            .where(Jurisdiction.level == "community", Jurisdiction.name.like(f"{name_starts}%"))
            .order_by(Jurisdiction.path)
        )
        assert code is not None
        return code


def _listed(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr id="person-(\d+)"', html)]


def test_the_coverage_board_in_both_languages(client: TestClient) -> None:
    day = DRILL_DAY.isoformat()
    zh = client.get(f"/vaccination?lang=zh&on={day}")
    assert zh.status_code == 200
    text = visible(_main(zh.text))
    for word in ("疫苗接种率", "接种一剂及以上", "完成全程接种", "完成加强免疫", "3–17岁", "80岁及以上", "按社区"):
        assert word in text, word
    assert SNAKE.findall(text) == []
    assert 'href="/vaccination"' in zh.text  # the menu entry
    en = client.get(f"/vaccination?lang=en&on={day}")
    text = visible(_main(en.text))
    for word in ("Vaccination coverage", "At least one dose", "Full course", "Booster", "60–69", "80 and over"):
        assert word in text, word
    assert SNAKE.findall(text) == []
    bands = en.text.split('id="band-table"', 1)[1].split("</table>", 1)[0]
    assert bands.count('<tr><th scope="row"') == 5  # the five age bands of measure 12
    communities = en.text.split('id="community-table"', 1)[1].split("</table>", 1)[0]
    assert "Community 1-1" in communities and "Community 2-3" in communities
    # the chart's figures: the same bands, per cent, names in the page's language; no inline script on the page
    data = client.get(f"/vaccination/data.json?lang=en&on={day}").json()
    assert data["bands"][-1] == "80 and over" and [s["name"] for s in data["series"]] == [
        "At least one dose",
        "Full course",
        "Booster",
    ]
    assert all(0 <= v <= 100 for s in data["series"] for v in s["data"])
    assert data["trend"]["days"][-1] == day and len(data["trend"]["series"]) == 2
    assert "<script>" not in en.text and "/console-static/vaccination.js" in en.text
    bad = client.get("/vaccination?lang=en&on=tomorrow")
    assert bad.status_code == 422 and 'data-field="on"' in bad.text


def test_the_outreach_list_oldest_first_in_words_and_csv(client: TestClient) -> None:
    en = client.get(f"/vaccination/outreach?lang=en&on={DRILL_DAY}")
    assert en.status_code == 200
    text = visible(_main(en.text))
    assert "Vaccination outreach" in text and "Not vaccinated" in text
    assert SNAKE.findall(text) == []
    ages = [int(a) for a in re.findall(r'data-label="Age">(\d+)<', en.text)]
    assert ages and ages == sorted(ages, reverse=True) and min(ages) >= 60
    assert "WIBP-CorV" in text or "BBIBP-CorV" in text  # a product by its name, not its code
    zh = client.get(f"/vaccination/outreach?lang=zh&on={DRILL_DAY}")
    ztext = visible(_main(zh.text))
    assert "老年人接种动员名单" in ztext and "未接种" in ztext and "岁" in ztext
    assert SNAKE.findall(ztext) == []
    exported = client.get(f"/vaccination/outreach.csv?lang=zh&on={DRILL_DAY}")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["姓名", "所在地", "年龄"] and len(rows) - 1 == len(_listed(en.text))
    assert all(SNAKE.findall(" ".join(r)) == [] for r in rows)
    english = list(csv.reader(io.StringIO(client.get(f"/vaccination/outreach.csv?lang=en&on={DRILL_DAY}").text)))
    assert all(SNAKE.findall(" ".join(r)) == [] for r in english[1:])


def test_an_outcome_takes_a_person_off_and_a_bad_one_changes_nothing(client: TestClient, url: str) -> None:
    page = client.get(f"/vaccination/outreach?lang=en&on={DRILL_DAY}")
    first, second = _listed(page.text)[:2]
    before = _outreach(url)
    # a contraindication without its reason: refused naming the field in the page's language, nothing stored
    for lang, said in (("en", "needs its reason"), ("zh", "接种禁忌须写明原因")):
        refused = client.post(
            f"/vaccination/outreach/{first}?lang={lang}",
            data={"outcome": "contraindication", "asked_on": DRILL_DAY.isoformat(), "on": DRILL_DAY.isoformat()},
        )
        assert refused.status_code == 422
        form = refused.text.split(f'id="form-{first}"', 1)[1].split("</form>", 1)[0]
        assert 'data-field="reason"' in form and said in form
    for data, field in (
        ({"outcome": "sweets"}, "outcome"),
        ({"outcome": "later_date", "later_on": "2022-11-01"}, "later_on"),
        ({"outcome": "refusal", "asked_on": "2099-01-01"}, "asked_on"),
        ({"outcome": "refusal", "asked_on": "soon"}, "asked_on"),
        ({"outcome": "contraindication", "reason": "x" * 1001}, "reason"),
    ):
        refused = client.post(f"/vaccination/outreach/{first}?lang=en", data={**data, "on": DRILL_DAY.isoformat()})
        assert refused.status_code == 422 and f'data-field="{field}"' in refused.text, field
    assert _outreach(url) == before
    # recorded: redirected to the list, said in words, and the person is no longer asked
    done = client.post(
        f"/vaccination/outreach/{first}",
        data={"outcome": "refusal", "asked_on": DRILL_DAY.isoformat(), "on": DRILL_DAY.isoformat()},
    )
    assert done.status_code == 303 and "saved=refusal" in done.headers["location"]
    after = client.get(done.headers["location"] + "&lang=en")
    assert "Recorded: Refusal." in after.text and first not in _listed(after.text) and second in _listed(after.text)
    assert _outreach(url) == before + 1


def test_a_viewer_sees_no_forms_and_another_jurisdiction_is_not_found(url: str) -> None:
    with console(url) as c:
        login(c, "viewer")
        page = c.get(f"/vaccination/outreach?lang=en&on={DRILL_DAY}")
        assert page.status_code == 200 and _listed(page.text)
        main = _main(page.text).split('id="outreach-filters"', 1)[1].split("</form>", 1)[1]
        assert "<form" not in main
        refused = c.post(f"/vaccination/outreach/{_listed(page.text)[0]}", data={"outcome": "refusal"})
        assert refused.status_code == 403
    far = _community(url, "第2街道")
    with console(url) as c:
        login(c, "worker1")  # a community of street 1: street 2 is outside
        for path in ("/vaccination", "/vaccination/outreach", "/vaccination/outreach.csv", "/vaccination/data.json"):
            assert c.get(f"{path}?jurisdiction={far}").status_code == 404, path
        assert c.get("/vaccination").status_code == 200


def test_the_outreach_read_is_audited(client: TestClient, url: str) -> None:
    with unit_of_work(session_factory(make_engine(url))) as session:
        last = int(session.scalar(select(func.max(AuditEntry.id))) or 0)
    page = client.get(f"/vaccination/outreach?on={DRILL_DAY}")
    client.get(f"/vaccination/outreach.csv?on={DRILL_DAY}")
    with unit_of_work(session_factory(make_engine(url))) as session:
        reads = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last, AuditEntry.actor == "command", AuditEntry.action == "read")
        ).all()
    lists = [e for e in reads if e.detail.get("vaccination_outreach")]
    assert len(lists) == 2 and all(set(e.detail["persons"]) == set(_listed(page.text)) for e in lists)


def _doses(url: str, person_id: int) -> int:
    with unit_of_work(session_factory(make_engine(url))) as session:
        stmt = select(func.count()).select_from(VaccinationDose).where(VaccinationDose.person_id == person_id)
        return int(session.scalar(stmt) or 0)


def test_the_person_page_shows_the_doses_and_records_one(client: TestClient, url: str) -> None:
    page = client.get(f"/vaccination/outreach?lang=en&on={DRILL_DAY}")
    person = _listed(page.text)[-1]
    en = client.get(f"/persons/{person}?lang=en")
    block = en.text.split('id="vaccination"', 1)[1].split("</section>", 1)[0]
    assert "Vaccination ·" in block and 'id="dose-form"' in block
    assert SNAKE.findall(visible(block)) == []
    zh = client.get(f"/persons/{person}?lang=zh").text.split('id="vaccination"', 1)[1].split("</section>", 1)[0]
    assert "疫苗接种" in zh and SNAKE.findall(visible(zh)) == []
    before = _doses(url, person)
    nxt = before + 1
    # out of order, in the future, unknown product: refused naming the field, in the page's language, nothing stored
    for data, field, lang in (
        ({"product": "sinopharm_bbibp", "dose_number": str(nxt + 1)}, "dose_number", "en"),
        ({"product": "sinopharm_bbibp", "dose_number": str(nxt), "given_on": "2099-01-01"}, "given_on", "zh"),
        ({"product": "sweets", "dose_number": str(nxt)}, "product", "en"),
    ):
        refused = client.post(f"/persons/{person}/vaccinations?lang={lang}", data=data)
        assert refused.status_code == 422, refused.text[:300]
        form = refused.text.split('id="dose-form"', 1)[1].split("</form>", 1)[0]
        assert f'data-field="{field}"' in form or 'id="dose-error"' in form, field
    assert _doses(url, person) == before
    done = client.post(
        f"/persons/{person}/vaccinations",
        data={"product": "sinopharm_bbibp", "dose_number": str(nxt), "given_on": DRILL_DAY.isoformat()},
    )
    assert done.status_code == 303 and _doses(url, person) == nxt
    with console(url) as c:
        login(c, "viewer")
        seen = c.get(f"/persons/{person}?lang=en").text.split('id="vaccination"', 1)[1].split("</section>", 1)[0]
        assert "<form" not in seen and "Dose 1" in seen
