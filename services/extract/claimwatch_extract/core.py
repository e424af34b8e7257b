"""``extract_claims(doc, ...)``: one parsed article → typed claims with evidence spans.

Pure: no Kafka, no I/O. Every claim's ``start``/``end`` is the character span of its evidence
sentence in the text that was parsed (``Article.text``), so ``text[start:end] == claim.text``.
Ids are ``<article id>:<type>:<anchor char>``: stable across re-runs of the same text, distinct
for two claims in one sentence.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from claimwatch.models import Attribution, Claim, ClaimType, FactScope, Interval, ValueKind
from claimwatch_extract.attribution import (
    Actor,
    Speaker,
    attribution_of,
    canonical_phrase,
    classify,
    dateline_spans,
    find_speaker,
    phrase,
    quote_spans,
    resolve_actor,
)
from claimwatch_extract.bounds import inherit_conversion_bounds, prepositional_bounds
from claimwatch_extract.changes import value_kind
from claimwatch_extract.clock import ClockFigure, clock_figures, may_have_clock
from claimwatch_extract.entities import EntityIndex
from claimwatch_extract.fact_lexicon import load_fact_lexicon
from claimwatch_extract.facts import (
    NumberSite,
    SentenceWords,
    article_context,
    describe,
    sentence_words,
)
from claimwatch_extract.holders import (
    HolderFigure,
    HolderNames,
    doer_name,
    holder_figures,
    holder_words,
)
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.measurements import FALL, extract_measurement
from claimwatch_extract.money import extract_money
from claimwatch_extract.money_facts import MoneyIdentity
from claimwatch_extract.numbers import NumberMatch, scan_numbers, spaced_symbols
from claimwatch_extract.ordinals import extract_ordinals, extract_series, may_have_ordinal
from claimwatch_extract.precision import is_conversion, stated_precision
from claimwatch_extract.quantities import (
    Quantity,
    extract_quantity,
    extract_zero,
    list_ends,
    list_member,
    severity_share,
    zero_implied,
    zero_match,
    zero_sites,
)
from claimwatch_extract.quotes import find_quotes
from claimwatch_extract.slots import change_slot, measurement_slot, money_slot
from claimwatch_extract.threats import (
    PRONOUN_TARGETS,
    find_threats,
    is_labour,
    needs_object,
    place_aimed_at,
    speech_noun_agent,
    target_class,
    threat_actor_token,
)
from claimwatch_extract.token_table import TokenTable, token_table

ARMED_ACTORS = frozenset({"state_official", "military", "armed_group"})
FALL_SLOT = measurement_slot(FALL)

FALL_SLOT = measurement_slot(FALL)


def _named(target: str | None) -> bool:
    """A target a reader can name (not "them", "it")."""
    return target is not None and target.lower() not in PRONOUN_TARGETS


def join_names(names: list[str]) -> str:
    """ "X", "X and Y", "X, Y and Z": the targets of one threat, in the order named."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def actor_class(actor: Actor | None, lex: Lexicon) -> str:
    """The actor's class from the words naming it; a country or capital speaking ("North
    Korea threatened", "Pyongyang warned") is a state, so ``state_official``."""
    if actor is None:
        return "unknown"
    found = classify(actor.words, lex.actors.classes, lex.actors.priority)
    if found is None and actor.kind == "GPE":
        return "state_official"
    return found or "unknown"


