#!/usr/bin/env bash
# apt-install.sh PACKAGE... — install Debian packages for the test tooling, quietly.
#
# Safe in CI containers running as root without systemd: a temporary policy-rc.d stops the
# packages' postinst scripts from starting system services (the tests run their own
# Prometheus on a free port), and apt-get update runs only when the package lists are empty.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    exec sudo -n "$0" "$@"
  fi
  echo "need root (or passwordless sudo) to apt-get install: $*" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "apt-get not found; install these yourself: $*" >&2
  exit 1
fi
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache show "$@" >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
fi
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
