"""spaCy entities → canonical entities with stable ids.

Why: the alert service groups articles into stories and rules filter on entity ids, so "UK",
"Britain" and "British" must be one id, "Zelenskyy" and "Zelensky" too, and a surname-only
"Voronin" later in an article must be the "Arkady Voronin" named earlier. Resolution order:

1. gazetteer (``data/gazetteer.yaml``): names, aliases and demonyms → Wikidata ids where known;
2. people: surname-only mentions join the full name seen in the same article; transliteration
   variants join by fuzzy match (rapidfuzz) on the surname;
3. otherwise a slug id from the name (``person:arkady-voronin``, ``gpe:...``, ``org:...``); person
   slugs are transliteration-folded (doubled letters and word-final -iy/-yy/-y → -i) so that
   variants seen in *different* articles still get the same id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process
from spacy.tokens import Doc, Span

from claimwatch.models import Entity, Mention
from claimwatch.yamlload import load_yaml_model
from claimwatch_extract.lexicon import Lexicon, load_lexicon

LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC"})
SURNAME_MIN_SCORE = 80.0  # Karimi/Karimy = 83, Zelensky/Zelenskyy = 94
FULLNAME_MIN_SCORE = 90.0


class GazetteerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    type: str
    aliases: list[str] = []
    demonyms: list[str] = []


class Gazetteer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entities: list[GazetteerEntry]

    def model_post_init(self, _: object) -> None:
        self._index: dict[str, GazetteerEntry] = {}
        self._demonyms: dict[str, GazetteerEntry] = {}
        for e in self.entities:
            for name in [e.name, *e.aliases]:
                self._index.setdefault(name_key(name), e)
            for d in e.demonyms:
                self._demonyms.setdefault(name_key(d), e)
        self._people = {k: e for k, e in self._index.items() if e.type == "PERSON"}

    def lookup(self, text: str) -> GazetteerEntry | None:
        return self._index.get(name_key(text))

    def demonym(self, text: str) -> GazetteerEntry | None:
        return self._demonyms.get(name_key(text))

    def fuzzy_person(self, text: str) -> GazetteerEntry | None:
        found = process.extractOne(
            name_key(text), list(self._people), scorer=fuzz.ratio, score_cutoff=88
        )
        return self._people[found[0]] if found else None


@lru_cache(maxsize=2)
def load_gazetteer(name: str = "gazetteer.yaml") -> Gazetteer:
    path = resources.files("claimwatch_extract").joinpath("data", name)
    return load_yaml_model(path, Gazetteer)


_POSSESSIVE_END = re.compile(r"'s$")
_CURLY_POSSESSIVE_END = re.compile(r"['’]s$")
_THE_START = re.compile(r"^the\s+")
_THE_START_CASED = re.compile(r"^(the|The)\s+")
_SPACES = re.compile(r"\s+")
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_Y = re.compile(r"(iy|yi|y|ii)\b")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def name_key(text: str) -> str:
    """Case-, dot- and article-insensitive lookup key: "the U.S." → "us"."""
    t = text.lower().replace(".", "").replace("’", "'")
    t = _POSSESSIVE_END.sub("", t.strip())
    t = _THE_START.sub("", t)
    return _SPACES.sub(" ", t).strip()


def fold(text: str) -> str:
    """ASCII-fold and fold common transliteration variants of a name for stable ids."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = _DOUBLED.sub(r"\1", t)  # doubled letters: Zelenskyy → Zelensky
    t = _FINAL_Y.sub("i", t)  # word-final -iy/-y: Zelensky(i)/Karimy → ...i
    return t


def slug(text: str) -> str:
    return _NON_SLUG.sub("-", text.lower()).strip("-")


@dataclass
class _Cluster:
    id: str
    name: str
    type: str
    wikidata: str | None
    mentions: list[Mention] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass
