"""How fast the machine ran while the benchmark timed each page.

On a shared virtual machine the same work can take up to twice as long, in patches of seconds, with no steal time
reported: on this project's 2-core machine a fixed loop took from 18 to 35 ms from one second to the next, with
nothing else running. A page timed in such a patch is slower for it, whatever the app does. So a separate process
times a fixed piece of pure-Python work twice a second (about 1% of a core) while the pages are timed, and each
page's ``machine_slowdown`` is the median of the samples taken meanwhile over the fastest sample of the run: 1.0 when
the machine ran at full speed throughout, 1.7 when the same work took 70% longer.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from types import TracebackType

#: The probe: a fixed loop, timed, then half a second of sleep; a line "<time.monotonic()> <ms>" per sample. It
#: stops by itself if the benchmark dies without stopping it.
PROBE = """
import os, time
parent = os.getppid()
while os.getppid() == parent:
    started = time.perf_counter()
    total = 0
    for number in range(100_000):
        total += number
    print(time.monotonic(), (time.perf_counter() - started) * 1000, flush=True)
    time.sleep(0.5)
"""


class SpeedProbe:
    """``with SpeedProbe() as probe:`` samples the machine's speed until the block ends, into ``probe.samples``:
    (``time.monotonic()``, ms) pairs (the clock is the system's, the same in every process)."""

    def __enter__(self) -> SpeedProbe:
        self._log = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen([sys.executable, "-c", PROBE], stdout=self._log)
        self.samples: list[tuple[float, float]] = []
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._process.terminate()
        self._process.wait()
        self._log.seek(0)
        self.samples = [(float(at), float(ms)) for at, ms in (line.split() for line in self._log if line.strip())]
        self._log.close()


def slowdown(samples: list[tuple[float, float]], start: float, end: float) -> float | None:
    """The median of the samples taken from ``start`` to ``end`` over the fastest sample of all; None if none was
    taken meanwhile."""
    during = [ms for at, ms in samples if start <= at <= end]
    if not during:
        return None
    return round(statistics.median(during) / min(ms for _at, ms in samples), 2)
