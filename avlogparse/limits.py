"""Resource limits that keep hostile input from costing unbounded time or memory."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Every cap in one frozen object; override per call (``Limits(max_ratio=50)``).

    A limit hit is a ``limit-exceeded`` diagnostic naming the limit; the rest of the bundle
    is still read. DTDs, entities and external references are always refused and are not
    configurable.
    """

    model_config = ConfigDict(frozen=True)

    max_line_bytes: int = Field(65_536, ge=256)
    max_record_lines: int = Field(1_000, ge=1)
    max_event_bytes: int = Field(1 << 20, ge=1024)
    max_xml_depth: int = Field(64, ge=8)
    max_file_bytes: int = Field(4 << 30, ge=1)
    max_member_bytes: int = Field(1 << 30, ge=1)
    max_total_bytes: int = Field(4 << 30, ge=1)
    max_ratio: float = Field(200.0, gt=1)
    ratio_threshold_bytes: int = Field(1 << 20, ge=0)
    max_members: int = Field(10_000, ge=1)
    max_depth: int = Field(3, ge=0)
    max_dir_depth: int = Field(32, ge=1)
    max_timeline_entries: int = Field(20_000, ge=1)


DEFAULT_LIMITS = Limits()
