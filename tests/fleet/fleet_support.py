"""Helpers of the fleet tests (a module of its own: every test folder has a ``conftest``)."""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GENERATED = 24
ZIPPED = 4  # of the generated bundles, also added as .zip archives (other content: other hash)
LINES, EVENTS = 250, 50
HOSTILE = 3
GOOD = GENERATED + ZIPPED


def load_generator() -> ModuleType:
    """benchmarks/generate.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("fleet_bench_generate",
                                                  ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(folder.iterdir()):
            archive.write(member, f"logs/{member.name}")


def write_hostile(folder: Path) -> dict[str, Path]:
    """A corrupt zip, a zip whose only member climbs out of it, and an empty folder."""
    folder.mkdir(parents=True, exist_ok=True)
    corrupt = folder / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 64)
    traversal = folder / "traversal.zip"
    log = (ROOT / "samples" / "kb-orphaned-checkpoint" / "avhypervvss.log").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../../../tmp/avhypervvss.log", log)
    traversal.write_bytes(buffer.getvalue())
    empty = folder / "empty-case"
    empty.mkdir(exist_ok=True)
    return {"corrupt": corrupt, "traversal": traversal, "empty": empty}


def statuses(bundle_rows: list[tuple[Any, ...]]) -> list[str]:
    """The status column of ``table_rows(...)["bundles"]`` (timing columns left out)."""
    from avlogparse.fleet.schema import BUNDLES, TIMING_COLUMNS

    names = [n for n in BUNDLES.names if n not in TIMING_COLUMNS["bundles"]]
    index = names.index("status")
    return [row[index] for row in bundle_rows]


def table_rows(store: Path, *, timing: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every data table's rows, sorted; without the timing columns unless ``timing``."""
    import duckdb

    from avlogparse.fleet.schema import DATA_TABLES, TIMING_COLUMNS

    connection = duckdb.connect(str(store), read_only=True)
    try:
        rows = {}
        for table in DATA_TABLES:
            skip = () if timing else TIMING_COLUMNS.get(table.name, ())
            names = [n for n in table.names if n not in skip]
            query = f"SELECT {', '.join(names)} FROM {table.name}"
            fetched = connection.execute(query).fetchall()
            rows[table.name] = sorted(fetched, key=repr)
        return rows
    finally:
        connection.close()
