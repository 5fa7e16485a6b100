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
    "clock.rival-item": "{offset}: {explained}/{anchors}, lag {lag} min",
    "clock.inferred.rivals": (
        "; {rival_count} other offsets fit as many anchors: {rival_list:rivals} — of those "
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
    "text.clock-depends": (
        "the findings depend on this choice: {rivals:list} fit the logs as well — if the "
        "host's zone is known, pass it with --tz:"
    ),
    "text.clock-same": (
        "{rivals:list} fit the logs as well; the findings are the same with each of them"
    ),
    "text.clock-rival": "--tz {tz}: {outcome}",
    "text.clock-rival.same": "the same findings",
    "text.clock-rival.lost": "not found: {items}",
    "text.clock-rival.gained": "found instead: {items}",
    "text.clock-rival.untried": "not tried (the rules were run again with the first {tried} only)",
    "text.clause-separator": "; ",
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

FAILURE_MODES = {  # issue 12: the failure modes of shared/failure-catalog.md, in one block
    "rule.file-lock.title": "Checkpoint or merge blocked by a locked file (0x80070020)",
    "rule.disk-full.title": "Out of disk space during a checkpoint or merge",
    "rule.vss-writer-failed.title": "VSS writer failure on the host or in the guest",
    "rule.csv-lost.title": "Cluster Shared Volume lost during the backup",
    "rule.autorecovery-leftover.title": "Leftover AutoRecovery.avhdx blocks the checkpoint",
    "rule.chain-file-missing.title": "A disk or checkpoint file of the chain is missing",
    "rule.chain-corruption.title": "Differencing-disk chain or RCT change tracking corrupt",
    "rule.no-hot-backup.title": "VM cannot be hot backed up: no SCSI controller",
    "rule.backup-job-failed.title": "avtar backup job failed",
    "rule.unexplained-errors.title": "Errors no other finding explains",
    "msg.file-lock": (
        "'{vm}' hit a file lock {count} time(s) from {first:time} to {last:time} with "
        "{hresult:hresult}: another process held its virtual disk during the checkpoint or "
        "merge."
    ),
    "msg.disk-full": (
        "'{vm}' ran out of disk space {count} time(s) from {first:time} to {last:time} "
        "(host {host}, events {events:list})."
    ),
    "msg.vss-writer-failed": (
        "VSS writer failures on host {host}, {count} time(s) from {first:time} to "
        "{last:time}: events {events:list}, {hresult:hresult}; writers {writers:list}."
    ),
    "msg.csv-lost": (
        "A Cluster Shared Volume was lost on host {host} {count} time(s) from {first:time} "
        "to {last:time}: volumes {volumes:list}, status {statuses:list}."
    ),
    "msg.autorecovery-leftover": (
        "The checkpoint of '{vm}' failed {count} time(s) from {first:time} to {last:time} "
        "with {hresult:hresult}: an AutoRecovery.avhdx left by an earlier failed backup "
        "is in the way."
    ),
    "msg.chain-file-missing": (
        "A file of the disk chain of '{vm}' is missing: {count} error(s) from {first:time} "
        "to {last:time} (events {events:list}, {hresult:hresult})."
    ),
    "msg.chain-corruption": (
        "The disk chain or change tracking of '{vm}' is corrupt: {count} error(s) from "
        "{first:time} to {last:time} (events {events:list}, {hresult:hresult}); disks "
        "{disks:list}."
    ),
    "msg.no-hot-backup": (
        "'{vm}' cannot be hot backed up because it has no SCSI controller ({count} time(s) "
        "from {first:time} to {last:time})."
    ),
    "msg.backup-job-failed": (
        "The avtar job ended {time:time} with 'Command failed': {errors} error(s), "
        "{warnings} warning(s), exit code {exit_code} ({exit_text}); error codes "
        "{codes:list}.{cause:sentence}"
    ),
    "msg.backup-job-failed.server-full": "The Avamar server is full.",
    "msg.backup-job-failed.dd-unreachable": (
        "The client could not reach or log in to the Data Domain system."
    ),
    "msg.backup-job-failed.replication": "Replication to the remote Data Domain failed.",
    "msg.backup-job-failed.other": "Read the job's error lines for the cause.",
    "msg.unexplained-errors.line": (
        "{origin} wrote {count} error line(s) with code {code} ({hresult:hresult}) from "
        "{first:time} to {last:time} that no other finding explains."
    ),
    "msg.unexplained-errors.event": (
        "{origin} logged event {code} {count} time(s) from {first:time} to {last:time} "
        "({hresult:hresult}); no other finding explains it."
    ),
    "fix.find-lock": (
        "Find what holds the file: run Process Monitor (or handle.exe) on the host during "
        "the backup window and look for other backup, replica or antivirus processes on the "
        "VM's .vhdx/.avhdx; a lock left by a power loss may need the VMs moved off the node "
        "and a reboot."
    ),
    "fix.av-exclusions": (
        "Exclude Hyper-V files from antivirus scanning (KB 3105657): *.vhd, *.vhdx, *.avhd, "
        "*.avhdx, *.vhds, *.rct, *.vsv, *.bin, *.vmcx, *.vmrs, *.vmgs, the VM folders, "
        "C:\\ClusterStorage, and the processes vmms.exe, vmwp.exe, vmsp.exe, vmcompute.exe."
    ),
    "fix.restart-backup-services": (
        "Make sure no other backup or replica job overlaps the Avamar backup, then restart "
        "the VSS and Hyper-V services (or the backups) to release stale handles."
    ),
    "fix.merge-space": (
        "Keep free space on the volume at least as large as the virtual disks being merged, "
        "then let the pending merge complete."
    ),
    "fix.vss-writers": (
        "Run `vssadmin list writers` on the host and in the guest; restart the VSS and "
        "swprv services (or reboot) for writers in a failed state, and repair the guest's "
        "Backup (volume checkpoint) integration service."
    ),
    "fix.stagger-jobs": (
        "Stagger backup schedules so that no two jobs snapshot the same host or VM at once; "
        "a single 12289 with 0x80042409 can be ignored."
    ),
    "fix.csv-smb": (
        "Enable Client for Microsoft Networks and File and Printer Sharing for Microsoft "
        "Networks on every cluster network adapter (KB 2008795)."
    ),
    "fix.csv-hotfix": (
        "On Windows Server 2012 R2 install the CSV VSS update KB 3090343, and check the "
        "storage paths and reservations of the volume."
    ),
    "fix.autorecovery": (
        "Delete or rename the AutoRecovery.avhdx in the VM's folder (MS KB 3175561), then "
        "run the backup again."
    ),
    "fix.restore-chain-file": (
        "Restore the missing parent or child disk or checkpoint file, or rebuild the VM on "
        "its healthy .vhdx; `Get-VHD` on each disk shows which parent path is missing."
    ),
    "fix.repair-chain": (
        "Copy the VM's disk files aside, then merge child into parent (Edit Disk or "
        "`Merge-VHD`) or build a new VM on the repaired disk; expect the next backup to be a "
        "full one after an RCT corruption."
    ),
    "fix.add-scsi": (
        "Add a SCSI controller to the VM (or convert pass-through and shared disks) so that "
        "it can be backed up online."
    ),
    "fix.server-capacity": (
        "Free capacity on the Avamar server (expire backups, run garbage collection) or add "
        "capacity, then run the job again."
    ),
    "fix.dd-name-resolution": (
        "Make the client resolve and reach the Data Domain system by its name (DNS, hosts "
        "file, nsswitch.conf) and check the DD credentials in Avamar."
    ),
    "fix.dd-replication-ports": (
        "Allow RPC (port 111) and SSH (port 22) between the Data Domain systems through "
        "firewalls and IPS, then retry the replication."
    ),
    "fix.read-avtar-errors": (
        "Read the job's Error and FATAL lines in the client log (…\\avs\\var\\clientlogs) "
        "for the cause."
    ),
    "fix.read-unexplained": (
        "Read these lines or events first: no rule recognised them, so the report cannot "
        "name their cause; look up the code or event id with the vendor."
    ),
    "role.incident": "incident",
    "role.related": "related",
    "role.job-error": "job-error",
    "role.job-result": "job-result",
}
MESSAGES.update(FAILURE_MODES)
MESSAGES.update(
    {
        f"msg.backup-job-failed.{cause}.debug-clock": FAILURE_MODES[
            f"msg.backup-job-failed.{cause}"
        ]
        + " Its debug-layout lines (YYYY/MM/DD-hh:mm:ss) are stamped {debug_hours} h behind "
        "the host-local lines (host zone {zone}): read them on that clock."
        for cause in ("server-full", "dd-unreachable", "replication", "other")
    }
)
MESSAGES.update(
    {
        "msg.missing-evidence.windows-log": (
            "{failures} checkpoint failure(s) that no finding explains, and the bundle holds "
            "no {log} events: the VSS writer, cluster and worker events that often name the "
            "cause are not in it."
        ),
        "fix.collect-application": (
            "Export the Application log of every Hyper-V host as XML (VSS events 8229, 12289, "
            "12293): `wevtutil qe Application /f:xml > application.xml`."
        ),
        "fix.collect-system": (
            "Export the System log of every Hyper-V host (cluster node) as XML (cluster events "
            "5120, 5142, 1254): `wevtutil qe System /f:xml > system.xml`."
        ),
        "fix.collect-worker-admin": (
            "Export the Hyper-V-Worker Admin log of every Hyper-V host as XML: `wevtutil qe "
            "Microsoft-Windows-Hyper-V-Worker-Admin /f:xml > worker-admin.xml`."
        ),
    }
)
MESSAGES.update(
    {
        "rule.guest-cluster-vhds.title": (
            "Guest-cluster shared VHDX collection cannot be checkpointed"
        ),
        "msg.guest-cluster-vhds": (
            "The VM group of '{vm}' failed its collection checkpoint {count} time(s) from "
            "{first:time} to {last:time} (Hyper-V WMI job codes of a shared VHDX group)."
        ),
        "fix.guest-cluster-service": (
            "Install and start the Failover Clustering feature in every guest of the guest "
            "cluster, so that Hyper-V can query the guest cluster service."
        ),
        "fix.vhds-not-csv": (
            "Do not use the shared VHDX as a Cluster Shared Volume inside the guest: 'Remove "
            "from Cluster Shared Volume' in the guest's Failover Cluster Manager."
        ),
        "fix.guest-shared-disks-online": "Bring the shared disks online in the guests.",
        "fix.vhds-acl": (
            "Grant each VM's account access to the VHDS folder: `icacls <folder> /grant "
            "\"NT VIRTUAL MACHINE\\<VM GUID>\":(OI)F` (KB 4230569)."
        ),
    }
)
