"""A webhook receiver for Alertmanager that prints each alert on one line (compose's operator
inbox). Standard library only, so it runs in the plain Python image and in the tests.

    python alert_sink.py [--host 0.0.0.0] [--port 9095]

Each POSTed notification (Alertmanager's webhook format, version 4) prints, per alert:
``FIRING ClaimwatchServiceMissing severity=critical job=extract | summary | runbook_url``.
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SHOWN_LABELS = ("severity", "job", "instance", "stage", "kind", "group", "reason")


def lines(notification: dict[str, Any]) -> list[str]:
    """One line per alert of an Alertmanager webhook notification."""
    out = []
    for alert in notification.get("alerts", []):
        labels = alert.get("labels", {})
        notes = alert.get("annotations", {})
        shown = " ".join(f"{k}={labels[k]}" for k in SHOWN_LABELS if k in labels)
        out.append(
            f"{alert.get('status', '?').upper()} {labels.get('alertname', '?')} {shown}"
            f" | {notes.get('summary', '')} | {notes.get('runbook_url', '')}"
        )
    return out


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            notification = json.loads(body)
        except ValueError:
            self.send_response(400)
            self.end_headers()
            return
        for line in lines(notification):
            print(line, flush=True)
        self.send_response(200)
        self.end_headers()

    def do_GET(self) -> None:  # a health check
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=9095)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"alert-sink listening on {args.host}:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
