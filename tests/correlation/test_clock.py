"""The host clock inferred from anchors: fixed offsets east and west, rivals that fit equally,
and daylight-saving zones across a spring-forward, a fall-back and a southern-hemisphere change
(``avlogparse/correlation/clock.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from avlogparse import analyze
from avlogparse.correlation import clock as clock_module
from avlogparse.correlation.clock import (
    ClockAnchor,
    HostClock,
    ZoneHint,
    clock_from_anchors,
    count_switch_hours,
    given_clock,
)

MATCH = timedelta(minutes=10)
JOB_TIMES = ((0, 20), (1, 35), (2, 50), (3, 40), (5, 5))
"""Host-local hours and minutes of one night's anchors (the jobs of five hosts)."""


def _anchors(
    zone: ZoneInfo | timezone, first: datetime, nights: int, lag: timedelta = timedelta(0)
) -> list[ClockAnchor]:
    """Checkpoint-failure anchors: each host-local time with its UTC event (``lag`` later),
    every night at the same wall-clock times, the UTC times as the zone gives them."""
    locals_: list[datetime] = []
    for night in range(nights):
        day = first + timedelta(days=night)
        locals_ += [day.replace(hour=h, minute=m) for h, m in JOB_TIMES]
    utc_times = sorted(_utc(zone, local) + lag for local in locals_)
    return [ClockAnchor(local, utc_times, local - MATCH, local + MATCH) for local in locals_]


def _utc(zone: ZoneInfo | timezone, local: datetime, fold: int = 0) -> datetime:
    aware = local.replace(tzinfo=zone, fold=fold).astimezone(timezone.utc)
    return aware.replace(tzinfo=None)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(540, "UTC+09:00"), (330, "UTC+05:30"), (-300, "UTC-05:00"), (-570, "UTC-09:30")],
)
def test_fixed_offsets_east_and_west(minutes: int, text: str) -> None:
    zone = timezone(timedelta(minutes=minutes))
    clock = clock_from_anchors(_anchors(zone, datetime(2024, 6, 1), 10, timedelta(minutes=2)))
    assert (clock.source, clock.reason_id, clock.offset_minutes) == (
        "inferred",
        "clock.inferred",
        minutes,
    )
    assert clock.reason_args["offset"] == text
    assert clock.offsets == (minutes,) and clock.switches == () and clock.zone_name is None
    assert clock.evidence[0].kind == "anchors" and clock.evidence[0].explained == 50


def test_rival_offsets_that_fit_equally_are_reported_least_lag_wins() -> None:
    """One anchor whose window holds two UTC events: +09:00 and +08:00 both explain it."""
    local = datetime(2024, 6, 1, 1, 0)
    utc_times = [datetime(2024, 5, 31, 16, 3), datetime(2024, 5, 31, 17, 1)]
    window = (local - timedelta(minutes=2), local + timedelta(minutes=60))
    clock = clock_from_anchors([ClockAnchor(local, utc_times, *window)])
    # +09:00 puts the 16:03 event 3 minutes after the anchor, +08:00 the 17:01 one 1 minute
    assert clock.offset_minutes == 480
    rivals = {tuple(r.offsets_minutes) for r in clock.rivals}
    assert (540,) in rivals and (480,) not in rivals
    assert clock.reason_args["rivals"] == "clock.inferred.rivals"
    assert clock.reason_args["rival_count"] == len(clock.rivals)


def test_no_anchor_fits_and_no_anchor_at_all() -> None:
    local = datetime(2024, 6, 1, 1, 0)
    far = [datetime(2020, 1, 1)]
    lost = clock_from_anchors([ClockAnchor(local, far, local, local + MATCH)])
    assert (lost.source, lost.reason_id) == ("assumed", "clock.no-match")
    none = clock_from_anchors([])
    assert (none.source, none.reason_id, none.zone) == ("assumed", "clock.no-anchors", timezone.utc)


