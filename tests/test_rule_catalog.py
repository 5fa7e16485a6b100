"""The Markdown rule catalog: one section per rule, texts from the rule, prose escaped."""

from __future__ import annotations

import pytest

from avlogparse.i18n import text
from avlogparse.render.rule_catalog import (
    escape_markdown,
    render_rule_catalog_markdown,
    rule_texts,
)
from avlogparse.rules import ALL_RULES, rule_by_id


def test_every_rule_has_a_section_in_run_order() -> None:
    page = render_rule_catalog_markdown()
    positions = [page.index(f"\n## {rule.id}\n") for rule in ALL_RULES]
    assert positions == sorted(positions)
    for rule in ALL_RULES:
        assert f"[{rule.id}](#{rule.id}) | {rule.severity.value} |" in page
        # named, not linked: the built docs site holds only docs/
        assert f"- Fixtures: `tests/rules/{rule.id}/` in the repository" in page
        assert all(url in page for url in rule.references)


def test_texts_come_from_the_rule_docstring() -> None:
    rule = rule_by_id("orphaned-checkpoint")
    texts = rule_texts(rule)
    assert texts.title == text(f"rule.{rule.id}.title", "en")
    assert texts.summary == "Cleanup reported success, but the checkpoint merge failed."
    assert texts.description.startswith("What it looks for:")
    assert rule.id not in texts.summary


def test_unknown_language_is_refused_and_japanese_is_translated() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        render_rule_catalog_markdown(lang="fr")
    japanese = render_rule_catalog_markdown(lang="ja")
    texts = rule_texts(rule_by_id("orphaned-checkpoint"), "ja")
    assert texts.summary.startswith("クリーンアップは成功と報告された")
    steps = rule_texts(rule_by_id("no-backup-targets"), "ja").remediation
    assert steps and steps != rule_texts(rule_by_id("no-backup-targets")).remediation
    assert "## orphaned-checkpoint" in japanese and texts.title in japanese


def test_prose_is_escaped_but_code_spans_are_not() -> None:
    escaped = escape_markdown(
        r"'<VM>' a*b NT VIRTUAL MACHINE\<GUID> & `Get-VMSnapshot -VMName <name>`"
    )
    assert escaped == (
        r"'&lt;VM&gt;' a\*b NT VIRTUAL MACHINE\\&lt;GUID&gt; &amp; "
        "`Get-VMSnapshot -VMName <name>`"
    )
