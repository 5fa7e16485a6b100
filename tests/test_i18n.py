"""English and Japanese texts: complete catalogs, re-rendering, reports and locale detection."""

from __future__ import annotations

import json
import locale
import string
import unicodedata
from pathlib import Path

import pytest

import avlogparse
from avlogparse.i18n import (
    CATALOGS,
    LANGUAGES,
    default_language,
    display_width,
    ja,
    pad,
    placeholders,
    text,
)
from avlogparse.i18n.localize import localize_report, rule_text
from avlogparse.models.report import Report
from avlogparse.render.text import render_text

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
RULES = Path(__file__).parent / "rules"
PARTIAL = RULES / "orphaned-checkpoint" / "partial-no-plugin-log"
CASES = sorted(p.parent for p in RULES.glob("*/*/expected.json"))


def _has_japanese(value: str) -> bool:
    """Kana or kanji (product terms and paths stay Latin, so the check is 'any')."""
    return any(unicodedata.name(c, "").startswith(("HIRAGANA", "KATAKANA", "CJK")) for c in value)


@pytest.fixture(scope="module")
def english() -> Report:
    return avlogparse.analyze(SAMPLE)


@pytest.fixture(scope="module")
def japanese() -> Report:
    return avlogparse.analyze(SAMPLE, lang="ja")


def test_every_key_in_every_language_with_the_same_placeholders() -> None:
    english_keys = set(CATALOGS["en"])
    for lang in LANGUAGES:
        assert set(CATALOGS[lang]) == english_keys, lang
        for key, template in CATALOGS[lang].items():
            assert placeholders(template) == placeholders(CATALOGS["en"][key]), (lang, key)


def test_placeholders_are_plain_names_rendered_as_str_format_would() -> None:
    """text() looks names up directly (no ``!r``, ``.attr``, ``[i]``, nested specs)."""
    for lang in LANGUAGES:
        for key, template in CATALOGS[lang].items():
            for _, name, spec, conversion in string.Formatter().parse(template):
                if name is not None:
                    assert name.isidentifier() and not conversion, (lang, key, name)
                    assert "{" not in (spec or ""), (lang, key, spec)
    assert text("timeline.gap.minutes", count=1234) == "1234 min"
    assert text("timeline.backup-start", number=3) == "backup run 3 started"
    assert text("timeline.event", event_id=19100, what="timeline.event.merge-failed") == (
        "19100 background disk merge failed"
    )


def test_every_rule_has_a_title_and_description_in_every_language() -> None:
    for rule in avlogparse.ALL_RULES:
        for lang in LANGUAGES:
            shown = rule_text(rule, lang)
            assert shown.title and shown.description
            assert len(shown.remediation) == len(rule.remediation_ids)
        assert _has_japanese(rule_text(rule, "ja").description)
    assert set(ja.RULE_DESCRIPTIONS) == {rule.id for rule in avlogparse.ALL_RULES}


def test_japanese_texts_are_japanese() -> None:
    untranslated = {key for key, value in CATALOGS["ja"].items() if not _has_japanese(value)}
    assert untranslated == {
        "msg.destroy-snapshot-failed.wmi",  # "WMI {return_code:wmi}"
        "msg.destroy-snapshot-failed.hresult",
        "list.item",  # 「{item}」
        "list.separator",
        "list.last-separator",
        "list.or-separator",
        "sentence.gap",  # Japanese sentences follow one another without a space
        "text.step",  # "{number}. {step}"
        "text.meta-separator",  # " / "
        "parse.diagnostic",  # "{path}: {message}"
        "text.clock-rival",  # "--tz {tz}: {outcome}"
        "text.clause-separator",  # "。"
    }


def test_formats_are_rendered_per_language() -> None:
    assert text("msg.destroy-snapshot-failed", "en", time=None, code="msg.destroy-snapshot-failed.wmi", return_code=32775, hresult=None) == (
        "DestroySnapshot failed at an unknown time with WMI return code 32775 "
        "(Invalid state for this operation)."
    )  # fmt: skip
    assert "32775 (この操作には無効な状態です)" in text(
        "msg.destroy-snapshot-failed", "ja", time=None, code="msg.destroy-snapshot-failed.wmi",
        return_code=32775, hresult=None,
    )  # fmt: skip
    merge = {"vm": "VM1", "attempts": 2, "first": "2024-03-11T00:42:05.297650+09:00"}
    assert text("msg.checkpoint-merge-failed", "en", **merge, last=None, hresult=None) == (
        "VMMS failed to merge the checkpoint disk of 'VM1' 2 times from "
        "2024-03-11 00:42:05 +09:00 to an unknown time with an unknown error."
    )
    unknown_code = text(
        "msg.checkpoint-merge-failed", "ja", **merge, last=None, hresult="0x80071234"
    )
    assert unknown_code.endswith("エラー コード: 0x80071234。")
    facts = ["channel:Microsoft-Windows-Hyper-V-VMMS-Admin", "log:winclustersvc", "channel:System"]
    assert text("reason.missing-facts", "en", facts=facts) == (
        "the bundle holds no Hyper-V-VMMS-Admin events, winclustersvc.log lines or System events"
    )
    assert text("reason.missing-facts", "ja", facts=facts[:2]) == (
        "バンドルにHyper-V-VMMS-Admin のイベント、winclustersvc.log の行が含まれていません"
    )


