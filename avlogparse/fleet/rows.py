"""A report as plain rows for the fleet store: tuples of str/int/float/bool/datetime/list.

Runs in the workers, so it is picklable data only and needs neither duckdb nor pandas.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from avlogparse.fleet.schema import BUNDLES, DATA_TABLES
from avlogparse.models.findings import Finding
from avlogparse.models.report import Report

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]
"""Table name → rows in that table's column order (see :mod:`avlogparse.fleet.schema`)."""

_HRESULT = re.compile(r"\b0x[0-9A-Fa-f]{8}\b")
MAX_ERROR_CHARS = 4000


def utc(moment: datetime | None) -> datetime | None:
    """An aware time as naive UTC (the store's TIMESTAMP columns); naive times as given."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def hresult_of(finding: Finding) -> str | None:
    """The HRESULT a finding is about: its message args, its data, else its evidence."""
    for source in (finding.message_args, finding.data):
        value = source.get("hresult")
        if isinstance(value, str) and _HRESULT.fullmatch(value):
            return "0x" + value[2:].upper()
    for item in finding.evidence:
        match = _HRESULT.search(item.text)
        if match:
            return "0x" + match.group()[2:].upper()
    return None


def _main_host(report: Report) -> tuple[str | None, list[str]]:
    named = Counter(f.host for f in report.findings if f.host)
    hosts = set(named) | {e.host for e in report.timeline if e.host}
    if not named:
        return None, sorted(hosts)
    top = max(named.values())
    return min(h for h, n in named.items() if n == top), sorted(hosts)


def empty_rows() -> Rows:
    return {table.name: [] for table in DATA_TABLES}


def report_rows(
    report: Report, path: str, content_hash: str, size: int, elapsed: float
) -> Rows:
    """Every row one analysed bundle gives, with status ``done``."""
    rows = empty_rows()
    key = content_hash
    host, hosts = _main_host(report)
    worst = report.worst_severity()
    alignment = report.time_alignment
    rows["bundles"].append(
        (
            key, path, size, host, hosts, now_utc(), report.tool.version,
            report.schema_version, "done", None, elapsed, alignment.source, alignment.zone,
            alignment.offset_minutes, alignment.anchors, report.complete, report.stats.files,
            report.stats.lines, report.stats.events, len(report.findings),
            worst.value if worst else None,
        )
    )  # fmt: skip
    for ordinal, item in enumerate(report.inputs):
        rows["inputs"].append(
            (
                key, ordinal, item.path, item.kind, item.status, item.reason, item.encoding,
                item.bytes, item.lines, item.events, item.records, item.unparsed, item.complete,
            )
        )  # fmt: skip
    for ordinal, finding in enumerate(report.findings):
        rows["findings"].append(
            (
                key, ordinal, finding.id, finding.rule_id, finding.severity.value,
                finding.severity.rank, finding.vm.name if finding.vm else None,
                finding.vm.id if finding.vm else None, finding.host, utc(finding.first_seen),
                utc(finding.last_seen), finding.message_id or None,
                json.dumps(finding.message_args, sort_keys=True, ensure_ascii=False,
                           default=str),
                finding.message, hresult_of(finding), list(finding.explained_by),
                list(finding.missing_link_ids), len(finding.evidence),
            )
        )  # fmt: skip
        for number, proof in enumerate(finding.evidence):
            rows["evidence"].append(
                (
                    key, ordinal, finding.id, number, proof.path, proof.line, proof.source,
                    utc(proof.timestamp), proof.role, proof.text,
                )
            )  # fmt: skip
    for ordinal, diagnostic in enumerate(report.diagnostics):
        rows["diagnostics"].append(
            (
                key, ordinal, diagnostic.severity.value, diagnostic.code, diagnostic.message,
                diagnostic.path, diagnostic.line, diagnostic.limit,
            )
        )  # fmt: skip
    for ordinal, shape in enumerate(report.unparsed_shapes):
        rows["unparsed_shapes"].append(
            (
                key, ordinal, shape.kind, shape.template, shape.count, shape.example,
                shape.example_path, shape.example_line,
            )
        )  # fmt: skip
    return rows


def failed_rows(
    path: str, content_hash: str, size: int, error: BaseException | str, tool_version: str,
    elapsed: float = 0.0,
) -> Rows:
    """The one ``bundles`` row of a bundle whose analysis raised."""
    if isinstance(error, BaseException):
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
    else:
        text = error
    rows = empty_rows()
    row: list[Any] = [None] * len(BUNDLES.columns)
    values = {
        "content_hash": content_hash, "path": path, "size": size, "hosts": [],
        "analysed_at": now_utc(), "tool_version": tool_version, "status": "failed",
        "error": text[:MAX_ERROR_CHARS], "elapsed_seconds": elapsed,
    }  # fmt: skip
    for index, name in enumerate(BUNDLES.names):
        if name in values:
            row[index] = values[name]
    rows["bundles"].append(tuple(row))
    return rows


def analyse_bundle(
    path: str, content_hash: str, size: int, options: dict[str, Any] | None = None
) -> Rows:
    """The worker's task: analyse one bundle and return its rows; never raises on bad input.

    ``options``: ``tz`` (str or None) and ``limits`` (``--limit`` strings). Anything the
    analysis raises — no bundle, a hostile archive, a bug — is a ``failed`` row.
    """
    from avlogparse.engine import analyze, tool_version
    from avlogparse.limits import limits_from_options

    options = options or {}
    started = time.perf_counter()
    try:
        limits = limits_from_options(list(options.get("limits") or []))
        report = analyze(path, tz=options.get("tz"), limits=limits, lang="en")
        return report_rows(report, path, content_hash, size, time.perf_counter() - started)
    except Exception as error:  # one bundle's failure is a row, never the end of the run
        return failed_rows(
            path, content_hash, size, error, tool_version(), time.perf_counter() - started
        )


__all__ = ["Row", "Rows", "analyse_bundle", "failed_rows", "report_rows"]
