"""The load generator of the API benchmarks, run as a process of its own: fixed HTTP/1.1 requests over keep-alive
connections, each one timed from its first byte sent to the last byte of its answer.

``python -m bench.http_load PORT CONCURRENCY IN OUT`` reads the requests (a pickled list of bytes, each a whole
request with a ``Content-Length`` body) from ``IN``, sends each exactly once over ``CONCURRENCY`` connections to
127.0.0.1:PORT, and pickles to ``OUT`` a dict: ``took`` (ns per request, request order), ``answers`` (status and
body per request, ``None`` for a failed or timed-out one), ``cpu`` (its own CPU seconds while sending) and ``wall``.

It runs on uvloop with a bare :class:`asyncio.Protocol` per connection (no stream reader, no HTTP library),
in a process apart from the benchmark that starts servers and checks answers: on a machine whose cores the
server shares with it, the generator must cost a small part of what it measures, and nothing else may run
in its event loop.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
import time

import uvloop

HOST = "127.0.0.1"
TIMEOUT = 10.0  # seconds for one answer; a slower one counts as failed

Answer = tuple[int, bytes]


class _Client(asyncio.Protocol):
    """One keep-alive connection: one request in flight at a time, its answer parsed by Content-Length."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[Answer] | None = None
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        length = next(int(line.split(":", 1)[1]) for line in head[1:] if line[:15].lower() == "content-length:")
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        self.waiter.set_result((int(head[0].split(" ", 2)[1]), body))

    async def send(self, request: bytes) -> Answer:
        """Send one request and wait for its answer."""
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await asyncio.wait_for(self.waiter, TIMEOUT)


async def _connect(port: int) -> _Client:
    _, client = await asyncio.get_running_loop().create_connection(_Client, HOST, port)
    return client


async def load(port: int, requests: list[bytes], concurrency: int) -> tuple[list[int], list[Answer | None]]:
    """Send every request once over ``concurrency`` connections: each one's latency (ns) and answer."""
    took = [0] * len(requests)
    answers: list[Answer | None] = [None] * len(requests)
    next_index = iter(range(len(requests)))
    clock = time.perf_counter_ns

    async def connection() -> None:
        client = await _connect(port)
        try:
            for i in next_index:
                start = clock()
                try:
                    answers[i] = await client.send(requests[i])
                except (OSError, ConnectionError, TimeoutError, ValueError, StopIteration):
                    if client.transport is not None:
                        client.transport.close()
                    client = await _connect(port)
                took[i] = clock() - start
        finally:
            if client.transport is not None:
                client.transport.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return took, answers


def _cli() -> None:
    port, concurrency, source, target = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(source, "rb") as f:
        requests = pickle.load(f)
    cpu, wall = time.process_time(), time.perf_counter()
    took, answers = uvloop.run(load(port, requests, concurrency))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    with open(target, "wb") as f:
        pickle.dump({"took": took, "answers": answers, "cpu": cpu, "wall": wall}, f)


if __name__ == "__main__":
    _cli()
