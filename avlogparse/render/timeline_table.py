"""The timeline as text (one block per VM) or CSV, for ``avlogparse timeline``.

The text's own words (severities, headings) are in the chosen language; a kind stays its
stable id (``merge-failed``), the name to filter on, as a rule id does.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from itertools import groupby

from avlogparse.i18n import text
from avlogparse.models.findings import VmRef
from avlogparse.models.timeline import Timeline, TimelineEntry
from avlogparse.render.csv_findings import neutralise
from avlogparse.render.safe import escape

CSV_COLUMNS = ("time", "host_time", "vm_name", "vm_id", "host", "kind", "severity", "label",
               "path", "line", "finding_id")  # fmt: skip


def render_timeline_text(timeline: Timeline, *, lang: str = "en") -> str:
    """Per VM, in time order: host time, what happened, where it is written; in ``lang``
    (the labels as they are: see :func:`~avlogparse.i18n.localize_report`).

    >>> print(render_timeline_text(Timeline()), end="")
    (no timeline entries)
    >>> print(render_timeline_text(Timeline(), lang="ja"), end="")
    (タイムラインの項目はありません)
    """
    if not timeline:
        return text("timeline.text.empty", lang) + "\n"
    out: list[str] = []
    for label, entries in groupby(sorted(timeline, key=_lane), key=_vm_label):
        out.append(escape(label) if label else text("timeline.text.job-wide", lang))
        for entry in entries:
            severity = text(f"severity.{entry.severity.value}", lang) if entry.severity else ""
            mark = f" [{severity}]" if severity else ""
            out.append(
                f"  {entry.host_time:%Y-%m-%d %H:%M:%S %z}  {entry.kind:<17} "
                f"{escape(entry.label)}{mark}  ({escape(str(entry.location))})"
            )
        out.append("")
    return "\n".join(out)


def render_timeline_csv(timeline: Timeline) -> str:
    """One row per entry (RFC 4180), times in ISO 8601."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in timeline:
        vm = e.vm or VmRef()
        row = [
            e.time.isoformat(), e.host_time.isoformat(), vm.name or "", vm.id or "",
            e.host or "", e.kind, e.severity.value if e.severity else "", e.label, e.path,
            str(e.line), e.finding_id or "",
        ]  # fmt: skip
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def _lane(entry: TimelineEntry) -> tuple[str, datetime]:
    return (_vm_label(entry), entry.time)


def _vm_label(entry: TimelineEntry) -> str:
    return entry.vm.label() if entry.vm else ""
