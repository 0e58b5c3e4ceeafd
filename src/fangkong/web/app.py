"""The whole service: the REST API with the console beside it, in one process (`fangkong serve`)."""

from __future__ import annotations

from importlib import resources

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from fangkong.api.app import create_app
from fangkong.policy import Policy
from fangkong.services.calendar import Clock, system_clock
from fangkong.web import (
    arrival_pages,
    campaign_pages,
    campus_pages,
    capacity_pages,
    care_pages,
    closure_pages,
    command_pages,
    complaint_pages,  # complaints (issue 21)
    csrf,
    enterprise_pages,  # enterprises and parks (measure 19; issue 21)
    export_pages,
    forms,
    four_earlies_pages,
    infection_pages,
    key_populations_pages,
    list_pages,
    pages,
    person_pages,
    policy_pages,
    retention_pages,
    risk_area_pages,
    sample_pages,
    signals_pages,
    simulation_pages,  # policy comparisons (issue 22)
    supplies_pages,
    trend_pages,
    user_pages,
    vaccination_pages,
    visit_pages,
    warning_alert_pages,
    worklist_pages,
)


def create_console(database_url: str, *, clock: Clock = system_clock, policy: Policy | None = None) -> FastAPI:
    """The API (`/api`, `/docs`) and the console (`/`) over the store at `database_url`."""
    app = create_app(database_url, clock=clock, policy=policy)
    static = resources.files("fangkong.web").joinpath("static")
    app.mount("/console-static", StaticFiles(directory=str(static)), name="console-static")
    app.state.csrf_secret = csrf.app_secret()
    # every console POST checked for its CSRF token and origin, whichever module its route lives in
    checked = [Depends(csrf.checked)]
    app.include_router(pages.router, dependencies=checked)
    app.include_router(worklist_pages.router, dependencies=checked)
    app.include_router(closure_pages.router, dependencies=checked)
    app.include_router(arrival_pages.router, dependencies=checked)
    app.include_router(four_earlies_pages.router, dependencies=checked)
    app.include_router(warning_alert_pages.router, dependencies=checked)
    app.include_router(person_pages.router, dependencies=checked)
    app.include_router(forms.router, dependencies=checked)
    app.include_router(risk_area_pages.router, dependencies=checked)
    app.include_router(campaign_pages.router, dependencies=checked)
    app.include_router(policy_pages.router, dependencies=checked)
    app.include_router(command_pages.router, dependencies=checked)
    app.include_router(infection_pages.router, dependencies=checked)
    app.include_router(trend_pages.router, dependencies=checked)
    app.include_router(list_pages.router, dependencies=checked)
    app.include_router(visit_pages.router, dependencies=checked)
    app.include_router(care_pages.router, dependencies=checked)
    app.include_router(capacity_pages.router, dependencies=checked)
    app.include_router(user_pages.router, dependencies=checked)
    app.include_router(retention_pages.router, dependencies=checked)
    app.include_router(supplies_pages.router, dependencies=checked)
    app.include_router(key_populations_pages.router, dependencies=checked)
    app.include_router(vaccination_pages.router, dependencies=checked)
    app.include_router(signals_pages.router, dependencies=checked)
    # ---- issue 16 A: the infections', contacts' and risk areas' exports ----
    app.include_router(export_pages.router, dependencies=checked)
    app.include_router(sample_pages.router, dependencies=checked)
    app.include_router(enterprise_pages.router, dependencies=checked)  # enterprises and parks (issue 21)
    app.include_router(complaint_pages.router, dependencies=checked)  # complaints (issue 21)
    app.include_router(campus_pages.router, dependencies=checked)  # campuses (issue 21)
    app.include_router(simulation_pages.router, dependencies=checked)  # policy comparisons (issue 22)
    pages.install(app)
    return app
