"""Pagination shared by every list."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from fangkong.bounds import INT_MAX

T = TypeVar("T")

Offset = Annotated[int, Query(ge=0, le=INT_MAX, description="items to skip")]
Limit = Annotated[int, Query(ge=1, le=500, description="items per page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int
