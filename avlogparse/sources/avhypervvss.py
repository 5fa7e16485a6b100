"""Parser for ``avhypervvss.log``, the Avamar Hyper-V VSS plug-in log.

Typical content (``samples/kb-orphaned-checkpoint``, ``docs/formats/avhypervvss.md``)::

    avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type
    2019-04-15 00:05:05 avhypervvss Info <43420>: Creating backup CheckPoint with 'Application' consistenty level
    avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'DDR-Dev2<XXXXX-XXXX-XXXX-XXXX-XXXXXX>' has failed and will be skipped from backup. For details, please check 'winclustersvc.log'.
    avhypervvss Warning <43427>: No targets available for backup after checkpoint process.

Lines of the plug-in's own codes (434xx) become :class:`PluginLogRecord` with the fields
their code carries; every other line is a light :class:`LogLine`.

Examples:
    >>> import io
    >>> from avlogparse.models.diagnostics import ParseStats
    >>> line = (b"avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
    ...         b"'DDR-Dev2<{8f23a1b2-0c4d-4e5f-9a6b-7c8d9e0f1a2b}>' has failed and will be "
    ...         b"skipped from backup. For details, please check 'winclustersvc.log'.")
    >>> stats = ParseStats(path="avhypervvss.log", kind="avhypervvss")
    >>> [record] = parse_avhypervvss(io.BytesIO(line), "avhypervvss.log", stats)
    >>> record.code, record.vm_name, record.vm_id, record.referenced_log
    (43426, 'DDR-Dev2', '8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B', 'winclustersvc.log')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from avlogparse.catalog import (
    AVTAR_JOB_CODES,
    CHECKPOINT_CREATE_CODE,
    CHECKPOINT_SKIPPED_CODE,
    CONSISTENCY_LEVEL_CODE,
    ERROR_SUMMARY_CODE,
    FINISHED_AT_CODE,
    JOB_STATUS_CODE,
    is_error_level,
)
from avlogparse.correlation.clock import ZoneHint
from avlogparse.correlation.collector import MAX_DEBUG_PAIRS
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.identity import plugin_vm
from avlogparse.correlation.runs import BackupRun, RunSplitter, note_vm_mention
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.normalize import error_fields, normalize_guid
from avlogparse.sources.avamar_log import (
    AvamarLogRecord,
    Detail,
    LogLine,
    parse_avamar_log,
    sniff_components,
)
from avlogparse.sources.base import LogSource

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources import Record

KIND = "avhypervvss"
FINISHED_CODE = 7883
"""avtar's ``Finished at 2021-06-29 15:06:17 KST, Elapsed time: …``: the one line that
prints the host's zone abbreviation (``shared/failure-catalog.md`` §2.2)."""
MAX_ZONE_HINTS = 1000
"""Zone abbreviations kept per bundle (one per backup is plenty; a hostile log cannot grow
the collector)."""
_FINISHED_AT = re.compile(
    r"Finished at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ([A-Z][A-Za-z]{1,5})\b", re.ASCII
)

class PluginLogRecord(AvamarLogRecord):
    """A line of ``avhypervvss.log`` with the fields its message code carries.

    43419: ``guest_backup_type``; 43420: ``consistency_level``; 43426: ``vm_name``,
    ``vm_id`` (normalised: upper case, no braces), ``vm_id_raw`` (as written),
    ``vm_id_valid`` (False for masked or malformed GUIDs) and ``referenced_log``.
    """

    source: Literal["avhypervvss"] = "avhypervvss"
    guest_backup_type: str | None = None
    consistency_level: str | None = None
    vm_name: str | None = None
    vm_id: str | None = None
    vm_id_raw: str | None = None
    vm_id_valid: bool | None = None
    referenced_log: str | None = None
    job_errors: int | None = None
    job_warnings: int | None = None
    exit_code: int | None = None
    exit_text: str | None = None
    error_codes: tuple[int, ...] = ()
    nested_code: int | None = None
    zone_name: str | None = None
    hresult: int | None = None
    hresult_hex: str | None = None
    wmi_code: int | None = None


