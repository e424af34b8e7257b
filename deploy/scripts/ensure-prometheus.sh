#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus + promtool) when missing; the deploy tests
# use both (promtool checks, and a real Prometheus scraping a running pipeline).
set -euo pipefail
if command -v promtool >/dev/null && command -v prometheus >/dev/null; then exit 0; fi
bash "$(dirname "$0")/apt-install.sh" prometheus
command -v promtool >/dev/null && command -v prometheus >/dev/null
