"""The over-reach guard, table-driven. Measure (16) forbids local plans stricter than the national one
("layer-by-layer overweighting"); the guard compares a proposal with the national plan day by day by phase
strictness (centralized > home isolation > home health monitoring > nothing), and counts tests. The guard's
clause is overreach.national_rule_clause: v9-nine.general (the nine prohibitions) under v9, m20.16 from
2022-11-11 on (areas.yaml)."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.policy import load_policy
from fangkong.policy.terms import Category, PhaseKind
from fangkong.rules.overreach import ProposedPhase, check_overreach

POLICY = load_policy()

C = PhaseKind.centralized_isolation
H = PhaseKind.home_isolation
HM = PhaseKind.home_health_monitoring

CC = Category.close_contact
SCC = Category.secondary_close_contact
ENTRY = Category.entry_personnel
HRS = Category.high_risk_spillover
MRS = Category.medium_risk_spillover
HRPW = Category.high_risk_post_worker
PAST = Category.past_infection_ct35_40

M20 = "2022-11-18"
V9 = "2022-10-01"
N10 = "2022-12-10"
CLASSB = "2023-01-10"

# (kind, days) or (kind, days, test days)
Proposed = tuple[PhaseKind, int] | tuple[PhaseKind, int, tuple[int, ...]]


def phases(*spec: Proposed) -> list[ProposedPhase]:
    out: list[ProposedPhase] = []
    for p in spec:
        if len(p) == 2:
            out.append(ProposedPhase(kind=p[0], days=p[1]))
        else:
            out.append(ProposedPhase(kind=p[0], days=p[1], test_days=p[2]))
    return out


CASES: list[tuple[str, str, Category, list[Proposed], bool, bool | None, tuple[str, ...]]] = [
    # (id, date, category, proposed phases, overreach, below national (None: not asserted), clauses cited)
    # ---- m20, close contacts: national C 5 (1, 2, 3, 5) + H 3 (1, 3) ----
    ("case-seven-day-centralized", M20, CC, [(C, 7), (H, 3)], True, False, ("m20.16", "m20.1")),
    ("m20-cc-exactly-national", M20, CC, [(C, 5), (H, 3)], False, False, ("m20.1",)),
    ("m20-cc-shorter-home", M20, CC, [(C, 5), (H, 2)], False, True, ("m20.1",)),
    ("m20-cc-only-3-centralized", M20, CC, [(C, 3)], False, True, ("m20.1",)),
    ("m20-cc-nothing", M20, CC, [], False, True, ("m20.1",)),
    ("m20-cc-home-replaced-by-centralized", M20, CC, [(C, 8)], True, False, ("m20.16", "m20.1")),
    ("m20-cc-home-replaced-by-centralized-one-day", M20, CC, [(C, 6), (H, 2)], True, False, ("m20.16", "m20.1")),
    ("m20-cc-monitoring-added", M20, CC, [(C, 5), (H, 3), (HM, 3)], True, False, ("m20.16", "m20.1")),
    ("m20-cc-one-extra-home-day", M20, CC, [(C, 5), (H, 4)], True, False, ("m20.16", "m20.1")),
    ("m20-cc-all-home", M20, CC, [(H, 8)], False, True, ("m20.1",)),
    ("m20-cc-home-then-centralized", M20, CC, [(H, 5), (C, 3)], True, True, ("m20.16", "m20.1")),
    ("m20-cc-old-v9-plan", M20, CC, [(C, 7), (HM, 3)], True, True, ("m20.16", "m20.1")),
    # tests: more than the national 6 is over-reach, even with the national phases
    ("m20-cc-more-tests", M20, CC, [(C, 5, (1, 2, 3, 4, 5)), (H, 3, (1, 3))], True, False, ("m20.16", "m20.1")),
    ("m20-cc-daily-tests", M20, CC, [(C, 5, (1, 2, 3, 4, 5)), (H, 3, (1, 2, 3))], True, False, ("m20.16", "m20.1")),
    ("m20-cc-national-tests", M20, CC, [(C, 5, (1, 2, 3, 5)), (H, 3, (1, 3))], False, False, ("m20.1",)),
    ("m20-cc-other-6-tests", M20, CC, [(C, 5, (1, 2, 4, 5)), (H, 3, (2, 3))], False, False, ("m20.1",)),
    ("m20-cc-fewer-tests", M20, CC, [(C, 5, (1, 2, 3)), (H, 3, (1, 3))], False, None, ("m20.1",)),
    # ---- m20, categories that are not managed: any local plan adds to the national rules ----
    ("m20-secondary-contacts-managed", M20, SCC, [(H, 7)], True, False, ("m20.16", "m20.2")),
    ("m20-secondary-contacts-one-day", M20, SCC, [(HM, 1)], True, False, ("m20.16", "m20.2")),
    ("m20-secondary-contacts-nothing", M20, SCC, [], False, False, ("m20.2",)),
    ("m20-medium-spillover-managed", M20, MRS, [(H, 7)], True, False, ("m20.16", "m20.4")),
    # ---- m20, other categories ----
    ("m20-entry-national", M20, ENTRY, [(C, 5), (H, 3)], False, False, ("m20.10",)),
    ("m20-entry-old-plan", M20, ENTRY, [(C, 7), (HM, 3)], True, True, ("m20.16", "m20.10")),
    ("m20-entry-requarantine-at-destination", M20, ENTRY, [(C, 5), (H, 3), (C, 5)], True, False, ("m20.16", "m20.10")),
    ("m20-spillover-centralized", M20, HRS, [(C, 7)], True, False, ("m20.16", "m20.3")),
    ("m20-spillover-national", M20, HRS, [(H, 7)], False, False, ("m20.3",)),
    ("m20-spillover-5-days", M20, HRS, [(H, 5)], False, True, ("m20.3",)),
    ("m20-post-home-isolation", M20, HRPW, [(H, 7)], True, False, ("m20.16", "m20.5")),
    ("m20-post-home-isolation-5", M20, HRPW, [(H, 5)], True, False, ("m20.16", "m20.5")),
    ("m20-post-national", M20, HRPW, [(HM, 5)], False, False, ("m20.5",)),
    ("m20-past-infection-national", M20, PAST, [(H, 3)], False, False, ("m20.s3",)),
    ("m20-past-infection-7-days", M20, PAST, [(H, 7)], True, False, ("m20.16", "m20.s3")),
    # ---- v9: national C 7 + HM 3; the guard cites v9-nine.general ----
    ("v9-cc-national", V9, CC, [(C, 7), (HM, 3)], False, False, ("v9.close_contact",)),
    (
        "v9-cc-home-isolation-instead-of-monitoring",
        V9,
        CC,
        [(C, 7), (H, 3)],
        True,
        False,
        ("v9-nine.general", "v9.close_contact"),
    ),
    ("v9-cc-14-centralized", V9, CC, [(C, 14)], True, False, ("v9-nine.general", "v9.close_contact")),
    ("v9-cc-m20-plan", V9, CC, [(C, 5), (H, 3)], True, True, ("v9-nine.general", "v9.close_contact")),
    ("v9-cc-shorter", V9, CC, [(C, 7)], False, True, ("v9.close_contact",)),
    ("v9-secondary-national", V9, SCC, [(H, 7)], False, False, ("v9.secondary_close_contact",)),
    ("v9-secondary-centralized", V9, SCC, [(C, 7)], True, False, ("v9-nine.general", "v9.secondary_close_contact")),
    ("v9-medium-spillover-national", V9, MRS, [(H, 7)], False, False, ("v9.risk_area_spillover",)),
    # ---- n10: close contacts H 5 (test day 5) ----
    ("n10-cc-m20-plan", N10, CC, [(C, 5), (H, 3)], True, False, ("m20.16", "n10.3")),
    ("n10-cc-national", N10, CC, [(H, 5)], False, False, ("n10.3",)),
    ("n10-cc-national-test", N10, CC, [(H, 5, (5,))], False, False, ("n10.3",)),
    ("n10-cc-two-tests", N10, CC, [(H, 5, (1, 5))], True, False, ("m20.16", "n10.3")),
    ("n10-cc-monitoring-only", N10, CC, [(HM, 5)], False, True, ("n10.3",)),
    # ---- classb: contacts are not determined at all ----
    # the guard under Class B cites its own general rule, not the superseded measure 16
    ("classb-cc-home-isolation", CLASSB, CC, [(H, 5)], True, False, ("classb.general",)),
    ("classb-cc-nothing", CLASSB, CC, [], False, False, ("classb.general",)),
    ("classb-entry-quarantine", CLASSB, ENTRY, [(C, 5), (H, 3)], True, False, ("classb.general", "classb.entry")),
]


@pytest.mark.parametrize(
    ("on", "category", "proposed", "overreach", "below", "cites"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_overreach(
    on: str,
    category: Category,
    proposed: list[Proposed],
    overreach: bool,
    below: bool | None,
    cites: tuple[str, ...],
) -> None:
    d = check_overreach(category, phases(*proposed), POLICY.at(date.fromisoformat(on)))
    assert d.overreach is overreach
    if below is not None:
        assert d.below_national is below
    for clause in cites:
        assert clause in d.cite
    if overreach:
        assert d.cite[0] in {"m20.16", "v9-nine.general", "classb.general"}  # the guard's clause comes first
