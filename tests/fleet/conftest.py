"""Fixtures of the fleet tests: a few dozen small generated bundles, hostile ones, stores."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
pytest.importorskip("pandas")

from fleet_support import (
    EVENTS,
    GENERATED,
    GOOD,
    HOSTILE,
    LINES,
    ZIPPED,
    load_generator,
    write_hostile,
    zip_folder,
)


@pytest.fixture(scope="session")
def fleet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of bundles: 24 generated folders, 4 of them zipped too, 3 hostile ones."""
    generator = load_generator()
    root = tmp_path_factory.mktemp("fleet") / "cases"
    for seed in range(GENERATED):
        generator.generate(root / f"case-{seed:03d}", LINES, EVENTS, seed)
    for seed in range(ZIPPED):
        zip_folder(root / f"case-{seed:03d}", root / f"case-{seed:03d}.zip")
    write_hostile(root / "hostile")
    return root


@pytest.fixture(scope="session")
def serial_store(fleet_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference store: every bundle analysed one at a time, in this process."""
    from avlogparse import fleet

    store = tmp_path_factory.mktemp("stores") / "serial.duckdb"
    result = fleet.add([fleet_dir], store, workers=1, batch_size=7)
    assert (result.analysed, result.failed, result.skipped) == (GOOD, HOSTILE, 0)
    return store


@pytest.fixture
def copy_store(tmp_path: Path) -> Callable[[Path], Path]:
    def copy(store: Path) -> Path:
        target = tmp_path / store.name
        shutil.copy(store, target)
        return target

    return copy
