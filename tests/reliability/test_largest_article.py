"""The largest article ingest accepts flows through extract and alert like any other.

An article just under ingest's limit once made extract's output record larger than faust's
producer allowed (1 MB against the 8 MiB of the other producers): the agent crashed, and that
article and the one behind it were never extracted, with no dead letter and no marker. Now one
budget runs from ingest to every producer (``Settings.max_record_bytes``; producers and topics
allow it, extract fits its outputs into an eighth of it): the test pushes an article of
``ingest_max_bytes`` (1,000,000) whose first 40 KB are dense with claims — long unpunctuated
runs whose every claim would carry the whole run as evidence; untrimmed, its claims record is
tens of megabytes — and the rest long codes the parser gets through quickly, then a small
article, and sees both articles' claims and markers, and no dead letter.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from reliability_support import (
    INGEST_TOKEN,
    Watcher,
    filler_article,
    start_service,
    wait_for,
    wait_http_ok,
)

from claimwatch.kafka import decode
from claimwatch.models import Article, ClaimsExtracted
from claimwatch.ports import free_port
from claimwatch.settings import Settings

UNITS = ["trucks", "boats", "cranes", "pumps", "tents", "doctors", "engineers", "buses"]
TOWNS = ["Marrow", "Eskerby", "Tullin", "Fenwick", "Oldcastle", "Brightwater", "Corran"]


def dense_paragraph(n: int, rng: random.Random) -> str:
    """One paragraph: a quoted report, then a long run of counts with no full stop."""
    town = rng.choice(TOWNS)
    quote = f'"We sent {rng.randint(2, 90)} {rng.choice(UNITS)} to {town}," the agency said.'
    run = " and ".join(
        f"{rng.randint(2, 999)} {rng.choice(UNITS)} from depot {n}-{k}" for k in range(60)
    )
    return f"{quote} Officials in {town} said {run} arrived on day {n}"


def reference_paragraph(n: int, rng: random.Random) -> str:
    """A block of long catalogue codes: article text that costs the parser little."""
    codes = " ".join(
        "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(240))
        for _ in range(4)
    )
    return f"Catalogue block {n}: {codes}"


def largest_article(limit: int, dense_bytes: int = 40_000) -> str:
    """Exactly ``limit`` UTF-8 bytes: ``dense_bytes`` of claim-dense paragraphs (alone enough
    for tens of megabytes of claims with whole-run evidence), then cheap code blocks, all
    unique (normalisation drops repeated paragraphs)."""
    rng = random.Random(17)
    paragraphs: list[str] = []
    size = 0
    n = 0
    while True:
        make = dense_paragraph if size < dense_bytes else reference_paragraph
        paragraph = make(n, rng) + "\n\n"
        if size + len(paragraph.encode()) > limit:
            break
        paragraphs.append(paragraph)
        size += len(paragraph.encode())
        n += 1
    text = "".join(paragraphs)
    return text + "x" * (limit - len(text.encode()))


@pytest.mark.slow
def test_the_largest_accepted_article_gets_its_claims_and_marker(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(ingest_token=INGEST_TOKEN)
    text = largest_article(settings.ingest_max_bytes)
    assert len(text.encode()) == settings.ingest_max_bytes
    api_port = free_port()
    ingest = start_service("ingest", settings, tmp_path, ingest_port=api_port)
    extract = start_service("extract", settings, tmp_path)
    alert = start_service("alert", settings, tmp_path)
    watcher = Watcher(settings)
    api = f"http://127.0.0.1:{api_port}"
    auth = {"Authorization": f"Bearer {INGEST_TOKEN}"}
    try:
        wait_http_ok(f"{api}/readyz", ingest)
        # a text body: the whole body may be the article (a JSON envelope would count too)
        big = httpx.post(
            f"{api}/articles",
            content=text.encode(),
            params={"source": "relief-wire", "title": "Relief convoys, depot by depot"},
            headers={**auth, "Content-Type": "text/plain"},
            timeout=120,
        )
        small = httpx.post(
            f"{api}/articles", json=filler_article(1, random.Random(3)), headers=auth, timeout=60
        )
        assert big.status_code == small.status_code == 202, (big.text[:300], small.text[:300])
        ids = [resp.json()["articles"][0]["id"] for resp in (big, small)]
        wait_for(
            "claims and a marker for both articles",
            lambda: all(watcher.claims[i] and watcher.markers[i] for i in ids),
            280,
            extract,
            alert,
        )
        assert watcher.dead == [], [(d.service, d.reason, d.detail) for d in watcher.dead]
        assert watcher.stories[ids[0]], "processed, not parked by a dead letter"
        record = watcher.claim_records[ids[0]]
        claims = decode(ClaimsExtracted, record)
        assert len(claims.claims) > 100
        assert len(record) <= settings.max_record_bytes // 8
        assert all(len(c.text) <= 1000 for c in claims.claims)
        article = decode(Article, watcher.article_records[ids[0]])
        assert all(article.text[c.start : c.end] == c.text for c in claims.claims)
        trimmed = [
            line for line in extract.metrics().splitlines() if "output_trimmed_total{" in line
        ]
        assert any(float(line.split()[-1]) > 0 for line in trimmed), trimmed
    finally:
        watcher.stop()
        for service in (ingest, extract, alert):
            service.proc.stop()
