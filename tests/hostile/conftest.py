"""Fixtures of the hostile-bundle suite; the harness itself is in ``harness.py``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import SAMPLE, CliRunner, Run, api_command, cli_command, findings_of, run_checked

import avlogparse
from avlogparse.limits import Limits


@pytest.fixture
def avlogparse_cli(tmp_path: Path) -> CliRunner:
    """``avlogparse_cli(bundle, *options, audit=False)`` → a checked :class:`Run`.

    Always ``analyze --format json --fail-on never``, so the exit code is 0 (everything
    read) or 3 ("could not judge": something refused or cut short).
    """

    def run(bundle: Path, *options: str, audit: bool = False) -> Run:
        offences_file = tmp_path / "audit-offences.json" if audit else None
        return run_checked(cli_command(bundle, options, offences_file), offences_file)

    return run


@pytest.fixture
def avlogparse_api() -> Callable[[Path, Limits], Run]:
    """``avlogparse_api(bundle, limits)``: for limits the CLI has no option for."""
    return lambda bundle, limits: run_checked(api_command(bundle, limits))


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A folder holding the sample's three files; tests add hostile files beside them."""
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder)
    return folder


@pytest.fixture(scope="session")
def sample_findings() -> set[tuple[str, str | None]]:
    """(rule id, VM name) of every finding the untouched sample gives."""
    return findings_of(json.loads(avlogparse.analyze(SAMPLE).model_dump_json()))
