#!/usr/bin/env python3
"""Seeded generator of a realistic synthetic Avamar Hyper-V log bundle, with ground truth.

    python benchmarks/generate.py OUT_DIR --lines 1000000 --events 200000 --seed 1
        [--encoding utf-8|utf-16] [--lying-declaration]
        [--tz America/New_York] [--start 2024-02-25] [--incidents 10]

Writes into OUT_DIR:

* ``avhypervvss.log``: many nights of nightly backups of a few Hyper-V hosts (one job per
  host, run one after the other), CRLF. Every job has the KB's lines (43419 sometimes
  without a timestamp, 43420 with the product's "consistenty"), a ``<0000>`` start message
  with indented continuation lines (one per VM), per-VM checkpoint/backup lines, and lots of
  noise: avtar ``<8688>`` status lines, ``<0000>`` free text, other avtar codes, a few lines
  without a timestamp, multi-line messages and about 0.5 % lines that fit no layout.
* ``winclustersvc.log``: per job the checkpoint creation on group
  ``AvamarBackup_<HOST>-<job>-<YYYYMMDDhhmmss>-0``, noise, and the KB's two cleanup lines
  ("Cleaning up checkpoint created on group …" then "DestroySnapshot executed successfully").
* ``vmms.xml``: an Event Viewer "Save As XML" export of Microsoft-Windows-Hyper-V-VMMS-Admin
  (declaration, ``<Events>``, one ``<Event>`` per line, UserData ``VmlEventLog`` and
  RenderingInfo), in UTC with 7 fraction digits. Most events are noise (19070/19080 merge
  pairs after every cleanup and for VMs outside the jobs, 18500/18502/18504/18508 state
  changes, 20415 live migrations).
* ``ground_truth.json``: the parameters, the host UTC offset, exact per-file line/event
  counts (by the class each line was written as), the planted orphaned-checkpoint chains
  (``vm_id``, ``vm_name``, ``cleanup_group``), the expected ``no-backup-targets`` runs (with
  the 43427 line number) and the decoys.

Planted incident (Dell KB 000044579): at night N the cleanup of a host's job reports
success, VMMS logs 19100 "background disk merge failed to complete … (0x8007052F)" for some
of the job's VMs 1-9 minutes later (UTC) and never a 19080 for them; at night N+1 those VMs
fail checkpoint creation (43426 + VMMS 18012 + winclustersvc ERROR), and when that is every
VM of the job the plug-in writes 43427 and the job has no cleanup. Decoys that must not give
an orphaned-checkpoint finding: 19100 hours away from any cleanup, 19100 right after a
cleanup followed by a 19080 for the same VM, and 19100 right after a cleanup for a VM with
the same name but another GUID on another host (``HV-SPARE…``, which has no backup job).

Host-local time (plug-in logs, group stamps) = UTC + a fixed offset chosen by the seed, or,
with ``--tz`` (an IANA zone), the zone's wall-clock time with its real daylight-saving rules:
the jobs keep their wall-clock schedule and the VMMS event times (UTC) follow the zone, so a
bundle that spans a change (``--start`` a few nights before it) shifts by the change on one
side. A wall-clock time in the hour a spring-forward skips or a fall-back repeats is placed
with the offset before the change (Python's ``fold=0``); the incidents are then planted on
the nights next to the change first, and every job ends with avtar's ``<7883> Finished at …
EST`` line (the zone's abbreviation). ``--incidents`` sets how many incidents are planted.
Output is streamed one local day at a time, so memory does not grow with the size.

``--cluster``: the job hosts are the nodes of one failover cluster (``HV-SPARE…`` stays a
standalone host). The merges of a planted incident's VMs run, and fail, on the next node
(the VM's owner), not on the node that logged the cleanup; the bundle is one folder per
node (``<HOST>/vmms.xml`` with that node's events; the plug-in and winclustersvc logs in the
first node's folder), as collected from a cluster (see docs/guide/clusters.md). The ground
truth then also says ``layout: cluster``, the nodes, each planted chain's ``owner`` node
and the per-node event counts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, TextIO
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

LINES_PER_JOB = 700  # plug-in log lines per job at the target size (sets the number of nights)
MIN_NIGHTS = 5
INCIDENT_RATE = 0.03  # share of (host, night) jobs whose cleanup leaves an orphaned checkpoint
JUNK_RATE = 0.005
DAY = 86_400
OFFSETS = (540, -360, 330, 60, -300, 600, 480, -480, 120, -180, 345)
DOMAIN = "corp.example"
PROVIDER_GUID = "{6066F867-7CA1-4418-85FD-36E3F9C0600C}"
EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event"
VML_NS = "http://www.microsoft.com/Windows/Virtualization/Events"
CHANNEL = "Microsoft-Windows-Hyper-V-VMMS-Admin"
ACCOUNT_RESTRICTIONS = (
    "Account restrictions are preventing this user from signing in. For example: blank "
    "passwords aren't allowed, sign-in times are limited, or a policy restriction has been "
    "enforced."
)
ROLES = (
    "SQL",
    "APP",
    "WEB",
    "FS",
    "DC",
    "EXCH",
    "RDS",
    "PRINT",
    "BUILD",
    "JIRA",
    "SAP",
    "ERP",
    "CRM",
    "CI",
    "MON",
    "LOG",
    "MQ",
    "REDIS",
    "PROXY",
    "WSUS",
    "CA",
    "ADFS",
    "NPS",
    "KMS",
)
ENVS = ("PROD", "QA", "DEV", "TEST", "STG")
SPECIAL_NAMES = ("File Server 03", "Build Agent 7", "Datenbank-Süd01", "HR App (legacy)")
JOB_NAMES = ("nightly", "app-tier", "daily", "sql-weekly", "infra")

Kind = Literal["r", "c", "b", "u"]  # record, continuation, blank, unparsed (as written)


@dataclass(frozen=True)
class Vm:
    name: str
    guid: str


@dataclass(frozen=True)
class Host:
    name: str
    job: str
    vms: tuple[Vm, ...]  # in the backup job
    others: tuple[Vm, ...]  # on the host, not backed up (noise events only)
    start: int  # job start, seconds after local midnight
    pid: int


@dataclass(frozen=True)
class Incident:
    host: int
    night: int
    victims: tuple[int, ...]  # indexes into Host.vms
    retries: tuple[int, ...]  # 19100 events per victim


DecoyKind = Literal["far-from-cleanup", "merge-recovered", "same-name-other-host"]
DECOY_KINDS: tuple[DecoyKind, ...] = ("far-from-cleanup", "merge-recovered", "same-name-other-host")


@dataclass(frozen=True)
class Decoy:
    kind: DecoyKind
    host: int  # the host whose cleanup (or VM) the decoy sits next to
    night: int
    vm: Vm  # the VM the VMMS events name
    computer: str
    retries: int
    at: int  # far-from-cleanup: local seconds of day of the first 19100


@dataclass
class Plan:
    seed: int
    lines: int
    events: int
    offset: int  # minutes, local = UTC + offset
    start: date
    nights: int
    hosts: list[Host]
    spare: Host  # in the cluster, no backup job: the same-name decoys live here
    incidents: dict[tuple[int, int], Incident] = field(default_factory=dict)
    decoys: list[Decoy] = field(default_factory=list)
    tz: ZoneInfo | None = None  # host-local time follows this zone's rules (else offset)
    incident_count: int | None = None  # how many incidents to plant (else INCIDENT_RATE)

    def switch_nights(self) -> list[int]:
        """Nights whose early hours (the jobs) come after a change of the zone's offset."""
        if self.tz is None:
            return []
        nights = []
        for night in range(1, self.nights):
            before = self.utc_offset(night - 1, 12 * 3600)
            if before != self.utc_offset(night, 12 * 3600):
                nights.append(night)
        return nights

    def utc_offset(self, night: int, at: float) -> int:
        """Minutes east of UTC at local seconds ``at`` of night ``night`` (fold 0)."""
        if self.tz is None:
            return self.offset
        day = self.start + timedelta(days=night)
        local = datetime(day.year, day.month, day.day) + timedelta(seconds=at)
        offset = local.replace(tzinfo=self.tz).utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else 0

    def zone_name(self, night: int, at: float) -> str:
        """The abbreviation the host prints at that local time (``EST``, ``CEST``)."""
        if self.tz is None:
            sign = "+" if self.offset >= 0 else "-"
            return f"UTC{sign}{abs(self.offset) // 60:02d}{abs(self.offset) % 60:02d}"
        day = self.start + timedelta(days=night)
        local = datetime(day.year, day.month, day.day) + timedelta(seconds=at)
        return local.replace(tzinfo=self.tz).tzname() or "UTC"
    cluster: bool = False
    """The hosts are nodes of one cluster: incident merges fail on the next node."""

    def owner(self, host: int) -> int:
        """The node whose VMMS merges the job's checkpoints after an incident's cleanup."""
        return (host + 1) % len(self.hosts) if self.cluster else host

    def failing(self, host: int, night: int) -> tuple[int, ...]:
        """VMs of a job that fail checkpoint creation (the night after an incident)."""
        incident = self.incidents.get((host, night - 1))
        return incident.victims if incident else ()


