"""The demo county's saved comparison (issue 22): the 9th edition, the 20 measures and the new ten on a city of the
demo county's size (20,000 people) from its drill day, 60 days, 3 seeds — about a third of a second on a laptop, so
loading the demo stays fast. Called once from services/demo.py; a second call changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangkong.policy import Policy, load_policy
from fangkong.services.access import Actor

from .models import SimulationComparison
from .service import ComparisonRequest, run_comparison

DEMO_REQUEST = ComparisonRequest(policies=["v9", "m20", "n10"], population=20_000, days=60, seeds=3)


def demo_comparison(session: Session, actor: Actor, *, policy: Policy | None = None) -> int:
    """Save the demo's comparison as `actor` (the command centre). Returns the comparisons added (0 when there)."""
    if session.scalar(select(SimulationComparison.id).limit(1)) is not None:
        return 0
    run_comparison(session, actor, DEMO_REQUEST, policy=policy or load_policy())
    return 1
