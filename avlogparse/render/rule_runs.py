"""The rules a report covers, for the renderers that list every rule (SARIF, JUnit)."""

from __future__ import annotations

from avlogparse.models.report import Report, RuleRun


def rule_runs(report: Report) -> list[RuleRun]:
    """The report's rules in run order, then any rule that only a finding names.

    A report built by hand (or merged from several) may carry findings of a rule it does not
    list; such a rule is taken as run, with the title and severity of its first finding.
    """
    runs = list(report.rules)
    listed = {run.rule_id for run in runs}
    for finding in report.findings:
        if finding.rule_id not in listed:
            listed.add(finding.rule_id)
            count = sum(1 for f in report.findings if f.rule_id == finding.rule_id)
            runs.append(
                RuleRun(
                    rule_id=finding.rule_id,
                    severity=finding.severity,
                    title=finding.title,
                    status="ran",
                    findings=count,
                )
            )
    return runs
