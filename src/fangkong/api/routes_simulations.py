"""Policy comparisons on the synthetic city (issue 22): run one for the demo county and save it, list the saved ones,
read one with its result. The command centre's and the administrator's; the city is synthetic (no person named)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel

from fangkong.api.deps import CurrentActor, DbSession, Rules
from fangkong.api.pages import Limit, Offset, Page
from fangkong.bounds import StoreId
from fangkong.services.simulations import service as simulations
from fangkong.services.simulations.models import SimulationComparison

router = APIRouter(prefix="/api/simulations", tags=["simulations"])


class SwitchRead(BaseModel):
    on: date
    version: str


class ComparisonSummary(BaseModel):
    """A saved comparison without its result: who asked, when, what, and the code version that answered."""

    id: int
    requested_by: str
    requested_at: datetime
    policies: list[str]
    population: int
    days: int
    seeds: int
    first_seed: int
    start: date
    switches: list[SwitchRead]
    code_version: str
    elapsed_seconds: float


class LocalCampaignRead(BaseModel):
    """The county's own area-wide testing the comparison ran under (the national rule where none was asked)."""

    when: str
    tests_per_day: int
    guarded: bool


class ComparisonRead(ComparisonSummary):
    """A saved comparison with its result: `summary` (per policy and figure, the mean and its 95 % interval over
    seeds), `difference_from_first` (paired by seed), `mean_series` (per policy and series, the mean by day),
    `refusals` (per policy, the mean days on which the over-reach guard refused the county's rounds, by clause) and the
    simulator's `parameters` — `fangkong sim compare --json`'s document; `local_campaign`, the county's own area-wide
    testing it ran under (read from the result: a list of comparisons leaves it out with the result)."""

    local_campaign: LocalCampaignRead
    result: dict[str, Any]


def _read(saved: SimulationComparison) -> ComparisonRead:
    return ComparisonRead(
        **_summary(saved),
        local_campaign=LocalCampaignRead(**simulations.local_campaign_of(saved)),
        result=saved.result,
    )


def _summary(saved: SimulationComparison) -> dict[str, Any]:
    return {
        "id": saved.id,
        "requested_by": saved.requested_by,
        "requested_at": saved.requested_at,
        "code_version": saved.code_version,
        "elapsed_seconds": saved.elapsed_seconds,
        **simulations.request_of(saved),
    }


@router.post("", response_model=ComparisonRead, status_code=status.HTTP_201_CREATED)
def simulation_run(
    body: simulations.ComparisonRequest, session: DbSession, actor: CurrentActor, policy: Rules
) -> ComparisonRead:
    """Compare 2–5 policies (v9, m20, n10, classb, none) on a city of 1,000–200,000 people over 1–120 days and 1–10
    seeds, the same city and random numbers for each policy under a seed; saved with the code version. The request
    waits for the run (about half a minute at the largest). With `local_campaign`, the county's own area-wide testing
    (when: where_allowed, first_case or always; tests_per_day 1–3; guarded) is proposed under every policy: each
    version's rule reviews it day by day, and the over-reach guard refuses what the rule refuses (measures 6 and 16:
    the result's `refusals` and the figure `campaign_refused`) — or, `guarded: false`, runs it anyway to see what the
    over-reach would cost (`campaign_overreach`). A value outside the limits is refused naming its field (422:
    `local_campaign.when`, `local_campaign.tests_per_day` and the like)."""
    saved = simulations.run_comparison(session, actor, body, policy=policy)
    return _read(saved)


@router.get("", response_model=Page[ComparisonSummary])
def simulation_list(
    session: DbSession, actor: CurrentActor, offset: Offset = 0, limit: Limit = 50
) -> Page[ComparisonSummary]:
    """The saved comparisons, newest first, without their results."""
    rows, total = simulations.list_comparisons(session, actor, offset=offset, limit=limit)
    return Page(items=[ComparisonSummary(**_summary(r)) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/{comparison_id}", response_model=ComparisonRead)
def simulation(comparison_id: StoreId, session: DbSession, actor: CurrentActor) -> ComparisonRead:
    """One saved comparison with its result."""
    saved = simulations.comparison(session, actor, comparison_id)
    return _read(saved)
