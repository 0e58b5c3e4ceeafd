"""Capacity ahead of the wave: the hospital beds and ICU beds recent infections will need (measure 11).

(11): "Prepare inpatient and critical-care beds and increase treatment resources" (做好住院床位和重症床位准备).
The notice asks that beds be ready before they are needed; it gives no method and no numbers. The method here
(docs/capacity.md) and every number (`projection.*`, register entries projection-*) are interpretations:

1. Growth. The daily growth factor `g` is the ratio of the total new infections of the last `w` days (up to and
   including `as_of`) to the total of the `w` days before, to the power 1/w (`w` = `projection.growth_window_days`,
   register projection-growth). No infections in the earlier window: `g` = 1 (flat). None in the last: nothing more.
2. Projection of infections. Each (age band, vaccinated) group's level on `as_of` is its last-window total divided by
   1 + 1/g + ... + 1/g^(w-1) (exact for exponential counts, the mean for flat ones); on `as_of + m` it is
   level × g^m.
3. Admissions. On `as_of + k`, for each bed kind (inpatient: a general ward bed; icu: an ICU bed), the sum over groups
   of the group's need rate (`projection.need.<kind>.<band>.<vaccinated|unvaccinated>`) times its infections on
   `as_of + k - d` (`d` = `projection.admission_delay_days`): observed counts where that day is `as_of` or earlier,
   projected counts after.
4. Census. With the stay's survival S(j) = P(stay > j days) from the discrete stay distribution
   (`projection.stay.<kind>`: the shares of stays of 1, 2, ... days), a patient admitted on day a is in bed on days
   a .. a + L - 1; the census on `as_of + k` is C0 × S(k) + Σ_{i=1..k} admissions(as_of + i) × S(k - i), C0 being the
   beds in use on `as_of` (treated as admitted that day: register projection-horizon).
5. Run-out. The first projected day whose census exceeds that day's staffed beds (by more than `EPSILON`); the alert is
   due when it is at most `projection.alert_days_ahead` days after `as_of`.

The rule is pure: the day is an argument, the infections, census and capacity are inputs (the store fills them; the
bulk job `fangkong.bulk.bed_projection` gives the same numbers for a province in SQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fangkong.errors import InvalidInput
from fangkong.policy import InForce, PolicyAt
from fangkong.policy.terms import AgeBand, CareLevel, parse_term
from fangkong.rules.decision import Decision, Reason, policy_fields

BED_KINDS = (CareLevel.inpatient, CareLevel.icu)  # the levels of care that take a hospital bed (measure 11)
EPSILON = 1e-9  # beds: a census above capacity by less than this is rounding, not a run-out
MAX_COUNT = 10**9  # new infections a day in one group above this are a typing error

Group = tuple[AgeBand, bool]  # (age band, fully vaccinated)


@dataclass(frozen=True)
class DailyInfections:
    """New infections reported on one day in one age band, fully vaccinated or not: one row of the store's
    `(day, age_band, vaccinated, count)` grouping (measure 11, the severity mix's groups)."""

    day: date
    age_band: AgeBand
    vaccinated: bool
    count: int

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or not 0 <= self.count <= MAX_COUNT:
            raise InvalidInput("infections", f"count {self.count!r} is not a number of infections (0 to {MAX_COUNT})")


Capacity = int | Mapping[date, int]  # staffed beds: the same every day, or by day (a day not given: the latest before)


@dataclass(frozen=True)
class BedProjectionInput:
    """What a projection starts from (measure 11): the daily new infections by group up to `as_of` (days after it
    are ignored), the beds of each kind in use on `as_of`, and the staffed beds of each kind."""

    as_of: date
    infections: tuple[DailyInfections, ...]
    census: Mapping[CareLevel, int]
    capacity: Mapping[CareLevel, Capacity]

    def __post_init__(self) -> None:
        for name, given in (("census", self.census), ("capacity", self.capacity)):
            unknown = [k for k in given if k not in BED_KINDS]
            if unknown:
                raise InvalidInput(name, f"{unknown[0]!r} is not a bed kind (inpatient, icu)")
        for beds in self.census.values():
            _beds("census", beds)
        for kind, cap in self.capacity.items():
            for beds in cap.values() if isinstance(cap, Mapping) else (cap,):
                _beds("capacity", beds)
            if isinstance(cap, Mapping) and not cap:
                raise InvalidInput("capacity", f"no staffed {kind.value} beds given")

    @classmethod
    def from_rows(
        cls,
        as_of: date,
        rows: Iterable[tuple[date | str, AgeBand | str, bool | int, int]],
        census: Mapping[CareLevel | str, int],
        capacity: Mapping[CareLevel | str, Capacity],
    ) -> BedProjectionInput:
        """From SQL-shaped rows `(day, age_band, vaccinated, count)` (a day as a date or ISO text, a band by its
        name); raises InvalidInput naming `infections`, `census` or `capacity` for a row or key that is not one."""
        parsed = []
        for day, band, vaccinated, count in rows:
            try:
                when = day if isinstance(day, date) else date.fromisoformat(day)
            except ValueError:
                raise InvalidInput("infections", f"{day!r} is not a day (YYYY-MM-DD)") from None
            group = band if isinstance(band, AgeBand) else parse_term(AgeBand, band, "infections")
            parsed.append(DailyInfections(when, group, bool(vaccinated), count))
        return cls(
            as_of=as_of,
            infections=tuple(parsed),
            census={_kind(k, "census"): v for k, v in census.items()},
            capacity={_kind(k, "capacity"): v for k, v in capacity.items()},
        )

    def beds_on(self, kind: CareLevel, day: date) -> int:
        """The staffed beds of `kind` on `day`: the constant, or the latest value given on or before it (the first
        one given before any)."""
        cap = self.capacity.get(kind, 0)
        if not isinstance(cap, Mapping):
            return cap
        earlier = [d for d in cap if d <= day]
        return cap[max(earlier)] if earlier else cap[min(cap)]


def _beds(name: str, beds: object) -> None:
    if isinstance(beds, bool) or not isinstance(beds, int) or beds < 0:
        raise InvalidInput(name, f"{beds!r} is not a number of beds (0 or more)")


def _kind(key: CareLevel | str, name: str) -> CareLevel:
    kind = key if isinstance(key, CareLevel) else parse_term(CareLevel, key, name)
    if kind not in BED_KINDS:
        raise InvalidInput(name, f"{kind.value!r} is not a bed kind (inpatient, icu)")
    return kind


@dataclass(frozen=True)
class ProjectionParameters:
    """The values a projection uses (`projection.*`, measure 11), with the clause each cites (`sources`: a
    parameter's path under `projection.` to its clause). Tests build their own; `projection_parameters` reads them."""

    need: Mapping[tuple[CareLevel, AgeBand, bool], float]
    stay: Mapping[CareLevel, tuple[float, ...]]
    admission_delay_days: int
    growth_window_days: int
    horizon_days: int
    alert_days_ahead: int
    sources: Mapping[str, str] = field(default_factory=dict)

    def cite(self, name: str) -> str:
        """The clause of a parameter (empty for a hand-made set of values that records none)."""
        return self.sources.get(name, "")


def projection_parameters(policy: PolicyAt) -> ProjectionParameters:
    """The projection's values in force (measure 11, `projection.*`); NotInForce before the 20 measures."""
    sources: dict[str, str] = {}

    def read(path: str) -> InForce[Any]:
        found = policy.get(f"projection.{path}")
        sources[path] = found.source.clause
        return found

    need = {
        (kind, band, vaccinated): float(
            read(f"need.{kind.value}.{band.value}.{'vaccinated' if vaccinated else 'unvaccinated'}").value
        )
        for kind in BED_KINDS
        for band in AgeBand
        for vaccinated in (True, False)
    }
    stay = {kind: tuple(read(f"stay.{kind.value}").value) for kind in BED_KINDS}
    ints = {
        name: int(read(name).value)
        for name in ("admission_delay_days", "growth_window_days", "horizon_days", "alert_days_ahead")
    }
    return ProjectionParameters(need=need, stay=stay, sources=sources, **ints)


def survival(shares: Sequence[float]) -> tuple[float, ...]:
    """S(j) = P(stay > j days) for j = 0 .. len(shares) - 1, from the shares of stays of 1, 2, ... days (measure 11,
    `projection.stay.*`): a patient admitted on day a is in bed on days a .. a + stay - 1."""
    return tuple(sum(shares[j:]) for j in range(len(shares)))


def census_from_admissions(admissions: Sequence[float], surviving: Sequence[float]) -> list[float]:
    """The beds in use each day from the admissions of each day (same indexing) and the stay's survival: census[t] =
    Σ_i admissions[i] × S(t - i) (measure 11; docs/capacity.md, the convolution CHIME's census is a case of)."""
    return [
        sum(admissions[t - j] * s for j, s in enumerate(surviving) if j <= t and admissions[t - j])
        for t in range(len(admissions))
    ]


def growth_factor(last: float, earlier: float, window: int) -> float:
    """The daily growth factor from the totals of the last window and the one before (register projection-growth):
    flat (1) when the earlier window had none."""
    if earlier <= 0:
        return 1.0
    return float((last / earlier) ** (1.0 / window))


def level_divisor(g: float, window: int) -> float:
    """1 + 1/g + ... + 1/g^(w-1): the last-window total over it is the level on `as_of` (exact for exponential
    counts). Closed form as the bulk job's SQL computes it (the same float arithmetic)."""
    if g == 1.0:
        return float(window)
    return float((1.0 - g ** (-window)) / (1.0 - 1.0 / g))


class BedOutlook(Decision):
    """One bed kind over the horizon (measure 11): per day from `as_of + 1`, the projected admissions, beds in use
    and staffed beds; the first day in use exceeds staffed (`run_out`, None within the horizon) and whether the
    alert is due."""

    kind: CareLevel
    days: tuple[date, ...]
    admissions: tuple[float, ...]
    census: tuple[float, ...]
    capacity: tuple[int, ...]
    run_out: date | None
    alert: bool


class BedProjection(Decision):
    """The beds recent infections will need (measure 11): the growth factor, the projected new infections a day, and
    an outlook per bed kind; `alert`: a run-out is due within the alert's days for some kind."""

    as_of: date
    growth: float
    infections: tuple[float, ...]
    outlooks: tuple[BedOutlook, ...]
    alert: bool

    def outlook(self, kind: CareLevel) -> BedOutlook:
        return next(o for o in self.outlooks if o.kind is kind)


def bed_projection(given: BedProjectionInput, policy: PolicyAt) -> BedProjection:
    """The projection under the policy in force (measure 11, m20.11; `projection.*`); see `project`."""
    return project(given, projection_parameters(policy)).model_copy(update=policy_fields(policy))


def project(given: BedProjectionInput, p: ProjectionParameters) -> BedProjection:
    """Project the need for beds from `given.as_of` over `p.horizon_days` days (measure 11; the method in the
    module's docstring). Raises InvalidInput naming `as_of` when no infections are recorded on or before it."""
    as_of, w, delay = given.as_of, p.growth_window_days, p.admission_delay_days
    seen = [r for r in given.infections if r.day <= as_of]
    if not seen:
        first = min((r.day for r in given.infections), default=None)
        if first is None:
            raise InvalidInput("as_of", f"no infections recorded on or before {as_of.isoformat()}")
        raise InvalidInput(
            "as_of", f"no infections recorded on or before {as_of.isoformat()}: the first is on {first.isoformat()}"
        )
    observed: dict[tuple[date, Group], int] = {}
    band_last: dict[Group, int] = {}
    last = earlier = 0
    for r in seen:
        group = (r.age_band, r.vaccinated)
        observed[(r.day, group)] = observed.get((r.day, group), 0) + r.count
        back = (as_of - r.day).days
        if back < w:
            last += r.count
            band_last[group] = band_last.get(group, 0) + r.count
        elif back < 2 * w:
            earlier += r.count
    g = growth_factor(last, earlier, w)
    reasons: list[Reason] = []
    window = p.cite("growth_window_days")
    if earlier <= 0:
        reasons.append(Reason(clause=window, text=f"no infections in the {w} days before the last {w}: held flat"))
    else:
        reasons.append(
            Reason(
                clause=window,
                text=f"new infections: {last} in the last {w} days against {earlier} in the {w} before: "
                f"growth ×{g:.3f} a day",
            )
        )
    level = {group: (n / level_divisor(g, w) if last else 0.0) for group, n in band_last.items()}
    groups = sorted({group for _, group in observed} | set(level), key=lambda x: (x[0].value, x[1]))
    horizon = range(1, p.horizon_days + 1)
    days = tuple(as_of + timedelta(days=k) for k in horizon)

    def infections_on(group: Group, back_from_as_of: int) -> float:
        """Observed on `as_of + m` for m <= 0, projected after."""
        if back_from_as_of <= 0:
            return float(observed.get((as_of + timedelta(days=back_from_as_of), group), 0))
        return level.get(group, 0.0) * g**back_from_as_of

    projected = tuple(sum(infections_on(group, k) for group in groups) for k in horizon)
    reasons.append(
        Reason(
            clause=p.cite("admission_delay_days"),
            text=f"admissions {delay} days after the report, at the severity mix by age band and vaccination",
        )
    )
    outlooks = []
    alert_days = p.alert_days_ahead
    for kind in BED_KINDS:
        surviving = survival(p.stay[kind])
        admissions = [
            sum(
                p.need[(kind, band, vaccinated)] * infections_on((band, vaccinated), k - delay)
                for band, vaccinated in groups
            )
            for k in horizon
        ]
        inflow = census_from_admissions([0.0, *admissions], surviving)
        start = given.census.get(kind, 0)
        census = tuple(start * (surviving[k] if k < len(surviving) else 0.0) + inflow[k] for k in horizon)
        capacity = tuple(given.beds_on(kind, day) for day in days)
        run_out = next((day for day, c, cap in zip(days, census, capacity, strict=True) if c > cap + EPSILON), None)
        due = run_out is not None and (run_out - as_of).days <= alert_days
        kind_reasons = [_outlook_reason(kind, p, census, capacity, days, run_out)]
        if due and run_out is not None:
            kind_reasons.append(
                Reason(
                    clause=p.cite("alert_days_ahead"),
                    text=f"{_said(kind)} beds run out within {alert_days} days of {as_of.isoformat()}: alert",
                )
            )
        outlooks.append(
            BedOutlook(
                policy=None,
                policy_date=None,
                kind=kind,
                days=days,
                admissions=tuple(admissions),
                census=census,
                capacity=capacity,
                run_out=run_out,
                alert=due,
                reasons=tuple(kind_reasons),
            )
        )
        reasons.extend(kind_reasons)
    return BedProjection(
        policy=None,
        policy_date=None,
        as_of=as_of,
        growth=g,
        infections=projected,
        outlooks=tuple(outlooks),
        alert=any(o.alert for o in outlooks),
        reasons=tuple(reasons),
    )


def _outlook_reason(
    kind: CareLevel,
    p: ProjectionParameters,
    census: Sequence[float],
    capacity: Sequence[int],
    days: Sequence[date],
    run_out: date | None,
) -> Reason:
    """Why a bed kind runs out or not (measure 11), citing its stay's clause."""
    clause = p.cite(f"stay.{kind.value}")
    if run_out is not None:
        i = days.index(run_out)
        return Reason(
            clause=clause,
            text=f"{_said(kind)} beds: {census[i]:.1f} projected in use on {run_out.isoformat()} against "
            f"{capacity[i]} staffed: run out",
        )
    peak = max(range(len(census)), key=lambda i: census[i]) if census else 0
    if not census:
        return Reason(clause=clause, text=f"{_said(kind)} beds: no days projected")
    return Reason(
        clause=clause,
        text=f"{_said(kind)} beds: enough for {len(days)} days (at most {census[peak]:.1f} in use, on "
        f"{days[peak].isoformat()})",
    )


def _said(kind: CareLevel) -> str:
    """A bed kind as a reason writes it (measure 11): its level's identifier."""
    return kind.value
