"""Which facts the bundle holds, from which files, and why one is absent.

Rules require *facts* — what was actually seen — never file formats. A fact is a string:

* ``log:<kind>`` — lines of a plug-in log were read (``log:avhypervvss``,
  ``log:winclustersvc``);
* ``channel:<name>`` — events of a Windows event channel were read
  (``channel:Microsoft-Windows-Hyper-V-VMMS-Admin``), whatever the file held them: a
  combined export counts for each channel it holds, an export of another channel for none.
  An event without a ``<Channel>`` counts for ``provider:<name>``.

Sources report what they saw (:meth:`Coverage.saw`); the engine asks :meth:`Coverage.missing`
before it runs a rule, and the texts say which log or channel is missing (``fact.*`` in the
catalogs).
"""

from __future__ import annotations

from collections import defaultdict

PLUGIN_LOG = "log:avhypervvss"
CLUSTER_LOG = "log:winclustersvc"
VMMS_ADMIN_CHANNEL = "Microsoft-Windows-Hyper-V-VMMS-Admin"
VMMS_ADMIN = f"channel:{VMMS_ADMIN_CHANNEL}"


def channel_fact(channel: str | None, provider: str | None) -> str:
    """The fact an event adds: its channel, or its provider when it names no channel."""
    if channel:
        return f"channel:{channel}"
    return f"provider:{provider or '?'}"


class Coverage:
    """Facts seen, with the files that showed them and how many lines or events each."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[str, int]] = defaultdict(dict)

    def saw(self, fact: str, path: str, count: int = 1) -> None:
        """``path`` showed ``count`` lines or events of ``fact``."""
        files = self._seen[fact]
        files[path] = files.get(path, 0) + count

    def has(self, fact: str) -> bool:
        return fact in self._seen

    def files(self, fact: str) -> dict[str, int]:
        """The files that showed ``fact``, with their counts (empty when absent)."""
        return dict(self._seen.get(fact, {}))

    def facts(self) -> list[str]:
        """Every fact seen, sorted."""
        return sorted(self._seen)

    def missing(self, required: frozenset[str]) -> list[str]:
        """The required facts not seen, sorted."""
        return sorted(required - self._seen.keys())

    def channels(self) -> list[str]:
        """The event channels seen (names without the ``channel:`` prefix)."""
        return [fact[8:] for fact in self.facts() if fact.startswith("channel:")]
