"""The migrations build the schema the models declare: Alembic's autogenerate comparison of a store upgraded to
head against the models finds nothing to do (no table, column, index, unique or foreign key on one side only),
on SQLite and on PostgreSQL. A model changed without its migration — or a migration without its model — fails
here, not on a server. The store is a new, empty one migrated by this test (not a copy of the tests' template)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from fangkong.services.store import Base, make_engine, upgrade
from tests.stores import BACKENDS, empty_store


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with empty_store(request.param, tmp_path) as url:
        yield url


def test_upgraded_store_equals_the_models(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []  # nothing there before the migrations
        upgrade(empty_db_url)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
