"""Fact identity: what a numeric claim states, beyond its value.

Why: two numbers are only in conflict when they state the same fact of the same event.
"103 passengers" and "four seriously injured" share a unit; "two died in 1959" and "seven
died on Wednesday" share a frame; "20 of those injured" and "more than 50 injured" share
both. The slot key (class and frame, see slots.py) is the coarse part of a fact; this module
adds what tells such claims apart, read from the parse around the number:

* qualifiers of the count: a role ("passengers"), a nationality ("Americans"), a severity
  ("seriously injured");
* time: ``background`` when the clause is anchored in another period ("since 1959, when
  ...", "the 2015 attacks, which killed ..."), ``earlier`` for an earlier value of the same
  figure ("down to 21% from 35%", "initially five");
* scope: ``part`` for a subset or an increment ("among the dead", "including", "20 of those
  injured", "another 40", "five more");
* the wording that says a figure moves ("rose to", "so far", "initially", "revised");
* the event it is about ("killed in the tram crash") and the plain words that name it.

Pure: spaCy tokens in, a ``Fact`` out. Vocabulary lives in ``data/facts.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from spacy.tokens import Doc, Span, Token

from claimwatch.models import ClaimType, Fact, FactScope, FactTime, FigureCue
from claimwatch_extract.fact_lexicon import FactLexicon
from claimwatch_extract.lexicon import load_lexicon
from claimwatch_extract.measurements import joined_numbers, literal_value
from claimwatch_extract.money_facts import MoneyIdentity
from claimwatch_extract.slots import match_frame, noun_class
from claimwatch_extract.token_table import TokenTable, token_table

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_DECADE = re.compile(r"\b(1[89]\d0|20\d0)s\b")
_CLAUSE_POS = ("VERB", "AUX")
_CUE_WINDOW = 12
_DIM_BEFORE = 5
_DIM_AFTER = 6
_NOMINAL_DEPS = frozenset({"dobj", "pobj", "nsubj", "nsubjpass", "attr"})
_REFINABLE = frozenset({"distance", "water_level", "speed", "weight"})
# A weight is refined only into what a vehicle can carry ("a payload of 60 tonnes"): "from"
# or "high" near it says nothing about what it measures, and no other dimension is a payload.
# "Cargo" is not such a word: "a port handled 3 million tonnes of cargo" is a throughput.
_WEIGHT_REFINED = "payload"
# Dimensions a limit can be stated for ("a weight limit of 7.5 tonnes", "capped at 60 km/h").
_LIMITABLE = frozenset(
    {
        "speed",
        "weight",
        "payload",
        "distance",
        "water_level",
        "length",
        "width",
        "height",
        "altitude",
    }
)
SERIES = "series:"
_EVENT_PREPS = frozenset({"in", "after", "from", "during", "of", "by"})


@dataclass(frozen=True)
class ArticleContext:
    """What the whole article says about every claim's time and place in it."""

    year: int | None
    """The article's year: published, else the latest year its text names."""
    month: int | None
    """The article's month, when it was published with a date."""
    headline_end: int
    """Character offset where the headline ends in the text (0 = no headline)."""


def article_context(
    doc: Doc, title: str | None, published: tuple[int, int] | None, text: str | None = None
) -> ArticleContext:
    """The year and month claims are measured against, and where the headline is.
    ``text``: ``doc.text``, when the caller has it."""
    year, month = published if published else (None, None)
    if year is None:
        years = [int(y) for e in doc.ents if e.label_ == "DATE" for y in _YEAR.findall(e.text)]
        year = max(years) if years else None
    headline_end = 0
    if title:
        full = doc.text if text is None else text
        stripped = full.lstrip()
        if stripped.startswith(title.strip()):
            headline_end = len(full) - len(stripped) + len(title.strip())
    return ArticleContext(year=year, month=month, headline_end=headline_end)


@dataclass(frozen=True)
class SentenceWords:
    """A sentence's lower-case words and lemmas, and whether a token of it is a date or a
    year: built once per sentence, so that describe skips the rules none of whose words is
    in it without walking the parse for each number."""

    words: frozenset[str]
    dated: bool


def sentence_words(sent: Span, table: TokenTable | None = None) -> SentenceWords:
    """``table``: the doc's token table, when the caller has it (read from it, not the parse)."""
    table = table or token_table(sent.doc)
    lower, lemma = table.lower[sent.start : sent.end], table.lemma[sent.start : sent.end]
    # a year is four digits: its lower-case form is its text, and it is like a number
    dated = "DATE" in table.ent_type[sent.start : sent.end] or any(
        _YEAR.fullmatch(w) for w in lower if w[:1].isdigit()
    )
    return SentenceWords(frozenset(lower).union(lemma), dated)


@dataclass(frozen=True)
class NumberSite:
    """Where a claim's number sits: doc token range of the literal, and the counted noun."""

    start: int
    end: int
    noun: Token | None = None


