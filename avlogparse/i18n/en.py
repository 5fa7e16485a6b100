"""English texts, keyed by stable message id (see :mod:`avlogparse.i18n` for the formats).

Key families: ``rule.<id>.title``; ``msg.<rule id>[.<variant>]`` finding messages and the
sentences they embed; ``fix.*`` remediation steps; ``missing.*`` missing links of a causal
chain; ``role.*`` evidence roles; ``text.*`` the text report; ``html.*`` the HTML report and
notebook views; ``timeline.*`` timeline labels, legend and headings; ``severity.*``
severity names in running text; formatting helpers
(``time.*``, ``hresult.*``, ``wmi.*``, ``list.*``). HRESULT and WMI meanings come from
:mod:`avlogparse.catalog`, the one English source of that knowledge.
"""

from __future__ import annotations

from avlogparse.catalog import HRESULTS, WMI_RETURN_CODES

RULE_TITLES = {
    "rule.orphaned-checkpoint.title": "Orphaned checkpoint left behind after a failed merge",
    "rule.checkpoint-merge-failed.title": "Checkpoint disk merge failed",
    "rule.checkpoint-creation-failed.title": "Checkpoint creation failed; VM skipped from backup",
    "rule.no-backup-targets.title": (
        "Backup produced nothing: no targets after the checkpoint process"
    ),
    "rule.repeated-checkpoint-failure.title": (
        "VM fails checkpoint creation on consecutive backups"
    ),
    "rule.destroy-snapshot-failed.title": (
        "Backup checkpoint could not be removed (DestroySnapshot failed)"
    ),
    "rule.missing-evidence.title": (
        "Logs needed to explain a checkpoint failure are missing from the bundle"
    ),
}

FINDING_MESSAGES = {
    "msg.orphaned-checkpoint": (
        "winclustersvc reported the checkpoint cleanup of job '{job}' (group {group}) "
        "successful at {cleanup_time:time}, but VMMS failed to merge the checkpoint disk of "
        "'{vm}' {attempts:times} afterwards with {hresult:hresult}. An orphaned .avhdx is "
        "probably left in the VM's folder.{consequence:sentence}"
    ),
    "msg.orphaned-checkpoint.cluster": (
        "winclustersvc on {cleanup_host} reported the checkpoint cleanup of job '{job}' (group "
        "{group}) successful at {cleanup_time:time}, but VMMS on cluster node {node} failed to "
        "merge the checkpoint disk of '{vm}' {attempts} time(s) afterwards with "
        "{hresult:hresult}. An orphaned .avhdx is probably left in the VM's folder."
        "{consequence:sentence}"
    ),
    "msg.orphaned-checkpoint.explains": (
        "This explains the checkpoint creation failure (43426) of the backup started "
        "{next_backup:time}."
    ),
    "msg.checkpoint-merge-failed": (
        "VMMS failed to merge the checkpoint disk of '{vm}' {attempts:times} {first:span} "
        "with {hresult:hresult}."
    ),
    "msg.checkpoint-creation-failed": (
        "Checkpoint creation for '{vm}' failed in the backup started {started:time}; the VM "
        "was skipped.{cause:sentence}"
    ),
    "msg.checkpoint-creation-failed.orphan": (
        "Explained by an orphaned checkpoint: the merge after the cleanup of "
        "{cleanup_time:time} failed for this VM."
    ),
    "msg.checkpoint-creation-failed.vmms": "VMMS confirms the failed checkpoint operation.",
    "msg.no-backup-targets": (
        "The backup started {started:time} produced nothing: every VM failed checkpoint "
        "creation. Skipped: {skipped:list}."
    ),
    "msg.repeated-checkpoint-failure": (
        "'{vm}' failed checkpoint creation in {streak} consecutive backups, {first:span}."
    ),
    "msg.destroy-snapshot-failed": "DestroySnapshot failed at {time:time} with {code:msg}.",
    "msg.destroy-snapshot-failed.group": (
        "DestroySnapshot failed at {time:time} for group {group} with {code:msg}."
    ),
    "msg.destroy-snapshot-failed.wmi": "WMI return code {return_code:wmi}",
    "msg.destroy-snapshot-failed.hresult": "{hresult:hresult}",
    "msg.missing-evidence.winclustersvc": (
        "{failures} checkpoint creation failure(s) (43426) cannot be explained because "
        "winclustersvc.log is not in the bundle."
    ),
    "msg.missing-evidence.vmms-admin": (
        "{failures} checkpoint creation failure(s) (43426) cannot be explained because the "
        "bundle holds no Hyper-V-VMMS-Admin events."
    ),
    "msg.missing-evidence.vmms-admin.node": (
        "{failures} checkpoint creation failure(s) (43426) may not be explained: the bundle "
        "holds no Hyper-V-VMMS-Admin events of cluster node {node} (nodes: {nodes:list}), "
        "where a VM's checkpoint merge may have failed."
    ),
    "msg.missing-evidence.vmms-admin.other-channels": (
        "{failures} checkpoint creation failure(s) (43426) cannot be explained because the "
        "bundle holds no Hyper-V-VMMS-Admin events: the event logs in it hold only "
        "{channels:list}."
    ),
}

