"""The DuckDB fleet store: schema creation and batched writes (the driver's side only)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from avlogparse.errors import AvlogparseError
from avlogparse.fleet.rows import Rows, now_utc
from avlogparse.fleet.schema import ALL_TABLES, DATA_TABLES, STORE_SCHEMA_VERSION, Table

if TYPE_CHECKING:
    import duckdb
    import pyarrow


class StoreError(AvlogparseError):
    """The store cannot be used: a newer schema, a missing extra, not a fleet store."""


def require(module: str) -> Any:
    """Import an optional dependency of the ``fleet`` extra, or say how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise StoreError(
            f"the fleet store needs {module}: pip install 'avlogparse[fleet]'"
        ) from error


def connect(path: str | os.PathLike[str], *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store at ``path``, created with the current schema when new."""
    duck = require("duckdb")
    target = os.fspath(path)
    if read_only:
        if target != ":memory:" and not os.path.exists(target):
            raise StoreError(f"no fleet store at {target}")
        connection: duckdb.DuckDBPyConnection = duck.connect(target, read_only=True)
        check_schema(connection, target)
        return connection
    if target != ":memory:":
        parent = os.path.dirname(os.path.abspath(target))
        os.makedirs(parent, exist_ok=True)
    connection = duck.connect(target)
    create_schema(connection)
    check_schema(connection, target)
    return connection


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and record the schema version (idempotent)."""
    from avlogparse.engine import tool_version

    connection.execute("BEGIN TRANSACTION")
    for table in ALL_TABLES:
        connection.execute(table.ddl())
    connection.execute(
        "INSERT INTO meta VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT DO NOTHING",
        [
            "store_schema_version", STORE_SCHEMA_VERSION,
            "created_by", f"avlogparse {tool_version()}",
            "created_at", now_utc().isoformat(timespec="seconds") + "Z",
        ],
    )  # fmt: skip
    connection.execute("COMMIT")


def check_schema(connection: duckdb.DuckDBPyConnection, target: str) -> None:
    """Refuse a store of another major schema version, or a database that is not a store."""
    try:
        rows = connection.execute(
            "SELECT value FROM meta WHERE key = 'store_schema_version'"
        ).fetchall()
        row = rows[0] if rows else None
    except Exception as error:  # duckdb.CatalogException: no meta table
        raise StoreError(f"{target} is not an avlogparse fleet store") from error
    if row is None:
        raise StoreError(f"{target} is not an avlogparse fleet store")
    found = str(row[0])
    if found.split(".")[0] != STORE_SCHEMA_VERSION.split(".")[0]:
        raise StoreError(
            f"{target} has store schema {found}; this avlogparse reads {STORE_SCHEMA_VERSION}"
        )


CHECKPOINT_THRESHOLD = "1GB"
"""WAL size at which a write checkpoints, while ``fleet add`` runs (DuckDB's default: 16 MB).

Each batch's commit is durable in the write-ahead log either way; checkpointing (compressing
into the database file) mostly at the end means the driver spends less time beside the
workers, and less in all (measured in benchmarks/README.md)."""


def prepare_for_writes(connection: duckdb.DuckDBPyConnection) -> None:
    """Settings of the driver's connection for a run of batched writes."""
    connection.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")


def stored_state(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """content hash → (status, tool version) of every bundle in the store."""
    rows = connection.execute("SELECT content_hash, status, tool_version FROM bundles").fetchall()
    return {str(h): (str(s), str(v)) for h, s, v in rows}


def _arrow_type(sql: str) -> Any:
    arrow = require("pyarrow")
    base = sql.split()[0]
    types = {
        "VARCHAR": arrow.string(), "BIGINT": arrow.int64(), "INTEGER": arrow.int32(),
        "DOUBLE": arrow.float64(), "BOOLEAN": arrow.bool_(), "TIMESTAMP": arrow.timestamp("us"),
        "VARCHAR[]": arrow.list_(arrow.string()),
    }  # fmt: skip
    return types[base]


def _arrow_table(table: Table, rows: Sequence[tuple[Any, ...]]) -> pyarrow.Table:
    """Rows as an Arrow table typed like the store's columns (so an all-NULL column works)."""
    arrow = require("pyarrow")
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in table.columns]
    arrays = [
        arrow.array(list(values), type=_arrow_type(column.sql))
        for column, values in zip(table.columns, columns, strict=True)
    ]
    return arrow.table(arrays, names=list(table.names))


def write_batch(connection: duckdb.DuckDBPyConnection, batch: Iterable[Rows]) -> int:
    """Write the rows of several bundles in one transaction; returns the bundles written.

    Rows already stored for the same content hashes (a failed or an older analysis) are
    replaced, so the store holds each bundle once.
    """
    merged: dict[str, list[tuple[Any, ...]]] = {t.name: [] for t in DATA_TABLES}
    for rows in batch:
        for name, table_rows in rows.items():
            merged[name].extend(table_rows)
    keys = [row[0] for row in merged["bundles"]]
    if not keys:
        return 0
    connection.execute("BEGIN TRANSACTION")
    try:
        key_table = _arrow_table(DATA_TABLES[0], merged["bundles"]).select(["content_hash"])
        connection.register("_fleet_keys", key_table)
        # only hashes already stored (retried or re-analysed) have rows to replace; asking the
        # small bundles table first spares the big tables a scan for every batch
        [(stored,)] = connection.execute(
            "SELECT count(*) FROM bundles WHERE content_hash IN "
            "(SELECT content_hash FROM _fleet_keys)"
        ).fetchall()
        if stored:
            for table in reversed(DATA_TABLES):
                connection.execute(
                    f"DELETE FROM {table.name} WHERE content_hash IN "
                    "(SELECT content_hash FROM _fleet_keys)"
                )
        connection.unregister("_fleet_keys")
        for table in DATA_TABLES:
            table_rows = merged[table.name]
            if not table_rows:
                continue
            view = f"_fleet_new_{table.name}"
            connection.register(view, _arrow_table(table, table_rows))
            names = ", ".join(table.names)
            connection.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {view}")
            connection.unregister(view)
        connection.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):  # already gone (e.g. a failed COMMIT)
            connection.execute("ROLLBACK")
        raise
    return len(keys)
