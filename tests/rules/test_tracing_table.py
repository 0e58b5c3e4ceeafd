"""Close-contact determination, table-driven. Expected values from policy/data/parameters/tracing.yaml and
management.yaml (secondary_close_contact) with the register entries look-back-window and venue-co-presence:
exposures count from 4 days before symptom onset (or sampling, when asymptomatic) until isolation under v9, m20
and n10; two scans of one venue code at most 30 minutes apart inside the window make a candidate; nobody is
determined under classb (8 Jan 2023); close contacts of close contacts are determined under v9 only (m20.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fangkong.errors import InvalidInput
from fangkong.policy import Policy, PolicyAt
from fangkong.rules.tracing import (
    Candidate,
    ExposureWindow,
    InfectionFacts,
    Scan,
    exposure_window,
    household_candidates,
    interview_candidate,
    secondary_determination,
    venue_candidates,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

V9_DAY = date(2022, 10, 1)
M20_DAY = date(2022, 11, 15)
N10_DAY = date(2022, 12, 10)
N10_LAST = date(2023, 1, 7)
CLASSB_FIRST = date(2023, 1, 8)
CLASSB_DAY = date(2023, 2, 1)

CASE = 1


def utc(iso: str) -> datetime:
    """An aware UTC instant from 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def local(iso: str) -> datetime:
    """An aware Asia/Shanghai instant from 'YYYY-MM-DDTHH:MM'."""
    return datetime.fromisoformat(iso).replace(tzinfo=SHANGHAI)


def window_from(policy: PolicyAt, first: date, until: datetime | None = None) -> ExposureWindow:
    """A determined window opening on `first` (sampling 4 days later, asymptomatic)."""
    facts = InfectionFacts(onset_on=None, sampled_on=first + timedelta(days=4), isolated_at=until)
    window = exposure_window(facts, policy)
    assert window.determined and window.from_day == first
    return window


# ---- the exposure window ----

WINDOWS = [
    # (id, date, onset, sampled, isolated, version, from_day, clause)
    (
        "v9-onset",
        V9_DAY,
        date(2022, 9, 28),
        date(2022, 9, 29),
        None,
        "v9",
        date(2022, 9, 24),
        "v9.close_contact_definition",
    ),
    ("v9-sampling", V9_DAY, None, date(2022, 9, 29), None, "v9", date(2022, 9, 25), "v9.close_contact_definition"),
    (
        "m20-onset",
        M20_DAY,
        date(2022, 11, 12),
        date(2022, 11, 14),
        utc("2022-11-14T10:00"),
        "m20",
        date(2022, 11, 8),
        "m20.2",
    ),
    ("m20-sampling", M20_DAY, None, date(2022, 11, 14), utc("2022-11-14T10:00"), "m20", date(2022, 11, 10), "m20.2"),
    ("m20-onset-same-day", M20_DAY, date(2022, 11, 14), date(2022, 11, 14), None, "m20", date(2022, 11, 10), "m20.2"),
    ("m20-month-boundary", M20_DAY, None, date(2022, 11, 2), None, "m20", date(2022, 10, 29), "m20.2"),
    ("n10-onset", N10_DAY, date(2022, 12, 8), date(2022, 12, 9), None, "n10", date(2022, 12, 4), "m20.2"),
    ("n10-sampling", N10_DAY, None, date(2022, 12, 9), utc("2022-12-09T03:00"), "n10", date(2022, 12, 5), "m20.2"),
    ("n10-last-day", N10_LAST, None, date(2023, 1, 2), None, "n10", date(2022, 12, 29), "m20.2"),
]


