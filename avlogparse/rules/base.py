"""What a rule is: a KB article with a check attached.

A rule declares its id, title, severity, what it looks for and why that matters
(``description``), what to do (``remediation``), ``references`` and the input kinds it
``requires``. The engine skips a rule whose inputs are missing and says so in the report;
otherwise it calls :meth:`Rule.evaluate` with the correlated :class:`Facts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from avlogparse.correlate import Facts
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.severity import Severity
from avlogparse.sniff import Kind


class Rule:
    """Base class; subclasses set the class variables and implement :meth:`evaluate`."""

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    description: ClassVar[str]
    remediation: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[frozenset[Kind]] = frozenset()

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
        message: str,
        evidence: Iterable[Evidence],
        vm: VmRef | None = None,
        host: str | None = None,
        remediation: Iterable[str] | None = None,
        severity: Severity | None = None,
        explained_by: Iterable[str] = (),
        missing_links: Iterable[str] = (),
        data: dict[str, Any] | None = None,
    ) -> Finding:
        """A finding with this rule's metadata; first/last seen come from the evidence."""
        items = list(evidence)
        times = [facts.clock.host_time(e.timestamp) for e in items]
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            title=self.title,
            message=message,
            vm=vm,
            host=host,
            first_seen=min((t for t in times if t is not None), default=None),
            last_seen=max((t for t in times if t is not None), default=None),
            evidence=items,
            remediation=list(self.remediation if remediation is None else remediation),
            references=list(self.references),
            explained_by=list(explained_by),
            missing_links=list(missing_links),
            data=data or {},
        )


def describe_time(facts: Facts, moment: datetime | None) -> str:
    """A time as the support engineer reads it: host-local, with the offset."""
    local = facts.clock.host_time(moment)
    return "an unknown time" if local is None else local.strftime("%Y-%m-%d %H:%M:%S %z")
