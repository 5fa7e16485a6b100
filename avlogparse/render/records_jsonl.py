"""Records as JSON Lines: one object per record, the contract other tools read.

Every object has ``source``, ``path``, ``line``, ``timestamp`` (ISO 8601; with an offset
only when the source states the zone) and ``raw``, plus the fields of its kind under the
names of the models (``level``, ``code``, ``vm_name``, ``vm_id``, ``event_id``,
``provider``, ``computer``, ``hresult`` …). U+0085, U+2028 and U+2029 are ``\\uXXXX``
escapes, so one object is one line for every reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any, TextIO

from avlogparse.render.safe import json_line_safe
from avlogparse.sources import Record
from avlogparse.sources.avamar_log import LogLine


def record_to_dict(record: Record) -> dict[str, Any]:
    """A JSON-ready dictionary of any record (light or validated)."""
    if isinstance(record, LogLine):
        return {
            name: _json_value(value) for name, value in zip(LogLine._fields, record, strict=True)
        }
    dumped: dict[str, Any] = record.model_dump(mode="json")
    return dumped


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def write_jsonl(records: Iterable[Record], out: TextIO) -> int:
    """Write one JSON object per line; returns how many were written."""
    count = 0
    dumps = json.dumps
    for record in records:
        out.write(json_line_safe(dumps(record_to_dict(record), ensure_ascii=False)))
        out.write("\n")
        count += 1
    return count
