"""The ``avlogparse`` command.

Exit codes (for CI): 0 nothing at or above ``--fail-on`` and every input read; 1 findings
at or above it; 2 usage error or nothing analysable; 3 no such findings, but part of the
input could not be read (refused members, truncated files) — "could not judge"; 130
interrupted (Ctrl-C). Mistakes are loud: an unknown ``--vm`` (the message lists the
closest names), a ``--since`` after ``--until``, an unknown rule id are exit 2, in the
``--lang`` language; ``parse`` writes each file's diagnostics on stderr and exits 3 when
a file could not be read (not a log it knows, truncated). With several bundles, one that
cannot be analysed is a refused input of its own report in the document (and one line on
stderr); the others are reported as usual; 2 only when none could be analysed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TextIO

from avlogparse.bundle import open_bundle
from avlogparse.correlation.hosts import parse_cluster_option
from avlogparse.engine import Progress, analyze, tool_version
from avlogparse.errors import (
    AvlogparseError,
    ConfigError,
    InputAccessError,
    InputNotFoundError,
    NotABundleError,
)
from avlogparse.i18n import LANGUAGES, default_language, text
from avlogparse.i18n.localize import localize_report, rule_text
from avlogparse.limits import Limits, limits_from_options
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity
from avlogparse.models.report import InputFile, Report, ReportStats, TimeAlignment, ToolInfo
from avlogparse.models.severity import Severity
from avlogparse.render import FORMATS, format_of_path, iter_reports
from avlogparse.render.records_jsonl import write_jsonl
from avlogparse.render.rule_catalog import render_rule_catalog_markdown
from avlogparse.render.safe import escape
from avlogparse.render.timeline_table import render_timeline_csv, render_timeline_text
from avlogparse.rules import ALL_RULES, Rule
from avlogparse.select import (
    SelectionError,
    check_vm,
    check_window,
    parse_moment,
    select_findings,
    select_timeline,
)
from avlogparse.sources import SOURCES, parse_stream

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
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
    analyze_cmd.add_argument("--format", choices=FORMATS, default=None, help="default: text")
    analyze_cmd.add_argument(
        "-o",
        "--output",
        action="append",
        metavar="FILE",
        help="write here, not stdout; several -o write several formats from one run, each "
        "named by its suffix (.txt .json .jsonl .csv .sarif .xml/.junit .html .github)",
    )
    analyze_cmd.add_argument(
        "--excel",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="CSV with a UTF-8 BOM so Excel reads it right (default: on under --lang ja)",
    )
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
    parse_cmd.add_argument("--kind", choices=[source.kind for source in SOURCES])

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
        "--cluster",
        action="append",
        default=[],
        type=_cluster_option,
        metavar="NAME=NODE1,NODE2",
        help="hosts that are nodes of one failover cluster (see docs/guide/clusters.md)",
    )
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


def _cluster_option(text: str) -> tuple[str, list[str]]:
    try:
        return parse_cluster_option(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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
    try:
        args = parser.parse_args(_joined_offsets(sys.argv[1:] if argv is None else list(argv)))
    except KeyboardInterrupt:
        return _interrupted()
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
            # the form the report is written in (incidents included, see schema 1.3)
            print(json.dumps(Report.model_json_schema(mode="serialization"), indent=2))
            return EXIT_OK
        return _rules(args)
    except SelectionError as error:
        if args.debug:
            traceback.print_exc()
        lang = getattr(args, "lang", None) or default_language()
        print(f"avlogparse: {escape(error.text(lang))}", file=sys.stderr)
        return EXIT_USAGE
    except AvlogparseError as error:
        if args.debug:
            traceback.print_exc()
        print(f"avlogparse: {escape(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as error:  # the CLI never shows a traceback without --debug
        if args.debug:
            traceback.print_exc()
        print(
            f"avlogparse: internal error: {type(error).__name__}: {escape(str(error))}",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _interrupted() -> int:
    """Ctrl-C: one line, no traceback, exit 130."""
    print("avlogparse: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


_OFFSET = re.compile(r"-\d{1,2}(:?\d{2})?")


def _joined_offsets(argv: list[str]) -> list[str]:
    """``--tz -12:00`` as people type it: argparse would take ``-12:00`` for an option."""
    joined: list[str] = []
    position = 0
    while position < len(argv):
        word = argv[position]
        following = argv[position + 1] if position + 1 < len(argv) else ""
        if word == "--tz" and _OFFSET.fullmatch(following):
            joined.append(f"--tz={following}")
            position += 2
            continue
        joined.append(word)
        position += 1
    return joined


def _check_output(output: str, inputs: Sequence[str]) -> None:
    """``-o`` must name a file that can be written, and none of the inputs (checked before
    any analysis, so a typo costs nothing and a bundle is never overwritten)."""
    shown = escape(output)
    if os.path.isdir(output):
        raise ConfigError(f"-o {shown}: is a folder; name a file")
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise ConfigError(f"-o {shown}: no such folder: {escape(folder)}")
    if os.path.exists(output):  # an existing file: never one of the inputs, or in one
        real = os.path.realpath(output)
        for path in inputs:
            try:
                same = os.path.exists(path) and os.path.samefile(output, path)
            except OSError:
                same = False
            inside = os.path.isdir(path) and real.startswith(os.path.realpath(path) + os.sep)
            if same or inside:
                raise ConfigError(
                    f"-o {shown}: is one of the inputs (or in one); it would be overwritten"
                )


def _analyze(args: argparse.Namespace) -> int:
    known = {r.id for r in ALL_RULES}
    unknown = [i for i in (args.rule or []) + args.disable_rule if i not in known]
    if unknown:
        raise SelectionError("err.unknown-rules", ids=", ".join(unknown))
    rule_ids = [
        r.id for r in ALL_RULES if (args.rule is None or r.id in args.rule)
        and r.id not in args.disable_rule
    ]  # fmt: skip
    lang = args.lang or default_language()
    outputs = _outputs(args)
    for path, _ in outputs:
        _check_output(path, args.paths)
    analysed = _run(args, rule_ids)
    if args.vm:
        check_vm(analysed, args.vm)
    reports = [_select(report, args) for report in analysed]
    excel = args.excel if args.excel is not None else lang == "ja"
    if not outputs:
        colour = _colour(sys.stdout, args)
        rendered = iter_reports(
            reports, args.format or "text", lang=lang, colour=colour, verbose=args.verbose,
            excel=excel,
        )  # fmt: skip
        if not args.quiet:
            _write_in_pieces(sys.stdout, rendered)
    for path, fmt in outputs:
        rendered = iter_reports(
            reports, fmt, lang=lang, colour=False, verbose=args.verbose, excel=excel
        )
        try:
            output = open(  # noqa: SIM115 - closed below; an open error is a usage error
                path, "w", encoding="utf-8", errors="backslashreplace", newline=""
            )
        except OSError as error:
            raise ConfigError(f"-o {escape(path)}: {escape(str(error))}") from None
        with output:
            _write_in_pieces(output, rendered)
    return exit_code(reports, args.fail_on)


def _outputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """``-o`` files with their formats: ``--format`` for a single ``-o``, else each file's
    suffix (checked before any analysis, like the files themselves)."""
    paths: list[str] = args.output or []
    if len(paths) == 1 and (args.format or format_of_path(paths[0]) is None):
        return [(paths[0], args.format or "text")]
    found = []
    for path in paths:
        fmt = format_of_path(path)
        if fmt is None:
            raise SelectionError("err.output-suffix", path=path)
        found.append((path, fmt))
    return found


def _write_in_pieces(output: TextIO, pieces: Iterable[str], size: int = 1 << 20) -> None:
    """Write each piece a MiB at a time: the report of a big bundle is tens of MB of JSON,
    and encoding it in one go would hold another copy of it in memory."""
    for piece in pieces:
        for start in range(0, len(piece), size):
            output.write(piece[start : start + size])


def _run(args: argparse.Namespace, rule_ids: list[str]) -> list[Report]:
    """Analyse every bundle: in this process, or in ``--jobs`` worker processes.

    One bundle: its error is raised (one line, exit 2). Several: a bundle that cannot be
    analysed becomes a report of its own saying why (see :func:`_failed_report`), so the
    others' findings are never lost; only when none could be analysed is it exit 2.
    """
    limits = limits_from_options(args.limit)
    clusters = dict(getattr(args, "cluster", None) or []) or None
    analyse = partial(
        _analyze_one, tz=args.tz, rule_ids=rule_ids, limits=limits, clusters=clusters
    )
    if args.jobs > 1 and len(args.paths) > 1:
        outcomes = _in_workers(analyse, args.paths, args.jobs)
    else:
        progress = _ProgressLine() if sys.stderr.isatty() and not args.quiet else None
        try:
            outcomes = [analyse(path, progress=progress) for path in args.paths]
        finally:
            if progress is not None:
                progress.clear()
    failures = [outcome for outcome in outcomes if isinstance(outcome, _Failed)]
    for failure in failures:
        if args.debug and failure.detail:
            print(failure.detail, file=sys.stderr, end="")
    if len(failures) == len(outcomes) == 1:
        raise NotABundleError(failures[0].line())
    for failure in failures:
        print(f"avlogparse: {escape(failure.line())}", file=sys.stderr)
    if len(failures) == len(outcomes):
        raise NotABundleError(f"none of the {len(outcomes)} bundles could be analysed")
    return [o if isinstance(o, Report) else _failed_report(o) for o in outcomes]


def _in_workers(
    analyse: Callable[[str], Report | _Failed], paths: list[str], jobs: int
) -> list[Report | _Failed]:
    """``--jobs``: workers ignore Ctrl-C (no traceback from each); this process stops them."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        return list(pool.map(analyse, paths))
    except KeyboardInterrupt:
        workers: dict[int, Any] = dict(getattr(pool, "_processes", None) or {})
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers.values():  # they ignore SIGINT: stopped here, at once
            worker.terminate()
        raise
    finally:
        pool.shutdown(wait=True)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Failed:
    """Why one bundle of several could not be analysed (picklable, from a worker)."""

    def __init__(self, path: str, code: str, message: str, detail: str | None = None) -> None:
        self.path, self.code, self.message, self.detail = path, code, message, detail

    def line(self) -> str:
        if self.code == "internal-error":
            return f"{self.path}: internal error: {self.message}"
        return self.message


