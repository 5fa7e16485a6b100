"""Fuzz the parsers (binary .evtx included) and the bundle reader for a chosen time.

    python fuzz/fuzz_parsers.py --minutes 5                    # Hypothesis, 5 minutes
    python fuzz/fuzz_parsers.py --seconds 20 --target bundle   # only mutated archives
    python fuzz/fuzz_parsers.py --seconds 20 --target evtx     # only mutated .evtx files
    python fuzz/fuzz_parsers.py --engine atheris --minutes 5   # coverage-guided, if installed

Inputs are the data files of ``samples/`` and ``tests/data/`` (and zip, tar, tar.gz and gzip
archives of them), mutated: bytes overwritten, inserted, deleted, duplicated, cut, and
hostile snippets spliced in (DTDs, entities, NULs, BOMs, lone CRs, 43426 fragments, absurd
years, archive magic). On every input:

* no exception escapes, and no ``internal-error`` diagnostic is produced (the safety nets
  must never fire);
* the counts balance: :meth:`ParseStats.balanced`, one record per counted line or event,
  :meth:`BundleStats.balanced`, and the report's totals and unparsed shapes add up;
* every record's ``raw`` is a piece of the input (for the text parsers, which see the bytes;
  C0 control characters read as U+FFFD); for ``.evtx`` (mutated real samples of
  ``tests/data/evtx``, headers and chunks hit hardest), the raw JSON of every event parses.

Atheris drives the same Hypothesis test through ``fuzz_one_input``, so both engines check
exactly the same properties. A failure prints the input and exits with status 1.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import io
import json
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import avlogparse
from avlogparse.bundle import open_bundle
from avlogparse.limits import Limits
from avlogparse.models.diagnostics import Diagnostic
from avlogparse.models.records import Unparsed
from avlogparse.sources import SOURCES, Record, parse_stream
from avlogparse.sources.event_xml import _C0_TO_FFFD

ROOT = Path(__file__).resolve().parent.parent
SEED_FOLDERS = (ROOT / "samples", ROOT / "tests" / "data")
EVTX_SEED_NAMES = ("new-user-security.evtx", "issue_201.evtx")  # one chunk each: cheap to mutate
BATCH = 50  # examples per Hypothesis run; runs repeat until the time is up
PARSED_KINDS = tuple(source.kind for source in SOURCES if source.kind != "evtx")
"""The text kinds (mutated .evtx files have their own target)."""
SMALL_LIMITS = Limits(
    max_line_bytes=256,
    max_record_lines=3,
    max_event_bytes=2048,
    max_xml_depth=8,
    max_member_bytes=20_000,
    max_total_bytes=60_000,
    max_members=5,
    max_depth=1,
    ratio_threshold_bytes=0,
    max_ratio=5,
)
SNIPPETS = [
    b"<Event>", b"</Event>", b"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>",
    b"<Events>", b"</Events>", b"<System><EventID>18012</EventID></System>",
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b"<!ENTITY % p SYSTEM 'file:///etc/passwd'>",
    b"<?xml version='1.0' encoding='utf-16'?>", b"<![CDATA[", b"]]>", b"<!--", b"Record 7\n",
    b"\x00" * 16, b"\r", b"\n", b"\r\n", b"\t", b"\x85", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf",
    b"\xc3", b"\x81\x8d", "検証".encode(), "検証".encode("cp932"), b"'", b'"', b"<", b">",
    b"avhypervvss Error <43426>: Checkpoint creation for Virtual machine '",
    b"' has failed", b"<{3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F}>",
    b"winclustersvc INFO<0000>: Cleaning up checkpoint created on group AvamarBackup_H-j-2024",
    b"9999-12-31 23:59:59 ", b"0000-00-00 00:00:00 ", b"0001-01-01 00:00:00 ",
    b"SystemTime='9999-12-31T23:59:59.9999999Z'", b"<EventID>-1</EventID>",
    b"A" * 300, b"PK\x03\x04", b"PK\x01\x02", b"ustar\x00", b"\x1f\x8b", b"\xff" * 8,
]  # fmt: skip


# --- seeds ----------------------------------------------------------------------------------


def _seed_files() -> dict[str, bytes]:
    return {
        path.relative_to(ROOT).as_posix(): path.read_bytes()
        for folder in SEED_FOLDERS
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _archives(files: dict[str, bytes]) -> list[bytes]:
    """A zip, a tar and a tar.gz of the files, and a gzip of the first one."""
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    tars = []
    for mode in ("w", "w:gz"):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode=mode) as archive:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        tars.append(buffer.getvalue())
    return [zipped.getvalue(), *tars, gzip.compress(next(iter(files.values())))]


SEEDS = _seed_files()
TEXT_SEEDS = [data for name, data in SEEDS.items() if not name.endswith(".evtx")]
EVTX_SEEDS = [SEEDS[f"tests/data/evtx/{name}"] for name in EVTX_SEED_NAMES]
ARCHIVE_SEEDS = [
    *_archives({name: data for name, data in SEEDS.items() if name.startswith("samples/kb")}),
    *_archives({name: data for name, data in SEEDS.items() if "/event_xml/" in name}),
    *_archives({f"logs/{name}": SEEDS[f"tests/data/evtx/{name}"] for name in EVTX_SEED_NAMES}),
]


# --- mutations ------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], max_edits: int) -> bytes:
    """A seed with a few random edits."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, max_edits))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(["overwrite", "insert", "delete", "duplicate", "cut"]))
        if edit == "overwrite" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif edit == "insert":
            data[at:at] = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=32))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
        elif edit == "cut":
            del data[at:]
    return bytes(data)


