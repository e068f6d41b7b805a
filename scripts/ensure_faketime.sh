#!/usr/bin/env bash
# Prints the path of libfaketime (Debian's libfaketime package, used through LD_PRELOAD by the moved-clock
# test runs of `make test`). Uses the system's copy when the package is installed; otherwise unpacks the
# package into .cache/faketime without root (apt-get download + dpkg-deb), and only when that cannot be
# done installs it with apt-get (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "ensure_faketime: $*" >&2
    exit 1
}

find_lib() {
    for dir in "$@"; do
        for lib in "$dir"/usr/lib/*/faketime/libfaketime.so.1; do
            [ -f "$lib" ] && { echo "$lib"; return 0; }
        done
    done
    return 1
}

LOCAL=.cache/faketime
find_lib "" && exit 0
find_lib "$PWD/$LOCAL" && exit 0

command -v apt-get >/dev/null 2>&1 || fail "libfaketime is missing and apt-get is not available (install Debian's faketime package)"
mkdir -p "$LOCAL"
download() { (cd "$LOCAL" && apt-get download -qq libfaketime >/dev/null 2>&1); }
if ! download; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "cannot download libfaketime; run as root: apt-get install faketime"
        SUDO="sudo -n"
    fi
    $SUDO apt-get update -qq >/dev/null || fail "apt-get update failed"
    download || fail "apt-get download libfaketime failed"
fi
dpkg-deb -x "$LOCAL"/libfaketime_*.deb "$LOCAL" || fail "cannot unpack the libfaketime package"
find_lib "$PWD/$LOCAL" || fail "the libfaketime package has no libfaketime.so.1"
