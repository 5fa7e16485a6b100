"""backup-job-failed — the avtar job ended with "Command failed" (5314).

What it looks for: the avtar job result ``<5314> Command failed (N errors, M warnings, exit
code E: text)``, with the ``<6149> Error summary: … errors: c1, c2, …`` line and the
Error/FATAL lines of the same job before it (a code nested in the message, as in
``FATAL <0000>: <10608>Replication failed…``, counts as that code). It names the cause when
the codes show one: Data Domain unreachable (10541 name not resolved, 10509 DDR login,
8941 fatal server connection, 17964 ddr_files.xml missing), replication to a remote Data
Domain failed (10608, 40009, 5674, 6655) or the Avamar server is full (exit code 10028).

Why it matters: the job produced no usable backup; the exit code and error summary are the
job-level answer a plug-in log gives even when the Hyper-V side shows nothing
(``shared/failure-catalog.md`` F24 to F26).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from avlogparse.catalog import (
    DD_REPLICATION_CODES,
    DD_UNREACHABLE_CODES,
    DELL_KB_REPLICATION,
    DELL_KB_SERVER_FULL,
    ERROR_SUMMARY_CODE,
    JOB_STATUS_CODE,
    SERVER_FULL_EXIT,
    is_error_level,
)
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.debug_clock import infer_debug_clock
from avlogparse.correlation.facts import Facts
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules.base import Rule, host_time_arg

CAUSES: dict[str, tuple[str, ...]] = {
    "server-full": ("fix.server-capacity",),
    "dd-unreachable": ("fix.dd-name-resolution",),
    "replication": ("fix.dd-replication-ports",),
    "other": ("fix.read-avtar-errors",),
}
"""Cause of a failed job -> its remediation steps (``msg.backup-job-failed.<cause>``)."""


class BackupJobFailed(Rule):
    id = "backup-job-failed"
    severity = Severity.ERROR
    description = __doc__ or ""
    references = (DELL_KB_SERVER_FULL, DELL_KB_REPLICATION)
    requires = frozenset({PLUGIN_LOG})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        job: list[Any] = []
        path = None
        for line in facts.plugin_lines:
            if line.path != path:
                job, path = [], line.path
            if line.code == JOB_STATUS_CODE:
                exit_code = getattr(line, "exit_code", None)
                if exit_code is not None:
                    yield self._finding(facts, line, job)
                job = []
            elif line.code == ERROR_SUMMARY_CODE or (
                line.level is not None and is_error_level(line.level)
            ):
                job.append(line)

    def _finding(self, facts: Facts, status: Any, job: list[Any]) -> Finding:
        codes: list[int] = []
        for line in job:
            if line.code == ERROR_SUMMARY_CODE:
                codes += [c for c in getattr(line, "error_codes", ()) if c]
            else:
                nested = getattr(line, "nested_code", None)
                code = nested if nested is not None else line.code
                if code:
                    codes.append(code)
        unique = sorted(set(codes))
        if status.exit_code == SERVER_FULL_EXIT:
            cause = "server-full"
        elif DD_UNREACHABLE_CODES.intersection(unique):
            cause = "dd-unreachable"
        elif DD_REPLICATION_CODES.intersection(unique):
            cause = "replication"
        else:
            cause = "other"
        args = {
            "time": host_time_arg(facts, status.timestamp),
            "errors": status.job_errors,
            "warnings": status.job_warnings,
            "exit_code": status.exit_code,
            "exit_text": status.exit_text or "",
            "codes": [str(c) for c in unique],
            "cause": f"msg.backup-job-failed.{cause}",
        }
        data: dict[str, Any] = {"exit_code": status.exit_code, "cause": cause, "codes": unique}
        zone = next(
            (z for line in facts.plugin_lines if (z := getattr(line, "zone_name", None))), None
        )
        debug_clock = infer_debug_clock(facts.debug_pairs, zone)
        if debug_clock is not None:
            data["debug_clock"] = debug_clock.as_data(facts.clock.offset_minutes)
            if debug_clock.offset:
                args["debug_hours"] = debug_clock.offset.total_seconds() / 3600
                args["zone"] = zone or "?"
                args["cause"] = f"msg.backup-job-failed.{cause}.debug-clock"
        evidence = [facts.evidence(line, "job-error") for line in job]
        evidence.append(facts.evidence(status, "job-result"))
        return self.finding(
            facts,
            message_id="msg.backup-job-failed",
            message_args=args,
            evidence=evidence,
            remediation_ids=CAUSES[cause],
            data=data,
        )
