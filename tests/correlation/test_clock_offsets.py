"""The host clock: fixed offsets east and west, rivals that fit as well, a given DST zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from avlogparse.correlation.clock import ClockAnchor, clock_from_anchors, given_clock


def _cleanup_anchor(local: datetime, utc: datetime) -> ClockAnchor:
    """A cleanup at ``local`` (host time) and VMMS merge events at ``utc``: the window runs
    from two minutes before to an hour after the cleanup, as for real cleanups."""
    return ClockAnchor(local, [utc], local - timedelta(minutes=2), local + timedelta(hours=1))


def _checkpoint_anchor(local: datetime, utc: datetime) -> ClockAnchor:
    """A 43426 at ``local`` and the VMMS 18012 at ``utc`` (ten minutes either side)."""
    match = timedelta(minutes=10)
    return ClockAnchor(local, [utc], local - match, local + match)


def test_an_east_offset_is_found() -> None:
    clock = clock_from_anchors(
        [_checkpoint_anchor(datetime(2024, 3, 12, 0, 5, 13), datetime(2024, 3, 11, 15, 5, 20))]
    )
    assert (clock.source, clock.offset_minutes) == ("inferred", 9 * 60)
    assert clock.reason_args["offset"] == "UTC+09:00"


def test_a_west_offset_is_found() -> None:
    clock = clock_from_anchors(
        [
            _checkpoint_anchor(datetime(2024, 3, 12, 0, 5, 13), datetime(2024, 3, 12, 6, 5, 30)),
            _cleanup_anchor(datetime(2024, 3, 11, 0, 41, 3), datetime(2024, 3, 11, 6, 42, 5)),
        ]
    )
    assert clock.offset_minutes == -6 * 60 and clock.reason_args["explained"] == 2


def test_rival_offsets_that_fit_as_many_anchors_are_counted_and_least_lag_wins() -> None:
    """One cleanup explains every offset that puts the merge within its hour: +09:00 puts it
    one minute after the cleanup, +09:15 … +09:45 later; the least lag is chosen."""
    clock = clock_from_anchors(
        [_cleanup_anchor(datetime(2024, 3, 11, 0, 41, 3), datetime(2024, 3, 10, 15, 42, 5))]
    )
    assert clock.offset_minutes == 9 * 60
    assert clock.reason_args["rival_count"] == 3
    assert clock.reason_args["rivals"] == "clock.inferred.rivals"


def test_no_anchor_and_no_match_assume_utc_and_say_so() -> None:
    assert clock_from_anchors([]).reason_id == "clock.no-anchors"
    far = _checkpoint_anchor(datetime(2024, 3, 12, 0, 0), datetime(2024, 3, 20, 0, 0))
    clock = clock_from_anchors([far])
    assert (clock.source, clock.reason_id) == ("assumed", "clock.no-match")


def test_a_given_dst_zone_places_both_sides_of_the_switch_night() -> None:
    clock = given_clock("America/New_York")
    before = clock.utc(datetime(2024, 3, 9, 23, 0))  # EST, UTC-05:00
    after = clock.utc(datetime(2024, 3, 10, 23, 0))  # EDT, UTC-04:00
    assert before is not None and (before.day, before.hour) == (10, 4)
    assert after is not None and (after.day, after.hour) == (11, 3)
    assert given_clock("+09:00").offset_minutes == 540
    assert given_clock("UTC-05:30").offset_minutes == -330
