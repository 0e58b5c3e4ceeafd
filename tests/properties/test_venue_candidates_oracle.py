"""venue_candidates against a brute-force oracle (register venue-co-presence): every other person with a scan
of a venue the infected person scanned inside the look-back window, at most 30 minutes before or after that
scan, is one candidate, whose last exposure is the local (Asia/Shanghai) day of their latest such scan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from fangkong.policy import Policy, PolicyAt, load_policy
from fangkong.rules.tracing import ExposureWindow, InfectionFacts, Scan, exposure_window, venue_candidates

POLICY: Policy = load_policy()
SHANGHAI = ZoneInfo("Asia/Shanghai")
CASE = 1
PERSONS = [1, 2, 3, 4]
VENUES = ["mall", "gym", "market"]
GAP_MINUTES = 30  # register venue-co-presence

# Instants cluster around a few anchors, so that scans are often within (or just outside) 30 minutes of each
# other, and some fall on either side of a local midnight (16:00 UTC).
BASE = datetime(2022, 11, 10, 0, 0, tzinfo=UTC)
ANCHORS = [BASE + timedelta(hours=h) for h in (-10, 4, 15.75, 40, 63)]

DETERMINED_DAYS = [date(2022, 10, 1), date(2022, 11, 15), date(2022, 11, 25), date(2022, 12, 10), date(2023, 1, 7)]
CLASSB_DAYS = [date(2023, 1, 8), date(2023, 2, 1)]

instants = st.builds(
    lambda anchor, minutes, seconds: anchor + timedelta(minutes=minutes, seconds=seconds),
    st.sampled_from(ANCHORS),
    st.integers(min_value=-45, max_value=45),
    st.sampled_from([0, 0, 0, 1, 30, 59]),
)
aware = st.builds(
    lambda at, in_shanghai: at.astimezone(SHANGHAI) if in_shanghai else at,
    instants,
    st.booleans(),
)
venues = st.sampled_from(VENUES[:2]) | st.sampled_from(VENUES)  # the last venue is rarer


def scans_of(persons: list[int], min_size: int, max_size: int) -> st.SearchStrategy[list[Scan]]:
    scan = st.builds(Scan, person_id=st.sampled_from(persons), venue=venues, at=aware)
    return st.lists(scan, min_size=min_size, max_size=max_size)


# Up to 4 scans by the case and up to 12 by anyone (the case included), interleaved in any order.
scans = st.tuples(scans_of([CASE], 0, 4), scans_of(PERSONS, 0, 12)).map(lambda t: t[0] + t[1]).flatmap(st.permutations)
first_days = st.dates(min_value=date(2022, 11, 8), max_value=date(2022, 11, 13))
isolation = st.none() | instants


def window_for(policy: PolicyAt, first: date, until: datetime | None) -> ExposureWindow:
    facts = InfectionFacts(onset_on=None, sampled_on=first + timedelta(days=4), isolated_at=until)
    return exposure_window(facts, policy)


def oracle(all_scans: list[Scan], first: date, until: datetime | None) -> dict[int, date]:
    """Candidate person → last exposure (local day), by brute force."""

    def inside(at: datetime) -> bool:
        return at.astimezone(SHANGHAI).date() >= first and (until is None or at <= until)

    case_visits = [s for s in all_scans if s.person_id == CASE and inside(s.at)]
    latest: dict[int, datetime] = {}
    for s in all_scans:
        if s.person_id == CASE:
            continue
        shared = [
            v for v in case_visits if v.venue == s.venue and abs((s.at - v.at).total_seconds()) <= GAP_MINUTES * 60
        ]
        if shared and (s.person_id not in latest or s.at > latest[s.person_id]):
            latest[s.person_id] = s.at
    return {pid: at.astimezone(SHANGHAI).date() for pid, at in latest.items()}


def test_co_presence_minutes_in_force() -> None:
    for on in DETERMINED_DAYS:
        assert POLICY.at(on).integer("tracing.venue_co_presence_minutes").value == GAP_MINUTES
    for on in CLASSB_DAYS:
        assert POLICY.at(on).integer("tracing.venue_co_presence_minutes").value is None


@settings(max_examples=200, deadline=None, database=None)
@given(
    all_scans=scans,
    first=first_days,
    until=isolation,
    on=st.sampled_from(DETERMINED_DAYS),
)
def test_venue_candidates_match_the_oracle(
    all_scans: list[Scan], first: date, until: datetime | None, on: date
) -> None:
    policy = POLICY.at(on)
    window = window_for(policy, first, until)
    assert window.determined and window.from_day == first
    case_scans = [s for s in all_scans if s.person_id == CASE]
    found = venue_candidates(CASE, case_scans, all_scans, window, policy, SHANGHAI)
    expected = oracle(all_scans, first, until)
    assert [c.person_id for c in found] == sorted(expected)
    assert {c.person_id: c.last_exposure for c in found} == expected
    for c in found:
        assert c.source == "venue"
        assert c.person_id != CASE
        assert c.policy == policy.version
        assert set(c.cite) <= set(POLICY.clauses)


@settings(max_examples=200, deadline=None, database=None)
@given(all_scans=scans, first=first_days, until=isolation, on=st.sampled_from(DETERMINED_DAYS))
def test_other_peoples_scans_in_case_scans_change_nothing(
    all_scans: list[Scan], first: date, until: datetime | None, on: date
) -> None:
    """Passing every scan as `case_scans` gives the same candidates as passing only the case's own."""
    policy = POLICY.at(on)
    window = window_for(policy, first, until)
    own = [s for s in all_scans if s.person_id == CASE]
    assert venue_candidates(CASE, all_scans, all_scans, window, policy, SHANGHAI) == venue_candidates(
        CASE, own, all_scans, window, policy, SHANGHAI
    )


@settings(max_examples=50, deadline=None, database=None)
@given(all_scans=scans, on=st.sampled_from(CLASSB_DAYS))
def test_nobody_under_classb(all_scans: list[Scan], on: date) -> None:
    policy = POLICY.at(on)
    window = window_for(policy, date(2022, 11, 10), None)
    assert not window.determined
    case_scans = [s for s in all_scans if s.person_id == CASE]
    assert venue_candidates(CASE, case_scans, all_scans, window, policy, SHANGHAI) == []