class EntityIndex:
    """Canonical entities of one article plus lookups the claim extractors need."""

    clusters: list[_Cluster]
    by_start: dict[int, _Cluster]  # ent.start_char → cluster
    # ent.start (token) → entity span, every label: Doc.ents rebuilds its tuple on each access
    spans: dict[int, Span] = field(default_factory=dict)

    def entities(self) -> list[Entity]:
        return [
            Entity(id=c.id, name=c.name, type=c.type, wikidata=c.wikidata, mentions=c.mentions)
            for c in self.clusters
        ]

    def at(self, span: Span) -> _Cluster | None:
        return self.by_start.get(span.start_char)

    def span_starting_at(self, token_i: int) -> Span | None:
        return self.spans.get(token_i)

    def titles(self, cluster: _Cluster) -> set[str]:
        return cluster.titles

    def last_person_before(self, char: int) -> _Cluster | None:
        best: tuple[int, _Cluster] | None = None
        for start, c in self.by_start.items():
            if c.type == "PERSON" and start < char and (best is None or start > best[0]):
                best = (start, c)
        return best[1] if best else None


def _strip_person(ent: Span, lex: Lexicon) -> tuple[str, int]:
    """Drop leading titles, a trailing possessive, and a speech verb (with what follows) the
    tagger took for part of a name in a title-case headline ("Valdo Says Talks ..."); returns
    (name, start_char)."""
    toks = list(ent)
    titles = set(lex.actors.titles)
    while len(toks) > 1 and toks[0].lower_.rstrip(".") in titles:
        toks = toks[1:]
    while toks and toks[-1].lower_ in ("'s", "’s", "'"):
        toks = toks[:-1]
    said = next((i for i, t in enumerate(toks) if i and t.lower_ in lex.speech_verb_forms), None)
    if said is not None:  # "Valdo Says Talks Are Possible": the name ends before the verb
        toks = toks[:said]
    if not toks:
        return ent.text, ent.start_char
    # a span's text, not doc.text[...]: Doc.text is rebuilt from every token on each access
    return ent.doc[toks[0].i : toks[-1].i + 1].text, toks[0].idx


def _titles_near(ent: Span) -> set[str]:
    """Words that say who a person is: "Defence Minister X", "X, the army chief"."""
    doc = ent.doc
    words: list[str] = []
    i = ent.start - 1
    while i >= 0 and i >= ent.start - 5 and doc[i].pos_ in ("PROPN", "NOUN", "ADJ"):
        words.insert(0, doc[i].lemma_.lower())
        i -= 1
    out = {" ".join(words)} if words else set()
    root = ent.root
    for tok in (root.head, *root.children):
        if tok.dep_ == "appos" or (root.dep_ == "appos" and tok.i == root.head.i):
            words = [t.lemma_.lower() for t in tok.subtree if not ent.start <= t.i < ent.end]
            out.add(" ".join(words))
    out |= {t.lemma_.lower() for t in ent if t.lower_.rstrip(".") in ("general", "colonel")}
    # "Kestria's Valdo" (headline style): the country's leader or official
    possessed = ent.start > 1 and doc[ent.start - 1].lower_ in ("'s", "’s")
    if possessed and doc[ent.start - 2].ent_type_ == "GPE":
        out.add("state")
    return out


def canonicalise(
    doc: Doc,
    gaz: Gazetteer | None = None,
    lex: Lexicon | None = None,
    doc_text: str | None = None,
) -> EntityIndex:
    """Group the doc's entity mentions into canonical entities with stable ids.

    ``doc_text`` is the doc's text when the caller has it (``Doc.text`` is rebuilt on each access).
    """
    gaz = gaz or load_gazetteer()
    lex = lex or load_lexicon()
    clusters: dict[str, _Cluster] = {}
    people: list[_Cluster] = []
    by_start: dict[int, _Cluster] = {}
    ents = doc.ents
    for ent in ents:
        if ent.label_ not in LABELS:
            continue
        label = ent.label_
        text, start = _strip_person(ent, lex) if label == "PERSON" else (ent.text, ent.start_char)
        text = _CURLY_POSSESSIVE_END.sub("", text).strip()
        if not text or not any(ch.isalpha() for ch in text):
            continue
        cluster = _resolve(text, label, gaz, clusters, people)
        if cluster is None:
            continue
        cluster.mentions.append(Mention(text=text, start=start, end=start + len(text)))
        if label == "PERSON":
            cluster.titles |= _titles_near(ent)
        by_start[ent.start_char] = cluster
    if _add_dateline_places(doc.text if doc_text is None else doc_text, lex, gaz, clusters, people):
        ordered = sorted(clusters.values(), key=lambda c: c.mentions[0].start)
    else:
        ordered = list(clusters.values())
    return EntityIndex(ordered, by_start, {e.start: e for e in ents})


