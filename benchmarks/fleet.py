#!/usr/bin/env python3
"""Fleet store benchmark: bundles/s with 1 and 2 workers, store bytes per bundle, query times.

    python benchmarks/fleet.py [--bundles 200] [--lines 1000] [--events 200]
        [--query-bundles 10000] [--repeat 3] [--work DIR] [--json FILE]

1. Generates ``--bundles`` small bundles with ``generate.py`` (seeds 0…N-1).
2. ``avlogparse.fleet.add`` of all of them into a fresh store with a process pool of 1 and
   of 2 workers (``--repeat`` times each, interleaved; medians): bundles/s and the speed-up.
3. The store's size on disk per bundle (after a CHECKPOINT).
4. Query times over ``--query-bundles`` bundles' rows: the rows of the analysed bundles
   are copied under new content hashes, hosts and dates (shifted by whole weeks) until the
   store holds that many bundles, written with the same batched writer as ``fleet add``;
   then each standard query runs ``--repeat`` times (median).
5. The measured per-bundle costs, for the estimate in benchmarks/README.md.

Needs the ``fleet`` extra. Nothing here is asserted: the numbers are printed.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def generate_bundles(folder: Path, count: int, lines: int, events: int) -> list[str]:
    generator = _generator()
    paths = []
    for seed in range(count):
        target = folder / f"case-{seed:04d}"
        if not (target / "ground_truth.json").exists():
            generator.generate(target, lines, events, seed)
        paths.append(str(target))
    return paths


def time_add(paths: list[str], store: Path, workers: int) -> tuple[float, Any]:
    from avlogparse import fleet

    if store.exists():
        store.unlink()
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        started = time.perf_counter()
        result = fleet.add(paths, store, executor=pool)
        elapsed = time.perf_counter() - started
    assert result.analysed == len(paths), result
    return elapsed, result


def store_bytes(store: Path) -> int:
    import duckdb

    with duckdb.connect(str(store)) as connection:
        connection.execute("CHECKPOINT")
    return store.stat().st_size


def fill_for_queries(source: Path, target: Path, bundles: int) -> tuple[float, int]:
    """Copy the source store's rows under new hashes/hosts/dates until ``bundles`` bundles."""
    import duckdb

    from avlogparse.fleet.schema import DATA_TABLES
    from avlogparse.fleet.store import connect, prepare_for_writes, write_batch

    with duckdb.connect(str(source), read_only=True) as connection:
        tables = {
            t.name: connection.execute(f"SELECT {', '.join(t.names)} FROM {t.name}").fetchall()
            for t in DATA_TABLES
        }
    by_bundle: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for name, rows in tables.items():
        for row in rows:
            by_bundle.setdefault(row[0], {t.name: [] for t in DATA_TABLES})[name].append(row)
    originals = list(by_bundle.values())
    names = {t.name: t.names for t in DATA_TABLES}
    if target.exists():
        target.unlink()
    connection = connect(target)
    prepare_for_writes(connection)
    written = 0
    write_seconds = 0.0
    batch = []
    copy = 0
    while written + len(batch) < bundles:
        original = originals[copy % len(originals)]
        generation = copy // len(originals)
        shift = timedelta(weeks=generation % 52)
        batch.append(_variant(original, names, f"-copy{copy}", generation, shift))
        copy += 1
        if len(batch) == 256 or written + len(batch) == bundles:
            started = time.perf_counter()
            written += write_batch(connection, batch)
            write_seconds += time.perf_counter() - started
            batch = []
    started = time.perf_counter()
    connection.close()  # the last checkpoint is part of the writes
    write_seconds += time.perf_counter() - started
    return write_seconds, written