def describe(
    kind: ClaimType,
    slot: str,
    sent: Span,
    site: NumberSite,
    ctx: ArticleContext,
    flex: FactLexicon,
    vocab: SentenceWords | None = None,
    money: MoneyIdentity | None = None,
) -> Fact:
    """The fact a numeric claim states (see the module docstring). ``vocab``: the sentence's
    words (``sentence_words``), when the caller has them; a rule none of whose words is in
    the sentence is then skipped without walking the parse (the same result, cheaper).
    ``money``: what the parse says an amount is (money_facts.py): its qualifiers join the
    fact; the first of several offers is a fact of its own, not an earlier value; a pending
    deal's "would" does not make its value unrealised; a denied amount is unrealised."""
    doc = sent.doc
    num = doc[site.end - 1]
    verb = clause_verb(num)
    path = [num, *_ancestors(num)]  # read once: time, cue and event walk it
    parts = slot.split(":")
    frame: str | None = None
    qualifiers: list[str] = []
    if kind == ClaimType.QUANTITY:
        counted, frame = parts[1], (":".join(parts[2:]) if len(parts) > 2 else None)
        qualifiers = _qualifiers(site.noun, verb, counted, flex, num)
        if frame in flex.compound_frames:
            qualifiers += _compounds(site.noun, qualifiers)
        if frame in flex.sent_frames and counted in flex.people_class_set:
            qualifiers += _sender(verb)
        if frame in flex.occasion_frames:
            qualifiers += _weekday(verb, flex)
        if frame in flex.destination_frames:
            qualifiers += _destination_place(verb, flex)
        # the munitions are the subject ("two of the bombs fell"), not "shot 9 times outside"
        lands = any(t is not None and t.dep_ in ("nsubj", "nsubjpass") for t in (site.noun, num))
        if frame in flex.landing_frames and counted in flex.fired_set and lands:
            qualifiers += _landed_inside(verb, flex)
    elif kind == ClaimType.MEASUREMENT:  # "measurement:<dimension>[:<subject>]"
        counted = _dimension(parts[1], sent, site, flex)
        frame = parts[2] if len(parts) > 2 else None
        thing = _attributive(num) if counted in flex.attributive_dimensions else None
        if frame is None and thing is not None:
            frame = f"size:{thing}"
        qualifiers = _accumulated(sent, site, flex)
        if counted == _WEIGHT_REFINED:
            qualifiers += _destination(sent, site, flex)
        if money is not None:
            qualifiers += [q for q in money.qualifiers if q not in qualifiers]
    else:  # "ordinal_period:<subject>:<unit>", or an event's "ordinal_event:<event>:<unit>"
        counted, frame = parts[1], parts[2] if len(parts) > 2 else None
        if parts[0] == "ordinal_event" and frame:
            frame = f"{SERIES}{frame}"  # "the 12th test this year": the year's series
    time, anchor = _time(path, site, sent, ctx, flex, vocab)
    cue = _cue(path, verb, sent, flex, vocab)
    if cue == FigureCue.INITIAL and time == FactTime.CURRENT:
        time, anchor = FactTime.EARLIER, anchor or "initially"
    if money is not None and "initial" in money.qualifiers:
        time, anchor = FactTime.CURRENT, None  # "the initial offer": its own fact
    maybe_unreal = vocab is None or not vocab.words.isdisjoint(flex.unrealised_words)
    if time == FactTime.CURRENT and maybe_unreal:
        unreal = _unrealised(num, flex)
        hedged = money is not None and money.pending and unreal in flex.unrealised.modals
        if unreal and not hedged:
            time, anchor = FactTime.UNREALISED, unreal
    if money is not None and money.denied:
        time, anchor = FactTime.UNREALISED, "not"
    share = (
        site.noun is None
        and any(q in flex.severity for q in qualifiers)
        and own_severity(num, flex) is not None
    )
    scope = _scope(sent, site, verb, frame, flex, share, vocab)
    if scope == FactScope.PART and _inside_part(qualifiers, site, sent, flex):
        scope = FactScope.WHOLE
    maybe_event = vocab is None or not vocab.words.isdisjoint(flex.event_set)
    event_tok = _event(path, site.noun, flex) if maybe_event else None
    event = _phrase(event_tok) if event_tok is not None else None
    event_kind = flex.event_kind.get(event_tok.lemma_.lower()) if event_tok is not None else None
    if event_tok is not None and time == FactTime.CURRENT and _other_event(event_tok, flex):
        time, anchor = FactTime.BACKGROUND, event
    if event_tok is not None and _one_of_several(event_tok, flex):
        scope = FactScope.PART
    paired = flex.paired_dimensions.get(counted) if kind == ClaimType.MEASUREMENT else None
    pair = _pair_rank(num) if paired else None
    if pair is not None:  # "6.9 and 6.2 magnitude quakes": each the whole figure of one
        scope = FactScope.WHOLE
        if pair == "lower" and paired:
            qualifiers.append(paired)
    if frame == "unknown":
        frame = None
    key = ":".join(p for p in (kind.value, counted, frame) if p)
    if qualifiers:
        key += "|" + ",".join(sorted(qualifiers))
    words = _words(kind, counted, frame, qualifiers, event, flex)
    return Fact(
        key=key,
        description=words,
        question=_question(kind, counted, frame, qualifiers, event, words, flex),
        counted=counted,
        qualifiers=sorted(qualifiers),
        frame=frame,
        event=event,
        event_kind=event_kind,
        time=time,
        anchor=anchor,
        scope=scope,
        cue=cue,
        headline=doc[site.start].idx < ctx.headline_end,
    )


# --------------------------------------------------------------------------- the parse


def clause_verb(tok: Token) -> Token:
    """The verb of the clause a token is in (the sentence root when there is none)."""
    table = token_table(tok.doc)  # walked on indices: a token is built for the verb only
    pos, heads = table.pos, table.head
    cur = tok.i
    for _ in range(12):
        if pos[cur] in _CLAUSE_POS:
            break
        head = heads[cur]
        if head == cur:
            break
        cur = head
    return tok if cur == tok.i else tok.doc[cur]


def _ancestors(tok: Token) -> list[Token]:
    out: list[Token] = []
    cur = tok
    while len(out) < 16:
        head = cur.head
        if head.i == cur.i:
            break
        out.append(head)
        cur = head
    return out


def _ent_text(tok: Token) -> str:
    """The text of the named entity a token is part of (its own text when none), found from
    the token's IOB tags: ``doc.ents`` would build every entity of the article per call."""
    if tok.ent_iob_ not in ("B", "I"):
        return tok.text
    doc = tok.doc
    start, end = tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end].text


# --------------------------------------------------------------------------- qualifiers


def _qualifiers(
    noun: Token | None, verb: Token, counted: str, flex: FactLexicon, num: Token | None = None
) -> list[str]:
    found: set[str] = set()
    if noun is not None:
        lemma = noun.lemma_.lower()
        if lemma in flex.role_set and lemma not in flex.generic_set:
            found.add(lemma)
        by_side = counted in flex.fired_set  # "two Israeli shells": who fired, not which
        if noun.ent_type_ == "NORP" and not by_side:
            found.add(_nationality(noun))
        for c in noun.children:
            if c.dep_ in ("amod", "compound", "nmod") and c.ent_type_ == "NORP" and not by_side:
                found.add(_nationality(c))
            if c.dep_ in ("amod", "compound") and c.lemma_.lower() in flex.role_set:
                found.add(c.lemma_.lower())
        found.discard(counted)
    severity = _severity(noun, None if _set_apart(noun or num, verb) else verb, flex, num)
    if severity:
        found.add(severity)
    return sorted(found)


_BODY_LABELS = frozenset({"ORG", "GPE", "NORP"})
_NAME_POS = frozenset({"PROPN", "ADP", "CCONJ", "DET"})


