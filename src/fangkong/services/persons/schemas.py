"""Person I/O: what a caller sends and what they get back (identifiers masked unless permitted)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fangkong.bounds import Count

DocumentType = Literal["resident_id", "passport", "other"]


class PersonBase(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 -]{4,30}$")
    address: str = Field(min_length=1, max_length=400)
    building: str | None = Field(default=None, max_length=100)
    unit: str | None = Field(default=None, max_length=50)
    jurisdiction_code: str


class PersonCreate(PersonBase):
    document_type: DocumentType
    document_number: str = Field(min_length=3, max_length=64)
    birth_date: date | None = None
    sex: Literal["male", "female"] | None = None


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    row_version: Count = Field(description="the version read; a stale one is a conflict, not a lost update")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 -]{4,30}$")
    address: str | None = Field(default=None, min_length=1, max_length=400)
    building: str | None = None
    unit: str | None = None
    jurisdiction_code: str | None = None

    @field_validator("address", "jurisdiction_code")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        # optional to send, but a person always has an address and a jurisdiction
        if value is None:
            raise ValueError("may be left out, not set to null")
        return value


class PersonRead(BaseModel):
    id: int
    name: str
    document_type: DocumentType
    document_number: str
    phone: str | None
    birth_date: date | None
    sex: str | None
    address: str
    building: str | None
    unit: str | None
    jurisdiction_code: str
    created_at: datetime
    row_version: int
    masked: bool


def mask_document(number: str) -> str:
    """Keep the first 6 (the division code) and last 4 characters: enough to tell records apart on a list."""
    return number if len(number) <= 10 else number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    if phone is None:
        return None
    digits = phone.replace(" ", "").replace("-", "")
    return digits if len(digits) <= 7 else digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
