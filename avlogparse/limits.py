"""Resource limits that keep hostile input from costing unbounded time or memory."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from avlogparse.errors import ConfigError


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

_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def limits_from_options(options: list[str], base: Limits = DEFAULT_LIMITS) -> Limits:
    """``["max_total_bytes=8G", "max_members=50000"]`` (the CLI's ``--limit``) as Limits.

    >>> limits_from_options(["max_total_bytes=8G", "max_ratio=50"]).max_total_bytes
    8589934592
    >>> limits_from_options(["max_nothing=1"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    avlogparse.errors.ConfigError: unknown limit 'max_nothing' (one of max_line_bytes, ...)
    """
    values: dict[str, float] = {}
    for option in options:
        name, _, text = option.partition("=")
        name = name.strip().replace("-", "_")
        if name not in Limits.model_fields:
            known = ", ".join(Limits.model_fields)
            raise ConfigError(f"unknown limit {name!r} (one of {known})")
        text = text.strip().lower()
        scale = _UNITS.get(text[-1:], 1) if text else 1
        try:
            values[name] = float(text[:-1] if scale > 1 else text) * scale
        except ValueError:
            raise ConfigError(f"limit {name}: not a number: {text!r}") from None
    typed = {name: _typed(name, value) for name, value in values.items()}
    try:
        return Limits(**{**base.model_dump(), **typed})
    except ValidationError as error:
        raise ConfigError(f"invalid limit: {error.errors()[0]['msg']}") from None


def _typed(name: str, value: float) -> float | int:
    return value if Limits.model_fields[name].annotation is float else int(value)
