"""The web UI on the API's application: the static files (htmx, ECharts, the style sheet) and the pages."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from tierwise.web import errors
from tierwise.web.routes import (
    admin_audit,
    admin_users,
    analyses,
    briefs,
    customers,
    dashboard,
    exports,
    identity,
    imports,
    key_accounts,
    lobby,
    login,
    plan,
    policies,
    policy_edits,
    prospects,
    reveal,
    run_progress,
    runs,
    settings,
)

PAGE_ROUTERS: tuple[APIRouter, ...] = (login.router, dashboard.router, customers.router, lobby.router, plan.router)
PAGE_ROUTERS += (policies.router, policy_edits.router, run_progress.router, runs.router, imports.router)
PAGE_ROUTERS += (settings.router, admin_users.router, admin_audit.router, identity.router, reveal.router)
PAGE_ROUTERS += (exports.router,)
PAGE_ROUTERS += (key_accounts.router, briefs.router, analyses.router, prospects.router)


def install_web(app: FastAPI) -> None:
    """Serve the pages and their static files from ``app`` (ECharts and its drawing script are the reports')."""
    static = resources.files("tierwise.web").joinpath("static")
    reports = resources.files("tierwise.reports").joinpath("static")
    app.mount("/static/echarts", StaticFiles(directory=str(reports.joinpath("echarts"))), name="echarts")
    app.mount("/static/report", StaticFiles(directory=str(reports)), name="report")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in PAGE_ROUTERS:
        app.include_router(router, include_in_schema=False)
    errors.install(app)
