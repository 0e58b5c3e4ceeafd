"""The bulk vaccination coverage and outreach list (measure 12, issue 19) equal the per-person rule
(`rules.vaccination.vaccination_status`, `age_band`, `outreach`) person by person on seeded random populations —
doses too soon, mixed and booster-only products, doses on one day, 29 February birthdays, days either side of the
29 Nov 2022 interval change for the elderly; bad input is refused naming the field; the synthetic province and
`fangkong bulk vaccination` / `bulk run vaccination_coverage` work end to end."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from fangkong.bulk.timebase import epoch_day
from fangkong.bulk.vaccination_coverage import (
    _ages_on,
    _first_days_aged,
    _plus_months,
    cites,
    coverage_pass,
    outreach_history,
    province,
    read_table,
    run_coverage,
)
from fangkong.cli.main import app
from fangkong.errors import InvalidInput
from fangkong.policy import load_policy
from fangkong.policy.terms import KeyPopulationKind, OutreachOutcome, VaccinationStatus
from fangkong.rules.vaccination import (
    DoseGiven,
    OutreachAsked,
    add_months,
    age_band,
    age_on,
    outreach,
    outreach_priority,
    products,
    vaccination_status,
)

DAYS = [date(2022, 11, 12), date(2022, 11, 20), date(2022, 11, 29), date(2022, 12, 10), date(2023, 3, 1)]


def random_population(seed: int, persons: int) -> tuple[pa.Table, pa.Table]:
    """Residents of 5 communities born 1918-2021 (some on 29 February) and 0-6 doses each, 2021-2023."""
    rng = random.Random(seed)
    codes = [p.code for p in products(load_policy().at(date(2022, 12, 1))).value]
    res: dict[str, list[Any]] = {"person_id": [], "community_id": [], "birth_date": []}
    dos: dict[str, list[Any]] = {"person_id": [], "product": [], "dose_number": [], "given_on": []}
    for i in range(persons):
        pid = 1000 + 3 * i  # ids with gaps: the search path
        if rng.random() < 0.05:
            birth = date(rng.choice([1932, 1952, 1956, 1960, 2000, 2016]), 2, 29)
        else:
            birth = date(1918, 1, 1) + timedelta(days=rng.randint(0, 37500))
        res["person_id"].append(pid)
        res["community_id"].append(rng.randint(0, 4))
        res["birth_date"].append(birth)
        day = max(date(2021, 1, 1), birth) + timedelta(days=rng.randint(0, 300))
        course = rng.choice(codes)
        for n in range(rng.choice([0, 0, 1, 2, 2, 3, 3, 3, 4, 5, 6])):
            product = course if rng.random() < 0.7 else rng.choice(codes)
            dos["person_id"].append(pid)
            dos["product"].append(product)
            dos["dose_number"].append(n + 1)
            dos["given_on"].append(day)
            # same day, too soon, about right, a booster's months
            day += timedelta(days=rng.choice([0, rng.randint(1, 27), rng.randint(21, 40), rng.randint(80, 200)]))
    people = pa.table(
        res, schema=pa.schema([("person_id", pa.int64()), ("community_id", pa.int64()), ("birth_date", pa.date32())])
    )
    doses = pa.table(
        dos,
        schema=pa.schema(
            [("person_id", pa.int64()), ("product", pa.string()), ("dose_number", pa.int8()), ("given_on", pa.date32())]
        ),
    )
    return people, doses


def random_outcomes(people: pa.Table, seed: int) -> tuple[pa.Table, pa.Table]:
    """What came of asking about a third of the residents (every outcome, asked before and after the days judged, a
    later date either side of them; a few persons not among the residents) and the registry kinds of a quarter."""
    rng = random.Random(seed)
    asked: dict[str, list[Any]] = {"person_id": [], "outcome": [], "asked_on": [], "later_on": []}
    kinds: dict[str, list[Any]] = {"person_id": [], "kind": []}
    ids = [*people.column("person_id").to_pylist(), 999_999]
    all_kinds = [k.value for k in KeyPopulationKind]
    for pid in ids:
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            outcome = rng.choice([o.value for o in OutreachOutcome])
            asked_on = date(2022, 9, 1) + timedelta(days=rng.randint(0, 200))
            later = (
                asked_on + timedelta(days=rng.randint(1, 90))
                if outcome == "later_date" and rng.random() < 0.9
                else None
            )
            asked["person_id"].append(pid)
            asked["outcome"].append(outcome)
            asked["asked_on"].append(asked_on)
            asked["later_on"].append(later)
        if rng.random() < 0.25:
            for kind in rng.sample(all_kinds, rng.randint(1, 3)):
                kinds["person_id"].append(pid)
                kinds["kind"].append(kind)
    return (
        pa.table(
            asked,
            schema=pa.schema(
                [
                    ("person_id", pa.int64()),
                    ("outcome", pa.string()),
                    ("asked_on", pa.date32()),
                    ("later_on", pa.date32()),
                ]
            ),
        ),
        pa.table(kinds, schema=pa.schema([("person_id", pa.int64()), ("kind", pa.string())])),
    )


def by_rule(
    people: pa.Table,
    doses: pa.Table,
    on: date,
    asked: pa.Table | None = None,
    key_people: pa.Table | None = None,
) -> tuple[set[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Coverage and the outreach list person by person with the rules, ordered as the store's list orders them."""
    rules = load_policy().at(on)
    bands = list(rules.get("vaccination.coverage.age_bands").value or ())
    upper = {b: (bands[i + 1] - 1 if i + 1 < len(bands) else None) for i, b in enumerate(bands)}
    given: dict[int, list[DoseGiven]] = defaultdict(list)
    for d in doses.to_pylist():
        given[d["person_id"]].append(DoseGiven(product=d["product"], given_on=d["given_on"]))
    outcomes: dict[int, list[OutreachAsked]] = defaultdict(list)
    for a in asked.to_pylist() if asked is not None else []:
        outcomes[a["person_id"]].append(
            OutreachAsked(outcome=OutreachOutcome(a["outcome"]), asked_on=a["asked_on"], later_on=a["later_on"])
        )
    held: dict[int, list[str]] = defaultdict(list)
    for k in key_people.to_pylist() if key_people is not None else []:
        held[k["person_id"]].append(k["kind"])
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    listed: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    for p in people.to_pylist():
        status = vaccination_status(given[p["person_id"]], p["birth_date"], on, rules)
        band = age_band(p["birth_date"], on, rules)
        if band is not None:
            row = counts[(p["community_id"], band)]
            row[0] += 1
            row[1] += status.status is not VaccinationStatus.unvaccinated
            row[2] += status.status in (VaccinationStatus.full_course, VaccinationStatus.boosted)
            row[3] += status.status is VaccinationStatus.boosted
        decision = outreach(status, p["birth_date"], outcomes[p["person_id"]], on, rules)
        if decision.listed:
            due = status.booster_due_from if status.status is VaccinationStatus.full_course else None
            key, moved_up = outreach_priority(p["birth_date"], held[p["person_id"]], on, rules)
            order = list(rules.get("vaccination.outreach.priority_kinds").value or ())
            by = order[key[1]] if moved_up else None
            listed.append(
                (
                    (*key, p["person_id"]),
                    (p["person_id"], p["community_id"], decision.age, status.status.value, due, by),
                )
            )
    listed.sort(key=lambda r: r[0])
    rows = {(c, b, upper[b], *n) for (c, b), n in counts.items()}
    return rows, [r for _, r in listed]


