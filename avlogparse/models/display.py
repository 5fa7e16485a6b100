"""How models show themselves in a notebook, provided by the layers above them.

Models sit at the bottom of the data flow and import nothing above it, not even inside a
function; the HTML renderer and the notebook helpers register their views here when they are
imported (``import avlogparse`` imports both), and a model's ``_repr_html_``, ``frame`` or
``plot`` looks its view up by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_VIEWS: dict[str, Callable[..., Any]] = {}


def provide(name: str, view: Callable[..., Any]) -> None:
    """Register the function that draws view ``name`` (done once, by the module that has it)."""
    _VIEWS[name] = view


def show(name: str, *args: Any, **kwargs: Any) -> Any:
    """Draw view ``name``; a view nobody provided is a clear error, not a silent blank."""
    view = _VIEWS.get(name)
    if view is None:
        raise LookupError(f"no {name} view: import avlogparse to load the renderers")
    return view(*args, **kwargs)
