"""Renderers: records and reports to text, JSON and the other output formats.

:data:`RENDERERS` maps each machine format name to a function from a :class:`Report` to the
text of that format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from xml.etree import ElementTree

from avlogparse.errors import ConfigError
from avlogparse.i18n.localize import localize_report
from avlogparse.models.report import Report
from avlogparse.render.csv_findings import render_csv
from avlogparse.render.findings_jsonl import render_findings_jsonl
from avlogparse.render.github import render_github
from avlogparse.render.html import render_html
from avlogparse.render.junit import render_junit
from avlogparse.render.sarif import render_sarif
from avlogparse.render.text import render_text


def render_json(report: Report) -> str:
    """The full report as indented JSON (the versioned schema ``avlogparse schema`` prints)."""
    return "".join(iter_json(report))


def iter_json(report: Report) -> Iterator[str]:
    """:func:`render_json` in pieces, a top-level field at a time.

    The report of a big bundle is tens of MB of JSON; written piece by piece it never sits
    in memory whole (with pydantic's buffer beside it). The joined pieces are byte for byte
    ``report.model_dump_json(indent=2)``.
    """
    yield "{"
    names = [*type(report).model_fields, *type(report).model_computed_fields]
    for index, name in enumerate(names):
        piece = report.model_dump_json(indent=2, include={name})  # {\n  "name": …\n}
        yield ",\n" if index else "\n"
        yield piece[2:-2]
    yield "\n}"


RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "csv": render_csv,
    "jsonl": render_findings_jsonl,
    "html": render_html,
    "github": render_github,
}


FORMATS: tuple[str, ...] = ("text", *RENDERERS)
"""Every format ``analyze --format`` writes: the text report plus the machine formats."""

SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".sarif": "sarif",
    ".xml": "junit",
    ".junit": "junit",
    ".html": "html",
    ".htm": "html",
    ".github": "github",
}
"""The format an output file's suffix names (``-o report.sarif -o report.html``)."""

CSV_BOM = "\ufeff"
"""What makes Excel read a CSV file as UTF-8 (``--excel``; by default under ``--lang ja``,
where Excel on Japanese Windows would otherwise read it as Shift-JIS)."""


def format_of_path(path: str) -> str | None:
    """The format of an output file by its suffix (``report.sarif.json`` is SARIF)."""
    name = path.lower()
    if name.endswith(".sarif.json"):
        return "sarif"
    dot = name.rfind(".")
    return SUFFIXES.get(name[dot:]) if dot >= 0 else None


def render_reports(
    reports: Sequence[Report],
    fmt: str,
    *,
    lang: str = "en",
    colour: bool = False,
    verbose: bool = False,
    excel: bool = False,
) -> str:
    """Several bundles' reports as ONE document of ``fmt``, texts in ``lang``.

    One SARIF log with a run per bundle, one ``<testsuites>``, one CSV header, a JSON array
    (a single object for one bundle); text and JSONL are simply concatenated.
    """
    pieces = iter_reports(reports, fmt, lang=lang, colour=colour, verbose=verbose, excel=excel)
    return "".join(pieces)


def iter_reports(
    reports: Sequence[Report],
    fmt: str,
    *,
    lang: str = "en",
    colour: bool = False,
    verbose: bool = False,
    excel: bool = False,
) -> Iterator[str]:
    """:func:`render_reports` in pieces to write one after the other: the JSON of one bundle
    comes a field at a time (see :func:`iter_json`), other documents whole. Errors (an
    unknown format, HTML of several bundles) are raised by the call, before any piece.
    ``excel``: a CSV document starts with a UTF-8 BOM (:data:`CSV_BOM`)."""
    reports = [r if r.lang == lang else localize_report(r, lang) for r in reports]
    if fmt == "text":
        return iter([render_text(r, colour=colour, verbose=verbose) for r in reports])
    if fmt not in RENDERERS:
        raise ConfigError(f"unknown format {fmt!r} (one of text, {', '.join(RENDERERS)})")
    if fmt == "json" and len(reports) == 1:
        return chain(iter_json(reports[0]), "\n")
    document = _document(fmt, [RENDERERS[fmt](r) for r in reports])
    return iter([CSV_BOM + document if fmt == "csv" and excel else document])


def _document(fmt: str, parts: list[str]) -> str:
    """The parts of several reports (or one) combined into one document of ``fmt``."""
    if len(parts) == 1:
        return parts[0] if parts[0].endswith("\n") else parts[0] + "\n"
    return _COMBINE.get(fmt, "".join)(parts)


def _json_array(parts: list[str]) -> str:
    return "[\n" + ",\n".join(parts) + "\n]\n"


def _sarif_runs(parts: list[str]) -> str:
    logs = [json.loads(part) for part in parts]
    combined = {**logs[0], "runs": [run for log in logs for run in log["runs"]]}
    return json.dumps(combined, indent=2, ensure_ascii=False) + "\n"


def _junit_suites(parts: list[str]) -> str:
    roots = [ElementTree.fromstring(part) for part in parts]
    combined = ElementTree.Element("testsuites", {"name": "avlogparse"})
    for counter in ("tests", "failures", "errors", "skipped"):
        total = sum(int(root.get(counter, "0")) for root in roots)
        combined.set(counter, str(total))
    for root in roots:
        combined.extend(root.findall("testsuite"))
    ElementTree.indent(combined)
    return ElementTree.tostring(combined, encoding="unicode", xml_declaration=True) + "\n"


def _csv_rows(parts: list[str]) -> str:
    return parts[0] + "".join(part.split("\r\n", 1)[1] for part in parts[1:])


def _one_html(parts: list[str]) -> str:
    raise ConfigError("--format html writes one bundle per file: analyse the bundles one by one")


_COMBINE: dict[str, Callable[[list[str]], str]] = {
    "json": _json_array,
    "sarif": _sarif_runs,
    "junit": _junit_suites,
    "csv": _csv_rows,
    "html": _one_html,
    "github": "".join,
}

__all__ = [
    "CSV_BOM",
    "FORMATS",
    "RENDERERS",
    "SUFFIXES",
    "format_of_path",
    "iter_json",
    "iter_reports",
    "render_csv",
    "render_findings_jsonl",
    "render_github",
    "render_html",
    "render_json",
    "render_junit",
    "render_reports",
    "render_sarif",
]
