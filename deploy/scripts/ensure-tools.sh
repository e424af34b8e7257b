#!/usr/bin/env bash
# Installs the command-line tools the deploy tests run when missing: Debian's docker-compose
# (validates docker-compose.yml with `docker-compose config`; no Docker engine needed) and,
# through ensure-prometheus.sh, prometheus + promtool. hadolint comes from the dev extras.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/ensure-prometheus.sh"
if ! command -v docker-compose >/dev/null; then
  bash "$here/apt-install.sh" docker-compose
fi
command -v docker-compose >/dev/null
