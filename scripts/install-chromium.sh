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

if [ -n "${CHROMIUM:-}" ] && [ -x "${CHROMIUM}" ]; then
  exit 0
fi
for candidate in "$(command -v chromium 2>/dev/null)" "$(command -v chromium-browser 2>/dev/null)" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done

# shellcheck source=scripts/apt-install-for-tests.sh
source "$(dirname "$0")/apt-install-for-tests.sh"
apt_install_for_tests install-chromium chromium "the browser tests" "(this can take a minute)" \
  chromium fonts-liberation fonts-noto-color-emoji
exit 0
