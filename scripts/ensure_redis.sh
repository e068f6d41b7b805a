#!/usr/bin/env bash
# Prints the path of a redis-server to start for the tests (Debian's redis). Uses the system's copy when
# installed; otherwise unpacks Debian's packages into .cache/redis without root (apt-get download +
# dpkg-deb) and prints a small wrapper that finds their libraries; only when that cannot be done installs
# the package with apt-get (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "ensure_redis: $*" >&2
    exit 1
}

command -v redis-server 2>/dev/null && exit 0
LOCAL=.cache/redis
WRAPPER="$PWD/$LOCAL/redis-server"
[ -x "$WRAPPER" ] && { echo "$WRAPPER"; exit 0; }

command -v apt-get >/dev/null 2>&1 || fail "redis-server is missing and apt-get is not available (install Debian's redis-server)"
mkdir -p "$LOCAL/debs"
PACKAGES="redis-tools liblzf1 libjemalloc2"
download() { (cd "$LOCAL/debs" && apt-get download -qq $PACKAGES >/dev/null 2>&1); }
if ! download; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "cannot download redis; run as root: apt-get install redis-server"
        SUDO="sudo -n"
    fi
    $SUDO apt-get update -qq >/dev/null || fail "apt-get update failed"
    download || fail "apt-get download $PACKAGES failed"
fi
for deb in "$LOCAL"/debs/*.deb; do
    dpkg-deb -x "$deb" "$LOCAL/root" || fail "cannot unpack $deb"
done
BINARY=$(ls "$PWD/$LOCAL"/root/usr/bin/redis-check-rdb 2>/dev/null) || fail "the redis-tools package has no server binary"
LIBDIR=$(dirname "$(ls "$PWD/$LOCAL"/root/usr/lib/*/liblzf.so.1)")
# redis-server is redis-check-rdb under another name; the name decides which one runs.
ln -sf "$BINARY" "$PWD/$LOCAL/root/usr/bin/redis-server"
cat >"$WRAPPER" <<WRAP
#!/bin/sh
LD_LIBRARY_PATH="$LIBDIR\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$PWD/$LOCAL/root/usr/bin/redis-server" "\$@"
WRAP
chmod +x "$WRAPPER"
echo "$WRAPPER"
