"""The level of a risk area over time, replayed day by day under the rules in force each day.

(4): risk areas go from high/medium/low to high/low; "a high-risk area with no new infection for 5
consecutive days becomes low-risk; areas that meet the conditions are lifted promptly". The 9th edition:
7 clean days and an all-negative screening → medium, 3 more clean days → low. Replaying each day under its
own version handles areas that live across a change of rules (11 Nov 2022, 7 Dec 2022, 8 Jan 2023).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from fangkong.errors import InvalidInput, Refused
from fangkong.policy import PolicyAt
from fangkong.policy.terms import LEVEL_ORDER, AreaLevel, Category, Finding, JurisdictionLevel
from fangkong.rules.decision import Decision, Reason, because, policy_fields


class LevelChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    on: date
    level: AreaLevel
    reason: Reason


class AreaLevelDecision(Decision):
    level: AreaLevel
    since: date
    clean_days: int
    history: tuple[LevelChange, ...]
    next_change_on: date | None = None


def area_level(
    delineated_on: date,
    on: date,
    infections_found_on: Iterable[date],
    negative_screenings_on: Iterable[date],
    rules_on: Callable[[date], PolicyAt],
    delineated_level: AreaLevel = AreaLevel.high,
) -> AreaLevelDecision:
    """The level of an area on `on`, given the days infections were found in it and the days everyone in it
    tested negative in one screening round. Clean days count from the day after the delineation and after
    each infection; a downgrade takes effect the day after the clean day that earned it (interpretation
    register: clean-day-counting). Once low (or lifted), the area stays so: a new outbreak is a new delineation.
    """
    if on < delineated_on:
        raise InvalidInput("date", f"{on.isoformat()} is before the area was delineated ({delineated_on.isoformat()})")
    if delineated_level not in (AreaLevel.high, AreaLevel.medium):
        raise InvalidInput("delineated_level", "an area is delineated high or medium risk")
    infections = {d for d in infections_found_on if d >= delineated_on}
    screenings = set(negative_screenings_on)
    first_rules = rules_on(delineated_on)
    levels = first_rules.texts("risk_area.levels")
    if delineated_level.value not in (levels.value or ()):
        raise InvalidInput("delineated_level", f"{first_rules.version} has no {delineated_level.value}-risk areas")
    level: AreaLevel = delineated_level
    from_high = False
    clean = 0
    screened = False
    pending: tuple[date, AreaLevel, Reason] | None = None
    history = [LevelChange(on=delineated_on, level=level, reason=because(levels, f"delineated {level.value}-risk"))]
    day = delineated_on
    while day <= on:
        rules = rules_on(day)
        if pending is not None and pending[0] <= day:
            from_high = level is AreaLevel.high
            level, clean, screened = pending[1], 0, False
            history.append(LevelChange(on=pending[0], level=level, reason=pending[2]))
            pending = None
        abolished = _abolished(level, rules)
        if abolished is not None:
            level, clean, pending = abolished.level, 0, None
            history.append(abolished)
        if level in (AreaLevel.low, AreaLevel.none):
            # Nothing counts any more, but a later version may still abolish the level itself.
            day += timedelta(days=1)
            continue
        needed, why = _needed(level, from_high, rules)
        if pending is None and day > delineated_on and needed is not None and why is not None and clean >= needed:
            # A new version's shorter count may already be met by the clean days before today (11 Nov 2022).
            pending = _downgrade(level, from_high, day - timedelta(days=1), screened, why, rules)
            if pending is not None and pending[0] <= day:
                continue
        if day in infections:
            clean, screened = 0, False
        elif day > delineated_on:
            clean += 1
        if day in screenings and needed is not None and clean >= needed:
            screened = True
        if needed is not None and why is not None and clean >= needed:
            pending = _downgrade(level, from_high, day, screened, why, rules)
            if pending is not None and pending[0] <= day:
                continue  # takes effect today: apply it at the top of the loop without moving on
        day += timedelta(days=1)
    last = history[-1]
    return AreaLevelDecision(
        **policy_fields(rules_on(on)),
        level=level,
        since=last.on,
        clean_days=clean,
        history=tuple(history),
        next_change_on=pending[0] if pending is not None and pending[0] > on else None,
        reasons=tuple(h.reason for h in history),
    )


FINDING_LABELS = {
    Finding.community: "found in the community",
    Finding.centralized_isolation: "found in centralized isolation",
    Finding.home_isolation: "found in home isolation",
    Finding.home_health_monitoring: "found in home health monitoring",
    Finding.temporary_control: "found while held after a positive pool",
    Finding.closed_loop: "found in a closed loop",
    Finding.re_positive_after_discharge: "a re-positive after discharge",
    Finding.past_infection_ct35_40: "an entrant judged a past infection (Ct 35–40)",
}


def finding_counts(finding: Finding, rules: PolicyAt) -> tuple[bool, Reason]:
    """Whether a positive restarts a risk area's clean days (measure 4: days "without a new infection").

    The 21 Nov 2022 risk-area plan leaves out infections found in centralized or home isolation or a closed loop,
    re-positives after discharge and entrants judged past infections; the 9th edition counts every new infection
    wherever found, and neither version counts the last two, which are not new infections (interpretation
    register: not-new-infections). The list is `risk_area.excluded_findings` of the day found.
    """
    excluded = rules.get("risk_area.excluded_findings")
    counts = finding.value not in (excluded.value or ())
    verdict = "counts: the clean days start again" if counts else "does not count"
    return counts, because(excluded, f"{FINDING_LABELS[finding]}: {verdict}")


def _abolished(level: AreaLevel, rules: PolicyAt) -> LevelChange | None:
    """A level the rules of the day no longer have: medium areas on 11 Nov 2022, low areas on 7 Dec 2022,
    every area on 8 Jan 2023."""
    levels = rules.texts("risk_area.levels")
    if level is AreaLevel.none or level.value in (levels.value or ()):
        return None
    if not levels.value:
        return LevelChange(
            on=rules.on, level=AreaLevel.none, reason=because(levels, "risk areas are no longer delineated")
        )
    if level is AreaLevel.medium:
        becomes = rules.get("risk_area.medium.on_abolition")
        target = AreaLevel(becomes.value) if becomes.value else AreaLevel.low
        return LevelChange(
            on=rules.on, level=target, reason=because(becomes, f"medium-risk areas no longer exist: now {target.value}")
        )
    return LevelChange(
        on=rules.on, level=AreaLevel.none, reason=because(levels, f"{level.value}-risk areas no longer exist")
    )


def _needed(level: AreaLevel, from_high: bool, rules: PolicyAt) -> tuple[int | None, Reason | None]:
    if level is AreaLevel.high:
        n = rules.integer("risk_area.high.clean_days_to_downgrade")
        return n.value, because(n, f"{n.value} consecutive days with no new infection")
    key = "clean_days_to_low_after_high" if from_high else "clean_days_to_low"
    n = rules.integer(f"risk_area.medium.{key}")
    return n.value, because(n, f"{n.value} consecutive days with no new infection")


def _downgrade(
    level: AreaLevel,
    from_high: bool,
    day: date,
    screened: bool,
    why: Reason,
    rules: PolicyAt,
) -> tuple[date, AreaLevel, Reason] | None:
    """The downgrade a level has earned on `day`, and the day it takes effect; None while a screening is due."""
    if level is AreaLevel.high:
        screening = rules.flag("risk_area.high.requires_negative_screening")
        if screening.value and not screened:
            return None
        target = rules.get("risk_area.high.downgrade_to")
        to = AreaLevel(target.value) if target.value else AreaLevel.none
        text = why.text + (" and an all-negative screening" if screening.value else "") + f": {to.value}"
    else:
        to = AreaLevel.low
        medium_screening = rules.find("risk_area.medium.requires_negative_screening")
        needs = medium_screening is not None and bool(medium_screening.value) and not from_high
        if needs and not screened:
            return None
        text = why.text + (" and an all-negative screening" if needs else "") + ": low"
    effective = rules.text("risk_area.downgrade_effective")
    when = day + timedelta(days=1) if effective.value == "day_after_last_clean_day" else day
    return when, to, Reason(clause=why.clause, text=text)


def delineation_basis(level: JurisdictionLevel, justification: str | None, policy: PolicyAt) -> tuple[Reason, ...]:
    """Whether a high-risk area may cover a whole area of `level` (measure 4, section 3): within the unit the rules
    delineate by it may; wider only with a recorded section-3 justification, else it is over-reach (measure 16)
    and `Refused`. Returns the reasons the delineation rests on."""
    widest = policy.get("risk_area.widest_unit")
    if widest.value is None:
        raise Refused(widest.source.clause, "no risk areas are delineated under these rules")
    limit = JurisdictionLevel(widest.value)
    if LEVEL_ORDER.index(level) >= LEVEL_ORDER.index(limit):
        return (because(widest, f"a {level.value} is within the {limit.value} the rules delineate by"),)
    allowed = policy.get("risk_area.widening_justifications")
    options: tuple[str, ...] = allowed.value or ()
    if justification is None or justification not in options:
        shown = f"record one of: {', '.join(options)}" if options else "no justification allows it under these rules"
        raise Refused(
            allowed.source.clause if options else widest.source.clause,
            f"a high-risk area is delineated by {limit.value}; a whole {level.value} is over-reach ({shown})",
        )
    return (
        because(widest, f"wider than a {limit.value}"),
        because(allowed, f"justified: {justification.replace('_', ' ')}"),
    )


SPILLOVER = {AreaLevel.high: Category.high_risk_spillover, AreaLevel.medium: Category.medium_risk_spillover}


def spillover_category(level: AreaLevel, policy: PolicyAt) -> Category:
    """The plan for someone who left a risk area (measure 3; the 9th edition's medium-risk areas had a plan of
    their own): the category for the level the area had on the day they left, where the rules in force on that
    day manage it. Leaving a low-risk area, or an area of a level these rules manage no one from, is refused."""
    category = SPILLOVER.get(level)
    if category is None:
        levels = policy.get("risk_area.levels")
        raise Refused(levels.source.clause, f"the area was {level.value}-risk that day: leaving it is not spill-over")
    determined = policy.find(f"management.{category.value}.determined")
    if determined is None or not determined.value:
        clause = determined.source.clause if determined is not None else policy.get("risk_area.levels").source.clause
        raise Refused(clause, f"{policy.version} does not manage people who left a {level.value}-risk area")
    return category