def _analyze_one(
    path: str,
    *,
    tz: str | None,
    rule_ids: list[str],
    limits: Limits,
    progress: Callable[[Progress], None] | None = None,
    clusters: dict[str, list[str]] | None = None,
) -> Report | _Failed:
    """One bundle, by rule ids so it can run in a worker process; what stops it is a
    :class:`_Failed` (a usage error, such as a bad ``--tz``, is still raised)."""
    rules: list[Rule] = [r for r in ALL_RULES if r.id in rule_ids]
    try:
        return analyze(
            path, tz=tz, rules=rules, limits=limits, progress=progress, clusters=clusters
        )
    except ConfigError:
        raise
    except InputNotFoundError as error:
        return _Failed(path, "not-found", str(error))
    except InputAccessError as error:
        return _Failed(path, "unreadable", str(error))
    except NotABundleError as error:
        return _Failed(path, "nothing-analysable", str(error))
    except Exception as error:  # MemoryError too: this bundle fails, not the others
        message = f"{type(error).__name__}: {error}"
        return _Failed(path, "internal-error", message, "".join(traceback.format_exception(error)))


def _failed_report(failure: _Failed) -> Report:
    """The report of a bundle that could not be analysed: one refused input, the reason."""
    shown = escape(os.path.basename(failure.path.rstrip("/\\")) or failure.path)
    severity = DiagnosticSeverity.ERROR
    return Report(
        tool=ToolInfo(version=tool_version()),
        bundle=failure.path,
        inputs=[
            InputFile(
                path=shown,
                kind="unknown",
                status="refused",
                reason=f"{failure.code}: {failure.message}",
                complete=False,
            )
        ],
        diagnostics=[
            Diagnostic(
                severity=severity,
                code=failure.code,
                message=f"bundle not analysed: {failure.message}",
                path=shown,
                detail=failure.detail,
            )
        ],
        stats=ReportStats(files=1, files_refused=1),
        time_alignment=TimeAlignment(
            source="assumed", zone="UTC", offset_minutes=0, reason="the bundle was not analysed"
        ),
    )