def _sender(verb: Token) -> list[str]:
    """ "The CBHS sent three observers", "the Council of Baltic Harbour States sent nine":
    the body that sends people, the verb's subject when it names an organisation or a
    country, as "by <initials>" (the initials of the name's capitalised words, hyphenated
    parts included, or the name itself when it is one word), so spellings of one body meet."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.ent_type_ not in _BODY_LABELS:
        return []
    name: list[Token] = []  # the name's run of words: "Council of ... States"
    for tok in subject.doc[subject.left_edge.i : subject.right_edge.i + 1]:
        joined = tok.text == "-" or (name and name[-1].text == "-")
        if tok.pos_ not in _NAME_POS and not joined and not tok.text[:1].isupper():
            if tok.i > subject.i:
                break
            name = []
            continue
        name.append(tok)
    words = [t.text.replace(".", "") for t in name if t.text[:1].isupper()]
    words = [w for w in words if w and w.lower() != "the"]
    if not words:
        return []
    short = words[0] if len(words) == 1 else "".join(w[0] for w in words)
    return [f"by {short.upper()}"]


def _compounds(noun: Token | None, have: list[str]) -> list[str]:
    """Common nouns in front of the counted noun ("office", "school" in "office buildings",
    "school buildings"): they say which of the things were counted."""
    if noun is None:
        return []
    return [
        c.lemma_.lower()
        for c in noun.children
        if c.dep_ == "compound"
        and c.pos_ == "NOUN"
        and c.i < noun.i
        and c.lemma_.lower() not in have
    ]


def _landed_inside(verb: Token, flex: FactLexicon) -> list[str]:
    """ "two bombs fell inside the camp", "three fell outside it": the place the munitions
    came down in, or out of, says which of the raid's munitions were counted ("inside camp",
    "outside"); a time or an event ("in the night", "in the raid") is not a place."""
    if any(c.dep_ == "dobj" for c in verb.children):
        return []  # "hit the courier outside the depot": where the target was, not a landing
    for prep in verb.children:
        side = flex.landing_side.get(prep.lower_) if prep.dep_ == "prep" else None
        if side is None:
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj" or obj.ent_type_ in ("DATE", "TIME"):
                continue
            if obj.pos_ == "PRON":
                return [side]
            lemma = obj.lemma_.lower()
            if (
                obj.pos_ == "NOUN"
                and lemma not in flex.event_set
                and lemma not in flex.landing_times
            ):
                return [f"{side} {lemma}"]
    return []


def _inside_part(qualifiers: list[str], site: NumberSite, sent: Span, flex: FactLexicon) -> bool:
    """ "two of the bombs fell inside the camp": a part of the raid's bombs, but all of
    those inside the place its qualifier names, so the count is that fact's whole."""
    inside = any(q.startswith("inside") for q in qualifiers if "inside" in flex.landing_preps)
    return inside and site.end < sent.end and sent.doc[site.end].lower_ == "of"


def _place_words(qualifiers: list[str], flex: FactLexicon) -> str:
    """ " inside the camp", " outside": where the counted munitions came down, or ""."""
    for q in qualifiers:
        side, _, place = q.partition(" ")
        if side in flex.landing_preps:
            return f" {side} the {place}" if place else f" {side}"
    return ""


def _sent_by(qualifiers: list[str], flex: FactLexicon) -> str:
    """ " by CBHS", " at the warehouse fire", " on Monday": who sent the counted people
    (``_sender``), where things were sent (``_destination_place``), the day of the act
    (``_weekday``); "" when the fact names none."""
    out = [f" {q}" for q in qualifiers if q.startswith("by ")]
    out += [f" at the {q.removeprefix('at ')}" for q in qualifiers if q.startswith("at ")]
    out += [f" on {q}" for q in qualifiers if q.lower() in flex.weekdays]
    return "".join(out)


def _weekday(verb: Token, flex: FactLexicon) -> list[str]:
    """ "posted three photos on Monday", "posted them Monday": the weekday of the act."""
    days = set(flex.weekdays)
    for c in verb.children:
        for tok in (c, *c.children) if c.dep_ == "prep" and c.lower_ == "on" else (c,):
            if tok.lower_ in days and tok.dep_ in ("pobj", "npadvmod"):
                return [tok.lower_.capitalize()]
    return []


def _destination_place(verb: Token, flex: FactLexicon) -> list[str]:
    """ "sent to the warehouse fire", "were sent to a second fire, at a flat": where the
    things were sent, with the words that say which one ("warehouse", "second")."""
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in flex.destination_preps:
            continue
        for obj in prep.children:
            lemma = obj.lemma_.lower()
            if obj.dep_ != "pobj" or obj.pos_ not in ("NOUN", "PROPN"):
                continue
            if lemma in flex.not_destinations or obj.ent_type_ in ("DATE", "TIME"):
                continue
            mods = [
                c.lemma_.lower()
                for c in obj.children
                if c.i < obj.i and (c.dep_ == "compound" or c.ent_type_ == "ORDINAL")
            ]
            return [f"at {' '.join([*mods, lemma])}"]
    return []


def _accumulated(sent: Span, site: NumberSite, flex: FactLexicon) -> list[str]:
    """ "bringing the total since Saturday to 62 inches": a running total over a period is
    not the amount of one day ("34 inches on Monday")."""
    lo, hi = max(sent.start, site.start - 8), min(sent.end, site.end + 4)
    words = set(token_table(sent.doc).lower[lo:hi])
    return [] if words.isdisjoint(flex.scope.total_words) else ["total"]


def _destination(sent: Span, site: NumberSite, flex: FactLexicon) -> list[str]:
    """ "8,300 kg to geostationary transfer orbit", "Payload to Mars: 16,800 kg": a payload
    lifted beyond low orbit is another figure of the launcher than the one to low orbit (the
    default, unqualified). Read the words next to the number, the nearest first, up to
    another number or payload (a spec list gives several in a row)."""
    doc, far = sent.doc, flex.payload_destinations
    before = range(site.start - 1, max(sent.start, site.start - _DIM_BEFORE) - 1, -1)
    after = range(site.end, min(sent.end, site.end + _DIM_AFTER))
    for side in (after, before):
        for i in side:
            tok = doc[i]
            if tok.like_num or tok.lower_ == _WEIGHT_REFINED:
                break
            if tok.lower_ in far:
                return [f"to {far[tok.lower_]}"]
    return []


def _nationality(tok: Token) -> str:
    """ "Americans", "American" -> "American": one spelling per nationality, as written."""
    word = tok.text
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        word = word[:-1]
    return word[:1].upper() + word[1:]


def _set_apart(tok: Token | None, verb: Token) -> bool:
    """ "Of the 40 people hurt, ten remain in critical condition", "among the 30 injured,
    four are in serious condition": the count is the object of a preposition on the clause's
    verb, so what the verb says (the severity) is about the clause's own subject."""
    return tok is not None and tok.dep_ == "pobj" and tok.head.head.i == verb.i


def _severity(
    noun: Token | None, verb: Token | None, flex: FactLexicon, num: Token | None = None
) -> str | None:
    """ "four seriously injured", "eight with life-threatening injuries", "in critical
    condition": the words next to the noun or verb, or in their with/in phrase; and an
    adverb on the number itself ("40 were hurt, nine critically")."""
    near: list[Token] = []
    if num is not None:
        near.extend(c for c in num.children if c.dep_ == "advmod")
    for head in (noun, verb):
        if head is None:
            continue
        for c in head.children:
            if c.dep_ in ("amod", "advmod", "acomp"):
                near.append(c)
            if c.dep_ == "prep" and c.lower_ in ("with", "in"):
                for obj in c.children:
                    near.extend(x for x in obj.children if x.dep_ in ("amod", "compound"))
            if c.dep_ == "dobj":  # "have serious injuries"
                near.extend(x for x in c.children if x.dep_ in ("amod", "compound"))
    for tok in near:
        words = " ".join(t.lower_ for t in tok.subtree)
        for text in (words, words.replace(" - ", "-"), words.replace(" - ", " "), tok.lower_):
            if text in flex.severity_of:
                return flex.severity_of[text]
    return None