def test_dst_zone_that_never_changes_in_the_bundle_keeps_the_fixed_offset() -> None:
    clock = clock_from_anchors(_anchors(ZoneInfo("America/New_York"), datetime(2024, 7, 1), 20))
    assert (clock.reason_id, clock.offset_minutes, clock.switches) == ("clock.inferred", -240, ())


def test_zone_without_dst_is_a_fixed_offset() -> None:
    clock = clock_from_anchors(_anchors(ZoneInfo("Asia/Tokyo"), datetime(2024, 3, 1), 30))
    assert (clock.reason_id, clock.offset_minutes, clock.offsets) == ("clock.inferred", 540, (540,))


def _check_zone(
    clock: HostClock, zone: str, family: str, offsets: tuple[int, int], switch: datetime, kind: str
) -> None:
    assert (clock.source, clock.reason_id) == ("inferred", "clock.inferred-zone")
    assert (clock.zone_name, clock.rule_family, clock.offsets) == (zone, family, offsets)
    assert clock.offset_minutes is None and str(clock.zone) == zone
    assert [(s.local, s.kind) for s in clock.switches] == [(switch, kind)]
    assert clock.reason_args["switch"] == f"{switch:%Y-%m-%d %H:%M}"
    assert clock.evidence[0].explained == clock.anchors


def test_us_spring_forward() -> None:
    zone = ZoneInfo("America/New_York")
    clock = clock_from_anchors(_anchors(zone, datetime(2024, 2, 25), 30))
    _check_zone(clock, "America/New_York", "US", (-300, -240), datetime(2024, 3, 10, 2), "forward")
    switch = clock.switches[0]
    assert (switch.window_start, switch.window_end) == (
        datetime(2024, 3, 10, 2),
        datetime(2024, 3, 10, 3),
    )
    assert switch.at == datetime(2024, 3, 10, 7, tzinfo=timezone.utc)
    # either side of the switch night, the host-local time lands on its UTC event
    assert clock.utc(datetime(2024, 3, 9, 1, 35)) == datetime(
        2024, 3, 9, 6, 35, tzinfo=timezone.utc
    )
    assert clock.utc(datetime(2024, 3, 11, 1, 35)) == datetime(
        2024, 3, 11, 5, 35, tzinfo=timezone.utc
    )
    assert clock.reason_args["offsets"] == "UTC-05:00/UTC-04:00"


def test_eu_fall_back_places_the_repeated_hour_by_its_anchor() -> None:
    zone = ZoneInfo("Europe/Berlin")
    anchors = _anchors(zone, datetime(2024, 10, 13), 30)
    # a second-pass (fold=1) 02:30 on the fall-back night: only its UTC event places it
    second = datetime(2024, 10, 27, 2, 30)
    utc = _utc(zone, second, fold=1)
    anchors.append(
        ClockAnchor(second, sorted([*anchors[0].utc_times, utc]), second - MATCH, second + MATCH)
    )
    clock = clock_from_anchors(anchors)
    _check_zone(clock, "Europe/Paris", "EU", (60, 120), datetime(2024, 10, 27, 3), "back")
    switch = clock.switches[0]
    assert (switch.window_start, switch.window_end) == (
        second.replace(minute=0),
        datetime(2024, 10, 27, 3),
    )
    assert switch.resolved_by_anchor >= 1
    assert clock.evidence[0].explained == len(anchors)
    # a record in the repeated hour is flagged (counted), not silently shifted
    counted = count_switch_hours(clock, [second, datetime(2024, 10, 27, 3, 0), None])
    assert counted.switches[0].records_in_window == 1


def test_southern_hemisphere_fall_back_in_april() -> None:
    clock = clock_from_anchors(_anchors(ZoneInfo("Australia/Sydney"), datetime(2024, 3, 24), 30))
    _check_zone(clock, "Australia/Sydney", "AU", (600, 660), datetime(2024, 4, 7, 3), "back")
    assert clock.switches[0].offset_before == 660 and clock.switches[0].offset_after == 600


