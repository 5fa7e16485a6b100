"""Render a bundle's HTML report and photograph it in headless Chromium.

    python scripts/screenshot_html.py [BUNDLE] [--out docs/img/html-report.png] [--lang ja]

For looking at the page as a person would (and for the README picture). Chromium runs
with networking features off and a throw-away profile; the page loads nothing anyway.
Exits 2 when no ``chromium`` (or ``chromium-browser``) is on PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import avlogparse
from avlogparse.i18n import LANGUAGES
from avlogparse.render.html import render_html

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kb-orphaned-checkpoint"


def find_chromium() -> str | None:
    """The Chromium executable on PATH, if any."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html_file: Path, png: Path, width: int = 1280, height: int = 2000) -> None:
    """Take a ``width`` x ``height`` screenshot of a local HTML file."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="avlogparse-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            html_file.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=180)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", nargs="?", default=str(SAMPLE))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "html-report.png")
    parser.add_argument("--height", type=int, default=2000)
    parser.add_argument("--width", type=int, default=1400, help="window width (try 800)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the page")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    report = avlogparse.analyze(os.path.relpath(args.bundle))  # the page shows this path
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="avlogparse-html-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(render_html(report, lang=args.lang), encoding="utf-8")
        screenshot(page, args.out.resolve(), width=args.width, height=args.height)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
