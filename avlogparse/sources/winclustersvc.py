"""Parser for ``winclustersvc.log``, the Avamar Hyper-V plug-in's cluster service log.

Typical content (the only public lines, Dell KB 000044579)::

    winclustersvc INFO<0000>: Cleaning up checkpoint created on group AvamarBackup_SERVER-app-20190510000504-0: checkpoint \\\\SERVER\\root\\virtualization\\v2:Msvm_SnapshotCollection.CollectionID="DXXXXDX-XXCE-XXDX-XABF-XXXDXXXXXX" .
    winclustersvc INFO<0000>: DestroySnapshot executed successfully

Cleanup and DestroySnapshot lines become :class:`ClusterLogRecord` with the group split into
host, job, backup start (``YYYYMMDDhhmmss``, host-local) and sequence number, the WMI path,
its host and the snapshot CollectionID. "DestroySnapshot executed successfully" only means
the WMI call returned: the disk merge runs afterwards in VMMS and may still fail.

Examples:
    >>> fields = extract_cluster_fields(0, "Cleaning up checkpoint created on group "
    ...     "AvamarBackup_HV-NODE01-nightly-20240311000504-0: checkpoint "
    ...     '\\\\\\\\HV-NODE01\\\\root\\\\virtualization\\\\v2:Msvm_SnapshotCollection.CollectionID="AB" .')
    >>> fields["group_host"], fields["group_job"], fields["group_started"].isoformat()
    ('HV-NODE01', 'nightly', '2024-03-11T00:05:04')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from avlogparse.catalog import WMI_RETURN_CODES, is_error_level
from avlogparse.correlation.coverage import CLUSTER_LOG
from avlogparse.correlation.hosts import short_host
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.normalize import format_hresult, normalize_guid, parse_hresult
from avlogparse.sources.avamar_log import (
    AvamarLogRecord,
    Detail,
    LogLine,
    parse_avamar_log,
    parse_group_time,
    sniff_components,
)
from avlogparse.sources.base import LogSource
from avlogparse.sources.memo import MemoFunction

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources import Record

KIND = "winclustersvc"


class ClusterLogRecord(AvamarLogRecord):
    """A line of ``winclustersvc.log``; cleanup and DestroySnapshot lines get their fields.

    The group name ``AvamarBackup_<host>-<job>-<YYYYMMDDhhmmss>-<n>`` is split into
    ``group_host``, ``group_job``, ``group_started`` (host-local, naive) and
    ``group_sequence``.
    """

    source: Literal["winclustersvc"] = "winclustersvc"
    group: str | None = None
    group_host: str | None = None
    group_job: str | None = None
    group_started: datetime | None = None
    group_sequence: int | None = None
    wmi_path: str | None = None
    wmi_host: str | None = None
    collection_id: str | None = None
    destroy_snapshot: Literal["success", "failure"] | None = None
    return_code: int | None = None
    return_code_name: str | None = None
    hresult: int | None = None
    hresult_hex: str | None = None


_CLEANUP = re.compile(
    r"Cleaning up checkpoint created on group (\S{1,512}?):? checkpoint (\S{1,2048})", re.ASCII
)
_GROUP = re.compile(r"AvamarBackup_(.+)-(\d{14})-(\d{1,9})", re.ASCII | re.DOTALL)
_WMI_HOST = re.compile(r"\\\\([^\\]{1,255})\\", re.ASCII)
_COLLECTION_ID = re.compile(r'CollectionID="([^"]{0,128})"', re.ASCII)
_RETURN_CODE = re.compile(
    r"(?:return(?:ed)?(?: value| code)?|ReturnValue|error(?: code)?)\s*[:=]?\s*(\d{1,6})\b",
    re.ASCII | re.IGNORECASE,
)
_HEX_CODE = re.compile(r"0x[0-9A-Fa-f]{8}", re.ASCII)


def extract_cluster_fields(code: int, message: str) -> dict[str, Any]:
    """Fields of cleanup and DestroySnapshot lines (see the module docstring)."""
    cleanup = _CLEANUP.search(message)
    if cleanup is not None:
        return _cleanup_fields(cleanup.group(1), cleanup.group(2))
    if "DestroySnapshot" not in message:
        return {}
    return dict(_destroy_fields(message))


@MemoFunction
def _destroy_fields(message: str) -> dict[str, Any]:
    """A DestroySnapshot result; the same few messages repeat once per VM and night."""
    lowered = message.lower()
    succeeded = "success" in lowered and "unsuccess" not in lowered
    fields: dict[str, Any] = {"destroy_snapshot": "success" if succeeded else "failure"}
    if not succeeded:
        return_code = _RETURN_CODE.search(message)
        if return_code is not None:
            value = int(return_code.group(1))
            fields["return_code"] = value
            fields["return_code_name"] = WMI_RETURN_CODES.get(value)
        hex_code = _HEX_CODE.search(message)
        hresult = parse_hresult(hex_code.group(0)) if hex_code else None
        if hresult is not None:
            fields["hresult"] = hresult
            fields["hresult_hex"] = format_hresult(hresult)
    return fields


def _cleanup_fields(group: str, wmi_path: str) -> dict[str, Any]:
    wmi_host_match = _WMI_HOST.match(wmi_path)
    wmi_host = wmi_host_match.group(1) if wmi_host_match else None
    collection = _COLLECTION_ID.search(wmi_path)
    fields: dict[str, Any] = {
        "group": group,
        "wmi_path": wmi_path,
        "wmi_host": wmi_host,
        "collection_id": normalize_guid(collection.group(1))[0] if collection else None,
    }
    fields.update(_group_fields(group, wmi_host))
    return fields


@MemoFunction
def _group_fields(group: str, wmi_host: str | None) -> tuple[tuple[str, Any], ...]:
    """Host, job, start and sequence of a cluster group (one group per job, many VMs)."""
    parts = _GROUP.fullmatch(group)
    if parts is None:
        return ()
    host_and_job, started, sequence = parts.groups()
    host, job = _split_host_job(host_and_job, wmi_host)
    return (
        ("group_host", host),
        ("group_job", job),
        ("group_started", parse_group_time(started)),
        ("group_sequence", int(sequence)),
    )


def _split_host_job(text: str, wmi_host: str | None) -> tuple[str, str | None]:
    """Host and job are joined by ``-`` and may both contain ``-``: the WMI host decides."""
    if wmi_host and text.lower().startswith(wmi_host.lower() + "-"):
        return text[: len(wmi_host)], text[len(wmi_host) + 1 :]
    host, _, job = text.partition("-")
    return host, job or None


CLUSTER_DETAIL = Detail(
    kind=KIND,
    model=ClusterLogRecord,
    extract=extract_cluster_fields,
    markers=("Cleaning up checkpoint", "DestroySnapshot"),
    wanted_level=is_error_level,
)


def parse_winclustersvc(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits = DEFAULT_LIMITS
) -> Iterator[LogLine | ClusterLogRecord | Unparsed]:
    """Yield the records of a ``winclustersvc.log`` stream (see the module docstring)."""
    return parse_avamar_log(stream, path, stats, CLUSTER_DETAIL, limits)


@dataclass
class Cleanup:
    """A checkpoint cleanup of winclustersvc: the cleanup line and its DestroySnapshot."""

    cleanup: ClusterLogRecord
    destroy: ClusterLogRecord | None = None

    @property
    def succeeded(self) -> bool:
        """The plug-in reported success (the merge may still fail afterwards)."""
        return self.destroy is not None and self.destroy.destroy_snapshot == "success"

    @property
    def local_time(self) -> datetime | None:
        """When the cleanup ran, host-local; the backup start when no line has a time."""
        for record in (self.destroy, self.cleanup):
            if record is not None and record.timestamp is not None:
                return record.timestamp
        return self.cleanup.group_started

    @property
    def host(self) -> str | None:
        return short_host(self.cleanup.wmi_host or self.cleanup.group_host)


class WinclustersvcSource(LogSource):
    """``winclustersvc.log``: the checkpoint cleanups and their DestroySnapshot results."""

    kind = KIND
    docs_page = "formats/winclustersvc.md"
    name_prefixes = ("winclustersvc",)

    def sniff(self, text: str, head: bytes) -> int:
        components = sniff_components(text)
        return 1 if components["winclustersvc"] * 2 > components.total() else 0

    def parse(
        self, stream: BinaryIO, path: str, stats: ParseStats, limits: Limits
    ) -> Iterator[Record]:
        return parse_winclustersvc(stream, path, stats, limits)

    def collect(self, records: Iterable[Record], collector: Collector) -> None:
        """Keep the cleanups, each with the DestroySnapshot line that follows it."""
        pending: Cleanup | None = None
        seen = 0
        for record in records:
            if not isinstance(record, ClusterLogRecord):
                if isinstance(record, Unparsed):
                    collector.note_unparsed(record)
                else:
                    seen += 1
                continue
            seen += 1
            if record.level is not None and is_error_level(record.level):
                collector.plugin_lines.append(record)
            if record.group is not None:
                pending = Cleanup(record)
                collector.cleanups.append(pending)
            elif record.destroy_snapshot is not None:
                if pending is not None and pending.destroy is None:
                    pending.destroy = record
                if record.destroy_snapshot == "failure":
                    collector.destroy_failures.append(record)
        if seen:
            collector.saw(CLUSTER_LOG, seen)


SOURCE = WinclustersvcSource()
