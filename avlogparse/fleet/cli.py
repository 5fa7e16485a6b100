"""``avlogparse fleet …``: add bundles to a store, ask it the usual questions, or any SQL.

Registered by :mod:`avlogparse.cli`; imports nothing of the ``fleet`` extra until a command
runs, so ``avlogparse --help`` works without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from avlogparse.render.safe import escape

if TYPE_CHECKING:
    import pandas

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXPORT_FORMATS = ("text", "json", "csv", "parquet")
DEFAULT_STORE = "fleet.duckdb"


def register(commands: Any) -> None:
    """Add the ``fleet`` command and its subcommands to the main parser's subparsers."""
    fleet = commands.add_parser("fleet", help="many bundles into one queryable DuckDB store")
    sub = fleet.add_subparsers(dest="fleet_command", required=True)

    add = sub.add_parser("add", help="analyse bundles into the store (once per content)")
    add.add_argument("paths", nargs="+", metavar="PATH", help="bundles, folders of them, globs")
    _store(add)
    add.add_argument("--workers", type=_positive, metavar="N",
                     help="worker processes (default: one per core; 1: in this process)")
    add.add_argument("--scheduler", metavar="ADDRESS",
                     help="run the analyses on a Dask cluster, e.g. tcp://host:8786")
    add.add_argument("--reanalyze", action="store_true",
                     help="analyse again bundles stored by an older avlogparse version")
    add.add_argument("--batch-size", type=_positive, default=64, metavar="N",
                     help="bundles written per transaction (default 64)")
    add.add_argument("--tz", help="host time zone for every bundle (default: inferred)")
    add.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                     help="override a limit, e.g. max_total_bytes=8G")
    add.add_argument("--quiet", action="store_true", help="no summary, no progress")

    findings = sub.add_parser("findings", help="findings counted by rule, host, VM, week …")
    _store(findings)
    findings.add_argument("--by", default="rule", metavar="KEYS",
                          help="comma-separated: rule, host, vm, week, month, severity, bundle")
    findings.add_argument("--since", metavar="TIME", help="first seen at or after (UTC)")
    findings.add_argument("--until", metavar="TIME", help="first seen at or before (UTC)")
    findings.add_argument("--min-severity", choices=("info", "warning", "error", "critical"))
    _format(findings)

    new = sub.add_parser("new", help="rule ids or HRESULTs first seen since a date")
    _store(new)
    new.add_argument("--since", required=True, metavar="TIME", help="date or time (UTC)")
    new.add_argument("--what", choices=("rule", "hresult", "message"), default="rule")
    _format(new)

    recurring = sub.add_parser("recurring", help="hosts whose failures recur on several days")
    _store(recurring)
    recurring.add_argument("--min-days", type=_positive, default=2, metavar="N")
    recurring.add_argument("--min-severity", choices=("info", "warning", "error", "critical"),
                           default="error")
    _format(recurring)

    unexplained = sub.add_parser("unexplained", help="what no rule explains, across the fleet")
    _store(unexplained)
    _format(unexplained)

    summary = sub.add_parser("summary", help="bundles by status and tool version")
    _store(summary)
    _format(summary)

    failed = sub.add_parser("failed", help="bundles that could not be analysed, and why")
    _store(failed)
    _format(failed)

    sql = sub.add_parser("sql", help="any SQL over the store's tables (read-only)")
    sql.add_argument("query")
    _store(sql)
    _format(sql)


def _store(command: argparse.ArgumentParser) -> None:
    command.add_argument("--store", default=DEFAULT_STORE, metavar="FILE",
                         help=f"the DuckDB store (default {DEFAULT_STORE})")


def _format(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=EXPORT_FORMATS, default="text")
    command.add_argument("-o", "--output", metavar="FILE",
                         help="write here, not stdout (parquet needs it)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(args: argparse.Namespace) -> int:
    """Run one ``fleet`` subcommand; errors are raised for :func:`avlogparse.cli.main`."""
    from avlogparse import fleet

    if args.fleet_command == "add":
        return _add(args)
    if getattr(args, "format", None) == "parquet" and not args.output:
        print("avlogparse: --format parquet needs -o FILE", file=sys.stderr)
        return EXIT_USAGE
    with fleet.open(args.store) as store:
        command = args.fleet_command
        if command == "findings":
            by = [key.strip() for key in args.by.split(",") if key.strip()]
            frame = store.findings(by, since=args.since, until=args.until,
                                   min_severity=args.min_severity)
        elif command == "new":
            frame = store.new_since(args.since, what=args.what)
        elif command == "recurring":
            frame = store.recurring(args.min_days, args.min_severity)
        elif command == "unexplained":
            frame = store.unexplained()
        elif command == "summary":
            frame = store.summary()
        elif command == "failed":
            frame = store.sql(
                "SELECT path, content_hash, tool_version, analysed_at, error FROM bundles "
                "WHERE status = 'failed' ORDER BY path"
            )
        else:
            frame = store.sql(args.query)
    write_frame(frame, args.format, args.output)
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    from avlogparse.fleet.runner import ProgressLine, add

    client: Any = None
    if args.scheduler:
        try:
            from distributed import Client
        except ImportError:
            print("avlogparse: --scheduler needs Dask: pip install 'avlogparse[dask]'",
                  file=sys.stderr)
            return EXIT_USAGE
        client = Client(args.scheduler)
    progress = ProgressLine() if sys.stderr.isatty() and not args.quiet else None
    try:
        result = add(
            args.paths, args.store, executor=client, workers=args.workers,
            reanalyze=args.reanalyze, tz=args.tz, limits=args.limit,
            batch_size=args.batch_size, progress=progress,
        )  # fmt: skip
    except KeyboardInterrupt:
        if progress is not None:
            progress.clear()
            progress = None
        print(f"avlogparse: interrupted; what was analysed is in {escape(args.store)}, "
              "run the same command again to go on", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if progress is not None:
            progress.clear()
        if client is not None:
            client.close()
    if not args.quiet:
        print(
            f"{result.found} bundle(s): {result.analysed} analysed, {result.failed} failed, "
            f"{result.skipped} already in {escape(args.store)} "
            f"({result.elapsed_seconds:.1f} s)"
        )
        for path, error in result.failures:
            print(f"  failed: {escape(path)}: {escape(error.splitlines()[-1] if error else '')}")
    return EXIT_FAILED if result.failed else EXIT_OK


def write_frame(frame: pandas.DataFrame, fmt: str, output: str | None) -> None:
    """A query's DataFrame as text (a table), JSON (records), CSV or Parquet."""
    if fmt == "parquet":
        assert output is not None
        frame.to_parquet(output, index=False)
        return
    if fmt == "json":
        text = json.dumps(json.loads(frame.to_json(orient="records", date_format="iso")),
                          indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = frame.to_csv(index=False)
    elif frame.empty:
        text = "(no rows)\n"
    else:  # a table; missing values blank, not NaN
        shown = frame.astype(object).where(frame.notna(), "")
        text = shown.to_string(index=False) + "\n"
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