_GUEST_BACKUP_TYPE = re.compile(r"with '([^']*)' guest backup type", re.IGNORECASE)
_CONSISTENCY_LEVEL = re.compile(r"with '([^']*)' consisten(?:t|c)y level", re.IGNORECASE)
_CHECKPOINT_FAILED_PREFIX = "Virtual machine '"
_CHECKPOINT_FAILED_SUFFIX = "' has failed"
_REFERENCED_LOG = re.compile(r"please check '([^']{1,260})'", re.IGNORECASE)


_JOB_STATUS = re.compile(
    r"Command failed \((\d{1,9}) errors?(?:, (\d{1,9}) warnings?)?, exit code (\d{1,9})"
    r"(?:: ?([^)]{0,256}))?\)",
    re.ASCII,
)
_ERROR_SUMMARY = re.compile(r"Error summary: \d{1,9} errors?: ?([\d, ]{0,512})", re.ASCII)
_ZONE_NAME = re.compile(r"\d\d:\d\d:\d\d ([A-Za-z][A-Za-z0-9+:-]{1,9}),", re.ASCII)
def _is_plugin_code(code: int) -> bool:
    return 43400 <= code < 43500 or code in AVTAR_JOB_CODES


def _extract(code: int, message: str) -> dict[str, Any]:
    """Fields of the plug-in's own codes; an unexpected shape just yields fewer fields."""
    fields: dict[str, Any] = {}
    if code == JOB_STATUS_CODE:
        found = _JOB_STATUS.search(message)
        if found is not None:
            errors, warnings, exit_code, exit_text = found.groups()
            fields["job_errors"] = int(errors)
            fields["job_warnings"] = int(warnings) if warnings else 0
            fields["exit_code"] = int(exit_code)
            fields["exit_text"] = exit_text.strip() if exit_text else None
        return fields
    if code == ERROR_SUMMARY_CODE:
        found = _ERROR_SUMMARY.search(message)
        if found is not None:
            codes = (part.strip() for part in found.group(1).split(","))
            fields["error_codes"] = tuple(int(c) for c in codes if c.isdigit() and len(c) < 7)
        return fields
    if code == FINISHED_AT_CODE:
        found = _ZONE_NAME.search(message)
        fields["zone_name"] = found.group(1) if found else None
        return fields
    if code < 43400 or code >= 43500:  # an Error or FATAL line of another component
        return error_fields(message)
    if code == CHECKPOINT_CREATE_CODE:
        found = _GUEST_BACKUP_TYPE.search(message)
        fields["guest_backup_type"] = found.group(1) if found else None
    elif code == CONSISTENCY_LEVEL_CODE:
        found = _CONSISTENCY_LEVEL.search(message)
        fields["consistency_level"] = found.group(1) if found else None
    elif code == CHECKPOINT_SKIPPED_CODE:
        fields.update(split_vm_reference(message))
    referenced = _REFERENCED_LOG.search(message)
    if referenced is not None:
        fields["referenced_log"] = referenced.group(1)
    return fields


def split_vm_reference(message: str, suffix: str = _CHECKPOINT_FAILED_SUFFIX) -> dict[str, Any]:
    """``… Virtual machine 'NAME<GUID>' has failed …`` → name, id, raw id, validity.

    The GUID is the *last* ``<…>`` before the closing quote (``suffix``, searched from the
    right); the name is everything before it (names may hold spaces, quotes or ``<``).
    Plain ``str`` searches keep this linear on hostile lines. Other messages that name a VM
    the same way are read with ``suffix=">'"``.

    >>> split_vm_reference("for Virtual machine 'a<b> vm<{1-2}>' has failed")["vm_name"]
    'a<b> vm'
    >>> split_vm_reference("Backup of Virtual machine 'X<1-2>' completed.", ">'")["vm_id"]
    '1-2'
    """
    start = message.find(_CHECKPOINT_FAILED_PREFIX)
    end = message.rfind(suffix)
    if start < 0 or end < start:
        return {}
    if suffix.startswith(">"):
        end += 1
    inner = message[start + len(_CHECKPOINT_FAILED_PREFIX) : end]
    open_at = inner.rfind("<")
    if not inner.endswith(">") or open_at < 0:
        return {"vm_name": inner}
    raw_id = inner[open_at + 1 : -1]
    vm_id, valid = normalize_guid(raw_id)
    return {
        "vm_name": inner[:open_at],
        "vm_id": vm_id or None,
        "vm_id_raw": raw_id,
        "vm_id_valid": valid,
    }


