"""Loaded only by the moved-clock test runs (scripts/test_moved_clock.sh puts this folder on PYTHONPATH).

Debian's libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC=1 hands the kernel a negative time when
Python 3.11's time.sleep() calls clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which fails with
EINVAL (libfaketime issue #426). Faking the monotonic clock instead makes every timed wait hang. So the
monotonic clock stays real and sleeping goes through select(), which libfaketime passes through.
"""

import os
import select
import time

if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") == "1":

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep
