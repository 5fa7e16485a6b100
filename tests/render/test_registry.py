"""The RENDERERS registry: every machine format, each a function of the report alone."""

from __future__ import annotations

from avlogparse.models.report import Report
from avlogparse.render import RENDERERS


def test_every_format_is_registered() -> None:
    assert set(RENDERERS) == {"json", "sarif", "junit", "csv", "jsonl", "html", "github"}


def test_each_renderer_renders_the_sample_and_an_empty_report(
    sample_report: Report, empty_report: Report
) -> None:
    for name, render in RENDERERS.items():
        assert render(sample_report), name
        assert isinstance(render(empty_report), str), name


def test_json_round_trips_into_the_report(sample_report: Report) -> None:
    assert Report.model_validate_json(RENDERERS["json"](sample_report)) == sample_report


def test_json_in_pieces_is_pydantic_json_byte_for_byte(
    sample_report: Report, empty_report: Report
) -> None:
    """iter_json writes a field at a time (big bundles) and still gives the same bytes."""
    from avlogparse.render import iter_json, iter_reports

    for report in (sample_report, empty_report):
        pieces = list(iter_json(report))
        assert len(pieces) > len(Report.model_fields)
        assert "".join(pieces) == report.model_dump_json(indent=2)
        written = "".join(iter_reports([report], "json", lang=report.lang))
        assert written == report.model_dump_json(indent=2) + "\n"


def test_several_bundles_make_one_document(sample_report: Report) -> None:
    """One SARIF log, one <testsuites>, one CSV header, a JSON array; html takes one."""
    import csv
    import io
    import json
    from xml.etree import ElementTree

    import pytest

    from avlogparse.errors import ConfigError
    from avlogparse.render import render_reports

    two = [sample_report, sample_report]
    count = len(sample_report.findings)
    assert len(json.loads(render_reports(two, "sarif"))["runs"]) == 2
    suites = ElementTree.fromstring(render_reports(two, "junit").encode())
    assert len(suites.findall("testsuite")) == 2
    assert int(suites.get("failures", "0")) == 2 * count
    rows = list(csv.reader(io.StringIO(render_reports(two, "csv"))))
    assert rows[0][0] == "id" and len(rows) == 1 + 2 * count
    assert [r["bundle"] for r in json.loads(render_reports(two, "json"))] == [
        sample_report.bundle
    ] * 2
    assert json.loads(render_reports(two[:1], "json"))["bundle"] == sample_report.bundle
    assert len(render_reports(two, "jsonl").splitlines()) == 2 * count
    with pytest.raises(ConfigError, match="one bundle per file"):
        render_reports(two, "html")
    japanese = render_reports(two[:1], "text", lang="ja")
    assert "チェックポイント" in japanese