LIMITS = st.sampled_from([avlogparse.Limits(), SMALL_LIMITS])


# --- the properties -------------------------------------------------------------------------


def _no_internal_error(diagnostics: list[Diagnostic]) -> None:
    failures = [d for d in diagnostics if d.code == "internal-error"]
    assert not failures, failures[0].detail


def _decodings(data: bytes, encoding: str | None) -> list[str]:
    """The input decoded every way a parser may have decoded a piece of it."""
    for bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                codecs.BOM_UTF16_BE):  # fmt: skip
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    codecs_tried = {encoding or "utf-8", "utf-8", "cp1252"}
    texts = [data.decode(name, "replace") for name in codecs_tried]
    return [*texts, *(text.translate(_C0_TO_FFFD) for text in texts)]


def check_parser(kind: str, data: bytes, limits: Limits) -> None:
    parsed = parse_stream(io.BytesIO(data), "fuzz.input", kind, limits)
    records: list[Record] = list(parsed)
    stats = parsed.stats
    _no_internal_error(stats.diagnostics)
    assert stats.balanced(), stats
    assert stats.records + stats.unparsed == len(records), stats
    texts = _decodings(data, stats.encoding)
    for record in records:
        assert any(record.raw in text for text in texts), record


def check_bundle(data: bytes, limits: Limits) -> None:
    with tempfile.TemporaryDirectory(prefix="avlogparse-fuzz-") as folder:
        path = Path(folder) / "bundle.bin"
        path.write_bytes(data)
        bundle = open_bundle(path, limits)
        try:
            report = avlogparse.analyze(bundle, limits=limits)
        except avlogparse.NotABundleError:
            report = None
        assert bundle.stats.balanced(), bundle.stats
        _no_internal_error(bundle.diagnostics)
        if report is None:
            return
        _no_internal_error(report.diagnostics)
        totals = report.stats
        assert totals.lines == sum(i.lines for i in report.inputs)
        assert totals.events == sum(i.events for i in report.inputs)
        assert totals.unparsed == sum(i.unparsed for i in report.inputs)
        assert totals.unparsed == sum(shape.count for shape in report.unparsed_shapes)


