"""Isolation-site I/O."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from fangkong.bounds import Day, StoreId


class SiteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=400)
    jurisdiction_code: str
    rooms: list[str] = Field(min_length=1, max_length=5000, description="room numbers")


class SiteRead(BaseModel):
    id: int
    name: str
    address: str
    jurisdiction_code: str
    rooms: int


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: StoreId
    on: Day
    room_number: str | None = Field(default=None, description="a free room; default: the first free one")


class AssignmentRead(BaseModel):
    id: int
    site_id: int
    room_number: str
    order_id: int
    from_date: date
    until: date = Field(description="last night in the room under the current plan")


class OccupancyDay(BaseModel):
    on: date
    occupied: int
    free: int
    arriving: int
    leaving: int


class Occupancy(BaseModel):
    site_id: int
    rooms: int
    days: list[OccupancyDay]
