"""The FastAPI application: ``create_app(settings)``; OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``,
every route under ``/api/v1``.

Building the app checks the personal-data keyring first, so a server without ``TIERWISE_SECRET_KEY``
refuses to start (unless ``TIERWISE_DEV=1``). The store's connection pool is made once, here, and closed
when the app shuts down; no connection is opened until a request needs one. When it starts, the jobs a
killed worker of this host left running are marked failed (in a thread: the server answers meanwhile), and the
objects start-up made are frozen out of the garbage collector's generations.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from tierwise import __version__
from tierwise.api import problems
from tierwise.api.routes import (
    analyses,
    audit,
    auth,
    customers,
    exports,
    health,
    identity,
    imports,
    jobs,
    key_accounts,
    me,
    plan,
    policies,
    prospects,
    records,
    reveal,
    roles,
    run_jobs,
    runs,
    triage,
    users,
)
from tierwise.config import Settings
from tierwise.services.sealed_data import keyring_of
from tierwise.services.store_access import open_store
from tierwise.services.workers import recover_jobs
from tierwise.triage import load_triage_policy, shipped_triage_policies
from tierwise.web.app import install_web

API_PREFIX = "/api/v1"
# the lobby's triage route is matched first: it is the hot path, and routes are tried in order
ROUTERS: tuple[APIRouter, ...] = (triage.router, health.router, auth.router, me.router, users.router, audit.router)
ROUTERS += (customers.router, policies.router, runs.router, records.router, plan.router)
ROUTERS += (run_jobs.router, imports.router, jobs.router, reveal.router, identity.router, exports.router)
ROUTERS += (key_accounts.router, prospects.router, analyses.router, roles.router)


def create_app(settings: Settings) -> FastAPI:
    """The API application for ``settings`` (raises :class:`~tierwise.errors.ConfigurationError` without a key)."""
    keyring = keyring_of(settings)
    store = open_store(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # jobs a killed worker of this host left running are marked failed beside the start-up, not before it
        recovery = threading.Thread(target=recover_jobs, args=(settings,), name="recover-jobs", daemon=True)
        recovery.start()
        _app.state.job_recovery = recovery
        # what start-up built lives as long as the server: out of the collector's way, so that collections
        # under load walk only what requests make (they paused a request for milliseconds before)
        gc.collect()
        gc.freeze()
        yield
        store.close()

    app = FastAPI(
        title="tierwise",
        version=__version__,
        description="Which customers matter most, why, and what to do about each of them.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.keyring = keyring
    # policies are read once: a request only decides
    app.state.triage_policies = {name: load_triage_policy(name) for name in shipped_triage_policies()}
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    install_web(app)
    return app


def app_from_environment() -> FastAPI:
    """The app built from ``TIERWISE_*`` environment variables: what ``tierwise serve``'s workers run."""
    return create_app(Settings())
