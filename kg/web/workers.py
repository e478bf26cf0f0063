"""Query worker processes: every query of ``kg serve`` runs in one, with a time limit that ends it.

A pyoxigraph query cannot be interrupted from another thread, so a thread pool could stop
waiting for a runaway query but never stop its work. Each worker here is a process holding its
own read-only ``Session`` (opened once, following the store's generations). The server sends a
job, awaits the reply without blocking its event loop, and when the time limit passes it kills
the worker (the query's work ends with it) and starts a fresh one. A slow query holds one
worker; the others keep answering, so it never delays a cheap query unless every worker is busy.
A query still running after two seconds runs on at a lower CPU priority (niceness + 10), so on a
loaded machine the cheap queries get the processor first; that worker is replaced afterwards.

Jobs and replies are plain picklable values. A reply is ``("ok", generation, payload)`` or
``("error", status, message)`` with an HTTP status for the client's mistake (400, 403, 404, 406,
422).
"""

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from kg.web.settings import ServeSettings

# forkserver: workers start from a clean process with the library already imported (fast), never
# from a fork of the server's threads and event loop
_CONTEXT: BaseContext = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["kg.web.jobs"])


class QueryTimedOut(RuntimeError):
    """The query outlasted the time limit; its worker was killed."""


class JobFailed(RuntimeError):
    """The job was refused or failed for a reason the client can act on; carries an HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


SLOW_AFTER = 2.0  # seconds after which a running query yields the CPU to newer, cheaper ones
SLOW_NICE = 10  # added to the worker's niceness (at most 19)


@dataclass(eq=False)
class _Worker:
    process: Any
    connection: multiprocessing.connection.Connection
    lowered: bool = False


def _lower_priority(worker: _Worker) -> None:
    """Give a long-running query's worker a lower CPU priority, so cheap queries are not slowed."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, worker.process.pid)
        os.setpriority(os.PRIO_PROCESS, worker.process.pid, min(19, current + SLOW_NICE))
        worker.lowered = True
    except (OSError, TypeError):
        pass


def _start_worker(store_dir: Path, settings: ServeSettings) -> _Worker:
    from kg.web.jobs import worker_main

    parent_end, child_end = _CONTEXT.Pipe()
    process = _CONTEXT.Process(target=worker_main, args=(child_end, store_dir, settings),
                               name="paritykg-query-worker", daemon=True)
    process.start()
    child_end.close()
    return _Worker(process, parent_end)


def _stop(worker: _Worker) -> None:
    """Kill a worker (its query too) and reap it."""
    try:
        os.kill(worker.process.pid, signal.SIGKILL)
    except (ProcessLookupError, TypeError):
        pass
    worker.process.join(5)
    worker.connection.close()


class WorkerPool:
    """A fixed number of query worker processes shared by every request of the server."""

    def __init__(self, store_dir: Path, settings: ServeSettings):
        self.store_dir = store_dir
        self.settings = settings
        self._idle: list[_Worker] = []
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()  # replacements under way (kept referenced)
        self.killed = 0  # workers killed for outlasting the time limit (for tests and the log)

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the longest waiting request, else keep it idle."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self, limit: float) -> _Worker:
        """A free worker, waiting at most ``limit`` seconds (TimeoutError); no worker is ever lost."""
        if self._idle:
            return self._idle.pop()
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait({waiter}, timeout=limit)
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            waiter.cancel()
            raise
        if waiter.done():
            return waiter.result()
        waiter.cancel()
        raise TimeoutError

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(self) -> None:
        """Start every worker (in threads: starting a process blocks)."""
        workers = await asyncio.gather(*(asyncio.to_thread(_start_worker, self.store_dir, self.settings)
                                         for _ in range(self.settings.workers)))
        for worker in workers:
            self._all.add(worker)
            self._release(worker)

    async def close(self) -> None:
        """Stop every worker."""
        for worker in list(self._all):
            await asyncio.to_thread(_stop, worker)
        self._all.clear()

    async def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        await asyncio.to_thread(_stop, worker)
        fresh = await asyncio.to_thread(_start_worker, self.store_dir, self.settings)
        self._all.add(fresh)
        self._release(fresh)

    async def run(self, job: tuple, timeout: float | None = None) -> tuple[str, Any]:
        """Run ``job`` in a free worker; returns (generation, payload) of an ``ok`` reply.

        The time limit counts from the call (waiting for a free worker included). Raises
        ``QueryTimedOut`` (the worker is killed and replaced) or ``JobFailed``.
        """
        limit = timeout or self.settings.query_timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        try:
            worker = await self._acquire(limit)
        except TimeoutError:
            raise QueryTimedOut(self._timeout_message(limit, busy=True)) from None
        lowered = loop.call_later(SLOW_AFTER, _lower_priority, worker)
        try:
            worker.connection.send(job)
            reply = await self._receive(worker, deadline - loop.time())
        except TimeoutError:
            self.killed += 1
            self._in_background(self._replace(worker))
            raise QueryTimedOut(self._timeout_message(limit, busy=False)) from None
        except (EOFError, OSError, asyncio.CancelledError) as exc:
            # the worker died, or the request was cancelled while its query ran: start afresh
            self._in_background(self._replace(worker))
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise JobFailed(500, "the query worker stopped unexpectedly; try again") from None
        finally:
            lowered.cancel()
        if worker.lowered:  # a niced process cannot be raised again: start a fresh one instead
            self._in_background(self._replace(worker))
        else:
            self._release(worker)
        if reply[0] == "error":
            raise JobFailed(reply[1], reply[2])
        return reply[1], reply[2]

    @staticmethod
    def _timeout_message(limit: float, busy: bool) -> str:
        if busy:
            return (f"every query worker stayed busy for the whole time limit of {limit:g} s; "
                    "try again later")
        return f"the query took longer than the time limit of {limit:g} s and was stopped; narrow it"

    @staticmethod
    async def _receive(worker: _Worker, remaining: float) -> Any:
        """The worker's reply, awaited without blocking the event loop (TimeoutError past the time)."""
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        descriptor = worker.connection.fileno()
        loop.add_reader(descriptor, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, max(remaining, 0.001))
        finally:
            loop.remove_reader(descriptor)
        return await asyncio.to_thread(worker.connection.recv)
