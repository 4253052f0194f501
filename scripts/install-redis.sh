#!/usr/bin/env bash
# Make a redis-server binary available for the Redis tests (tests/redis).
#
# Idempotent and quick: does nothing when redis-server is already on PATH (or
# REDIS_SERVER points at one). Otherwise installs Debian's redis-server package
# with apt-get (as root, or through passwordless sudo). It never fails the build:
# when apt-get is missing or the install fails it says so and exits 0, and the
# Redis tests then skip with the reason.
set -u

say() { echo "install-redis: $*" >&2; }

if [ -n "${REDIS_SERVER:-}" ] && [ -x "${REDIS_SERVER}" ]; then
  exit 0
fi
for candidate in "$(command -v redis-server 2>/dev/null)" /usr/bin/redis-server /usr/sbin/redis-server /usr/local/bin/redis-server; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done

if ! command -v apt-get >/dev/null 2>&1; then
  say "redis-server not found and apt-get is unavailable; the Redis tests will be skipped"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  say "redis-server not found and not root (no passwordless sudo); the Redis tests will be skipped"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
install() { ${as_root[@]+"${as_root[@]}"} apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }

say "installing Debian's redis-server package"
if install || { ${as_root[@]+"${as_root[@]}"} apt-get update -qq >/dev/null && install; }; then
  say "installed $(command -v redis-server || echo redis-server)"
else
  say "apt-get could not install redis-server; the Redis tests will be skipped"
fi
exit 0
