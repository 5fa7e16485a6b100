"""The documentation site: generated pages are up to date and ``mkdocs build --strict`` passes."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GEN_DOCS = ROOT / "scripts" / "gen_docs.py"


def test_generated_pages_are_up_to_date() -> None:
    generated = runpy.run_path(str(GEN_DOCS))["GENERATED_PAGES"]
    for page, render in generated.items():
        committed = (ROOT / "docs" / page).read_text(encoding="utf-8")
        assert committed == render(), f"docs/{page} is out of date: run python scripts/gen_docs.py"


def test_mkdocs_build_is_strict_clean(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rules" / "index.html").is_file()