def own_severity(num: Token, flex: FactLexicon) -> str | None:
    """How badly the people a bare number counts were hurt, said on the number itself ("40
    were hurt, nine critically") or by the clause it is the subject of ("ten of whom remain
    in critical condition"); None when neither says it."""
    verb = clause_verb(num)
    subject = num.dep_ in ("nsubj", "nsubjpass") and num.head.i == verb.i
    return _severity(None, verb if subject else num, flex, num)


# --------------------------------------------------------------------------- time


def _is_background_date(tok: Token, ctx: ArticleContext, flex: FactLexicon) -> str | None:
    """The date text when ``tok`` is part of a date in another period, else None."""
    if tok.ent_type_ != "DATE" and not (tok.like_num and _YEAR.fullmatch(tok.text)):
        return None
    text = _ent_text(tok) if tok.ent_type_ == "DATE" else tok.text
    low = text.lower()
    if _DECADE.search(low):
        return text
    years = [int(y) for y in _YEAR.findall(low)]
    words = set(re.findall(r"[a-z]+", low))
    months = {_MONTHS[w] for w in words if w in _MONTHS}
    here = ctx.month
    earlier = years and ctx.year is not None and all(y < ctx.year for y in years)
    if earlier and not _days_before(years, months, ctx):
        return text
    if any(rx.search(low) for rx in flex.background.date_regexes):
        return text
    # "the Nov. 13 attacks" in a July article: another event (months apart, not a day)
    if months and not years and here is not None and all(_apart(m, here) >= 2 for m in months):
        return text
    return None


def _days_before(years: list[int], months: set[int], ctx: ArticleContext) -> bool:
    """ "on Dec. 30, 2029" in an article of January 2030: the last year by its year, but the
    month just before the article's own, so the story's days, not another period."""
    if len(set(years)) != 1 or len(months) != 1 or ctx.year is None or ctx.month is None:
        return False
    (year,), (month,) = set(years), months
    return 0 < (ctx.year * 12 + ctx.month) - (year * 12 + month) <= 1


def _apart(month: int, other: int) -> int:
    return min((month - other) % 12, (other - month) % 12)


def _time(
    path: list[Token],
    site: NumberSite,
    sent: Span,
    ctx: ArticleContext,
    flex: FactLexicon,
    vocab: SentenceWords | None = None,
) -> tuple[FactTime, str | None]:
    """``path``: the number and its ancestors (``_ancestors``)."""
    table = token_table(sent.doc)
    # "down to 21% from 35%", "rose to 84 from 77": an earlier value of the same figure
    start = site.start
    if start > sent.start and table.lower[start - 1] == "from":
        window = set(table.lemma[max(sent.start, start - 8) : start])
        moves = flex.cues[FigureCue.RISE] + flex.cues[FigureCue.FALL] + ["up", "down"]
        if window & set(moves):
            return FactTime.EARLIER, "from"
    if vocab is not None and not vocab.dated and vocab.words.isdisjoint(flex.background_words):
        return FactTime.CURRENT, None  # no date, year, "when", opener or earlier-event word
    on_path = {t.i for t in path}
    for tok in path:
        date = _is_background_date(tok, ctx, flex)
        if date:
            return FactTime.BACKGROUND, date
    conjunct = _first_conjuncts(path)
    for tok in path[1:]:
        for c in tok.children:
            if c.i in on_path or c.i in conjunct:
                continue
            date = _is_background_date(c, ctx, flex)
            if date is None and c.dep_ == "parataxis":  # "That year, the agency said, ..."
                for obj in c.children:
                    date = date or _is_background_date(obj, ctx, flex)
            if date is None and c.dep_ == "prep":
                # "since 2009", "since the insurgency began in 2009": a period, not the event
                objs = list(c.subtree)[1:] if c.lower_ == "since" else list(c.children)
                for obj in objs:
                    date = date or _is_background_date(obj, ctx, flex)
            if date is None and c.lemma_.lower() in flex.event_set:
                # "the 2004 tsunami killed 230,000": the event named is of another year
                for mod in c.children:
                    date = date or _is_background_date(mod, ctx, flex)
            if (
                date is None
                and c.dep_ in ("amod", "nummod", "compound", "npadvmod")
                and c.lower_ in flex.background.event_modifiers
                and tok.lemma_ in flex.event_set
            ):
                date = f"{c.text} {tok.text}"
            if date:
                return FactTime.BACKGROUND, date
    when = _when_clause_year(path)
    if when:
        return FactTime.BACKGROUND, when
    opener = _period_opener(path, flex)
    if opener:
        return FactTime.BACKGROUND, opener
    return FactTime.CURRENT, None


def _first_conjuncts(path: list[Token]) -> set[int]:
    """Tokens that belong only to an earlier conjunct of the number's verb: "was hurt in
    September and missed 10 games" dates the injury, not the games missed; a date before
    the coordinated verbs ("In 2015 the storm killed 10 and injured 40") dates both."""
    out: set[int] = set()
    for low, high in pairwise(path):
        if low.dep_ == "conj" and high.pos_ in _CLAUSE_POS:
            out |= {t.i for c in high.children if high.i < c.i < low.i for t in c.subtree}
    return out


def _period_opener(path: list[Token], flex: FactLexicon) -> str | None:
    """ "Ever since the rebels fired two rockets over the harbour, ...": the clause names the
    earlier event a period began with."""
    for verb in path:
        if verb.pos_ not in _CLAUSE_POS or verb.dep_ != "advcl":
            continue
        marks = [c for c in verb.children if c.dep_ in ("mark", "advmod") and c.i < verb.i]
        words = " ".join(t.lower_ for t in sorted(marks, key=lambda t: t.i))
        for opener in flex.background.period_openers:
            if opener in words:
                return opener
    return None


def _when_clause_year(path: list[Token]) -> str | None:
    """ "since 1959, when two passengers died", "in 2004, when seven were killed": a clause
    opened by "when" and hung on a year describes that year, whatever the article's date."""
    for verb in path:
        if verb.pos_ not in _CLAUSE_POS or verb.dep_ not in ("advcl", "relcl"):
            continue
        if not any(c.lower_ == "when" for c in verb.children):
            continue
        head = verb.head
        near = [head, *head.children]
        near += [obj for c in head.children if c.dep_ == "prep" for obj in c.children]
        for tok in near:
            if tok.i != verb.i and _YEAR.fullmatch(tok.text):
                return tok.text
    return None


