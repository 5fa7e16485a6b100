"""What the choice of host clock does to the findings, in the words of the summary.

The engine runs the rules again with each of the first rivals of an inferred clock
(:class:`~avlogparse.models.report.ClockRival`: ``checked``, ``findings_lost``,
``findings_gained``); this says so to the reader, and which ``--tz`` gives what. Shared by
the text and HTML reports.
"""

from __future__ import annotations

from functools import partial

from avlogparse.i18n import text
from avlogparse.models.report import ClockRival, TimeAlignment


def clock_choice(alignment: TimeAlignment, lang: str) -> tuple[str | None, list[str]]:
    """The summary sentence on the rivals (None when there are none) and one line per
    rival: ``--tz +08:45: not found: 2 x orphaned-checkpoint; found instead: …``."""
    rivals = alignment.rivals
    if alignment.source != "inferred" or not rivals:
        return None, []
    label = partial(text, lang=lang)
    names = [_name(rival) for rival in rivals]
    if any(rival.changes_findings for rival in rivals):
        head = label("text.clock-depends", rivals=names)
    elif all(rival.checked for rival in rivals):
        return label("text.clock-same", rivals=names), []
    else:
        head = label("text.clock-choice", rivals=names, example=rivals[0].tz)
    tried = sum(rival.checked for rival in rivals)
    return head, [
        label("text.clock-rival", tz=rival.tz, outcome=_outcome(rival, tried, lang))
        for rival in rivals
    ]


def _name(rival: ClockRival) -> str:
    return rival.zone or f"UTC{rival.tz}"


def _outcome(rival: ClockRival, tried: int, lang: str) -> str:
    label = partial(text, lang=lang)
    if not rival.checked:
        return label("text.clock-rival.untried", tried=tried)
    if not rival.changes_findings:
        return label("text.clock-rival.same")
    parts = [
        label(
            key,
            items=label("list.separator").join(
                label("text.incident.count-item", count=count, title=rule_id)
                for rule_id, count in counts.items()
            ),
        )
        for key, counts in (
            ("text.clock-rival.lost", rival.findings_lost),
            ("text.clock-rival.gained", rival.findings_gained),
        )
        if counts
    ]
    return label("text.clause-separator").join(parts)
