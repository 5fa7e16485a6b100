"""Fleet analysis: many bundles into one queryable DuckDB store (the ``fleet`` extra).

>>> import avlogparse.fleet as fleet
>>> fleet.STORE_SCHEMA_VERSION
'1.0'

``add()`` analyses bundles into a store (a process pool, any
:class:`concurrent.futures.Executor` or a ``distributed.Client``); ``open()`` returns a
:class:`FleetStore` whose queries return pandas DataFrames. duckdb, pyarrow and pandas are
imported only when a store is used, so this package imports without them.
"""

from __future__ import annotations

from avlogparse.fleet.queries import FleetStore, open_store
from avlogparse.fleet.runner import AddResult, Counts, add
from avlogparse.fleet.schema import STORE_SCHEMA_VERSION
from avlogparse.fleet.store import StoreError

open = open_store  # avlogparse.fleet.open(store), as the docs say

__all__ = [
    "STORE_SCHEMA_VERSION",
    "AddResult",
    "Counts",
    "FleetStore",
    "StoreError",
    "add",
    "open",
]
