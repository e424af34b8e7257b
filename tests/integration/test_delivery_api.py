"""The subscriptions API served for real (uvicorn on 127.0.0.1) over the real broker.

The service runs in a thread with its own event loop, exactly as ``claimwatch deliver`` runs
it. Host names are resolved by a table passed to the service (unknown names are unresolvable),
so neither these tests nor the fuzzer send a DNS query off the machine; literal addresses and
`localhost` go through the same guard as in production.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from aiokafka import AIOKafkaConsumer, TopicPartition
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from schemathesis.checks import not_a_server_error

from claimwatch.broker import EmbeddedBroker
from claimwatch.models import Subscription
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_deliver.client import (
    SubscriptionApiError,
    create_subscription,
    delete_subscription,
    ensure_subscription,
    wait_ready,
)
from claimwatch_deliver.service import serve
from claimwatch_deliver.signing import BadSecret, new_secret, write_new_secret

TOKEN = f"tok-{uuid.uuid4().hex}"


async def offline_resolver(host: str, port: int) -> list[str]:
    if host == "localhost":
        return ["127.0.0.1", "::1"]
    if host == "hooks.example.org":
        return ["93.184.216.34"]
    raise OSError(f"{host}: not resolvable in this test")


@dataclass
class RunningService:
    settings: Settings
    url: str
    thread: threading.Thread
    loop: asyncio.AbstractEventLoop
    stop_event: asyncio.Event


def start_service(settings: Settings) -> RunningService:
    port = free_port()
    loop = asyncio.new_event_loop()
    stop_event = asyncio.Event()
    errors: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(
                serve(settings, port=port, stop=stop_event, resolver=offline_resolver)
            )
        except BaseException as exc:  # surfaced by wait_ready's failure message
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, timeout_s=30)
    except SubscriptionApiError:
        raise AssertionError(f"service did not start: {errors!r}") from None
    return RunningService(settings, url, thread, loop, stop_event)


def stop_service(svc: RunningService) -> None:
    svc.loop.call_soon_threadsafe(svc.stop_event.set)
    svc.thread.join(timeout=30)
    assert not svc.thread.is_alive(), "delivery service did not stop"


@pytest.fixture(scope="module")
def api(broker: EmbeddedBroker) -> Iterator[RunningService]:
    """One service for the module (start-up is a consumer-group join); tests share it."""
    settings = Settings(
        bootstrap=broker.bootstrap,
        topic_prefix=f"t{uuid.uuid4().hex[:10]}",
        session_timeout_s=3.0,
        api_token=TOKEN,  # type: ignore[arg-type]
    )
    svc = start_service(settings)
    yield svc
    stop_service(svc)


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def compacted_values(settings: Settings) -> list[tuple[str, bytes | None]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(settings.topics.subscriptions, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        out: list[tuple[str, bytes | None]] = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # a bounded read of what is there
            for records in (await consumer.getmany(timeout_ms=200)).values():
                out.extend((r.key.decode(), r.value) for r in records if r.key)
        return [kv for kv in out if not kv[0].startswith("__sync__:")]
    finally:
        await consumer.stop()


# ------------------------------------------------------------------ tests


def test_crud_and_secret_shown_once(api: RunningService) -> None:
    sub_id, secret = create_subscription(api.url, TOKEN, "https://hooks.example.org/claimwatch")
    assert secret.startswith("whsec_") and sub_id.startswith("sub_")
    listed = httpx.get(f"{api.url}/subscriptions", headers=auth())
    got = httpx.get(f"{api.url}/subscriptions/{sub_id}", headers=auth())
    assert listed.status_code == 200 and got.status_code == 200
    assert sub_id in [s["id"] for s in listed.json()]
    assert got.json()["url"] == "https://hooks.example.org/claimwatch"
    assert got.json()["format"] == "standard" and got.json()["disabled"] is False
    for resp in (listed, got):
        assert "secret" not in resp.text and secret not in resp.text
    assert delete_subscription(api.url, TOKEN, sub_id) is True
    assert httpx.get(f"{api.url}/subscriptions/{sub_id}", headers=auth()).status_code == 404
    assert delete_subscription(api.url, TOKEN, sub_id) is False
    # stored on the compacted topic: the value (with its secret) and then a tombstone
    records = [kv for kv in asyncio.run(compacted_values(api.settings)) if kv[0] == sub_id]
    assert len(records) == 2
    assert records[0][1] is not None and secret.encode() in records[0][1]
    assert records[1][1] is None


def test_client_chosen_secret_is_used_and_never_shown_again(api: RunningService) -> None:
    chosen = new_secret()
    sub_id, secret = create_subscription(
        api.url, TOKEN, "https://hooks.example.org/chosen", secret=chosen
    )
    assert secret == chosen
    got = httpx.get(f"{api.url}/subscriptions/{sub_id}", headers=auth())
    assert got.status_code == 200 and chosen not in got.text
    records = [kv for kv in asyncio.run(compacted_values(api.settings)) if kv[0] == sub_id]
    stored = Subscription.model_validate_json(records[-1][1] or b"")
    assert stored.secret == chosen  # the worker signs with the client's secret


@pytest.mark.parametrize(
    "secret",
    [
        "not-a-secret",
        "whsec_" + base64.b64encode(b"x" * 23).decode(),  # too short: 23 bytes
        "whsec_" + base64.b64encode(b"x" * 65).decode(),  # too long: 65 bytes
        "whsec_not*base64*at*all*but*long*enough*xxxxxxxx",
        "whsec_QUJD",  # 3 bytes
    ],
)
def test_unusable_secret_is_422_and_not_echoed(api: RunningService, secret: str) -> None:
    resp = httpx.post(
        f"{api.url}/subscriptions",
        headers=auth(),
        json={"url": "https://hooks.example.org/bad-secret", "secret": secret},
    )
    assert resp.status_code == 422, resp.text
    if secret.startswith("whsec_") and "*" not in secret and len(secret) <= 94:
        assert resp.json()["detail"]["reason"] == "bad_secret"
        assert secret not in resp.text
    listed = httpx.get(f"{api.url}/subscriptions", headers=auth()).json()
    assert "https://hooks.example.org/bad-secret" not in [s["url"] for s in listed]


def test_ensure_subscription_uses_the_receivers_secret_file_and_is_idempotent(
    api: RunningService, tmp_path: Path
) -> None:
    """`claimwatch subscribe`: the subscription gets the secret the receiver wrote (0600); a
    rerun changes nothing; a receiver with a new secret (its volume recreated) gets a new
    subscription and the stale one is deleted, so exactly one subscription of the URL remains."""
    url = "https://hooks.example.org/demo-receiver"
    secret_file = tmp_path / "webhook" / "secret"

    def of_url() -> list[str]:
        listed = httpx.get(f"{api.url}/subscriptions", headers=auth()).json()
        return [s["id"] for s in listed if s["url"] == url]

    with pytest.raises(FileNotFoundError):
        ensure_subscription(api.url, TOKEN, url, secret_file)  # no receiver secret yet
    secret = write_new_secret(secret_file)
    assert secret_file.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        write_new_secret(secret_file)  # a receiver never overwrites its secret
    first, created = ensure_subscription(api.url, TOKEN, url, secret_file)
    assert created and of_url() == [first]
    records = [kv for kv in asyncio.run(compacted_values(api.settings)) if kv[0] == first]
    assert Subscription.model_validate_json(records[-1][1] or b"").secret == secret
    assert ensure_subscription(api.url, TOKEN, url, secret_file) == (first, False)
    for path in secret_file.parent.iterdir():  # the receiver's volume is recreated
        path.unlink()
    write_new_secret(secret_file)
    second, created = ensure_subscription(api.url, TOKEN, url, secret_file)
    assert created and second != first and of_url() == [second]
    secret_file.write_text("whsec_short", encoding="utf-8")
    with pytest.raises(BadSecret):
        ensure_subscription(api.url, TOKEN, url, secret_file)
    assert of_url() == [second]


def test_slack_format_and_filters_accepted(api: RunningService) -> None:
    resp = httpx.post(
        f"{api.url}/subscriptions",
        headers=auth(),
        json={
            "url": "http://93.184.216.34/services/T000/B000/xyz",
            "format": "slack",
            "filters": {"kinds": ["contradiction"], "min_severity": "high", "rules": ["r1"]},
        },
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["format"] == "slack" and body["filters"]["min_severity"] == "high"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/subscriptions"),
        ("post", "/subscriptions"),
        ("get", "/subscriptions/sub_x"),
        ("delete", "/subscriptions/sub_x"),
    ],
)
@pytest.mark.parametrize("headers", [{}, auth("wrong"), {"authorization": "Basic Zm9vOmJhcg=="}])
def test_auth_required(
    api: RunningService, method: str, path: str, headers: dict[str, str]
) -> None:
    resp = httpx.request(
        method, api.url + path, headers=headers, json={"url": "http://93.184.216.34/"}
    )
    assert resp.status_code == 401
    assert resp.headers.get("www-authenticate") == "Bearer"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9999/hook", "loopback"),
        ("http://10.0.0.1/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata_address"),
        ("http://[::1]:9999/hook", "loopback"),
        ("http://localhost:9999/hook", "loopback"),
        ("http://nowhere.test/hook", "unresolvable"),
        ("gopher://hooks.example.org/", "invalid_url"),
        ("http://ops:hunter2@93.184.216.34/hook", "invalid_url"),  # no credentials in URLs
    ],
)
def test_ssrf_targets_refused_at_creation(api: RunningService, url: str, reason: str) -> None:
    resp = httpx.post(f"{api.url}/subscriptions", headers=auth(), json={"url": url})
    assert resp.status_code == 422
    assert resp.json()["detail"]["reason"] == reason
    listed = httpx.get(f"{api.url}/subscriptions", headers=auth()).json()
    assert url not in [s["url"] for s in listed]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": "http://93.184.216.34/", "format": "xml"},
        {"url": "http://93.184.216.34/", "x": 1},
        {"url": "http://93.184.216.34/", "filters": {"min_severity": "apocalyptic"}},
    ],
)
def test_bad_bodies_get_422_with_reason(api: RunningService, body: dict[str, object]) -> None:
    resp = httpx.post(f"{api.url}/subscriptions", headers=auth(), json=body)
    assert resp.status_code == 422
    assert resp.json()["detail"]


def test_probes_metrics_and_openapi(api: RunningService) -> None:
    assert httpx.get(f"{api.url}/healthz").json()["status"] == "ok"
    ready = httpx.get(f"{api.url}/readyz")
    assert ready.status_code == 200 and ready.json()["subscriptions_loaded"] is True
    metrics = httpx.get(f"{api.url}/metrics").text
    for name in (
        "claimwatch_webhook_deliveries_total",
        "claimwatch_webhook_attempt_seconds",
        "claimwatch_webhook_retries_pending",
        "claimwatch_webhook_subscriptions",
    ):
        assert name in metrics
    spec = httpx.get(f"{api.url}/openapi.json").json()
    assert set(spec["paths"]) >= {
        "/subscriptions",
        "/subscriptions/{sub_id}",
        "/healthz",
        "/readyz",
    }
    assert httpx.get(f"{api.url}/docs").status_code == 200


# ------------------------------------------------------------------ fuzzing


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
def test_fuzz_subscriptions_api_never_5xx(api: RunningService) -> None:
    """schemathesis: generated and mutated requests for every operation; none may get a 5xx."""
    schema = schemathesis.openapi.from_url(f"{api.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "POST /subscriptions",
        "GET /subscriptions",
        "GET /subscriptions/{sub_id}",
        "DELETE /subscriptions/{sub_id}",
    }
    calls: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hyp_settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call_and_validate(
                base_url=api.url, headers=auth(), checks=[not_a_server_error]
            )
            calls.append(response.status_code)

        fuzz()
    assert len(calls) >= len(operations) and all(code < 500 for code in calls)


def test_wait_ready_gives_up_naming_what_it_last_saw() -> None:
    started = time.monotonic()
    with pytest.raises(SubscriptionApiError, match=r"not ready after 1s \(ConnectError\)"):
        wait_ready(f"http://127.0.0.1:{free_port()}", timeout_s=1.0)  # nothing listens
    assert time.monotonic() - started < 10
