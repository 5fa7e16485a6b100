"""What a rule is: a KB article with a check attached.

A rule declares its id, severity, what it looks for and why that matters
(``description``), what to do (``remediation_ids``), ``references`` and the input kinds it
``requires``. Its title, messages and steps live in the message catalogs of
:mod:`avlogparse.i18n`: a rule makes findings from message ids and raw arguments, so every
finding can be rendered in English or Japanese. The engine skips a rule whose inputs are
missing and says so in the report; otherwise it calls :meth:`Rule.evaluate` with the
correlated :class:`Facts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from avlogparse.correlate import Facts
from avlogparse.i18n import text
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.severity import Severity
from avlogparse.sniff import Kind

MAX_EVIDENCE = 200
"""Evidence records kept per finding; ``data["evidence_total"]`` tells when more existed
(a log with thousands of identical failures must not make a report of millions of lines)."""


class Rule:
    """Base class; subclasses set the class variables and implement :meth:`evaluate`."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    description: ClassVar[str]
    remediation_ids: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[frozenset[Kind]] = frozenset()

    @property
    def title(self) -> str:
        """The English title (``rule.<id>.title`` in the catalogs)."""
        return text(f"rule.{self.id}.title")

    @property
    def remediation(self) -> tuple[str, ...]:
        """The default remediation steps in English."""
        return tuple(text(step) for step in self.remediation_ids)

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        """Yield the findings this rule makes from the facts."""
        raise NotImplementedError

    def missing_inputs(self, kinds: set[Kind]) -> list[Kind]:
        """The required input kinds the bundle lacks (empty: the rule can run)."""
        return sorted(self.requires - kinds, key=lambda kind: kind.value)

    def finding(
        self,
        facts: Facts,
        *,
        message_id: str,
        message_args: dict[str, Any],
        evidence: Iterable[Evidence],
        vm: VmRef | None = None,
        host: str | None = None,
        remediation_ids: Iterable[str] | None = None,
        severity: Severity | None = None,
        explained_by: Iterable[str] = (),
        missing_link_ids: Iterable[str] = (),
        data: dict[str, Any] | None = None,
    ) -> Finding:
        """A finding with this rule's metadata, in English; first/last seen from the evidence.

        ``message_args`` hold JSON values only (times via :func:`host_time_arg`), so the
        finding can be rendered again in another language.
        """
        items = list(evidence)
        times = [facts.clock.host_time(e.timestamp) for e in items]
        data = dict(data or {})
        if len(items) > MAX_EVIDENCE:  # times above still span all of it
            data["evidence_total"] = len(items)
            items = items[:MAX_EVIDENCE]
        steps = list(self.remediation_ids if remediation_ids is None else remediation_ids)
        links = list(missing_link_ids)
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            title=self.title,
            message=text(message_id, **message_args),
            message_id=message_id,
            message_args=message_args,
            vm=vm,
            host=host,
            first_seen=min((t for t in times if t is not None), default=None),
            last_seen=max((t for t in times if t is not None), default=None),
            evidence=items,
            remediation=[text(step) for step in steps],
            remediation_ids=steps,
            references=list(self.references),
            explained_by=list(explained_by),
            missing_links=[text(link) for link in links],
            missing_link_ids=links,
            data=data,
        )


def host_time_arg(facts: Facts, moment: datetime | None) -> str | None:
    """A time as a message argument: host-local ISO with the offset (``{x:time}`` formats it)."""
    local = facts.clock.host_time(moment)
    return None if local is None else local.isoformat()
