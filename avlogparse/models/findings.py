"""Findings: what went wrong, on which VM, proven by which lines, and what to do."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from avlogparse.models.display import show
from avlogparse.models.records import Location
from avlogparse.models.severity import Severity
from avlogparse.normalize import normalize_guid


class Evidence(BaseModel):
    """One input record a finding rests on: where it is and what it says."""

    model_config = ConfigDict(frozen=True)

    path: str
    line: int
    source: str
    timestamp: datetime | None = None
    text: str
    role: str | None = Field(
        default=None, description="what this record proves, e.g. 'cleanup-success'"
    )
    record_id: int | None = Field(
        default=None,
        description="EventRecordID of an event (added in 1.3): with path and line it locates "
        "an event even when several share a line",
    )
    event_index: int | None = Field(
        default=None,
        description="position of an event among the events of its XML file, from 1 (added in "
        "1.4): locates an event without an EventRecordID that shares its line with others",
    )

    @property
    def location(self) -> Location:
        """``path:line``, or ``path:line#record_id`` / ``path:line@event_index`` for an event
        (see :class:`Location`)."""
        return Location(self.path, self.line, self.record_id, self.event_index)


class VmRef(BaseModel):
    """A virtual machine as the logs name it; ``id`` is the normalised GUID when known."""

    model_config = ConfigDict(frozen=True)

    name: str | None = None
    id: str | None = None

    def label(self) -> str:
        """``NAME (GUID)`` or whichever part is known."""
        if self.name and self.id:
            return f"{self.name} ({self.id})"
        return self.name or self.id or "?"

    def matches(self, named: str) -> bool:
        """Whether this is the VM a user named: a GUID (any case, braces or not) or a name."""
        guid, valid = normalize_guid(named)
        if valid and self.id is not None:
            return self.id == guid
        return (self.name or "").casefold() == named.casefold()


class Finding(BaseModel):
    """A diagnosis by one rule; ``evidence`` lists every record it rests on.

    ``title``, ``message``, ``remediation`` and ``missing_links`` are text in ``lang``; the
    ``*_id(s)`` and ``message_args`` beside them are stable and re-render it in any language
    (:func:`avlogparse.i18n.localize_finding`).
    """

    model_config = ConfigDict(frozen=True)

    id: str = ""
    rule_id: str
    severity: Severity
    title: str
    message: str
    message_id: str = Field(default="", description="catalog id of the message")
    message_args: dict[str, Any] = Field(
        default_factory=dict, description="JSON values the message is rendered from"
    )
    lang: str = Field(default="en", description="language of the texts: en or ja")
    vm: VmRef | None = None
    host: str | None = None
    first_seen: AwareDatetime | None = None
    last_seen: AwareDatetime | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    remediation: list[str] = Field(default_factory=list)
    remediation_ids: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    explained_by: list[str] = Field(
        default_factory=list, description="ids of findings that explain this one"
    )
    missing_links: list[str] = Field(
        default_factory=list, description="parts of the causal chain the bundle does not show"
    )
    missing_link_ids: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        if not self.id:
            object.__setattr__(self, "id", finding_id(self.rule_id, self.vm, self.evidence))

    def _repr_html_(self) -> str:
        return str(show("finding_html", self))


def finding_id(rule_id: str, vm: VmRef | None, evidence: list[Evidence]) -> str:
    """Stable across runs on the same bundle: rule, VM and the first evidence line."""
    anchor = f"{evidence[0].path}:{evidence[0].line}" if evidence else ""  # ids predate #rid
    key = f"{rule_id}|{vm.id or vm.name if vm else ''}|{anchor}"
    return f"{rule_id}:{hashlib.sha1(key.encode()).hexdigest()[:10]}"
