"""The extract worker: articles in, entities and claims out, in nlp.pipe batches.

A thin adapter: decode (bad records are dead-lettered), call ``extract_batch``, produce,
count. Every article yields exactly one ClaimsExtracted, even with no claims, so the alert
stage (and replay) can account for every article.
"""

from __future__ import annotations

import time
from typing import Any

import faust

from claimwatch.faust_app import make_app, raw_topic
from claimwatch.metrics import (
    BATCH_SIZE,
    PROCESSING_SECONDS,
    RECORDS_FAILED,
    RECORDS_IN,
    RECORDS_OUT,
)
from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch.streams import Emitter
from claimwatch_extract.pipeline import extract_batch, load_nlp

STAGE = "extract"


def build_app(settings: Settings) -> faust.App:
    app = make_app(STAGE, settings)
    emitter = Emitter(app, settings, STAGE)
    articles = raw_topic(app, settings.topics.articles)
    topics = settings.topics

    @app.agent(articles, name="extract")
    async def extract(stream: Any) -> None:
        nlp = load_nlp(settings.spacy_model)
        async for events in stream.take_events(
            settings.extract_batch_size, within=settings.extract_batch_wait_s
        ):
            RECORDS_IN.labels(STAGE).inc(len(events))
            batch: list[Article] = []
            for event in events:
                article = await emitter.decode_or_deadletter(Article, event)
                if article is not None:
                    batch.append(article)
            if not batch:
                continue
            started = time.perf_counter()
            try:
                results = extract_batch(nlp, batch)
            except Exception as exc:  # one bad article must not stop the worker
                results = []
                for article in batch:
                    try:
                        results.extend(extract_batch(nlp, [article]))
                    except Exception as one_exc:
                        RECORDS_FAILED.labels(STAGE, "extract_error").inc()
                        await emitter.dead_letter(
                            _message_for(events, article.id) or events[0].message,
                            "extract_error",
                            f"{type(one_exc).__name__}: {one_exc} (batch error: {exc})",
                        )
            futures = []
            for entities, claims in results:
                futures.append(await emitter.send(topics.entities, entities.article_id, entities))
                futures.append(await emitter.send(topics.claims, claims.article_id, claims))
            for fut in futures:
                await fut
            PROCESSING_SECONDS.labels(STAGE).observe(time.perf_counter() - started)
            BATCH_SIZE.labels(STAGE).observe(len(batch))
            RECORDS_OUT.labels(STAGE).inc(len(results))

    return app


def _message_for(events: Any, article_id: str) -> Any:
    for event in events:
        if event.key == article_id.encode():
            return event.message
    return None