PLUGIN_DETAIL = Detail(
    kind=KIND,
    model=PluginLogRecord,
    extract=_extract,
    wanted_code=_is_plugin_code,
    wanted_level=is_error_level,
)


def parse_avhypervvss(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits = DEFAULT_LIMITS
) -> Iterator[LogLine | PluginLogRecord | Unparsed]:
    """Yield the records of an ``avhypervvss.log`` stream (see the module docstring)."""
    return parse_avamar_log(stream, path, stats, PLUGIN_DETAIL, limits)


def repeat_key(run: int, record: PluginLogRecord) -> tuple[object, ...]:
    """What makes two plug-in records one repeated fact: same run, code, VM and text."""
    return (KIND, run, record.code, record.vm_name, record.vm_id, record.message)


class AvhypervvssSource(LogSource):
    """``avhypervvss.log``: what the plug-in did, split into backup runs."""

    kind = KIND
    docs_page = "formats/avhypervvss.md"
    name_prefixes = ("avhypervvss",)

    def sniff(self, text: str, head: bytes) -> int:
        components = sniff_components(text)
        if not components or components["winclustersvc"] * 2 > components.total():
            return 0
        return 1

    def parse(
        self, stream: BinaryIO, path: str, stats: ParseStats, limits: Limits
    ) -> Iterator[Record]:
        return parse_avhypervvss(stream, path, stats, limits)

    def collect(self, records: Iterable[Record], collector: Collector) -> None:
        """Split the log into backup runs: a 43419 or a pause longer than ``run_gap`` starts
        one. Ordinary lines (most of the log) take a short path: lines of one second share
        one datetime object, so times are looked at only when it changes."""
        runs = RunSplitter(collector)
        run: BackupRun | None = None
        last: PluginLogRecord | LogLine | None = None
        ended: datetime | None = None  # run.ended, kept in a local for the short path
        gap = collector.windows.run_gap
        for record in records:
            if type(record) is LogLine:
                timestamp = record.timestamp
                if run is None:
                    run = runs.next(run, last, record)
                    ended = run.ended
                elif timestamp is not ended and timestamp is not None:
                    if record.time_basis == "unknown":  # debug layout: another clock
                        if ended is not None and len(collector.debug_pairs) < MAX_DEBUG_PAIRS:
                            collector.debug_pairs.append((timestamp, ended))
                        continue
                    if ended is not None and timestamp - ended <= gap:
                        run.ended = ended = timestamp  # what runs.next does within a run
                    else:
                        run = runs.next(run, last, record)
                        ended = run.ended
                last = record
                if "Virtual machine '" in record.message:
                    note_vm_mention(run, split_vm_reference(record.message, ">'"))
                elif record.code == FINISHED_CODE:
                    note_zone_hint(record, collector)
                continue
            if not isinstance(record, PluginLogRecord):
                if isinstance(record, Unparsed):
                    collector.note_unparsed(record)
                continue
            new_job = (
                record.code == CHECKPOINT_CREATE_CODE and run is not None and run.records != []
            )
            run = runs.next(run, last, record, new_job)
            ended = run.ended
            last = record
            if not collector.keep(repeat_key(run.index, record), record):
                continue  # a repeat of a fact kept MAX_REPEATS times: counted only
            code = record.code
            if code is None or not 43400 <= code < 43500:  # avtar job and error lines
                if code == FINISHED_CODE:
                    note_zone_hint(record, collector)
                collector.plugin_lines.append(record)
                continue
            if record.level is not None and is_error_level(record.level):
                collector.plugin_lines.append(record)
            run.records.append(record)
            if record.vm_name is not None or record.vm_id is not None:
                run.mentioned_vms[plugin_vm(record)] = None
        if run is not None and last is not None:
            run.last = last
        if runs.count:
            collector.saw(PLUGIN_LOG, runs.count)


def note_zone_hint(record: LogLine | PluginLogRecord, collector: Collector) -> None:
    """Keep the zone abbreviation of a ``<7883> Finished at … KST`` line as clock evidence."""
    found = _FINISHED_AT.search(record.message)
    if found is None or len(collector.zone_hints) >= MAX_ZONE_HINTS:
        return
    try:
        local = datetime.fromisoformat(found.group(1))
    except ValueError:
        return
    collector.zone_hints.append(ZoneHint(local, found.group(2), record.path, record.line))


SOURCE = AvhypervvssSource()
