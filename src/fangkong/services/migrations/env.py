"""Alembic environment: runs the migrations on the URL fangkong gives it."""

from __future__ import annotations

from alembic import context

from fangkong.services import tables  # noqa: F401  (registers every table on Base.metadata)
from fangkong.services.store import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url is not None
connectable = make_engine(url)

with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