REMEDIATION = {
    "fix.restart-vmms": (
        "Restart the Hyper-V Virtual Machine Management service on the host before the Avamar "
        "backup starts, for example from a scheduled task (`Restart-Service vmms`): 0x8007052F "
        "means the 'Log on as a service' right of NT VIRTUAL MACHINE\\Virtual Machines is out "
        "of sync with VMMS, and a restart re-syncs it with the logon service."
    ),
    "fix.gpo-logon-as-service": (
        "Disable the GPO setting User Rights Assignment > 'Log on as a service' (or add "
        "NT VIRTUAL MACHINE\\Virtual Machines to it), then run `gpupdate /force` on the "
        "Hyper-V host."
    ),
    "fix.windows-updates": "Install the latest Windows updates on the Hyper-V host.",
    "fix.microsoft-case": (
        "Open a Microsoft support case to clean up the orphaned checkpoints (.avhdx files) "
        "safely; Microsoft owns the root cause of the failed merge."
    ),
    "fix.find-orphans": (
        "Look in the VM's folder for .avhdx files that are not part of its checkpoint chain "
        "(compare the files with `Get-VMSnapshot` and `Get-VHD` parent paths); neither "
        "Hyper-V Manager nor PowerShell may list an orphaned checkpoint."
    ),
    "fix.sharing-violation": (
        "Find what holds the virtual disk open during the merge (antivirus without Hyper-V "
        "exclusions, another backup or replica job, a leftover handle) and remove it."
    ),
    "fix.access-denied": (
        "Check the permissions of the VM folder and its virtual disks for the VM's virtual "
        "account (NT VIRTUAL MACHINE\\<VM GUID>)."
    ),
    "fix.disk-space": "Free space on the volume that holds the VM's virtual disks.",
    "fix.check-winclustersvc": (
        "Read winclustersvc.log and the Hyper-V-VMMS Admin event log of the host around the "
        "time of the failure for the reason the checkpoint could not be created."
    ),
    "fix.check-checkpoints": (
        "Check that the VM has no leftover checkpoint (`Get-VMSnapshot -VMName <name>`) and "
        "no stray .avhdx files in its folder, then retry the backup."
    ),
    "fix.remove-backup-checkpoint": (
        "List the VM's checkpoints (`Get-VMSnapshot`) and remove the Avamar backup checkpoint "
        "left behind, or ask Microsoft support when it cannot be removed."
    ),
    "fix.resolve-and-rerun": (
        "Resolve the checkpoint-creation failures of the VMs listed (see their findings), "
        "then run the backup again and confirm it completes."
    ),
    "fix.collect-winclustersvc": (
        "Collect winclustersvc.log from the Avamar client's var folder on every Hyper-V "
        "host (cluster node) of the job, typically C:\\Program Files\\avs\\var\\."
    ),
    "fix.collect-vmms-admin": (
        "Export the Hyper-V-VMMS Admin log of every Hyper-V host as XML: Event Viewer > "
        "Applications and Services Logs > Microsoft > Windows > Hyper-V-VMMS > Admin > "
        "Save All Events As… (XML), or `wevtutil qe Microsoft-Windows-Hyper-V-VMMS-Admin "
        "/f:xml > vmms-admin.xml`."
    ),
}

MISSING_LINKS = {
    "missing.next-backup-log": (
        "the next backup's avhypervvss.log is not in the bundle, so whether it failed "
        "checkpoint creation (43426) for this VM cannot be shown"
    ),
    "missing.next-backup-succeeded": (
        "the next backup that included this VM did not report a checkpoint failure for it; "
        "the orphaned checkpoint may have been removed in between"
    ),
    "missing.no-later-backup": (
        "avhypervvss.log shows no backup after this cleanup that included the VM"
    ),
}

