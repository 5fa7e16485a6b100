"""Every user-facing text in English and Japanese, from typed message catalogs.

Findings keep stable ids plus raw, JSON-safe arguments (``message_id``, ``message_args``,
``remediation_ids``, ``missing_link_ids``); the text is rendered from the catalog of the
chosen language, so a report can be re-rendered in another one with :func:`localize_report`.

A placeholder may name a format that the catalog of each language renders its own way:

- ``{x:time}``  an ISO time (host-local, with offset), or None for "unknown time"; every
  time a report shows reads ``2024-03-11 00:41:03 +09:00`` (:func:`clock_time`);
- ``{x:span}``  the time ``x`` to the argument ``last``: "from T1 to T2", or "at T" when
  they are the same second;
- ``{x:times}`` a count of attempts: "once", "3 times";
- ``{x:hresult}`` an HRESULT as ``0x8007052F`` with its name and meaning, or None;
- ``{x:wmi}``  a Hyper-V WMI return code with its meaning;
- ``{x:list}`` a list of names, quoted and joined ("'a', 'b' and 'c'"), or "none listed";
- ``{x:rivals}`` a list of rival clocks ``[offset, explained, anchors, lag minutes]``, each
  as ``clock.rival-item`` says, joined as a list;
- ``{x:msg}``  another message id, rendered inline with the same arguments (None: nothing);
- ``{x:sentence}`` the same, as a further sentence (None: nothing);
- ``{x:facts}`` a list of fact ids (``log:avhypervvss``, ``channel:<name>``; see
  :mod:`avlogparse.correlation.coverage`), each named as the catalog says (``fact.*``).

This module is the lookup only and imports nothing of the pipeline; reports, findings and
timelines are rendered in a language by :mod:`avlogparse.render.localize`, once, at the end.
"""

from __future__ import annotations

import locale
import os
import string
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from avlogparse.catalog import HRESULTS
from avlogparse.errors import ConfigError
from avlogparse.i18n import en, ja

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


def clock_time(moment: datetime) -> str:
    """A time as every output shows it: ``2024-03-11 00:41:03 +09:00`` (seconds; the offset
    with a colon, none for a naive time)."""
    shown = f"{moment.year:04d}-" + moment.strftime("%m-%d %H:%M:%S")  # year 1 is 0001
    offset = moment.utcoffset()
    if offset is None:
        return shown
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{shown} {sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_DELL_LOCALE = {"en": "en-us", "ja": "ja-jp"}


def localized_reference(url: str, lang: str) -> str:
    """A reference in the reader's language: Dell KB pages in ``en-us``/``ja-jp``, Microsoft
    KB articles (``support.microsoft.com/kb/N``) with the ``ja-jp`` locale in Japanese."""
    prefix = "https://www.dell.com/support/kbdoc/"
    if url.startswith(prefix):
        _, _, rest = url[len(prefix) :].partition("/")
        return f"{prefix}{_DELL_LOCALE.get(lang, 'en-us')}/{rest}"
    microsoft = "https://support.microsoft.com/"
    if url.startswith(microsoft) and "/kb/" in url:
        number = url.rstrip("/").rsplit("/", 1)[-1]
        locale_part = "ja-jp/" if lang == "ja" else ""
        return f"{microsoft}{locale_part}kb/{number}"
    return url


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
        if format_spec == "span":
            return self._span(value, self.args.get("last"))
        if format_spec == "times":
            return text("count.once" if value == 1 else "count.times", self.lang, count=value)
        if format_spec == "hresult":
            return self._hresult(value)
        if format_spec == "wmi":
            key = f"wmi.{value}"
            meaning = text(key if has_text(key) else "wmi.unknown", self.lang)
            return f"{value} ({meaning})"
        if format_spec == "list":
            return self._list([text("list.item", self.lang, item=item) for item in value])
        if format_spec == "rivals":
            return self._list([self._rival(*rival) for rival in value])
        if format_spec == "facts":
            return self._list([self._fact(fact) for fact in value], "list.or-separator")
        if format_spec in ("msg", "sentence"):
            if value is None:
                return ""
            rendered = text(value, self.lang, **self.args)
            return rendered if format_spec == "msg" else text("sentence.gap", self.lang) + rendered
        return str(super().format_field(value, format_spec))

    def _time(self, value: str | None) -> str:
        if value is None:
            return text("time.unknown", self.lang)
        return clock_time(datetime.fromisoformat(value))

    def _span(self, first: str | None, last: str | None) -> str:
        shown_first, shown_last = self._time(first), self._time(last)
        if shown_first == shown_last:
            return text("span.at", self.lang, time=shown_first)
        return text("span.between", self.lang, first=shown_first, last=shown_last)

    def _rival(self, offset: str, explained: int, anchors: int, lag: int) -> str:
        item = text(
            "clock.rival-item", self.lang, offset=offset, explained=explained, anchors=anchors,
            lag=lag,
        )  # fmt: skip
        return text("list.item", self.lang, item=item)

    def _fact(self, fact: str) -> str:
        family, _, name = fact.partition(":")
        if family == "log":
            return text("fact.log", self.lang, kind=name)
        if family in ("channel", "provider"):
            # Windows' own short form: Hyper-V-VMMS-Admin for Microsoft-Windows-Hyper-V-VMMS-Admin
            short = name.removeprefix("Microsoft-Windows-")
            return text(f"fact.{family}", self.lang, **{family: short})
        return fact

    def _list(self, items: list[str], last: str = "list.last-separator") -> str:
        if not items:
            return text("list.empty", self.lang)
        head = text("list.separator", self.lang).join(items[:-1])
        return head + text(last, self.lang) + items[-1] if head else items[0]

    def _hresult(self, value: str | None) -> str:
        if value is None:
            return text("hresult.unknown", self.lang)
        known = HRESULTS.get(int(value, 16))
        if known is None:
            return value
        return f"{known.hex} ({known.name}: {text(f'hresult.{known.hex}', self.lang)})"


__all__ = [
    "LANGUAGES",
    "Language",
    "check_language",
    "clock_time",
    "default_language",
    "display_width",
    "evidence_role",
    "has_text",
    "localized_reference",
    "pad",
    "placeholders",
    "text",
]
