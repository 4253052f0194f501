# Sourced by install-redis.sh and install-chromium.sh: install the Debian packages a
# test dependency needs with apt-get (as root, or through passwordless sudo). Never
# fails the build: when apt-get is missing or the install fails it says so, and the
# tests needing the dependency then skip with the reason.
#
#   apt_install_for_tests PREFIX TOOL TESTS NOTE PACKAGE...
#
# PREFIX starts each message, TOOL is what was not found, TESTS names the tests that
# skip without it, NOTE is added to the "installing" line (may be empty).
apt_install_for_tests() {
  local prefix=$1 tool=$2 tests=$3 note=$4
  shift 4
  local packages=("$@") as_root
  say() { echo "$prefix: $*" >&2; }

  if ! command -v apt-get >/dev/null 2>&1; then
    say "$tool not found and apt-get is unavailable; $tests will be skipped"
    return 0
  fi
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    say "$tool not found and not root (no passwordless sudo); $tests will be skipped"
    return 0
  fi

  export DEBIAN_FRONTEND=noninteractive
  install() {
    ${as_root[@]+"${as_root[@]}"} apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  }
  say "installing Debian's ${packages[0]} package${note:+ $note}"
  if install || { ${as_root[@]+"${as_root[@]}"} apt-get update -qq >/dev/null && install; }; then
    say "installed $(command -v "$tool" || echo "$tool")"
  else
    say "apt-get could not install ${packages[0]}; $tests will be skipped"
  fi
  return 0
}
