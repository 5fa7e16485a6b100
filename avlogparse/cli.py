"""The ``avlogparse`` command.

Exit codes (for CI): 0 nothing at or above ``--fail-on`` and every input read; 1 findings
at or above it; 2 usage error or nothing analysable; 3 no such findings, but part of the
input could not be read (refused members, truncated files) — "could not judge".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from avlogparse.bundle import open_bundle
from avlogparse.engine import analyze, tool_version
from avlogparse.errors import AvlogparseError
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.parsers import parse_stream
from avlogparse.render.records_jsonl import write_jsonl
from avlogparse.render.text import render_text
from avlogparse.rules import ALL_RULES
from avlogparse.sniff import Kind

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="avlogparse",
        description="Diagnose Avamar Hyper-V backup failures from a collected log bundle.",
    )
    parser.add_argument("--version", action="version", version=f"avlogparse {tool_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze_cmd = commands.add_parser("analyze", help="diagnose a bundle (folder, file, archive)")
    analyze_cmd.add_argument("paths", nargs="+", metavar="PATH")
    analyze_cmd.add_argument("--format", choices=("text", "json"), default="text")
    analyze_cmd.add_argument("-o", "--output", metavar="FILE", help="write here, not stdout")
    analyze_cmd.add_argument("--tz", help="host time zone: IANA name or +hh:mm (default: inferred)")
    analyze_cmd.add_argument(
        "--fail-on",
        choices=[*(s.value for s in Severity), "never"],
        default="error",
        help="exit 1 when a finding is at or above this severity (default: error)",
    )
    analyze_cmd.add_argument("--rule", action="append", metavar="ID", help="run only these rules")
    analyze_cmd.add_argument("--disable-rule", action="append", default=[], metavar="ID")
    analyze_cmd.add_argument("--no-color", action="store_true", help="plain text output")
    analyze_cmd.add_argument("-v", "--verbose", action="store_true", help="all evidence lines")

    parse_cmd = commands.add_parser("parse", help="print the parsed records of files or folders")
    parse_cmd.add_argument("paths", nargs="+", metavar="PATH")
    parse_cmd.add_argument("--format", choices=("jsonl",), default="jsonl")
    parse_cmd.add_argument("--kind", choices=[k.value for k in Kind if k is not Kind.UNKNOWN])

    commands.add_parser("schema", help="print the JSON Schema of the report")
    rules_cmd = commands.add_parser("rules", help="list the rules")
    rules_cmd.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "parse":
            return _parse(args)
        if args.command == "schema":
            print(json.dumps(Report.model_json_schema(), indent=2))
            return EXIT_OK
        return _rules(args)
    except AvlogparseError as error:
        if args.debug:
            traceback.print_exc()
        print(f"avlogparse: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the CLI never shows a traceback without --debug
        if args.debug:
            traceback.print_exc()
        print(f"avlogparse: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_USAGE


def _analyze(args: argparse.Namespace) -> int:
    selected = [r for r in ALL_RULES if args.rule is None or r.id in args.rule]
    selected = [r for r in selected if r.id not in args.disable_rule]
    known = {r.id for r in ALL_RULES}
    unknown = [i for i in (args.rule or []) + args.disable_rule if i not in known]
    if unknown:
        print(f"avlogparse: unknown rule id(s): {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    reports = [analyze(path, tz=args.tz, rules=selected) for path in args.paths]
    rendered = "".join(
        report.model_dump_json(indent=2) + "\n"
        if args.format == "json"
        else render_text(report, colour=_colour(args) and not args.output, verbose=args.verbose)
        for report in reports
    )
    if args.output:
        Path(args.output).write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    return exit_code(reports, args.fail_on)


def _colour(args: argparse.Namespace) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set."""
    return sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ


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
    if args.format == "json":
        catalog = [
            {
                "id": r.id,
                "severity": r.severity.value,
                "title": r.title,
                "requires": sorted(k.value for k in r.requires),
                "description": r.description,
                "remediation": list(r.remediation),
                "references": list(r.references),
            }
            for r in ALL_RULES
        ]
        print(json.dumps(catalog, indent=2))
    else:
        for rule in ALL_RULES:
            print(f"{rule.id:<30} {rule.severity.value:<9} {rule.title}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
