"""The clauses a bulk job says it applied come from the rules in force on the job's day: 9th-edition clauses on
its days, the 20 measures' (and their supporting documents') after."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.bulk import health_codes as hc
from fangkong.bulk.jobs import lab_cites, work_list_cites
from fangkong.policy import load_policy

POLICY = load_policy()


@pytest.mark.parametrize("on", [date(2022, 7, 1), date(2022, 11, 10)], ids=["July", "10 Nov"])
def test_the_jobs_cite_the_9th_edition_on_its_days(on: date) -> None:
    rules = POLICY.at(on)
    for cites in (hc.cites(rules), work_list_cites(rules), lab_cites(rules)):
        # the 9th edition's own clauses, or those of the nine prohibitions that went with it
        instruments = {POLICY.clauses[c].instrument for c in cites}
        assert cites and instruments <= {"v9", "v9-nine"}, cites


def test_the_jobs_cite_the_20_measures_on_theirs() -> None:
    rules = POLICY.at(date(2022, 11, 22))
    assert {"m20.1", "m20.3", "m20.4", "m20.5", "m20.10", "m20.s3", "m20-docs.testing", "m20.16"} <= set(
        hc.cites(rules)
    )
    assert {"m20.1", "m20.3", "m20.5", "m20.10"} <= set(work_list_cites(rules))
    assert {"m20.9", "m20.s3", "m20-docs.testing"} <= set(lab_cites(rules))
