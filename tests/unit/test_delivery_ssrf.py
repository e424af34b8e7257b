"""SSRF guard: what is refused, what the allow-list opens, and that the checked address is used.

Resolution of `localhost` goes through the real system resolver (/etc/hosts); names that
would need real DNS use a resolver function passed in, so no test sends a DNS query out.
"""

from __future__ import annotations

import pytest

from claimwatch_deliver.ssrf import AllowList, TargetRefused, check_target, forbidden_reason

NONE = AllowList.parse([])


def table(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError(f"no such host {host}")
        return answers[host]

    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://10.0.0.1/hook", "private"),
        ("http://192.168.1.20/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata_address"),
        ("http://[::1]:9000/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[fe80::1]/", "link_local"),
        ("http://224.0.0.5/", "multicast"),
        ("http://0.0.0.0:80/", "unspecified"),
        ("http://100.64.3.4/", "not_global"),
        ("http://100.100.100.200/", "metadata_address"),
        ("http://240.0.0.1/", "reserved"),
        ("http://[fd00:ec2::254]/", "metadata_address"),
    ],
)
async def test_forbidden_literal_addresses_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused) as info:
        await check_target(url, NONE, table({}))
    assert info.value.reason == reason


async def test_hostname_resolving_to_loopback_refused_with_system_resolver() -> None:
    with pytest.raises(TargetRefused) as info:
        await check_target("http://localhost:8099/hook", NONE)
    assert info.value.reason == "loopback"


async def test_hostname_with_any_private_answer_refused() -> None:
    resolver = table({"mixed.example": ["93.184.216.34", "10.1.2.3"]})
    with pytest.raises(TargetRefused) as info:
        await check_target("https://mixed.example/hook", NONE, resolver)
    assert info.value.reason == "private"


async def test_public_target_pinned_to_resolved_address() -> None:
    resolver = table({"hooks.example": ["93.184.216.34"]})
    target = await check_target("https://hooks.example/in?x=1", NONE, resolver)
    assert (target.host, target.port, target.address, target.scheme) == (
        "hooks.example",
        443,
        "93.184.216.34",
        "https",
    )


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example/",
        "file:///etc/passwd",
        "http:///nohost",
        "not a url",
        "http://a b/",
        "https://user:pw@hooks.example/in",
    ],
)
async def test_invalid_urls_refused(url: str) -> None:
    with pytest.raises(TargetRefused) as info:
        await check_target(url, NONE, table({}))
    assert info.value.reason == "invalid_url"


async def test_unresolvable_host_refused() -> None:
    with pytest.raises(TargetRefused) as info:
        await check_target("http://nowhere.invalid/", NONE, table({}))
    assert info.value.reason == "unresolvable"


async def test_allow_list_by_address_cidr_and_host() -> None:
    assert (await check_target("http://127.0.0.1:9/", AllowList.parse(["127.0.0.1"]))).address == (
        "127.0.0.1"
    )
    cidr = AllowList.parse(["10.0.0.0/8"])
    assert (await check_target("http://10.9.9.9/", cidr, table({}))).address == "10.9.9.9"
    with pytest.raises(TargetRefused):
        await check_target("http://192.168.0.1/", cidr, table({}))
    by_host = AllowList.parse(["Receiver.Internal"])
    resolver = table({"receiver.internal": ["10.2.3.4"]})
    assert (
        await check_target("http://receiver.internal/", by_host, resolver)
    ).address == "10.2.3.4"
    assert (await check_target("http://[::1]:5/", AllowList.parse(["[::1]"]))).address == "::1"


def test_public_addresses_pass() -> None:
    import ipaddress

    assert forbidden_reason(ipaddress.ip_address("93.184.216.34")) is None
    assert forbidden_reason(ipaddress.ip_address("2606:4700:4700::1111")) is None