def _add_dateline_places(
    text: str,
    lex: Lexicon,
    gaz: Gazetteer,
    clusters: dict[str, _Cluster],
    people: list[_Cluster],
) -> bool:
    """Each dateline's place as a place entity; True when one was added.

    Why: the tagger rarely reads a place set in capitals, so a report that names its city
    only in the dateline shared no place with the other reports of the event, and whether
    it joined their story hung on which report arrived first. The mention is not indexed by
    position (``by_start``): a dateline is never a claim's actor.
    """
    added = False
    for match in lex.datelines.regex.finditer(text):
        raw = lex.datelines.place(match.group(0))
        if raw is None:
            continue
        place = " ".join(w.capitalize() for w in raw.split())
        known = set(clusters)
        cluster = _resolve(place, "GPE", gaz, clusters, people)
        start = match.start()
        if cluster is None or cluster.type == "PERSON":
            if cluster is not None and cluster.id not in known:  # a gazetteer person
                del clusters[cluster.id]
                people.remove(cluster)
            continue
        if any(m.start == start for m in cluster.mentions):
            continue  # the tagger read it too
        cluster.mentions.append(Mention(text=raw, start=start, end=start + len(raw)))
        cluster.mentions.sort(key=lambda m: m.start)
        added = True
    return added


def _resolve(
    text: str,
    label: str,
    gaz: Gazetteer,
    clusters: dict[str, _Cluster],
    people: list[_Cluster],
) -> _Cluster | None:
    entry = gaz.demonym(text) if label == "NORP" else gaz.lookup(text)
    if entry is None and label == "NORP":
        entry = gaz.lookup(text)
    if entry is None and label in ("ORG", "GPE") and len(text.split()) == 1:
        # spaCy often tags a bare surname as ORG/GPE: "Voronin said ..."
        person = next((p for p in people if fold(p.surname) == fold(text)), None)
        if person is not None:
            return person
    if entry is None and label == "PERSON":
        person = _match_person(text, people)
        if person is not None:
            if len(text.split()) > len(person.name.split()):
                person.name = text  # prefer the fullest form as the display name
            return person
        entry = gaz.fuzzy_person(text)
    if entry is not None:
        return _get(clusters, entry.id, entry.name, entry.type, entry.id, people)
    if label == "PERSON":
        return _get(clusters, f"person:{slug(fold(text))}", text, label, None, people)
    prefix = {"GPE": "gpe", "LOC": "loc", "ORG": "org", "NORP": "norp", "FAC": "fac"}[label]
    name = _THE_START_CASED.sub("", text)
    return _get(clusters, f"{prefix}:{slug(name)}", name, label, None, people)


def _get(
    clusters: dict[str, _Cluster],
    cid: str,
    name: str,
    type_: str,
    wikidata: str | None,
    people: list[_Cluster],
) -> _Cluster:
    if cid not in clusters:
        clusters[cid] = _Cluster(cid, name, type_, wikidata if wikidata else None)
        if type_ == "PERSON":
            people.append(clusters[cid])
    return clusters[cid]


def _match_person(text: str, people: list[_Cluster]) -> _Cluster | None:
    """Same person earlier in the article: full-name fuzzy match, or surname match."""
    parts = text.split()
    best: tuple[float, _Cluster] | None = None
    for p in people:
        if len(parts) > 1 and len(p.name.split()) > 1:
            score = fuzz.ratio(fold(text), fold(p.name))
            if score < FULLNAME_MIN_SCORE:
                continue
        elif len(parts) == 1 and fold(text) == fold(p.name.split()[0]) != fold(p.surname):
            score = 100.0  # family name first: "Mr Moon" is Moon Jae-in
        else:
            a, b = fold(parts[-1]), fold(p.surname)
            if a[:1] != b[:1]:
                continue
            score = fuzz.ratio(a, b)
            if score < SURNAME_MIN_SCORE:
                continue
            if len(parts) > 1 and len(p.name.split()) > 1 and parts[0] != p.name.split()[0]:
                continue
        if best is None or score > best[0]:
            best = (score, p)
    return best[1] if best else None
