"""Early-warning signals (measure 15, m20.15: 多渠道监测预警; issue 20): the daily counts per jurisdiction and channel,
one channel's series with every day, the import of the channels' files and the re-derivation of positivity from the
lab results in the store. Counts, no person named."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from fangkong.api.deps import CurrentActor, DbSession, Today
from fangkong.api.pages import Limit, Offset, Page
from fangkong.api.raw_files import FILE_BODY, ContentType, Filename, RawBody
from fangkong.bounds import Day
from fangkong.services.file_imports.batches import ImportSummary
from fangkong.services.file_imports.rows import format_of
from fangkong.services.signals import service as signals
from fangkong.services.signals.imports import import_signals

router = APIRouter(prefix="/api/signals", tags=["signals"])

Place = Annotated[str | None, Query(alias="jurisdiction", description="a jurisdiction inside your scope (its subtree)")]
From = Annotated[Day | None, Query(alias="from", description="the first day")]
To = Annotated[Day | None, Query(alias="to", description="the last day")]


class SignalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    jurisdiction_code: str
    channel: str
    day: date
    count: int
    tests: int | None
    source: str
    import_id: int | None


class SeriesRead(BaseModel):
    """One channel's series in a jurisdiction's subtree: a count per day from `from` to `to` (summed over the
    subtree), null where nothing was counted — a gap, not a zero. `tests`: positivity's denominators."""

    model_config = ConfigDict(populate_by_name=True)

    jurisdiction_code: str
    channel: str
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")
    days: list[date]
    counts: list[int | None]
    tests: list[int | None]


class DeriveIn(BaseModel):
    """The days to re-derive (measure 15): `from`..`to`, neither in the future."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date_from: Day = Field(alias="from")
    date_to: Day = Field(alias="to")
    channel: str = Field(
        default="nucleic_acid_positivity",
        description="nucleic_acid_positivity (from the lab results) or interprovincial_arrivals (from the arrivals)",
    )


@router.get("", response_model=Page[SignalRead])
def signal_list(
    session: DbSession,
    actor: CurrentActor,
    jurisdiction_code: Place = None,
    channel: Annotated[str | None, Query(description="one channel (policy.terms.SignalChannel)")] = None,
    date_from: From = None,
    date_to: To = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[SignalRead]:
    """The daily counts in a jurisdiction's subtree (yours by default), of one channel or all, between two days,
    newest first (measure 15)."""
    rows, total = signals.list_signals(
        session,
        actor,
        jurisdiction_code=jurisdiction_code,
        channel=channel,
        start=date_from,
        end=date_to,
        offset=offset,
        limit=limit,
    )
    return Page(items=[SignalRead.model_validate(r) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/series", response_model=SeriesRead, response_model_by_alias=True)
def signal_series(
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    channel: Annotated[str, Query(description="the channel (policy.terms.SignalChannel)")],
    jurisdiction_code: Place = None,
    date_from: From = None,
    date_to: To = None,
) -> SeriesRead:
    """One channel's series with every day from `from` (four weeks before `to` when left out) to `to` (today): the
    subtree's counts summed per day, null on a day with none (measure 15)."""
    s = signals.series(
        session, actor, jurisdiction_code=jurisdiction_code, channel=channel, start=date_from, end=date_to, today=today
    )
    return SeriesRead(
        jurisdiction_code=s.jurisdiction_code,
        channel=s.channel.value,
        date_from=s.days[0],
        date_to=s.days[-1],
        days=s.days,
        counts=s.counts,
        tests=s.tests,
    )


@router.post("/import", response_model=ImportSummary, openapi_extra=FILE_BODY)
def signal_import(
    body: RawBody,
    session: DbSession,
    actor: CurrentActor,
    today: Today,
    filename: Filename = None,
    content_type: ContentType = None,
) -> ImportSummary:
    """Daily counts from the channels (measure 15): `jurisdiction, channel, date, count` and, for positivity,
    `tests`. All rows or none (a bad row is named with its field); the same file twice changes nothing — as
    `fangkong signals import`."""
    return import_signals(session, actor, body, format_of(filename, content_type), today=today, filename=filename)


@router.post("/derive", response_model=signals.DeriveSummary)
def signal_derive(body: DeriveIn, session: DbSession, actor: CurrentActor, today: Today) -> signals.DeriveSummary:
    """Re-derive a channel fangkong has the data for, per jurisdiction and day, for your subtree and the days asked
    (measure 15): nucleic-acid positivity from the lab results (by sampling day), or the arrivals from other
    provinces from the landing-check register. The derived counts of those days are replaced, imported ones kept —
    as `fangkong signals derive`."""
    return signals.derive(session, actor, body.channel, start=body.date_from, end=body.date_to, today=today)
