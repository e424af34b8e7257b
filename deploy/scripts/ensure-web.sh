#!/usr/bin/env bash
# Installs what the web read model's browser tests run when missing: Debian's chromium (driven
# headless by Playwright through executable_path; no browser is downloaded) and postgresql
# (initdb + postgres, started by a test fixture on a free port in a temporary folder).
set -euo pipefail
here="$(dirname "$0")"
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
missing=()
command -v chromium >/dev/null || missing+=(chromium)
{ [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ]; } || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  bash "$here/apt-install.sh" "${missing[@]}"
fi
command -v chromium >/dev/null && [ -x "$(pg_bin)/initdb" ]
