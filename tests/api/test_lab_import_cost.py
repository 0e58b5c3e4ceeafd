"""A lab import's cost is linear in the file, however many results a person has in it (issue 17: 300,000 results
over 120 people took minutes; each round of consequences — a person's k-th result — scanned every staged event).

No clock: the work is counted as SQLite's virtual-machine instructions (a progress handler), which do not
depend on the machine or its load. Doubling a file of single tubes over three people (its rounds double too)
must about double the work; the scans made it four times."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.api.helpers import Api, Clock
from tests.api.test_lab_imports import add_lab_user, app_of, engine_of, people, upload

AT7 = "2022-11-16T07:00:00+08:00"
AT8 = "2022-11-16T08:00:00+08:00"
STEP = 1000  # instructions between two calls of the handler


class Instructions:
    """SQLite instructions run on the engine's connections while counting."""

    def __init__(self, engine: Engine) -> None:
        self.calls = 0
        self.counting = False
        event.listen(engine, "checkout", self._watch)
        engine.dispose()  # every connection from now on is watched

    def _watch(self, dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_progress_handler(self._tick, STEP)

    def _tick(self) -> int:
        if self.counting:
            self.calls += 1
        return 0  # go on

    def of(self, api: Api, body: str) -> int:
        self.calls, self.counting = 0, True
        try:
            upload(api, "lab", "/api/lab/results", body, name=f"results-{len(body)}.csv")
        finally:
            self.counting = False
        return self.calls * STEP


def files(api: Api, group: list[dict[str, Any]], first: int, n: int) -> str:
    """Register `n` single tubes taken in turn from `group` (many a person); their results, all negative."""
    samples = "barcode,pool_size,sampling_point,collected_at,members\n" + "".join(
        f"S-{i},1,Point 3,{AT7},{group[i % len(group)]['document_number']}\n" for i in range(first, first + n)
    )
    upload(api, "lab", "/api/lab/samples", samples, name=f"samples-{first}.csv")
    return "barcode,lab,reported_at,ct_orf1ab,ct_n\n" + "".join(
        f"S-{i},City lab,{AT8},,\n" for i in range(first, first + n)
    )


def test_a_results_file_costs_in_proportion_to_its_rows_however_many_a_person_has(
    api: Api, clock: Clock, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the work is counted in SQLite's instructions")
    add_lab_user(api)
    clock.today = date(2022, 11, 16)
    group = people(api, 3)
    counter = Instructions(engine_of(api))
    assert app_of(api).state.engine is engine_of(api)
    small = counter.of(api, files(api, group, 0, 400))
    large = counter.of(api, files(api, group, 1000, 1600))
    # 4x the rows: linear work is 4x plus what does not depend on the file; the scans made it 16x
    assert large / small < 6, (small, large)
