"""``fleet add``: find bundles, skip the stored ones, analyse the rest on an executor, and
write their rows from this process alone, in batches, one transaction each.

Workers (a process pool, any :class:`concurrent.futures.Executor`, or the workers of a
``distributed.Client``) run :func:`avlogparse.fleet.rows.analyse_bundle` on one bundle and
return plain rows. Only the driver touches the database, so an interrupted run loses at
most the bundles analysed since the last batch was written, and the next run skips every
bundle already stored with status ``done``.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from avlogparse.engine import tool_version
from avlogparse.fleet.discover import content_hash, discover
from avlogparse.fleet.rows import Rows, analyse_bundle, failed_rows
from avlogparse.fleet.store import connect, prepare_for_writes, stored_state, write_batch

BATCH_SIZE = 64
"""Bundles written per transaction (also written every :data:`FLUSH_SECONDS`)."""
FLUSH_SECONDS = 5.0
PROGRESS_INTERVAL = 0.5
HASH_THREADS = 4


@dataclass(frozen=True)
class Task:
    """One bundle to analyse."""

    path: str
    content_hash: str
    size: int


@dataclass
class AddResult:
    """What one ``add`` did."""

    found: int = 0
    """Bundles the paths named (copies with the same content counted once)."""
    skipped: int = 0
    """Already in the store with status done (and, with ``reanalyze``, by this version)."""
    analysed: int = 0
    """Analysed now, status done."""
    failed: int = 0
    """Analysed now, status failed."""
    elapsed_seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    """``(path, error)`` of each failed bundle."""

    @property
    def written(self) -> int:
        return self.analysed + self.failed


@dataclass
class Counts:
    """Handed to the ``progress`` callback after every bundle."""

    total: int
    done: int = 0
    failed: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        rate = self.rate
        left = self.total - self.done - self.failed
        return left / rate if rate > 0 else None


class ProgressLine:
    """``done/total, failed, rate, ETA`` on one stderr line, rewritten at most twice a second."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._last = 0.0
        self._shown = False

    def __call__(self, counts: Counts, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        self._shown = True
        eta = counts.eta_seconds
        eta_text = "?" if eta is None else f"{int(eta // 60)}m{int(eta % 60):02d}s"
        self._stream.write(
            f"\r{counts.done + counts.failed}/{counts.total} bundles, {counts.failed} failed,"
            f" {counts.rate:,.1f}/s, ETA {eta_text} \x1b[K"
        )
        self._stream.flush()

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


def _hash_one(path: str) -> Task | tuple[str, str]:
    try:
        size, digest = content_hash(path)
    except OSError as error:
        return path, f"{type(error).__name__}: {error}"
    return Task(path, digest, size)


def hash_bundles(paths: Sequence[str]) -> Iterator[Task | tuple[str, str]]:
    """A task per path, or ``(path, error)`` when it cannot be hashed, in order.

    Hashed in threads (hashlib and file reads release the GIL) that run ahead of the
    consumer, so the first bundles are analysed while the rest are still being hashed.
    """
    if len(paths) < 2:
        yield from map(_hash_one, paths)
        return
    threads = cf.ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="fleet-hash")
    try:
        yield from threads.map(_hash_one, paths)
    finally:
        threads.shutdown(wait=False, cancel_futures=True)


_RELEASE = re.compile(r"\d+(?:\.\d+)*")


def is_older(stored: str, current: str) -> bool:
    """Whether ``stored`` is an older avlogparse version than ``current``.

    Releases compare by their numbers (``0.9.2`` < ``0.10.0``); two versions with the same
    numbers but other text (``1.0.0rc1``, ``1.0.0+local``), or without numbers, count as
    older when they differ, so a re-analysis is never skipped for want of an order.

    >>> is_older("0.9.2", "0.10.0"), is_older("0.10.0", "0.9.2"), is_older("0.1.0", "0.1.0")
    (True, False, False)
    >>> is_older("0+unknown", "0.1.0"), is_older("0.1.0rc1", "0.1.0")
    (True, True)
    """
    if stored == current:
        return False
    old, new = _RELEASE.match(stored), _RELEASE.match(current)
    if old is None or new is None:
        return True
    old_key = tuple(int(part) for part in old.group().split("."))
    new_key = tuple(int(part) for part in new.group().split("."))
    width = max(len(old_key), len(new_key))
    old_key += (0,) * (width - len(old_key))
    new_key += (0,) * (width - len(new_key))
    return old_key <= new_key


def is_dask_client(executor: Any) -> bool:
    """A ``distributed.Client`` (duck-typed: ``submit`` and ``gather``, not an Executor)."""
    return (
        not isinstance(executor, cf.Executor)
        and callable(getattr(executor, "submit", None))
        and callable(getattr(executor, "gather", None))
    )


def _in_flight(executor: Any, workers: int | None) -> int:
    if workers:
        return max(4 * workers, 8)
    if is_dask_client(executor):
        try:
            threads: int = sum(executor.nthreads().values())
            return max(4 * threads, 8)
        except Exception:
            return 64
    return max(4 * (getattr(executor, "_max_workers", None) or os.cpu_count() or 1), 8)


Outcome = tuple[Task, Callable[[], Rows]]


def _serial(tasks: Iterable[Task], options: dict[str, Any]) -> Iterator[Outcome]:
    for task in tasks:
        rows = analyse_bundle(task.path, task.content_hash, task.size, options)
        yield task, _constant(rows)


def _constant(rows: Rows) -> Callable[[], Rows]:
    return lambda: rows


