"""The FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from fangkong import __version__
from fangkong.api import (
    errors,
    raw_files,
    routes_areas,
    routes_arrivals,
    routes_auth,
    routes_campuses,
    routes_capacity,
    routes_care,
    routes_check,
    routes_closure,
    routes_complaints,  # ---- complaints (issue 21) ----
    routes_enterprises,  # enterprises and parks (measure 19; issue 21)
    routes_four_earlies,
    routes_infections,
    routes_key_populations,
    routes_lab,
    routes_measures,
    routes_orders,
    routes_overreach,
    routes_person_rights,
    routes_persons,
    routes_signals,
    routes_simulations,  # saved policy comparisons (issue 22)
    routes_sites,
    routes_supplies,
    routes_users,
    routes_vaccination,
    routes_visits,
    routes_warning_alerts,
    security_headers,
)
from fangkong.api.body_limit import BodyLimit
from fangkong.api.errors import calls
from fangkong.api.event_clock import EventClock
from fangkong.api.request_log import RequestLog
from fangkong.api.staff_reads import StaffReadFastPath
from fangkong.policy import Policy, load_policy
from fangkong.services.audited_reads.group_commit import GroupCommit, durable_engine
from fangkong.services.calendar import Clock, local_day, system_clock
from fangkong.services.health_codes.check import code_store
from fangkong.services.health_codes.follow import following
from fangkong.services.store import make_engine
from fangkong.services.users.throttle import LoginThrottle, login_limits


def create_app(database_url: str, *, clock: Clock = system_clock, policy: Policy | None = None) -> FastAPI:
    """An app over the store at `database_url` (already migrated). `clock` fixes "now" for tests and drills;
    `policy` is the rule set every request is decided by (the national one unless a draft or an overlay is given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.code_store.aclose()  # the venue check's own connection
        if app.state.audited_reads is not None:
            app.state.audited_reads.close()  # the staff reads' batches: what waits is settled first

    app = FastAPI(
        lifespan=lifespan,
        # OpenTelemetry is not configured here; left on, FastAPI looks for it in the environment on every
        # request (~8 µs, a sixth of a venue check's whole cost)
        telemetry={"tracing": False, "metrics": False, "logs": False},
        title="fangkong",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        description="The 20 measures of 11 Nov 2022 as a system of record: people, orders, work lists.",
    )
    engine = make_engine(database_url)
    app.state.engine = engine
    app.state.clock = clock
    # API tokens are issued and expire on the real time, a drill's or not (a test replaces it)
    app.state.wall_clock = system_clock
    # failed logins per account and per address, one count for the API's and the console's login, kept in the store
    # so that every worker process of the server shares it
    app.state.login_throttle = LoginThrottle(login_limits(), engine=engine)
    app.state.policy = policy if policy is not None else load_policy()
    # every commit refreshes the codes its changes touch, for the day of the app's clock (a drill's too)
    app.state.sessions = following(engine, today=lambda: local_day(app.state.clock()), policy=app.state.policy)
    app.state.code_store = code_store(database_url)  # the venue check reads the store without the ORM
    # the staff's reads of one person, settled in group commits by a thread with an engine of its own (an
    # in-memory SQLite store has no second connection: its reads take the routes)
    in_memory = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    app.state.audited_reads = (
        None
        if in_memory
        else GroupCommit(durable_engine(database_url), clock, wall_clock=lambda: app.state.wall_clock())
    )
    errors.install(app)
    # inside the request log (a staff read is logged with its account), before the router (staff_reads explains)
    app.add_middleware(StaffReadFastPath)
    if clock is not system_clock:  # a drill or a test: what is stored is dated on its day (event_clock explains)
        app.add_middleware(EventClock, clock=clock)
    app.add_middleware(RequestLog)  # inside the venue check's fast path: checks are not logged
    # the venue check, answered before FastAPI's router at a city's scan rate (routes_check explains)
    app.add_middleware(routes_check.CheckFastPath)
    security_headers.install(app)  # around everything, errors included
    uploads: set[str] = set()  # the routes that take a file (the raw body): the larger body limit
    for router in (
        routes_auth.router,
        routes_persons.router,
        routes_orders.router,
        routes_sites.router,
        routes_lab.router,
        routes_infections.router,
        routes_areas.router,
        routes_check.router,
        routes_overreach.router,
        routes_measures.router,
        routes_visits.router,
        routes_care.router,
        routes_capacity.router,
        routes_supplies.router,
        routes_key_populations.router,
        routes_closure.router,
        routes_users.router,
        routes_person_rights.router,
        routes_vaccination.router,
        routes_arrivals.router,
        routes_four_earlies.router,
        routes_warning_alerts.router,
        routes_signals.router,
        routes_enterprises.router,  # enterprises and parks (measure 19; issue 21)
        # ---- complaints (issue 21) ----
        routes_complaints.router,
        routes_campuses.router,  # campuses (issue 21)
        routes_simulations.router,  # saved policy comparisons (issue 22)
    ):
        errors.at_the_edges(router)  # every status in the OpenAPI, unknown query parameters refused (issue 17)
        app.include_router(router)
        uploads |= {r.path for r in router.routes if isinstance(r, APIRoute) and raw_files.FILE_BODIES & calls(r)}

    # outermost: a body over the limit is refused before anything reads it; the routes that take a file get more
    app.add_middleware(BodyLimit, uploads=frozenset(uploads))

    static = resources.files("fangkong.api").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        # Swagger UI from the vendored swagger-ui-dist (no CDN on the machines this runs on); its inline start-up
        # script allowed by its hash (security_headers explains)
        return security_headers.hashed_inline_scripts(
            get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="fangkong API",
                swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                swagger_css_url="/static/swagger/swagger-ui.css",
                swagger_favicon_url="/static/swagger/favicon-32x32.png",
            )
        )

    @app.get("/api/health", tags=["meta"], responses=errors.responses(500))
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
