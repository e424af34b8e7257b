"""Adversarial article text through the real extractor (``extract_batch`` with the real spaCy
model): each case is processed (one ClaimsExtracted) or rejected with a clear error, within
pytest-timeout's bound — never a hang. Times are printed, not asserted (docs/reliability.md).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_extract.pipeline import extract_batch, load_nlp


@pytest.fixture(scope="module")
def nlp() -> Any:
    return load_nlp(Settings().spacy_model)


def long_sentence() -> str:
    """One sentence of 10,000 tokens: clauses joined by commas, no full stop until the end."""
    words = ["the", "council", "said", "that", "officials", "in", "Marrow", "had", "agreed"]
    return " ".join(words[i % len(words)] for i in range(10_000)) + "."


def nested_quotes() -> str:
    """50 levels of quotation, each level a reported speech act."""
    text = "the bridge will reopen on Monday"
    for level in range(50):
        text = f'Speaker {level} said, "{text}"'
    return text + "."


NUMBERS_ONLY = " ".join(str(n * 37 % 1000) for n in range(3_000))

NON_ENGLISH = (
    "Der Stadtrat von Marrow hat am Montag einen neuen Haushalt beschlossen. "
    "Nach Angaben der Bürgermeisterin sollen 26 Straßen bis zum Herbst saniert werden. "
    "La mairie a ajouté que les travaux coûteraient environ quatre millions d'euros. "
    "Вечером жители собрались на площади, чтобы обсудить план."
)

CASES = {
    "sentence_10000_tokens": long_sentence(),
    "nested_quotes_50": nested_quotes(),
    "numbers_only": NUMBERS_ONLY,
    "non_english": NON_ENGLISH,
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", sorted(CASES))
def test_adversarial_text_is_processed_in_bounded_time(nlp: Any, case: str) -> None:
    text = CASES[case]
    article = Article(id=f"adv-{case}", source="test-outlet", text=text, original_text=text)
    started = time.perf_counter()
    results = extract_batch(nlp, [article])
    elapsed = time.perf_counter() - started
    entities, claims = results[0]
    print(
        json.dumps(
            {
                "case": case,
                "chars": len(text),
                "tokens": len(nlp.make_doc(text)),
                "seconds": round(elapsed, 3),
                "claims": len(claims.claims),
                "entities": len(entities.entities),
            }
        )
    )
    assert len(results) == 1 and claims.article_id == article.id
    for claim in claims.claims:  # every evidence span points into the text
        assert text[claim.start : claim.end] == claim.text


@pytest.mark.timeout(120)
def test_text_beyond_the_models_max_length_is_rejected_not_parsed(nlp: Any) -> None:
    """Longer than spaCy's ``max_length``: a clear error before any parsing; the worker
    dead-letters it as ``extract_error`` (agent.py) and keeps going."""
    text = "Marrow council met. " * (nlp.max_length // 20 + 10)
    article = Article(id="adv-huge", source="test-outlet", text=text, original_text=text)
    started = time.perf_counter()
    with pytest.raises(ValueError, match="max_length"):
        extract_batch(nlp, [article])
    print(
        json.dumps(
            {
                "case": "beyond_max_length",
                "chars": len(text),
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
    )
