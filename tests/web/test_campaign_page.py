"""The console's page of a testing campaign (measure 6, the 21 Nov testing rules): approved from the form, its
rounds recorded on the page day by day until the testing stops, in Chinese and English, a bad or refused round
shown again with its field or clause and nothing recorded."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from httpx2 import Response

from fangkong.services.demo import DEMO_PASSWORD, load_demo
from fangkong.services.store import make_engine, session_factory, unit_of_work, upgrade
from fangkong.web.app import create_console
from tests.api.helpers import Clock
from tests.web.helpers import ConsoleClient

C11 = "110199001001"  # the demo's high-risk building is in it: an outbreak area
CONDITIONS = ["source_unclear", "chain_unclear", "long_community_transmission"]


def test_an_area_wide_campaign_is_run_round_by_round_until_it_stops(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as session:
        load_demo(session, persons=30)
    engine.dispose()
    clock = Clock(date(2022, 11, 16))
    app = create_console(url, clock=clock)
    with ConsoleClient(app, follow_redirects=False) as client:
        r = client.post("/login", data={"username": "command", "password": DEMO_PASSWORD, "next": "/"})
        assert r.status_code == 303, r.text
        form = client.get("/forms/campaign?lang=zh").text
        assert "区域全员" in form and "感染来源不清" in form and "all_residents" not in form.split("<option")[0]
        made = client.post(
            "/forms/campaign?lang=en",
            data={"area_code": C11, "scope": "all_residents", "start_on": "2022-11-22", "conditions": CONDITIONS},
        )
        assert made.status_code == 200 and 'id="open-campaign"' in made.text, made.text
        link = re.search(r'href="(/campaigns/\d+)" id="open-campaign"', made.text)
        assert link is not None
        page = link.group(1)

        zh = client.get(page + "?lang=zh").text
        assert "每日一轮" in zh and "尚无检测轮次" in zh and "区域全员" in zh and "m20-docs.testing" in zh

        def held(on: date, found: str) -> Response:
            if clock.today != on:  # a console session lasts a shift: the account logs in on each day
                clock.today = on
                client.cookies.clear()
                client.post("/login", data={"username": "command", "password": DEMO_PASSWORD, "next": "/"})
            return client.post(page + "/rounds?lang=en", data={"on": on.isoformat(), "community_infections": found})

        start = date(2022, 11, 22)
        for k in range(3):
            r = held(start + timedelta(days=k), "0")
            assert r.status_code == 303 and r.headers["location"] == page, r.text
        en = client.get(page + "?lang=en").text
        assert 'data-step="final_round"' in en and "One final round after the wait" in en and "2022-11-27" in en

        # the wait: refused with the rule's clause, nothing recorded; a bad count names its field
        early = held(date(2022, 11, 25), "0")
        assert early.status_code == 422 and "<code>m20-docs.testing</code>" in early.text
        bad = held(date(2022, 11, 27), "many")
        assert bad.status_code == 422 and 'data-field="community_infections"' in bad.text
        assert client.get(page + "?lang=en").text.count("<td>command</td>") == 3

        done = held(date(2022, 11, 27), "0")
        assert done.status_code == 303
        final = client.get(page + "?lang=zh").text
        assert 'data-step="stopped"' in final and "已停止全员检测" in final and 'id="round-form"' not in final
    app.state.engine.dispose()
