"""`fangkong warning detect FILE --method ... [--alpha] [--baseline] [--years] --json` (measure 15; issue 20): the
lines it prints equal R surveillance's answers in the fixtures, several series in one file in any row order; without
--json a table; a bad file exits 2 with the row and field on stderr and prints no result."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fangkong.cli.main import app
from fangkong.cli.warning import EXIT_CODE_BAD_INPUT
from tests.rules.aberration.cases import FixtureCase, fixture_cases

runner = CliRunner()


def _case(name: str) -> FixtureCase:
    return next(f for f in fixture_cases() if f.case.name == name)


def _csv(path: Path, fixtures: list[tuple[str, FixtureCase]], *, shuffle: bool = False) -> Path:
    rows = [
        f"{series},{d.isoformat()},{c}" for series, f in fixtures for d, c in zip(f.days, f.case.counts, strict=True)
    ]
    if shuffle:
        random.Random(15).shuffle(rows)
    path.write_text("series,date,count\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _flags(fixture: FixtureCase) -> list[str]:
    c = fixture.case
    flags = ["--method", c.method.value]
    for flag, value in (("--alpha", c.alpha), ("--baseline", c.baseline), ("--years", c.years)):
        if value is not None:
            flags += [flag, str(value)]
    return flags


def _expected(series: str, fixture: FixtureCase) -> list[dict[str, object]]:
    return [
        {
            "series": series,
            "date": fixture.days[i].isoformat(),
            "count": fixture.case.counts[i],
            "upperbound": upper,
            "alarm": bool(alarm),
        }
        for i, upper, alarm in zip(fixture.r.indexes, fixture.r.upperbound, fixture.r.alarm, strict=True)
    ]


def _same(got: list[dict[str, object]], expected: list[dict[str, object]]) -> None:
    assert [{**g, "upperbound": None} for g in got] == [{**e, "upperbound": None} for e in expected]
    for g, e in zip(got, expected, strict=True):
        if e["upperbound"] is None:
            assert g["upperbound"] is None
        else:
            assert g["upperbound"] == pytest.approx(e["upperbound"], rel=1e-6)


@pytest.mark.parametrize(
    "name",
    [
        "weekly-outbreak/farrington",
        "daily-outbreak/ears-c1",
        "daily-zeros/ears-c3",
        "weekly-zeros/farrington",
        "weekly-trend/farrington/years=3",
        "weekly-outbreak/ears-c1/baseline=14+alpha=0.01",
    ],
)
def test_json_lines_equal_surveillance(name: str, tmp_path: Path) -> None:
    fixture = _case(name)
    done = runner.invoke(
        app, ["warning", "detect", str(_csv(tmp_path / "s.csv", [("s1", fixture)])), *_flags(fixture), "--json"]
    )
    assert done.exit_code == 0, done.output
    _same([json.loads(line) for line in done.stdout.splitlines()], _expected("s1", fixture))


def test_several_series_in_any_order(tmp_path: Path) -> None:
    """Two weekly series, rows shuffled: each judged on its own, in the order of its dates."""
    outbreak, seasonal = _case("weekly-outbreak/farrington"), _case("weekly-seasonal/farrington")
    path = _csv(tmp_path / "two.csv", [("北京-发热门诊", outbreak), ("pharmacy", seasonal)], shuffle=True)
    done = runner.invoke(app, ["warning", "detect", str(path), "--method", "farrington", "--json"])
    assert done.exit_code == 0, done.output
    got = [json.loads(line) for line in done.stdout.splitlines()]
    by_series = {s: [g for g in got if g["series"] == s] for s in ("北京-发热门诊", "pharmacy")}
    _same(by_series["北京-发热门诊"], _expected("北京-发热门诊", outbreak))
    _same(by_series["pharmacy"], _expected("pharmacy", seasonal))
    assert any(g["alarm"] for g in got)


def test_a_table_without_json(tmp_path: Path) -> None:
    fixture = _case("weekly-outbreak/ears-c1")
    done = runner.invoke(
        app,
        ["warning", "detect", str(_csv(tmp_path / "s.csv", [("fever", fixture)])), "--method", "ears-c1"],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    assert "upper bound" in done.stdout and "alarm" in done.stdout and "fever" in done.stdout


WEEKLY = [f"2022-{m:02d}-{d:02d}" for m, d in ((1, 3), (1, 10), (1, 17), (1, 24), (1, 31), (2, 7), (2, 14), (2, 21))]


def _rows(*rows: tuple[str, str, str]) -> str:
    return "series,date,count\n" + "".join(f"{s},{d},{c}\n" for s, d, c in rows)


GOOD = [("a", d, "5") for d in WEEKLY]


@pytest.mark.parametrize(
    ("text", "flags", "message"),
    [
        (_rows(*GOOD[:3], ("a", WEEKLY[2], "4"), *GOOD[3:]), [], "date: row 4: 2022-01-17 appears twice"),
        (_rows(*GOOD[:3], *GOOD[4:]), [], "date: row 4: 2022-01-31 after 2022-01-17: a gap"),
        (_rows(*GOOD[:3], ("a", "2022-01-20", "5"), *GOOD[3:]), [], "date: row 4: 2022-01-20 after 2022-01-17: mixed"),
        (
            _rows(("a", "2022-01-01", "1"), ("a", "2022-01-04", "1")),
            [],
            "row 2: 2022-01-04 after 2022-01-01: a series is daily",
        ),
        (
            _rows(*GOOD[:5], ("a", WEEKLY[5], "-2"), *GOOD[6:]),
            [],
            "count: row 6: -2 is not a whole number of at least 0",
        ),
        (_rows(*GOOD[:5], ("a", WEEKLY[5], "2.5"), *GOOD[6:]), [], "count: row 6: '2.5' is not a whole number"),
        (_rows(*GOOD[:5], ("a", "2022-02-30", "2"), *GOOD[6:]), [], "date: row 6: '2022-02-30' is not a date"),
        (_rows(*GOOD[:7]), [], "date: series 'a': the series has 7 weeks; ears-c1 needs at least 8"),
        (_rows(*GOOD), ["--method", "ears-c3"], "the series has 8 weeks; ears-c3 needs at least 12"),
        (_rows(*GOOD), ["--method", "farrington"], "the series has 8 weeks; farrington needs at least 264"),
        (_rows(*GOOD), ["--method", "farrington", "--years", "3"], "farrington needs at least 160"),
        (_rows(*GOOD), ["--method", "farrington", "--baseline", "7"], "baseline: the baseline is the EARS methods'"),
        (_rows(*GOOD), ["--baseline", "2"], "baseline: 2 days: the least baseline is 3"),
        (_rows(*GOOD), ["--alpha", "1.5"], "alpha: 1.5 is not between 0 and 1"),
        ("series,day,count\na,2022-01-03,1\n", [], "file: missing column(s): date"),
    ],
)
def test_bad_input_names_the_row_and_prints_nothing(text: str, flags: list[str], message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    method = [] if "--method" in flags else ["--method", "ears-c1"]
    done = runner.invoke(app, ["warning", "detect", str(path), *method, *flags, "--json"], env={"COLUMNS": "300"})
    assert done.exit_code == EXIT_CODE_BAD_INPUT
    assert message in " ".join(done.stderr.split())
    assert done.stdout == ""


def test_one_bad_series_refuses_the_file(tmp_path: Path) -> None:
    """All or nothing: a good series before a bad one is not printed."""
    good = [("good", d, "5") for d in WEEKLY]
    path = tmp_path / "mixed.csv"
    path.write_text(_rows(*good, ("bad", "2022-01-03", "1"), ("bad", "2022-01-03", "2")), encoding="utf-8")
    done = runner.invoke(app, ["warning", "detect", str(path), "--method", "ears-c1", "--json"])
    assert done.exit_code == EXIT_CODE_BAD_INPUT
    assert "row 10: 2022-01-03 appears twice" in done.stderr
    assert done.stdout == ""
