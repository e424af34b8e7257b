"""The extract worker: articles in, entities and claims out, in nlp.pipe batches.

A thin adapter: decode (bad records are dead-lettered), call ``extract_batch``, produce,
count. Every article yields exactly one ClaimsExtracted, even with no claims, or a dead
letter, so the alert stage (and replay) can account for every article; outputs are fitted to
the record budget (``budget.py``) so an accepted article is never too large to pass on.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from claimwatch.deadletter import decode_or_dead_letter, guard
from claimwatch.faust_app import faust_producer, make_app, raw_topic
from claimwatch.metrics import (
    BATCH_SIZE,
    PROCESSING_SECONDS,
    RECORDS_IN,
    RECORDS_OUT,
)
from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_extract.budget import fit_outputs, output_budget
from claimwatch_extract.pipeline import extract_batch, load_nlp

STAGE = "extract"
FAILED = "extract_error"


def build_app(settings: Settings) -> faust.App:
    app = make_app(STAGE, settings)
    producer = faust_producer(app, STAGE)
    articles = raw_topic(app, settings.topics.articles)
    topics = settings.topics
    budget = output_budget(settings.max_record_bytes)

    @app.agent(articles, name="extract")
    async def extract(stream: Any) -> None:
        nlp = load_nlp(settings.spacy_model)
        async for events in stream.take_events(
            settings.extract_batch_size, within=settings.extract_batch_wait_s
        ):
            RECORDS_IN.labels(STAGE).inc(len(events))
            batch: list[Article] = []
            messages: dict[str, Any] = {}
            for event in events:
                article = await decode_or_dead_letter(producer, settings, Article, event.message)
                if article is not None:
                    batch.append(article)
                    messages[article.id] = event.message
            if not batch:
                continue
            started = time.perf_counter()
            try:
                results = extract_batch(nlp, batch)
            except Exception:  # one bad article must not stop the others: one at a time
                results = []
                for article in batch:
                    async with guard(producer, topics.deadletter, messages[article.id], FAILED):
                        results.extend(extract_batch(nlp, [article]))
            # every send is guarded per article: an output the broker refuses dead-letters
            # that article (and only it), never the whole worker
            sent: list[tuple[Any, list[Any]]] = []
            for full_entities, full_claims in results:
                entities, claims = fit_outputs(full_entities, full_claims, budget)
                message = messages[claims.article_id]
                async with guard(producer, topics.deadletter, message, FAILED):
                    futures = [
                        await producer.send(topics.entities, entities.article_id, entities),
                        await producer.send(topics.claims, claims.article_id, claims),
                    ]
                    sent.append((message, futures))
            for message, futures in sent:
                async with guard(producer, topics.deadletter, message, FAILED):
                    for future in futures:
                        await future
            PROCESSING_SECONDS.labels(STAGE).observe(time.perf_counter() - started)
            BATCH_SIZE.labels(STAGE).observe(len(batch))
            RECORDS_OUT.labels(STAGE).inc(len(results))

    return app
