"""What a rule is: a KB article with a check attached.

A rule declares its id, severity, what it looks for and why that matters
(``description``), what to do (``remediation_ids``), ``references`` and the facts it
``requires`` (:mod:`avlogparse.correlation.coverage`: what was actually seen, never a file
format). Its title, messages and steps live in the message catalogs of
:mod:`avlogparse.i18n`: a rule makes findings from message ids and raw arguments only, and
the texts are rendered once, at the edge, in English or Japanese. The engine skips a rule
whose facts are missing and says which; otherwise it calls :meth:`Rule.evaluate` with the
correlated :class:`Facts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, ClassVar

from avlogparse.correlation.facts import Facts
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.severity import Severity

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
    requires: ClassVar[frozenset[str]] = frozenset()
    """Facts the rule needs; without one of them it is skipped, and the report says which."""

    after_others: ClassVar[bool] = False
    """A rule about what the other rules did not explain: the engine runs it last and hands
    it their findings (:meth:`evaluate_after`) instead of calling :meth:`evaluate`."""

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        """Yield the findings this rule makes from the facts."""
        raise NotImplementedError

    def evaluate_after(self, facts: Facts, earlier: Sequence[Finding]) -> Iterator[Finding]:
        """For an ``after_others`` rule: its findings, given the other rules' ``earlier``."""
        raise NotImplementedError

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
        omitted: int = 0,
    ) -> Finding:
        """A finding with this rule's metadata; first/last seen from the evidence.

        It holds message ids and ``message_args`` (JSON values only, times via
        :func:`host_time_arg`); its texts are empty until rendered at the edge
        (:func:`avlogparse.i18n.localize_finding`). ``omitted`` counts evidence records the
        collector did not keep (repeats of a kept one): they count in ``evidence_total``.
        """
        items: list[Evidence] = []
        total = 0
        first: datetime | None = None
        last: datetime | None = None
        for item in evidence:  # streamed: only the sample is kept, the times span all
            total += 1
            if total <= MAX_EVIDENCE:
                items.append(item)
            moment = facts.clock.host_time(item.timestamp)
            if moment is not None:
                first = moment if first is None or moment < first else first
                last = moment if last is None or moment > last else last
        data = dict(data or {})
        total += omitted
        if total > len(items):
            data["evidence_total"] = total
        steps = list(self.remediation_ids if remediation_ids is None else remediation_ids)
        links = list(missing_link_ids)
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            title="",
            message="",
            message_id=message_id,
            message_args=message_args,
            vm=vm,
            host=host,
            first_seen=first,
            last_seen=last,
            evidence=items,
            remediation_ids=steps,
            references=list(self.references),
            explained_by=list(explained_by),
            missing_link_ids=links,
            data=data,
        )


def host_time_arg(facts: Facts, moment: datetime | None) -> str | None:
    """A time as a message argument: host-local ISO with the offset (``{x:time}`` formats it)."""
    local = facts.clock.host_time(moment)
    return None if local is None else local.isoformat()