@pytest.mark.parametrize(
    ("on", "onset", "sampled", "isolated", "version", "first", "clause"),
    [w[1:] for w in WINDOWS],
    ids=[w[0] for w in WINDOWS],
)
def test_window_looks_back_four_days(
    policy: Policy,
    on: date,
    onset: date | None,
    sampled: date,
    isolated: datetime | None,
    version: str,
    first: date,
    clause: str,
) -> None:
    at = policy.at(on)
    w = exposure_window(InfectionFacts(onset_on=onset, sampled_on=sampled, isolated_at=isolated), at)
    assert w.policy == version
    assert w.determined is True
    assert w.from_day == first
    assert w.until == isolated
    assert w.cite == [clause]
    assert set(w.cite) <= set(policy.clauses)
    text = w.reasons[0].text
    assert first.isoformat() in text
    assert ("symptom onset" if onset is not None else "sampling") in text
    assert ("isolation" if isolated is not None else "not yet isolated") in text


@pytest.mark.parametrize("on", [CLASSB_FIRST, CLASSB_DAY], ids=["classb-first-day", "classb"])
@pytest.mark.parametrize("onset", [None, date(2023, 1, 5)], ids=["asymptomatic", "symptomatic"])
def test_window_not_determined_under_classb(policy: Policy, on: date, onset: date | None) -> None:
    facts = InfectionFacts(onset_on=onset, sampled_on=date(2023, 1, 7), isolated_at=utc("2023-01-07T12:00"))
    w = exposure_window(facts, policy.at(on))
    assert w.policy == "classb"
    assert w.determined is False
    assert w.from_day is None
    assert w.until is None
    assert w.cite == ["classb.general"]


def test_onset_far_after_sampling_is_invalid() -> None:
    with pytest.raises(InvalidInput) as invalid:
        InfectionFacts(onset_on=date(2023, 1, 1), sampled_on=date(2022, 11, 1), isolated_at=None)
    assert invalid.value.field == "onset_on"


# ---- co-presence at a venue ----

CASE_VISIT = utc("2022-11-14T04:00")  # 12:00 in Shanghai, 14 Nov


def scan(person: int, at: datetime, venue: str = "mall") -> Scan:
    return Scan(person_id=person, venue=venue, at=at)


CO_PRESENCE = [
    # (id, other's scan, venue, candidate?)
    ("same-minute", CASE_VISIT, "mall", True),
    ("29-min-after", CASE_VISIT + timedelta(minutes=29), "mall", True),
    ("30-min-after-inclusive", CASE_VISIT + timedelta(minutes=30), "mall", True),
    ("30-min-before-inclusive", CASE_VISIT - timedelta(minutes=30), "mall", True),
    ("30-min-59-s-after", CASE_VISIT + timedelta(minutes=30, seconds=59), "mall", False),
    ("31-min-after", CASE_VISIT + timedelta(minutes=31), "mall", False),
    ("31-min-before", CASE_VISIT - timedelta(minutes=31), "mall", False),
    ("another-venue", CASE_VISIT, "market", False),
    ("next-day", CASE_VISIT + timedelta(days=1), "mall", False),
    ("offset-plus-8-same-instant", CASE_VISIT.astimezone(SHANGHAI), "mall", True),
]


@pytest.mark.parametrize(("at", "venue", "expected"), [c[1:] for c in CO_PRESENCE], ids=[c[0] for c in CO_PRESENCE])
@pytest.mark.parametrize("on", [V9_DAY, M20_DAY, N10_DAY], ids=["v9", "m20", "n10"])
def test_co_presence_within_30_minutes(policy: Policy, on: date, at: datetime, venue: str, expected: bool) -> None:
    p = policy.at(on)
    window = window_from(p, date(2022, 11, 10))
    found = venue_candidates(CASE, [scan(CASE, CASE_VISIT)], [scan(2, at, venue)], window, p, SHANGHAI)
    assert [c.person_id for c in found] == ([2] if expected else [])
    for c in found:
        assert c.source == "venue"
        assert c.policy == p.version
        assert c.cite[0] == window.cite[0]
        assert set(c.cite) <= set(policy.clauses)


