"""The fuzz target runs, as its README says, and finds nothing in a few seconds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FUZZER = Path(__file__).parent.parent / "fuzz" / "fuzz_parsers.py"


def test_fuzz_target_runs_for_a_few_seconds_and_finds_nothing() -> None:
    done = subprocess.run(
        [sys.executable, str(FUZZER), "--seconds", "4"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no failure" in done.stdout
    inputs = int(done.stdout.split("fuzz_parsers: ", 1)[1].split(" inputs", 1)[0])
    assert inputs > 0
