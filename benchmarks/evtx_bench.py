"""Events per second from binary ``.evtx`` against the same events exported as XML.

    python benchmarks/evtx_bench.py                 # the real samples of tests/data/evtx
    python benchmarks/evtx_bench.py --repeat 9 --copies 3 --json out.json

The XML is what ``evtx``'s ``records()`` renders for each record, in an ``<Events>`` root (the
Event Viewer shape; ``tests/parsers/evtx_shapes.py``), made once in a temporary folder. Each
run reads every file to the end through the parser the bundle reader would use
(``parse_evtx`` / ``parse_event_xml``, records as yielded), the two alternating so a busy
neighbour slows both alike; the median of the runs is reported. ``--copies`` repeats the
file list (the same files read again) for a longer measurement. Target (issue "Read raw
.evtx directly"): ``.evtx`` at least 3x the events per second of XML.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "parsers"))  # evtx_shapes

from evtx_shapes import shapes  # noqa: E402

from avlogparse.models.diagnostics import ParseStats  # noqa: E402
from avlogparse.sources.event_xml import parse_event_xml  # noqa: E402
from avlogparse.sources.evtx import parse_evtx  # noqa: E402

TARGET = 3.0


def read_all(files: list[Path], xml: bool) -> int:
    """Events read from every file (all records yielded, as analyze consumes them)."""
    events = 0
    for path in files:
        stats = ParseStats(path=path.name, kind="event-xml" if xml else "evtx")
        parse = parse_event_xml if xml else parse_evtx
        with open(path, "rb") as stream:
            for _ in parse(stream, path.name, stats):
                pass
        assert stats.unparsed_events == 0, (path, stats.diagnostics[:3])
        events += stats.event_records
    return events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "tests" / "data" / "evtx")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each (median reported)")
    parser.add_argument("--copies", type=int, default=1, help="read the file list this often")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)
    import evtx  # the optional extra: needed to make the XML and to read .evtx

    binaries = sorted(args.samples.glob("*.evtx"))
    if not binaries:
        parser.error(f"no .evtx file in {args.samples}")
    with tempfile.TemporaryDirectory(prefix="avlogparse-evtx-bench-") as folder:
        xmls = []
        for path in binaries:
            rendered = evtx.PyEvtxParser(str(path)).records()
            records = [(r["event_record_id"], r["data"]) for r in rendered]
            target = Path(folder) / f"{path.stem}.xml"
            target.write_bytes(shapes(records)["events-root"])
            xmls.append(target)
        binaries *= args.copies
        xmls *= args.copies
        runs: dict[str, list[float]] = {"evtx": [], "xml": []}
        counts: dict[str, int] = {}
        for index in range(args.repeat):
            order = ("evtx", "xml") if index % 2 == 0 else ("xml", "evtx")
            for kind in order:
                started = time.perf_counter()
                counts[kind] = read_all(xmls if kind == "xml" else binaries, kind == "xml")
                runs[kind].append(time.perf_counter() - started)
        sizes = {
            "evtx": sum(p.stat().st_size for p in binaries),
            "xml": sum(p.stat().st_size for p in xmls),
        }
    assert counts["evtx"] == counts["xml"], counts
    medians = {kind: statistics.median(values) for kind, values in runs.items()}
    rates = {kind: counts[kind] / medians[kind] for kind in runs}
    ratio = rates["evtx"] / rates["xml"]
    print(f"{counts['evtx']:,} events from {len(binaries)} files, {args.repeat} runs each "
          f"(median; min-max), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")  # fmt: skip
    for kind in ("evtx", "xml"):
        print(
            f"  {kind:5} {sizes[kind] / 1e6:7.1f} MB  {medians[kind]:7.3f} s "
            f"({min(runs[kind]):.3f}-{max(runs[kind]):.3f})  {rates[kind] / 1000:8.1f} k events/s"
        )
    verdict = "PASS" if ratio >= TARGET else "MISS"
    print(f"  {verdict}  .evtx / XML events per second: {ratio:.2f}x (target >= {TARGET:g}x)")
    if args.json:
        result: dict[str, Any] = {
            "events": counts["evtx"], "runs": runs, "median_seconds": medians,
            "events_per_second": rates, "ratio": ratio, "target": TARGET, "bytes": sizes,
        }  # fmt: skip
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
