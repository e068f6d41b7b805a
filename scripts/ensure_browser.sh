#!/usr/bin/env bash
# What the browser tests (tests/browser, `make test-browser`) and `make screenshots` need besides the
# virtualenv: Debian's Chromium at /usr/bin/chromium, a Chinese font (fonts-wqy-microhei; without one
# every character renders as a box, which also changes the layout the tests measure), and axe-core from
# the npm registry in browser/node_modules. Idempotent: does nothing when both are present. Playwright never downloads a
# browser here; it drives /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium
AXE=browser/node_modules/axe-core/axe.min.js

fail() {
    echo "ensure_browser: $*" >&2
    exit 1
}

PACKAGES=()
[ -x "$CHROMIUM" ] || PACKAGES+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
    PACKAGES+=(fonts-wqy-microhei)
fi
if [ ${#PACKAGES[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || fail "missing: ${PACKAGES[*]} (Debian packages) and apt-get is not available"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || fail "missing: ${PACKAGES[*]}; run as root (or with sudo): apt-get install ${PACKAGES[*]}"
        SUDO="sudo -n"
    fi
    echo "ensure_browser: installing Debian packages: ${PACKAGES[*]}"
    $SUDO apt-get update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${PACKAGES[@]}" >/dev/null \
        || fail "apt-get install ${PACKAGES[*]} failed"
    [ -x "$CHROMIUM" ] || fail "the chromium package did not provide $CHROMIUM"
fi
"$CHROMIUM" --version >/dev/null 2>&1 || fail "$CHROMIUM does not start (try: $CHROMIUM --headless --no-sandbox --version)"

if [ ! -f "$AXE" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is missing: install Node.js and npm to fetch axe-core"
    echo "ensure_browser: installing axe-core into browser/node_modules"
    # browser/package-lock.json pins the version: `npm ci` installs exactly that.
    if [ -f browser/package-lock.json ]; then
        npm ci --prefix browser --no-audit --no-fund --loglevel=error || fail "npm ci (axe-core) failed"
    else
        npm install --prefix browser --no-audit --no-fund --loglevel=error || fail "npm install of axe-core failed"
    fi
    [ -f "$AXE" ] || fail "axe-core was installed but $AXE is missing"
fi
