"""When a home visit is flagged for follow-up (measures 1 and 5; `rules.home_visit`)."""

from __future__ import annotations

import pytest

from fangkong.rules.home_visit import FEVER_AT, FollowUp, follow_up_reasons, temperature_problem


@pytest.mark.parametrize(
    ("at_home", "temperature", "symptoms", "stayed_home", "expected"),
    [
        (True, 36.6, [], True, ()),
        (True, None, [], None, ()),
        (True, 37.2, [], True, ()),
        (True, FEVER_AT, [], True, (FollowUp.fever,)),
        (True, 38.5, [], True, (FollowUp.fever,)),
        (True, 36.8, ["cough"], True, (FollowUp.symptoms,)),
        (True, None, ["fever"], True, (FollowUp.symptoms,)),  # felt, not measured
        (False, None, [], None, (FollowUp.not_at_home,)),
        (True, 36.5, [], False, (FollowUp.went_out,)),
        (
            False,
            38.0,
            ["sore_throat"],
            False,
            (FollowUp.not_at_home, FollowUp.fever, FollowUp.symptoms, FollowUp.went_out),
        ),
    ],
)
def test_follow_up(
    at_home: bool,
    temperature: float | None,
    symptoms: list[str],
    stayed_home: bool | None,
    expected: tuple[FollowUp, ...],
) -> None:
    got = follow_up_reasons(at_home=at_home, temperature=temperature, symptoms=symptoms, stayed_home=stayed_home)
    assert got == expected


@pytest.mark.parametrize(
    ("temperature", "refused"), [(None, False), (34.0, False), (43.0, False), (33.9, True), (45, True)]
)
def test_readings_out_of_range_are_refused(temperature: float | None, refused: bool) -> None:
    assert (temperature_problem(temperature) is not None) is refused
