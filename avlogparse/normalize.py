"""Normalising the identifiers that join the three logs: VM GUIDs and HRESULTs."""

from __future__ import annotations

import re
from typing import Any

_GUID = re.compile(
    r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", re.ASCII | re.IGNORECASE
)
_HRESULT_IN_TEXT = re.compile(r"\(0x([0-9A-Fa-f]{8})\)", re.ASCII)
_INSERTION = re.compile(r"%%(\d{1,10})", re.ASCII)


def normalize_guid(text: str) -> tuple[str, bool]:
    """Upper-case a GUID and strip braces; report whether it is a well-formed GUID.

    Masked GUIDs as published in KB articles (``XXXXSS-XXXX-…``) are kept, upper-cased,
    and flagged not valid rather than rejected.

    >>> normalize_guid("{8f23a1b2-0c4d-4e5f-9a6b-7c8d9e0f1a2b}")
    ('8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B', True)
    >>> normalize_guid("XXXXSS-XXXX-XXXX-XXXX-XXXXXX")
    ('XXXXSS-XXXX-XXXX-XXXX-XXXXXX', False)
    """
    value = text.strip().strip("{}").strip().upper()
    return value, _GUID.fullmatch(value) is not None


def format_hresult(value: int) -> str:
    """``0x`` plus eight upper-case hex digits, the spelling Windows uses in messages."""
    return f"0x{value & 0xFFFFFFFF:08X}"


def parse_hresult(text: str | None) -> int | None:
    """An HRESULT from ``0x8007052F``, a ``%%2147943727`` insertion, or ``(0x…)`` in a message.

    >>> format_hresult(parse_hresult("%%2147943727") or 0)
    '0x8007052F'
    >>> parse_hresult("failed (0x8007052f). (Virtual machine ID 1)")
    2147943727
    """
    if not text:
        return None
    stripped = text.strip()
    if stripped[:2].lower() == "0x":
        try:
            value = int(stripped[2:10], 16)
        except ValueError:
            return None
        return value
    insertion = _INSERTION.fullmatch(stripped)
    if insertion is not None:
        value = int(insertion.group(1))
        return value if value <= 0xFFFFFFFF else None
    found = _HRESULT_IN_TEXT.search(text)
    return int(found.group(1), 16) if found else None


_NESTED_CODE = re.compile(r"\s*<(\d{4,5})>", re.ASCII)
_HEX = re.compile(r"0x[0-9A-Fa-f]{8}\b", re.ASCII)
_WMI_CODE = re.compile(r"Error code: '(\d{1,6})'", re.ASCII)


def error_fields(message: str) -> dict[str, Any]:
    """A code nested at the start of the message (``FATAL <0000>: <10608>Replication…``), an
    HRESULT and a Hyper-V WMI job code (``Error code: '32774'``) of an error line."""
    fields: dict[str, Any] = {}
    nested = _NESTED_CODE.match(message)
    if nested is not None:
        fields["nested_code"] = int(nested.group(1))
    hex_code = _HEX.search(message)
    hresult = parse_hresult(hex_code.group(0)) if hex_code else None
    if hresult is not None and hresult & 0x80000000:
        fields["hresult"] = hresult
        fields["hresult_hex"] = format_hresult(hresult)
    wmi = _WMI_CODE.search(message)
    if wmi is not None:
        fields["wmi_code"] = int(wmi.group(1))
    return fields
