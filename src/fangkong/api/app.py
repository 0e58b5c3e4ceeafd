"""The FastAPI application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from fangkong import __version__
from fangkong.api import errors, routes_auth, routes_orders, routes_persons
from fangkong.services.store import make_engine, session_factory


def create_app(database_url: str, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """An app over the store at `database_url` (already migrated). `clock` fixes "now" for tests and drills."""
    app = FastAPI(
        title="fangkong",
        version=__version__,
        description="The 20 measures of 11 Nov 2022 as a system of record: people, orders, work lists.",
    )
    engine = make_engine(database_url)
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.clock = clock
    errors.install(app)
    app.include_router(routes_auth.router)
    app.include_router(routes_persons.router)
    app.include_router(routes_orders.router)

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
