"""Who may read the pages: open on loopback, a token everywhere else.

Same setting style as the other APIs: ``CLAIMWATCH_WEB_TOKEN`` unset means open, which the
service allows only when bound to a loopback address. With a token, a request passes with
``Authorization: Bearer <token>`` (scripts, probes behind a proxy) or with the session cookie a
browser gets by typing the token once on ``/login`` (signed with a key derived from the token,
so changing the token ends every session). Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner

from claimwatch.settings import Settings

COOKIE = "claimwatch_session"
SESSION_MAX_AGE_S = 12 * 3600
OPEN_PATHS = ("/healthz", "/metrics", "/static/", "/login")


class OpenBeyondLoopback(Exception):
    """Refusing to serve pages to the network without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Raise unless the pages are loopback-only or protected by a token."""
    if settings.web_token is None and not is_loopback(settings.metrics_host):
        raise OpenBeyondLoopback(
            f"the web pages would be open to anyone who can reach {settings.metrics_host}: "
            "set CLAIMWATCH_WEB_TOKEN (or bind CLAIMWATCH_METRICS_HOST to 127.0.0.1)"
        )


@dataclass(frozen=True)
class Gate:
    """Decides whether a request may see a page, and issues session cookies."""

    token: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> Gate:
        return cls(settings.web_token.get_secret_value() if settings.web_token else None)

    @property
    def required(self) -> bool:
        return self.token is not None

    def _signer(self) -> TimestampSigner:
        assert self.token is not None
        key = hashlib.sha256(b"claimwatch-web-session\x00" + self.token.encode()).digest()
        return TimestampSigner(key, salt="claimwatch-web")

    def token_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(
            given.encode("utf-8"), self.token.encode("utf-8")
        )

    def allows(self, path: str, authorization: str | None, cookie: str | None) -> bool:
        if self.token is None or path.startswith(OPEN_PATHS):
            return True
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and self.token_matches(given.strip()):
            return True
        return cookie is not None and self.session_valid(cookie)

    def new_session(self) -> str:
        return self._signer().sign(b"reader").decode("ascii")

    def session_valid(self, cookie: str) -> bool:
        try:
            return self._signer().unsign(cookie, max_age=SESSION_MAX_AGE_S) == b"reader"
        except BadSignature:
            return False


def safe_next(target: str | None) -> str:
    """Where to go after login: a path on this site only (never ``//host`` or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
