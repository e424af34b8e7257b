"""Fitting an article's outputs into the record budget, so no accepted article is lost.

One budget runs from ingest to every producer (``Settings.max_record_bytes``,
docs/reliability.md "Sizes"). An article near ingest's limit once made extract's output too
large for faust's producer: the agent crashed, and that article and the one behind it were
never extracted. Evidence is already cut to a window around each claim
(``core.EVIDENCE_MAX_CHARS``); here each output record as a whole is fitted to
``output_budget``. Claims are kept in text order, threats first (they page people), until the
budget is used; entities keep their first mentions. What is left out is counted
(``claimwatch_extract_output_trimmed_total``) and logged, never silently.
"""

from __future__ import annotations

from prometheus_client import Counter

from claimwatch.kafka import encode
from claimwatch.logging import get_logger
from claimwatch.models import ClaimsExtracted, ClaimType, EntitiesExtracted, Entity

log = get_logger(__name__)

OUTPUT_TRIMMED = Counter(
    "claimwatch_extract_output_trimmed_total",
    "Claims or entity mentions left out of an article's output to fit the record budget. "
    "Rising: articles far larger or denser than news (see `output_trimmed` in the log).",
    ["part"],
)
for _part in ("claims", "mentions", "entities"):
    OUTPUT_TRIMMED.labels(_part)


def output_budget(max_record_bytes: int) -> int:
    """An eighth of the record budget per output record: a story's state in the alert stage
    holds the claims of all its articles, so it has room for at least eight of the largest."""
    return max_record_bytes // 8


def _size(event: ClaimsExtracted | EntitiesExtracted) -> int:
    return len(encode(event))


def fit_claims(event: ClaimsExtracted, budget: int) -> tuple[ClaimsExtracted, int]:
    """``event`` with as many claims as fit in ``budget`` bytes, and how many were left out."""
    if _size(event) <= budget:
        return event, 0
    used = _size(event.model_copy(update={"claims": []}))
    sizes = [len(claim.model_dump_json()) + 1 for claim in event.claims]
    order = sorted(
        range(len(event.claims)),
        key=lambda i: (event.claims[i].type is not ClaimType.THREAT, i),
    )
    kept: set[int] = set()
    for i in order:
        if used + sizes[i] > budget:
            break
        kept.add(i)
        used += sizes[i]
    claims = [claim for i, claim in enumerate(event.claims) if i in kept]
    return event.model_copy(update={"claims": claims}), len(event.claims) - len(claims)


def fit_entities(event: EntitiesExtracted, budget: int) -> tuple[EntitiesExtracted, int, int]:
    """``event`` within ``budget`` bytes: mentions per entity halved until it fits, then
    entities in order; returns it with the numbers of mentions and entities left out."""
    if _size(event) <= budget:
        return event, 0, 0
    mentions = sum(len(e.mentions) for e in event.entities)
    cap = max((len(e.mentions) for e in event.entities), default=0)
    fitted = event
    while cap > 1 and _size(fitted) > budget:
        cap //= 2
        fitted = event.model_copy(update={"entities": [_first(e, cap) for e in event.entities]})
    entities = list(fitted.entities)
    if _size(fitted) > budget:
        used = _size(fitted.model_copy(update={"entities": []}))
        entities = []
        for entity in fitted.entities:
            used += len(entity.model_dump_json()) + 1
            if used > budget:
                break
            entities.append(entity)
        fitted = fitted.model_copy(update={"entities": entities})
    kept = sum(len(e.mentions) for e in fitted.entities)
    return fitted, mentions - kept, len(event.entities) - len(entities)


def _first(entity: Entity, cap: int) -> Entity:
    return entity.model_copy(update={"mentions": entity.mentions[:cap]})


def fit_outputs(
    entities: EntitiesExtracted, claims: ClaimsExtracted, budget: int
) -> tuple[EntitiesExtracted, ClaimsExtracted]:
    """Both output records of one article within ``budget``; trimming is counted and logged."""
    claims, dropped_claims = fit_claims(claims, budget)
    entities, dropped_mentions, dropped_entities = fit_entities(entities, budget)
    if dropped_claims or dropped_mentions or dropped_entities:
        OUTPUT_TRIMMED.labels("claims").inc(dropped_claims)
        OUTPUT_TRIMMED.labels("mentions").inc(dropped_mentions)
        OUTPUT_TRIMMED.labels("entities").inc(dropped_entities)
        log.warning(
            "output_trimmed",
            article_id=claims.article_id,
            budget=budget,
            claims_kept=len(claims.claims),
            claims_left_out=dropped_claims,
            mentions_left_out=dropped_mentions,
            entities_left_out=dropped_entities,
        )
    return entities, claims