def new_guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def make_plan(
    lines: int,
    events: int,
    seed: int,
    tz: str | None = None,
    first_night: date | None = None,
    incidents: int | None = None,
) -> Plan:
    rng = random.Random(f"avlogparse-bench/{seed}")
    n_hosts = rng.randint(3, 5)
    nights = max(MIN_NIGHTS, round(lines / (n_hosts * LINES_PER_JOB)))
    names = [f"{role}-{env}{n:02d}" for role in ROLES for env in ENVS for n in (1, 2)]
    rng.shuffle(names)
    names[: len(SPECIAL_NAMES)] = SPECIAL_NAMES
    rng.shuffle(names)
    hosts = []
    for index in range(n_hosts):
        host_name = f"HV-NODE{index + 1:02d}"
        vms = tuple(Vm(names.pop(), new_guid(rng)) for _ in range(rng.randint(3, 6)))
        others = tuple(Vm(names.pop(), new_guid(rng)) for _ in range(rng.randint(1, 3)))
        job = JOB_NAMES[index % len(JOB_NAMES)]
        start = 5 * 60 + 4 + index * 75 * 60
        hosts.append(Host(host_name, job, vms, others, start, rng.randint(2000, 9000)))
    spare_others = tuple(Vm(names.pop(), new_guid(rng)) for _ in range(2))
    spare = Host(f"HV-SPARE{n_hosts + 1:02d}", "", (), spare_others, 0, rng.randint(2000, 9000))
    plan = Plan(
        seed=seed,
        lines=lines,
        events=events,
        offset=rng.choice(OFFSETS),
        start=date(2024, 1, 1) + timedelta(days=rng.randrange(300)),
        nights=nights,
        hosts=hosts,
        spare=spare,
        incident_count=incidents,
    )
    if first_night is not None:
        plan.start = first_night
    if tz is not None:
        plan.tz = ZoneInfo(tz)
        plan.offset = plan.utc_offset(0, 0)
    _plant(plan, rng)
    return plan


