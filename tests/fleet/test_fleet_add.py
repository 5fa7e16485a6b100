"""fleet add: the same store from a process pool, a Dask LocalCluster or one bundle at a
time; interruption and resume; hostile bundles as rows; re-adding; re-analysing."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fleet_support import GOOD, HOSTILE, ROOT, statuses, table_rows

from avlogparse import fleet
from avlogparse.cli import main
from avlogparse.engine import tool_version
from avlogparse.fleet.runner import Counts, ProgressLine


def test_the_reference_store_holds_every_bundle_once(serial_store: Path) -> None:
    rows = table_rows(serial_store)
    status = statuses(rows["bundles"])
    assert status.count("done") == GOOD and status.count("failed") == HOSTILE
    keys = [row[0] for row in rows["bundles"]]
    assert len(set(keys)) == len(keys)
    # every finding has its evidence rows, and every bundle its findings
    with fleet.open(serial_store) as store:
        counts = store.sql(
            "SELECT (SELECT sum(evidence_count) FROM findings) AS declared,"
            " (SELECT count(*) FROM evidence) AS stored,"
            " (SELECT sum(findings) FROM bundles) AS findings,"
            " (SELECT count(*) FROM findings) AS finding_rows"
        )
    assert counts.declared[0] == counts.stored[0] > 0
    assert counts.findings[0] == counts.finding_rows[0] > 0


def test_hostile_bundles_are_failed_rows_with_their_error(serial_store: Path) -> None:
    with fleet.open(serial_store) as store:
        failed = store.bundles(status="failed")
    names = sorted(Path(p).name for p in failed.path)
    assert names == ["corrupt.zip", "empty-case", "traversal.zip"]
    for path, error in zip(failed.path, failed.error, strict=True):
        assert error and "NotABundleError" in error, (path, error)
    traversal = failed[failed.path.str.endswith("traversal.zip")].error.iloc[0]
    assert "path-traversal" in traversal or "outside" in traversal or "refused" in traversal


def test_process_pool_gives_the_same_store(fleet_dir: Path, serial_store: Path,
                                           tmp_path: Path) -> None:
    store = tmp_path / "pool.duckdb"
    result = fleet.add([fleet_dir], store, workers=2, batch_size=5)
    assert (result.analysed, result.failed) == (GOOD, HOSTILE)
    assert table_rows(store) == table_rows(serial_store)


def test_dask_local_cluster_gives_the_same_store(fleet_dir: Path, serial_store: Path,
                                                 tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        store = tmp_path / "dask.duckdb"
        assert len(client.scheduler_info()["workers"]) == 2
        result = fleet.add([fleet_dir], store, executor=client, batch_size=6)
        # the command line's --scheduler connects its own Client to the same cluster
        by_cli = tmp_path / "dask-cli.duckdb"
        code = main(["fleet", "add", str(fleet_dir), "--store", str(by_cli), "--quiet",
                     "--scheduler", cluster.scheduler_address])
    assert (result.analysed, result.failed) == (GOOD, HOSTILE)
    assert table_rows(store) == table_rows(serial_store)
    assert code == 1  # some bundles failed (the hostile ones)
    assert table_rows(by_cli) == table_rows(serial_store)


class InterruptingExecutor(cf.Executor):
    """A process pool whose results after the first ``after`` raise KeyboardInterrupt,
    as a Ctrl-C in the middle of a run would."""

    def __init__(self, after: int) -> None:
        self.inner = cf.ProcessPoolExecutor(max_workers=2)
        self.after = after
        self.results = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        outer: cf.Future[Any] = cf.Future()
        inner = self.inner.submit(fn, *args, **kwargs)

        def finished(done: cf.Future[Any]) -> None:
            self.results += 1
            if done.cancelled():
                outer.cancel()
            elif self.results > self.after:
                outer.set_exception(KeyboardInterrupt())
            elif done.exception() is not None:
                outer.set_exception(done.exception())  # type: ignore[arg-type]
            else:
                outer.set_result(done.result())

        inner.add_done_callback(finished)
        return outer

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=True)


def test_interrupted_run_resumes_without_loss_or_duplicates(
    fleet_dir: Path, serial_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "resumed.duckdb"
    executor = InterruptingExecutor(after=11)
    with pytest.raises(KeyboardInterrupt):
        fleet.add([fleet_dir], store, executor=executor, batch_size=4)
    executor.shutdown()
    kept = table_rows(store)["bundles"]
    assert 0 < len(kept) <= 11  # what was analysed before the interruption was written
    done = statuses(kept).count("done")
    result = fleet.add([fleet_dir], store, workers=2, batch_size=4)
    assert result.skipped == done
    assert result.analysed + result.failed == GOOD + HOSTILE - done
    assert table_rows(store) == table_rows(serial_store)


def test_adding_again_changes_nothing(fleet_dir: Path, serial_store: Path,
                                      copy_store: Callable[[Path], Path]) -> None:
    store = copy_store(serial_store)
    before = table_rows(store, timing=True)
    result = fleet.add([fleet_dir, fleet_dir / "case-001"], store, workers=1)
    assert (result.skipped, result.analysed) == (GOOD, 0)
    after = table_rows(store, timing=True)
    # only the failed bundles were tried again (and failed again, still one row each)
    for table in ("inputs", "findings", "evidence", "diagnostics", "unparsed_shapes"):
        assert after[table] == before[table]
    done = [row for row in before["bundles"] if "done" in row]
    assert done == [row for row in after["bundles"] if "done" in row]
    assert len(after["bundles"]) == len(before["bundles"])


def test_a_copy_of_a_bundle_elsewhere_is_the_same_bundle(
    fleet_dir: Path, serial_store: Path, copy_store: Callable[[Path], Path], tmp_path: Path
) -> None:
    import shutil

    store = copy_store(serial_store)
    moved = tmp_path / "elsewhere" / "renamed-case"
    shutil.copytree(fleet_dir / "case-005", moved)
    result = fleet.add([moved], store, workers=1)
    assert (result.found, result.skipped, result.analysed) == (1, 1, 0)


def test_reanalyze_replaces_rows_of_an_older_tool_version(
    fleet_dir: Path, serial_store: Path, copy_store: Callable[[Path], Path]
) -> None:
    import duckdb

    store = copy_store(serial_store)
    target = str(fleet_dir / "case-002")
    with duckdb.connect(str(store)) as connection:
        connection.execute(
            "UPDATE bundles SET tool_version = '0.0.1', analysed_at = TIMESTAMP '2020-01-01'"
            " WHERE path = ?", [target]
        )
    assert fleet.add([target], store, workers=1).skipped == 1  # not without --reanalyze
    result = fleet.add([fleet_dir], store, workers=1, reanalyze=True)
    assert (result.analysed, result.skipped) == (1, GOOD - 1)
    with fleet.open(store) as opened:
        row = opened.sql("SELECT tool_version, analysed_at FROM bundles WHERE path = ?", [target])
    assert row.tool_version[0] == tool_version()
    assert row.analysed_at[0].year > 2020
    assert table_rows(store) == table_rows(serial_store)


def test_any_exception_in_the_analysis_is_a_failed_row(
    fleet_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import avlogparse.engine

    real = avlogparse.engine.analyze

    def flaky(path: Any, **options: Any) -> Any:
        if str(path).endswith("case-003"):
            raise RuntimeError("boom in a rule")
        return real(path, **options)

    monkeypatch.setattr(avlogparse.engine, "analyze", flaky)
    store = tmp_path / "flaky.duckdb"
    result = fleet.add([fleet_dir / "case-003", fleet_dir / "case-004"], store, workers=1)
    assert (result.analysed, result.failed) == (1, 1)
    assert result.failures == [(str(fleet_dir / "case-003"), "RuntimeError: boom in a rule")]
    monkeypatch.setattr(avlogparse.engine, "analyze", real)
    again = fleet.add([fleet_dir / "case-003"], store, workers=1)  # failed: tried again
    assert (again.analysed, again.failed) == (1, 0)
    with fleet.open(store) as opened:
        assert opened.sql("SELECT count(*) AS n FROM bundles WHERE status = 'done'").n[0] == 2


def test_unknown_executor_is_refused(fleet_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"Executor or a distributed\.Client"):
        fleet.add([fleet_dir / "case-001"], tmp_path / "x.duckdb", executor=object())


def test_a_killed_run_loses_at_most_the_batch_in_flight(
    fleet_dir: Path, serial_store: Path, tmp_path: Path
) -> None:
    """The driver dies (os._exit: no finally, no close) after the 10th bundle with batches
    of 4: the two committed batches survive (replayed from DuckDB's log), the rest resumes."""
    import subprocess
    import sys

    store = tmp_path / "killed.duckdb"
    code = (
        "import os, sys\n"
        "from avlogparse import fleet\n"
        "def die(counts):\n"
        "    if counts.done + counts.failed == 10:\n"
        "        os._exit(9)\n"
        "fleet.add([sys.argv[1]], sys.argv[2], workers=1, batch_size=4, progress=die)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(fleet_dir), str(store)],
                            capture_output=True, text=True, check=False)
    assert killed.returncode == 9, killed.stderr
    kept = table_rows(store)["bundles"]
    assert len(kept) == 8
    result = fleet.add([fleet_dir], store, workers=2)
    assert result.skipped == statuses(kept).count("done")
    assert table_rows(store) == table_rows(serial_store)


def test_a_path_that_cannot_be_read_is_a_failed_row(tmp_path: Path) -> None:
    missing = tmp_path / "gone.zip"
    store = tmp_path / "missing.duckdb"
    sample = ROOT / "samples" / "kb-orphaned-checkpoint"
    result = fleet.add([missing, sample], store, workers=1)
    assert (result.found, result.analysed, result.failed) == (2, 1, 1)
    [(path, error)] = result.failures
    assert path == str(missing) and error.startswith("FileNotFoundError")
    with fleet.open(store) as opened:
        failed = opened.bundles(status="failed")
    assert list(failed.content_hash) == ["unreadable:" + str(missing)]


def test_progress_line_shows_done_failed_rate_and_eta() -> None:
    import io

    stream = io.StringIO()
    line = ProgressLine(stream)
    counts = Counts(total=10, done=3, failed=1)
    counts.started -= 2.0  # 4 bundles in 2 s
    line(counts, final=True)
    text = stream.getvalue()
    import re

    assert re.match(r"\r4/10 bundles, 1 failed, (2\.0|1\.9)/s, ETA 0m0[34]s", text), text
    line.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_reanalyze_leaves_rows_of_a_newer_tool_version(
    fleet_dir: Path, serial_store: Path, copy_store: Callable[[Path], Path]
) -> None:
    import duckdb

    store = copy_store(serial_store)
    with duckdb.connect(str(store)) as connection:
        connection.execute("UPDATE bundles SET tool_version = '999.0.0' WHERE status = 'done'")
    result = fleet.add([fleet_dir], store, workers=1, reanalyze=True)
    assert (result.analysed, result.skipped) == (0, GOOD)


def test_a_batch_that_fails_to_write_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is one transaction: an error in its last table leaves none of its rows."""
    import avlogparse.fleet.store as store_module

    store = tmp_path / "atomic.duckdb"
    sample = ROOT / "samples" / "kb-orphaned-checkpoint"
    real = store_module._arrow_table

    def broken(table: Any, rows: Any) -> Any:
        if table.name == "evidence" and rows:
            raise OSError("disk full")
        return real(table, rows)

    monkeypatch.setattr(store_module, "_arrow_table", broken)
    with pytest.raises(OSError, match="disk full"):
        fleet.add([sample], store, workers=1)
    monkeypatch.setattr(store_module, "_arrow_table", real)
    rows = table_rows(store)
    assert all(not table for table in rows.values())
    assert fleet.add([sample], store, workers=1).analysed == 1