EVIDENCE_ROLES = {
    "role.cleanup": "cleanup",
    "role.cleanup-success": "cleanup-success",
    "role.merge-failed": "merge-failed",
    "role.next-backup-failed": "next-backup-failed",
    "role.no-backup-targets": "no-backup-targets",
    "role.checkpoint-failed": "checkpoint-failed",
    "role.vmms-checkpoint-failed": "vmms-checkpoint-failed",
    "role.destroy-failed": "destroy-failed",
    "role.unexplained": "unexplained",
    "role.run": "run",
    "role.vm-skipped": "vm-skipped",
}

TEXT_REPORT = {
    "text.totals": (
        "{files_read} file(s) read, {files_unknown} unknown, {files_refused} refused · "
        "{lines} lines, {events} events, {unparsed} unparsed"
    ),
    "text.incomplete": (
        "incomplete: part of the input could not be read, so the report could not judge everything"
    ),
    "text.host-time": "host time: {zone} ({source}) — {reason}",
    "text.time-source.given": "given",
    "text.time-source.inferred": "inferred",
    "text.time-source.assumed": "assumed",
    "text.backup-runs": "Backup runs",
    "text.hosts": "Hosts (per node)",
    "text.host-cluster": " (cluster {cluster})",
    "text.host-findings": "{count} finding(s): {rules}",
    "text.host-no-findings": "no findings",
    "text.outcome.success": "success",
    "text.outcome.partial": "partial",
    "text.outcome.failed": "failed",
    "text.outcome.unknown": "unknown",
    "text.vms-mentioned": "{count} VM(s) mentioned",
    "text.vms-skipped": ", skipped: {names}",
    "text.no-findings": "No findings.",
    "text.severity.critical": "CRITICAL",
    "text.severity.error": "ERROR",
    "text.severity.warning": "WARNING",
    "text.severity.info": "INFO",
    "text.vm": "VM {vm}",
    "text.seen-at": "at {when}",
    "text.time-unknown": "time unknown",
    "text.missing-link": "missing: {link}",
    "text.explained-by": "explained by: {ids}",
    "text.remediation": "→ {step}",
    "text.more-evidence.one": "… 1 more evidence line",
    "text.more-evidence": "… {count} more evidence lines (-v shows them)",
    "text.unparsed": "Unparsed lines: {total} in {shapes} shape(s)",
    "text.rules-not-run": "Rules not run",
    "text.diagnostics": "Diagnostics ({count})",
    "text.more-diagnostics": "… {count} more (--verbose)",
}

SEVERITY_NAMES = {
    "severity.critical": "critical",
    "severity.error": "error",
    "severity.warning": "warning",
    "severity.info": "info",
}

HTML_REPORT = {
    "html.title": "Avamar Hyper-V backup diagnosis",
    "html.bundle": "Bundle",
    "html.schema": "report schema {version}",
    "html.repr-title": "avlogparse report: {bundle}",
    "html.section.timeline": "Timeline (host time)",
    "html.section.findings": "Findings ({count})",
    "html.section.backup-runs": "Backup runs",
    "html.section.inputs": "Inputs",
    "html.section.hosts": "Hosts and cluster nodes",
    "html.section.unparsed": "Unparsed line shapes",
    "html.section.rules": "Rules",
    "html.section.diagnostics": "Diagnostics",
    "html.findings": "Findings",
    "html.no-findings": "No findings.",
    "html.card.input": "Input",
    "html.card.host-clock": "Host clock",
    "html.severity-count": "{count} {severity:msg}",
    "html.none": "none",
    "html.input.complete": "complete",
    "html.input.incomplete": "incomplete",
    "html.input.whole": "every input read whole",
    "html.input.cut": "{refused} refused, {partial} cut",
    "html.input.totals": (
        "; {read} read, {unknown} not a log, {lines} lines, {events} events, {unparsed} unparsed"
    ),
    "html.runs.count": "{count} {outcome:msg}",
    "html.runs.none": "none found",
    "html.meta.rule": "rule",
    "html.meta.vm": "VM",
    "html.meta.host": "host",
    "html.meta.seen": "seen",
    "html.not-shown": "Not shown by this bundle",
    "html.explained-by": "Explained by",
    "html.evidence": "Evidence",
    "html.what-to-do": "What to do",
    "html.references": "References",
    "html.whole-text": "whole text ({count:,} characters)",
    "html.event-gist": "Event {event_id}: {message}",
    "html.col.where": "where",
    "html.col.source": "source",
    "html.col.time": "time",
    "html.col.proves": "proves",
    "html.col.text": "text",
    "html.col.severity": "severity",
    "html.col.finding": "finding",
    "html.col.vm": "VM",
    "html.col.first-seen": "first seen",
    "html.col.path": "path",
    "html.col.kind": "kind",
    "html.col.status": "status",
    "html.col.encoding": "encoding",
    "html.col.lines": "lines",
    "html.col.events": "events",
    "html.col.records": "records",
    "html.col.unparsed": "unparsed",
    "html.col.whole": "whole",
    "html.col.reason": "reason",
    "html.col.line-range": "lines",
    "html.col.started": "started",
    "html.col.ended": "ended",
    "html.col.outcome": "outcome",
    "html.col.vms-skipped": "VMs skipped",
    "html.col.shape": "shape",
    "html.col.first-example": "first example",
    "html.col.rule": "rule",
    "html.col.looks-for": "looks for",
    "html.col.findings": "findings",
    "html.col.host": "host",
    "html.col.cluster": "cluster",
    "html.col.why-skipped": "why skipped",
    "html.col.code": "code",
    "html.col.message": "message",
    "html.yes": "yes",
    "html.no": "no",
    "html.status.read": "read",
    "html.status.unknown": "unknown",
    "html.status.refused": "refused",
    "html.rule-status.ran": "ran",
    "html.rule-status.skipped": "skipped",
    "html.no-inputs": "No input files.",
    "html.no-runs": "No backup run in the plug-in log.",
    "html.all-understood": "Every line was understood.",
    "html.no-diagnostics": "No diagnostics.",
    "html.empty": "Nothing.",
}

