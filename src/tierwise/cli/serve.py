"""Commands: serve — the REST API with uvicorn (``/api/v1``, OpenAPI at ``/api/openapi.json``)."""

from __future__ import annotations

import os

import typer

from tierwise.cli.application import app
from tierwise.config import Settings
from tierwise.security.pii import development_key, keyring_from_settings
from tierwise.services.store_access import prepare_store


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log one line per request."),
) -> None:
    """Serve the API; docs at /api/docs. Needs TIERWISE_SECRET_KEY (or TIERWISE_DEV=1 on a development machine).

    Example: tierwise serve --port 8000 --workers 2
    """
    import uvicorn  # the server is only needed here: other commands start without it

    settings = Settings()
    keyring_from_settings(settings)  # refuse to start without a key, before any port is opened
    prepare_store(settings)  # a new store gets its tables; an old one is refused with the upgrade command
    shared_key = development_key(settings)
    if shared_key is not None:
        os.environ["TIERWISE_SECRET_KEY"] = shared_key  # the workers read their settings from the environment
    uvicorn.run(
        "tierwise.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
    )