class _Builder:
    def __init__(
        self,
        doc: Doc,
        article_id: str,
        ents: EntityIndex,
        lex: Lexicon,
        title: str | None,
        published: tuple[int, int] | None,
        text: str | None = None,
        table: TokenTable | None = None,
    ) -> None:
        self.doc, self.article_id, self.ents, self.lex = doc, article_id, ents, lex
        # once: Doc.text is rebuilt from every token on each access
        self.text = doc.text if text is None else parsed_text(doc, text)
        self.table = table or token_table(doc)
        self.spans = quote_spans(self.text)
        self.datelines = dateline_spans(self.text, lex)
        self.flex = load_fact_lexicon()
        self.ctx = article_context(doc, title, published, self.text)
        self._names: HolderNames | None = None  # built for the first sentence that needs it
        self.claims: list[Claim] = []
        self._vocab: tuple[int, SentenceWords | None] = (-1, None)
        self._speaker: tuple[int, Speaker | None] = (-1, None)
        self._actors: dict[int, Actor] = {}

    def add(
        self,
        type_: ClaimType,
        sent: Span,
        anchor: Token,
        confidence: float,
        **fields: object,
    ) -> None:
        speaker = self.speaker(sent)
        actor = self.actor(speaker.token) if speaker is not None else None
        fields.setdefault("actor", actor.name if actor else None)
        fields.setdefault("actor_id", actor.id if actor else None)
        fields.setdefault("attribution", attribution_of(anchor.idx, speaker, self.spans))
        start, end = evidence_bounds(self.text, sent.start_char, sent.end_char)
        start, end = evidence_window(self.text, start, end, anchor.idx)
        self.claims.append(
            Claim(
                id=f"{self.article_id}:{type_.value}:{anchor.idx}",
                type=type_,
                text=self.text[start:end],
                start=start,
                end=end,
                confidence=confidence,
                **fields,
            )
        )

    def sentence(self, sent: Span) -> None:
        lex = self.lex
        table, a, b = self.table, sent.start, sent.end
        words, tags = table.lower[a:b], table.tag[a:b]
        prev_class: str | None = None
        last_count: Quantity | None = None
        # token indexes into the doc, not the sentence
        scanned = spaced_symbols(words, sent)
        found = [rel.shifted(sent.start) for rel in scan_numbers(scanned, lex, tags)]
        matches = inherit_conversion_bounds(prepositional_bounds(found, sent, lex), sent)
        last: tuple[int, int] | None = None  # the last measurement: (literal end, claim index)
        lists = list_ends(matches, sent) if len(matches) > 1 else {}
        for at, m in enumerate(matches):
            cash = extract_money(m, sent, lex, matches)
            if cash is not None:
                self._value(
                    ClaimType.MEASUREMENT,
                    sent,
                    m,
                    (cash.first, cash.low, cash.high, cash.currency),
                    money_slot(cash.subject),
                    cash.confidence,
                    counted=False,
                    money=cash.identity,
                )
                continue
            meas = extract_measurement(m, sent, lex, matches)
            if meas is not None:
                self._value(
                    ClaimType.MEASUREMENT,
                    sent,
                    m,
                    (meas.first, meas.low, meas.high, meas.unit),
                    meas.slot,
                    meas.confidence,
                    counted=False,
                    factor=meas.factor,
                )
                if meas.slot == FALL_SLOT:
                    self._faller(meas.first.doc[m.num_end - 1])
                if last is not None and is_conversion(self.doc, last[0], m.start):
                    self._same_statement(last[1], len(self.claims) - 1)
                last = (m.num_end, len(self.claims) - 1)
                continue
            q = extract_quantity(m, sent, lex, prev_class)
            if q is None and at in lists:  # "71, 58 and 64 points": the list's noun
                q = self._list_quantity(matches, lists[at], sent, prev_class, m)
            if q is None:  # "55 were hurt, five of them critically"
                q = severity_share(m, sent, lex, self.flex, last_count)
            if q is not None:
                prev_class, last_count = q.cls, q
                self._count(sent, m, q)
        for z in zero_sites(words, sent, lex):
            q = extract_zero(z, sent, lex)
            also = zero_implied(q, sent, lex) if q is not None else None
            for zq in (q, also):
                if zq is not None:
                    self._count(sent, z if zq is q else zero_match(zq), zq)
        ordinals = []
        if may_have_ordinal(words, lex):
            ordinals = extract_ordinals(sent, lex, words)
            if "this" in words:  # "the 12th test this year"
                ordinals += extract_series(sent, lex)
        for o in ordinals:
            value = Interval(low=o.value, high=o.value, unit=o.unit)
            site = NumberSite(o.first.i, o.first.i + 1)
            self.add(
                ClaimType.ORDINAL_PERIOD,
                sent,
                o.first,
                o.confidence,
                value=value,
                slot=o.slot,
                fact=describe(
                    ClaimType.ORDINAL_PERIOD,
                    o.slot,
                    sent,
                    site,
                    self.ctx,
                    self.flex,
                    self.vocab(sent),
                ),
            )
        for clock in clock_figures(sent, words, lex) if may_have_clock(words) else ():
            self._clock(sent, clock)
        for fig in holder_figures(
            sent, words, self.flex.holders, self.holder_names, lex.numbers.words, lex.ordinals.words
        ):
            self._holder(sent, fig)
        threat_at: dict[str, tuple[int, list[str]]] = {}  # actor key → (claim index, targets)
        for hit in find_threats(sent, lex, table):
            speaker = self.speaker(sent)
            agent = speech_noun_agent(hit.trigger, lex)  # "a warning from X that ..."
            tok = agent or threat_actor_token(hit, speaker, self.spans, lex, self.datelines)
            actor = self.actor(tok) if tok is not None else None
            key = (actor.id or actor.name) if actor is not None else ""
            a_class = actor_class(actor, lex)
            if needs_object(hit, lex) and (
                a_class in ("labour", "unknown") or (actor and is_labour(actor.words, lex))
            ):
                continue
            if hit.needs_armed_actor and a_class not in ARMED_ACTORS:
                continue
            aimed = place_aimed_at(hit.target, lex)  # "the sea near X": X
            target, t_class = target_class(aimed, lex)
            if aimed is not None and target == phrase(aimed):
                target = canonical_phrase(aimed, self.ents)  # "the US" → United States
            if hit.target is None and hit.if_attacked:
                t_class = "attacker"
            if key in threat_at:
                # one threat claim per speaker and sentence, as annotators count; the other
                # targets it names join it ("to hit X, sink Y and crush Z")
                self._join_target(*threat_at[key], target, t_class)
                continue
            quoted = any(self._quoted(t) for t in hit.evidence)
            if quoted and (speaker is not None or agent is not None):
                attribution = Attribution.DIRECT_QUOTE
            elif speaker is not None or hit.own_subject is not None or agent is not None:
                attribution = Attribution.REPORTED
            else:
                attribution = Attribution.UNATTRIBUTED
            conf = 0.9 if actor is not None and a_class != "unknown" else 0.7
            named = [target] if target is not None and _named(target) else []
            threat_at[key] = (len(self.claims), named)
            self.add(
                ClaimType.THREAT,
                sent,
                hit.trigger,
                conf,
                actor=actor.name if actor else None,
                actor_id=actor.id if actor else None,
                actor_class=a_class,
                target=target,
                target_class=t_class,
                condition=hit.condition,
                attribution=attribution,
            )

    def _join_target(self, at: int, names: list[str], target: str | None, t_class: str) -> None:
        """Add a further named target to the speaker's threat claim of this sentence."""
        if target is None or not _named(target) or target in names:
            return
        claim = self.claims[at]
        update: dict[str, object] = {"target": join_names([*names, target])}
        if not names:  # the first threat named no one: this one is the target
            update["target_class"] = t_class
        names.append(target)
        self.claims[at] = claim.model_copy(update=update)

    def _list_quantity(
        self,
        matches: list[NumberMatch],
        end: int,
        sent: Span,
        prev_class: str | None,
        m: NumberMatch,
    ) -> Quantity | None:
        """The count a list member states when the list's last number counts a noun (not
        money, not a measure)."""
        last, lex = matches[end], self.lex
        if extract_money(last, sent, lex, matches) or extract_measurement(last, sent, lex):
            return None
        counted = extract_quantity(last, sent, lex, prev_class)
        return list_member(m, sent, lex, counted) if counted is not None else None

    def _count(self, sent: Span, m: NumberMatch, q: Quantity) -> None:
        """One count claim: a read number or a stated none ("nobody was hurt")."""
        value = (q.first, q.low, q.high, q.cls)
        self._value(
            ClaimType.QUANTITY,
            sent,
            m,
            value,
            q.slot,
            q.confidence,
            counted=True,
            noun=q.noun,
        )

    def _value(
        self,
        type_: ClaimType,
        sent: Span,
        m: NumberMatch,
        value: tuple[Token, float | None, float | None, str],
        slot: str,
        confidence: float,
        counted: bool,
        noun: Token | None = None,
        factor: float = 1.0,
        money: MoneyIdentity | None = None,
    ) -> None:
        """One numeric claim, marked as a level or a change (a change gets its own slot),
        with the fact it states (facts.py) and, for a real value, its stated precision."""
        first, low, high, unit = value
        kind, direction = value_kind(m, sent, self.lex, counted)
        if slot == FALL_SLOT:  # "fell 300 metres": the distance fallen, never a change
            kind, direction = ValueKind.LEVEL, None
        site = NumberSite(m.num_start, m.num_end, noun)
        fact = describe(type_, slot, sent, site, self.ctx, self.flex, self.vocab(sent), money)
        if kind is ValueKind.CHANGE:  # "rose by 12,000": an increment, never the figure
            key = f"{fact.key}|change" if "|" not in fact.key else f"{fact.key},change"
            fact = fact.model_copy(update={"scope": FactScope.PART, "key": key})
        literal = self.doc[m.num_start : m.num_end]
        self.add(
            type_,
            sent,
            first,
            confidence,
            value=Interval(low=low, high=high, unit=unit),
            slot=change_slot(slot) if kind is ValueKind.CHANGE else slot,
            value_kind=kind,
            direction=direction,
            fact=fact,
            precision=None if counted else stated_precision(literal, factor),
        )

    def actor(self, tok: Token) -> Actor:
        """``resolve_actor`` of a token, worked out once: a sentence's claims share their
        speaker, and the entity index does not change while the article is read."""
        found = self._actors.get(tok.i)
        if found is None:
            found = self._actors[tok.i] = resolve_actor(tok, self.ents)
        return found

    def _faller(self, num: Token) -> None:
        """ "Jane Roe fell 60 m": the distance fallen is the named faller's, keyed
        ``measurement:fall:<holder>``, so two people's falls in one story never meet."""
        unit = num.head if num.dep_ == "nummod" else num
        found = doer_name(unit.head, self.flex.holders, self.holder_names())
        claim = self.claims[-1] if self.claims else None
        if found is None or claim is None or claim.fact is None:
            return
        key, name = found
        fact = claim.fact
        self.claims[-1] = claim.model_copy(
            update={
                "fact": fact.model_copy(
                    update={
                        "key": fact.key.replace(FALL_SLOT, f"{FALL_SLOT}:{key}", 1),
                        "frame": key,
                        "description": f"distance {name} fell",
                        "question": f"how far {name} fell",
                    }
                )
            }
        )

    def _clock(self, sent: Span, clock: ClockFigure) -> None:
        """A clock time of a named event (clock.py): a level, precise to its stated
        minute (a time of day) or second (a time into a round)."""
        site = NumberSite(clock.first.i, clock.first.i + 1)
        kind = ClaimType.MEASUREMENT
        fact = describe(kind, clock.slot, sent, site, self.ctx, self.flex, self.vocab(sent))
        self.add(
            kind,
            sent,
            clock.first,
            0.85,
            value=Interval(low=clock.value, high=clock.value, unit=clock.unit),
            slot=clock.slot,
            value_kind=ValueKind.LEVEL,
            fact=fact,
            precision=clock.precision,
        )

    def holder_names(self) -> HolderNames:
        if self._names is None:
            self._names = HolderNames.of(self.doc, self.flex.holders, self.table)
        return self._names

    def _holder(self, sent: Span, fig: HolderFigure) -> None:
        """One figure of a named holder (holders.py): its fact is keyed by the holder, so a
        plain count read from the same number ("18 KOs") gives way to it."""
        measured = fig.factor is not None
        kind = ClaimType.MEASUREMENT if measured else ClaimType.QUANTITY
        slot = f"measurement:play:{fig.frame}" if measured else f"quantity:{fig.unit}:{fig.frame}"
        site = NumberSite(fig.number.i, fig.number.i + 1)
        fact = describe(kind, slot, sent, site, self.ctx, self.flex, self.vocab(sent))
        description, question = holder_words(fig)
        fact = fact.model_copy(
            update={
                "key": f"{slot}|{fig.holder}",
                "description": description,
                "question": question,
                "counted": fig.unit,
                "frame": fig.frame,
                "qualifiers": [fig.holder],
                "scope": FactScope.WHOLE,
                "cue": None,  # "improved to 10-5" is the game moving it, not the report
            }
        )
        claim_id = f"{self.article_id}:{kind.value}:{fig.number.idx}"
        self.claims = [c for c in self.claims if c.id != claim_id]
        literal = self.doc[fig.number.i : fig.number.i + 1]
        self.add(
            kind,
            sent,
            fig.number,
            0.8,
            value=Interval(low=fig.value, high=fig.value, unit=fig.unit),
            slot=slot,
            value_kind=ValueKind.LEVEL,
            fact=fact,
            precision=stated_precision(literal, fig.factor) if fig.factor else None,
        )

    def speaker(self, sent: Span) -> Speaker | None:
        """The sentence's speaker (attribution.find_speaker), worked out once per sentence and
        only for one that states a claim: most sentences state none."""
        at, found = self._speaker
        if at != sent.start:
            found = find_speaker(sent, self.spans, self.lex, self.datelines, self.table)
            self._speaker = (sent.start, found)
        return found

    def vocab(self, sent: Span) -> SentenceWords:
        """The sentence's words (facts.sentence_words), built once per sentence and only for
        one with a numeric claim."""
        at, words = self._vocab
        if words is None or at != sent.start:
            words = sentence_words(sent, self.table)
            self._vocab = (sent.start, words)
        return words

    def _same_statement(self, first: int, second: int) -> None:
        """A bracketed conversion ("25 kilometres (15 miles)") restates the number before
        it: both claims state one fact, each with a precision that covers the other, so the
        rounding of a conversion never reads as a second, different value."""
        a, b = self.claims[first], self.claims[second]
        if a.value is None or b.value is None or a.value.unit != b.value.unit:
            return
        pairs = [(a.value.low, b.value.low), (a.value.high, b.value.high)]
        gap = max((abs(x - y) for x, y in pairs if x is not None and y is not None), default=0.0)
        wide = round(gap + max(a.precision or 0.0, b.precision or 0.0), 6)
        self.claims[first] = a.model_copy(update={"precision": max(a.precision or 0.0, wide)})
        self.claims[second] = b.model_copy(
            update={"precision": max(b.precision or 0.0, wide), "fact": a.fact}
        )

    def _quoted(self, tok: Token) -> bool:
        return any(a <= tok.idx < b for a, b in self.spans)

    def quotes(self, sents: list[Span]) -> None:
        doc = self.doc
        found = find_quotes(doc, self.spans, self.lex, self.datelines, self.text, self.table, sents)
        for q in found:
            actor = self.actor(q.speaker.token)
            text = self.text[q.start : q.end]
            self.claims.append(
                Claim(
                    id=f"{self.article_id}:quote:{q.start}-{q.end}:{self.text.find(q.quote)}",
                    type=ClaimType.QUOTE,
                    text=text,
                    start=q.start,
                    end=q.end,
                    confidence=0.9 if actor.id else 0.7,
                    attribution=Attribution.DIRECT_QUOTE,
                    actor=actor.name,
                    actor_id=actor.id,
                    actor_class=actor_class(actor, self.lex),
                    quote=q.quote,
                )
            )


