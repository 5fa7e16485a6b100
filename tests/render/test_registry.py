"""The RENDERERS registry: every machine format, each a function of the report alone."""

from __future__ import annotations

from avlogparse.models.report import Report
from avlogparse.render import RENDERERS


def test_every_format_is_registered() -> None:
    assert set(RENDERERS) == {"json", "sarif", "junit", "csv", "jsonl"}


def test_each_renderer_renders_the_sample_and_an_empty_report(
    sample_report: Report, empty_report: Report
) -> None:
    for name, render in RENDERERS.items():
        assert render(sample_report), name
        assert isinstance(render(empty_report), str), name


def test_json_round_trips_into_the_report(sample_report: Report) -> None:
    assert Report.model_validate_json(RENDERERS["json"](sample_report)) == sample_report
