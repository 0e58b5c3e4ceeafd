"""Whether a home visit needs follow-up (measure 1, measure 5; the home-isolation and home health-monitoring guides
of m20-docs): people isolated or monitored at home have their health monitored by the community, and one who is
unwell, away from home or not keeping to the home is followed up.

Pure: the visit's findings in, the reasons for follow-up out (none: no follow-up). The reasons are words of a
closed vocabulary (`FollowUp`), said in the reader's language by the console.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

FEVER_AT = 37.3
"""Measure 1 (home isolation medical observation): the person's temperature and symptoms are watched. The notice
names no threshold: 37.3 °C is the usual fever threshold of the Chinese protocols (an interpretation, not a
parameter of the notice), so it is a constant here rather than a policy parameter."""

LOWEST, HIGHEST = 34.0, 43.0  # a reading outside this range is a mistyped or failed measurement, not a finding


class Symptom(StrEnum):
    fever = "fever"  # felt or reported, whatever the reading
    cough = "cough"
    sore_throat = "sore_throat"
    other = "other"


SYMPTOMS = tuple(Symptom)


class FollowUp(StrEnum):
    not_at_home = "not_at_home"
    fever = "fever"
    symptoms = "symptoms"
    went_out = "went_out"  # the code of conduct (stay at home) was not kept


def temperature_problem(temperature: float | None) -> str | None:
    """Why a reading cannot be stored (None: it can)."""
    if temperature is None:
        return None
    if not LOWEST <= temperature <= HIGHEST:
        return f"{temperature} °C is outside {LOWEST}–{HIGHEST} °C: measure again"
    return None


def follow_up_reasons(
    *, at_home: bool, temperature: float | None, symptoms: Iterable[str], stayed_home: bool | None
) -> tuple[FollowUp, ...]:
    """The reasons a visit is flagged for follow-up, in a fixed order; empty when none applies.

    A fever is a reading at or above `FEVER_AT`; any symptom (fever felt included) is a symptom; a person not at
    home, or one who says they went out, breaks the stay-at-home rule of the phase.
    """
    out: list[FollowUp] = []
    if not at_home:
        out.append(FollowUp.not_at_home)
    if temperature is not None and temperature >= FEVER_AT:
        out.append(FollowUp.fever)
    if any(True for _ in symptoms):
        out.append(FollowUp.symptoms)
    if stayed_home is False:
        out.append(FollowUp.went_out)
    return tuple(out)
