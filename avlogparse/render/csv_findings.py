"""Findings as CSV for spreadsheets: one row per finding, RFC 4180, header row always.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break, or with one of
those (or their full-width forms, U+FF1D, U+FF0B, U+FF0D, U+FF20) after leading white space,
gets a leading ``'``, so a spreadsheet shows the log text instead of running it as a formula
(CSV injection). Evidence is ``path:line; path:line``; remediation steps are one per line.
"""

from __future__ import annotations

import csv
import io

from avlogparse.models.findings import Finding
from avlogparse.models.report import Report

COLUMNS = (
    "id",
    "rule_id",
    "severity",
    "title",
    "vm_name",
    "vm_id",
    "host",
    "first_seen",
    "last_seen",
    "message",
    "evidence",
    "remediation",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# What spreadsheets also read as the start of a formula: the full-width and small forms of
# ``= + - @`` (Excel folds them on Japanese systems), after any leading white space (NBSP
# and the ideographic space included), which spreadsheets skip.
_WIDE_FORMULA_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63")


def render_csv(report: Report) -> str:
    """The findings as CSV text (CRLF line ends, as RFC 4180 has them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for finding in report.findings:
        writer.writerow([neutralise(cell) for cell in _row(finding)])
    return out.getvalue()


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will not take for a formula.

    >>> neutralise("=HYPERLINK(1)"), neutralise("SQL-PROD01")
    ("'=HYPERLINK(1)", 'SQL-PROD01')
    """
    if cell.startswith(_FORMULA_STARTS):
        return f"'{cell}"
    stripped = cell.lstrip()  # str.isspace: NBSP, U+3000 and the other spaces too
    if stripped.startswith(_FORMULA_STARTS + _WIDE_FORMULA_STARTS):
        return f"'{cell}"
    return cell


def _row(finding: Finding) -> list[str]:
    vm = finding.vm
    return [
        finding.id,
        finding.rule_id,
        finding.severity.value,
        finding.title,
        (vm.name or "") if vm else "",
        (vm.id or "") if vm else "",
        finding.host or "",
        finding.first_seen.isoformat() if finding.first_seen else "",
        finding.last_seen.isoformat() if finding.last_seen else "",
        finding.message,
        "; ".join(str(e.location) for e in finding.evidence),
        "\n".join(finding.remediation),
    ]
