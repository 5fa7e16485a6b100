"""The examples of README.md and docs/**/*.md run as tests, so the documentation cannot drift.

Which fenced blocks run:

* ```` ```console ```` — a transcript. Each ``$ avlogparse …`` line runs in a subprocess from
  the repository root with the ``avlogparse`` command of this Python environment. A trailing
  ``# comment`` is for the reader, except that ``# exit N`` (possibly followed by more text)
  states the expected exit code (default 0). The lines after a command must
  appear in its standard output in that order, each matching one whole output line
  (trailing spaces ignored); other lines may come between them. ``...`` inside a line
  matches any text; a line of only ``...`` just shows the reader that lines were left out.
* ```` ```python ```` — executed with the repository root as working directory, in one
  namespace per page: the page's earlier ``python`` blocks run first, so a page reads like a
  notebook (``report`` defined once, used below); when it starts with ``>>>`` (or is ```` ```pycon ````) it runs as a doctest
  (ELLIPSIS and NORMALIZE_WHITESPACE on).

Every other block (``sh``, ``text``, ``yaml`` …) is for reading or copying, not run; install
commands are written as ``sh`` for that reason. A block preceded by
``<!-- not-tested: reason -->`` is not run either.
"""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
RUN_LANGUAGES = {"console", "python", "pycon"}

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,})\s*(?P<language>[\w+-]*)")
_OPT_OUT = re.compile(r"^\s*<!--\s*not-tested:\s*\S.*-->\s*$")
_COMMAND = re.compile(r"^\$ (?P<command>[^#]+?)\s*(?:#\s*(?:exit\s+(?P<exit>\d+)\b)?.*)?$")
_ELLIPSIS = "..."


@dataclass(frozen=True)
class Example:
    """One fenced code block to run."""

    path: Path
    line: int
    language: str
    body: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def collect_examples(path: Path) -> list[Example]:
    """The runnable fenced blocks of one Markdown file (opted-out blocks left out)."""
    examples: list[Example] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    previous = ""  # the last non-blank line before the current one
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            previous = lines[index] if lines[index].strip() else previous
            index += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        body = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : end])
        if opening["language"] in RUN_LANGUAGES and not _OPT_OUT.match(previous):
            examples.append(Example(path, index + 1, opening["language"], body + "\n"))
        previous = ""
        index = end + 1
    return examples


EXAMPLES = [example for document in DOCUMENTS for example in collect_examples(document)]


def test_examples_are_found_in_the_readme_and_the_docs() -> None:
    documents = {example.path.relative_to(ROOT).as_posix() for example in EXAMPLES}
    assert {"README.md", "docs/guide/cli.md", "docs/guide/python-api.md"} <= documents
    assert {example.language for example in EXAMPLES} >= {"console", "python"}


def test_only_runnable_blocks_that_are_not_opted_out_are_collected(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\npip install .\n```\n\n"
        "<!-- not-tested: needs a new option -->\n```console\n$ avlogparse --new\n```\n\n"
        "- in a list:\n\n  ```console\n  $ avlogparse rules\n  ```\n",
        encoding="utf-8",
    )
    [example] = collect_examples(page)
    assert (example.line, example.language, example.body) == (12, "console", "$ avlogparse rules\n")


def test_expected_output_matches_whole_lines_in_order() -> None:
    stdout = "alpha beta\ngamma\n"
    _assert_output("page.md:1", "avlogparse x", ["alpha ...", "...", "gamma"], stdout)
    for expected in (["gamma", "alpha beta"], ["alpha"], ["delta"]):
        with pytest.raises(AssertionError):
            _assert_output("page.md:1", "avlogparse x", expected, stdout)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.name for example in EXAMPLES])
def test_example(example: Example, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    if example.language == "console":
        _run_transcript(example)
    elif example.language == "pycon" or example.body.lstrip().startswith(">>>"):
        _run_doctest(example)
    else:
        namespace: dict[str, object] = {"__name__": "__docs_example__"}
        for block in _python_blocks(example.path):
            exec(compile(block.body, block.name, "exec"), namespace)
            if block == example:
                break


def _python_blocks(path: Path) -> list[Example]:
    return [
        e
        for e in EXAMPLES
        if e.path == path and e.language == "python" and not e.body.lstrip().startswith(">>>")
    ]


def _run_transcript(example: Example) -> None:
    commands: list[tuple[str, int, list[str]]] = []
    for line in example.body.splitlines():
        command = _COMMAND.match(line)
        if command is not None:
            commands.append((command["command"], int(command["exit"] or 0), []))
        elif commands:
            commands[-1][2].append(line)
        else:
            pytest.fail(f"{example.name}: output before the first '$ avlogparse' command")
    assert commands, f"{example.name}: a console block needs '$ avlogparse' commands"
    for command, expected_exit, expected_lines in commands:
        argv = shlex.split(command)
        assert argv[0] == "avlogparse", (
            f"{example.name}: only '$ avlogparse' commands can run; write other commands "
            "in an ```sh block or mark the block <!-- not-tested: reason -->"
        )
        result = subprocess.run(
            [_avlogparse_command(), *argv[1:]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert result.returncode == expected_exit, (
            f"{example.name}: `{command}` exited {result.returncode}, the docs say "
            f"{expected_exit}\n{result.stderr}"
        )
        _assert_output(example.name, command, expected_lines, result.stdout)


def _avlogparse_command() -> str:
    """The console script installed next to this interpreter (the venv's avlogparse)."""
    found = shutil.which("avlogparse", path=str(Path(sys.executable).parent))
    assert found, "no avlogparse command next to this Python: pip install -e ."
    return found


def _assert_output(name: str, command: str, expected_lines: list[str], stdout: str) -> None:
    """Each expected line matches a whole output line, in order; ``...`` matches any text."""
    output = [line.rstrip() for line in stdout.splitlines()]
    position = 0
    for expected in (line.rstrip() for line in expected_lines):
        if expected.strip() == _ELLIPSIS:
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in expected.split(_ELLIPSIS)))
        while position < len(output) and not pattern.fullmatch(output[position]):
            position += 1
        assert position < len(output), (
            f"{name}: `{command}` printed no line matching (after the previous match)\n"
            f"  {expected}\n--- output ---\n{stdout}"
        )
        position += 1


def _run_doctest(example: Example) -> None:
    test = doctest.DocTestParser().get_doctest(
        example.body,
        {"__name__": "__docs_example__"},
        example.name,
        str(example.path),
        example.line,
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)