def _unrealised(num: Token, flex: FactLexicon) -> str | None:
    """The word that says the figure has not happened, else None: a modal on its clause
    ("would cost 300 jobs"; not a guess about the past, "may have killed 50", nor a denied
    counterfactual, "without it we would not have 300 homeless"), a condition
    on it ("if the dam breaks, 5,000 will be displaced"), or a verb of intent or threat it is
    the complement of ("threatened to fire four missiles")."""
    un = flex.unrealised
    verb = clause_verb(num)
    if verb.pos_ not in _CLAUSE_POS:
        return None
    cur = verb
    for _ in range(4):
        if any(c.dep_ == "neg" for c in cur.children):
            return None  # "had they acted, we would not have 355 damaged shops": real
        auxes = [c.lower_ for c in cur.children if c.dep_ in ("aux", "auxpass")]
        for i, aux in enumerate(auxes):
            if aux in un.modals:
                guess = aux in un.perfect_guesses and "have" in auxes[i + 1 :]
                if not guess and not _reported_will(cur, aux, un.reported_will):
                    return aux
        for c in cur.children:
            if c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in un.conditions for m in c.children
            ):
                return next(m.lower_ for m in c.children if m.dep_ == "mark")
        if any(c.dep_ == "mark" and c.lower_ in un.conditions for c in cur.children):
            return next(c.lower_ for c in cur.children if c.dep_ == "mark")
        if cur.dep_ not in ("xcomp", "ccomp") or cur.head.i == cur.i:
            return None
        head = cur.head
        if head.lemma_.lower() in un.verbs:
            return head.lemma_.lower()
        cur = head
    return None


def _reported_will(verb: Token, aux: str, reporting: list[str]) -> bool:
    """ "said it would cut 300 jobs": a "will" in reported speech."""
    return (
        aux == "would"
        and verb.dep_ == "ccomp"
        and verb.head.lemma_.lower() in reporting
        and not any(c.lower_ == "have" for c in verb.children if c.dep_ == "aux")
    )


# --------------------------------------------------------------------------- cue


def _cue(
    path: list[Token],
    verb: Token,
    sent: Span,
    flex: FactLexicon,
    vocab: SentenceWords | None = None,
) -> FigureCue | None:
    """Wording that says this figure moves or is provisional: a phrase in its clause ("so
    far", "at first"), a verb on its path ("rose to", "was revised"), or an adverb or
    adjective on it ("initially", "now", "the preliminary toll"). "Lower than the initial
    estimate" is a comparison with another value, not a revision of this one. ``vocab``:
    the sentence's words; when no phrase has all its words in the sentence, the window
    around the number is not read, and when no cue word is in it, the path is not walked.
    ``path``: the number and its ancestors (``_ancestors``)."""
    num = path[0]
    lo, hi = max(sent.start, num.i - _CUE_WINDOW), min(sent.end, num.i + 4)
    phrases: list[tuple[str, FigureCue]] = []
    if vocab is None or any(need <= vocab.words for need, _, _ in flex.cue_phrase_words):
        have = set(token_table(sent.doc).lower[lo:hi])
        phrases = [(p, found) for need, p, found in flex.cue_phrase_words if need <= have]
    if phrases:  # rare: the clause is only worked out when a phrase's words are all near
        window = sent.doc[lo:hi]
        clause = [t for t in window if clause_verb(t).i == verb.i or t.i == verb.i]
        text = " " + " ".join(t.lower_ for t in clause) + " "
        for phrase, found in phrases:
            if f" {phrase} " in text:
                return found
    if vocab is not None and vocab.words.isdisjoint(flex.cue_word_set):
        return None  # every cue below is a word of the sentence (its form or its lemma)
    path = path[:8]
    for i, tok in enumerate(path):
        said = flex.cue_words.get(tok.lemma_.lower())
        if said is not None and tok.pos_ == "VERB" and _moves_the_figure(said, tok, path[:i], flex):
            return said
        for c in tok.children:
            if c.dep_ in ("advmod", "amod", "npadvmod"):
                said = flex.cue_words.get(c.lower_) or flex.cue_words.get(c.lemma_.lower())
                if said is not None and c.pos_ in ("ADV", "ADJ", "VERB"):
                    return said
    return None


def _moves_the_figure(cue: FigureCue, verb: Token, below: list[Token], flex: FactLexicon) -> bool:
    """A verb of rising or falling says the *figure* moved only when the number is where it
    moved to or by ("rose to 41", "fell by 3") or its subject is a tally ("the toll
    climbed"): "two climbers have fallen to their deaths" is not a falling count."""
    if cue not in (FigureCue.RISE, FigureCue.FALL):
        return True
    if any(
        t.dep_ == "prep" and t.lower_ in ("to", "by", "at") and t.head.i == verb.i for t in below
    ):
        return True
    return any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in flex.tally_nouns
        for c in verb.children
    )


# --------------------------------------------------------------------------- scope


def _scope(
    sent: Span,
    site: NumberSite,
    verb: Token,
    frame: str | None,
    flex: FactLexicon,
    share: bool = False,
    vocab: SentenceWords | None = None,
) -> FactScope:
    """Part or whole. ``share``: a bare number narrowed by how badly ("55 hurt, five of
    them critically", "ten of whom remain critical") is all of the seriously hurt: the part
    it is of the injured is said by its severity qualifier, so "of them" does not make it
    a part of its own fact."""
    doc = sent.doc
    sc = flex.scope
    lower = token_table(doc).lower  # the words around the number, without building tokens
    after = lower[site.end] if site.end < sent.end else None
    after2 = lower[site.end + 1] if site.end + 1 < sent.end else None
    before = lower[site.start - 1] if site.start > sent.start else None
    window = lower[max(sent.start, site.start - 3) : site.end + 4]
    if any(w in sc.whole_words for w in window):
        return FactScope.WHOLE
    # "20 of those injured", "three of the victims", "four of whom"
    if (
        after == "of"
        and after2 is not None
        and (after2 in sc.part_of_objects or doc[site.end + 1].dep_ == "poss")
        and not (share and after2 in sc.share_objects)
    ):
        return FactScope.PART
    # "of whom four were", "of which 12 are"
    prev = lower[max(sent.start, site.start - 3) : site.start]
    if not share and any(a == "of" and b in ("whom", "which") for a, b in pairwise(prev)):
        return FactScope.PART
    # "another 40", "40 others", "five more" (not "more than five"); but "nine were killed
    # and 40 others injured": the others are beyond another fact's count, not an increment
    more_than = after2 == "than"
    noun = site.noun
    increment = (
        (before is not None and before in sc.increment_words and before != "more")
        or (after is not None and after in sc.increment_words and not more_than)
        or (
            noun is not None
            and any(c.dep_ == "amod" and c.lower_ in sc.increment_words for c in noun.children)
        )
    )
    if increment and not _beyond_other_count(sent, site, verb, frame):
        return FactScope.PART
    # "one Danish and one Chilean sailor"
    if _conjoined_count(doc[site.end - 1], noun, flex.people_class_set):
        return FactScope.PART
    enumerating = vocab is None or not vocab.words.isdisjoint(sc.enumeration_words)
    if enumerating and _enumerated(sent, site, verb, sc.enumeration_words):
        return FactScope.PART
    # "84 killed, including 10 children": the object of "including" is the part
    for tok in (noun, doc[site.end - 1]):
        if (
            tok is not None
            and tok.dep_ in ("pobj", "dobj")
            and tok.head.lemma_.lower() in sc.subset_preps
        ):
            return FactScope.PART
    # "three Americans were among the 84 dead": the subject is the part, not the 84
    inside = set(range(site.start, min(site.end, len(doc))))
    for c in verb.children:
        if (
            c.dep_ == "prep"
            and c.lower_ in sc.member_preps
            and not inside & {t.i for t in c.subtree}
            and not share  # "among the 30 hurt, four are in serious condition": all of them
        ):
            return FactScope.PART
    cause = vocab is None or not vocab.words.isdisjoint(flex.part_cause_heads)
    if cause and _by_cause(doc[site.end - 1], noun, verb, flex):
        return FactScope.PART
    place = vocab is None or not vocab.words.isdisjoint(flex.part_place_set)
    if place and _in_one_place(doc[site.end - 1], noun, verb, flex):
        return FactScope.PART
    # "20 were taken to St Mary's and 31 to the city hospital", "Royal Hospital said it was
    # treating 20": one named hospital's count is a part of the injured
    if frame in ("hospitalised", "injured") and _named_place(sent, flex):
        return FactScope.PART
    return FactScope.WHOLE


