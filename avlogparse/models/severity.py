"""The one severity scale shared by catalog entries, rules and findings."""

from __future__ import annotations

from enum import Enum


class Severity(str, Enum):
    """Ordered lowest to highest; compare with :meth:`rank`."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info … 3 for critical."""
        return _ORDER.index(self)


_ORDER = (Severity.INFO, Severity.WARNING, Severity.ERROR, Severity.CRITICAL)
