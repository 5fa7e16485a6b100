"""avlogparse: diagnose Dell Avamar Hyper-V backup failures from collected log bundles.

>>> import avlogparse
>>> report = avlogparse.analyze("samples/kb-orphaned-checkpoint")  # doctest: +SKIP
>>> [f.rule_id for f in report.findings]  # doctest: +SKIP
"""

from __future__ import annotations

from avlogparse.bundle import Bundle, open_bundle
from avlogparse.catalog import HRESULTS, HYPERV_EVENTS, MESSAGE_CODES
from avlogparse.correlate import Windows
from avlogparse.engine import analyze, tool_version
from avlogparse.errors import (
    AvlogparseError,
    ConfigError,
    InputAccessError,
    InputNotFoundError,
    NotABundleError,
)
from avlogparse.limits import Limits
from avlogparse.models.diagnostics import Diagnostic, ParseStats
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.records import (
    ClusterLogRecord,
    EventLine,
    EventRecord,
    LogLine,
    PluginLogRecord,
    Record,
    Source,
    Unparsed,
)
from avlogparse.models.report import SCHEMA_VERSION, Report
from avlogparse.models.severity import Severity
from avlogparse.parsers import ParsedFile, parse_file, parse_stream
from avlogparse.rules import ALL_RULES, Rule
from avlogparse.sniff import Kind, sniff_kind

__version__ = tool_version()

__all__ = [
    "ALL_RULES",
    "HRESULTS",
    "HYPERV_EVENTS",
    "MESSAGE_CODES",
    "SCHEMA_VERSION",
    "AvlogparseError",
    "Bundle",
    "ClusterLogRecord",
    "ConfigError",
    "Diagnostic",
    "EventLine",
    "EventRecord",
    "Evidence",
    "Finding",
    "InputAccessError",
    "InputNotFoundError",
    "Kind",
    "Limits",
    "LogLine",
    "NotABundleError",
    "ParseStats",
    "ParsedFile",
    "PluginLogRecord",
    "Record",
    "Report",
    "Rule",
    "Severity",
    "Source",
    "Unparsed",
    "VmRef",
    "Windows",
    "__version__",
    "analyze",
    "open_bundle",
    "parse_file",
    "parse_stream",
    "sniff_kind",
]
