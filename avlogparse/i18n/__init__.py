"""Every user-facing text in English and Japanese, from typed message catalogs.

Findings keep stable ids plus raw, JSON-safe arguments (``message_id``, ``message_args``,
``remediation_ids``, ``missing_link_ids``); the text is rendered from the catalog of the
chosen language, so a report can be re-rendered in another one with :func:`localize_report`.

A placeholder may name a format that the catalog of each language renders its own way:

- ``{x:time}``  an ISO time (host-local, with offset), or None for "unknown time";
- ``{x:hresult}`` an HRESULT as ``0x8007052F`` with its name and meaning, or None;
- ``{x:wmi}``  a Hyper-V WMI return code with its meaning;
- ``{x:list}`` a list of names, quoted and joined ("'a', 'b' and 'c'"), or "none listed";
- ``{x:msg}``  another message id, rendered inline with the same arguments (None: nothing);
- ``{x:sentence}`` the same, as a further sentence (None: nothing).
"""

from __future__ import annotations

import locale
import os
import string
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from avlogparse.catalog import HRESULTS
from avlogparse.errors import ConfigError
from avlogparse.i18n import en, ja
from avlogparse.models.findings import Finding
from avlogparse.models.report import Report
from avlogparse.models.timeline import Timeline

if TYPE_CHECKING:
    from avlogparse.rules.base import Rule

Language = Literal["en", "ja"]
LANGUAGES: tuple[Language, ...] = ("en", "ja")
CATALOGS: dict[str, Mapping[str, str]] = {"en": en.MESSAGES, "ja": ja.MESSAGES}
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def default_language(environ: Mapping[str, str] | None = None) -> Language:
    """The language of the user's locale: ``ja_JP.UTF-8`` → ``ja``; anything else → ``en``.

    The first non-empty of LC_ALL, LC_MESSAGES and LANG decides, as in POSIX. Without any
    (as on Windows) the process locale does, e.g. ``Japanese_Japan``.
    """
    env = os.environ if environ is None else environ
    name = next((env[v] for v in _LOCALE_VARIABLES if env.get(v)), None)
    if name is None:
        name = locale.getlocale()[0] or ""
    return "ja" if name.lower().startswith("ja") else "en"


def check_language(lang: str) -> Language:
    """``lang`` if it is one of :data:`LANGUAGES` (ConfigError otherwise)."""
    for known in LANGUAGES:
        if lang == known:
            return known
    raise ConfigError(f"unknown language {lang!r} (choose from {', '.join(LANGUAGES)})")


def has_text(key: str) -> bool:
    """Whether the catalogs know ``key`` (rules from outside the package may not)."""
    return key in en.MESSAGES


def text(key: str, lang: str = "en", **args: Any) -> str:
    """The message ``key`` in ``lang`` with its placeholders filled from ``args``."""
    pieces = _pieces(check_language(lang), key)
    if len(pieces) == 1 and pieces[0][1] is None:
        return pieces[0][0]
    formatter = _Formatter(lang, args)
    rendered = []
    for literal, name, spec in pieces:
        rendered.append(literal)
        if name is not None:
            rendered.append(formatter.format_field(args[name], spec))
    return "".join(rendered)


@lru_cache(maxsize=4096)  # the catalogs hold about 200 messages per language
def _pieces(lang: str, key: str) -> tuple[tuple[str, str | None, str], ...]:
    """A catalog message split once into (literal, placeholder, format) pieces.

    The catalogs use plain names only (no ``!r``, ``.attr`` or ``[i]``; the catalog tests
    check), so a name is looked up in the arguments directly: a timeline renders tens of
    thousands of labels, and ``string.Formatter.vformat`` costs 4x this.
    """
    return tuple(
        (literal, name, spec or "")
        for literal, name, spec, _ in string.Formatter().parse(CATALOGS[lang][key])
    ) or (("", None, ""),)


def evidence_role(role: str | None, lang: str) -> str:
    """What an evidence line proves, in ``lang`` (a role the catalog lacks stays as it is)."""
    if role is None:
        return ""
    return text(f"role.{role}", lang) if has_text(f"role.{role}") else role


