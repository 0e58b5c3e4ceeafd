"""Close-contact determination (measure 2): the look-back window, co-presence at a venue, households, and
whether close contacts' own contacts are determined at all.

"Determine close contacts promptly and accurately, and no longer determine the close contacts of close
contacts" (measure 2). Under the 9th edition secondary close contacts were determined and given their own plan.
Every candidate these rules find is a proposal: an epidemiologist confirms it before an order is placed. And
section 3 of the 20 measures: an infection found in home isolation or home health monitoring calls for an
analysis of its transmission risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from fangkong.errors import InvalidInput
from fangkong.policy import PolicyAt
from fangkong.policy.terms import PhaseKind
from fangkong.rules.decision import Decision, Reason, because, policy_fields

Source = Literal["interview", "venue", "household"]


class InfectionFacts(BaseModel):
    """What the window of an infected person's exposures depends on."""

    model_config = ConfigDict(frozen=True)

    onset_on: date | None  # symptom onset; None = asymptomatic
    sampled_on: date  # the sample that found the infection
    isolated_at: datetime | None  # when they stopped mixing with others (None: not yet)

    @model_validator(mode="after")
    def _ordered(self) -> InfectionFacts:
        if self.onset_on is not None and self.onset_on > self.sampled_on + timedelta(days=60):
            raise InvalidInput("onset_on", "symptom onset more than 60 days after sampling")
        return self


class ExposureWindow(Decision):
    """Exposures count from the first day (00:00 in the jurisdiction) until `until` (None: still open)."""

    determined: bool
    from_day: date | None
    until: datetime | None


def exposure_window(facts: InfectionFacts, policy: PolicyAt) -> ExposureWindow:
    """From `tracing.look_back_days` days before onset (or sampling) to isolation (look-back-window)."""
    days = policy.get("tracing.look_back_days")
    fields = policy_fields(policy)
    if days.value is None:
        return ExposureWindow(
            **fields,
            determined=False,
            from_day=None,
            until=None,
            reasons=(because(days, "close contacts are not determined under these rules"),),
        )
    anchor, what = (facts.onset_on, "symptom onset") if facts.onset_on is not None else (facts.sampled_on, "sampling")
    first = anchor - timedelta(days=days.value)
    until = "isolation" if facts.isolated_at is not None else "now (not yet isolated)"
    return ExposureWindow(
        **fields,
        determined=True,
        from_day=first,
        until=facts.isolated_at,
        reasons=(because(days, f"exposures from {first.isoformat()} ({days.value} days before {what}) to {until}"),),
    )


class Scan(BaseModel):
    """One scan of a venue code."""

    model_config = ConfigDict(frozen=True)

    person_id: int
    venue: str
    at: datetime


class Candidate(Decision):
    """A proposed close contact of one infected person."""

    person_id: int
    source: Source
    last_exposure: date
    detail: str


def in_window(at: datetime, window: ExposureWindow, zone: tzinfo) -> bool:
    if not window.determined or window.from_day is None:
        return False
    if at.astimezone(zone).date() < window.from_day:
        return False
    return window.until is None or at <= window.until


def co_presence_gap(policy: PolicyAt) -> timedelta | None:
    """How far apart two scans of one venue code may be to put two people there together
    (`tracing.venue_co_presence_minutes`, interpretation register: venue-co-presence); None: venues are not
    traced."""
    minutes = policy.integer("tracing.venue_co_presence_minutes").value
    return None if minutes is None else timedelta(minutes=minutes)


def venue_candidates(
    case_id: int,
    case_scans: Sequence[Scan],
    scans: Iterable[Scan],
    window: ExposureWindow,
    policy: PolicyAt,
    zone: tzinfo,
) -> list[Candidate]:
    """People who scanned a venue the infected person scanned, inside the window, at most
    `tracing.venue_co_presence_minutes` apart (interpretation register: venue-co-presence).

    One candidate per person, with their latest shared visit as the last exposure.
    """
    minutes = policy.get("tracing.venue_co_presence_minutes")
    if minutes.value is None or not window.determined:
        return []
    gap = timedelta(minutes=minutes.value)
    visits = [s for s in case_scans if s.person_id == case_id and in_window(s.at, window, zone)]
    by_venue: dict[str, list[datetime]] = {}
    for v in visits:
        by_venue.setdefault(v.venue, []).append(v.at)
    latest: dict[int, Scan] = {}
    for s in scans:
        if s.person_id == case_id or s.venue not in by_venue:
            continue
        together = any(abs(s.at - t) <= gap for t in by_venue[s.venue])
        if together and (s.person_id not in latest or s.at > latest[s.person_id].at):
            latest[s.person_id] = s
    fields = policy_fields(policy)
    return [
        Candidate(
            **fields,
            person_id=pid,
            source="venue",
            last_exposure=s.at.astimezone(zone).date(),
            detail=f"scanned {s.venue} at {s.at.astimezone(zone):%Y-%m-%d %H:%M} within {minutes.value} min of it",
            reasons=(*window.reasons, because(minutes, f"at {s.venue} within {minutes.value} minutes of the case")),
        )
        for pid, s in sorted(latest.items())
    ]