def _enumerated(sent: Span, site: NumberSite, verb: Token, words: list[str]) -> bool:
    """ "One shell hit the school, another the clinic and two others the market": a count
    followed by "another" or "others" of the same verb tells where each went, so each count
    is one place's share of the whole (the shells fired), not the whole. Another verb after
    it ("nine were killed and 40 others injured") counts another fact, the count's own
    clause ("135 homes and other buildings were damaged") is one count, and a count of
    another clause in between is the one enumerated ("four were dropped: two landed in the
    camp, the other two near the airstrip")."""
    lemma = verb.lemma_.lower()
    for tok in sent.doc[site.end : sent.end]:
        if tok.like_num and clause_verb(tok).i != verb.i:
            return False
        other = clause_verb(tok) if tok.lower_ in words else None
        if other is not None and other.i != verb.i and other.lemma_.lower() == lemma:
            return True  # its own verb: "homes and other buildings were hit" is one count
    return False


def _beyond_other_count(sent: Span, site: NumberSite, verb: Token, frame: str | None) -> bool:
    """An earlier number in the sentence is counted by a verb of another frame ("nine were
    killed and 40 others injured", "12 died and a further 30 were hurt"): "others" and
    "further" set this count apart from that one, they do not add to it. ("Three were killed
    in the north and two others died in the south" adds to one frame: an increment.)"""
    for tok in sent.doc[sent.start : site.start]:
        if not tok.like_num:
            continue
        other = clause_verb(tok)
        if other.i == verb.i or other.lemma_.lower() == verb.lemma_.lower():
            continue
        if other.pos_ not in _CLAUSE_POS or verb.pos_ not in _CLAUSE_POS:
            return False
        return match_frame({other.lemma_.lower()}, load_lexicon()) != frame
    return False


def _by_cause(num: Token, noun: Token | None, verb: Token, flex: FactLexicon) -> bool:
    """ "40 died of smoke inhalation", "four by friendly fire": a count by one cause of death
    or injury is a part of the toll."""
    preps = flex.scope.cause_preps
    heads = [t for t in (num, noun, verb) if t is not None]
    if noun is not None:  # "the four soldiers killed by friendly fire"
        heads += [c for c in noun.children if c.dep_ in ("acl", "relcl")]
    for head in heads:
        for prep in head.children:
            if prep.dep_ not in ("prep", "agent") or prep.lower_ not in preps:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                mods = [c for c in obj.children if c.dep_ in ("amod", "compound") and c.i < obj.i]
                words = [obj.lemma_.lower(), obj.lower_]
                if mods:
                    phrase = " ".join(t.lower_ for t in [*mods, obj])
                    words += [phrase, " ".join(t.lower_ for t in mods[-1:]) + " " + obj.lower_]
                if any(w in flex.part_cause_set for w in words):
                    return True
    return False


def _in_one_place(num: Token, noun: Token | None, verb: Token, flex: FactLexicon) -> bool:
    """ "In the neighbouring district, ten were killed and 40 hurt", "shelling of houses in
    the camp left 16 injured", "ten homes were damaged in Redvale, the capital of the
    district": a count located in one district, town or camp is that place's share."""
    sc = flex.scope
    heads = [t for t in (num, noun, verb) if t is not None]
    cur = verb
    for _ in range(3):  # "... ten were killed and 40 were injured": the place is shared
        if cur.dep_ != "conj" or cur.head.i == cur.i:
            break
        cur = cur.head
        heads.append(cur)
    if cur.pos_ not in _CLAUSE_POS and cur.head.i != cur.i:  # "left five dead and 16 hurt"
        heads.append(clause_verb(cur.head))
    subjects = [
        c
        for h in heads
        for c in h.children
        if c.dep_ in ("nsubj", "nsubjpass", "csubj", "advcl") and c.i < h.i and c.i != num.i
    ]
    places = [
        obj
        for h in heads
        for prep in h.children
        if prep.dep_ == "prep" and prep.lower_ in sc.part_place_preps
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]
    for subj in subjects:  # the cause named as the subject: "shelling of houses in the camp"
        if noun is not None and subj.i == noun.i:
            continue
        places += [
            t for t in subj.subtree if t.dep_ == "pobj" and t.head.lower_ in sc.part_place_preps
        ]
    for obj in places:
        named = [obj, *(t for c in obj.children if c.dep_ == "appos" for t in c.subtree)]
        if any(t.lemma_.lower() in sc.part_place_nouns for t in named):
            return True
    return False


def _conjoined_count(num: Token, noun: Token | None, people: frozenset[str]) -> bool:
    """A count joined to another count of people or things: "three Britons and two French
    nationals", "one Danish and one Chilean sailor" — each is a part of the total.
    ("Four dead and 30 injured" joins two facts, not two parts: no shared noun; nor do "six
    fire engines and two rescue units": two kinds of thing, each counted whole.)"""
    heads = [t for t in (noun, num if num.head.pos_ == "NOUN" else None) if t is not None]
    for tok in heads:
        linked = [c for c in tok.children if c.dep_ == "conj"]
        if tok.dep_ == "conj":
            linked.append(tok.head)
        counts = [
            other
            for other in linked
            if other.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")
            and (other.like_num or any(c.dep_ == "nummod" for c in other.children))
        ]
        if counts:
            return not all(_other_kind(tok, other, people) for other in counts)
    return False