def _timeline(args: argparse.Namespace) -> int:
    """Each bundle's timeline, narrowed like ``analyze``'s findings."""
    lang = args.lang or default_language()
    reports = [localize_report(r, lang) for r in _run(args, [r.id for r in ALL_RULES])]
    if args.vm:
        check_vm(reports, args.vm)
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
    """``--since``, ``--until`` (host time unless an offset is given) and ``--vm``; an empty
    ``--since ''`` is not a time, a window that ends before it starts is an error."""
    since = parse_moment(args.since, report) if args.since is not None else None
    until = parse_moment(args.until, report) if args.until is not None else None
    check_window(since, until)
    return {"since": since, "until": until, "vm": args.vm}


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
    """Every record of every file, read through the bundle reader (archives too, safely).

    Each file's diagnostics (not a log it reads, truncated XML, a fallback encoding …) go to
    stderr as they come; exit 3 when any file, or the bundle, could not be read whole."""
    incomplete = 0
    for name in args.paths:
        bundle = open_bundle(name)
        for member, stream in bundle.members():
            parsed = parse_stream(stream, member.path, args.kind or member.kind)
            write_jsonl(parsed, sys.stdout)
            for diagnostic in parsed.stats.diagnostics:
                _diagnostic_line(diagnostic.path or member.path, diagnostic)
            incomplete += not parsed.stats.complete
        for diagnostic in bundle.diagnostics:
            _diagnostic_line(diagnostic.path or name, diagnostic)
            incomplete += diagnostic.severity is not DiagnosticSeverity.INFO
        for item in bundle.inventory:
            if item.status == "unknown":  # never yielded: not a log of a kind it knows
                lang = default_language()
                message = text("parse.unknown-kind", lang)
                unknown = Diagnostic(
                    severity=DiagnosticSeverity.INFO, code="unknown-kind", message=message
                )
                _diagnostic_line(item.path, unknown)
                incomplete += 1
    sys.stdout.flush()
    return EXIT_INCOMPLETE if incomplete else EXIT_OK


def _diagnostic_line(path: str, diagnostic: Diagnostic) -> None:
    """``avlogparse: PATH: severity code: message`` on stderr (escaped: paths are input)."""
    print(
        f"avlogparse: {escape(path)}: {diagnostic.severity.value} {escape(diagnostic.code)}: "
        f"{escape(diagnostic.message)}",
        file=sys.stderr,
    )


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
                    "requires": sorted(rule.requires),
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
