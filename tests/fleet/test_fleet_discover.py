"""Which bundles a path names, their content hashes, and that the core never needs the extra."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from avlogparse.fleet.discover import content_hash, discover, file_sha256

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "kb-orphaned-checkpoint"


def _tree(tmp_path: Path) -> Path:
    cases = tmp_path / "cases"
    (cases / "customer-a").mkdir(parents=True)
    shutil.copytree(SAMPLE, cases / "customer-a" / "host-1")
    shutil.copytree(SAMPLE, cases / "customer-a" / "host-2")
    with zipfile.ZipFile(cases / "customer-b.zip", "w") as archive:
        archive.write(SAMPLE / "avhypervvss.log", "avhypervvss.log")
    (cases / "README.md").write_text("notes about the cases\n", encoding="utf-8")
    (cases / ".hidden").mkdir()
    return cases


def test_folders_of_bundles_archives_and_globs(tmp_path: Path) -> None:
    cases = _tree(tmp_path)
    found = discover([str(cases)])
    assert [Path(p).relative_to(cases).as_posix() for p in found] == [
        "customer-a/host-1", "customer-a/host-2", "customer-b.zip",
    ]
    assert discover([str(cases / "customer-a" / "host-1")]) == [str(cases / "customer-a/host-1")]
    globbed = discover([str(cases / "*" / "host-*"), str(cases / "customer-a" / "host-1")])
    assert [Path(p).name for p in globbed] == ["host-1", "host-2"]
    assert discover([str(tmp_path / "missing")]) == [str(tmp_path / "missing")]


def test_folder_hash_is_content_not_place(tmp_path: Path) -> None:
    first = tmp_path / "a" / "bundle"
    shutil.copytree(SAMPLE, first)
    second = tmp_path / "b" / "renamed"
    shutil.copytree(SAMPLE, second)
    size, digest = content_hash(str(first))
    assert digest.startswith("sha256-tree:")
    assert content_hash(str(second)) == (size, digest)
    assert size == sum(p.stat().st_size for p in SAMPLE.iterdir())
    (second / "winclustersvc.log").write_bytes((second / "winclustersvc.log").read_bytes() + b"x")
    assert content_hash(str(second))[1] != digest
    (first / "avhypervvss.log").rename(first / "other-name.log")
    assert content_hash(str(first))[1] != digest


def test_file_hash_is_the_files_sha256(tmp_path: Path) -> None:
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(SAMPLE / "avhypervvss.log", "avhypervvss.log")
    size, digest = content_hash(str(archive))
    assert digest == "sha256:" + file_sha256(str(archive))[1]
    assert size == archive.stat().st_size


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_links_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    secret = tmp_path / "secret.txt"
    secret.write_text("one", encoding="utf-8")
    outside = tmp_path / "outside-dir"
    outside.mkdir()
    (outside / "big.log").write_text("x" * 1000, encoding="utf-8")
    try:
        (bundle / "leak.txt").symlink_to(secret)
        (bundle / "leakdir").symlink_to(outside, target_is_directory=True)
        (bundle / "inner.log").symlink_to(bundle / "avhypervvss.log")
    except OSError:
        pytest.skip("cannot create links here")
    size, digest = content_hash(str(bundle))
    secret.write_text("two: the target changed, the bundle did not", encoding="utf-8")
    (outside / "big.log").write_text("y" * 5000, encoding="utf-8")
    assert content_hash(str(bundle)) == (size, digest)
    inside = (bundle / "avhypervvss.log").stat().st_size
    assert size == sum(p.stat().st_size for p in SAMPLE.iterdir()) + inside


def test_the_core_imports_without_the_fleet_extra(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "for name in ('duckdb', 'pyarrow', 'pandas', 'dask', 'distributed'):\n"
        "    sys.modules[name] = None  # as if not installed\n"
        "import avlogparse, avlogparse.cli\n"
        "assert 'avlogparse.fleet' not in sys.modules, 'import avlogparse imported fleet'\n"
        "assert avlogparse.cli.main(['rules']) == 0\n"
        "import avlogparse.fleet\n"
        "try:\n"
        "    avlogparse.fleet.open('nowhere.duckdb')\n"
        "except avlogparse.fleet.StoreError as error:\n"
        "    assert \"pip install 'avlogparse[fleet]'\" in str(error), error\n"
        "else:\n"
        "    raise AssertionError('no error without duckdb')\n"
        "assert avlogparse.cli.main(['fleet', 'sql', 'SELECT 1', '--store', 'x.duckdb']) == 2\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "pip install 'avlogparse[fleet]'" in result.stderr


def test_every_table_and_column_is_documented() -> None:
    from avlogparse.fleet.schema import ALL_TABLES, STORE_SCHEMA_VERSION

    page = (ROOT / "docs" / "guide" / "fleet.md").read_text(encoding="utf-8")
    assert f"store schema {STORE_SCHEMA_VERSION}" in page
    for table in ALL_TABLES:
        assert f"### `{table.name}`" in page, table.name
        section = page.split(f"### `{table.name}`", 1)[1].split("\n### ", 1)[0]
        for column in table.columns:
            assert f"| `{column.name}` |" in section, (table.name, column.name)
