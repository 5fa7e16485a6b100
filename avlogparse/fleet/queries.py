"""The questions asked of a fleet store, as SQL returning pandas DataFrames.

>>> from avlogparse.fleet.queries import BY_COLUMNS
>>> sorted(BY_COLUMNS)
['bundle', 'host', 'month', 'rule', 'severity', 'vm', 'week']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any

from avlogparse.fleet.store import connect

if TYPE_CHECKING:
    import duckdb
    import pandas

BY_COLUMNS = {
    "rule": "f.rule_id",
    "host": "f.host",
    "vm": "coalesce(f.vm_name, f.vm_id)",
    "week": "date_trunc('week', f.first_seen)::DATE",
    "month": "date_trunc('month', f.first_seen)::DATE",
    "severity": "f.severity",
    "bundle": "b.path",
}
"""``findings(by=…)`` grouping keys and the SQL they group on (weeks start on Monday, UTC)."""
NEW_KEYS = {"rule": "rule_id", "hresult": "hresult", "message": "message_id"}
"""``new_since(what=…)``: what counts as new."""
ERROR_RANK = 2
"""severity_rank of ``error``: recurring failures are findings at error or above."""

Moment = str | date | datetime


def _moment(value: Moment | None) -> datetime | None:
    """A date or time as naive UTC (the store's timestamps); naive means UTC already."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return _moment(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))


class FleetStore:
    """A fleet store opened for queries (read-only); ``with`` closes it.

    Every method returns a pandas DataFrame (needs the ``fleet`` extra).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.connection: duckdb.DuckDBPyConnection = connect(path, read_only=True)

    def __enter__(self) -> FleetStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def sql(self, query: str, parameters: Sequence[Any] | None = None) -> pandas.DataFrame:
        """Any SQL over the tables of ``docs/guide/fleet.md``."""
        frame: pandas.DataFrame = self.connection.execute(query, parameters or []).df()
        return frame

    def bundles(self, status: str | None = None) -> pandas.DataFrame:
        """The bundles table (``status``: ``done`` or ``failed`` only)."""
        where = "WHERE status = ?" if status else ""
        return self.sql(
            f"SELECT * FROM bundles {where} ORDER BY path, content_hash",
            [status] if status else None,
        )

    def findings(
        self,
        by: Sequence[str] | str = ("rule",),
        *,
        since: Moment | None = None,
        until: Moment | None = None,
        min_severity: str | None = None,
    ) -> pandas.DataFrame:
        """Findings counted by ``by`` (``rule``, ``host``, ``vm``, ``week``, ``month``,
        ``severity``, ``bundle``), with the bundles they are in and first/last seen;
        ``since``/``until`` bound ``first_seen`` (UTC), ``min_severity`` the severity."""
        keys = [by] if isinstance(by, str) else list(by)
        unknown = [k for k in keys if k not in BY_COLUMNS]
        if unknown or not keys:
            raise ValueError(f"by: one or more of {', '.join(BY_COLUMNS)}, not {unknown}")
        select = ", ".join(f"{BY_COLUMNS[k]} AS {k}" for k in keys)
        where, parameters = self._window(since, until, min_severity)
        group = ", ".join(str(i + 1) for i in range(len(keys)))
        return self.sql(
            f"""
            SELECT {select}, count(*) AS findings, count(DISTINCT f.content_hash) AS bundles,
                   min(f.first_seen) AS first_seen, max(f.last_seen) AS last_seen
            FROM findings f JOIN bundles b USING (content_hash)
            {where}
            GROUP BY {group}
            ORDER BY findings DESC, {group}
            """,
            parameters,
        )

    def new_since(self, since: Moment, what: str = "rule") -> pandas.DataFrame:
        """Rule ids (``what="rule"``), HRESULTs (``"hresult"``) or message ids
        (``"message"``) first seen in the fleet at or after ``since`` (UTC)."""
        if what not in NEW_KEYS:
            raise ValueError(f"what: one of {', '.join(NEW_KEYS)}, not {what!r}")
        column = NEW_KEYS[what]
        return self.sql(
            f"""
            SELECT {column} AS {what}, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                   count(*) AS findings, count(DISTINCT content_hash) AS bundles,
                   list(DISTINCT host ORDER BY host) FILTER (WHERE host IS NOT NULL) AS hosts
            FROM findings
            WHERE {column} IS NOT NULL
            GROUP BY 1
            HAVING min(first_seen) >= ?
            ORDER BY first_seen, 1
            """,
            [_moment(since)],
        )

    def recurring(self, min_days: int = 2, min_severity: str = "error") -> pandas.DataFrame:
        """Hosts whose failures recur: per host and rule, findings at ``min_severity`` or
        above on at least ``min_days`` distinct days (UTC) of ``first_seen``."""
        return self.sql(
            """
            SELECT host, rule_id, count(DISTINCT first_seen::DATE) AS days,
                   count(*) AS findings, count(DISTINCT content_hash) AS bundles,
                   count(DISTINCT coalesce(vm_id, vm_name)) AS vms,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM findings
            WHERE host IS NOT NULL AND first_seen IS NOT NULL AND severity_rank >= ?
            GROUP BY host, rule_id
            HAVING count(DISTINCT first_seen::DATE) >= ?
            ORDER BY days DESC, findings DESC, host, rule_id
            """,
            [_rank(min_severity), min_days],
        )

    def unexplained(self) -> pandas.DataFrame:
        """What the fleet's bundles leave unexplained, most widespread first.

        ``what`` is ``finding`` for findings at error or above that no finding explains and
        that explain none (``key``: rule id and HRESULT), or whose causal chain has missing
        links; ``unparsed-shape`` for lines no parser understood (``key``: kind and shape);
        ``diagnostic`` for error diagnostics about the input (``key``: code).
        """
        return self.sql(
            f"""
            WITH causes AS (
                SELECT DISTINCT content_hash, unnest(explained_by) AS finding_id FROM findings
            )
            SELECT 'finding' AS what, f.rule_id || coalesce(' ' || f.hresult, '') AS key,
                   count(DISTINCT f.content_hash) AS bundles, count(*) AS occurrences,
                   min(f.message) AS example
            FROM findings f
            WHERE len(f.missing_link_ids) > 0 OR (
                f.severity_rank >= {ERROR_RANK} AND len(f.explained_by) = 0
                AND NOT EXISTS (SELECT 1 FROM causes c WHERE c.content_hash = f.content_hash
                                AND c.finding_id = f.finding_id))
            GROUP BY 2
            UNION ALL
            SELECT 'unparsed-shape', kind || ': ' || template, count(DISTINCT content_hash),
                   sum(count)::BIGINT, min(example)
            FROM unparsed_shapes GROUP BY kind, template
            UNION ALL
            SELECT 'diagnostic', code, count(DISTINCT content_hash), count(*), min(message)
            FROM diagnostics WHERE severity = 'error' GROUP BY code
            ORDER BY bundles DESC, occurrences DESC, what, key
            """
        )

    def summary(self) -> pandas.DataFrame:
        """Bundles by status and tool version, with their findings."""
        return self.sql(
            """
            SELECT status, tool_version, count(*) AS bundles, sum(findings)::BIGINT AS findings,
                   sum(size)::BIGINT AS bytes, min(analysed_at) AS first_analysed,
                   max(analysed_at) AS last_analysed
            FROM bundles GROUP BY status, tool_version ORDER BY status, tool_version
            """
        )

    def _window(
        self, since: Moment | None, until: Moment | None, min_severity: str | None
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        parameters: list[Any] = []
        if since is not None:
            clauses.append("f.first_seen >= ?")
            parameters.append(_moment(since))
        if until is not None:
            clauses.append("f.first_seen <= ?")
            parameters.append(_moment(until))
        if min_severity is not None:
            clauses.append("f.severity_rank >= ?")
            parameters.append(_rank(min_severity))
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), parameters


def _rank(severity: str) -> int:
    from avlogparse.models.severity import Severity

    return Severity(severity).rank


def open_store(path: str | os.PathLike[str]) -> FleetStore:
    """Open a fleet store for queries (``avlogparse.fleet.open``)."""
    return FleetStore(path)
