"""The job queue of a :class:`~tierwise.config.Settings`: huey on its SQLite storage (the embedded default, a
file beside a SQLite store) or on Redis (``TIERWISE_REDIS_URL``).

Beside the queue itself, huey's key-value storage is the job's live channel: the worker puts the job's
progress there and the API reads it, and a cancel request waits there for the worker to see it. It is
not the store on purpose: a SQLite store is locked by the job's own write transaction while it runs.

>>> from tierwise.config import Settings
>>> queue_file(Settings(database_url="sqlite:////srv/tierwise/store.db")).as_posix()
'/srv/tierwise/store.jobs.db'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from sqlalchemy.engine import make_url

from tierwise.config import Settings

TASK_NAME = "tierwise.job"
DEFAULT_FILE = "tierwise-jobs.db"


def queue_file(settings: Settings) -> Path:
    """The SQLite file of the queue: ``TIERWISE_JOBS_FILE``, else beside a SQLite store (``store.jobs.db``),
    else ``tierwise-jobs.db`` in the working folder."""
    if settings.jobs_file is not None:
        return settings.jobs_file
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        store = Path(url.database)
        return store.with_name(store.stem + ".jobs.db")
    return Path(DEFAULT_FILE)


class JobQueue:
    """Where jobs wait for a worker, by id, and their live progress and cancel requests.

    ``on_run(job_id)`` is what a worker calls for each job it takes (the service that runs jobs).
    """

    def __init__(self, huey: Huey, on_run: Any = None) -> None:
        self.huey = huey
        self._on_run = on_run
        self._task = huey.task(name=TASK_NAME)(self._run)

    def bind(self, on_run: Any) -> JobQueue:
        """Set what running a job means (a worker binds the service that runs jobs); returns the queue."""
        self._on_run = on_run
        return self

    def _run(self, job_id: str) -> None:
        if self._on_run is None:
            raise RuntimeError("this job queue has no job runner bound (a worker binds one)")
        self._on_run(job_id)

    def enqueue(self, job_id: str) -> None:
        """Put job ``job_id`` on the queue (its huey task id is the job id)."""
        self.huey.enqueue(self._task.s(job_id, id=job_id))

    def revoke(self, job_id: str) -> None:
        """Make a worker skip job ``job_id`` if it has not started it."""
        self.huey.revoke_by_id(job_id, revoke_once=True)

    def put_progress(self, job_id: str, progress: dict[str, Any]) -> None:
        """Record how far job ``job_id`` is (``stage``, ``rows_done``, ``rows_total``)."""
        self.huey.put(_key("progress", job_id), progress)

    def progress(self, job_id: str) -> dict[str, Any] | None:
        """The last progress job ``job_id`` recorded, if any."""
        return self.huey.get(_key("progress", job_id), peek=True)

    def request_cancel(self, job_id: str, by: str) -> None:
        """Ask the worker running ``job_id`` to stop it (it stops at its next progress report); ``by``: who."""
        self.huey.put(_key("cancel", job_id), by)

    def cancel_requested(self, job_id: str) -> str | None:
        """Who asked to stop ``job_id``, if anyone."""
        return self.huey.get(_key("cancel", job_id), peek=True)

    def forget(self, job_id: str) -> None:
        """Drop the live channel of a finished job."""
        for kind in ("progress", "cancel"):
            self.huey.delete(_key(kind, job_id))


def _key(kind: str, job_id: str) -> str:
    return f"{kind}:{job_id}"


def job_queue(settings: Settings) -> JobQueue:
    """The queue ``settings`` name: Redis at ``redis_url`` when set, else the SQLite file :func:`queue_file`."""
    name = settings.jobs_queue
    # results stay off: the outcome of a job is its record in the store
    if settings.redis_url:
        return JobQueue(RedisHuey(name, url=settings.redis_url, results=False))
    path = queue_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return JobQueue(SqliteHuey(name, filename=str(path), results=False))