def _other_kind(tok: Token, other: Token, people: frozenset[str]) -> bool:
    """Two common nouns of two classes of things, neither of people and one a class the
    lexicon knows: "six fire engines and two rescue units" are two counts, not two parts
    of one ("two cars and three lorries" are vehicles; "seven soldiers and four civilians"
    are parts of one toll, as are "six guards and two cooks", of no known class)."""
    if not tok.pos_ == other.pos_ == "NOUN" or tok.ent_type_ or other.ent_type_:
        return False
    lex = load_lexicon()
    (a, known_a), (b, known_b) = noun_class(tok, lex), noun_class(other, lex)
    return a != b and (known_a or known_b) and people.isdisjoint((a, b))


def _named_place(sent: Span, flex: FactLexicon) -> bool:
    """A named hospital (or clinic, school...) in the sentence: "St Mary's Hospital"."""
    lemma, places = token_table(sent.doc).lemma, flex.scope.part_places
    for i in range(sent.start, sent.end):
        if lemma[i] not in places:
            continue
        tok = sent.doc[i]
        if tok.pos_ == "PROPN" or any(
            c.pos_ == "PROPN" and c.dep_ in ("compound", "poss") for c in tok.children
        ):
            return True
    return False


# --------------------------------------------------------------------------- event


def _event(path: list[Token], noun: Token | None, flex: FactLexicon) -> Token | None:
    """The event noun a figure is about: "killed in the crash", "the toll from the quake",
    "the attack killed 84", "the 84 people killed in the attack". ``path``: the number and
    its ancestors (``_ancestors``)."""
    paths = [path] if noun is None else [[noun, *_ancestors(noun)], path]
    for up in paths:
        for tok in up[:6]:
            if tok.lemma_.lower() in flex.event_set and tok.pos_ in ("NOUN", "PROPN"):
                return tok
            heads = [tok, *(c for c in tok.children if c.dep_ in ("acl", "relcl"))]
            for head in heads:
                for c in head.children:
                    if c.dep_ in ("nsubj", "nsubjpass", "agent") and c.lemma_ in flex.event_set:
                        return c
                    if c.dep_ == "prep" and c.lower_ in _EVENT_PREPS:
                        for obj in c.children:
                            if obj.dep_ == "pobj" and obj.lemma_.lower() in flex.event_set:
                                return obj
    return None


def _other_event(event: Token, flex: FactLexicon) -> bool:
    """ "a separate attack", "a previous crash", "the second quake": not the story's event."""
    return any(
        c.dep_ in ("amod", "nummod", "compound") and c.lower_ in flex.background.event_modifiers
        for c in event.children
    )


def _one_of_several(event: Token, flex: FactLexicon) -> bool:
    """ "One of the quakes, a 6.2 tremor", "one of the tremors with a 6.2 magnitude", "one
    6.2 tremor": the figure is of one of several events of the story's kind, not the
    story's figure. "One of the strongest quakes in decades" ranks the event, it does not
    make it one of several."""
    ones = flex.scope.one_of_words
    if any(c.dep_ == "nummod" and c.lower_ in ones for c in event.children):
        return True
    head = event.head
    one = head.head if event.dep_ == "pobj" and head.lower_ == "of" else head
    if one.lower_ not in ones or event.dep_ not in ("pobj", "appos"):
        return False
    group = [
        obj
        for prep in one.children
        if prep.dep_ == "prep" and prep.lower_ == "of"
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]
    ranked = any(t.tag_ == "JJS" or t.lower_ == "most" for g in group for t in g.subtree)
    return bool(group) and not ranked


def _pair_rank(num: Token) -> str | None:
    """ "higher" or "lower" for a number joined by "and" / "or" to another ("6.9 and 6.2"),
    else None (no partner, or an equal one)."""
    others = [v for _, v in joined_numbers(num)]
    mine = literal_value(num.text)
    if mine is None or not others or all(v == mine for v in others):
        return None
    return "lower" if mine < max(others) else "higher"


def _phrase(noun: Token) -> str:
    """A noun with its compound and adjective modifiers: "tram crash", "truck attack"."""
    mods = [
        c
        for c in noun.children
        if c.dep_ in ("compound", "amod")
        and c.i < noun.i
        and c.ent_type_ not in ("DATE", "CARDINAL", "QUANTITY")
        and c.lower_ != "magnitude"
    ]
    words = [t.lower_ if t.pos_ != "PROPN" else t.text for t in [*mods, noun]]
    return " ".join(words)


# --------------------------------------------------------------------------- dimension


def _dimension(dim: str, sent: Span, site: NumberSite, flex: FactLexicon) -> str:
    """The dimension a measurement states: its default refined by a word next to the number
    ("long", "top speed"), then made a limit when the parse says so ("speed limit")."""
    named = _named_dimension(dim, sent, site, flex)
    if named in _LIMITABLE and _limited(sent.doc[site.end - 1], flex):
        return f"{named}_limit"
    return named


def _limited(num: Token, flex: FactLexicon) -> bool:
    """The number is a limit, not a value reached: it hangs from a limit word ("a limit of
    40 km/h", "capped at 60 km/h"), its unit has one as an apposition or compound ("a 30mph
    (48km/h) speed limit"), or it is what a limit is ("the limit is 30 mph"). The walk stops
    at the first verb, so "doing 50 mph in a 30 mph limit zone" limits only the 30."""
    words = flex.limit_set
    tok = num
    for _ in range(5):
        if tok.lower_ in words or tok.lemma_.lower() in words:
            return True
        for child in tok.children:
            lemma = child.lemma_.lower()
            if child.dep_ in ("appos", "compound") and (child.lower_ in words or lemma in words):
                return True
            if child.dep_ == "nsubj" and tok.lemma_ == "be" and lemma in words:
                return True
        if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _attributive(num: Token) -> str | None:
    """ "A 99-mph fastball", "320 km/h trains": a measure written before a noun names a kind
    of thing (the pitch, the train), not how fast the story's vehicle went; the noun, else
    None. "The van was going 70 km/h" has no such noun."""
    unit = num.head if num.dep_ == "nummod" else num
    for _ in range(2):  # "320 km/h": the number hangs from "h", "km" from it
        if unit.dep_ in ("compound", "amod") and unit.head.i > unit.i:
            thing = unit.head
            while thing.dep_ == "compound" and thing.head.i > thing.i:
                thing = thing.head  # "a 38-ton refuse lorry": the last noun of the compound
            nominal = thing.pos_ == "NOUN" or thing.dep_ in _NOMINAL_DEPS  # "trains" as VBZ
            return thing.lemma_.lower() if nominal else None
        if unit.dep_ != "nmod" or unit.head.i <= unit.i:
            return None
        thing = unit.head
        per = any(t.text == "/" for t in num.doc[unit.i : thing.i])  # "km/h": still the unit
        if not per and thing.pos_ == "NOUN" and thing.dep_ in _NOMINAL_DEPS:
            return thing.lemma_.lower()  # "the 25-ton, unmarked truck"
        unit = thing
    return None