def by_bulk(
    people: pa.Table,
    doses: pa.Table,
    on: date,
    asked: pa.Table | None = None,
    key_people: pa.Table | None = None,
) -> tuple[set[tuple[Any, ...]], list[tuple[Any, ...]]]:
    run = coverage_pass(people, doses, load_policy().at(on), on, asked=asked, key_people=key_people)
    rows = {tuple(r.values()) for r in run.coverage.to_pylist()}
    listed = [tuple(r.values()) for r in run.outreach.to_pylist()]
    return rows, listed


def test_the_day_tables_are_the_rules_date_arithmetic() -> None:
    """Every day of 1920-2024: the pass's tables equal `age_on`, `add_months` and the first day of an age."""
    first, last = epoch_day(date(1920, 1, 1)), epoch_day(date(2024, 12, 31))
    days = [date(1920, 1, 1) + timedelta(days=i) for i in range(last - first + 1)]
    on = date(2022, 11, 29)
    assert _ages_on(first, last, on).tolist() == [age_on(d, on) for d in days]
    for months in (3, 6, 216, 720):
        assert _plus_months(first, last, months).tolist() == [epoch_day(add_months(d, months)) for d in days]
    aged = _first_days_aged(first, last, 60).tolist()
    for d, from_day in zip(days, aged, strict=True):
        the_day = date(1970, 1, 1) + timedelta(days=from_day)
        assert age_on(d, the_day) >= 60 > age_on(d, the_day - timedelta(days=1))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("on", DAYS)
def test_bulk_equals_the_rule(seed: int, on: date) -> None:
    people, doses = random_population(seed, 400)
    assert by_bulk(people, doses, on) == by_rule(people, doses, on)


