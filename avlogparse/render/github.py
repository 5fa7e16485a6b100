"""Findings as GitHub Actions workflow annotations (``--format github``), as ruff and other
linters offer: one ``::error``/``::warning``/``::notice`` line per finding, at its first
evidence line, which the Actions runner shows on the job summary and, for files in the
repository, on the file itself.

Values are escaped as the runner's workflow-command parser expects (``%``, CR and LF in the
message; also ``:`` and ``,`` in the properties), and every untrusted text passes through
:func:`~avlogparse.render.safe.escape` first, so a log line can never issue a command of
its own (``::add-mask::``, ``::stop-commands::``).
"""

from __future__ import annotations

from avlogparse.models.findings import Finding
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.render.safe import escape

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def render_github(report: Report) -> str:
    """One workflow command per finding, worst first (an empty string when none)."""
    return "".join(annotation(finding) + "\n" for finding in report.findings)


def annotation(finding: Finding) -> str:
    """``::error file=…,line=…,title=…::message`` for one finding."""
    properties = []
    if finding.evidence:
        first = finding.evidence[0]
        properties += [f"file={_property(first.path)}", f"line={first.line}"]
    title = f"{finding.rule_id}: {finding.title}"
    if finding.vm is not None:
        title += f" [{finding.vm.label()}]"
    properties.append(f"title={_property(title)}")
    message = finding.message
    if finding.remediation:
        message += "\n" + "\n".join(f"{n}. {s}" for n, s in enumerate(finding.remediation, 1))
    return f"::{LEVELS[finding.severity]} {','.join(properties)}::{_data(message)}"


def _data(value: str) -> str:
    value = "\n".join(escape(line) for line in value.split("\n"))
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")