def _named_dimension(dim: str, sent: Span, site: NumberSite, flex: FactLexicon) -> str:
    """Refine a default dimension from a word next to the number ("long", "top speed")."""
    if dim not in _REFINABLE:
        return dim
    doc = sent.doc
    best: tuple[int, str] | None = None
    lo, hi = max(sent.start, site.start - _DIM_BEFORE), min(sent.end, site.end + _DIM_AFTER)
    for tok in doc[lo:hi]:
        found = flex.dimension_words.get(tok.lower_) or flex.dimension_words.get(tok.lemma_)
        if found is None or (found == _WEIGHT_REFINED) != (dim == "weight"):
            continue
        distance = site.start - tok.i if tok.i < site.start else tok.i - site.end
        if best is None or distance < best[0]:
            best = (distance, found)
    if best is None:
        return dim
    refined = best[1]
    if dim == "speed" and refined != "top_speed":
        return dim
    if dim != "speed" and refined == "top_speed":
        return dim
    return refined


# --------------------------------------------------------------------------- words


def _words(
    kind: ClaimType,
    counted: str,
    frame: str | None,
    qualifiers: list[str],
    event: str | None,
    flex: FactLexicon,
) -> str:
    """Plain words for the fact: "people killed in the tram crash", "magnitude"."""
    where = f" in the {event}" if event else ""
    if kind == ClaimType.MEASUREMENT and counted == "money" and frame in flex.money_kinds:
        return _money_words(frame, qualifiers, flex)
    if kind == ClaimType.MEASUREMENT:
        of = f" of the {event}" if event else ""
        if counted == "percent" and frame:  # "turnout", "vote share"
            return f"{flex.dimensions.get(frame, frame.replace('_', ' '))}{of}"
        thing = _sized(frame)
        dim = flex.dimensions.get(counted, counted.replace("_", " "))
        if thing:  # "speed of the fastball"
            return f"{dim} of the {thing}"
        paired = flex.paired_dimensions.get(counted)
        if paired and paired in qualifiers:  # "magnitude of the weaker of two quakes"
            return f"{dim} of the {paired} of two{f' {event}' if event else ''}"
        return f"{dim}{of}"
    if kind == ClaimType.ORDINAL_PERIOD and frame and frame.startswith(SERIES):
        return f"place of the {counted} in the {frame.removeprefix(SERIES)}'s series"
    if kind == ClaimType.ORDINAL_PERIOD:
        return f"{frame or 'period'} of the {counted.replace('_', ' ')}"
    noun = _noun_words(counted, qualifiers, flex)
    whole = _sized(frame)
    if whole:  # "pages of the indictment"
        return f"{noun} of the {whole}"
    sev = [q for q in qualifiers if q in flex.severity]
    words = flex.frames[frame].words if frame in flex.frames else (frame or "").replace("_", " ")
    if sev:
        words = f"{sev[0]} {words}".strip()
    said = f"{_place_words(qualifiers, flex)}{_sent_by(qualifiers, flex)}{where}"
    return f"{noun} {words}{said}".strip()


def _money_words(kind: str, qualifiers: list[str], flex: FactLexicon) -> str:
    """ "expected profit", "value of the initial deal for X including debt"."""
    words = flex.money_kinds[kind]
    head, sep, tail = words.rpartition(" ")
    before = [q for q in ("expected", "initial", "quarterly", "full-year") if q in qualifiers]
    noun = f"{head}{sep}{' '.join([*before, tail])}"
    after = sorted(q for q in qualifiers if q.startswith("by "))
    after += sorted(q for q in qualifiers if q.startswith("for "))
    after += [q for q in qualifiers if q == "including debt"]
    after += [f"in {q}" for q in qualifiers if q in ("cash", "stock")]
    after += [q for q in qualifiers if q.startswith("per ")]
    return " ".join([noun, *after])


def _sized(frame: str | None) -> str | None:
    """The thing a size frame measures ("size:report" -> "report"), else None."""
    if frame is None or not frame.startswith("size:"):
        return None
    return frame.removeprefix("size:").replace("_", " ")


def plural(word: str) -> str:
    """English plural of a lexicon noun ("passenger" -> "passengers", "man" -> "men")."""
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _noun_words(counted: str, qualifiers: list[str], flex: FactLexicon) -> str:
    """ "people", "passengers" (a role names the count), "american people"."""
    roles = [q for q in qualifiers if q in flex.role_set]
    others = [
        q
        for q in qualifiers
        if q not in flex.severity
        and q not in flex.role_set
        and q.partition(" ")[0] not in flex.landing_preps
        and not q.startswith(("by ", "at "))
        and q.lower() not in flex.weekdays
    ]
    if roles:
        noun = plural(roles[-1])
        others += roles[:-1]
    else:
        noun = flex.plurals.get(counted) or plural(counted.replace("_", " "))
    return " ".join([*others, noun])


def _question(
    kind: ClaimType,
    counted: str,
    frame: str | None,
    qualifiers: list[str],
    event: str | None,
    description: str,
    flex: FactLexicon,
) -> str:
    """The fact as the object of "Outlets disagree on ...": "how many people were killed in
    the tram crash", "the magnitude of the earthquake"."""
    if kind == ClaimType.ORDINAL_PERIOD and frame and frame.startswith(SERIES):
        return f"which {counted} of the {frame.removeprefix(SERIES)} it was"
    if kind == ClaimType.ORDINAL_PERIOD:  # "which year of the war it is"
        return f"which {frame or 'period'} of the {counted.replace('_', ' ')} it is"
    whole = _sized(frame)
    if kind == ClaimType.QUANTITY and whole:  # "how many pages the indictment has"
        return f"how many {_noun_words(counted, qualifiers, flex)} the {whole} has"
    if kind != ClaimType.QUANTITY or frame not in flex.frames:
        return f"the {description}"
    noun = _noun_words(counted, qualifiers, flex)
    sev = [q for q in qualifiers if q in flex.severity]
    verb = flex.frames[frame].question
    if sev:
        first, _, rest = verb.partition(" ")
        verb = f"{first} {sev[0]} {rest}".strip() if rest else f"{sev[0]} {verb}"
    where = f" in the {event}" if event else ""
    said = f"{_place_words(qualifiers, flex)}{_sent_by(qualifiers, flex)}{where}"
    return f"how many {noun} {verb}{said}"
