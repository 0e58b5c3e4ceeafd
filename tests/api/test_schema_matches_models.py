"""The migrations build the schema the models declare: Alembic's autogenerate comparison of a store upgraded to
head against the models finds nothing to do (no table, column, index, unique or foreign key on one side only),
on SQLite and on PostgreSQL. A model changed without its migration — or a migration without its model — fails
here, not on a server."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fangkong.services.store import Base, make_engine, upgrade
from tests.api.conftest import db_url  # noqa: F401  (SQLite, and PostgreSQL when there is one)


def test_upgraded_store_equals_the_models(db_url: str) -> None:  # noqa: F811
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