TIMELINE = {
    "timeline.backup-start": "backup run {number} started",
    "timeline.backup-end": "backup run {number}: {outcome:msg}",
    "timeline.checkpoint-create": "creating backup checkpoint ({type} type)",
    "timeline.checkpoint-failed": "checkpoint creation failed; VM skipped from backup",
    "timeline.cleanup": "cleanup of {group}: DestroySnapshot {result:msg}",
    "timeline.destroy.success": "success",
    "timeline.destroy.failure": "failure",
    "timeline.destroy.not-logged": "not logged",
    "timeline.event": "{event_id} {what:msg}",
    "timeline.event.hresult": "{event_id} {what:msg} ({hresult})",
    "timeline.event.checkpoint-failed": "checkpoint operation failed",
    "timeline.event.merge-failed": "background disk merge failed",
    "timeline.event.merge-completed": "background disk merge completed",
    "timeline.kind.backup-start": "backup start",
    "timeline.kind.backup-end": "backup end",
    "timeline.kind.checkpoint-create": "checkpoint creation",
    "timeline.kind.checkpoint-failed": "checkpoint failed",
    "timeline.kind.cleanup": "checkpoint cleanup",
    "timeline.kind.merge-failed": "merge failed",
    "timeline.kind.merge-completed": "merge completed",
    "timeline.kind.finding": "finding",
    "timeline.title": "Per-VM timeline (host time)",
    "timeline.empty": "No moment of the logs could be placed on a timeline.",
    "timeline.job-lane": "job / host",
    "timeline.gap.minutes": "{count} min",
    "timeline.gap.hours": "{count} h",
    "timeline.gap.days": "{count} d",
    "timeline.text.job-wide": "(job or host)",
    "timeline.text.empty": "(no timeline entries)",
}

HOST_CLOCK = {
    "clock.given": "given by the caller: {zone}",
    "clock.given-dst": "given by the caller: {zone} (DST-aware)",
    "clock.no-anchors": (
        "no pair of host-local and UTC records to compare; host-local times are shown as UTC "
        "— pass tz= (or --tz) for the host's zone"
    ),
    "clock.no-match": (
        "{anchors} host-local records had no UTC event within the correlation windows at any "
        "offset; host-local times are shown as UTC"
    ),
    "clock.inferred": (
        "inferred {offset}: it places the VMMS events right after {explained} of {anchors} "
        "host-local anchor records (cleanups, checkpoint failures){rivals:msg}{hints:msg}"
    ),
    "clock.inferred.rivals": (
        "; {rival_count} other offsets fit as many anchors: {rival_list:list} — of those "
        "the one with the least total lag between the paired records was chosen"
    ),
    "clock.inferred-zone": (
        "inferred {offsets}{family:msg} (as {zone}, one of {zones} IANA zones with the same "
        "changes), switch {switch} host-local: it places the VMMS events right after "
        "{explained} of {anchors} host-local anchor records (cleanups, checkpoint failures), "
        "more than any fixed offset{rivals:msg}{hints:msg}"
    ),
    "clock.inferred-zone.family": " with {rules} rules",
    "clock.inferred-zone.rivals": (
        "; {rival_count} other rule families fit as many anchors (best agreement with the "
        "zone names in the logs, then least lag chosen)"
    ),
    "clock.from-abbreviation": (
        "inferred {offset} from the zone name {name} the logs print; no pair of host-local "
        "and UTC records to compare"
    ),
    "clock.hints.agree": "; the zone names the logs print ({hint_names:list}) agree",
    "clock.hints.contradict": (
        "; the zone names {contradicting:list} printed in the logs contradict it (see "
        "time_alignment.evidence)"
    ),
    "clock.switch-hour": (
        "{count} host-local records fall in the hour the host clock {kind:msg} at {switch}; "
        "they are placed with the offset before the change ({resolved} placed by their UTC "
        "counterpart)"
    ),
    "clock.switch-hour.forward": "skipped",
    "clock.switch-hour.back": "repeated",
    "clock.abbreviation-contradicts": (
        "the zone name {name} printed at {local} contradicts the host clock used ({zone})"
    ),
}

