"""Answers for the server: worker processes behind a per-generation cache with one flight per question.

A store generation never changes once written (a build or add writes a new one), so an answer
computed on a generation stays right for as long as that generation is current. The runner
keeps recent answers (bounded in bytes, least recently used first out) keyed by the generation
and the exact job; identical requests that arrive while the first is being computed wait for it
instead of starting the same work again. A new generation empties the cache. With
``cache_bytes=0`` every request is computed.
"""

import asyncio
from collections import OrderedDict
from pathlib import Path
from typing import Any

from kg.store import current_generation
from kg.web.settings import ServeSettings
from kg.web.workers import WorkerPool


class AnswerCache:
    """Recent answers by (generation, job), bounded in bytes."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._items: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._generation: str | None = None
        self.size = 0

    def _sync(self, generation: str) -> None:
        if generation != self._generation:
            self._items.clear()
            self.size = 0
            self._generation = generation

    def get(self, generation: str, key: tuple) -> Any | None:
        """The kept answer, or None."""
        self._sync(generation)
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, generation: str, key: tuple, value: Any, size: int) -> None:
        """Keep an answer computed on ``generation`` if it fits."""
        self._sync(generation)
        if size > self.capacity // 4:  # one answer never takes more than a quarter
            return
        if key in self._items:
            self.size -= self._items.pop(key)[1]
        self._items[key] = (value, size)
        self.size += size
        while self.size > self.capacity:
            _, (_, dropped) = self._items.popitem(last=False)
            self.size -= dropped


def _payload_size(payload: Any) -> int:
    if isinstance(payload, bytes):
        return len(payload)
    if isinstance(payload, tuple):
        return sum(_payload_size(part) for part in payload)
    return len(str(payload))


class QueryRunner:
    """Runs every query of the server in the worker pool, through the cache."""

    def __init__(self, store_dir: Path, settings: ServeSettings):
        self.store_dir = store_dir
        self.settings = settings
        self.pool = WorkerPool(store_dir, settings)
        self.cache = AnswerCache(settings.cache_bytes)
        self._flights: dict[tuple, asyncio.Future] = {}

    async def start(self) -> None:
        """Start the workers."""
        await self.pool.start()

    async def close(self) -> None:
        """Stop the workers."""
        await self.pool.close()

    async def run(self, job: tuple, cached: bool = True) -> Any:
        """A job's payload: from the cache, from an identical job in flight, or from a worker."""
        if not cached or self.settings.cache_bytes == 0:
            return (await self.pool.run(job))[1]
        generation = current_generation(self.store_dir).name
        key = (generation, job)
        hit = self.cache.get(generation, job)
        if hit is not None:
            return hit
        flight = self._flights.get(key)
        if flight is not None:
            return await asyncio.shield(flight)
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            used, payload = await self.pool.run(job)
        except asyncio.CancelledError:
            flight.cancel()
            raise
        except Exception as exc:
            flight.set_exception(exc)
            flight.exception()  # marked retrieved: only waiters re-raise it
            raise
        else:
            flight.set_result(payload)
            self.cache.put(used, job, payload, _payload_size(payload))
            return payload
        finally:
            del self._flights[key]

    async def sparql(self, text: str, dataset: dict[str, list[str]], results_media: str | None,
                     graph_media: str | None) -> tuple[str, bytes]:
        """A protocol query's (media type, body)."""
        dataset_key = tuple((k, tuple(v)) for k, v in sorted(dataset.items()))
        job = ("sparql", text, dataset_key, results_media, graph_media)
        return await self.run(job)

    async def answer(self, question: str, params: dict[str, str]) -> bytes:
        """A canned question's contract object as JSON bytes (``params`` by the query's own names)."""
        return await self.run(("answer", question, tuple(sorted(params.items()))))