def test_a_year_with_both_changes_follows_the_zone() -> None:
    clock = clock_from_anchors(_anchors(ZoneInfo("America/Chicago"), datetime(2024, 2, 1), 300))
    assert (clock.zone_name, clock.rule_family) == ("America/Chicago", "US")
    assert [s.kind for s in clock.switches] == ["forward", "back"]
    assert clock.evidence[0].explained == clock.anchors


def test_printed_zone_names_break_ties_and_contradictions_are_evidence() -> None:
    anchors = _anchors(ZoneInfo("America/New_York"), datetime(2024, 2, 25), 30)
    hints = [
        ZoneHint(datetime(2024, 3, 1, 1, 0), "EST", "avhypervvss.log", 10),
        ZoneHint(datetime(2024, 3, 20, 1, 0), "EDT", "avhypervvss.log", 99),
        ZoneHint(datetime(2024, 3, 21, 1, 0), "CET", "avhypervvss.log", 120),
    ]
    clock = clock_from_anchors(anchors, hints)
    verdicts = {(e.name, e.verdict) for e in clock.evidence if e.kind == "abbreviation"}
    assert verdicts == {("EST", "agrees"), ("EDT", "agrees"), ("CET", "contradicts")}
    assert clock.reason_args["hints"] == "clock.hints.contradict"
    assert clock.reason_args["contradicting"] == ["CET"]


def test_printed_zone_name_alone_gives_the_clock() -> None:
    hint = ZoneHint(datetime(2021, 6, 29, 15, 6, 17), "KST", "avhypervvss.log", 5)
    clock = clock_from_anchors([], [hint])
    assert (clock.source, clock.reason_id, clock.offset_minutes) == (
        "inferred",
        "clock.from-abbreviation",
        540,
    )
    assert clock.evidence[0].verdict == "used"
    # CST names three zones: no guess
    ambiguous = clock_from_anchors([], [hint._replace(name="CST")])
    assert (ambiguous.source, ambiguous.reason_id) == ("assumed", "clock.no-anchors")


def test_zone_search_is_bounded_and_only_runs_when_a_change_is_crossed() -> None:
    clock_module._all_zones.cache_clear()
    clock_from_anchors(_anchors(ZoneInfo("Asia/Tokyo"), datetime(2024, 3, 1), 30))
    assert clock_module._all_zones.cache_info().currsize == 0
    clock_from_anchors(_anchors(ZoneInfo("America/New_York"), datetime(2024, 2, 25), 30))
    clock_from_anchors(_anchors(ZoneInfo("Europe/Paris"), datetime(2024, 10, 13), 30))
    info = clock_module._all_zones.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert 300 < len(clock_module._all_zones()) < 700


def test_given_zone_still_overrides() -> None:
    clock = given_clock("America/New_York")
    assert (clock.source, clock.reason_id, clock.zone_name) == (
        "given",
        "clock.given-dst",
        "America/New_York",
    )


def test_avtar_finished_line_prints_the_zone(tmp_path: Path) -> None:
    """``<7883> Finished at … KST`` in the plug-in log is kept as evidence (path and line)
    and, with no anchor to compare, gives the clock."""
    (tmp_path / "avhypervvss.log").write_text(
        "2021-06-29 14:54:00 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy'"
        " guest backup type\n"
        "2021-06-29 15:06:17 avtar Info <7883>: Finished at 2021-06-29 15:06:17 KST, Elapsed"
        " time: 0000h:12m:20s\n",
        encoding="utf-8",
    )
    alignment = analyze(tmp_path).time_alignment
    assert (alignment.source, alignment.reason_id, alignment.offset_minutes) == (
        "inferred",
        "clock.from-abbreviation",
        540,
    )
    [evidence] = alignment.evidence
    assert (evidence.kind, evidence.name, evidence.line, evidence.verdict) == (
        "abbreviation",
        "KST",
        2,
        "used",
    )
    assert evidence.local == datetime(2021, 6, 29, 15, 6, 17)
    assert "KST" in alignment.reason
