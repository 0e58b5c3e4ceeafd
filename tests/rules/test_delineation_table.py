"""How wide a high-risk area may be (`rules.risk_area.delineation_basis`), table-driven. Measure (4) and section 3:
by unit or building, wider only with a recorded justification (transmission risk unclear, widespread community
transmission). The new 10 (1): generally by building or unit, not *arbitrarily* widened (不得随意扩大) — so a
justification still allows it (register n10-no-low-risk). Class B: no risk areas."""

from __future__ import annotations

from datetime import date

import pytest

from fangkong.errors import Refused
from fangkong.policy import load_policy
from fangkong.rules.risk_area import delineation_basis
from fangkong.services.jurisdictions.models import JurisdictionLevel

POLICY = load_policy()
M20, N10, CLASSB = date(2022, 11, 20), date(2022, 12, 10), date(2023, 1, 10)
UNCLEAR = "transmission_risk_unclear"

CASES = [
    # (id, day, level, justification, allowed, a clause cited)
    ("m20-building", M20, JurisdictionLevel.building, None, True, "m20.4"),
    ("m20-community-bare", M20, JurisdictionLevel.community, None, False, "m20.s3"),
    ("m20-community-justified", M20, JurisdictionLevel.community, UNCLEAR, True, "m20.s3"),
    ("m20-community-bad-reason", M20, JurisdictionLevel.community, "convenience", False, "m20.s3"),
    ("n10-unit", N10, JurisdictionLevel.unit, None, True, "n10.1"),
    ("n10-community-bare", N10, JurisdictionLevel.community, None, False, "n10.1"),
    ("n10-community-justified", N10, JurisdictionLevel.community, UNCLEAR, True, "n10.1"),
    ("n10-street-justified", N10, JurisdictionLevel.street, "widespread_community_transmission", True, "n10.1"),
    ("classb-building", CLASSB, JurisdictionLevel.building, None, False, "classb.general"),
]


@pytest.mark.parametrize(
    ("on", "level", "justification", "allowed", "cite"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_delineation_basis(
    on: date, level: JurisdictionLevel, justification: str | None, allowed: bool, cite: str
) -> None:
    rules = POLICY.at(on)
    if allowed:
        reasons = delineation_basis(level, justification, rules)
        assert cite in [r.clause for r in reasons]
    else:
        with pytest.raises(Refused) as info:
            delineation_basis(level, justification, rules)
        assert info.value.clause == cite