@st.composite
def mutated_evtx(draw: st.DrawFn) -> bytes:
    """A real .evtx with its file header, chunk headers or records damaged."""
    data = bytearray(draw(st.sampled_from(EVTX_SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        region = draw(st.sampled_from([(0, 128), (4096, 4096 + 512), (4096 + 512, len(data))]))
        at = draw(st.integers(region[0], max(region[0], min(region[1], len(data)) - 1)))
        edit = draw(st.sampled_from(["overwrite", "word", "zero", "cut", "duplicate"]))
        if edit == "overwrite":
            data[at : at + 8] = draw(st.binary(min_size=1, max_size=8))
        elif edit == "word":  # a size, offset or count field set to an extreme
            value = draw(st.sampled_from([0, 1, 0x7FFF, 0xFFFF, 0xFFFFFFFF, 2**63]))
            data[at : at + 8] = value.to_bytes(8, "little")
        elif edit == "zero":
            data[at : at + draw(st.integers(1, 4096))] = bytes(draw(st.integers(1, 4096)))
        elif edit == "cut":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 4096))]
    return bytes(data)


def check_evtx(data: bytes, limits: Limits) -> None:
    parsed = parse_stream(io.BytesIO(data), "fuzz.evtx", "evtx", limits)
    records: list[Record] = list(parsed)
    stats = parsed.stats
    _no_internal_error(stats.diagnostics)
    assert stats.balanced(), stats
    assert stats.records + stats.unparsed == len(records), stats
    for record in records:
        if not isinstance(record, Unparsed):
            json.loads(record.raw)


TARGETS = ("parsers", "bundle", "evtx")


def make_test(targets: tuple[str, ...]) -> Callable[..., None]:
    """The Hypothesis test for these targets (one of them is drawn per input)."""

    @given(target=st.sampled_from(targets), data=st.data(), limits=LIMITS)
    def fuzz_one(target: str, data: st.DataObject, limits: Limits) -> None:
        if target == "parsers":
            kind = data.draw(st.sampled_from(PARSED_KINDS))
            check_parser(kind, data.draw(mutated(TEXT_SEEDS, 8)), limits)
        elif target == "evtx":
            check_evtx(data.draw(mutated_evtx()), limits)
        else:  # few edits: most damage to a compressed stream already ends it
            check_bundle(data.draw(mutated(ARCHIVE_SEEDS, 3)), limits)

    return fuzz_one


# --- running --------------------------------------------------------------------------------


def run_hypothesis(test: Callable[..., None], seconds: float) -> int:
    """Batches of fresh random examples until the time is up; returns how many ran."""
    batch = settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )(test)
    ran = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        batch()
        ran += BATCH
    return ran


def run_atheris(test: Callable[..., None], seconds: float) -> None:
    """Coverage-guided: libFuzzer's bytes drive the same Hypothesis test."""
    import atheris  # type: ignore[import-not-found,import-untyped,unused-ignore]  # optional

    atheris.instrument_all()
    fuzz_one_input = settings(deadline=None, database=None)(test).hypothesis.fuzz_one_input  # type: ignore[attr-defined]
    atheris.Setup([sys.argv[0], f"-max_total_time={max(1, int(seconds))}"], fuzz_one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, help="how long to fuzz (default: 1 minute)")
    budget.add_argument("--seconds", type=float, help="how long to fuzz, in seconds")
    parser.add_argument("--target", choices=(*TARGETS, "all"), default="all")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else 60 * (args.minutes or 1)
    test = make_test(TARGETS if args.target == "all" else (args.target,))
    if args.engine == "atheris":
        run_atheris(test, seconds)
        return 0
    started = time.monotonic()
    ran = run_hypothesis(test, seconds)
    elapsed = time.monotonic() - started
    print(f"fuzz_parsers: {ran} inputs in {elapsed:.0f} s, no failure ({len(SEEDS)} seed files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