HELPERS = {
    "time.unknown": "an unknown time",
    "hresult.unknown": "an unknown error",
    "wmi.unknown": "unknown",
    "list.item": "'{item}'",
    "list.separator": ", ",
    "list.last-separator": " and ",
    "list.or-separator": " or ",
    "list.empty": "none listed",
    "sentence.gap": " ",
    "reason.missing-facts": "the bundle holds no {facts:facts}",
    "fact.log": "{kind}.log lines",
    "fact.channel": "{channel} events",
    "fact.provider": "events of {provider} without a channel",
}

REPORT_ISSUE_13 = {  # root cause first, loud mistakes, wording (issue 13)
    "count.once": "once",
    "count.times": "{count} times",
    "span.at": "at {time}",
    "span.between": "from {first} to {last}",
    "text.root-cause": "Root cause {number} of {total} · {severity}: {title}",
    "text.incident.vms": "VMs ({count}): {names}",
    "text.incident.job": "Job or host: no single VM",
    "text.incident.likewise": "(the same for {names})",
    "text.incident.explains": "Explains: {items}",
    "text.incident.count-item": "{count} \u00d7 {title}",
    "text.what-to-do": "What to do (in order):",
    "text.step": "{number}. {step}",
    "html.section.root-causes": "Root causes ({count})",
    "text.meta-separator": " ",
    "text.evidence": "Evidence:",
    "text.evidence-of": "Evidence ({vm}):",
    "text.findings": "All findings ({count})",
    "text.part-of": "part of root cause {number}: what to do is listed there",
    "text.clock-choice": (
        "the findings may depend on this choice: {rivals:list} fit the logs as well — if the "
        "host's zone is known, pass it with --tz (e.g. --tz {example})"
    ),
    "err.unknown-vm": "--vm {vm}: no such VM in {bundle}{hint:sentence}",
    "err.unknown-vm.close": "Did you mean {close:list}?",
    "err.unknown-vm.known": "The VMs it names: {known:list}.",
    "err.unknown-vm.none": "The bundle names no VM.",
    "err.empty-range": (
        "--since {since} is after --until {until}: the time window is empty"
    ),
    "err.not-a-time": "not a time: {value} (use ISO 8601, e.g. 2024-03-11T00:30)",
    "err.unknown-rules": "unknown rule id(s): {ids}",
    "err.output-suffix": (
        "-o {path}: cannot tell the format from the suffix; use .txt .json .jsonl .csv .sarif "
        ".xml .html, or --format with a single -o"
    ),
    "parse.diagnostic": "{path}: {message}",
    "parse.unknown-kind": "not a log avlogparse reads (kind unknown); nothing parsed",
    "parse.incomplete": "{count} file(s) could not be read whole",
}

MESSAGES: dict[str, str] = {
    **RULE_TITLES,
    **FINDING_MESSAGES,
    **REMEDIATION,
    **MISSING_LINKS,
    **EVIDENCE_ROLES,
    **TEXT_REPORT,
    **SEVERITY_NAMES,
    **HTML_REPORT,
    **TIMELINE,
    **HOST_CLOCK,
    **HELPERS,
    **REPORT_ISSUE_13,
    **{f"hresult.{entry.hex}": entry.text for entry in HRESULTS.values()},
    **{f"wmi.{code}": meaning for code, meaning in WMI_RETURN_CODES.items()},
}
