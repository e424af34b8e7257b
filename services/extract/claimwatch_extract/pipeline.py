"""The extract stage's one entry point: ``extract_batch(nlp, articles)``.

Why batches: spaCy's ``nlp.pipe`` amortises model overhead over many texts, and the rule-based
post-processing here is linear in tokens and cheap next to the parser, so the stage keeps up
with bare ``nlp.pipe`` (bench/bench_extract.py measures the ratio). The caller (the faust agent
or the ``claimwatch claims`` command) only decodes, calls this and produces.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimwatch.models import Article, ClaimsExtracted, EntitiesExtracted
from claimwatch_extract.core import extract_claims
from claimwatch_extract.entities import canonicalise, load_gazetteer
from claimwatch_extract.keywords import salient_terms
from claimwatch_extract.lexicon import load_lexicon
from claimwatch_extract.paragraphs import add_paragraph_breaks
from claimwatch_extract.token_table import token_table


@lru_cache(maxsize=2)
def load_nlp(model_name: str) -> Language:
    """Load an *installed* spaCy pipeline package once per process (never downloads).

    Raises ``OSError`` with spaCy's message when the package is not installed. Paragraph
    breaks end sentences (paragraphs.py).
    """
    return add_paragraph_breaks(spacy.load(model_name))


def extract_batch(
    nlp: Language, articles: list[Article], batch_size: int = 16
) -> list[tuple[EntitiesExtracted, ClaimsExtracted]]:
    """Entities and claims for each article, in input order; one pair per article."""
    docs = nlp.pipe((a.text for a in articles), batch_size=batch_size)
    return [extract_parsed(article, doc) for article, doc in zip(articles, docs, strict=True)]


def extract_parsed(article: Article, doc: Doc) -> tuple[EntitiesExtracted, ClaimsExtracted]:
    """Everything extract adds after spaCy, for one article and its parsed ``doc``: the
    entities and the claims (bench/bench_extract.py times this part alone too)."""
    lex = load_lexicon()
    gaz = load_gazetteer()
    index = canonicalise(doc, gaz, lex, article.text)
    entities = index.entities()
    at = article.published_at
    published = (at.year, at.month) if at else None
    table = token_table(doc)
    claims = extract_claims(
        doc, article.id, index, lex, article.title, published, text=article.text, table=table
    )
    return (
        EntitiesExtracted(article_id=article.id, source=article.source, entities=entities),
        ClaimsExtracted(
            article_id=article.id,
            source=article.source,
            title=article.title,
            published_at=article.published_at,
            ingested_at=article.ingested_at,
            duplicate_of=article.duplicate_of,
            entity_ids=[e.id for e in entities],
            keywords=salient_terms(doc, table=table),
            claims=claims,
        ),
    )
