"""Diagnostics and per-file accounting: how the library reports bad input instead of raising."""

from __future__ import annotations

import traceback
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from avlogparse.models.records import Location


class DiagnosticSeverity(str, Enum):
    """How much a diagnostic limits what the report can say."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Diagnostic(BaseModel):
    """A located problem with the input: never an exception, always data.

    ``code`` is stable kebab-case (``xml-truncated``, ``path-traversal``, ``limit-exceeded``,
    ``decode-fallback``, ``line-truncated``, ``internal-error`` …) so tools can filter on it.
    ``path`` is the member chain inside the bundle (``bundle.zip!logs/avhypervvss.log``).
    """

    model_config = ConfigDict(frozen=True)

    severity: DiagnosticSeverity
    code: str
    message: str
    path: str | None = None
    line: int | None = None
    limit: str | None = None
    detail: str | None = Field(default=None, description="traceback, for --debug only")

    @field_serializer("message", "path", "detail")
    def _text(self, value: str | None) -> str | None:
        return None if value is None else text_without_surrogates(value)

    @classmethod
    def internal_error(cls, error: Exception, path: str | None = None) -> Diagnostic:
        """A bug caught by a safety net (one file, one rule), with its traceback for --debug."""
        return cls(
            severity=DiagnosticSeverity.ERROR,
            code="internal-error",
            message=f"{type(error).__name__}: {error}",
            path=path,
            detail="".join(traceback.format_exception(error)),
        )

    @property
    def location(self) -> Location | None:
        """Where it was seen (None for a diagnostic about the whole bundle)."""
        return None if self.path is None else Location(self.path, self.line or None)


def text_without_surrogates(text: str) -> str:
    """``text`` with lone surrogates (bytes of a path that is not UTF-8, as Python decodes
    them) shown as ``\\xff`` / ``\\udXXX``: JSON cannot carry them, a report must not fail."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


class ParseStats(BaseModel):
    """Per-file accounting; the counts always add up (see :meth:`balanced`).

    Line-based files: ``lines_total == record_lines + continuation_lines + blank_lines +
    unparsed_lines``. Event XML: ``events_seen == event_records + unparsed_events``; text
    outside events is counted in ``non_event_lines``.
    """

    model_config = ConfigDict(validate_assignment=False)

    path: str
    kind: str
    encoding: str | None = None
    bytes_read: int = 0
    lines_total: int = 0
    record_lines: int = 0
    continuation_lines: int = 0
    blank_lines: int = 0
    unparsed_lines: int = 0
    truncated_lines: int = 0
    decode_fallback_lines: int = 0
    events_seen: int = 0
    event_records: int = 0
    unparsed_events: int = 0
    non_event_lines: int = 0
    complete: bool = True
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    @property
    def records(self) -> int:
        """Parsed records (lines or events) in this file."""
        return self.record_lines + self.event_records

    @property
    def unparsed(self) -> int:
        """Unparsed records (lines or events) in this file."""
        return self.unparsed_lines + self.unparsed_events

    def balanced(self) -> bool:
        """True when every line and every event is accounted for."""
        lines_ok = self.lines_total == (
            self.record_lines + self.continuation_lines + self.blank_lines + self.unparsed_lines
        )
        events_ok = self.events_seen == self.event_records + self.unparsed_events
        return lines_ok and events_ok

    def add(self, diagnostic: Diagnostic) -> None:
        """Record a diagnostic for this file."""
        self.diagnostics.append(diagnostic)


MAX_DIAGNOSTICS_PER_CODE = 20


class FileDiagnostics:
    """A parser's diagnostics for one file, capped per code so bad input cannot flood a report.

    Call :meth:`summarise` at the end: codes past the cap get one line with their total.
    """

    def __init__(self, path: str, stats: ParseStats) -> None:
        self.path = path
        self.stats = stats
        self.counts: dict[str, int] = {}

    def add(self, code: str, line: int | None, message: str, limit: str | None = None) -> None:
        """Record a warning at ``line`` (kept only while under the cap for its code)."""
        seen = self.counts.get(code, 0)
        self.counts[code] = seen + 1
        if seen < MAX_DIAGNOSTICS_PER_CODE:
            self.stats.add(
                Diagnostic(
                    severity=DiagnosticSeverity.WARNING,
                    code=code,
                    message=message,
                    path=self.path,
                    line=line,
                    limit=limit,
                )
            )

    def summarise(self) -> None:
        """One summary diagnostic per code that passed the cap."""
        for code, count in self.counts.items():
            if count > MAX_DIAGNOSTICS_PER_CODE:
                self.stats.add(
                    Diagnostic(
                        severity=DiagnosticSeverity.WARNING,
                        code=code,
                        message=f"{count} in all; only the first {MAX_DIAGNOSTICS_PER_CODE} "
                        "are listed",
                        path=self.path,
                    )
                )
