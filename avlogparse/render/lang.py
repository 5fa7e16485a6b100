"""The one hook through which renderers get findings in the reader's language.

English is built in: findings are written in English. Another language is served by
``avlogparse.i18n.localize(finding, lang)`` when that module is present; until then any
``lang`` other than ``"en"`` is refused with a clear error rather than silently ignored.
"""

from __future__ import annotations

import importlib

from avlogparse.models.findings import Finding

DEFAULT_LANG = "en"


def localize_findings(findings: list[Finding], lang: str | None) -> list[Finding]:
    """``findings`` in ``lang`` (None or ``"en"``: unchanged).

    Raises :class:`ValueError` for a language this installation cannot produce.
    """
    if lang is None or lang == DEFAULT_LANG:
        return findings
    try:
        i18n = importlib.import_module("avlogparse.i18n")
    except ModuleNotFoundError as error:
        if error.name != "avlogparse.i18n":
            raise
        raise ValueError(f"language {lang!r} is not available; use 'en'") from None
    return [i18n.localize(finding, lang) for finding in findings]