class Household(Decision):
    """Who of the people registered at an infected person's home is its household."""

    is_home: bool
    members: tuple[int, ...]


def housemates_needed(policy: PolicyAt) -> int | None:
    """How many of the people registered at one home `household` needs to see to decide: one more than the
    largest household (`tracing.household_max_housemates`); None: every one of them."""
    cap = policy.integer("tracing.household_max_housemates").value
    return None if cap is None else cap + 1


def household(case_id: int, registered: Iterable[int], policy: PolicyAt) -> Household:
    """The people registered at the infected person's home (address, building and unit), the person aside, as its
    household (measure 2: "living in the same home"). More of them than `tracing.household_max_housemates` is not
    a home — a dormitory, or an address kept only to the compound — and nobody there is a household member; the
    epidemiologist names contacts there by interview (interpretation register: household-size)."""
    cap = policy.integer("tracing.household_max_housemates")
    others = tuple(sorted(set(registered) - {case_id}))
    fields = policy_fields(policy)
    if cap.value is not None and len(others) > cap.value:
        return Household(
            **fields,
            is_home=False,
            members=(),
            reasons=(because(cap, f"more than {cap.value} people registered there besides the case: not a household"),),
        )
    shown = "no limit" if cap.value is None else f"at most {cap.value}"
    return Household(
        **fields,
        is_home=True,
        members=others,
        reasons=(because(cap, f"{len(others)} people registered there besides the case ({shown}): a household"),),
    )


def household_candidates(
    case_id: int, housemates: Iterable[int], window: ExposureWindow, policy: PolicyAt, last_day: date
) -> list[Candidate]:
    """People registered at the infected person's home: exposed until the case left home (`last_day`)."""
    rule = policy.get("tracing.household_members")
    if not rule.value or not window.determined:
        return []
    fields = policy_fields(policy)
    return [
        Candidate(
            **fields,
            person_id=pid,
            source="household",
            last_exposure=last_day,
            detail="lives at the same address, building and unit",
            reasons=(*window.reasons, because(rule, "living in the same home")),
        )
        for pid in sorted(set(housemates))
        if pid != case_id
    ]


class SecondaryDetermination(Decision):
    determined: bool


def secondary_determination(policy: PolicyAt) -> SecondaryDetermination:
    """Whether close contacts' own close contacts are determined (the 9th edition: yes; measure 2: no longer)."""
    rule = policy.flag("management.secondary_close_contact.determined")
    text = (
        "secondary close contacts are determined and managed with their own plan"
        if rule.value
        else "the close contacts of close contacts are no longer determined"
    )
    return SecondaryDetermination(**policy_fields(policy), determined=bool(rule.value), reasons=(because(rule, text),))


def interview_candidate(
    person_id: int,
    last_exposure: date,
    setting: str,
    window: ExposureWindow,
    policy: PolicyAt,
    zone: tzinfo | None = None,
) -> Candidate:
    """A contact named in the epidemiologist's interview; the exposure must lie inside the window (its last day
    is the day of isolation, in `zone`, the jurisdiction's)."""
    if not window.determined or window.from_day is None:
        reason: Reason = window.reasons[0]
        raise InvalidInput("contacts", f"close contacts are not determined under these rules ({reason.clause})")
    if last_exposure < window.from_day:
        raise InvalidInput(
            "last_exposure",
            f"{last_exposure.isoformat()} is before the window opens ({window.from_day.isoformat()})",
        )
    if window.until is not None:
        last_day = window.until.astimezone(zone).date() if zone is not None else window.until.date()
        if last_exposure > last_day:
            raise InvalidInput(
                "last_exposure",
                f"{last_exposure.isoformat()} is after the infected person was isolated ({last_day.isoformat()})",
            )
    return Candidate(
        **policy_fields(policy),
        person_id=person_id,
        source="interview",
        last_exposure=last_exposure,
        detail=setting,
        reasons=window.reasons,
    )


class RiskAnalysis(Decision):
    """Whether where an infection was found calls for an analysis of its transmission risk."""

    required: bool


def transmission_risk_analysis(found_in: PhaseKind, policy: PolicyAt) -> RiskAnalysis:
    """An infection found under management (section 3 of the 20 measures): one found in home isolation or home
    health monitoring has mixed at home and "triggers transmission-risk analysis and tracing"
    (`tracing.risk_analysis_when_found_at_home`); one found in centralized isolation was already apart from
    others. Before the 20 measures no rule says so, and nothing is cited."""
    rule = policy.find("tracing.risk_analysis_when_found_at_home")
    fields = policy_fields(policy)
    if rule is None or not rule.value or found_in is PhaseKind.centralized_isolation:
        return RiskAnalysis(**fields, required=False)
    shown = found_in.value.replace("_", " ")
    return RiskAnalysis(
        **fields,
        required=True,
        reasons=(because(rule, f"positive during {shown}: transmission-risk analysis and tracing"),),
    )