def test_japanese_report_has_the_same_findings_in_japanese(
    english: Report, japanese: Report
) -> None:
    assert japanese.lang == "ja" and english.lang == "en"
    assert [f.id for f in japanese.findings] == [f.id for f in english.findings]
    for en_finding, ja_finding in zip(english.findings, japanese.findings, strict=True):
        assert ja_finding.lang == "ja"
        assert ja_finding.evidence == en_finding.evidence
        assert ja_finding.message_id == en_finding.message_id
        assert ja_finding.message_args == en_finding.message_args
        assert ja_finding.remediation_ids == en_finding.remediation_ids
        assert _has_japanese(ja_finding.title) and _has_japanese(ja_finding.message)
        assert ja_finding.remediation and all(_has_japanese(r) for r in ja_finding.remediation)
        assert not _has_japanese(en_finding.message + en_finding.title)
    assert all(_has_japanese(run.title) for run in japanese.rules)
    assert japanese.time_alignment.reason_id == english.time_alignment.reason_id
    assert _has_japanese(japanese.time_alignment.reason)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_every_rule_fixture_renders_in_japanese(case: Path) -> None:
    report = avlogparse.analyze(case, lang="ja")
    for finding in report.findings:
        assert _has_japanese(finding.title + finding.message), finding.message
        assert all(_has_japanese(step) for step in finding.remediation)
    assert render_text(report)


def test_localizing_back_to_english_gives_the_english_report(
    english: Report, japanese: Report
) -> None:
    again = localize_report(japanese, "en")
    assert again.model_dump(exclude={"stats"}) == english.model_dump(exclude={"stats"})


def test_japanese_json_round_trips(japanese: Report) -> None:
    data = json.loads(japanese.model_dump_json())
    assert data["schema_version"] == "1.4" and data["lang"] == "ja"
    finding = data["findings"][0]
    assert {"message_id", "message_args", "remediation_ids", "lang"} <= set(finding)
    assert Report.model_validate_json(japanese.model_dump_json()) == japanese


def test_missing_links_and_skip_reasons_are_localized() -> None:
    report = avlogparse.analyze(PARTIAL, lang="ja")
    [orphan] = [f for f in report.findings if f.rule_id == "orphaned-checkpoint"]
    assert orphan.missing_link_ids == ["missing.next-backup-log"]
    assert _has_japanese(orphan.missing_links[0])
    skipped = [r for r in report.rules if r.status == "skipped"]
    assert skipped and all(_has_japanese(r.reason or "") for r in skipped)
    assert all(r.missing_inputs == ["log:avhypervvss"] for r in skipped)


def test_text_report_in_japanese(english: Report) -> None:
    out = render_text(english, lang="ja")
    for heading in ("バックアップの実行", "重大 (1)", "エラー (9)", "対処方法 (順に実施):", "マージ失敗"):
        assert heading in out
    assert "Backup runs" not in out and "ERROR (" not in out
    assert "Backup runs" in render_text(english)


def test_backup_run_columns_line_up_in_japanese(japanese: Report) -> None:
    lines = render_text(japanese).splitlines()
    runs = [line for line in lines if line.startswith("  2024-")]
    columns = {display_width(line.split("仮想マシン")[0]) for line in runs}
    assert len(runs) == 3 and len(columns) == 1
    assert display_width("失敗") == 4 and pad("失敗", 6) == "失敗  "


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LC_ALL": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_ALL": "", "LC_MESSAGES": "ja_JP", "LANG": "C"}, "ja"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_from_the_locale(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: str
) -> None:
    monkeypatch.setattr(locale, "getlocale", lambda: (None, None))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert default_language() == expected


def test_language_from_the_windows_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getlocale", lambda: ("Japanese_Japan", "932"))
    assert default_language({}) == "ja"
    assert default_language({"LANG": "en_US.UTF-8"}) == "en"


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(avlogparse.ConfigError):
        avlogparse.analyze(SAMPLE, lang="fr")
