"""The web UI on the API's application: the static files (htmx, ECharts, the style sheet) and the pages."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tierwise.web.routes import lobby

PAGE_ROUTERS = (lobby.router,)


def install_web(app: FastAPI) -> None:
    """Serve the pages and their static files from ``app`` (ECharts is the reports' own copy)."""
    static = resources.files("tierwise.web").joinpath("static")
    echarts = resources.files("tierwise.reports").joinpath("static", "echarts")
    app.mount("/static/echarts", StaticFiles(directory=str(echarts)), name="echarts")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in PAGE_ROUTERS:
        app.include_router(router, include_in_schema=False)
