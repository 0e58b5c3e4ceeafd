"""The demo county's saved comparison (issue 22): the 9th edition against the 20 measures on a city of 100,000 people
(the simulator's demo-sized city) from the demo county's drill day, 60 days, 10 seeds — enough seeds for the mean
difference in room-nights to have a confidence interval that excludes 0 (about 4 s). Called once from
services/demo.py; a second call changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor

from .models import SimulationComparison
from .service import ComparisonRequest, run_comparison

DEMO_REQUEST = ComparisonRequest(policies=["v9", "m20"], population=100_000, days=60, seeds=10)


def demo_comparison(session: Session, actor: Actor, *, policy: Policy | None = None) -> int:
    """Save the demo's comparison as `actor` (the command centre). Returns the comparisons added (0 when there)."""
    if session.scalar(select(SimulationComparison.id).limit(1)) is not None:
        return 0
    run_comparison(session, actor, DEMO_REQUEST, policy=policy or load_policy())
    return 1