def _variant(rows: dict[str, list[tuple[Any, ...]]], names: dict[str, tuple[str, ...]],
             suffix: str, generation: int, shift: timedelta) -> dict[str, list[tuple[Any, ...]]]:
    """One bundle's rows as another bundle: new hash, hosts renamed per generation, dates
    shifted."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table, table_rows in rows.items():
        columns = names[table]
        new_rows = []
        for row in table_rows:
            values = list(row)
            for index, column in enumerate(columns):
                value = values[index]
                if column == "content_hash":
                    values[index] = value + suffix
                elif column == "host" and isinstance(value, str):
                    values[index] = f"{value}-G{generation % 40:02d}"
                elif column == "hosts" and value:
                    values[index] = [f"{h}-G{generation % 40:02d}" for h in value]
                elif column in ("first_seen", "last_seen", "timestamp") and value is not None:
                    values[index] = value + shift
                elif column == "path" and table == "bundles":
                    values[index] = value + suffix
            new_rows.append(tuple(values))
        out[table] = new_rows
    return out


QUERIES = {
    "findings by rule": lambda s: s.findings("rule"),
    "findings by host, vm, week": lambda s: s.findings(["host", "vm", "week"]),
    "findings by rule since a date": lambda s: s.findings("rule", since="2024-06-01",
                                                          min_severity="error"),
    "new rule ids since": lambda s: s.new_since("2024-06-01", what="rule"),
    "new HRESULTs since": lambda s: s.new_since("2024-06-01", what="hresult"),
    "recurring failures": lambda s: s.recurring(2),
    "unexplained": lambda s: s.unexplained(),
    "summary": lambda s: s.summary(),
}


def time_queries(store: Path, repeat: int) -> dict[str, dict[str, Any]]:
    from avlogparse import fleet

    results = {}
    with fleet.open(store) as opened:
        for name, query in QUERIES.items():
            times = []
            rows = 0
            for _ in range(repeat):
                started = time.perf_counter()
                frame = query(opened)
                times.append(time.perf_counter() - started)
                rows = len(frame)
            results[name] = {"median_s": statistics.median(times), "min_s": min(times),
                             "max_s": max(times), "rows": rows}
        counts = opened.sql("SELECT (SELECT count(*) FROM bundles) AS bundles,"
                            " (SELECT count(*) FROM findings) AS findings,"
                            " (SELECT count(*) FROM evidence) AS evidence")
    results["_counts"] = {k: int(counts[k][0]) for k in counts.columns}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bundles", type=int, default=200)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--query-bundles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep the bundles and stores here")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="avlogparse-fleet-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    started = time.perf_counter()
    paths = generate_bundles(work / "bundles", args.bundles, args.lines, args.events)
    bundle_bytes = sum(f.stat().st_size for p in paths for f in Path(p).iterdir())
    print(f"{len(paths)} bundles generated ({bundle_bytes / len(paths) / 1e3:,.0f} kB each) in "
          f"{time.perf_counter() - started:.1f} s in {work}", file=sys.stderr)

    runs: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for workers in (1, 2):
            elapsed, _result = time_add(paths, work / f"w{workers}.duckdb", workers)
            runs[workers].append(elapsed)
            print(f"  {workers} worker(s): {elapsed:.2f} s", file=sys.stderr)
    medians = {w: statistics.median(t) for w, t in runs.items()}
    size = store_bytes(work / "w2.duckdb")

    import duckdb

    with duckdb.connect(str(work / "w2.duckdb"), read_only=True) as connection:
        [analysis] = connection.execute(
            "SELECT avg(elapsed_seconds), sum(findings)::BIGINT FROM bundles"
        ).fetchall()
    mean_analysis, findings = float(analysis[0]), int(analysis[1])

    write_seconds, written = fill_for_queries(work / "w2.duckdb", work / "queries.duckdb",
                                              args.query_bundles)
    query_size = store_bytes(work / "queries.duckdb")
    queries = time_queries(work / "queries.duckdb", args.repeat)

    out: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "platform": sys.platform, "load_before": load_before,
                    "load_after": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "bundles": len(paths), "bundle_kb": bundle_bytes / len(paths) / 1e3,
        "findings_per_bundle": findings / len(paths),
        "add_seconds": {str(w): t for w, t in runs.items()},
        "bundles_per_second": {str(w): len(paths) / m for w, m in medians.items()},
        "speedup_2_over_1": medians[1] / medians[2],
        "mean_analysis_seconds": mean_analysis,
        "store_bytes_per_bundle": size / len(paths),
        "query_store": {"bundles": written, "bytes_per_bundle": query_size / written,
                        "write_seconds": write_seconds,
                        "write_bundles_per_second": written / write_seconds},
        "queries": queries,
    }
    print(f"\nload average (1, 5, 15 min) before {load_before}, after "
          f"{out['machine']['load_after']} on {os.cpu_count()} CPUs"
          ": other work on the host shows in every number below")
    print(f"add: {len(paths)} bundles ({out['bundle_kb']:,.0f} kB, "
          f"{out['findings_per_bundle']:.1f} findings each), medians of {args.repeat}")
    for workers in (1, 2):
        print(f"  {workers} worker(s): {medians[workers]:.2f} s, "
              f"{len(paths) / medians[workers]:.1f} bundles/s  (runs: "
              + ", ".join(f"{t:.2f}" for t in runs[workers]) + ")")
    print(f"  speed-up 2 over 1: {out['speedup_2_over_1']:.2f}x (target >= 1.7x)")
    print(f"  mean analysis in the worker: {mean_analysis * 1e3:.1f} ms/bundle")
    print(f"store: {size / len(paths) / 1e3:.1f} kB per bundle ({size / 1e6:.2f} MB)")
    print(f"query store: {written:,} bundles, {queries['_counts']['findings']:,} findings, "
          f"{queries['_counts']['evidence']:,} evidence rows, "
          f"{query_size / 1e6:.1f} MB ({query_size / written / 1e3:.1f} kB/bundle); "
          f"driver writes {written / write_seconds:,.0f} bundles/s")
    for name in QUERIES:
        q = queries[name]
        verdict = "PASS" if q["median_s"] < 1 else "MISS"
        print(f"  {name:<32} {q['median_s'] * 1e3:8.1f} ms  ({q['rows']} rows) {verdict}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
