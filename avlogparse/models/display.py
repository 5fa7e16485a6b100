"""How models show themselves in a notebook, provided by the layers above them.

Models sit at the bottom of the data flow and import nothing above it, not even inside a
function. The package (``avlogparse/__init__.py``, the one place that knows every layer)
names the function that draws each view; a model's ``_repr_html_``, ``frame`` or ``plot``
asks for its view by name, and the module that has it is imported then, on first use, so
``import avlogparse`` does not pay for renderers and pandas helpers nobody shows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

_VIEWS: dict[str, tuple[str, str]] = {}


def provide(name: str, module: str, function: str) -> None:
    """View ``name`` is drawn by ``module.function`` (imported when first shown)."""
    _VIEWS[name] = (module, function)


def show(name: str, *args: Any, **kwargs: Any) -> Any:
    """Draw view ``name``; a view nobody provided is a clear error, not a silent blank."""
    target = _VIEWS.get(name)
    if target is None:
        raise LookupError(f"no {name} view: import avlogparse to name the renderers")
    view: Callable[..., Any] = getattr(importlib.import_module(target[0]), target[1])
    return view(*args, **kwargs)
