"""The ``avlogparse`` command.

Exit codes (for CI): 0 nothing at or above ``--fail-on`` and every input read; 1 findings
at or above it; 2 usage error or nothing analysable; 3 no such findings, but part of the
input could not be read (refused members, truncated files) — "could not judge".
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TextIO

from avlogparse.bundle import open_bundle
from avlogparse.engine import Progress, analyze, tool_version
from avlogparse.errors import AvlogparseError
from avlogparse.i18n import LANGUAGES, default_language, localize_report, rule_text
from avlogparse.limits import Limits, limits_from_options
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.parsers import parse_stream
from avlogparse.render import iter_reports
from avlogparse.render.records_jsonl import write_jsonl
from avlogparse.render.rule_catalog import render_rule_catalog_markdown
from avlogparse.render.safe import escape
from avlogparse.render.timeline_table import render_timeline_csv, render_timeline_text
from avlogparse.rules import ALL_RULES, Rule
from avlogparse.select import parse_moment, select_findings, select_timeline
from avlogparse.sniff import Kind

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
FORMATS = ("text", "json", "jsonl", "sarif", "junit", "csv", "html")
PROGRESS_INTERVAL = 0.2
"""Seconds between two updates of the progress line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="avlogparse",
        description="Diagnose Avamar Hyper-V backup failures from a collected log bundle.",
    )
    parser.add_argument("--version", action="version", version=f"avlogparse {tool_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze_cmd = commands.add_parser("analyze", help="diagnose bundles (folder, file, archive)")
    analyze_cmd.add_argument("paths", nargs="+", metavar="PATH")
    analyze_cmd.add_argument("--format", choices=FORMATS, default="text")
    analyze_cmd.add_argument("-o", "--output", metavar="FILE", help="write here, not stdout")
    analyze_cmd.add_argument(
        "--fail-on",
        choices=[*(s.value for s in Severity), "never"],
        default="error",
        help="exit 1 when a finding is at or above this severity (default: error)",
    )
    _add_selection(analyze_cmd)
    analyze_cmd.add_argument("--rule", action="append", metavar="ID", help="run only these rules")
    analyze_cmd.add_argument("--disable-rule", action="append", default=[], metavar="ID")
    analyze_cmd.add_argument("--no-color", action="store_true", help="plain text output")
    analyze_cmd.add_argument("--lang", choices=LANGUAGES, help="language (default: locale)")
    _add_jobs(analyze_cmd)
    analyze_cmd.add_argument("-v", "--verbose", action="store_true", help="all evidence lines")

    timeline_cmd = commands.add_parser("timeline", help="per-VM timeline of backups and merges")
    timeline_cmd.add_argument("paths", nargs="+", metavar="PATH")
    timeline_cmd.add_argument("--format", choices=("text", "json", "csv"), default="text")
    timeline_cmd.add_argument("--lang", choices=LANGUAGES, help="language (default: locale)")
    _add_selection(timeline_cmd)
    _add_jobs(timeline_cmd)

    parse_cmd = commands.add_parser("parse", help="print the parsed records of files or folders")
    parse_cmd.add_argument("paths", nargs="+", metavar="PATH")
    parse_cmd.add_argument("--format", choices=("jsonl",), default="jsonl")
    parse_cmd.add_argument("--kind", choices=[k.value for k in Kind if k is not Kind.UNKNOWN])

    commands.add_parser("schema", help="print the JSON Schema of the report")
    rules_cmd = commands.add_parser("rules", help="list the rules")
    rules_cmd.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    rules_cmd.add_argument("--lang", choices=LANGUAGES, help="language (default: locale)")
    from avlogparse.fleet import cli as fleet_cli  # imports nothing of the fleet extra

    fleet_cli.register(commands)
    return parser


def _add_selection(command: argparse.ArgumentParser) -> None:
    command.add_argument("--tz", help="host time zone: IANA name or +hh:mm (default: inferred)")
    command.add_argument("--since", metavar="TIME", help="only findings from this time on")
    command.add_argument("--until", metavar="TIME", help="only findings up to this time")
    command.add_argument("--vm", metavar="NAME|GUID", help="only findings about this VM")
    command.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a limit, e.g. max_total_bytes=8G (see docs/security.md)",
    )


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs", type=_positive, default=1, metavar="N", help="bundles analysed in parallel"
    )
    command.add_argument("--quiet", action="store_true", help="nothing on stdout")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # a name the console cannot show: \uXXXX
            stream.reconfigure(errors="backslashreplace")
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "timeline":
            return _timeline(args)
        if args.command == "parse":
            return _parse(args)
        if args.command == "fleet":
            from avlogparse.fleet import cli as fleet_cli

            return fleet_cli.main(args)
        if args.command == "schema":
            print(json.dumps(Report.model_json_schema(), indent=2))
            return EXIT_OK
        return _rules(args)
    except AvlogparseError as error:
        if args.debug:
            traceback.print_exc()
        print(f"avlogparse: {escape(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the CLI never shows a traceback without --debug
        if args.debug:
            traceback.print_exc()
        print(f"avlogparse: internal error: {type(error).__name__}: {escape(str(error))}",
              file=sys.stderr)
        return EXIT_USAGE


def _analyze(args: argparse.Namespace) -> int:
    known = {r.id for r in ALL_RULES}
    unknown = [i for i in (args.rule or []) + args.disable_rule if i not in known]
    if unknown:
        print(f"avlogparse: unknown rule id(s): {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    rule_ids = [
        r.id for r in ALL_RULES if (args.rule is None or r.id in args.rule)
        and r.id not in args.disable_rule
    ]  # fmt: skip
    reports = [_select(report, args) for report in _run(args, rule_ids)]
    colour = _colour(sys.stdout, args) and not args.output
    rendered = iter_reports(
        reports, args.format, lang=args.lang or default_language(), colour=colour,
        verbose=args.verbose,
    )  # fmt: skip
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as output:
            _write_in_pieces(output, rendered)
    elif not args.quiet:
        _write_in_pieces(sys.stdout, rendered)
    return exit_code(reports, args.fail_on)


def _write_in_pieces(output: TextIO, pieces: Iterable[str], size: int = 1 << 20) -> None:
    """Write each piece a MiB at a time: the report of a big bundle is tens of MB of JSON,
    and encoding it in one go would hold another copy of it in memory."""
    for piece in pieces:
        for start in range(0, len(piece), size):
            output.write(piece[start : start + size])


def _run(args: argparse.Namespace, rule_ids: list[str]) -> list[Report]:
    """Analyse every bundle: in this process, or in ``--jobs`` worker processes."""
    limits = limits_from_options(args.limit)
    if args.jobs > 1 and len(args.paths) > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            analyse = partial(_analyze_one, tz=args.tz, rule_ids=rule_ids, limits=limits)
            return list(pool.map(analyse, args.paths))
    progress = _ProgressLine() if sys.stderr.isatty() and not args.quiet else None
    try:
        return [
            _analyze_one(path, tz=args.tz, rule_ids=rule_ids, limits=limits, progress=progress)
            for path in args.paths
        ]
    finally:
        if progress is not None:
            progress.clear()


def _analyze_one(
    path: str,
    *,
    tz: str | None,
    rule_ids: list[str],
    limits: Limits,
    progress: Callable[[Progress], None] | None = None,
) -> Report:
    """One bundle, by rule ids so it can run in a worker process."""
    rules: list[Rule] = [r for r in ALL_RULES if r.id in rule_ids]
    return analyze(path, tz=tz, rules=rules, limits=limits, progress=progress)


def _timeline(args: argparse.Namespace) -> int:
    """Each bundle's timeline, narrowed like ``analyze``'s findings."""
    lang = args.lang or default_language()
    reports = [localize_report(r, lang) for r in _run(args, [r.id for r in ALL_RULES])]
    timelines = [select_timeline(r.timeline, **_window(r, args)) for r in reports]
    if args.format == "json":
        entries = [
            {"bundle": report.bundle, **entry.model_dump(mode="json")}
            for report, timeline in zip(reports, timelines, strict=True)
            for entry in timeline
        ]
        print(json.dumps(entries, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        tables = [render_timeline_csv(timeline) for timeline in timelines]
        sys.stdout.write(tables[0] + "".join(t.split("\r\n", 1)[1] for t in tables[1:]))
    else:
        for report, timeline in zip(reports, timelines, strict=True):
            shown = render_timeline_text(timeline, lang=lang)
            sys.stdout.write(f"{escape(report.bundle)}\n{shown}")
    return EXIT_OK


def _select(report: Report, args: argparse.Namespace) -> Report:
    return select_findings(report, **_window(report, args))


def _window(report: Report, args: argparse.Namespace) -> dict[str, Any]:
    """``--since``, ``--until`` (host time unless an offset is given) and ``--vm``."""
    return {
        "since": parse_moment(args.since, report) if args.since else None,
        "until": parse_moment(args.until, report) if args.until else None,
        "vm": args.vm,
    }


class _ProgressLine:
    """``files, lines, MB, MB/s`` on one stderr line, rewritten at most every 0.2 s."""

    def __init__(self) -> None:
        self._last = 0.0
        self._shown = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        self._shown = True
        sys.stderr.write(
            f"\r{progress.files} file(s), {progress.lines:,} lines, {progress.events:,} events,"
            f" {progress.bytes / 1e6:,.1f} MB, {progress.megabytes_per_second:,.1f} MB/s \x1b[K"
        )
        sys.stderr.flush()

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _colour(stream: TextIO, args: argparse.Namespace) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set."""
    return stream.isatty() and not args.no_color and "NO_COLOR" not in os.environ


def exit_code(reports: Sequence[Report], fail_on: str) -> int:
    """0, 1 or 3 as the module docstring describes."""
    if fail_on != "never":
        gate = Severity(fail_on).rank
        if any(f.severity.rank >= gate for r in reports for f in r.findings):
            return EXIT_FINDINGS
    return EXIT_OK if all(r.complete for r in reports) else EXIT_INCOMPLETE


def _parse(args: argparse.Namespace) -> int:
    """Every record of every file, read through the bundle reader (archives too, safely)."""
    for name in args.paths:
        bundle = open_bundle(name)
        for member, stream in bundle.members():
            write_jsonl(parse_stream(stream, member.path, args.kind or member.kind), sys.stdout)
        for diagnostic in bundle.diagnostics:
            print(f"avlogparse: {diagnostic.path}: {diagnostic.message}", file=sys.stderr)
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    lang = args.lang or default_language()
    if args.format == "markdown":
        sys.stdout.write(render_rule_catalog_markdown(lang))
    elif args.format == "json":
        catalog = []
        for rule in ALL_RULES:
            texts = rule_text(rule, lang)
            catalog.append(
                {
                    "id": rule.id,
                    "severity": rule.severity.value,
                    "title": texts.title,
                    "requires": sorted(k.value for k in rule.requires),
                    "description": texts.description,
                    "remediation": texts.remediation,
                    "references": list(rule.references),
                }
            )
        print(json.dumps(catalog, indent=2, ensure_ascii=False))
    else:
        for rule in ALL_RULES:
            print(f"{rule.id:<30} {rule.severity.value:<9} {rule_text(rule, lang).title}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