WINDOW_EDGES = [
    # (id, case's scan, isolated at, candidate?)
    ("inside", utc("2022-11-12T04:00"), None, True),
    ("first-local-day-00:10", local("2022-11-10T00:10"), None, True),  # 9 Nov 16:10 UTC, but 10 Nov locally
    ("day-before-local-23:50", local("2022-11-09T23:50"), None, False),  # 9 Nov 15:50 UTC
    ("utc-day-inside-local-day-before", utc("2022-11-09T15:59"), None, False),  # 9 Nov 23:59 local
    ("utc-day-before-local-day-inside", utc("2022-11-09T16:00"), None, True),  # 10 Nov 00:00 local
    ("at-isolation", utc("2022-11-13T08:00"), utc("2022-11-13T08:00"), True),
    ("after-isolation", utc("2022-11-13T08:01"), utc("2022-11-13T08:00"), False),
    ("long-before", utc("2022-11-01T04:00"), None, False),
]


@pytest.mark.parametrize(
    ("case_at", "isolated", "expected"), [e[1:] for e in WINDOW_EDGES], ids=[e[0] for e in WINDOW_EDGES]
)
def test_only_the_cases_scans_inside_the_window_count(
    policy: Policy, case_at: datetime, isolated: datetime | None, expected: bool
) -> None:
    p = policy.at(M20_DAY)
    window = window_from(p, date(2022, 11, 10), isolated)
    other = scan(2, case_at + timedelta(minutes=5))
    found = venue_candidates(CASE, [scan(CASE, case_at)], [other], window, p, SHANGHAI)
    assert [c.person_id for c in found] == ([2] if expected else [])


def test_case_scans_of_other_people_are_ignored(policy: Policy) -> None:
    """Only scans by the case in `case_scans` open a venue; someone else's scan there does not."""
    p = policy.at(M20_DAY)
    window = window_from(p, date(2022, 11, 10))
    found = venue_candidates(CASE, [scan(3, CASE_VISIT)], [scan(2, CASE_VISIT)], window, p, SHANGHAI)
    assert found == []


def test_the_case_is_not_its_own_candidate(policy: Policy) -> None:
    p = policy.at(M20_DAY)
    window = window_from(p, date(2022, 11, 10))
    case_scans = [scan(CASE, CASE_VISIT)]
    found = venue_candidates(
        CASE, case_scans, [*case_scans, scan(CASE, CASE_VISIT + timedelta(minutes=1))], window, p, SHANGHAI
    )
    assert found == []


def test_one_candidate_per_person_with_the_latest_shared_visit(policy: Policy) -> None:
    p = policy.at(M20_DAY)
    window = window_from(p, date(2022, 11, 10))
    case_scans = [
        scan(CASE, utc("2022-11-11T02:00"), "mall"),
        scan(CASE, utc("2022-11-13T02:00"), "gym"),
        scan(CASE, utc("2022-11-12T02:00"), "mall"),
    ]
    scans = [
        scan(2, utc("2022-11-11T02:10"), "mall"),
        scan(2, utc("2022-11-13T02:20"), "gym"),  # latest shared visit of person 2
        scan(2, utc("2022-11-12T01:50"), "mall"),
        scan(2, utc("2022-11-14T02:00"), "gym"),  # later, but nobody infected was there: not shared
        scan(3, utc("2022-11-12T02:30"), "mall"),
        scan(3, utc("2022-11-11T01:30"), "mall"),
        scan(4, utc("2022-11-13T03:00"), "gym"),  # 60 minutes after: not together
    ]
    found = venue_candidates(CASE, case_scans, scans, window, p, SHANGHAI)
    assert [c.person_id for c in found] == [2, 3]
    by_person = {c.person_id: c for c in found}
    assert by_person[2].last_exposure == date(2022, 11, 13)
    assert "gym" in by_person[2].detail
    assert "2022-11-13 10:20" in by_person[2].detail  # shown in local time
    assert by_person[3].last_exposure == date(2022, 11, 12)
    assert "mall" in by_person[3].detail


