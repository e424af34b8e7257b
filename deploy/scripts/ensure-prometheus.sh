#!/usr/bin/env bash
# Installs Debian's prometheus and prometheus-alertmanager packages when missing; the deploy
# tests use promtool (checks), a real Prometheus scraping a running pipeline, and a real
# Alertmanager (amtool check-config, and alerts delivered to a webhook sink).
set -euo pipefail
need=()
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then need+=(prometheus); fi
if ! command -v amtool >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  need+=(prometheus-alertmanager)
fi
if [ "${#need[@]}" -gt 0 ]; then bash "$(dirname "$0")/apt-install.sh" "${need[@]}"; fi
command -v promtool >/dev/null && command -v prometheus >/dev/null \
  && command -v amtool >/dev/null && command -v prometheus-alertmanager >/dev/null
