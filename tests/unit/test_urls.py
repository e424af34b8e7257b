"""One URL rule for what claimwatch stores, shows or calls: absolute http(s), a host, no
credentials (an article's `url`, a subscription's target)."""

from __future__ import annotations

import pytest

from claimwatch.models import Subscription
from claimwatch.urls import http_url_problem, without_credentials
from claimwatch_deliver.api import SubscriptionView


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("javascript:alert(1)", "scheme"),
        ("data:text/html,<script>x()</script>", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("ftp://news.example/a", "scheme"),
        ("//news.example/a", "scheme"),
        ("https://", "no host"),
        ("http://user:pw@news.example/a", "credentials"),
        ("https://token@hooks.example/in", "credentials"),
        ("http://news.example/a b", "whitespace"),
        ("http://news.example/\x07", "control"),
        ("http://news.example:99999/", "parsed"),
        ("https://news.example/" + "a" * 3000, "longer"),
    ],
)
def test_refused_with_a_reason(url: str, why: str) -> None:
    problem = http_url_problem(url)
    assert problem is not None and why in problem


@pytest.mark.parametrize(
    "url",
    ["https://news.example/world/2026/11/20/story?id=3#top", "HTTP://News.Example:8080/a"],
)
def test_plain_http_urls_pass(url: str) -> None:
    assert http_url_problem(url) is None


def test_a_stored_subscription_is_shown_without_its_credentials() -> None:
    """Created before the rule: it still delivers, but the API never shows the password."""
    sub = Subscription(
        id="sub_1", url="https://ops:hunter2@hooks.example/in?x=1", secret="whsec_abc"
    )
    shown = SubscriptionView.of(sub)
    assert shown.url == "https://hooks.example/in?x=1"
    assert "hunter2" not in shown.model_dump_json()
    assert without_credentials("https://hooks.example/in") == "https://hooks.example/in"
