#!/usr/bin/env bash
# Make a redis-server binary available for the Redis tests (tests/redis).
#
# Idempotent and quick: does nothing when redis-server is already on PATH (or
# REDIS_SERVER points at one). Otherwise installs Debian's redis-server package
# with apt-get (as root, or through passwordless sudo). It never fails the build:
# when apt-get is missing or the install fails it says so and exits 0, and the
# Redis tests then skip with the reason.
set -u

if [ -n "${REDIS_SERVER:-}" ] && [ -x "${REDIS_SERVER}" ]; then
  exit 0
fi
for candidate in "$(command -v redis-server 2>/dev/null)" /usr/bin/redis-server /usr/sbin/redis-server /usr/local/bin/redis-server; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done

# shellcheck source=scripts/apt-install-for-tests.sh
source "$(dirname "$0")/apt-install-for-tests.sh"
apt_install_for_tests install-redis redis-server "the Redis tests" "" redis-server
exit 0