def _futures(
    executor: cf.Executor, tasks: Iterator[Task], options: dict[str, Any], window: int
) -> Iterator[Outcome]:
    pending: dict[cf.Future[Rows], Task] = {}
    try:
        while True:
            for task in tasks:
                future = executor.submit(
                    analyse_bundle, task.path, task.content_hash, task.size, options
                )
                pending[future] = task
                if len(pending) >= window:
                    break
            if not pending:
                return
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result
    finally:
        for future in pending:
            future.cancel()


def _dask(
    client: Any, tasks: Iterator[Task], options: dict[str, Any], window: int
) -> Iterator[Outcome]:
    from distributed import as_completed

    pending: dict[Any, Task] = {}

    def submit(task: Task) -> Any:
        future = client.submit(
            analyse_bundle, task.path, task.content_hash, task.size, options, pure=False
        )
        pending[future] = task
        return future

    first = [submit(task) for _, task in zip(range(window), tasks, strict=False)]
    completed = as_completed(first)
    try:
        for future in completed:
            task = pending.pop(future)
            yield task, future.result
            following = next(tasks, None)
            if following is not None:
                completed.add(submit(following))
    finally:
        for future in pending:
            future.cancel()


def run_tasks(
    tasks: Iterable[Task], options: dict[str, Any], executor: Any = None,
    workers: int | None = None,
) -> Iterator[Outcome]:
    """Each task with a callable that gives its rows (or raises what the worker raised)."""
    if executor is None and workers == 1:
        yield from _serial(tasks, options)
        return
    if executor is None:
        pool = cf.ProcessPoolExecutor(max_workers=workers)
        try:
            yield from _futures(pool, iter(tasks), options, _in_flight(pool, workers))
        except BaseException:  # Ctrl-C, or the caller stopped: do not wait for the workers
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return
    if isinstance(executor, cf.Executor):
        yield from _futures(executor, iter(tasks), options, _in_flight(executor, workers))
    elif is_dask_client(executor):
        yield from _dask(executor, iter(tasks), options, _in_flight(executor, workers))
    else:
        raise TypeError(
            "executor must be a concurrent.futures.Executor or a distributed.Client, not "
            f"{type(executor).__name__}"
        )


def add(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    store: str | os.PathLike[str],
    *,
    executor: Any = None,
    workers: int | None = None,
    reanalyze: bool = False,
    tz: str | None = None,
    limits: Sequence[str] = (),
    batch_size: int = BATCH_SIZE,
    flush_seconds: float = FLUSH_SECONDS,
    progress: Callable[[Counts], None] | None = None,
) -> AddResult:
    """Analyse every bundle ``paths`` name that the store does not hold yet, into ``store``.

    ``executor``: ``None`` (a process pool of ``workers`` processes, default one per core;
    ``workers=1`` analyses in this process), any :class:`concurrent.futures.Executor`, or a
    ``distributed.Client``. ``reanalyze``: also analyse again bundles stored by an older
    avlogparse version (see :func:`is_older`). ``tz``/``limits``: as ``avlogparse analyze
    --tz/--limit``. ``progress`` is called with :class:`Counts` after every bundle.
    """
    started = time.perf_counter()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    bundles = discover([os.fspath(p) for p in paths])
    version = tool_version()
    result = AddResult()
    counts = Counts(total=len(bundles))
    queued: set[str] = set()
    unreadable: list[Rows] = []  # failed rows of paths that cannot be hashed, to be written

    def plan(state: dict[str, tuple[str, str]]) -> Iterator[Task]:
        """The bundles to analyse, as they are hashed; skipped ones leave the total."""
        for item in hash_bundles(bundles):
            if isinstance(item, tuple):
                path, error = item
                key = "unreadable:" + os.path.abspath(path)
                if key in queued:
                    counts.total -= 1
                else:
                    queued.add(key)
                    unreadable.append(failed_rows(path, key, 0, error, version))
                continue
            if item.content_hash in queued:  # a copy of a bundle already named
                counts.total -= 1
                continue
            queued.add(item.content_hash)
            status, stored_version = state.get(item.content_hash, ("", ""))
            if status == "done" and not (reanalyze and is_older(stored_version, version)):
                result.skipped += 1
                counts.total -= 1
                continue
            yield item

    def record(rows: Rows, path: str) -> None:
        status, error_text = rows["bundles"][0][8], rows["bundles"][0][9]
        if status == "done":
            result.analysed += 1
            counts.done += 1
        else:
            result.failed += 1
            counts.failed += 1
            result.failures.append((path, str(error_text)))
        batch.append(rows)
        if progress is not None:
            progress(counts)

    connection = connect(store)
    prepare_for_writes(connection)
    batch: list[Rows] = []
    try:
        tasks = plan(stored_state(connection))
        options = {"tz": tz, "limits": list(limits)}
        last_flush = time.monotonic()
        try:
            for task, outcome in run_tasks(tasks, options, executor, workers):
                while unreadable:
                    rows = unreadable.pop(0)
                    record(rows, rows["bundles"][0][1])
                try:
                    rows = outcome()
                except Exception as error:  # the worker died, the scheduler lost it …
                    rows = failed_rows(task.path, task.content_hash, task.size, error, version)
                record(rows, task.path)
                if len(batch) >= batch_size or time.monotonic() - last_flush >= flush_seconds:
                    write_batch(connection, batch)
                    batch = []
                    last_flush = time.monotonic()
            while unreadable:
                rows = unreadable.pop(0)
                record(rows, rows["bundles"][0][1])
        finally:
            # also on Ctrl-C: what is analysed is complete, keep it (the in-flight is lost)
            write_batch(connection, batch)
    finally:
        connection.close()
    result.found = len(queued)
    result.elapsed_seconds = time.perf_counter() - started
    return result
