"""Every rule fixture folder (``tests/rules/<rule_id>/<case>/``) becomes one test.

A case holds log excerpts and ``expected.json``: the rule id, optional ``options``
(``tz``) and the exact findings that rule must make — an empty list for cases that must not
trigger it (near misses). Each expected finding names its VM, its evidence as
``file:line`` in order, and optionally ``explains`` (the finding explains a later 43426),
the number of ``missing_links`` and a subset of ``data``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import avlogparse
from avlogparse.models.findings import Finding

HERE = Path(__file__).parent
CASES = sorted(p.parent for p in HERE.glob("*/*/expected.json"))


def _summary(finding: Finding) -> dict[str, Any]:
    return {
        "vm": finding.vm.model_dump() if finding.vm else None,
        "evidence": [f"{Path(e.path).name}:{e.line}" for e in finding.evidence],
    }


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_fixture(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    report = avlogparse.analyze(case, **expected.get("options", {}))
    rule_id = expected["rule_id"]
    assert next(r for r in report.rules if r.rule_id == rule_id).status == "ran"
    found = [f for f in report.findings if f.rule_id == rule_id]
    key = lambda item: json.dumps(item, sort_keys=True)  # noqa: E731
    want = sorted(
        ({"vm": e["vm"], "evidence": e["evidence"]} for e in expected["findings"]), key=key
    )
    assert sorted((_summary(f) for f in found), key=key) == want
    unmatched = list(found)
    for item in expected["findings"]:
        finding = next(
            f
            for f in unmatched
            if _summary(f)["evidence"] == item["evidence"]
            and all(f.data.get(name) == value for name, value in item.get("data", {}).items())
        )
        unmatched.remove(finding)
        if "explains" in item:
            assert bool(finding.data.get("explains")) is item["explains"]
        if "missing_links" in item:
            assert len(finding.missing_links) == item["missing_links"], finding.missing_links
        assert finding.remediation and finding.title and finding.message
        assert all(e.text for e in finding.evidence)


def test_every_rule_has_fixtures_that_trigger_and_that_do_not() -> None:
    by_rule: dict[str, list[bool]] = {}
    for case in CASES:
        expected = json.loads((case / "expected.json").read_text())
        by_rule.setdefault(expected["rule_id"], []).append(bool(expected["findings"]))
    assert set(by_rule) == {rule.id for rule in avlogparse.ALL_RULES}
    for rule_id, triggers in by_rule.items():
        assert any(triggers) and not all(triggers), rule_id
