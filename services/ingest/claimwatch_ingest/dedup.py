"""Which articles are copies of which: exact repeats, exact copies, and near duplicates.

- **seen**: the same article id again (a second poll, a client retry) -> nothing is produced.
- **exact**: the same normalised text under another source (a wire story republished
  verbatim) -> produced with ``duplicate_of`` and ``duplicate_kind="exact"``.
- **near**: a syndicated or lightly edited copy (another dateline, headline, a trimmed
  paragraph, a credit line) -> produced with ``duplicate_kind="near"``.

Near duplicates use MinHash over word 5-gram shingles of the lower-cased words, indexed in a
datasketch ``MinHashLSH`` with the configured Jaccard threshold; an LSH candidate counts
only if its estimated Jaccard similarity really is at or above the threshold. Why word
5-grams: on our own examples (tests/fixtures/ingest/syndication, figures in docs/ingest.md)
copies keep 0.7-0.9 of them while different outlets' stories on the same event share under
0.05 — a wide gap; shorter shingles narrow it because reports of one event share names,
numbers and stock phrases.

Every copy points at the *first* article of its family (not at an intermediate copy), so the
alert service can count independent sources by ``duplicate_of or id``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from claimwatch.models import DuplicateKind

SHINGLE_WORDS = 5
NUM_PERM = 128
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-grams of the lower-cased words; a short text is one shingle."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity (for measuring; the index uses the MinHash estimate)."""
    return len(a & b) / len(a | b) if a or b else 1.0


def minhash(text: str, size: int = SHINGLE_WORDS) -> MinHash:
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch([s.encode("utf-8") for s in shingles(text, size)])
    return m


def content_hash(text: str) -> str:
    """Hash of the normalised text alone (source excluded): finds verbatim copies."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Match:
    """Why an article is a copy: of which original, how, and how similar."""

    original_id: str
    kind: DuplicateKind
    similarity: float


class DuplicateIndex:
    """In-memory index of every article seen; rebuilt from the articles topic at start-up.

    Not thread-safe: used from one asyncio event loop.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._hashes: dict[str, MinHash] = {}
        self._root: dict[str, str] = {}  # article id -> id of the first article of its family
        self._by_content: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._root)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._root

    def root_of(self, article_id: str) -> str | None:
        """The original this article copies (itself if it is an original), if known."""
        return self._root.get(article_id)

    def match(self, text: str, sketch: MinHash | None = None) -> Match | None:
        """The original ``text`` copies, if any (exact copy first, then the nearest copy)."""
        exact = self._by_content.get(content_hash(text))
        if exact is not None:
            return Match(self._root[exact], DuplicateKind.EXACT, 1.0)
        sketch = sketch or minhash(text)
        best: Match | None = None
        for candidate in self._lsh.query(sketch):
            similarity = float(sketch.jaccard(self._hashes[candidate]))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(self._root[candidate], DuplicateKind.NEAR, similarity)
        return best

    def add(self, article_id: str, text: str, duplicate_of: str | None = None) -> None:
        """Record an article (idempotent: adding the same id twice changes nothing)."""
        if article_id in self._root:
            return
        root = self._root.get(duplicate_of, duplicate_of) if duplicate_of else article_id
        self._root[article_id] = root
        self._by_content.setdefault(content_hash(text), article_id)
        sketch = minhash(text)
        self._hashes[article_id] = sketch
        self._lsh.insert(article_id, sketch)
