#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus + promtool) when missing; tests use both.
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # the package starts a system service on some images; the tests run their own instance
  (systemctl stop prometheus 2>/dev/null || service prometheus stop 2>/dev/null || pkill -x prometheus) >/dev/null 2>&1 || true
else
  echo "prometheus/promtool missing and cannot apt-get install as non-root" >&2
  exit 1
fi