def _plant(plan: Plan, rng: random.Random) -> None:
    """Choose the incident and decoy (host, night) pairs; they never share a job."""
    slots = [(h, n) for h in range(len(plan.hosts)) for n in range(1, plan.nights - 1)]
    rng.shuffle(slots)
    switches = plan.switch_nights()
    if switches:  # the nights next to a change first (the hard ones), in shuffled order
        slots.sort(key=lambda slot: min(abs(slot[1] - n) for n in switches) > 1)
    busy: set[tuple[int, int]] = set()
    target = max(2, round(INCIDENT_RATE * len(plan.hosts) * plan.nights))
    if plan.incident_count is not None:
        target = plan.incident_count
    for host, night in slots:
        if len(plan.incidents) >= target:
            break
        if {(host, night - 1), (host, night), (host, night + 1)} & busy:
            continue
        size = len(plan.hosts[host].vms)
        count = len(plan.incidents)
        every = count == 0 or (count > 1 and rng.random() < 0.5)
        victims = (
            tuple(range(size))
            if every
            else tuple(sorted(rng.sample(range(size), rng.randint(1, size - 1))))
        )
        retries = tuple(rng.randint(1, 3) for _ in victims)
        plan.incidents[(host, night)] = Incident(host, night, victims, retries)
        busy |= {(host, night), (host, night + 1)}
    free = [slot for slot in slots if slot not in busy and (slot[0], slot[1] - 1) not in busy]
    rng.shuffle(free)
    per_kind = max(1, len(plan.incidents) // 2)
    spare_fqdn = f"{plan.spare.name}.{DOMAIN}"
    for kind in DECOY_KINDS:
        for _ in range(per_kind):
            if not free:
                return
            host, night = free.pop()
            busy.add((host, night))
            owner = plan.hosts[host]
            vm = rng.choice(owner.vms)
            computer = f"{owner.name}.{DOMAIN}"
            if kind == "same-name-other-host":
                vm = Vm(vm.name, new_guid(rng))  # same name, another GUID, on the spare host
                computer = spare_fqdn
            at = rng.randint(10 * 3600, 16 * 3600)  # local 10:00-16:00, hours from any job
            plan.decoys.append(Decoy(kind, host, night, vm, computer, rng.randint(1, 2), at))


# --- rendering helpers -------------------------------------------------------------------


def hms(seconds: int) -> str:
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def group_name(plan: Plan, host: Host, night: int) -> str:
    day = plan.start + timedelta(days=night)
    stamp = f"{day:%Y%m%d}{hms(host.start).replace(':', '')}"
    return f"AvamarBackup_{host.name}-{host.job}-{stamp}-0"


@dataclass
class Event:
    """One VMMS event before rendering; ``at`` is local seconds of the day (float)."""

    at: float
    event_id: int
    computer: str
    vm: Vm
    extra: str = ""  # extra UserData elements
    message: str = ""
    level: int = 4


@dataclass
class Job:
    """The structural (non-filler) content of one host's job on one night."""

    plugin_head: list[tuple[Kind, str]] = field(default_factory=list)
    plugin_tail: list[tuple[Kind, str]] = field(default_factory=list)
    filler_from: int = 0
    filler_to: int = 0
    cluster: list[tuple[Kind, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    no_targets_index: int | None = None  # index of the 43427 line in plugin_head
    cleanup_group: str | None = None


def rec(text: str) -> tuple[Kind, str]:
    """A line written as a record line (it fits the standard layout)."""
    return ("r", text)


def merge_message(vm: Vm, event_id: int) -> str:
    label = f"(Virtual machine ID {vm.guid})"
    if event_id == 19070:
        return f"'{vm.name}' background disk merge has been started. {label}"
    if event_id == 19080:
        return f"'{vm.name}' background disk merge has been completed successfully. {label}"
    if event_id == 19100:
        return (
            f"'{vm.name}' background disk merge failed to complete: {ACCOUNT_RESTRICTIONS} "
            f"(0x8007052F). {label}"
        )
    if event_id == 18012:
        return f"Checkpoint operation for '{vm.name}' failed. {label}"
    raise ValueError(event_id)


MERGE_FAILED_EXTRA = "<ErrorMessage>%%2147943727</ErrorMessage><ErrorCode>0x8007052F</ErrorCode>"


def merge_failure(at: float, computer: str, vm: Vm) -> Event:
    return Event(at, 19100, computer, vm, MERGE_FAILED_EXTRA, merge_message(vm, 19100), 2)


def build_job(plan: Plan, host_index: int, night: int) -> Job:
    """Structural lines and events of one job; deterministic for (seed, host, night)."""
    rng = random.Random(f"avlogparse-bench/{plan.seed}/job/{host_index}/{night}")
    host = plan.hosts[host_index]
    day = plan.start + timedelta(days=night)
    prefix = f"{day:%Y-%m-%d} "
    computer = f"{host.name}.{DOMAIN}"
    group = group_name(plan, host, night)
    failing = set(plan.failing(host_index, night))
    job = Job()
    head = job.plugin_head
    cluster = job.cluster
    t = host.start + 1

    def ts(seconds: int, sometimes_missing: float = 0.0) -> str:
        return "" if rng.random() < sometimes_missing else prefix + hms(seconds) + " "

    vms = host.vms
    head.append(
        rec(
            f"{ts(t)}avhypervvss Info <0000>: Starting Hyper-V backup of job "
            f"'{host.job}' on host {host.name}, {len(vms)} virtual machines:"
        )
    )
    head.extend(("c", f"    {vm.name} ({vm.guid})") for vm in vms)
    head.append(
        rec(
            f"{ts(t, 0.5)}avhypervvss Info <43419>: Creating backup CheckPoint with "
            "'Copy' guest backup type"
        )
    )
    t += 1
    head.append(
        rec(
            f"{ts(t)}avhypervvss Info <43420>: Creating backup CheckPoint with "
            "'Application' consistenty level"
        )
    )
    t += 1
    head.append(rec(f"{ts(t)}avhypervvss Info <0000>: Creating checkpoint on group {group}"))
    cluster.append(rec(f"{ts(t)}winclustersvc INFO<0000>: Creating checkpoint on group {group}"))
    cluster.append(
        rec(
            f"{ts(t, 0.2)}winclustersvc INFO<0000>: Connecting to WMI namespace "
            f"root\\virtualization\\v2 on {host.name}"
        )
    )
    t += rng.randint(4, 9)
    for index in sorted(failing):
        vm = vms[index]
        cluster.append(
            rec(
                f"{ts(t)}winclustersvc ERROR<0000>: Failed to create checkpoint for "
                f"Virtual machine '{vm.name}': CreateSnapshot returned 32768 "
                "(Failed)"
            )
        )
        job.events.append(
            Event(t - 1 + rng.random(), 18012, computer, vm, "", merge_message(vm, 18012), 2)
        )
    ok = [vm for index, vm in enumerate(vms) if index not in failing]
    if ok:
        cluster.append(rec(f"{ts(t)}winclustersvc INFO<0000>: Checkpoint created on group {group}"))
    t += 1
    for index, vm in enumerate(vms):
        if index in failing:
            head.append(
                rec(
                    f"{ts(t, 0.5)}avhypervvss Error <43426>: Checkpoint creation for "
                    f"Virtual machine '{vm.name}<{vm.guid}>' has failed and will be "
                    "skipped from backup. For details, please check "
                    "'winclustersvc.log'."
                )
            )
        else:
            head.append(
                rec(
                    f"{ts(t)}avhypervvss Info <0000>: Checkpoint created for Virtual "
                    f"machine '{vm.name}<{vm.guid}>'."
                )
            )
        t += 1
    if not ok:
        job.no_targets_index = len(head)
        head.append(
            rec(
                "avhypervvss Warning <43427>: No targets available for backup after "
                "checkpoint process."
            )
        )
        head.append(
            rec(
                f"{ts(t)}avhypervvss Info <0000>: Backup of job '{host.job}' failed: "
                f"0 of {len(vms)} virtual machines backed up."
            )
        )
        cluster.append(rec(f"{ts(t)}winclustersvc INFO<0000>: Removing cluster group {group}"))
        job.filler_from = job.filler_to = t
        return job

    job.filler_from = t
    end = t + rng.randint(25 * 60, 45 * 60)
    job.filler_to = end - len(ok) * 20 - 5
    for moment in sorted(rng.randint(t, job.filler_to) for _ in range(rng.randint(2, 6))):
        cluster.append(
            rec(
                f"{ts(moment, 0.1)}winclustersvc INFO<0000>: Cluster group {group} "
                f"is online on node {host.name}"
            )
        )
    tail = job.plugin_tail
    moment = job.filler_to
    for vm in ok:
        moment += rng.randint(10, 20)
        tail.append(
            rec(
                f"{ts(moment)}avhypervvss Info <0000>: Backup of Virtual machine "
                f"'{vm.name}<{vm.guid}>' completed."
            )
        )
    outcome = "completed successfully" if not failing else "completed with errors"
    tail.append(
        rec(
            f"{ts(end)}avhypervvss Info <0000>: Backup of job '{host.job}' {outcome}: "
            f"{len(ok)} of {len(vms)} virtual machines backed up."
        )
    )
    if plan.tz is not None:
        elapsed = end - host.start
        tail.append(
            rec(
                f"{ts(end)}avtar Info <7883>: Finished at {prefix}{hms(end)} "
                f"{plan.zone_name(night, end)}, Elapsed time: {elapsed // 3600:04d}h:"
                f"{elapsed // 60 % 60:02d}m:{elapsed % 60:02d}s"
            )
        )

    cleanup = end + rng.randint(3, 8)
    destroy = cleanup + rng.randint(1, 4)
    cluster.append(
        (
            "r",
            f"{ts(cleanup)}winclustersvc INFO<0000>: Cleaning up checkpoint created "
            f"on group {group}: checkpoint \\\\{host.name}\\root\\virtualization\\v2"
            f':Msvm_SnapshotCollection.CollectionID="{new_guid(rng)}" .',
        )
    )
    cluster.append(
        rec(f"{ts(destroy)}winclustersvc INFO<0000>: DestroySnapshot executed successfully")
    )
    cluster.append(
        rec(f"{ts(destroy + 1, 0.3)}winclustersvc INFO<0000>: Removing cluster group {group}")
    )
    job.cleanup_group = group

    incident = plan.incidents.get((host_index, night))
    victims = dict(zip(incident.victims, incident.retries, strict=True)) if incident else {}
    recovered = {
        d.vm.guid: d
        for d in plan.decoys
        if d.kind == "merge-recovered" and (d.host, d.night) == (host_index, night)
    }
    for index, vm in enumerate(vms):
        if index in failing:
            continue
        started = destroy + rng.uniform(15, 25)
        job.events.append(Event(started, 19070, computer, vm, "", merge_message(vm, 19070)))
        if index in victims or vm.guid in recovered:
            retries = victims[index] if index in victims else recovered[vm.guid].retries
            first = started + rng.uniform(45, 150)
            owner = f"{plan.hosts[plan.owner(host_index)].name}.{DOMAIN}"
            for attempt in range(retries):  # VMMS retries every 3 minutes: all within 9 min
                job.events.append(merge_failure(first + attempt * 180, owner, vm))
            if vm.guid in recovered:  # the decoy: the merge completes after all
                done = first + (retries - 1) * 180 + rng.uniform(300, 900)
                job.events.append(Event(done, 19080, owner, vm, "", merge_message(vm, 19080)))
            continue
        done = started + rng.uniform(25, 180)
        job.events.append(Event(done, 19080, computer, vm, "", merge_message(vm, 19080)))
    for decoy in plan.decoys:
        if decoy.kind == "same-name-other-host" and (decoy.host, decoy.night) == (
            host_index,
            night,
        ):
            started = destroy + rng.uniform(15, 25)
            job.events.append(
                Event(started, 19070, decoy.computer, decoy.vm, "", merge_message(decoy.vm, 19070))
            )
            first = started + rng.uniform(45, 150)
            for attempt in range(decoy.retries):
                job.events.append(merge_failure(first + attempt * 180, decoy.computer, decoy.vm))
    return job


def far_decoy_events(plan: Plan, night: int) -> list[Event]:
    """The far-from-cleanup decoys of one day: a merge failure in the afternoon."""
    out = []
    for decoy in plan.decoys:
        if decoy.kind == "far-from-cleanup" and decoy.night == night:
            out.append(
                Event(
                    decoy.at - 70,
                    19070,
                    decoy.computer,
                    decoy.vm,
                    "",
                    merge_message(decoy.vm, 19070),
                )
            )
            for attempt in range(decoy.retries):
                out.append(merge_failure(decoy.at + attempt * 180, decoy.computer, decoy.vm))
    return out


# --- filler -------------------------------------------------------------------------------


class Filler:
    """Noise lines of the plug-in log: status lines, free text, multi-line messages, junk."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def lines(
        self, count: int, prefix: str, start: int, stop: int, host: Host
    ) -> list[tuple[Kind, str]]:
        rng = self.rng
        out: list[tuple[Kind, str]] = []
        span = max(stop - start, 1)
        files = rng.randint(1, 40)
        size = rng.uniform(20, 400)
        vms = host.vms
        while len(out) < count:
            at = start + span * len(out) // max(count, 1)
            stamp = prefix + hms(at) + " "
            left = count - len(out)
            roll = rng.random()
            if roll < JUNK_RATE:
                out.append(("u", self.junk(stamp)))
                continue
            if roll < 0.03 and left >= 2:
                extra = min(left - 1, rng.randint(1, 3))
                vm = rng.choice(vms)
                out.append(
                    rec(
                        f"{stamp}avhypervvss Info <0000>: Disk layout of "
                        f"'{vm.name}' ({extra} virtual disks):"
                    )
                )
                for disk in range(extra):
                    out.append(
                        (
                            "c",
                            f"    Disk {disk}: C:\\ClusterStorage\\Volume{disk + 1}\\"
                            f"{vm.name}\\Virtual Hard Disks\\{vm.name}_{disk}.vhdx",
                        )
                    )
                continue
            if roll < 0.05:
                stamp = ""  # a line without a timestamp (inherits the previous one)
            if roll < 0.55:
                files += rng.randint(0, 4000)
                new = rng.randint(0, files)
                out.append(
                    rec(
                        f"{stamp}avtar Info <8688>: Status {prefix}{hms(at)}, {files:,} "
                        f"files, {rng.randint(1, 90)} folders, {size:.1f} GB "
                        f"({new:,} files, {rng.randint(0, 9999):,} MB, "
                        f"{rng.uniform(0, 9):.2f}% new)"
                    )
                )
            elif roll < 0.65:
                code, text = rng.choice(AVTAR_OTHER)
                out.append(
                    rec(f"{stamp}avtar Info <{code}>: {text.format(n=rng.randint(1, 99999))}")
                )
            else:
                vm = rng.choice(vms)
                text = rng.choice(FREE_TEXT).format(
                    vm=vm.name,
                    guid=vm.guid,
                    host=host.name,
                    n=rng.randint(1, 1 << 20),
                    m=rng.randint(1, 64),
                    k=rng.randint(1, 4),
                )
                out.append(rec(f"{stamp}avhypervvss Info <0000>: {text}"))
        return out

    def junk(self, stamp: str) -> str:
        rng = self.rng
        choice = rng.randrange(5)
        if choice == 0:
            return "=" * rng.randint(20, 78)
        if choice == 1:
            return f"avhypervvss: trace 0x{rng.getrandbits(32):08x}: flushing log buffer"
        if choice == 2:
            return f"{stamp}avtar Info 8688 Status (truncated"
        if choice == 3:
            return f"Log file rolled over at {stamp.strip() or 'unknown time'}"
        return f"?? VSS callback returned 0x{rng.getrandbits(32):08X} ??"


AVTAR_OTHER = (
    (5241, "Backing up from 'C:\\ClusterStorage\\Volume1' (snapview {n})"),
    (6083, "Network write buffer flushed, {n} KB"),
    (10684, "Soft limit reached, cache {n} entries"),
    (7539, "Using hash cache of {n} entries"),
    (5156, "Backup #{n} in progress"),
)
FREE_TEXT = (
    "Processing virtual disk 'C:\\ClusterStorage\\Volume{k}\\{vm}\\Virtual Hard Disks\\{vm}.vhdx'"
    " (RCT reference rctX:{n})",
    "Reading changed blocks of '{vm}.vhdx': {n:,} of {n:,} blocks",
    "Sending {n:,} bytes of '{vm}' to the Avamar server",
    "VSS writer 'Microsoft Hyper-V VSS Writer' is in state STABLE",
    "Enumerating Hyper-V virtual machines on host {host}",
    "RCT query for '{vm}' ({guid}) returned {m} changed ranges",
    "Waiting for checkpoint job of '{vm}' to complete ({m}%)",
)


# --- noise events ---------------------------------------------------------------------------


def noise_events(rng: random.Random, count: int, hosts: list[Host], spare: Host) -> list[Event]:
    """Events outside the backups: VM state changes, live migrations, manual merges."""
    out: list[Event] = []
    everyone = [*hosts, spare]
    while len(out) < count:
        host = rng.choice(everyone)
        computer = f"{host.name}.{DOMAIN}"
        at = rng.uniform(0, DAY - 400)
        roll = rng.random()
        if roll < 0.15 and count - len(out) >= 2:  # a manual checkpoint delete elsewhere
            vm = rng.choice(host.others)
            out.append(Event(at, 19070, computer, vm, "", merge_message(vm, 19070)))
            done = at + rng.uniform(30, 300)
            out.append(Event(done, 19080, computer, vm, "", merge_message(vm, 19080)))
            continue
        vm = rng.choice((*host.vms, *host.others))
        label = f"(Virtual machine ID {vm.guid})"
        if roll < 0.45:
            blackout = f"{rng.uniform(0.1, 2.5):.1f}"
            extra = f"<Parameter2>{blackout}</Parameter2>"
            message = (
                "The Virtual Machine Management service successfully completed the live "
                f"migration of virtual machine  '{vm.name}' with a blackout time of {blackout} "
                f"seconds (VMID {vm.guid})."
            )
            out.append(Event(at, 20415, computer, vm, extra, message))
        elif roll < 0.70:
            out.append(
                Event(at, 18500, computer, vm, "", f"'{vm.name}' started successfully. {label}")
            )
        elif roll < 0.82:
            out.append(Event(at, 18502, computer, vm, "", f"'{vm.name}' was turned off. {label}"))
        elif roll < 0.94:
            message = f"'{vm.name}' was shut down using the Shutdown integration component. {label}"
            out.append(Event(at, 18504, computer, vm, "", message))
        else:
            message = f"'{vm.name}' was paused because the disk is running low on space. {label}"
            out.append(Event(at, 18508, computer, vm, "", message, 3))
    return out


class EventWriter:
    """Renders events as one ``<Event>`` per line, Event Viewer "Save As XML" style."""

    def __init__(self, out: TextIO, plan: Plan, rng: random.Random) -> None:
        self.out = out
        self.offset = plan.offset * 60
        self.tz = plan.tz
        self.rng = rng
        self.record_id = rng.randint(10_000, 90_000)
        self.pids = {h.name: h.pid for h in [*plan.hosts, plan.spare]}
        self.written = 0
        self.epoch = datetime(1970, 1, 1)

    def write(self, day: date, events: Iterable[Event]) -> None:
        rng = self.rng
        base = (datetime(day.year, day.month, day.day) - self.epoch).total_seconds() - self.offset
        midnight = datetime(day.year, day.month, day.day)
        epoch = self.epoch.replace(tzinfo=timezone.utc)
        parts = []
        for event in sorted(events, key=lambda e: e.at):
            if self.tz is None:
                utc = base + event.at
            else:  # the zone's offset at that wall-clock time (fold 0 in a switch hour)
                local = midnight + timedelta(seconds=event.at)
                utc = (local.replace(tzinfo=self.tz) - epoch).total_seconds()
            whole = int(utc)
            stamp = (self.epoch + timedelta(seconds=whole)).isoformat()
            frac = int((utc - whole) * 10_000_000)
            self.record_id += 1
            vm = event.vm
            name = escape(vm.name)
            if event.event_id == 20415:
                payload = (
                    f"<VmlEventLog xmlns:auto-ns2='http://schemas.microsoft.com/win/2004/08/"
                    f"events' xmlns='{VML_NS}'><Parameter0>{name}</Parameter0><Parameter1>"
                    f"{vm.guid}</Parameter1>{event.extra}</VmlEventLog>"
                )
            else:
                payload = (
                    f"<VmlEventLog xmlns='{VML_NS}'><VmName>{name}</VmName><VmId>{vm.guid}"
                    f"</VmId>{event.extra}</VmlEventLog>"
                )
            if rng.random() < 0.05:
                correlation = f"<Correlation ActivityID='{{{new_guid(rng)}}}'/>"
            else:
                correlation = "<Correlation/>"
            level_name = {2: "Error", 3: "Warning"}.get(event.level, "Information")
            host = event.computer.split(".", 1)[0]
            parts.append(
                f"<Event xmlns='{EVENT_NS}'><System><Provider Name='Microsoft-Windows-Hyper-V-"
                f"VMMS' Guid='{PROVIDER_GUID}'/><EventID>{event.event_id}</EventID><Version>0"
                f"</Version><Level>{event.level}</Level><Task>0</Task><Opcode>0</Opcode>"
                f"<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='{stamp}."
                f"{frac:07d}Z'/><EventRecordID>{self.record_id}</EventRecordID>{correlation}"
                f"<Execution ProcessID='{self.pids[host]}' ThreadID='{rng.randint(1000, 9999)}'/>"
                f"<Channel>{CHANNEL}</Channel><Computer>{event.computer}</Computer><Security "
                f"UserID='S-1-5-18'/></System><UserData>{payload}</UserData><RenderingInfo "
                f"Culture='en-US'><Message>{escape(event.message)}</Message><Level>{level_name}"
                f"</Level><Task>None</Task><Opcode>Info</Opcode><Channel>Admin</Channel>"
                f"<Provider>Microsoft-Windows-Hyper-V-VMMS</Provider><Keywords></Keywords>"
                f"</RenderingInfo></Event>\r\n"
            )
        self.written += len(parts)
        self.out.write("".join(parts))


class LineFile:
    """A CRLF text file that counts the lines it writes by kind."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.counts: dict[str, int] = {"r": 0, "c": 0, "b": 0, "u": 0}
        self.lines = 0

    def write(self, lines: list[tuple[Kind, str]]) -> None:
        if not lines:
            return
        counts = self.counts
        for kind, _ in lines:
            counts[kind] += 1
        self.lines += len(lines)
        self.out.write("\r\n".join(text for _, text in lines) + "\r\n")

    def summary(self) -> dict[str, int]:
        return {
            "lines": self.lines,
            "record_lines": self.counts["r"],
            "continuation_lines": self.counts["c"],
            "blank_lines": self.counts["b"],
            "unparsed_lines": self.counts["u"],
        }


def open_text(path: Path, encoding: str) -> TextIO:
    if encoding == "utf-16":
        out = open(path, "w", encoding="utf-16-le", newline="", buffering=1 << 20)  # noqa: SIM115
        out.write("\ufeff")
        return out
    return open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)


def split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(max(total, 0), max(parts, 1))
    return [base + (1 if index < extra else 0) for index in range(parts)]


def generate(
    out_dir: Path,
    lines: int,
    events: int,
    seed: int,
    encoding: str = "utf-8",
    lying_declaration: bool = False,
    tz: str | None = None,
    start: date | None = None,
    incidents: int | None = None,
    cluster: bool = False,
) -> dict[str, Any]:
    """Write the bundle and ``ground_truth.json``; return the ground truth."""
    started = time.perf_counter()
    plan = make_plan(lines, events, seed, tz, start, incidents)
    plan.cluster = cluster  # ``cluster`` is the winclustersvc log's writer further down
    out_dir.mkdir(parents=True, exist_ok=True)
    hosts = plan.hosts

    # pass 1: the structural lines and events, to size the filler exactly
    structural_lines = plan.nights  # one blank line after each night
    structural_events = 0
    backed_up_jobs = 0  # jobs that back something up (and so have time for noise lines)
    for night in range(plan.nights):
        structural_events += len(far_decoy_events(plan, night))
        for index in range(len(hosts)):
            job = build_job(plan, index, night)
            structural_lines += len(job.plugin_head) + len(job.plugin_tail)
            structural_events += len(job.events)
            backed_up_jobs += bool(job.plugin_tail)
    filler = iter(split_evenly(lines - structural_lines, backed_up_jobs))
    noise = split_evenly(events - structural_events, plan.nights)

    paths = {
        "plugin": out_dir / "avhypervvss.log",
        "cluster": out_dir / "winclustersvc.log",
        "events": out_dir / "vmms.xml",
    }
    fill_rng = random.Random(f"avlogparse-bench/{seed}/filler")
    noise_rng = random.Random(f"avlogparse-bench/{seed}/noise")
    filler_maker = Filler(fill_rng)
    orphans: list[dict[str, Any]] = []
    no_targets: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    declared = "utf-16" if encoding == "utf-16" and not lying_declaration else "utf-8"
    with (
        open_text(paths["plugin"], encoding) as plugin_out,
        open_text(paths["cluster"], encoding) as cluster_out,
        open_text(paths["events"], encoding) as events_out,
    ):
        plugin = LineFile(plugin_out)
        cluster = LineFile(cluster_out)
        events_out.write(
            f'<?xml version="1.0" encoding="{declared}" standalone="yes"?>\r\n<Events>\r\n'
        )
        writer = EventWriter(events_out, plan, noise_rng)
        for night in range(plan.nights):
            day = plan.start + timedelta(days=night)
            prefix = f"{day:%Y-%m-%d} "
            day_events = far_decoy_events(plan, night)
            for index, host in enumerate(hosts):
                job = build_job(plan, index, night)
                if job.no_targets_index is not None:
                    no_targets.append(
                        {
                            "host": host.name,
                            "job": host.job,
                            "night": f"{day:%Y-%m-%d}",
                            "path": "avhypervvss.log",
                            "line": plugin.lines + job.no_targets_index + 1,
                            "skipped_vm_ids": [vm.guid for vm in host.vms],
                        }
                    )
                for vm_index in plan.failing(index, night):
                    vm = host.vms[vm_index]
                    failures.append(
                        {
                            "vm_id": vm.guid,
                            "vm_name": vm.name,
                            "host": host.name,
                            "night": f"{day:%Y-%m-%d}",
                        }
                    )
                plugin.write(job.plugin_head)
                if job.plugin_tail:
                    count = next(filler)
                    plugin.write(
                        filler_maker.lines(count, prefix, job.filler_from, job.filler_to, host)
                    )
                    plugin.write(job.plugin_tail)
                cluster.write(job.cluster)
                day_events.extend(job.events)
                incident = plan.incidents.get((index, night))
                if incident is not None:
                    for vm_index, retries in zip(incident.victims, incident.retries, strict=True):
                        vm = host.vms[vm_index]
                        orphans.append(
                            {
                                "vm_id": vm.guid,
                                "vm_name": vm.name,
                                "cleanup_group": job.cleanup_group,
                                "host": host.name,
                                "night": f"{day:%Y-%m-%d}",
                                "merge_failures": retries,
                                "all_vms_of_job": len(incident.victims) == len(host.vms),
                                "owner": hosts[plan.owner(index)].name,
                            }
                        )
            plugin.write([("b", "")])
            day_events.extend(noise_events(noise_rng, noise[night], hosts, plan.spare))
            writer.write(day, day_events)
        events_out.write("</Events>\r\n")

    sign = "+" if plan.offset >= 0 else "-"
    truth: dict[str, Any] = {
        "generator": {
            "seed": seed,
            "lines": lines,
            "events": events,
            "encoding": encoding,
            "xml_declared_encoding": declared,
            "tz": tz,
            "start": f"{plan.start:%Y-%m-%d}",
            "incidents": incidents,
            "seconds": round(time.perf_counter() - started, 3),
        },
        "host_utc_offset": f"{sign}{abs(plan.offset) // 60:02d}:{abs(plan.offset) % 60:02d}",
        "host_utc_offset_minutes": plan.offset,
        "host_tz": plan.tz.key if plan.tz is not None else None,
        "host_utc_offsets_minutes": sorted(
            {plan.utc_offset(night, 12 * 3600) for night in range(plan.nights)}
        ),
        "switch_nights": [
            f"{plan.start + timedelta(days=night):%Y-%m-%d}" for night in plan.switch_nights()
        ],
        "first_night": f"{plan.start:%Y-%m-%d}",
        "nights": plan.nights,
        "hosts": [
            {"name": h.name, "job": h.job, "vms": [{"name": v.name, "id": v.guid} for v in h.vms]}
            for h in hosts
        ],
        "files": {
            "avhypervvss.log": {**plugin.summary(), "bytes": paths["plugin"].stat().st_size},
            "winclustersvc.log": {**cluster.summary(), "bytes": paths["cluster"].stat().st_size},
            "vmms.xml": {
                "events": writer.written,
                "lines": writer.written + 3,
                "bytes": paths["events"].stat().st_size,
            },
        },
        "orphaned_checkpoint": orphans,
        "no_backup_targets": no_targets,
        "checkpoint_creation_failed": failures,
        "decoys": [
            {
                "kind": d.kind,
                "vm_id": d.vm.guid,
                "vm_name": d.vm.name,
                "computer": d.computer,
                "near_cleanup_group": (
                    None
                    if d.kind == "far-from-cleanup"
                    else group_name(plan, hosts[d.host], d.night)
                ),
                "night": f"{plan.start + timedelta(days=d.night):%Y-%m-%d}",
            }
            for d in plan.decoys
        ],
    }
    if plan.cluster:
        _split_per_node(out_dir, plan, truth, encoding)
    (out_dir / "ground_truth.json").write_text(json.dumps(truth, indent=2), encoding="utf-8")
    return truth


def _split_per_node(out_dir: Path, plan: Plan, truth: dict[str, Any], encoding: str) -> None:
    """Rewrite the bundle as one folder per node: each node's events in ``<HOST>/vmms.xml``
    (by ``<Computer>``), the plug-in and winclustersvc logs in the first node's folder."""
    first = plan.hosts[0].name
    (out_dir / first).mkdir(exist_ok=True)
    for name in ("avhypervvss.log", "winclustersvc.log"):
        (out_dir / name).replace(out_dir / first / name)
    source = out_dir / "vmms.xml"
    outs: dict[str, TextIO] = {}
    counts: dict[str, int] = {}
    head: list[str] = []
    try:
        with source.open(encoding=encoding, newline="") as events_in:
            for line in events_in:
                start = line.find("<Computer>")
                if start < 0:
                    if line.startswith("</Events>"):
                        break
                    head.append(line)
                    continue
                host = line[start + 10 : line.index("</Computer>", start)].split(".", 1)[0]
                out = outs.get(host)
                if out is None:
                    (out_dir / host).mkdir(exist_ok=True)
                    out = outs[host] = open_text(out_dir / host / "vmms.xml", encoding)
                    out.write("".join(head))
                out.write(line)
                counts[host] = counts.get(host, 0) + 1
    finally:
        for out in outs.values():
            out.write("</Events>\r\n")
            out.close()
    source.unlink()
    truth["layout"] = "cluster"
    truth["cluster_nodes"] = [h.name for h in plan.hosts]
    truth["standalone_hosts"] = [plan.spare.name]
    truth["events_per_node"] = counts
    for item in truth["no_backup_targets"]:
        item["path"] = f"{first}/avhypervvss.log"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--lines", type=int, default=1_000_000, help="avhypervvss.log lines")
    parser.add_argument("--events", type=int, default=200_000, help="vmms.xml events")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--encoding", choices=("utf-8", "utf-16"), default="utf-8")
    parser.add_argument(
        "--lying-declaration",
        action="store_true",
        help='UTF-16 only: keep the XML declaration at encoding="utf-8" (as a PowerShell 5.1 '
        "re-save does); default is a declaration that matches the bytes",
    )
    parser.add_argument(
        "--tz",
        help="host-local time follows this IANA zone's daylight-saving rules (America/New_York)"
        "; default: a fixed offset chosen by the seed",
    )
    parser.add_argument(
        "--start", type=date.fromisoformat, help="first night (YYYY-MM-DD); default from the seed"
    )
    parser.add_argument("--incidents", type=int, help="orphaned-checkpoint incidents to plant")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="the hosts are nodes of one failover cluster: folder per node, incident merges "
        "failing on another node (see the module docstring)",
    )
    args = parser.parse_args(argv)
    truth = generate(
        args.out_dir,
        args.lines,
        args.events,
        args.seed,
        args.encoding,
        args.lying_declaration,
        args.tz,
        args.start,
        args.incidents,
        args.cluster,
    )
    files = truth["files"]
    print(
        f"{args.out_dir}: avhypervvss.log {files['avhypervvss.log']['lines']:,} lines, "
        f"winclustersvc.log {files['winclustersvc.log']['lines']:,} lines, "
        f"vmms.xml {files['vmms.xml']['events']:,} events; {truth['nights']} nights, "
        f"UTC{truth['host_utc_offset']}, {len(truth['orphaned_checkpoint'])} orphaned "
        f"checkpoints, {len(truth['no_backup_targets'])} no-target runs, "
        f"{len(truth['decoys'])} decoys; {truth['generator']['seconds']} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
