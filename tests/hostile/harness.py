"""The hostile-bundle harness: run the real ``avlogparse`` command on a crafted bundle.

Each run is a subprocess with a wall-clock timeout and an address-space cap, so a hang or a
memory blow-up fails the test instead of the machine. Every run is checked for what must
hold on any input (``docs/security.md``): an exit code from the documented set, no traceback,
a JSON report whose counts add up, and no ``internal-error`` diagnostic. With ``audit=True``
the command runs under a PEP 578 audit hook that lists every file opened outside the bundle
(and the interpreter's own files), every socket and every new process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from avlogparse.limits import Limits

SAMPLE = Path(__file__).parent.parent.parent / "samples" / "kb-orphaned-checkpoint"
TIMEOUT_SECONDS = 60
MEMORY_CAP_BYTES = 1 << 30
EXIT_CODES = {0, 1, 2, 3}  # cli.py: ok, findings, usage / nothing analysable, could not judge

# Runs ``avlogparse.cli.main`` under an audit hook; the offences go to the file in argv[1].
_AUDITED_CLI = r"""
import json, os, sys, tempfile
report_to, bundle, argv = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3:]
allowed = {os.path.realpath(p) for p in (bundle, sys.prefix, sys.base_prefix, sys.exec_prefix)}
allowed.add(os.path.dirname(os.path.realpath(__import__("avlogparse").__file__)))
scratch = os.path.join(os.path.realpath(tempfile.gettempdir()), "avlogparse-")
offences, watching = [], [True]
def inside(path):
    real = os.path.realpath(path)
    return real.startswith(scratch) or any(
        real == root or real.startswith(root + os.sep) for root in allowed)
def hook(event, args):
    if not watching:
        return
    if event in ("open", "os.scandir", "os.listdir") and args and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if not inside(path):
            offences.append(f"{event} {path}")
    elif event.startswith(("socket.", "subprocess.", "os.exec", "os.posix_spawn", "os.system",
                           "urllib.", "http.", "ftplib.", "smtplib.")):
        offences.append(f"{event} {args!r}"[:300])
from avlogparse.cli import main
sys.path[:] = [p for p in sys.path if p not in ("", ".")]  # as in the console script
# names opened relative to a folder descriptor then resolve inside the bundle
os.chdir(bundle if os.path.isdir(bundle) else os.path.dirname(bundle))
sys.addaudithook(hook)
try:
    code = main(argv)
finally:
    watching.clear()
    with open(report_to, "w") as out:
        json.dump(offences, out)
sys.exit(code)
"""


def _command() -> list[str]:
    """The installed console script (there is no ``__main__``), else what it runs."""
    script = Path(sys.executable).with_name("avlogparse")
    if script.is_file():
        return [str(script)]
    found = shutil.which("avlogparse")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from avlogparse.cli import main; sys.exit(main())"]


def _cap_memory() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))


@dataclass
class Run:
    """One finished command: exit code, parsed JSON report, stderr, audit offences."""

    code: int
    report: dict[str, Any]
    stderr: str
    offences: list[str] = field(default_factory=list)

    def findings(self) -> set[tuple[str, str | None]]:
        """(rule id, VM name) of every finding."""
        return findings_of(self.report)

    def refused(self) -> dict[str, str]:
        """Refused inputs by path, with their reasons."""
        return {i["path"]: i["reason"] for i in self.report["inputs"] if i["status"] == "refused"}

    def diagnostics(self, code: str) -> list[dict[str, Any]]:
        """The report's diagnostics with this code."""
        return [d for d in self.report["diagnostics"] if d["code"] == code]

    def input(self, path: str) -> dict[str, Any]:
        """The report's row for one input."""
        [row] = [i for i in self.report["inputs"] if i["path"] == path]
        return row


def _check(run: Run) -> None:
    """What holds on any input; runs use ``--fail-on never``, so findings never give 1."""
    assert run.code in EXIT_CODES, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert not run.offences, run.offences
    report = run.report
    assert not [d for d in report["diagnostics"] if d["code"] == "internal-error"], report
    stats, inputs = report["stats"], report["inputs"]
    for key in ("lines", "events", "records", "unparsed"):
        assert stats[key] == sum(i[key] for i in inputs), key
    assert sum(s["count"] for s in report["unparsed_shapes"]) == stats["unparsed"]
    assert stats["files"] == len(inputs) == len({i["path"] for i in inputs})
    refused = {i["path"] for i in inputs if i["status"] == "refused"}
    assert refused <= {d["path"] for d in report["diagnostics"]}, "a refusal without a reason"
    assert (run.code == 3) == (not all(i["complete"] for i in inputs)), "exit 3 iff incomplete"


CliRunner = Callable[..., Run]


def run_capped(
    command: list[str], encoding: str = "utf-8", **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a command in a child capped in time and memory; ``env`` adds variables."""
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding=encoding,
        timeout=TIMEOUT_SECONDS,
        preexec_fn=_cap_memory,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
        check=False,
    )


def run_checked(command: list[str], offences_file: Path | None = None) -> Run:
    """Run a command that prints a JSON report, capped in time and memory; check the run."""
    done = run_capped(command)
    assert done.stdout, done.stderr
    offences = json.loads(offences_file.read_text()) if offences_file else []
    result = Run(done.returncode, json.loads(done.stdout), done.stderr, offences)
    _check(result)
    return result


def cli_command(bundle: Path, options: tuple[str, ...], offences_file: Path | None) -> list[str]:
    """``analyze --format json --fail-on never``, audited when ``offences_file`` is given."""
    argv = ["analyze", str(bundle), "--format", "json", "--fail-on", "never", *options]
    if offences_file is None:
        return [*_command(), *argv]
    return [sys.executable, "-c", _AUDITED_CLI, str(offences_file), str(bundle), *argv]


def api_command(bundle: Path, limits: Limits) -> list[str]:
    """``avlogparse.analyze(bundle, limits=...)`` in a child; exits 3 when incomplete."""
    script = (
        "import sys, avlogparse\n"
        "limits = avlogparse.Limits.model_validate_json(sys.argv[2])\n"
        "report = avlogparse.analyze(sys.argv[1], limits=limits)\n"
        "print(report.model_dump_json())\n"
        "sys.exit(0 if report.complete else 3)\n"
    )
    return [sys.executable, "-c", script, str(bundle), limits.model_dump_json()]


def text_command(bundle: Path) -> list[str]:
    """``avlogparse analyze --no-color --fail-on never``: the text report."""
    return [*_command(), "analyze", str(bundle), "--no-color", "--fail-on", "never"]


def text_report(bundle: Path) -> str:
    """What ``avlogparse analyze --no-color`` prints for a bundle, capped likewise."""
    done = run_capped(text_command(bundle))
    assert done.returncode in EXIT_CODES and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def parse_records(path: Path) -> list[dict[str, Any]]:
    """The records ``avlogparse parse`` prints for one file (JSON Lines), capped likewise."""
    done = run_capped([*_command(), "parse", str(path)])
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def findings_of(report: dict[str, Any]) -> set[tuple[str, str | None]]:
    """(rule id, VM name) of every finding of a JSON report."""
    return {(f["rule_id"], (f["vm"] or {}).get("name")) for f in report["findings"]}
