"""avlogparse: diagnose Dell Avamar Hyper-V backup failures from collected log bundles.

>>> import avlogparse
>>> report = avlogparse.analyze("samples/kb-orphaned-checkpoint")  # doctest: +SKIP
>>> [f.rule_id for f in report.findings]  # doctest: +SKIP
"""

from __future__ import annotations

from avlogparse.bundle import Bundle, open_bundle
from avlogparse.catalog import HRESULTS, HYPERV_EVENTS, MESSAGE_CODES
from avlogparse.correlation.windows import CorrelationWindows
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
from avlogparse.models.display import provide
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.records import Location, Unparsed
from avlogparse.models.report import SCHEMA_VERSION, Report
from avlogparse.models.severity import Severity
from avlogparse.rules import ALL_RULES, Rule
from avlogparse.sources import (
    SOURCES,
    LogSource,
    ParsedFile,
    Record,
    parse_file,
    parse_stream,
    sniff_kind,
)
from avlogparse.sources.avamar_log import LogLine
from avlogparse.sources.avhypervvss import PluginLogRecord
from avlogparse.sources.event_xml import EventLine, EventRecord
from avlogparse.sources.winclustersvc import ClusterLogRecord

__version__ = tool_version()

# the views models show in a notebook, imported on first use (models know no renderer)
provide("report_html", "avlogparse.render.html", "report_repr_html")
provide("finding_html", "avlogparse.render.html", "finding_repr_html")
provide("timeline_svg", "avlogparse.render.timeline_svg", "timeline_svg")
provide("findings_frame", "avlogparse.notebook", "findings_frame")
provide("timeline_frame", "avlogparse.notebook", "timeline_frame")
provide("plot_timeline", "avlogparse.notebook", "plot_timeline")

__all__ = [
    "ALL_RULES",
    "HRESULTS",
    "HYPERV_EVENTS",
    "MESSAGE_CODES",
    "SCHEMA_VERSION",
    "SOURCES",
    "AvlogparseError",
    "Bundle",
    "ClusterLogRecord",
    "ConfigError",
    "CorrelationWindows",
    "Diagnostic",
    "EventLine",
    "EventRecord",
    "Evidence",
    "Finding",
    "InputAccessError",
    "InputNotFoundError",
    "Limits",
    "Location",
    "LogLine",
    "LogSource",
    "NotABundleError",
    "ParseStats",
    "ParsedFile",
    "PluginLogRecord",
    "Record",
    "Report",
    "Rule",
    "Severity",
    "Unparsed",
    "VmRef",
    "__version__",
    "analyze",
    "open_bundle",
    "parse_file",
    "parse_stream",
    "sniff_kind",
]
