#!/usr/bin/env bash
# Make a Chromium binary available for the sandbox inspector's browser tests
# (tests/sandbox/test_inspector_browser.py, driven by Playwright).
#
# Playwright's own "playwright install" downloads browsers from the network, which
# is not always possible; the tests launch Debian's Chromium instead.
#
# Idempotent and quick: does nothing when chromium is already there (or CHROMIUM
# points at one). Otherwise installs Debian's chromium package with apt-get (as
# root, or through passwordless sudo). It never fails the build: when apt-get is
# missing or the install fails it says so and exits 0, and the browser tests then
# skip with the reason.
set -u

say() { echo "install-chromium: $*" >&2; }

if [ -n "${CHROMIUM:-}" ] && [ -x "${CHROMIUM}" ]; then
  exit 0
fi
for candidate in "$(command -v chromium 2>/dev/null)" "$(command -v chromium-browser 2>/dev/null)" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done

if ! command -v apt-get >/dev/null 2>&1; then
  say "chromium not found and apt-get is unavailable; the browser tests will be skipped"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  say "chromium not found and not root (no passwordless sudo); the browser tests will be skipped"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
install() { ${as_root[@]+"${as_root[@]}"} apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-noto-color-emoji >/dev/null; }

say "installing Debian's chromium package (this can take a minute)"
if install || { ${as_root[@]+"${as_root[@]}"} apt-get update -qq >/dev/null && install; }; then
  say "installed $(command -v chromium || echo chromium)"
else
  say "apt-get could not install chromium; the browser tests will be skipped"
fi
exit 0