def placeholders(template: str) -> set[tuple[str, str]]:
    """The ``(name, format)`` pairs of a template (the catalog test compares them)."""
    return {
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def display_width(value: str) -> int:
    """Terminal columns ``value`` takes: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def pad(value: str, width: int) -> str:
    """``value`` left-aligned in ``width`` terminal columns."""
    return value + " " * max(0, width - display_width(value))


class _Formatter(string.Formatter):
    """``str.format`` plus the formats of the module docstring, rendered in one language."""

    def __init__(self, lang: str, args: Mapping[str, Any]) -> None:
        super().__init__()
        self.lang = lang
        self.args = args  # what a nested ``msg``/``sentence`` message is rendered with

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "time":
            return self._time(value)
        if format_spec == "hresult":
            return self._hresult(value)
        if format_spec == "wmi":
            key = f"wmi.{value}"
            meaning = text(key if has_text(key) else "wmi.unknown", self.lang)
            return f"{value} ({meaning})"
        if format_spec == "list":
            return self._list([text("list.item", self.lang, item=item) for item in value])
        if format_spec in ("msg", "sentence"):
            if value is None:
                return ""
            rendered = text(value, self.lang, **self.args)
            return rendered if format_spec == "msg" else text("sentence.gap", self.lang) + rendered
        return str(super().format_field(value, format_spec))

    def _time(self, value: str | None) -> str:
        if value is None:
            return text("time.unknown", self.lang)
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S %z")

    def _list(self, items: list[str]) -> str:
        if not items:
            return text("list.empty", self.lang)
        head = text("list.separator", self.lang).join(items[:-1])
        return head + text("list.last-separator", self.lang) + items[-1] if head else items[0]

    def _hresult(self, value: str | None) -> str:
        if value is None:
            return text("hresult.unknown", self.lang)
        known = HRESULTS.get(int(value, 16))
        if known is None:
            return value
        return f"{known.hex} ({known.name}: {text(f'hresult.{known.hex}', self.lang)})"


def localize_finding(finding: Finding, lang: str) -> Finding:
    """A copy of ``finding`` with its texts in ``lang`` (one without a message id is kept)."""
    if not finding.message_id:
        return finding
    title_key = f"rule.{finding.rule_id}.title"
    return finding.model_copy(
        update={
            "lang": lang,
            "title": text(title_key, lang) if has_text(title_key) else finding.title,
            "message": text(finding.message_id, lang, **finding.message_args),
            "remediation": [text(step, lang) for step in finding.remediation_ids],
            "missing_links": [text(link, lang) for link in finding.missing_link_ids],
        }
    )


def localize_findings(findings: list[Finding], lang: str | None) -> list[Finding]:
    """``findings`` in ``lang`` (None: as they are); an unknown language is a ConfigError."""
    if lang is None:
        return findings
    lang = check_language(lang)
    return [f if f.lang == lang else localize_finding(f, lang) for f in findings]


def localize_report(report: Report, lang: str) -> Report:
    """A copy of ``report`` with its findings, rule runs, time alignment and timeline in
    ``lang``."""
    check_language(lang)
    findings = [localize_finding(f, lang) for f in report.findings]
    rules = []
    for run in report.rules:
        title_key = f"rule.{run.rule_id}.title"
        update: dict[str, Any] = {"title": text(title_key, lang)} if has_text(title_key) else {}
        if run.missing_inputs:
            update["reason"] = text("reason.missing-inputs", lang, inputs=run.missing_inputs)
        rules.append(run.model_copy(update=update))
    alignment = report.time_alignment
    if alignment.reason_id:
        reason = text(alignment.reason_id, lang, **alignment.reason_args)
        alignment = alignment.model_copy(update={"reason": reason})
    return report.model_copy(
        update={
            "lang": lang,
            "findings": findings,
            "rules": rules,
            "time_alignment": alignment,
            "timeline": localize_timeline(report.timeline, findings, lang),
        }
    )


def localize_timeline(timeline: Timeline, findings: list[Finding], lang: str) -> Timeline:
    """``timeline`` with its labels in ``lang``: a finding's entry takes the title of its
    finding in ``findings`` (already in ``lang``); an entry without a ``label_id`` is kept."""
    titles = {f.id: f.title for f in findings}
    entries = []
    for entry in timeline:
        label = titles.get(entry.finding_id or "")
        if label is None and entry.label_id:
            label = text(entry.label_id, lang, **entry.label_args)
        entries.append(entry.model_copy(update={"label": label or entry.label}))
    return Timeline(entries)


class RuleText(NamedTuple):
    """What ``avlogparse rules`` shows of a rule, in one language."""

    title: str
    description: str
    remediation: list[str]


def rule_text(rule: Rule, lang: str) -> RuleText:
    """A rule's title, KB-like description and remediation steps in ``lang``."""
    lang = check_language(lang)
    description = rule.description if lang == "en" else ja.RULE_DESCRIPTIONS[rule.id]
    return RuleText(
        title=text(f"rule.{rule.id}.title", lang),
        description=description,
        remediation=[text(step, lang) for step in rule.remediation_ids],
    )


__all__ = [
    "LANGUAGES",
    "Language",
    "RuleText",
    "check_language",
    "default_language",
    "display_width",
    "evidence_role",
    "has_text",
    "localize_finding",
    "localize_findings",
    "localize_report",
    "localize_timeline",
    "pad",
    "placeholders",
    "rule_text",
    "text",
]