@pytest.mark.parametrize("seed", [5, 6, 7])
@pytest.mark.parametrize("on", DAYS)
def test_outcomes_and_the_registry_equal_the_rule(seed: int, on: date) -> None:
    """With what came of asking (contraindications, refusals within the quiet days, later dates) and the registry's
    kinds: the same persons left off and moved up as the store's per-person list (`outreach`, `outreach_priority`)."""
    people, doses = random_population(seed, 400)
    asked, key_people = random_outcomes(people, seed)
    bulk = by_bulk(people, doses, on, asked, key_people)
    assert bulk == by_rule(people, doses, on, asked, key_people)
    assert len(bulk[1]) < len(by_rule(people, doses, on)[1]) or not asked.num_rows


def test_an_unknown_outcome_or_kind_is_refused_naming_the_field() -> None:
    people = pa.table({"person_id": [1], "community_id": [0], "birth_date": pa.array([date(1940, 1, 1)])})
    doses = pa.table(
        {"person_id": [1], "product": ["cansino_ad5"], "dose_number": [1], "given_on": pa.array([date(2022, 1, 1)])}
    )
    on = date(2022, 12, 1)
    bad_asked = pa.table(
        {"person_id": [1], "outcome": ["maybe"], "asked_on": pa.array([on]), "later_on": pa.array([None], pa.date32())}
    )
    with pytest.raises(InvalidInput) as refused:
        coverage_pass(people, doses, load_policy().at(on), on, asked=bad_asked)
    assert refused.value.field == "outcome"
    with pytest.raises(InvalidInput) as refused:
        coverage_pass(people, doses, load_policy().at(on), on, key_people=pa.table({"person_id": [1], "kind": ["vip"]}))
    assert refused.value.field == "kind"


def test_unsorted_input_equals_the_rule() -> None:
    """Doses and residents in no order (a hand-made export): sorted by the pass, same answer."""
    people, doses = random_population(7, 300)
    rng = random.Random(7)
    order = list(range(doses.num_rows))
    rng.shuffle(order)
    # keep doses on one day in the order given (the rule's stable sort): shuffle, then sort by person and day only
    shuffled = doses.take(pa.array(order))
    on = date(2022, 12, 10)
    people_shuffled = people.take(pa.array(list(reversed(range(people.num_rows)))))
    rule_rows, rule_list = by_rule(people, shuffled, on)
    assert by_bulk(people_shuffled, shuffled, on) == (rule_rows, rule_list)


def test_the_interval_change_for_the_elderly() -> None:
    """A 70-year-old with a full course on 1 Aug 2022: the booster is due from 1 Nov 2022 once the 29 Nov plan is in
    force (3 months), from 1 Feb 2023 before it (6 months); a booster on 10 Nov counts only under the new interval."""
    people = pa.table({"person_id": [1], "community_id": [0], "birth_date": pa.array([date(1952, 5, 5)])})
    course = {"person_id": [1, 1], "product": ["sinovac_coronavac"] * 2, "dose_number": [1, 2]}
    doses = pa.table({**course, "given_on": pa.array([date(2022, 7, 1), date(2022, 8, 1)])})
    before = coverage_pass(people, doses, load_policy().at(date(2022, 11, 28)), date(2022, 11, 28))
    after = coverage_pass(people, doses, load_policy().at(date(2022, 11, 29)), date(2022, 11, 29))
    assert before.outreach.num_rows == 0
    assert after.outreach.column("booster_due_from").to_pylist() == [date(2022, 11, 1)]
    boosted = pa.table(
        {
            "person_id": [1, 1, 1],
            "product": ["sinovac_coronavac", "sinovac_coronavac", "cansino_ad5_inhaled"],
            "dose_number": [1, 2, 3],
            "given_on": pa.array([date(2022, 7, 1), date(2022, 8, 1), date(2022, 11, 10)]),
        }
    )
    on = date(2022, 12, 1)
    assert coverage_pass(people, boosted, load_policy().at(on), on).coverage.column("boosted").to_pylist() == [1]
    on = date(2022, 11, 20)
    assert coverage_pass(people, boosted, load_policy().at(on), on).coverage.column("boosted").to_pylist() == [0]


@pytest.mark.parametrize(
    ("dose", "field"),
    [
        ({"product": "sputnik_v", "given_on": date(2022, 1, 1)}, "product"),
        ({"product": "sinovac_coronavac", "given_on": date(1999, 1, 1)}, "given_on"),
    ],
)
def test_bad_doses_are_refused_naming_the_field(dose: dict[str, Any], field: str) -> None:
    people = pa.table({"person_id": [1], "community_id": [0], "birth_date": pa.array([date(2000, 1, 1)])})
    doses = pa.table({"person_id": [1], "dose_number": [1], **{k: [v] for k, v in dose.items()}})
    with pytest.raises(InvalidInput) as refused:
        coverage_pass(people, doses, load_policy().at(date(2022, 12, 1)), date(2022, 12, 1))
    assert refused.value.field == field


