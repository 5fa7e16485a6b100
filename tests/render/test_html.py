"""The self-contained HTML report: content, escaping, no external assets, a real browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest

import avlogparse
from avlogparse.errors import ConfigError
from avlogparse.i18n.localize import localize_report
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.report import InputFile, Report
from avlogparse.models.timeline import Timeline, TimelineEntry
from avlogparse.render.html import prose_html, render_html
from avlogparse.render.timeline_svg import timeline_svg

ROOT = Path(__file__).parent.parent.parent
SAMPLE = ROOT / "samples" / "kb-orphaned-checkpoint"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def report() -> Report:
    return avlogparse.analyze(SAMPLE)


@pytest.fixture(scope="module")
def page(report: Report) -> str:
    return render_html(report)


def hostile_report(report: Report) -> Report:
    """The sample with a hostile VM name, bundle path, input path and reference."""
    moment = datetime(2024, 3, 11, 15, 42, 5, tzinfo=timezone.utc)
    vm = VmRef(name=HOSTILE, id="9B7E6D5C-4A3B-4C2D-8E1F-123456789ABC")
    finding = Finding(
        rule_id="checkpoint-merge-failed",
        severity=avlogparse.Severity.ERROR,
        title=f"merge failed for {HOSTILE}",
        message=f"'{HOSTILE}' background disk merge failed",
        vm=vm,
        first_seen=moment,
        evidence=[Evidence(path="vmms.xml", line=13, source="event-xml", text=HOSTILE)],
        remediation=[f"look at {HOSTILE}"],
        references=["javascript:alert(1)", "https://example.invalid/kb?a=1&b=<2>"],
    )
    entry = TimelineEntry(
        time=moment,
        host_time=moment,
        kind="finding",
        label=HOSTILE,
        vm=vm,
        severity=finding.severity,
        path="vmms.xml",
        line=13,
        finding_id=finding.id,
    )
    hostile_input = InputFile(
        path='<img src=x onerror="alert(1)">.log', kind="unknown", status="refused",
        reason=HOSTILE, complete=False,
    )  # fmt: skip
    return report.model_copy(
        update={
            "bundle": f"/tmp/{HOSTILE}",
            "findings": [finding, *report.findings],
            "timeline": Timeline([entry, *report.timeline]),
            "inputs": [*report.inputs, hostile_input],
        }
    )


def test_page_is_one_document_with_every_section(report: Report, page: str) -> None:
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for heading in (
        "Timeline (host time)", "Findings (10)", "Backup runs", "Inputs",
        "Unparsed line shapes", "Rules", "Diagnostics",
    ):  # fmt: skip
        assert f"<h2>{heading}</h2>" in page
    assert "UTC+09:00 (inferred)" in page and "complete" in page
    assert "1 critical" in page and "9 error" in page


def test_findings_show_evidence_remediation_and_references(report: Report, page: str) -> None:
    for finding in report.findings:
        assert f'id="{finding.id}"' in page
        for evidence in finding.evidence:
            assert f"{evidence.location}</span>" in page
        for step in finding.remediation:
            assert prose_html(step) in page
    assert '<a href="https://www.dell.com/support/kbdoc/en-us/000044579/"' in page
    # event times are shown on the host clock, like the plug-in's
    assert "2024-03-11 00:42:05 +09:00" in page


def test_long_event_xml_folds_without_script(page: str) -> None:
    assert "<details><summary>whole text (" in page
    # an event shows its ID and message first, not its XML boilerplate
    assert (
        "<code>Event 19100: &#x27;SQL-PROD01&#x27; background disk merge failed to complete:"
        in page
    )


def test_timeline_is_an_inline_svg(report: Report, page: str) -> None:
    [svg] = re.findall(r"<svg .*?</svg>", page, re.S)
    for vm in ("SQL-PROD01", "APP-WEB02", "File Server 03", "job / host"):
        assert f">{vm}<title>" in svg
    assert svg.count("+23 h") == 2
    # one tooltip per moment, each naming its line
    assert svg.count("<g>") == len(report.timeline)
    assert "Microsoft-Windows-Hyper-V-VMMS-Admin.xml:13)" in svg


def test_nothing_is_loaded_from_anywhere(report: Report, page: str) -> None:
    assert "<script" not in page.lower()
    assert "@import" not in page and "url(" not in page and "@font-face" not in page
    links = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, re.I)
    references = {url for f in report.findings for url in f.references}
    assert {link for link in links if not link.startswith("#")} <= references
    assert {link[1:] for link in links if link.startswith("#")} == {f.id for f in report.findings}
    # every attribute holding an address is a reference link or the SVG namespace (a name,
    # not a load); addresses inside log text are escaped text
    addresses = re.findall(r"""([\w:-]+)\s*=\s*["']?([a-z][\w+.-]*://[^"'\s>]*)""", page, re.I)
    assert {name for name, _ in addresses} == {"href", "xmlns"}
    assert {url for name, url in addresses if name == "xmlns"} == {"http://www.w3.org/2000/svg"}


def test_hostile_text_is_escaped_everywhere(report: Report) -> None:
    page = render_html(hostile_report(report))
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<span class="bad">incomplete</span>' in page and "1 refused, 0 cut" in page
    assert 'href="javascript' not in page
    assert '<span class="mono">javascript:alert(1)</span>' in page
    assert 'href="https://example.invalid/kb?a=1&amp;b=&lt;2&gt;"' in page


def test_untrusted_control_and_bidi_characters_are_shown_not_obeyed(report: Report) -> None:
    sneaky = report.model_copy(update={"bundle": "bundle\u202egpj.exe\x1b[31m"})
    page = render_html(sneaky)
    assert "\u202e" not in page and "\x1b" not in page
    assert "bundle\\u202egpj.exe\\x1b[31m" in page


def test_skipped_rules_refused_inputs_and_unparsed_shapes_are_listed(tmp_path: Path) -> None:
    shutil.copy(SAMPLE / "avhypervvss.log", tmp_path)
    with (tmp_path / "avhypervvss.log").open("a", encoding="utf-8") as log:
        log.write("this line is not in any known shape 12345\r\n")
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    page = render_html(avlogparse.analyze(tmp_path))
    assert 'class="skipped"' in page
    assert "the bundle holds no winclustersvc.log lines" in page
    assert "notes.txt" in page
    assert "Every line was understood." not in page
    assert "this line is not in any known shape" in page


def test_empty_timeline_says_so(report: Report) -> None:
    empty = report.model_copy(update={"timeline": Timeline()})
    assert "No moment of the logs could be placed" in render_html(empty)
    assert timeline_svg([]).startswith("<p")


def test_language(report: Report, page: str) -> None:
    assert render_html(report, lang="en") == page
    with pytest.raises(ConfigError, match="unknown language 'xx'"):
        render_html(report, lang="xx")
    japanese = render_html(report, lang="ja")
    assert '<html lang="ja">' in japanese
    assert "<h3>マージの失敗により孤立したチェックポイント" in japanese
    # a report analysed in Japanese gives the same page, and can be shown in English again
    japanese_report = localize_report(report, "ja")
    assert render_html(japanese_report) == japanese
    assert render_html(japanese_report, lang="en") == page


ENGLISH_WORDS = (
    "Avamar Hyper-V backup diagnosis", "Timeline (host time)", "Findings (10)", "Backup runs",
    "Inputs", "Unparsed line shapes", "Rules", "Diagnostics", "Evidence", "What to do",
    "References", "Input", "Host clock", "complete", "every input read whole", "where",
    "proves", "severity", "first seen", "path", "status", "looks for", "why skipped",
    "Every line was understood.", "No diagnostics.", "Per-VM timeline (host time)",
    "job / host", "backup start", "merge failed", "finding",
)  # fmt: skip


def _has_japanese(value: str) -> bool:
    return any(unicodedata.name(c, "").startswith(("HIRAGANA", "KATAKANA", "CJK")) for c in value)


def test_japanese_page_has_every_word_of_its_own_in_japanese(report: Report) -> None:
    page = render_html(report, lang="ja")
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == [
        "根本原因 (1 件)", "タイムライン (ホスト時刻)", "検出結果 (10 件)", "バックアップ実行", "入力ファイル",
        "解析できなかった行の形式", "ルール", "診断メッセージ",
    ]  # fmt: skip
    assert "<h1>Avamar Hyper-V バックアップ診断レポート</h1>" in page
    for heading in ("証拠 (根拠となるログ行)", "対処方法", "参考情報"):
        assert f"<h4>{heading}</h4>" in page
    # every heading, column header, card, empty-state text, fold and legend of the page
    own_words = re.findall(
        r"<h[1-4]>(.*?)</h[1-4]>|<th>(.*?)</th>|<div class=\"k\">(.*?)</div>"
        r"|<p class=\"[\w-]*empty\">(.*?)</p>|<summary>(.*?)</summary>"
        r"|<text x=\"[\d.]+\" y=\"[\d.]+\">(.*?)</text>",
        page,
    )
    words = {word for match in own_words for word in match if word and word != "#"}
    assert len(words) > 40 and [w for w in words if not _has_japanese(w)] == []
    for english in ENGLISH_WORDS:
        for tag in (f">{english}<", f">{english} (", f'"{english}"'):
            assert tag not in page, tag
    assert "重大 1 件" in page and "エラー 9 件" in page and "失敗 1 回、成功 2 回" in page
    assert "UTC+09:00 (推定)" in page and "と推定しました。このオフセットにすると" in page
    assert "<title>仮想マシンごとのタイムライン (ホスト時刻)</title>" in page
    assert ">ジョブ / ホスト<title>" in page and page.count("+23 時間") == 2
    assert "バックアップ実行 3 の終了: 失敗" in page  # a timeline label, in a tooltip


def test_japanese_skip_reasons_and_empty_states(tmp_path: Path) -> None:
    shutil.copy(SAMPLE / "avhypervvss.log", tmp_path)
    report = avlogparse.analyze(tmp_path)
    page = render_html(report.model_copy(update={"diagnostics": []}), lang="ja")
    assert "<td>スキップ</td>" in page and "<td>実行済み</td>" in page
    assert "バンドルにwinclustersvc.log の行が含まれていません" in page
    assert "the bundle has no" not in page
    assert "診断メッセージはありません。" in page
    empty = render_html(report.model_copy(update={"timeline": Timeline()}), lang="ja")
    assert "タイムラインに配置できるログの記録がありません。" in empty


def test_japanese_page_around_findings_the_catalog_cannot_translate(edge_report: Report) -> None:
    # hand-made findings without a message id keep their English texts, not the page's words
    page = render_html(edge_report, lang="ja")
    assert page.count("<h4>証拠 (根拠となるログ行)</h4>") == 2 and "<h4>Evidence</h4>" not in page
    assert "A check the catalog does not know" in page and "<td>クリーンアップ</td>" in page
    assert "<td>拒否</td>" in page and '<span class="bad">いいえ</span>' in page


def test_japanese_notebook_views(report: Report) -> None:
    japanese = localize_report(report, "ja")
    view = japanese._repr_html_()
    assert view.startswith('<div class="avl" lang="ja"><style>')
    assert "<h3>avlogparse レポート: " in view and "<h4>検出結果</h4>" in view
    assert "<th>パス</th>" in view and "<th>重大度</th>" in view and "<h4>Findings</h4>" not in view
    finding_view = japanese.findings[0]._repr_html_()
    assert (
        "<h4>証拠 (根拠となるログ行)</h4>" in finding_view and "<th>示す内容</th>" in finding_view
    )
    assert '<span class="badge sev-critical">重大</span>' in finding_view
    # an English finding in the same notebook stays English
    assert "<h4>Evidence</h4>" in report.findings[0]._repr_html_()


def test_html_needs_neither_pandas_nor_matplotlib() -> None:
    code = (
        "import sys; sys.modules['pandas'] = None; sys.modules['matplotlib'] = None\n"
        "import avlogparse\nfrom avlogparse.render.html import render_html\n"
        f"report = avlogparse.analyze({str(SAMPLE)!r})\n"
        "print(len(render_html(report)), len(report._repr_html_()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    page_length, repr_length = map(int, result.stdout.split())
    assert page_length > 20_000 and repr_length > 5_000


def test_notebook_views_escape_and_summarise(report: Report) -> None:
    hostile = hostile_report(report)
    view = hostile._repr_html_()
    assert view.startswith('<div class="avl"><style>') and "<script" not in view.lower()
    assert "badge sev-critical" in view and "<th>path</th>" in view
    finding_view = hostile.findings[0]._repr_html_()
    assert "&lt;script&gt;" in finding_view and "<script" not in finding_view.lower()
    assert "<h4>Evidence</h4>" in finding_view and "<h4>What to do</h4><ol>" in finding_view
    # on its own, a finding shows event times on the clock of its first sighting
    merge = next(f for f in report.findings if f.rule_id == "checkpoint-merge-failed")
    assert "2024-03-11 00:42:05 +09:00" in merge._repr_html_()
    timeline_view = hostile.timeline._repr_html_()
    assert timeline_view.startswith("<svg") and "<script" not in timeline_view.lower()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.skipif(
    not (shutil.which("chromium") or shutil.which("chromium-browser")),
    reason="chromium is not installed",
)
@pytest.mark.parametrize("width", [1400, 800])
def test_headless_chromium_renders_the_page(tmp_path: Path, width: int) -> None:
    png = tmp_path / "report.png"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshot_html.py"), "--out", str(png),
         "--height", "900", "--width", str(width)],
        check=True, timeout=240, capture_output=True,
    )  # fmt: skip
    assert png_size(png) == (width, 900)
    assert png.stat().st_size > 30_000  # a blank page compresses to a few kB
