"""Write the generated documentation pages (the rule catalog) into docs/.

Run after changing a rule: ``python scripts/gen_docs.py``. ``tests/test_docs.py`` fails
when a committed page differs from what this script produces.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from avlogparse.render.rule_catalog import render_rule_catalog_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"

GENERATED_PAGES: dict[str, Callable[[], str]] = {
    "rules/index.md": render_rule_catalog_markdown,
    "rules/index.ja.md": lambda: render_rule_catalog_markdown("ja"),
}
"""Page path under docs/ → function producing its text."""


def main() -> int:
    for page, render in GENERATED_PAGES.items():
        target = DOCS / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(), encoding="utf-8", newline="\n")
        print(f"wrote {target.relative_to(DOCS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
