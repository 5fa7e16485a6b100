"""The fleet store's tables: one definition for the DDL, the rows and the docs.

Bump :data:`STORE_SCHEMA_VERSION` on any change: the major on an incompatible one (a column
renamed, removed or retyped), the minor on an addition. ``docs/guide/fleet.md`` lists every
column; ``tests/fleet/test_schema_doc.py`` checks that it does.
"""

from __future__ import annotations

from dataclasses import dataclass

STORE_SCHEMA_VERSION = "1.0"
"""Version of the store's tables, kept in ``meta`` (``store_schema_version``)."""


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # DuckDB type
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self) -> str:
        body = ", ".join(f"{c.name} {c.sql}" for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({body})"


C = Column
KEY = C("content_hash", "VARCHAR NOT NULL", "the bundle's content hash (bundles.content_hash)")

BUNDLES = Table(
    "bundles",
    "one row per bundle content: analysed (status done) or not analysable (status failed)",
    (
        C("content_hash", "VARCHAR PRIMARY KEY", "sha256:… of the file, sha256-tree:… of a folder"),
        C("path", "VARCHAR NOT NULL", "the path it was added from (the first, for copies)"),
        C("size", "BIGINT", "bytes: the file, or the sum of the folder's files"),
        C("host", "VARCHAR", "the host most findings name (NULL when none names one)"),
        C("hosts", "VARCHAR[]", "every host the findings and the timeline name, sorted"),
        C("analysed_at", "TIMESTAMP NOT NULL", "when the analysis ended (UTC)"),
        C("tool_version", "VARCHAR NOT NULL", "avlogparse version that analysed it"),
        C("report_schema_version", "VARCHAR", "Report.schema_version of that analysis"),
        C("status", "VARCHAR NOT NULL", "done or failed"),
        C("error", "VARCHAR", "failed: the exception type and message"),
        C("elapsed_seconds", "DOUBLE", "wall time of the analysis in the worker"),
        C("time_source", "VARCHAR", "time basis: given, inferred or assumed"),
        C("time_zone", "VARCHAR", "time basis: zone the host-local times were read in"),
        C("time_offset_minutes", "INTEGER", "time basis: host UTC offset (NULL when DST-aware)"),
        C("time_anchors", "INTEGER", "time basis: anchor records the inference used"),
        C("complete", "BOOLEAN", "every input read whole (Report.complete)"),
        C("files", "INTEGER", "members looked at"),
        C("lines", "BIGINT", "log lines read"),
        C("events", "BIGINT", "events read"),
        C("findings", "INTEGER", "number of findings"),
        C("worst_severity", "VARCHAR", "highest finding severity (NULL when none)"),
    ),
)
INPUTS = Table(
    "inputs",
    "one row per member of a bundle (Report.inputs)",
    (
        KEY,
        C("ordinal", "INTEGER NOT NULL", "position in Report.inputs"),
        C("path", "VARCHAR NOT NULL", "member path inside the bundle"),
        C("kind", "VARCHAR", "avhypervvss, winclustersvc, event-xml or unknown"),
        C("status", "VARCHAR", "read, unknown or refused"),
        C("reason", "VARCHAR", "why refused or partial"),
        C("encoding", "VARCHAR", "text encoding detected"),
        C("bytes", "BIGINT", "member size"),
        C("lines", "BIGINT", "lines read"),
        C("events", "BIGINT", "events read"),
        C("records", "BIGINT", "records parsed"),
        C("unparsed", "BIGINT", "records no parser understood"),
        C("complete", "BOOLEAN", "read whole"),
    ),
)
FINDINGS = Table(
    "findings",
    "one row per finding (Report.findings)",
    (
        KEY,
        C("ordinal", "INTEGER NOT NULL", "position in Report.findings"),
        C("finding_id", "VARCHAR NOT NULL", "Finding.id, stable for the same bundle"),
        C("rule_id", "VARCHAR NOT NULL", "the rule that found it"),
        C("severity", "VARCHAR NOT NULL", "info, warning, error or critical"),
        C("severity_rank", "INTEGER NOT NULL", "0 info … 3 critical, for ordering and filters"),
        C("vm_name", "VARCHAR", "VM name as the logs give it"),
        C("vm_id", "VARCHAR", "VM GUID when known"),
        C("host", "VARCHAR", "Hyper-V host"),
        C("first_seen", "TIMESTAMP", "first evidence, UTC"),
        C("last_seen", "TIMESTAMP", "last evidence, UTC"),
        C("message_id", "VARCHAR", "catalog id of the message (language-independent)"),
        C("message_args", "VARCHAR", "JSON object the message is rendered from (sorted keys)"),
        C("message", "VARCHAR", "the message, in English"),
        C("hresult", "VARCHAR", "0x… HRESULT: message_args.hresult, else data, else evidence"),
        C("explained_by", "VARCHAR[]", "finding ids that explain this one"),
        C("missing_link_ids", "VARCHAR[]", "catalog ids of causal links the bundle does not show"),
        C("evidence_count", "INTEGER", "rows of this finding in evidence"),
    ),
)
EVIDENCE = Table(
    "evidence",
    "one row per evidence record of a finding (Finding.evidence)",
    (
        KEY,
        C("finding_ordinal", "INTEGER NOT NULL", "findings.ordinal of its finding"),
        C("finding_id", "VARCHAR NOT NULL", "findings.finding_id (not unique: join on ordinal)"),
        C("ordinal", "INTEGER NOT NULL", "position in Finding.evidence"),
        C("path", "VARCHAR", "member path"),
        C("line", "BIGINT", "line (or event) number"),
        C("source", "VARCHAR", "log source of the record"),
        C("timestamp", "TIMESTAMP", "time of the record: UTC, or as read when naive"),
        C("role", "VARCHAR", "what the record proves, e.g. cleanup-success"),
        C("text", "VARCHAR", "the line as read"),
    ),
)
DIAGNOSTICS = Table(
    "diagnostics",
    "one row per diagnostic about the input (Report.diagnostics)",
    (
        KEY,
        C("ordinal", "INTEGER NOT NULL", "position in Report.diagnostics"),
        C("severity", "VARCHAR", "info, warning or error"),
        C("code", "VARCHAR", "stable kebab-case code, e.g. xml-truncated"),
        C("message", "VARCHAR", "what happened"),
        C("path", "VARCHAR", "member path"),
        C("line", "BIGINT", "line number"),
        C("limit_name", "VARCHAR", "the limit that was hit (Diagnostic.limit)"),
    ),
)
UNPARSED_SHAPES = Table(
    "unparsed_shapes",
    "lines no parser understood, one row per shape (Report.unparsed_shapes)",
    (
        KEY,
        C("ordinal", "INTEGER NOT NULL", "position in Report.unparsed_shapes"),
        C("kind", "VARCHAR", "log kind"),
        C("template", "VARCHAR", "the line with numbers, GUIDs, paths and strings masked"),
        C("count", "BIGINT", "lines of this shape"),
        C("example", "VARCHAR", "one such line"),
        C("example_path", "VARCHAR", "where the example is"),
        C("example_line", "BIGINT", "its line number"),
    ),
)
META = Table(
    "meta",
    "key/value facts about the store",
    (
        C("key", "VARCHAR PRIMARY KEY", "store_schema_version, created_by, created_at"),
        C("value", "VARCHAR", "its value"),
    ),
)

DATA_TABLES = (BUNDLES, INPUTS, FINDINGS, EVIDENCE, DIAGNOSTICS, UNPARSED_SHAPES)
"""The tables a bundle's rows go to, in write order."""
ALL_TABLES = (META, *DATA_TABLES)
TIMING_COLUMNS = {"bundles": ("analysed_at", "elapsed_seconds")}
"""Columns that differ between two analyses of the same bundle by the same tool version."""