LOCAL_DAYS = [
    # (id, case's scan, other's scan, last exposure (local day))
    ("evening-utc-is-next-local-day", utc("2022-11-14T17:20"), utc("2022-11-14T17:30"), date(2022, 11, 15)),
    ("just-before-local-midnight", utc("2022-11-14T15:40"), utc("2022-11-14T15:59"), date(2022, 11, 14)),
    ("local-midnight", utc("2022-11-14T15:40"), utc("2022-11-14T16:00"), date(2022, 11, 15)),
    ("morning-utc-same-local-day", utc("2022-11-14T01:00"), utc("2022-11-14T01:15"), date(2022, 11, 14)),
    (
        "given-in-shanghai-time",
        local("2022-11-15T01:00"),
        local("2022-11-15T01:30"),
        date(2022, 11, 15),
    ),
]


@pytest.mark.parametrize(("case_at", "other_at", "last"), [d[1:] for d in LOCAL_DAYS], ids=[d[0] for d in LOCAL_DAYS])
def test_last_exposure_is_the_local_day(policy: Policy, case_at: datetime, other_at: datetime, last: date) -> None:
    p = policy.at(M20_DAY)
    window = window_from(p, date(2022, 11, 10))
    found = venue_candidates(CASE, [scan(CASE, case_at)], [scan(2, other_at)], window, p, SHANGHAI)
    assert len(found) == 1
    assert found[0].last_exposure == last


def test_last_exposure_is_the_contacts_scan_not_the_cases(policy: Policy) -> None:
    """The case scanned at 23:50 local, the contact 20 minutes later: the contact's scan is on the next day."""
    p = policy.at(M20_DAY)
    window = window_from(p, date(2022, 11, 10))
    found = venue_candidates(
        CASE, [scan(CASE, local("2022-11-14T23:50"))], [scan(2, local("2022-11-15T00:10"))], window, p, SHANGHAI
    )
    assert [c.last_exposure for c in found] == [date(2022, 11, 15)]


@pytest.mark.parametrize("on", [CLASSB_FIRST, CLASSB_DAY], ids=["classb-first-day", "classb"])
def test_no_venue_candidates_under_classb(policy: Policy, on: date) -> None:
    p = policy.at(on)
    facts = InfectionFacts(onset_on=None, sampled_on=date(2023, 1, 7), isolated_at=None)
    window = exposure_window(facts, p)
    at = utc("2023-01-06T04:00")
    assert venue_candidates(CASE, [scan(CASE, at)], [scan(2, at)], window, p, SHANGHAI) == []


def test_undetermined_window_gives_no_venue_candidates(policy: Policy) -> None:
    """Rules that still determine contacts, but a window that is not determined: nobody is proposed."""
    p = policy.at(M20_DAY)
    classb_window = exposure_window(
        InfectionFacts(onset_on=None, sampled_on=date(2023, 1, 7), isolated_at=None), policy.at(CLASSB_DAY)
    )
    at = utc("2023-01-06T04:00")
    assert venue_candidates(CASE, [scan(CASE, at)], [scan(2, at)], classb_window, p, SHANGHAI) == []


# ---- households ----

HOUSEHOLDS = [
    # (id, housemates, candidates)
    ("two-others", [2, 3], [2, 3]),
    ("case-listed-too", [CASE, 2], [2]),
    ("duplicates", [3, 2, 3, 2], [2, 3]),
    ("only-the-case", [CASE], []),
    ("nobody", [], []),
    ("unsorted", [9, 4, CASE, 7], [4, 7, 9]),
]


