"""The `fangkong` command."""

from __future__ import annotations

import typer

from fangkong.cli import (
    areas,
    arrivals,
    backup,
    bulk,
    campuses,
    cases,
    closure,
    complaints,  # complaints (issue 21)
    enterprises,
    key_populations,
    lab,
    plan,
    policy,
    resources,
    retention,
    signals,
    sim,
    store,
    supplies,
    vaccination,
    warning,
)
from fangkong.services import logs

app = typer.Typer(
    name="fangkong",
    help="fangkong (防控): the 20 measures of 11 Nov 2022 as versioned, cited, executable policy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _logs() -> None:
    """Every command writes its log lines (JSON, no personal data) to standard error."""
    logs.configure()


app.add_typer(cases.app, name="cases")
app.add_typer(policy.app, name="policy")
app.command("plan")(plan.plan)
app.command("serve")(store.serve)
app.add_typer(store.db_app, name="db")
store.db_app.command("backup")(backup.db_backup)
store.db_app.command("restore")(backup.db_restore)
app.add_typer(retention.retention_app, name="retention")
app.add_typer(retention.persons_app, name="persons")
app.add_typer(store.users_app, name="users")
app.add_typer(store.demo_app, name="demo")
app.add_typer(lab.lab_app, name="lab")
app.add_typer(lab.tracing_app, name="tracing")
app.add_typer(areas.areas_app, name="areas")
app.add_typer(areas.codes_app, name="codes")
app.add_typer(areas.overlay_app, name="overlay")
app.add_typer(bulk.bulk_app, name="bulk")
app.add_typer(resources.resources_app, name="resources")
app.add_typer(supplies.supplies_app, name="supplies")
app.add_typer(vaccination.vaccination_app, name="vaccination")
app.add_typer(signals.signals_app, name="signals")
app.add_typer(key_populations.keypop_app, name="keypop")
app.add_typer(closure.needs_app, name="needs")
app.add_typer(arrivals.arrivals_app, name="arrivals")
app.add_typer(warning.warning_app, name="warning")
# enterprises and parks (measure 19; issue 21)
app.add_typer(enterprises.enterprises_app, name="enterprises")
app.add_typer(complaints.complaints_app, name="complaints")  # complaints (issue 21)
app.add_typer(campuses.campuses_app, name="campuses")  # campuses (issue 21)
# sim (issue 22)
app.add_typer(sim.sim_app, name="sim")


if __name__ == "__main__":
    app()
