#!/bin/sh
# Make sure headless Chromium is available for the browser checks of `make test`, before any test runs.
#   - found (chromium, chromium-browser, google-chrome, google-chrome-stable on PATH, or $LGNET_CHROMIUM): nothing to do
#   - LGNET_SKIP_BROWSER=1: the browser checks are skipped on purpose: nothing to do
#   - root with apt-get (Debian): installs the `chromium` package
#   - otherwise: stops at once with the exact install line (exit status 2)
# The same names as lgnet.book.htmlcheck.CHROMIUM_CANDIDATES.

found() {
  if [ -n "${LGNET_CHROMIUM:-}" ]; then
    [ -f "$LGNET_CHROMIUM" ]
    return
  fi
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$name" >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}

fail() {
  echo "make test: headless Chromium is needed for the browser checks of the book and was not found ($1)." >&2
  echo "Install it (Debian/Ubuntu, as root) with:" >&2
  echo "    apt-get install chromium" >&2
  echo "or skip the browser checks on purpose with LGNET_SKIP_BROWSER=1 make test" >&2
  exit 2
}

if [ "${LGNET_SKIP_BROWSER:-}" = "1" ] || found; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  fail "no apt-get on this system to install it"
fi
if [ "$(id -u)" != "0" ]; then
  fail "not root, so it cannot be installed here"
fi
echo "== installing chromium (Debian) for the browser checks: apt-get install chromium" >&2
if ! apt-get update -qq >&2 || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2; then
  fail "apt-get install chromium failed"
fi
found || fail "apt-get installed the package but no chromium is on PATH"