@pytest.mark.parametrize(("housemates", "expected"), [h[1:] for h in HOUSEHOLDS], ids=[h[0] for h in HOUSEHOLDS])
@pytest.mark.parametrize(
    ("on", "clause"),
    [(V9_DAY, "v9.close_contact_definition"), (M20_DAY, "m20.2"), (N10_DAY, "m20.2")],
    ids=["v9", "m20", "n10"],
)
def test_household_candidates(
    policy: Policy, on: date, clause: str, housemates: list[int], expected: list[int]
) -> None:
    p = policy.at(on)
    window = window_from(p, date(2022, 11, 10))
    last_day = date(2022, 11, 14)
    found = household_candidates(CASE, housemates, window, p, last_day)
    assert [c.person_id for c in found] == expected
    for c in found:
        assert c.source == "household"
        assert c.last_exposure == last_day
        assert c.policy == p.version
        assert clause in c.cite
        assert set(c.cite) <= set(policy.clauses)


@pytest.mark.parametrize("on", [CLASSB_FIRST, CLASSB_DAY], ids=["classb-first-day", "classb"])
def test_no_household_candidates_under_classb(policy: Policy, on: date) -> None:
    p = policy.at(on)
    window = exposure_window(InfectionFacts(onset_on=None, sampled_on=date(2023, 1, 7), isolated_at=None), p)
    assert household_candidates(CASE, [2, 3], window, p, date(2023, 1, 7)) == []


# ---- contacts named in the interview ----

INTERVIEWS = [
    # (id, last exposure, accepted?)
    ("window-opens", date(2022, 11, 10), True),
    ("inside", date(2022, 11, 12), True),
    ("after-sampling", date(2022, 11, 15), True),
    ("day-before-window", date(2022, 11, 9), False),
    ("long-before", date(2022, 10, 1), False),
]


@pytest.mark.parametrize(("last", "accepted"), [i[1:] for i in INTERVIEWS], ids=[i[0] for i in INTERVIEWS])
@pytest.mark.parametrize("on", [V9_DAY, M20_DAY, N10_DAY], ids=["v9", "m20", "n10"])
def test_interview_candidate(policy: Policy, on: date, last: date, accepted: bool) -> None:
    p = policy.at(on)
    window = window_from(p, date(2022, 11, 10))
    if accepted:
        c: Candidate = interview_candidate(5, last, "shared a meal", window, p)
        assert c.person_id == 5
        assert c.source == "interview"
        assert c.last_exposure == last
        assert c.detail == "shared a meal"
        assert c.reasons == window.reasons
    else:
        with pytest.raises(InvalidInput) as invalid:
            interview_candidate(5, last, "shared a meal", window, p)
        assert invalid.value.field == "last_exposure"
        assert "2022-11-10" in invalid.value.message


def test_interview_candidate_not_determined_under_classb(policy: Policy) -> None:
    p = policy.at(CLASSB_DAY)
    window = exposure_window(InfectionFacts(onset_on=None, sampled_on=date(2023, 1, 7), isolated_at=None), p)
    with pytest.raises(InvalidInput) as invalid:
        interview_candidate(5, date(2023, 1, 6), "shared a meal", window, p)
    assert invalid.value.field == "contacts"
    assert "classb.general" in invalid.value.message


# ---- close contacts of close contacts ----

SECONDARY = [
    # (id, date, determined?, clause)
    ("v9", V9_DAY, True, "v9.secondary_close_contact"),
    ("v9-last-day", date(2022, 11, 10), True, "v9.secondary_close_contact"),
    ("m20-first-day", date(2022, 11, 11), False, "m20.2"),
    ("m20", M20_DAY, False, "m20.2"),
    ("n10", N10_DAY, False, "m20.2"),
    ("classb-first-day", CLASSB_FIRST, False, "classb.general"),
    ("classb", CLASSB_DAY, False, "classb.general"),
]


@pytest.mark.parametrize(("on", "determined", "clause"), [s[1:] for s in SECONDARY], ids=[s[0] for s in SECONDARY])
def test_secondary_determination(policy: Policy, on: date, determined: bool, clause: str) -> None:
    d = secondary_determination(policy.at(on))
    assert d.determined is determined
    assert d.cite == [clause]
    assert d.policy_date == on
    assert set(d.cite) <= set(policy.clauses)
    if not determined:
        assert "no longer determined" in d.reasons[0].text
