"""Renderers: records and reports to text, JSON and the other output formats.

:data:`RENDERERS` maps each machine format name to a function from a :class:`Report` to the
text of that format.
"""

from __future__ import annotations

from collections.abc import Callable

from avlogparse.models.report import Report
from avlogparse.render.csv_findings import render_csv
from avlogparse.render.findings_jsonl import render_findings_jsonl
from avlogparse.render.junit import render_junit
from avlogparse.render.sarif import render_sarif


def render_json(report: Report) -> str:
    """The full report as indented JSON (the versioned schema ``avlogparse schema`` prints)."""
    return report.model_dump_json(indent=2)


RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "csv": render_csv,
    "jsonl": render_findings_jsonl,
}

__all__ = [
    "RENDERERS",
    "render_csv",
    "render_findings_jsonl",
    "render_json",
    "render_junit",
    "render_sarif",
]