def extract_claims(
    doc: Doc,
    article_id: str,
    ents: EntityIndex,
    lex: Lexicon,
    title: str | None = None,
    published: tuple[int, int] | None = None,
    text: str | None = None,
    table: TokenTable | None = None,
) -> list[Claim]:
    """All claims of one parsed article, in text order (quotes after per-sentence claims).

    ``title`` and ``published`` (year, month) place each numeric claim's fact: in the
    headline or not, this event or an earlier one (see facts.py). ``text``: the text that was
    parsed, when the caller has it (else rebuilt from the doc's tokens); ``table``, the doc's
    token table (token_table.py), likewise."""
    b = _Builder(doc, article_id, ents, lex, title, published, text, table)
    sents = list(doc.sents)
    for sent in sents:
        b.sentence(sent)
    b.quotes(sents)
    return b.claims


def parsed_text(doc: Doc, text: str) -> str:
    """``text`` after checking it is the one ``doc`` was parsed from (spaCy keeps every
    character, so the last token ends where the text ends); cheaper than ``doc.text``."""
    end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    if end != len(text):
        raise ValueError(f"text of {len(text)} characters is not the parsed one ({end})")
    return text


EVIDENCE_MAX_CHARS = 1000
"""Longest evidence kept per claim. A news sentence is far shorter; an unpunctuated run of
text parsed as one sentence is not, and every claim in it would carry all of it (the output
then grows with the square of the text: docs/reliability.md, "Sizes")."""


def evidence_window(
    text: str, start: int, end: int, anchor: int, limit: int = EVIDENCE_MAX_CHARS
) -> tuple[int, int]:
    """The span itself when at most ``limit`` characters, else a ``limit``-character window of
    it around ``anchor`` (the claim's word), moved to word boundaries."""
    if end - start <= limit:
        return start, end
    low = max(start, min(anchor - limit // 2, end - limit))
    high = low + limit
    if low > start:  # do not start mid-word
        cut = text.find(" ", low, anchor)
        low = cut + 1 if cut != -1 else low
    if high < end:  # nor end mid-word
        cut = text.rfind(" ", max(anchor, low), high)
        high = cut if cut != -1 else high
    return low, high


def evidence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence span without the blank lines spaCy attaches to a paragraph's last sentence,
    so evidence shows (and alerts quote) exactly the sentence."""
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end
