"""Near-duplicate detection measured on our own syndication examples (no broker).

tests/fixtures/ingest/syndication holds two events, each told by a wire agency, a syndicated
copy of that wire story (other dateline and headline, a trimmed paragraph, a credit line) and
independent reports by other outlets. Copies must be flagged; independent reports of the
same event must not. docs/ingest.md records the similarities printed by bench/bench_ingest.py.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from claimwatch.models import DuplicateKind
from claimwatch.settings import Settings
from claimwatch_ingest.dedup import DuplicateIndex, jaccard, shingles
from claimwatch_ingest.files import iter_article_paths, read_article_file
from claimwatch_ingest.normalise import normalise

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "syndication"
COPIES = {frozenset({"northwire", "daily-courier"}), frozenset({"eurowire", "the-ledger"})}
THRESHOLD = Settings().near_duplicate_threshold


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    out = {}
    for path in iter_article_paths([FIXTURES]):
        raw = read_article_file(path)
        out[raw.source] = normalise(raw.body, raw.content_type)
    assert len(out) == 8
    return out


def test_copies_are_above_and_independent_reports_far_below_the_threshold(
    texts: dict[str, str],
) -> None:
    for a, b in combinations(sorted(texts), 2):
        similarity = jaccard(shingles(texts[a]), shingles(texts[b]))
        if frozenset({a, b}) in COPIES:
            assert similarity >= THRESHOLD + 0.1, (a, b, similarity)
        else:
            assert similarity <= THRESHOLD / 4, (a, b, similarity)


def test_index_flags_syndicated_copies_and_only_them(texts: dict[str, str]) -> None:
    index = DuplicateIndex(THRESHOLD)
    order = [
        "northwire", "coastal-times", "daily-courier", "metro-herald",
        "eurowire", "capital-post", "the-ledger", "harbour-gazette",
    ]  # fmt: skip
    flagged = {}
    for source in order:
        match = index.match(texts[source])
        flagged[source] = match
        index.add(source, texts[source], match.original_id if match else None)
    assert flagged["daily-courier"] is not None
    assert flagged["daily-courier"].original_id == "northwire"
    assert flagged["daily-courier"].kind is DuplicateKind.NEAR
    assert flagged["the-ledger"] is not None
    assert flagged["the-ledger"].original_id == "eurowire"
    independent = {"northwire", "coastal-times", "metro-herald", "eurowire", "capital-post",
                   "harbour-gazette"}  # fmt: skip
    assert {s for s, m in flagged.items() if m is None} == independent


def test_exact_copy_under_another_source_is_exact_and_points_at_the_first(
    texts: dict[str, str],
) -> None:
    index = DuplicateIndex(THRESHOLD)
    index.add("a1", texts["eurowire"])
    index.add("a2", texts["the-ledger"], duplicate_of="a1")
    exact = index.match(texts["eurowire"])
    assert exact is not None and exact.kind is DuplicateKind.EXACT and exact.original_id == "a1"
    # a copy of a copy points at the family's first article, not at the intermediate copy
    index.add("a3", texts["the-ledger"] + "\n\nAdditional reporting by staff.", "a2")
    assert index.root_of("a3") == "a1"


def test_adding_twice_is_idempotent(texts: dict[str, str]) -> None:
    index = DuplicateIndex(THRESHOLD)
    index.add("x", texts["northwire"])
    index.add("x", texts["northwire"])
    assert len(index) == 1 and "x" in index and index.root_of("x") == "x"


def test_short_texts_get_one_shingle() -> None:
    assert shingles("Quake hits coast") == {"quake hits coast"}
    assert shingles("") == set()
