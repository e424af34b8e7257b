"""Standard Webhooks signing: secrets, stable message ids, and the three signature headers.

The ``webhook-id`` is derived from (alert id, alert version, subscription id) so every retry
of one alert version to one subscriber carries the same id: receivers de-duplicate on it.
The timestamp is fresh per attempt (receivers reject stale ones), so the signature is too.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# Standard Webhooks: a symmetric secret is random, at least 24 bytes (192 bits), 64 at most.
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
SECRET_PATTERN = r"^whsec_[A-Za-z0-9+/]+={0,2}$"


class BadSecret(ValueError):
    """A client-chosen secret that is not a usable Standard Webhooks secret (never echoed)."""


def new_secret() -> str:
    """A fresh ``whsec_<base64>`` signing secret (256 random bits)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def write_new_secret(path: Path) -> str:
    """Write a new secret to ``path`` (mode 0600; an existing file is an error) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = new_secret()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret)
    return secret


def check_secret(secret: str) -> str:
    """``secret`` if it is ``whsec_`` + base64 of 24-64 bytes, else ``BadSecret`` saying why.

    Why clients may choose one: a receiver deployed together with its subscription (the compose
    demo, a config-managed endpoint) knows its secret before the subscription exists.
    """
    if not secret.startswith(SECRET_PREFIX):
        raise BadSecret(f"the secret must start with {SECRET_PREFIX}")
    try:
        raw = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        raise BadSecret("the secret after whsec_ must be standard base64") from None
    if not MIN_SECRET_BYTES <= len(raw) <= MAX_SECRET_BYTES:
        raise BadSecret(
            f"the secret must hold {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} random bytes "
            f"(it holds {len(raw)})"
        )
    return secret


def webhook_id(alert_id: str, alert_version: int, subscription_id: str) -> str:
    """Stable per alert version and subscriber, identical across every retry."""
    digest = hashlib.sha256(
        f"{alert_id}\x1f{alert_version}\x1f{subscription_id}".encode()
    ).hexdigest()
    return f"msg_{digest[:32]}"


def sign_headers(
    body: bytes, secret: str, msg_id: str, now: datetime | None = None
) -> dict[str, str]:
    """The ``webhook-id``/``-timestamp``/``-signature`` headers for ``body``."""
    ts = (now or datetime.now(UTC)).astimezone(UTC)
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=ts, data=body.decode("utf-8"))
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(ts.timestamp())),
        "webhook-signature": signature,
    }
