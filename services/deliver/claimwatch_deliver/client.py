"""A small client for the subscriptions API (``make run``'s supervisor and scripts use it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

from claimwatch.models import SubscriptionFilters
from claimwatch_deliver.signing import check_secret


class SubscriptionApiError(RuntimeError):
    pass


def _headers(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def create_subscription(
    api_url: str,
    token: str,
    target_url: str,
    *,
    filters: SubscriptionFilters | None = None,
    format: str = "standard",
    secret: str | None = None,
    timeout_s: float = 10.0,
) -> tuple[str, str]:
    """Create a subscription; returns ``(subscription_id, secret)``. The secret is shown once.

    ``secret``: use this ``whsec_...`` secret instead of a generated one.
    """
    body: dict[str, Any] = {"url": target_url, "format": format}
    if filters is not None:
        body["filters"] = filters.model_dump(mode="json")
    if secret is not None:
        body["secret"] = secret
    resp = httpx.post(
        f"{api_url.rstrip('/')}/subscriptions",
        json=body,
        headers=_headers(token),
        timeout=timeout_s,
        trust_env=False,
    )
    if resp.status_code != 201:
        raise SubscriptionApiError(f"create failed: HTTP {resp.status_code}: {resp.text[:300]}")
    data = resp.json()
    return str(data["id"]), str(data["secret"])


def list_subscriptions(api_url: str, token: str, timeout_s: float = 10.0) -> list[dict[str, Any]]:
    """Every subscription as the API shows it (never with a secret)."""
    resp = httpx.get(
        f"{api_url.rstrip('/')}/subscriptions",
        headers=_headers(token),
        timeout=timeout_s,
        trust_env=False,
    )
    if resp.status_code != 200:
        raise SubscriptionApiError(f"list failed: HTTP {resp.status_code}: {resp.text[:300]}")
    data = resp.json()
    assert isinstance(data, list)
    return data


def ensure_subscription(
    api_url: str, token: str, target_url: str, secret_file: Path, *, format: str = "standard"
) -> tuple[str, bool]:
    """Subscribe ``target_url`` with the secret its receiver holds in ``secret_file``.

    Returns ``(subscription id, created)``. For a receiver deployed with its subscription (the
    compose demo): the id is remembered next to the secret (``<secret_file>.subscription``), so
    a rerun finds it and does nothing. Without that note (first run, or the receiver's volume
    was recreated with a new secret) the URL's other subscriptions are deleted, since nobody
    holds their secret any more, and a new one is created.
    """
    secret = check_secret(secret_file.read_text(encoding="utf-8").strip())
    note = secret_file.with_name(secret_file.name + ".subscription")
    same_url = [s for s in list_subscriptions(api_url, token) if s["url"] == target_url]
    remembered = note.read_text(encoding="utf-8").strip() if note.exists() else None
    if any(s["id"] == remembered and not s["disabled"] for s in same_url):
        return str(remembered), False
    for old in same_url:
        delete_subscription(api_url, token, str(old["id"]))
    sub_id, _ = create_subscription(api_url, token, target_url, format=format, secret=secret)
    note.write_text(sub_id, encoding="utf-8")
    return sub_id, True


def delete_subscription(
    api_url: str, token: str, subscription_id: str, timeout_s: float = 10.0
) -> bool:
    resp = httpx.delete(
        f"{api_url.rstrip('/')}/subscriptions/{subscription_id}",
        headers=_headers(token),
        timeout=timeout_s,
        trust_env=False,
    )
    if resp.status_code not in (204, 404):
        raise SubscriptionApiError(f"delete failed: HTTP {resp.status_code}: {resp.text[:300]}")
    return resp.status_code == 204


def wait_ready(api_url: str, timeout_s: float = 60.0) -> None:
    """Poll /readyz until the service has loaded its subscriptions and started its worker."""

    def answer() -> str:
        """``"ready"``, or what the service said instead (for the error message)."""
        try:
            resp = httpx.get(f"{api_url.rstrip('/')}/readyz", timeout=2.0, trust_env=False)
        except httpx.HTTPError as exc:
            return type(exc).__name__
        return "ready" if resp.status_code == 200 else f"HTTP {resp.status_code}"

    polling = Retrying(
        retry=retry_if_result(lambda said: said != "ready"),
        stop=stop_after_delay(timeout_s),
        wait=wait_fixed(0.2),
    )
    try:
        polling(answer)
    except RetryError as exc:
        last = exc.last_attempt.result()
        raise SubscriptionApiError(
            f"delivery service not ready after {timeout_s:.0f}s ({last})"
        ) from None
