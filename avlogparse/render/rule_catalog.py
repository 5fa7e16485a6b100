"""The rule catalog as Markdown, built from the rules themselves (``docs/rules/index.md``).

Each rule's docstring is its KB article, so the catalog is generated rather than written:
``scripts/gen_docs.py`` writes it into the docs and a test fails when the committed page
differs. ``avlogparse rules --format markdown`` prints the same text.
"""

from __future__ import annotations

import inspect
import re
from typing import NamedTuple

from avlogparse.i18n import LANGUAGES
from avlogparse.i18n.localize import rule_text
from avlogparse.rules import ALL_RULES, Rule

FIXTURES_PATH = "tests/rules/{rule_id}/"
"""Where a rule's fixtures are in the repository: named, not linked (the built docs site
holds only ``docs/``, so a link there would be broken)."""
"""Link to a rule's fixture folder, relative to ``docs/rules/index.md``."""

_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.DOTALL)
_MARKDOWN_SPECIAL = re.compile(r"([\\*<>&|])")
_HTML_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


class RuleTexts(NamedTuple):
    """The parts of a rule a reader reads, in one language."""

    title: str
    summary: str
    description: str
    remediation: tuple[str, ...]


def rule_texts(rule: Rule, lang: str = "en") -> RuleTexts:
    """The rule's texts in ``lang`` (``en`` or ``ja``; anything else is a ``ValueError``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (one of {', '.join(LANGUAGES)})")
    texts = rule_text(rule, lang)
    first_line, _, body = inspect.cleandoc(texts.description).partition("\n")
    summary = first_line.removeprefix(f"{rule.id} — ").strip()
    return RuleTexts(
        texts.title, summary[:1].upper() + summary[1:], body.strip(), tuple(texts.remediation)
    )


def render_rule_catalog_markdown(lang: str = "en") -> str:
    """Every rule of :data:`~avlogparse.rules.ALL_RULES`, in run order, as one Markdown page."""
    out = [
        "# Rule catalog",
        "",
        "<!-- Generated from avlogparse.rules.ALL_RULES by scripts/gen_docs.py; do not edit. -->",
        "",
        "The rules avlogparse runs, in the order it runs them. Each one is a module in",
        "`avlogparse/rules/` whose docstring is the text below, and has a fixture folder under",
        "`tests/rules/<id>/` with cases that must trigger it and near misses that must not.",
        "A rule whose required inputs are missing from the bundle is skipped, and the report",
        "says why. `avlogparse rules` lists the same rules.",
        "",
        "| Rule | Severity | Requires | Title |",
        "|---|---|---|---|",
    ]
    for rule in ALL_RULES:
        texts = rule_texts(rule, lang)
        out.append(
            f"| [{rule.id}](#{rule.id}) | {rule.severity.value} | {_requires(rule)} "
            f"| {escape_markdown(texts.title)} |"
        )
    for rule in ALL_RULES:
        out += ["", *_rule_section(rule, rule_texts(rule, lang))]
    return "\n".join(out) + "\n"


def _rule_section(rule: Rule, texts: RuleTexts) -> list[str]:
    fixtures = FIXTURES_PATH.format(rule_id=rule.id)
    lines = [
        f"## {rule.id}",
        "",
        f"**{escape_markdown(texts.title)}**",
        "",
        f"- Severity: `{rule.severity.value}`",
        f"- Requires: {_requires(rule)}",
        f"- Fixtures: `{fixtures}` in the repository",
        "",
        escape_markdown(texts.summary),
        "",
        escape_markdown(texts.description),
        "",
        "**Remediation**",
        "",
    ]
    if texts.remediation:
        lines += [
            f"{number}. {escape_markdown(step)}" for number, step in enumerate(texts.remediation, 1)
        ]
    else:
        lines.append("Given with each finding: the steps depend on the error the logs show.")
    if rule.references:
        lines += ["", "**References**", "", *(f"- <{url}>" for url in rule.references)]
    return lines


def _requires(rule: Rule) -> str:
    return ", ".join(f"`{fact}`" for fact in sorted(rule.requires))


def escape_markdown(text: str) -> str:
    """Markdown-escape prose (``<VM>`` must not become an HTML tag), leaving code spans alone."""
    parts: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        parts += [_escape_prose(text[position : span.start()]), span.group(0)]
        position = span.end()
    parts.append(_escape_prose(text[position:]))
    return "".join(parts)


def _escape_prose(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(lambda m: _HTML_ENTITIES.get(m.group(1), "\\" + m.group(1)), text)
