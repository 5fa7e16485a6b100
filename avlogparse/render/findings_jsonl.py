"""Findings as JSON Lines: one object per finding, for log pipelines and ``jq``.

Each object is the finding as in the JSON report (``Finding`` fields, same names), preceded
by ``schema_version`` (the report schema it follows) and ``bundle``, so a line read on its
own still says what it is and where it came from. U+0085, U+2028 and U+2029 are written as
``\\uXXXX`` escapes, so a reader that splits on every Unicode line break still sees one object
a line.
"""

from __future__ import annotations

import json

from avlogparse.models.report import Report
from avlogparse.render.safe import json_line_safe


def render_findings_jsonl(report: Report) -> str:
    """One JSON object per finding, one per line; empty text when there are no findings."""
    header = {"schema_version": report.schema_version, "bundle": report.bundle}
    return "".join(
        json_line_safe(
            json.dumps({**header, **finding.model_dump(mode="json")}, ensure_ascii=False)
        )
        + "\n"
        for finding in report.findings
    )
