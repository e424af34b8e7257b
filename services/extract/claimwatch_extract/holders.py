"""Figures that belong to a named holder: a person's age, a team's or fighter's record after
the event, a player's career total.

Why: "Jane Roe, 31," and "the 32-year-old Jane Roe" state one fact about one person, while
"Jane Roe, 31," and "John Poe, 45," state two; without its holder every age in a story would
share one key (and so would every team's wins and every player's points). The holder's name
is part of the fact key, normalised across outlets (titles dropped, ASCII-folded, first and
last word, a surname alone resolved to the first full name the article gives it), so only the
same holder's same figure is ever compared. Read here:

* an age: "Jane Roe, 31,", "Jane Roe (31)", "the 31-year-old Jane Roe", "a 31-year-old
  nurse, Jane Roe,";
* a record: "the Rovers (8-3)", "Roe (22-3, 18 KOs)", "Roe, 22-3, 18 KOs,", "improved
  his record to 22-3", "the Rovers' record fell to 9-6": wins, losses, and knockouts;
* games a player missed: "Roe missed nine games this season" (not "the last three");
* a game's final score, "a 91-73 victory", "beat the Rovers, 91-73", keyed by the score:
  a mark of the game only (``quantity:point:final_score``, never compared itself);
* which of a holder's repeated events this was: "Roe's sixth defence of the title", "Roe
  made the sixth defence of her belt", "Roe retained her title for the fifth time";
* the length of a player's long play: "Roe's 86-yard touchdown run", "Roe ran for 226
  yards, including an 84-yard scamper" (metres; ``unit`` "m", ``factor`` to metres);
* a career total: "now has 1,944 career points", "scored 18 points and now has 1,944 for
  her career" (not "a career-high 31 points", not what a player "entered the game with");
  a named person's running total, "Roe now has 1,944 points" (not "this season"), or
  without its noun, "Roe now has 1,944." after a sentence counting points; a total written
  "1, 944" too;
* the total a record holder set, as another player breaks or reaches it: "broke Jane
  Roe's scoring record of 1,944 points", "to tie Roe's mark of 1,944" (frame
  ``held_record``, keyed by Roe, never by the one who broke it).

Pure: a parsed sentence in, ``HolderFigure`` values out; vocabulary in ``data/facts.yaml``
(``holders``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span, Token

from claimwatch_extract.fact_lexicon import HolderWords
from claimwatch_extract.token_table import TokenTable, token_table

_DIGITS = re.compile(r"^\d{1,4}$")
_THREE = re.compile(r"^\d{3}$")
_HIGH = re.compile(r"^[1-9]\d{0,2}$")
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# entity labels a person's name is never given: "Paris, 12," is no age
_NOT_PEOPLE = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "EVENT", "PRODUCT", "LAW"})
_MAX_AGE = 115
_MAX_TITLE_WORDS = 3
# a misspelt surname: this long at least, and this close (rapidfuzz ratio) to a known one
_MIN_FUZZY = 6
_FUZZY_RATIO = 88


@dataclass(frozen=True)
class HolderFigure:
    """One figure of a named holder."""

    number: Token
    value: float
    unit: str  # year, win, loss, knockout, point ...
    frame: str  # age, standing (a won-lost record), career, missed, held_record
    holder: str  # the normalised key: "jane roe"
    name: str  # as written: "Jane Roe"
    factor: float | None = None
    """A measured figure (a play's length): the stated unit's factor to ``unit``."""


def _fold(word: str) -> str:
    text = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9-]", "", text)


@dataclass(frozen=True)
class HolderNames:
    """The article's full names by surname: a surname alone ("Roe, 31,") is the first full
    name of the article that ends with it. News style names the main person first and, once
    introduced, by surname; a relative who shares it keeps a full or first name."""

    by_surname: dict[str, tuple[str, str]]
    proper: frozenset[str]
    """Words the article tags as proper nouns somewhere."""
    persons: frozenset[str] = frozenset()
    """Surnames (folded) the article tags as a person's somewhere: the small model tags a
    surname alone as an organisation at times."""

    @classmethod
    def of(cls, doc: Doc, words: HolderWords, table: TokenTable) -> HolderNames:
        """``table``: the article's token table (token_table.py), so the proper-noun scans
        read plain lists and build a spaCy token only inside a run."""
        found: dict[str, tuple[str, str]] = {}
        runs = [list(e) for e in doc.ents if e.label_ in _NAME_LABELS]
        runs += [[doc[i] for i in run] for run in _propn_runs(table)]
        for run in sorted(runs, key=lambda r: r[0].i):
            toks = _strip_titles(run, words)
            if len(toks) >= 2 and all(_name_word(t) for t in toks):
                key = f"{_fold(toks[0].text)} {_fold(toks[-1].text)}"
                found.setdefault(_fold(toks[-1].text), (key, " ".join(t.text for t in toks)))
        proper = frozenset(doc[i].text for i, pos in enumerate(table.pos) if pos == "PROPN")
        persons = frozenset(_fold(e[-1].text) for e in doc.ents if e.label_ == "PERSON")
        return cls(found, proper, persons)

    def resolve(self, toks: list[Token]) -> tuple[str, str] | None:
        """(key, display name) of a name's tokens."""
        if not toks:
            return None
        if len(toks) >= 2:
            key = f"{_fold(toks[0].text)} {_fold(toks[-1].text)}"
            return key, " ".join(t.text for t in toks)
        surname = _fold(toks[0].text)
        found = self.by_surname.get(surname) or self._misspelt(surname)
        return found or (surname, toks[0].text)

    def _misspelt(self, surname: str) -> tuple[str, str] | None:
        """The one full name whose surname this is, misspelt ("Klitchsko" for "Klitschko":
        two letters swapped or one off): a long surname the article gives nowhere else."""
        if len(surname) < _MIN_FUZZY:
            return None
        near = [
            name
            for known, name in self.by_surname.items()
            if known[:1] == surname[:1] and fuzz.ratio(known, surname) >= _FUZZY_RATIO
        ]
        return near[0] if len(near) == 1 else None


def doer_name(verb: Token, words: HolderWords, names: HolderNames) -> tuple[str, str] | None:
    """(key, display name) of the person who did ``verb`` ("Jane Roe fell 60 m", "Roe died
    after slipping and falling 60 m", "a climber, Jane Roe, fell"): the named subject of the
    verb or of the verbs it hangs from, else None."""
    cur = verb
    for _ in range(5):
        subjects = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
        for subj in subjects:
            for tok in (subj, *(c for c in subj.children if c.dep_ == "appos")):
                toks = _name_ending_at(tok, words, names)
                if toks and _person_like(toks, names):
                    return names.resolve(toks)
        if subjects:
            return None  # the subject names no one: "the man fell"
        if cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _propn_runs(table: TokenTable) -> list[list[int]]:
    """Token indices of runs of proper nouns outside any entity (the tagger misses some
    names)."""
    runs: list[list[int]] = []
    run: list[int] = []
    for i, (pos, ent) in enumerate(zip(table.pos, table.ent_type, strict=True)):
        if pos == "PROPN" and not ent:
            run.append(i)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = []
    if len(run) >= 2:
        runs.append(run)
    return runs


def _strip_titles(toks: list[Token], words: HolderWords) -> list[Token]:
    while len(toks) > 1 and toks[0].lower_.rstrip(".") in words.titles:
        toks = toks[1:]
    while toks and toks[-1].lower_ in ("'s", "’s", "'"):
        toks = toks[:-1]
    return toks


def _name_ending_at(tok: Token, words: HolderWords, names: HolderNames) -> list[Token]:
    """The name whose last word is ``tok``: its entity when it is one, else its run of
    proper nouns; without leading titles ("Mr", "coach")."""
    doc = tok.doc
    if not _name_word(tok, names):
        return []
    start = tok.i
    if tok.ent_type_ and tok.ent_iob_ in ("B", "I"):
        while start > 0 and doc[start].ent_iob_ == "I" and _name_word(doc[start - 1], names):
            start -= 1
    else:
        while start > 0 and _name_word(doc[start - 1], names) and not doc[start - 1].ent_type_:
            start -= 1
    return _strip_titles(list(doc[start : tok.i + 1]), words)


def _name_word(tok: Token, names: HolderNames | None = None) -> bool:
    """A word of a name: a proper noun, or a capitalised noun inside a sentence (the tagger
    reads the "Kings" of "the Harbour Kings" as a noun), or at its start when the article
    uses the word as a proper noun elsewhere (a surname opening a sentence)."""
    if tok.pos_ == "PROPN":
        return True
    if tok.pos_ != "NOUN" or not tok.is_title:
        return False
    return not tok.is_sent_start or (names is not None and tok.text in names.proper)


def _person_like(toks: list[Token], names: HolderNames) -> bool:
    """A name that can have an age: not a place or a date; an organisation only when the
    article gives the word as a person's surname (the tagger often calls a surname ORG)."""
    label = toks[-1].ent_type_
    if label in _NOT_PEOPLE:
        return False
    if label == "ORG":
        return len(toks) == 1 and _fold(toks[0].text) in names.by_surname
    return True


def _number(tok: Token) -> float | None:
    text = tok.text.replace(",", "")
    return float(text) if _DIGITS.match(text) else None


def _total(tok: Token) -> float | None:
    """A total's value: "2,301"; "2, 301" too (some feeds put a space after the thousands
    comma), not a list ("1, 200, 300") nor a date and a count ("May 1, 200 fans"). The
    first part of a spaced total is no total of its own (None)."""
    doc, i = tok.doc, tok.i
    if _spaced_at(doc, i + 2):
        return None
    value = _number(tok)
    if value is None or not _spaced_at(doc, i):
        return value
    high = _number(doc[i - 2])
    return None if high is None else high * 1000 + value


def _spaced_at(doc: Doc, i: int) -> bool:
    """``doc[i]`` is the last three digits of a thousands figure written "2, 301"."""
    if i < 2 or i >= len(doc) or not _THREE.match(doc[i].text) or doc[i - 1].text != ",":
        return False
    high = doc[i - 2]
    if not _HIGH.match(high.text) or high.ent_type_ == "DATE" or not doc[i - 1].whitespace_:
        return False
    listed = (i >= 3 and doc[i - 3].text == ",") or (
        i + 2 < len(doc) and doc[i + 1].text == "," and doc[i + 2].text[:1].isdigit()
    )
    return not listed


def _digit_tokens(sent: Span, lowered: Sequence[str]) -> Iterator[Token]:
    """The sentence's tokens that start with a digit (the only ones ``_number`` reads), found
    from its lower-case words: a digit's lower case is itself."""
    for k, word in enumerate(lowered):
        if word[:1].isdigit():
            yield sent[k]


# --------------------------------------------------------------------------- ages


def _age_after_name(num: Token, words: HolderWords, names: HolderNames) -> list[Token]:
    """ "Jane Roe, 31," / "Jane Roe (31)" / "Jane Roe, aged 31,": the name before."""
    doc = num.doc
    lower = token_table(doc).lower
    i = num.i - 1
    if i >= 0 and lower[i] == "aged":
        i -= 1
    if i < 1 or lower[i] not in (",", "("):  # punctuation is its own lower case
        return []
    closer = ")" if doc[i].text == "(" else None
    after = doc[num.i + 1] if num.i + 1 < len(doc) else None
    if closer is not None and (after is None or after.text != closer):
        return []
    if closer is None and after is not None and after.text not in (",", ".", ";", "and"):
        return []
    listed = after is not None and after.text == "," and num.i + 2 < len(doc)
    if listed and doc[num.i + 2].like_num:  # "Roe, 31, 24, 18": a list of figures, not an age
        return []
    toks = _name_ending_at(doc[i - 1], words, names)
    return toks if toks and _person_like(toks, names) else []


def _year_old(num: Token) -> Token | None:
    """The "old" of "31-year-old" (or "31 years old" before a noun) after ``num``."""
    doc = num.doc
    words = token_table(doc).lower[num.i + 1 : num.i + 5]
    for pattern in (["-", "year", "-", "old"], ["-", "years", "-", "old"]):
        if words[: len(pattern)] == pattern:
            return doc[num.i + len(pattern)]
    return None


def _age_before_name(num: Token, words: HolderWords, names: HolderNames) -> list[Token]:
    """ "the 31-year-old Jane Roe", "31-year-old nurse Jane Roe", "a 31-year-old nurse,
    Jane Roe,": the name the age is said of."""
    old = _year_old(num)
    if old is None:
        return []
    head = old
    for _ in range(4):  # up the noun phrase: "old" -> "nurse" -> "Roe"
        if head.dep_ not in ("amod", "compound", "npadvmod") or head.head.i == head.i:
            break
        head = head.head
    if head.i <= old.i:
        return []
    if head.pos_ != "PROPN":
        head = next((c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"), head)
    toks = _name_ending_at(head, words, names) if head.pos_ == "PROPN" else []
    toks = [t for t in toks if t.i > old.i]
    return toks if toks and _person_like(toks, names) else []


def _ages(
    sent: Span, lowered: Sequence[str], words: HolderWords, names: HolderNames
) -> Iterator[HolderFigure]:
    for tok in _digit_tokens(sent, lowered):
        value = _number(tok)
        if value is None or not 0 < value <= _MAX_AGE or tok.text.startswith("0"):
            continue
        toks = _age_before_name(tok, words, names) or _age_after_name(tok, words, names)
        who = names.resolve(toks) if toks else None
        if who is not None:
            yield HolderFigure(tok, value, "year", "age", *who)


# --------------------------------------------------------------------------- records


def _record_at(tok: Token, words: HolderWords) -> list[Token] | None:
    """The numbers of a won-lost record starting at ``tok`` ("8-3", "27-4-1")."""
    doc = tok.doc
    lower = token_table(doc).lower  # a dash is its own lower case
    out = [tok]
    i = tok.i
    while i + 2 < len(doc) and lower[i + 1] in words.dashes and _number(doc[i + 2]):
        out.append(doc[i + 2])
        i += 2
    return out if 2 <= len(out) <= 3 else None


def _knockouts(after: Token, words: HolderWords) -> Token | None:
    """ "(22-3, 18 KOs)", "22-3 with 18 knockouts", "with 18 wins by knockout": the number
    of knockouts right after a record."""
    doc = after.doc
    stop = min(len(doc), after.i + 8)
    for tok in doc[after.i + 1 : stop]:
        if tok.text in (")", ";") or tok.is_sent_start:
            return None
        if _number(tok) is None:
            continue
        nxt = [t.lower_ for t in doc[tok.i + 1 : tok.i + 4]]
        if nxt and (nxt[0] in words.knockout_words or nxt[:3] == ["wins", "by", "knockout"]):
            return tok
        return None
    return None


def _record_holder(
    first: Token, last: Token, words: HolderWords, names: HolderNames
) -> list[Token]:
    """Whose record it is: the name right before "(" or ",", the owner of "record" in
    "X's record (rose) to", or the subject of "improved (his record) to"."""
    doc = first.doc
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and before.text in ("(", ",") and first.i >= 2:  # "Roe (22-3)"
        closer = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if closer is None or closer.text not in (")", ","):
            return []
        if before.text == "," and _knockouts(last, words) is None:
            return []  # "beat the Rovers, 31-24, on Sunday": a score; "Roe, 22-3, 18 KOs,"
        return _name_ending_at(doc[first.i - 2], words, names)
    if before is None or before.lower_ not in ("to", "at"):
        return []
    verb = before.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.lemma_.lower() not in words.record_verbs:
        return []
    record = next(
        (t for t in verb.subtree if t.lemma_.lower() in words.record_nouns and t.i < first.i),
        None,
    )
    if record is not None:
        owner = next((c for c in record.children if c.dep_ == "poss"), None)
        if owner is not None and _name_word(owner, names):
            return _name_ending_at(owner, words, names)
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None and verb.dep_ == "conj":  # "Roe struggled early and fell to 22-3"
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is not None and _name_word(subj, names):
        return _name_ending_at(subj, words, names)
    return []


def _final_score(first: Token, last: Token, words: HolderWords) -> bool:
    """ "a 91-73 victory", "the Rovers' 91-73 win", "beat the Rovers, 91-73", "defeated the
    Rovers 91-73": a game's final score, not a score in play ("closed to 47-44")."""
    doc = first.doc
    after = doc[last.i + 1 : last.i + 3]  # "a 91-73 victory", "a 91-73 road win"
    if after and after[0].lemma_.lower() in words.score_nouns:
        return True
    if len(after) == 2 and after[0].pos_ == "NOUN" and after[1].lemma_.lower() in words.score_nouns:
        return True
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and before.text == "," and first.i > 1:
        before = doc[first.i - 2]
    if before is None or before.pos_ not in ("PROPN", "NOUN"):
        return False
    verb = before
    while verb.dep_ in ("compound", "amod", "nmod") and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "dobj" and verb.head.lemma_.lower() in words.score_verbs


def _score_mark(first: Token, last: Token) -> HolderFigure:
    """A final score as a mark of its game: keyed by the score itself ("91-73"), so only
    the same score meets it."""
    high, low = _number(first), _number(last)
    assert high is not None and low is not None  # _record_at checked them
    score = f"{int(max(high, low))}-{int(min(high, low))}"
    return HolderFigure(first, max(high, low), "point", "final_score", score, score)


def _in_some_games(last: Token, words: HolderWords) -> bool:
    """ "9-1 in one-score games", "4-2 in road games": a record over a kind of game (the
    plural of a game noun soon after "in"), a part of the season."""
    doc = last.doc
    if last.i + 1 >= len(doc) or doc[last.i + 1].lower_ != "in":
        return False
    return any(
        t.tag_ == "NNS" and t.lemma_.lower() in words.missed_nouns
        for t in doc[last.i + 2 : last.i + 7]
    )


def _records(
    sent: Span, lowered: Sequence[str], words: HolderWords, names: HolderNames
) -> Iterator[HolderFigure]:
    done = -1
    for tok in _digit_tokens(sent, lowered):
        if tok.i <= done or _number(tok) is None:
            continue
        record = _record_at(tok, words)
        if record is None:
            continue
        done = record[-1].i
        after = {t.lower_ for t in sent.doc[done + 1 : done + 4]}
        if not after.isdisjoint(words.split_words) or _in_some_games(sent.doc[done], words):
            continue  # "fell to 2-6 at home": a part of the season, not the record
        who = names.resolve(_record_holder(record[0], record[-1], words, names))
        if who is None:
            if len(record) == 2 and _final_score(record[0], record[1], words):
                yield _score_mark(record[0], record[1])
            continue
        wins, losses = (_number(t) for t in record[:2])
        assert wins is not None and losses is not None  # _record_at checked them
        yield HolderFigure(record[0], wins, "win", "standing", *who)
        yield HolderFigure(record[1], losses, "loss", "standing", *who)
        kos = _knockouts(record[-1], words)
        if kos is not None:
            ko = _number(kos)
            assert ko is not None
            yield HolderFigure(kos, ko, "knockout", "standing", *who)


# --------------------------------------------------------------------------- career totals


def _career_noun(num: Token, words: HolderWords) -> Token | None:
    """ "1,944 career points": the counted noun, when "career" narrows it (not "a
    career-high 31 points")."""
    noun = num.head
    if num.dep_ != "nummod" or noun.pos_ != "NOUN":
        return None
    between = {t.lower_ for t in num.doc[num.i + 1 : noun.i]}
    if between.isdisjoint(words.career_words) or not between.isdisjoint(words.not_career):
        return None
    return noun


def _for_career(num: Token, words: HolderWords) -> bool:
    """ "now has 1,944 for her career", "1,944 points in her career"."""
    anchor = num.head if num.dep_ == "nummod" else num
    return any(
        c.dep_ == "prep"
        and c.lower_ in ("for", "in")
        and any(g.lower_ in words.career_words for g in c.children)
        for c in anchor.children
    )


def _unit_before(num: Token) -> str | None:
    """ "scored 18 points and now has 1,944 for her career": the noun the
    sentence counted last, for a total stated without one."""
    for tok in reversed(list(num.sent[: num.i - num.sent.start])):
        if tok.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in tok.children):
            return str(tok.lemma_.lower())
    return None


def _total_holder(num: Token, words: HolderWords, names: HolderNames) -> list[Token]:
    """The subject of the clause that states the total ("Roe now has ..."; "Roe, who now
    has ..."), or the owner of the counted noun ("Roe's 1,944 career points")."""
    noun = num.head if num.dep_ == "nummod" else num
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is not None and _name_word(owner, names):
        return _name_ending_at(owner, words, names)
    verb = noun.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.lemma_.lower() in words.before_verbs:
        return []  # "entered the night with 1,926 career points": the total before it
    for _ in range(3):
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.lower_ in ("who", "that") and verb.dep_ == "relcl":
            subj = verb.head
        if subj is not None:
            return _name_ending_at(subj, words, names)
        if verb.dep_ != "conj" or verb.head.i == verb.i:
            return []
        verb = verb.head  # "scored 18 and now has 1,944": the first verb's subject
    return []


def _unit_said_before(num: Token) -> str | None:
    """The noun counted last before ``num``, in its sentence or the one before it: what an
    elided total counts ("Poe ended with 2,290 points. Roe now has 2,301.")."""
    unit = _unit_before(num)
    start = num.sent.start
    if unit is not None or start == 0:
        return unit
    for tok in reversed(list(num.doc[start - 1].sent)):
        if tok.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in tok.children):
            return str(tok.lemma_.lower())
    return None


def _running_noun(num: Token, words: HolderWords) -> str | None:
    """ "Roe now has 2,301 points", "Roe, who now has 40 goals": the counted noun of a
    total a person "now has" (see ``running_*`` in data/facts.yaml); a total stated without
    its noun ("Roe now has 2,301.") counts what was counted just before it."""
    noun = num.head if num.dep_ == "nummod" else None
    if noun is None and num.dep_ == "dobj":
        unit = _unit_said_before(num)
        obj, counted = num, unit if unit in words.running_nouns else None
    elif noun is not None and noun.lemma_.lower() in words.running_nouns:
        obj = noun.head if noun.dep_ == "appos" else noun  # "has 2, 029 points": "2" the object
        counted = str(noun.lemma_.lower())
    else:
        return None
    if counted is None or obj.dep_ != "dobj":
        return None
    verb = obj.head
    if verb.lemma_.lower() not in words.running_verbs:
        return None
    if not any(c.dep_ == "advmod" and c.lower_ == "now" for c in verb.children):
        return None
    said = (t.lower_ for t in num.doc[num.i + 1 : verb.right_edge.i + 1])
    if not set(said).isdisjoint(words.running_spans):
        return None  # "now has 31 points this season", "... in the tournament"
    return counted


def _person_holder(toks: list[Token], names: HolderNames) -> bool:
    """A person, not a team or a place: "the Rovers now have 44 points" is a league table."""
    if not toks:
        return False
    return toks[-1].ent_type_ == "PERSON" or _fold(toks[-1].text) in names.persons


def _careers(
    sent: Span, lowered: Sequence[str], words: HolderWords, names: HolderNames
) -> Iterator[HolderFigure]:
    lower = set(lowered)
    said = not lower.isdisjoint(words.career_words)
    running = not said and "now" in lower
    for tok in _digit_tokens(sent, lowered):
        value = _total(tok)
        if value is None:
            continue
        if running:
            unit = _running_noun(tok, words)
            toks = _total_holder(tok, words, names) if unit is not None else []
            who = names.resolve(toks) if _person_holder(toks, names) else None
            if unit is not None and who is not None:
                yield HolderFigure(tok, value, unit, "career", *who)
            continue
        if _broken_record(tok, words) is not None:
            continue  # "broke Voss's record of 1,874 career points": Voss's, not the breaker's
        noun = _career_noun(tok, words)
        unit = str(noun.lemma_.lower()) if noun is not None else None
        if unit is None and _for_career(tok, words):
            head = tok.head
            unit = str(head.lemma_.lower()) if tok.dep_ == "nummod" else _unit_before(tok)
        if unit is None:
            continue
        who = names.resolve(_total_holder(tok, words, names))
        if who is not None:
            yield HolderFigure(tok, value, unit, "career", *who)


# --------------------------------------------------------------------------- records held


def _number_start(tok: Token) -> int:
    """The first token of the figure ``tok`` ends: the "1" of "1, 874"."""
    return tok.i - 2 if _spaced_at(tok.doc, tok.i) else tok.i


def _broken_record(tok: Token, words: HolderWords) -> Token | None:
    """ "broke Voss's record of 1,874", "to tie Voss's mark of 1,874": the record noun the
    figure states, when a verb of breaking or reaching it takes the record as its object;
    not the record of one period ("Voss's single-game record")."""
    doc, start = tok.doc, _number_start(tok)
    if start < 2 or doc[start - 1].lower_ != "of":
        return None
    record = doc[start - 2]
    if record.lower_ not in words.record_nouns or record.dep_ != "dobj":
        return None
    if record.head.lemma_.lower() not in words.record_broken_verbs:
        return None
    said = {t.lower_ for t in doc[record.left_edge.i : record.i]}
    return record if said.isdisjoint(words.record_periods) else None


def _record_counts(tok: Token, words: HolderWords) -> str | None:
    """What the record counts: its noun ("of 1,874 points", "of 1,874 career points"), or,
    stated without one ("Voss's scoring record of 1,874."), the noun counted just before
    it; None for a period's record told after the noun ("of 41 points in a game", "...
    this season")."""
    doc = tok.doc
    after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if tok.dep_ == "nummod" and tok.head.pos_ == "NOUN" and tok.head.i > tok.i:
        noun: Token | None = tok.head
    else:
        noun = after if after is not None and after.pos_ == "NOUN" else None
    if noun is None:
        counted = _unit_said_before(doc[_number_start(tok)]) or ""
    elif {t.lower_ for t in doc[noun.i + 1 : noun.i + 4]}.isdisjoint(words.record_periods):
        counted = str(noun.lemma_.lower())
    else:
        return None
    return counted if counted in words.running_nouns else None


def _held_records(
    sent: Span, lowered: Sequence[str], words: HolderWords, names: HolderNames
) -> Iterator[HolderFigure]:
    """The total a named record holder set, as the one who broke it is said to have passed
    it: keyed by the holder, so the record and the new total never meet."""
    for tok in _digit_tokens(sent, lowered):
        value = _total(tok)
        record = _broken_record(tok, words) if value is not None else None
        if value is None or record is None:
            continue
        unit = _record_counts(tok, words)
        owner = next((c for c in record.children if c.dep_ == "poss"), None)
        toks = _name_ending_at(owner, words, names) if owner is not None else []
        who = names.resolve(toks) if _person_holder(toks, names) else None
        if unit is not None and who is not None:
            yield HolderFigure(tok, value, unit, "held_record", *who)


_PLURALS = {"loss": "losses"}


_CUES: dict[int, frozenset[str]] = {}


def _repeated_cues(words: HolderWords) -> frozenset[str]:
    """Words without one of which a sentence states no repeated event: its nouns (and their
    plain plurals), and "time" ("for the fifth time"); worked out once per lexicon."""
    found = _CUES.get(id(words))
    if found is None:
        nouns = {n for kind in words.repeated.values() for n in kind.nouns}
        found = _CUES[id(words)] = frozenset({"time", *nouns, *(f"{n}s" for n in nouns)})
    return found


# --------------------------------------------------------------------------- games missed


def _missed(
    sent: Span, words: HolderWords, names: HolderNames, counts: Mapping[str, float]
) -> Iterator[HolderFigure]:
    """ "Roe missed nine games this season", "Roe was hurt in May and has missed 10 games":
    the games a named player missed (not a run, "missed the last three games", and not a
    plan, "will miss four games")."""
    for verb in sent:
        if verb.lemma_.lower() not in words.missed_verbs or verb.tag_ not in ("VBD", "VBN"):
            continue
        for noun in verb.children:
            if noun.dep_ != "dobj" or noun.lemma_.lower() not in words.missed_nouns:
                continue
            if any(c.lower_ in words.run_words for c in noun.children):
                continue
            num = next((c for c in noun.children if c.dep_ == "nummod"), None)
            value = None if num is None else _number(num) or counts.get(num.lower_)
            if num is None or value is None:
                continue
            who = names.resolve(_total_holder(num, words, names))
            if who is not None:
                yield HolderFigure(num, value, str(noun.lemma_.lower()), "missed", *who)


# --------------------------------------------------------------------------- repeated events


_NUMERIC_ORDINAL = re.compile(r"^(\d{1,3})(st|nd|rd|th)$")


def _ordinal(word: str, ordinals: Mapping[str, int]) -> int | None:
    if word in ordinals:
        return ordinals[word]
    m = _NUMERIC_ORDINAL.match(word)
    return int(m.group(1)) if m else None


def _has_object(noun: Token, objects: Sequence[str]) -> bool:
    """ "title defence", "defence of her belt": the noun names what is defended."""
    for c in noun.children:
        if c.dep_ == "compound" and c.lemma_.lower() in objects:
            return True
        of = c.dep_ == "prep" and c.lower_ == "of"
        if of and any(o.dep_ == "pobj" and o.lemma_.lower() in objects for o in c.children):
            return True
    return False


def _subject_name(verb: Token, words: HolderWords, names: HolderNames) -> list[Token]:
    """The named subject of ``verb`` (of the verb it joins, "won and retained")."""
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and verb.dep_ == "conj":
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    return _name_ending_at(subj, words, names) if subj is not None else []


def _repeated(
    sent: Span, words: HolderWords, names: HolderNames, ordinals: Mapping[str, int]
) -> Iterator[HolderFigure]:
    """Which of a named holder's repeated events (``words.repeated``) this was: "Roe's sixth
    defence of the title" (the owner; else the subject of the verb that has the noun:
    "Roe made the sixth defence of her belt") and "Roe retained her title for the fifth time"
    (the verb's subject, when its object is one the event is done to). Not with a run word
    ("her fifth straight defence" counts a streak)."""
    for tok in sent:
        value = _ordinal(tok.lower_, ordinals)
        if value is None or tok.dep_ != "amod":
            continue
        noun = tok.head
        after = sent.doc[tok.i + 1] if tok.i + 1 < len(sent.doc) else tok
        if after.lower_ in words.run_words or any(
            c.lower_ in words.run_words for c in noun.children
        ):
            continue
        lemma = noun.lemma_.lower()
        for event, kind in words.repeated.items():
            toks: list[Token] = []
            if lemma in kind.nouns and _has_object(noun, kind.objects):
                owner = next((c for c in noun.children if c.dep_ == "poss"), None)
                if owner is not None and _name_word(owner, names):
                    toks = _name_ending_at(owner, words, names)
                elif noun.dep_ == "dobj":
                    toks = _subject_name(noun.head, words, names)
            elif lemma == "time" and noun.dep_ == "pobj" and noun.head.lower_ == "for":
                verb = noun.head.head
                done = any(
                    c.dep_ == "dobj" and c.lemma_.lower() in kind.objects for c in verb.children
                )
                if verb.lemma_.lower() in kind.verbs and done:
                    toks = _subject_name(verb, words, names)
            who = names.resolve(toks) if toks else None
            if who is not None:
                yield HolderFigure(tok, float(value), "ordinal", event, *who)


# --------------------------------------------------------------------------- long plays


def _play_noun(unit: Token, kinds: Mapping[str, list[str]]) -> tuple[Token, str] | None:
    """The play a length measures ("86-yard" -> "touchdown run" -> run) and its kind."""
    tok = unit
    for _ in range(3):
        if tok.dep_ not in ("compound", "amod", "nmod", "npadvmod") or tok.head.i == tok.i:
            return None
        tok = tok.head
        lemma = tok.lemma_.lower()
        kind = next((k for k, nouns in kinds.items() if lemma in nouns), None)
        if kind is not None:
            return tok, kind
    return None


def _play_holder(noun: Token, words: HolderWords, names: HolderNames) -> list[Token]:
    """Whose play it is: the owner ("Roe's 86-yard run"), else the named subject of the verb
    it hangs from ("Roe ran for 226 yards, including an 84-yard scamper", "Roe cut the
    deficit with an 86-yard run") or that subject's owner ("Roe's big day included ...")."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is not None and _name_word(owner, names):
        return _name_ending_at(owner, words, names)
    verb = noun.head
    for _ in range(4):
        if verb.pos_ in ("VERB", "AUX") and verb.dep_ != "prep":
            break
        if verb.head.i == verb.i:
            return []
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None and verb.dep_ == "conj":
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return []
    if _name_word(subj, names):
        return _name_ending_at(subj, words, names)
    owner = next((c for c in subj.children if c.dep_ == "poss"), None)
    if owner is not None and _name_word(owner, names):
        return _name_ending_at(owner, words, names)
    return []


def _plays(sent: Span, words: HolderWords, names: HolderNames) -> Iterator[HolderFigure]:
    """ "an 86-yard touchdown run" of a named player (``words.plays``), in metres."""
    plays = words.plays
    assert plays is not None  # holder_figures checked it
    doc = sent.doc
    for tok in sent:
        value = _number(tok)
        if value is None or value < plays.min_length or tok.i + 2 >= sent.end:
            continue
        unit = doc[tok.i + 2]
        factor = plays.units.get(unit.lemma_.lower())
        if doc[tok.i + 1].text not in words.dashes or factor is None:
            continue
        found = _play_noun(unit, plays.kinds)
        who = names.resolve(_play_holder(found[0], words, names)) if found else None
        if found is not None and who is not None:
            yield HolderFigure(tok, value * factor, "m", found[1], *who, factor=factor)


def holder_words(fig: HolderFigure) -> tuple[str, str]:
    """(plain words, question) of a holder's figure: "age of Jane Roe", "how old Jane Roe
    is"; "Jane Roe's career points", "how many career points Jane Roe has"."""
    if fig.frame == "age":
        return f"age of {fig.name}", f"how old {fig.name} is"
    if fig.frame == "final_score":
        return f"a game's final score ({fig.name})", "what the final score was"
    if fig.factor is not None:
        return f"length of {fig.name}'s {fig.frame}", f"how long {fig.name}'s {fig.frame} was"
    if fig.unit == "ordinal":
        return f"which {fig.frame} of {fig.name} it was", f"which {fig.frame} it was for {fig.name}"
    things = _PLURALS.get(fig.unit, f"{fig.unit}s")
    if fig.frame == "missed":
        return f"{things} missed by {fig.name}", f"how many {things} {fig.name} missed"
    if fig.frame == "held_record":
        return f"{things} record held by {fig.name}", f"what {fig.name}'s record in {things} was"
    if fig.frame == "career":
        things = f"career {things}"
    return f"{things} of {fig.name}", f"how many {things} {fig.name} has"


def holder_figures(
    sent: Span,
    lowered: Sequence[str],
    words: HolderWords,
    article: Callable[[], HolderNames],
    counts: Mapping[str, float],
    ordinals: Mapping[str, int] | None = None,
) -> list[HolderFigure]:
    """Every holder's figure in the sentence (see the module docstring); ``lowered``: its
    lower-case words; ``article`` gives the article's names, built once when first needed;
    ``counts``: number words ("nine"); ``ordinals``: ordinal words ("sixth")."""
    lower = set(lowered)
    out: list[HolderFigure] = []
    if "missed" in lower:
        out += _missed(sent, words, article(), counts)
    cued = ordinals is not None and not lower.isdisjoint(_repeated_cues(words))
    if cued and any(_ordinal(w, ordinals or {}) is not None for w in lowered):
        out += _repeated(sent, words, article(), ordinals or {})
    if not any(ch.isdigit() for w in lowered for ch in w[:1]):
        return out  # every other figure read here starts with a digit
    names = article()
    if not lower.isdisjoint(("old", ",", "(")):
        out += _ages(sent, lowered, words, names)
    if not lower.isdisjoint(words.dashes):
        out += _records(sent, lowered, words, names)
    if not lower.isdisjoint(words.career_words) or "now" in lower:
        out += _careers(sent, lowered, words, names)
    if "of" in lower and not lower.isdisjoint(words.record_nouns):
        out += _held_records(sent, lowered, words, names)
    if words.plays is not None and not lower.isdisjoint(words.plays.units):
        out += _plays(sent, words, names)
    return out