def test_nobody_vaccinated() -> None:
    people = pa.table({"person_id": [1, 2], "community_id": [0, 0], "birth_date": pa.array([date(1950, 1, 1)] * 2)})
    doses = pa.table(
        {
            "person_id": pa.array([], pa.int64()),
            "product": pa.array([], pa.string()),
            "dose_number": pa.array([], pa.int8()),
            "given_on": pa.array([], pa.date32()),
        }
    )
    on = date(2022, 12, 1)
    run = coverage_pass(people, doses, load_policy().at(on), on)
    assert run.coverage.to_pylist() == [
        {"community_id": 0, "band_from": 70, "band_to": 79, "persons": 2, "any_dose": 0, "full_course": 0, "boosted": 0}
    ]
    assert run.outreach.column("person_id").to_pylist() == [1, 2]


def test_a_resident_listed_twice_is_refused() -> None:
    people = pa.table(
        {"person_id": [2, 1, 2], "community_id": [0, 0, 0], "birth_date": pa.array([date(2000, 1, 1)] * 3)}
    )
    doses = pa.table(
        {"person_id": [1], "product": ["cansino_ad5"], "dose_number": [1], "given_on": pa.array([date(2022, 1, 1)])}
    )
    with pytest.raises(InvalidInput) as refused:
        coverage_pass(people, doses, load_policy().at(date(2022, 12, 1)), date(2022, 12, 1))
    assert refused.value.field == "person_id"


def test_the_synthetic_province_equals_the_rule() -> None:
    """The generator's province (dense ids, sorted, dictionary-encoded products): realistic shares, and the pass
    equals the rule on it."""
    people, doses = province(3000, seed=5)
    assert 2.0 < doses.num_rows / people.num_rows < 2.6
    on = date(2022, 12, 10)
    asked, key_people = outreach_history(people, seed=5)
    assert asked.num_rows and key_people.num_rows
    rows, listed = by_bulk(people, doses, on, asked, key_people)
    plain = doses.cast(doses.schema.set(1, pa.field("product", pa.string())))
    assert (rows, listed) == by_rule(
        people,
        plain,
        on,
        asked.cast(asked.schema.set(1, pa.field("outcome", pa.string()))),
        key_people.cast(key_people.schema.set(1, pa.field("kind", pa.string()))),
    )
    assert any(r[5] is not None for r in listed)  # some moved up by the registry
    adults = [r for r in rows if r[1] == 18]
    eldest = [r for r in rows if r[1] == 80]
    assert sum(r[5] for r in adults) / sum(r[3] for r in adults) > sum(r[5] for r in eldest) / sum(r[3] for r in eldest)


def test_cli_generates_and_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["bulk", "vaccination", str(tmp_path / "p"), "--residents", "2000"])
    assert made.exit_code == 0, made.output
    assert read_table(tmp_path / "p", "residents").num_rows == 2000
    out = tmp_path / "coverage.parquet"
    ran = runner.invoke(
        app,
        ["bulk", "run", "vaccination_coverage", "--data", str(tmp_path / "p"), "--on", "2022-12-10", "--out", str(out)],
    )
    assert ran.exit_code == 0, ran.output
    assert "outreach" in ran.output
    assert out.exists() and out.with_suffix(".outreach.parquet").exists()
    whole = run_coverage(tmp_path / "p", load_policy().at(date(2022, 12, 10)), date(2022, 12, 10))
    assert sum(whole.coverage.column("persons").to_pylist()) <= 2000


def test_the_job_cites_the_interval_change_from_its_day() -> None:
    """The clauses the job says it applied: m20.12 always, the elderly plan's interval from 29 Nov 2022."""
    assert set(cites(load_policy().at(date(2022, 11, 28)))) == {"m20.12", "m20.14"}
    assert set(cites(load_policy().at(date(2022, 12, 10)))) == {"m20.12", "m20.14", "elderly-vax.booster_interval"}


def test_the_benchmark_runs_small() -> None:
    """bench/vaccination_coverage.py at 3,000 residents: it runs and the rule's sample agrees (no time asserted)."""
    import json
    import subprocess
    import sys

    from tests.paths import ROOT

    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "vaccination_coverage.py"),
            "--residents",
            "3000",
            "--runs",
            "1",
            "--sample",
            "500",
            "--seed",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    assert figures["all_agree"] is True and figures["residents"] == 3000
