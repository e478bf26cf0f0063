"""Bounds on query work: a time limit and a row cap for every query a user can start.

Defaults: 60 seconds and 200,000 result rows (``--timeout`` / ``--limit`` on ``kg sparql``,
``kg query`` and ``kg claims``). Oxigraph evaluates without holding the GIL, so the query runs
in a worker thread and the caller stops waiting when the time is up; the worker's rows are
materialised in that same thread (pyoxigraph's result iterators must not cross threads).
"""

import contextvars
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

MAX_QUERY_CHARS = 100_000  # length of a query text a user may send
DEFAULT_TIMEOUT = 60.0
DEFAULT_LIMIT = 200_000
MAX_TIMEOUT = 24 * 3600.0
MAX_LIMIT = 100_000_000

T = TypeVar("T")


class QueryBounded(RuntimeError):
    """A query ran into its time limit or row cap."""


@dataclass(frozen=True)
class QueryBudget:
    """How long one query may run (seconds) and how many rows it may return."""

    timeout: float = DEFAULT_TIMEOUT
    limit: int = DEFAULT_LIMIT

    def __post_init__(self) -> None:
        if not (isinstance(self.timeout, int | float) and math.isfinite(self.timeout)
                and 0 < self.timeout <= MAX_TIMEOUT):
            raise ValueError(f"--timeout needs a number of seconds above 0 and at most {MAX_TIMEOUT:.0f}, "
                             f"not {self.timeout!r}")
        if not (isinstance(self.limit, int) and 0 < self.limit <= MAX_LIMIT):
            raise ValueError(f"--limit needs a whole number of rows from 1 to {MAX_LIMIT:,}, "
                             f"not {self.limit!r}")


_budget: contextvars.ContextVar[QueryBudget | None] = contextvars.ContextVar("query_budget", default=None)


def current_budget() -> QueryBudget:
    """The budget in effect for queries started now (the defaults unless a block sets one)."""
    return _budget.get() or QueryBudget()


@contextmanager
def use_budget(budget: QueryBudget) -> Iterator[None]:
    """Run the queries of a block under ``budget``."""
    token = _budget.set(budget)
    try:
        yield
    finally:
        _budget.reset(token)


def run_bounded(work: Callable[[], T], what: str = "the query") -> T:
    """Run ``work`` in a worker thread; raise ``QueryBounded`` if it outlasts the time limit."""
    budget = current_budget()
    outcome: dict[str, Any] = {}

    context = contextvars.copy_context()  # the worker sees the same budget

    def target() -> None:
        try:
            outcome["value"] = context.run(work)
        except BaseException as exc:  # handed to the caller's thread below
            # without its frames: they hold pyoxigraph iterators, which must die in this thread
            outcome["error"] = exc.with_traceback(None)

    worker = threading.Thread(target=target, name="paritykg-query", daemon=True)
    worker.start()
    worker.join(budget.timeout)
    if worker.is_alive():
        raise QueryBounded(f"{what} took longer than the time limit of {budget.timeout:g} s "
                           "(--timeout SECONDS); narrow it, or allow more time")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def take(items: Iterable[T], what: str = "the query") -> list[T]:
    """At most the row cap of ``items``; ``QueryBounded`` if there are more."""
    limit = current_budget().limit
    taken: list[T] = []
    for item in items:
        if len(taken) == limit:
            raise QueryBounded(f"{what} returned more than {limit:,} rows (--limit ROWS); "
                               "narrow it, or raise the limit")
        taken.append(item)
    return taken
