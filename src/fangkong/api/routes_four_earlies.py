"""The four earlies report (issue 20; measure 15, m20.15): early detection, reporting, isolation and treatment per
jurisdiction and week, the share within each deadline, and the late ones listed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from fangkong.api.deps import CurrentActor, DbSession, Now, Rules
from fangkong.bounds import Day
from fangkong.services.four_earlies import FourEarliesReport, four_earlies_report

router = APIRouter(prefix="/api", tags=["early warning"])


@router.get("/four-earlies", response_model=FourEarliesReport)
def report(
    session: DbSession,
    actor: CurrentActor,
    now: Now,
    policy: Rules,
    date_from: Annotated[Day, Query(alias="from", description="infections confirmed on or after (local day)")],
    date_to: Annotated[Day, Query(alias="to", description="and on or before")],
    jurisdiction_code: Annotated[str | None, Query(description="a jurisdiction inside your scope")] = None,
) -> FourEarliesReport:
    """Per jurisdiction one level below yours (a county by street) and per week: for each of the four earlies the
    infections measured, done, late and pending, the median and 90th percentile, and the share on time; the late
    ones listed with their persons (the read is audited)."""
    return four_earlies_report(
        session,
        actor,
        date_from=date_from,
        date_to=date_to,
        now=now,
        policy=policy,
        jurisdiction_code=jurisdiction_code,
    )
