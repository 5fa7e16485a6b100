#!/usr/bin/env python3
"""Benchmark avlogparse against plain-Python baselines on one generated bundle.

    python benchmarks/run.py [--lines N] [--events N] [--seed 1] [--repeat 5]
        [--encoding utf-8|utf-16|both] [--data DIR] [--keep] [--json FILE] [--profile]
        [--tz America/New_York --start 2024-02-25 --incidents 10]

Generates the bundle with ``benchmarks/generate.py`` (or reuses one under ``--data`` with
the same size, seed and encoding), then measures on the same files, each measurement in a
fresh subprocess (so peak RSS is that phase's own), the median of ``--repeat`` runs:

a. baselines: whole-file ``read()`` + decode + ``splitlines()`` (a1); a plain
   ``for line in open(path, encoding=…)`` loop (a2); for the event XML,
   ``ElementTree.iterparse(events=("start", "end"))`` with ``root.clear()`` after every
   ``</Event>`` (e3);
b. ``for record in avlogparse.parse_file(path): pass`` for every file;
c. ``avlogparse.analyze(bundle_dir)``.

It prints lines/s, events/s, MB/s (10^6 bytes) and peak RSS above the RSS after imports,
the ratios against the targets of ``shared/perf-notes.md`` with PASS/MISS, the parse counts
against what the generator wrote, and precision/recall of the ``orphaned-checkpoint`` and
``no-backup-targets`` findings against ``ground_truth.json``. The repeats are interleaved
(a1, a2, b, … then again) so host noise hits baselines and library alike.

d. ``avlogparse analyze`` over ``JOBS_BUNDLES`` copies of the bundle path with ``--jobs 1`` and
   ``--jobs 2`` (the CLI in a subprocess, wall clock): the throughput ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FILES = ("avhypervvss.log", "winclustersvc.log", "vmms.xml")
LOG_FILES = FILES[:2]
XML_FILE = FILES[2]
EVENT_TAG = "{http://schemas.microsoft.com/win/2004/08/events/event}Event"
MIB = 1 << 20

# targets (shared/perf-notes.md §5), as ratios measured in the same run
T1_LOG_RATIO = 3.0  # full typed parse of a plug-in log <= 3x read + decode + splitlines
T3_XML_RATIO = 1.5  # typed event XML parse <= 1.5x iterparse + clear
ANALYZE_RATIO = 1.2  # analyze <= 1.2x the sum of the three parses
T5_PARSE_MIB = 64.0  # streaming parse peak above imports, per file
T5_ANALYZE_MB = 250.0  # analyze of a 1 GB bundle, absolute RSS (informational here)
T7_JOBS_SPEEDUP = 1.7  # --jobs 2 over several bundles >= 1.7x the throughput of --jobs 1
JOBS_BUNDLES = 4
HOT_PATH = ("sources", "textio.py")


# --- worker side: one phase, one file, in a fresh process ----------------------------------


def _rss_now_kib() -> int:
    """Current RSS in KiB (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return _peak_kib()


def _peak_kib() -> int:
    """Peak RSS of this process in KiB.

    ``getrusage(RUSAGE_SELF).ru_maxrss`` on Linux also carries the high-water mark of the
    memory image replaced by ``exec`` — for a ``subprocess`` child, the *parent's* peak (the
    child is spawned with vfork) — so ``VmHWM`` of ``/proc/self/status`` (this image only)
    is used when there is one.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def text_encoding(path: Path) -> str:
    """The codec a plain-Python reader would use for this file (BOM decides)."""
    with open(path, "rb") as stream:
        head = stream.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return "utf-8"


def phase_read(path: Path) -> dict[str, Any]:
    """a1: whole-file read + decode + splitlines."""
    encoding = text_encoding(path)
    with open(path, "rb") as stream:
        lines = stream.read().decode(encoding).splitlines()
    return {"lines": len(lines)}


def phase_stream(path: Path) -> dict[str, Any]:
    """a2: a plain streaming ``for line in open(...)`` loop."""
    count = 0
    with open(path, encoding=text_encoding(path)) as stream:
        for _ in stream:
            count += 1
    return {"lines": count}


def phase_iterparse(path: Path) -> dict[str, Any]:
    """e3: iterparse(start, end) with root.clear() after every Event.

    A UTF-16 file whose declaration says utf-8 (``generate.py --lying-declaration``) is
    rejected by expat; then the text is decoded by BOM, the declaration stripped and fed to an
    ``XMLPullParser`` in 64 KiB pieces (e11 in perf-notes).
    """
    import xml.etree.ElementTree as ET

    count = 0
    root: Any = None
    if text_encoding(path) == "utf-16":
        with open(path, encoding="utf-16") as stream:
            head = stream.read(200)
            if 'encoding="utf-8"' in head.split("?>", 1)[0]:
                parser: Any = ET.XMLPullParser(events=("start", "end"))
                text = head.split("?>", 1)[1] if "?>" in head else head
                while text:
                    parser.feed(text)
                    for event, element in parser.read_events():
                        if root is None:
                            root = element
                        if event == "end" and element.tag == EVENT_TAG:
                            count += 1
                            root.clear()
                    text = stream.read(1 << 16)
                parser.close()
                return {"events": count, "method": "XMLPullParser (declaration stripped)"}
    for event, element in ET.iterparse(path, events=("start", "end")):
        if root is None:
            root = element
        if event == "end" and element.tag == EVENT_TAG:
            count += 1
            root.clear()
    return {"events": count, "method": "iterparse"}


def phase_parse(path: Path) -> dict[str, Any]:
    """b: the full typed parse, every record streamed and dropped."""
    from avlogparse import parse_file

    parsed = parse_file(path)
    for _ in parsed:
        pass
    stats = parsed.stats
    return {
        "kind": parsed.kind,
        "encoding": stats.encoding,
        "lines_total": stats.lines_total,
        "record_lines": stats.record_lines,
        "continuation_lines": stats.continuation_lines,
        "blank_lines": stats.blank_lines,
        "unparsed_lines": stats.unparsed_lines,
        "events_seen": stats.events_seen,
        "event_records": stats.event_records,
        "unparsed_events": stats.unparsed_events,
        "non_event_lines": stats.non_event_lines,
        "complete": stats.complete,
        "balanced": stats.balanced(),
        "diagnostics": [d.code for d in stats.diagnostics][:20],
        "regex_module_loaded": "regex" in sys.modules,
    }


def phase_analyze(path: Path) -> dict[str, Any]:
    """c: the whole analysis of the bundle folder."""
    from avlogparse import analyze

    report = analyze(path)
    orphans = []
    no_targets = []
    rules: dict[str, int] = {}
    for finding in report.findings:
        rules[finding.rule_id] = rules.get(finding.rule_id, 0) + 1
        if finding.rule_id == "orphaned-checkpoint":
            vm = finding.vm
            orphans.append(
                {
                    "vm_id": vm.id if vm else None,
                    "vm_name": vm.name if vm else None,
                    "cleanup_group": finding.data.get("group"),
                }
            )
        elif finding.rule_id == "no-backup-targets":
            lines = [
                e.line
                for e in finding.evidence
                if e.role == "no-backup-targets" and Path(e.path).name == "avhypervvss.log"
            ]
            no_targets.append({"line": lines[0] if lines else None})
    alignment = report.time_alignment
    return {
        "findings_by_rule": rules,
        "orphaned_checkpoint": orphans,
        "no_backup_targets": no_targets,
        "offset_minutes": alignment.offset_minutes if alignment else None,
        "zone_name": alignment.zone_name if alignment else None,
        "offsets_minutes": alignment.offsets_minutes if alignment else None,
        "clock_source": alignment.source if alignment else None,
        "lines": report.stats.lines if report.stats else None,
        "events": report.stats.events if report.stats else None,
        "unparsed": report.stats.unparsed if report.stats else None,
        "complete": report.complete,
        "inputs": [(i.path, i.status, i.kind) for i in report.inputs],
    }


PHASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "read": phase_read,
    "stream": phase_stream,
    "iterparse": phase_iterparse,
    "parse": phase_parse,
    "analyze": phase_analyze,
}
PHASE_LABELS = {
    "read": "a1 read()+decode+splitlines",
    "stream": "a2 for line in open()",
    "iterparse": "e3 iterparse+clear",
    "parse": "b  avlogparse.parse_file",
    "analyze": "c  avlogparse.analyze",
}


def worker(phase: str, path: Path, profile: bool) -> None:
    """Run one phase once and print its result as JSON (the parent reads the last line)."""
    sys.path.insert(0, str(ROOT))
    if phase in ("parse", "analyze"):
        import avlogparse  # noqa: F401  (imports are not part of the measurement)
    if phase == "iterparse":
        import xml.etree.ElementTree  # noqa: F401
    gc.collect()
    rss_after_imports = _rss_now_kib()
    peak_after_imports = _peak_kib()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = PHASES[phase](path)
    seconds = time.perf_counter() - started
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(18)
        result["profile"] = text.getvalue()
    peak = _peak_kib()
    result.update(
        seconds=seconds,
        cpu_user=cpu_end.ru_utime - cpu.ru_utime,
        cpu_sys=cpu_end.ru_stime - cpu.ru_stime,
        rss_after_imports_kib=rss_after_imports,
        peak_kib=peak,
        peak_above_imports_kib=max(peak - rss_after_imports, 0),
        peak_grew_after_imports=peak > peak_after_imports,
    )
    print(json.dumps(result))


# --- parent side -----------------------------------------------------------------------------


def run_phase(phase: str, path: Path, profile: bool = False) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, str(path)]
    if profile:
        command.append("--profile")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"phase {phase} on {path} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bundle_dir(
    data: Path, lines: int, events: int, seed: int, encoding: str, tz: str | None = None
) -> Path:
    zone = f"-{tz.replace('/', '_')}" if tz else ""
    return data / f"{lines}L-{events}E-seed{seed}-{encoding}{zone}"


def ensure_bundle(
    directory: Path,
    lines: int,
    events: int,
    seed: int,
    encoding: str,
    tz: str | None = None,
    start: str | None = None,
    incidents: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """The ground truth of the bundle, generating it unless an identical one is there."""
    truth_path = directory / "ground_truth.json"
    if truth_path.exists() and all((directory / name).exists() for name in FILES):
        truth: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
        made = truth.get("generator", {})
        wanted = (lines, events, seed, encoding, tz, incidents)
        if (
            made.get("lines"),
            made.get("events"),
            made.get("seed"),
            made.get("encoding"),
            made.get("tz"),
            made.get("incidents"),
        ) == wanted and (start is None or made.get("start") == start):
            print(f"reusing {directory}", file=sys.stderr)
            return truth, False
    sys.path.insert(0, str(HERE))
    from generate import generate

    print(f"generating {directory} ...", file=sys.stderr)
    first = date.fromisoformat(start) if start else None
    truth = generate(directory, lines, events, seed, encoding, False, tz, first, incidents)
    print(f"  done in {truth['generator']['seconds']:.1f} s", file=sys.stderr)
    return truth, True


def precision_recall(found: list[Any], expected: list[Any]) -> dict[str, Any]:
    found_set, expected_set = set(found), set(expected)
    hits = len(found_set & expected_set)
    return {
        "expected": len(expected_set),
        "found": len(found_set),
        "duplicates": len(found) - len(found_set),
        "true_positives": hits,
        "precision": hits / len(found_set) if found_set else (1.0 if not expected_set else 0.0),
        "recall": hits / len(expected_set) if expected_set else 1.0,
        "false_positives": sorted(map(str, found_set - expected_set))[:10],
        "missed": sorted(map(str, expected_set - found_set))[:10],
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    times = [run["seconds"] for run in runs]
    summary = {key: value for key, value in runs[0].items() if key != "profile"}
    summary.update(
        seconds=statistics.median(times),
        runs=[round(t, 4) for t in times],
        peak_above_imports_mib=max(run["peak_above_imports_kib"] for run in runs) / 1024,
        peak_mib=max(run["peak_kib"] for run in runs) / 1024,
        cpu_user=statistics.median(run["cpu_user"] for run in runs),
        cpu_sys=statistics.median(run["cpu_sys"] for run in runs),
    )
    return summary


def hot_path_check() -> dict[str, Any]:
    """T6, statically: no ``regex`` import and no ``strptime`` in the per-line modules."""
    package = ROOT / "avlogparse"
    offenders: list[str] = []
    for name in HOT_PATH:
        target = package / name
        files = sorted(target.glob("*.py")) if target.is_dir() else [target]
        for file in files:
            text = file.read_text(encoding="utf-8")
            if re.search(r"^\s*(import regex\b|from regex\b)", text, re.MULTILINE):
                offenders.append(f"{file.relative_to(ROOT)}: imports regex")
            if "strptime(" in text:
                offenders.append(f"{file.relative_to(ROOT)}: calls strptime")
    return {"offenders": offenders, "ok": not offenders}


def measure(directory: Path, truth: dict[str, Any], repeat: int, profile: bool) -> dict[str, Any]:
    """All phases on one bundle, interleaved, ``repeat`` times."""
    plan: list[tuple[str, str]] = []
    for name in FILES:
        plan += [(name, "read"), (name, "stream")]
        if name == XML_FILE:
            plan.append((name, "iterparse"))
        plan.append((name, "parse"))
    plan.append(("(bundle)", "analyze"))
    results: dict[tuple[str, str], list[dict[str, Any]]] = {key: [] for key in plan}
    for index in range(repeat):
        for name, phase in plan:
            path = directory if name == "(bundle)" else directory / name
            results[(name, phase)].append(run_phase(phase, path))
        print(f"  repeat {index + 1}/{repeat} done", file=sys.stderr)
    summary: dict[str, Any] = {"files": {}, "profiles": {}}
    for (name, phase), runs in results.items():
        summary["files"].setdefault(name, {})[phase] = summarise(runs)
    if profile:
        for name in FILES:
            profiled = run_phase("parse", directory / name, True)
            summary["profiles"][f"parse_file({name})"] = profiled["profile"]
        profiled = run_phase("analyze", directory, True)
        summary["profiles"]["analyze(bundle)"] = profiled["profile"]
    summary["analyze"] = summary["files"].pop("(bundle)")["analyze"]
    summary["jobs"] = measure_jobs(directory, repeat)
    return summary


def measure_jobs(directory: Path, repeat: int) -> dict[str, Any]:
    """Wall time of the CLI over JOBS_BUNDLES bundles with --jobs 1 and 2, interleaved."""
    runs: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeat):
        for jobs in runs:
            command = [
                sys.executable, "-c", "from avlogparse.cli import main; raise SystemExit(main())",
                "analyze", *[str(directory)] * JOBS_BUNDLES, "--jobs", str(jobs), "--quiet",
                "--fail-on", "never",
            ]  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            runs[jobs].append(time.perf_counter() - started)
            if done.returncode != 0:
                raise RuntimeError(f"--jobs {jobs} failed:\n{done.stderr}")
    medians = {jobs: statistics.median(times) for jobs, times in runs.items()}
    return {"bundles": JOBS_BUNDLES, "seconds": medians, "speedup": medians[1] / medians[2]}


def evaluate(summary: dict[str, Any], truth: dict[str, Any], encoding: str) -> None:
    """Targets, counts and accuracy, added to ``summary``."""
    files = summary["files"]
    targets: list[dict[str, Any]] = []

    def target(
        name: str, value: float, limit: float, unit: str, note: str = "", at_least: bool = False
    ) -> None:
        targets.append(
            {
                "target": name,
                "value": value,
                "limit": limit,
                "unit": unit,
                "pass": value >= limit if at_least else value <= limit,
                "at_least": at_least,
                "note": note,
            }
        )

    suffix = f" [{encoding}]"
    t1 = "T4" if encoding == "utf-16" else "T1"

    def spread(runs: list[float]) -> str:
        return f"{min(runs):.3f}-{max(runs):.3f} s"

    for name in LOG_FILES:
        measured = files[name]
        ratio = measured["parse"]["seconds"] / measured["read"]["seconds"]
        note = (
            f"a1 runs {spread(measured['read']['runs'])}; parse = "
            f"{measured['parse']['seconds'] / measured['stream']['seconds']:.1f}x the a2 loop"
        )
        target(f"{t1} {name} parse / a1{suffix}", ratio, T1_LOG_RATIO, "x", note)
    xml = files[XML_FILE]
    ratio = xml["parse"]["seconds"] / xml["iterparse"]["seconds"]
    target(
        f"{'T4' if encoding == 'utf-16' else 'T3'} {XML_FILE} parse / e3{suffix}",
        ratio,
        T3_XML_RATIO,
        "x",
        f"e3 runs {spread(xml['iterparse']['runs'])}",
    )
    parses = sum(files[name]["parse"]["seconds"] for name in FILES)
    target(
        f"analyze / sum of parses{suffix}",
        summary["analyze"]["seconds"] / parses,
        ANALYZE_RATIO,
        "x",
    )
    for name in FILES:
        target(
            f"T5 {name} parse peak RSS above imports{suffix}",
            files[name]["parse"]["peak_above_imports_mib"],
            T5_PARSE_MIB,
            "MiB",
        )
    bundle_mb = sum(truth["files"][name]["bytes"] for name in FILES) / 1e6
    target(
        f"T5 analyze peak RSS (absolute){suffix}",
        summary["analyze"]["peak_mib"] * MIB / 1e6,
        T5_ANALYZE_MB,
        "MB",
        f"target is for a 1 GB bundle; this one is {bundle_mb:,.0f} MB",
    )
    jobs = summary["jobs"]
    target(
        f"T7 --jobs 2 throughput / --jobs 1 ({jobs['bundles']} bundles){suffix}",
        jobs["speedup"],
        T7_JOBS_SPEEDUP,
        "x",
        f"--jobs 1 {jobs['seconds'][1]:.2f} s, --jobs 2 {jobs['seconds'][2]:.2f} s",
        at_least=True,
    )
    summary["targets"] = targets

    counts = []
    for name in LOG_FILES:
        stats, wrote = files[name]["parse"], truth["files"][name]
        for key, written in (
            ("lines_total", "lines"),
            ("record_lines", "record_lines"),
            ("continuation_lines", "continuation_lines"),
            ("blank_lines", "blank_lines"),
            ("unparsed_lines", "unparsed_lines"),
        ):
            counts.append(
                {"file": name, "count": key, "parsed": stats[key], "generated": wrote[written]}
            )
        counts.append(
            {
                "file": name,
                "count": "a1 lines",
                "parsed": files[name]["read"]["lines"],
                "generated": wrote["lines"],
            }
        )
    stats, wrote = files[XML_FILE]["parse"], truth["files"][XML_FILE]
    counts.append(
        {
            "file": XML_FILE,
            "count": "events_seen",
            "parsed": stats["events_seen"],
            "generated": wrote["events"],
        }
    )
    counts.append(
        {
            "file": XML_FILE,
            "count": "event_records",
            "parsed": stats["event_records"],
            "generated": wrote["events"],
        }
    )
    counts.append(
        {
            "file": XML_FILE,
            "count": "e3 events",
            "parsed": files[XML_FILE]["iterparse"]["events"],
            "generated": wrote["events"],
        }
    )
    for row in counts:
        row["ok"] = row["parsed"] == row["generated"]
    summary["counts"] = counts

    found = summary["analyze"]
    expected = truth["orphaned_checkpoint"]
    summary["accuracy"] = {
        "orphaned-checkpoint (vm_id + cleanup group)": precision_recall(
            [(f["vm_id"], f["cleanup_group"]) for f in found["orphaned_checkpoint"]],
            [(e["vm_id"], e["cleanup_group"]) for e in expected],
        ),
        "orphaned-checkpoint (vm_id)": precision_recall(
            [f["vm_id"] for f in found["orphaned_checkpoint"]], [e["vm_id"] for e in expected]
        ),
        "no-backup-targets (43427 line)": precision_recall(
            [f["line"] for f in found["no_backup_targets"]],
            [e["line"] for e in truth["no_backup_targets"]],
        ),
    }
    summary["clock"] = {
        "expected_offset_minutes": truth["host_utc_offset_minutes"],
        "inferred_offset_minutes": found["offset_minutes"],
        "expected_tz": truth.get("host_tz"),
        "expected_offsets_minutes": truth.get("host_utc_offsets_minutes"),
        "inferred_zone": found.get("zone_name"),
        "inferred_offsets_minutes": found.get("offsets_minutes"),
        "source": found["clock_source"],
    }


def fmt_rate(count: float, seconds: float) -> str:
    rate = count / seconds if seconds else 0.0
    if rate >= 1e6:
        return f"{rate / 1e6:.2f} M/s"
    return f"{rate / 1e3:.1f} k/s"


def render(summary: dict[str, Any], truth: dict[str, Any], encoding: str) -> str:
    out: list[str] = []
    files = summary["files"]
    gen = truth["generator"]
    out.append(
        f"\n== {encoding}: {gen['lines']:,} plug-in lines, {gen['events']:,} events, seed "
        f"{gen['seed']}; median of {len(files[FILES[0]]['read']['runs'])} runs =="
    )
    header = (
        f"{'file':<18} {'size':>9} {'what':<30} {'median s':>9} {'lines/s':>11} "
        f"{'events/s':>10} {'MB/s':>7} {'vs base':>8} {'peak+imp':>9}"
    )
    out += [header, "-" * len(header)]
    for name in FILES:
        size = truth["files"][name]["bytes"]
        base_phase = "iterparse" if name == XML_FILE else "read"
        base = files[name][base_phase]["seconds"]
        for phase, result in files[name].items():
            seconds = result["seconds"]
            if name == XML_FILE:
                lines_rate = "-"
                events_rate = fmt_rate(truth["files"][name]["events"], seconds)
            else:
                lines_rate = fmt_rate(truth["files"][name]["lines"], seconds)
                events_rate = "-"
            out.append(
                f"{name:<18} {size / 1e6:>7.1f}MB {PHASE_LABELS[phase]:<30} {seconds:>9.3f} "
                f"{lines_rate:>11} {events_rate:>10} {size / 1e6 / seconds:>7.1f} "
                f"{seconds / base:>7.2f}x {result['peak_above_imports_mib']:>6.1f}MiB"
            )
    analyze = summary["analyze"]
    total = sum(truth["files"][name]["bytes"] for name in FILES)
    parses = sum(files[name]["parse"]["seconds"] for name in FILES)
    out.append(
        f"{'(bundle)':<18} {total / 1e6:>7.1f}MB {PHASE_LABELS['analyze']:<30} "
        f"{analyze['seconds']:>9.3f} {'':>11} {'':>10} {total / 1e6 / analyze['seconds']:>7.1f} "
        f"{analyze['seconds'] / parses:>7.2f}x {analyze['peak_above_imports_mib']:>6.1f}MiB"
    )
    out.append(
        "  (vs base: a1 for logs, e3 for XML, the sum of the three parses for analyze; "
        f"analyze peak RSS absolute {analyze['peak_mib']:.0f} MiB)"
    )
    out.append("\ntargets")
    for row in summary["targets"]:
        verdict = "PASS" if row["pass"] else "MISS"
        note = f"  ({row['note']})" if row["note"] else ""
        out.append(
            f"  {verdict}  {row['target']:<58} {row['value']:>7.2f} {row['unit']:<3} "
            f"({'at least' if row['at_least'] else 'limit'} {row['limit']:g} {row['unit']}){note}"
        )
    check = summary["hot_path"]
    out.append(
        f"  {'PASS' if check['ok'] else 'MISS'}  T6 no `regex` import / strptime in the per-line "
        f"modules (static){'' if check['ok'] else ': ' + '; '.join(check['offenders'])}"
    )
    out.append("  n/a   T2 analyze evidence scan vs a3: internal fast path, not exposed to measure")
    out.append("\ncounts (parsed vs generated)")
    for row in summary["counts"]:
        out.append(
            f"  {'ok ' if row['ok'] else 'BAD'}  {row['file']:<18} {row['count']:<19} "
            f"{row['parsed']:>11,} vs {row['generated']:>11,}"
        )
    out.append("\naccuracy against ground_truth.json")
    for name, result in summary["accuracy"].items():
        out.append(
            f"  {name:<44} expected {result['expected']:>4}  found {result['found']:>4}  "
            f"precision {result['precision']:.3f}  recall {result['recall']:.3f}"
        )
        if result["false_positives"]:
            out.append(f"      false positives (first 10): {result['false_positives']}")
        if result["missed"]:
            out.append(f"      missed (first 10): {result['missed']}")
    clock = summary["clock"]
    out.append(
        f"  host clock: generated UTC{truth['host_utc_offset']} ({clock['expected_offset_minutes']}"
        f" min), analyze {clock['source']} {clock['inferred_offset_minutes']} min"
    )
    if clock.get("expected_tz"):
        out.append(
            f"  host zone: generated {clock['expected_tz']} {clock['expected_offsets_minutes']}"
            f", analyze {clock['inferred_zone']} {clock['inferred_offsets_minutes']}"
        )
    out.append(f"  findings by rule: {summary['analyze']['findings_by_rule']}")
    for name, text in summary.get("profiles", {}).items():
        out.append(f"\ncProfile of {name}, by tottime:\n{text}")
    return "\n".join(out)


def machine() -> dict[str, Any]:
    import pyexpat

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "nproc": os.cpu_count(),
        "expat": pyexpat.EXPAT_VERSION,
    }
    try:
        import pydantic

        info["pydantic"] = pydantic.VERSION
    except ImportError:
        pass
    if hasattr(os, "sched_getaffinity"):
        info["nproc"] = len(os.sched_getaffinity(0))
    info["library"] = library_revision()
    return info


def library_revision() -> str:
    """The checkout measured: commit, plus the avlogparse files changed since it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "avlogparse"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    dirty = [line[3:] for line in changed if line.strip()]
    return commit + (f" + uncommitted changes in {', '.join(dirty)}" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--encoding", choices=("utf-8", "utf-16", "both"), default="utf-8")
    parser.add_argument(
        "--data",
        type=Path,
        default=HERE / "data",
        help="where bundles are generated or reused (default benchmarks/data)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep bundles generated by this run (reused next time)"
    )
    parser.add_argument("--json", type=Path, help="write all numbers to this file")
    parser.add_argument(
        "--tz", help="generate with host-local time following this IANA zone (generate.py --tz)"
    )
    parser.add_argument("--start", help="first night, YYYY-MM-DD (generate.py --start)")
    parser.add_argument("--incidents", type=int, help="incidents to plant (generate.py)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print a cProfile of each parse (one extra run each)",
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        worker(args.phase, args.path, args.profile)
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    encodings = ["utf-8", "utf-16"] if args.encoding == "both" else [args.encoding]
    report: dict[str, Any] = {
        "machine": machine(),
        "params": {
            "lines": args.lines,
            "events": args.events,
            "seed": args.seed,
            "repeat": args.repeat,
        },
        "hot_path": hot_path_check(),
        "encodings": {},
    }
    ok = True
    print(
        f"avlogparse benchmark: CPython {report['machine']['python']}, nproc "
        f"{report['machine']['nproc']}, expat {report['machine']['expat']}, pydantic "
        f"{report['machine'].get('pydantic', '?')}; avlogparse {report['machine']['library']}",
    )
    for encoding in encodings:
        directory = bundle_dir(args.data, args.lines, args.events, args.seed, encoding, args.tz)
        truth, generated = ensure_bundle(
            directory,
            args.lines,
            args.events,
            args.seed,
            encoding,
            args.tz,
            args.start,
            args.incidents,
        )
        try:
            summary = measure(directory, truth, args.repeat, args.profile)
        finally:
            if generated and not args.keep:
                shutil.rmtree(directory, ignore_errors=True)
        summary["hot_path"] = report["hot_path"]
        evaluate(summary, truth, encoding)
        summary["ground_truth"] = {
            key: truth[key] for key in ("generator", "host_utc_offset", "nights", "files")
        }
        report["encodings"][encoding] = summary
        print(render(summary, truth, encoding), flush=True)
        ok = ok and all(row["ok"] for row in summary["counts"])
        ok = ok and all(
            result["precision"] == 1.0 and result["recall"] == 1.0
            for result in summary["accuracy"].values()
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        print(f"\nnumbers written to {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
