"""Background jobs on huey: the queue the settings name (a SQLite file, or Redis when ``TIERWISE_REDIS_URL``
is set), the one task that runs a job through the services, and the worker that consumes the queue.

The queue carries only job ids; the job records are in the store (``services/jobs.py``).
"""

from tierwise.jobs.queue import JobQueue, job_queue, queue_file

__all__ = ["JobQueue", "job_queue", "queue_file"]
