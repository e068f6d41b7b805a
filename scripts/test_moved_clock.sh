#!/usr/bin/env bash
# Runs the non-browser suite on SQLite with the system clock moved to each date given (libfaketime through
# LD_PRELOAD), so that a test which depends on the day it runs fails here rather than years from now.
#   scripts/test_moved_clock.sh 2027-07-01 2029-12-17
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 YYYY-MM-DD..." >&2; exit 2; }
LIB=$(scripts/ensure_faketime.sh)
PYTEST=${PYTEST:-.venv/bin/pytest}
status=0
for day in "$@"; do
    echo "== 系统时钟移至 $day 10:00（libfaketime）"
    LD_PRELOAD="$LIB" FAKETIME="@$day 10:00:00" FAKETIME_DONT_FAKE_MONOTONIC=1 \
        PYTHONPATH="$PWD/scripts/faketime${PYTHONPATH:+:$PYTHONPATH}" \
        "$PYTEST" -p no:cacheprovider -m "not browser and not walk" -n "${MOVED_CLOCK_WORKERS:-2}" || status=1
done
exit $status
