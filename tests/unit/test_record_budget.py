"""One record budget from ingest to every producer (``Settings.max_record_bytes``).

Followed into aiokafka's producer (``EventProducer``), faust's producer and consumer, every
topic's ``max.message.bytes``, ingest's refusal, and extract's fitting of its outputs.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from claimwatch.faust_app import make_app
from claimwatch.kafka import EventProducer, encode, request_limit
from claimwatch.models import (
    Claim,
    ClaimsExtracted,
    ClaimType,
    EntitiesExtracted,
    Entity,
    Mention,
    SourceKind,
)
from claimwatch.settings import Settings
from claimwatch_extract.budget import fit_claims, fit_entities, output_budget
from claimwatch_extract.core import evidence_window
from claimwatch_ingest.files import RawArticle
from claimwatch_ingest.publisher import ArticlePublisher, RejectedArticle

BUDGET = 3_000_000


def test_every_producer_and_topic_allows_the_budget(tmp_path: Path) -> None:
    settings = Settings(max_record_bytes=BUDGET, data_dir=tmp_path)

    async def aiokafka_limit() -> int:
        producer = EventProducer("127.0.0.1:9", "test", max_record_bytes=BUDGET)
        return int(producer._producer._max_request_size)

    assert asyncio.run(aiokafka_limit()) == request_limit(BUDGET) > BUDGET
    app = make_app("budget-test", settings)
    assert app.conf.producer_max_request_size == request_limit(BUDGET)
    assert app.conf.consumer_max_fetch_size == request_limit(BUDGET)
    for spec in settings.topics.specs():
        assert spec.config["max.message.bytes"] == str(request_limit(BUDGET)), spec.name


def test_ingest_refuses_an_article_whose_record_would_exceed_the_budget() -> None:
    settings = Settings(max_record_bytes=50_000, ingest_max_bytes=40_000)
    publisher = ArticlePublisher(None, settings)  # type: ignore[arg-type]  # build needs none
    # 30,000 quotes: within ingest's byte limit, but JSON escaping doubles each, twice over
    raw = RawArticle(source="wire", body='"' * 30_000 + " end of the quote.")
    with pytest.raises(RejectedArticle) as refused:
        publisher.build(raw, SourceKind.PUSH)
    assert refused.value.reason == "too_large" and "record budget" in refused.value.detail
    fits = publisher.build(RawArticle(source="wire", body="A short report."), SourceKind.PUSH)
    assert len(encode(fits)) <= 50_000


def test_evidence_is_a_window_around_the_claim_in_a_very_long_sentence() -> None:
    words = [f"word{i}" for i in range(2000)]
    text = " ".join(words)
    anchor = text.index("word1000")
    start, end = evidence_window(text, 0, len(text), anchor, limit=300)
    assert end - start <= 300
    assert start <= anchor < end
    assert text[start - 1] == " " and text[end] == " "  # whole words
    assert evidence_window(text, 10, 200, 50, limit=300) == (10, 200)  # short: unchanged
    # near either end the window stays inside the sentence
    assert evidence_window(text, 0, len(text), 3, limit=300)[0] == 0
    assert evidence_window(text, 0, len(text), len(text) - 2, limit=300)[1] == len(text)


def claim(n: int, type_: ClaimType = ClaimType.QUANTITY) -> Claim:
    text = f"Crews said {n} trucks arrived " + "and more " * 40
    return Claim(id=f"a:{type_.value}:{n}", type=type_, text=text, start=0, end=len(text),
                 confidence=0.9)  # fmt: skip


def test_claims_fit_the_budget_threats_first_then_in_text_order() -> None:
    claims = [claim(n) for n in range(200)] + [claim(999, ClaimType.THREAT)]
    event = ClaimsExtracted(
        article_id="a", source="wire", ingested_at=datetime.now(UTC), claims=claims
    )
    budget = len(encode(event)) // 4
    fitted, dropped = fit_claims(event, budget)
    assert len(encode(fitted)) <= budget
    assert dropped == len(claims) - len(fitted.claims) > 0
    assert fitted.claims[-1].type is ClaimType.THREAT  # kept, in its place in the text
    quantities = [c.id for c in fitted.claims if c.type is ClaimType.QUANTITY]
    assert quantities == [f"a:quantity:{n}" for n in range(len(quantities))]
    assert fit_claims(event, len(encode(event))) == (event, 0)


def test_entities_keep_their_first_mentions_within_the_budget() -> None:
    mentions = [Mention(text="Marrow", start=i * 10, end=i * 10 + 6) for i in range(2000)]
    entities = [
        Entity(id=f"gpe:t{k}", name=f"T{k}", type="GPE", mentions=mentions) for k in range(5)
    ]
    event = EntitiesExtracted(article_id="a", source="wire", entities=entities)
    budget = len(encode(event)) // 10
    fitted, dropped_mentions, dropped_entities = fit_entities(event, budget)
    assert len(encode(fitted)) <= budget
    assert dropped_entities == 0 and dropped_mentions > 0
    assert all(e.mentions == mentions[: len(e.mentions)] for e in fitted.entities)


def test_an_articles_claims_get_an_eighth_of_the_budget() -> None:
    assert output_budget(8 * 1024 * 1024) == 1024 * 1024
