"""Order I/O."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fangkong.bounds import Count, Day, StoreId


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: StoreId
    category: str
    anchor_date: Day | None = Field(default=None, description="the anchor fact's date; day 1 follows the policy")
    start: Day | None = Field(default=None, description="or day 1 of management directly")
    reason: str | None = None


class OrderChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: Count
    on: Day
    reason: str = Field(min_length=3)


class EligibilityFailure(OrderChange):
    failed_checks: list[str] = Field(min_length=1, description="the home-isolation conditions not met")


class HandOver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: Count
    to_jurisdiction_code: str
    reason: str = Field(min_length=3)


class OrderRead(BaseModel):
    id: int
    person_id: int
    category: str
    anchor_kind: str | None
    anchor_date: date | None
    start: date
    released_on: date
    status: str
    status_reason: str | None
    policy_version: str
    policy_date: date
    plan: dict[str, Any]
    jurisdiction_code: str
    placed_by: str
    created_at: datetime
    row_version: int
