"""Exceptions a caller must handle; everything else about bad input is a Diagnostic."""

from __future__ import annotations


class AvlogparseError(Exception):
    """Root of every error avlogparse raises on purpose."""


class InputNotFoundError(AvlogparseError, FileNotFoundError):
    """The path given does not exist."""


class InputAccessError(AvlogparseError, PermissionError):
    """The path given cannot be read."""


class NotABundleError(AvlogparseError):
    """Nothing in the input is a log avlogparse can analyse."""


class ConfigError(AvlogparseError, ValueError):
    """An invalid option (time zone, limits, rule id)."""
