"""The benchmark's reading of the machine's speed while a page was timed (bench/machine.py)."""

from __future__ import annotations

from bench.machine import slowdown

#: (time.monotonic(), ms the probe's loop took): full speed at 20 ms, a slow patch from 2 to 3.
SAMPLES = [(1.0, 21.0), (2.0, 40.0), (2.5, 36.0), (3.0, 30.0), (4.0, 20.0)]


def test_the_slowdown_is_the_median_sample_in_the_window_over_the_fastest_of_all() -> None:
    assert slowdown(SAMPLES, 1.5, 3.5) == 1.8  # median of 40, 36, 30 over 20
    assert slowdown(SAMPLES, 3.5, 4.5) == 1.0


def test_a_window_without_a_sample_has_no_slowdown() -> None:
    assert slowdown(SAMPLES, 4.1, 4.9) is None
