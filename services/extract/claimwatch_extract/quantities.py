"""Quantity claims: a number counting something, as an interval with class and frame.

Why: "26 countries had formally committed troops" and "more than two dozen nations are prepared
to send troops" must meet on one slot and be compared as intervals ([26, 26] vs [25, None]:
consistent), while "a 35-nation coalition" is a different fact. The counted noun gives the
class (noun lexicon), the predicate around it gives the frame (frame lexicon); see slots.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch_extract.fact_lexicon import FactLexicon
from claimwatch_extract.facts import clause_verb, own_severity
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.numbers import NumberMatch
from claimwatch_extract.rates import rate_period
from claimwatch_extract.slots import is_people_name, match_frame, noun_class, quantity_slot
from claimwatch_extract.token_table import token_table

SKIP_ENTS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"})
LIST_JOINERS = frozenset({",", "and", "or"})
CLUSTER_DEPS = frozenset(
    {"prt", "acomp", "xcomp", "dobj", "prep", "advmod", "oprd", "attr", "ccomp"}
)


@dataclass(frozen=True)
class Quantity:
    first: Token  # first token of the number phrase (incl. modifier)
    low: float | None
    high: float | None
    cls: str
    frame: str | None
    slot: str
    confidence: float
    noun: Token | None = None  # the counted noun, when there is one (for facts.py)


def _countable(tok: Token) -> bool:
    return tok.pos_ == "NOUN" or is_people_name(tok)


def _cluster(verb: Token) -> set[str]:
    """Lemmas of a predicate: the verb, particles, complements and their objects."""
    out = {verb.lemma_.lower(), verb.lower_}
    for c in verb.children:
        if c.dep_ == "ccomp" and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
            continue  # "seven were killed, 14 others were wounded": another clause, its own count
        if c.dep_ in CLUSTER_DEPS or _object_complement(verb, c):
            out.add(c.lemma_.lower())
            out.add(c.lower_)  # "were missing": the tagger may lemmatise it to "miss"
            for g in c.children:
                if g.dep_ in ("xcomp", "pobj", "dobj", "prt", "amod", "compound", "prep", "aux"):
                    out.add(g.lemma_.lower())
                    if g.dep_ == "xcomp":
                        out |= {x.lemma_.lower() for x in g.children if x.dep_ in ("prt",)}
    return out


def _relative_subject(clause: Token) -> bool:
    """The clause's subject is a relative pronoun: it says something of the noun it hangs on."""
    return any(
        c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("who", "that", "which")
        for c in clause.children
    )


def _object_complement(verb: Token, c: Token) -> bool:
    """ "left about 130 injured": a participle right after the verb's object says what the
    object became (an ``oprd``), though the parser may hang it on the verb as a clause."""
    return (
        c.dep_ == "advcl"
        and c.tag_ == "VBN"
        and any(o.dep_ == "dobj" and o.i == c.i - 1 for o in verb.children)
    )


def _frame(noun: Token | None, num: Token, lex: Lexicon) -> tuple[str | None, Token | None]:
    """Frame of the counted thing (and a group noun if it is counted as members of one)."""
    start = noun if noun is not None else num
    if noun is not None:
        lemma = noun.lemma_.lower()
        own = {c.lemma_.lower() for c in noun.children if c.dep_ in ("amod", "acl", "relcl")}
        for c in noun.children:
            # "ships waiting offshore"; a relative clause only with its own relative subject
            # ("the 40 sailors who remain in captivity"): without one it is often a misparse
            if c.dep_ == "acl" or (c.dep_ == "relcl" and _relative_subject(c)):
                own |= _cluster(c)
        f = match_frame(own, lex)
        if f:
            return f, None
        if lemma in lex.frame_nouns:
            return lex.frame_nouns[lemma].frame, None
    group: Token | None = None
    if noun is not None:
        poss = next((c for c in noun.children if c.dep_ == "poss"), None)
        if poss is not None and poss.lemma_.lower() in lex.groups:
            group = poss  # "the court's nine justices"
    tok = start
    path: set[str] = set()
    for _ in range(5):
        dep = tok.dep_
        head = tok.head
        if head.i == tok.i:
            break
        if dep in ("pobj",):
            prep = head
            path.add(prep.lemma_.lower())
            holder = prep.head
            if holder.pos_ in ("NOUN", "PROPN") and holder.i != tok.i:
                hl = holder.lemma_.lower()
                if prep.lower_ == "of" and hl in lex.groups and group is None:
                    group = holder
                elif prep.lower_ in lex.prep_frames and holder.i < prep.i:
                    return lex.prep_frames[prep.lower_], None
                path.add(hl)
            elif holder.pos_ in ("VERB", "AUX"):
                f = match_frame(_cluster(holder) | path, lex)
                if f is not None:
                    return f, group
            tok = holder
            continue
        if dep in ("conj", "appos", "compound", "nummod", "amod", "quantmod", "npadvmod") and (
            head.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")
        ):
            path.add(head.lemma_.lower())
            tok = head
            continue
        if head.pos_ in ("VERB", "AUX", "ADJ") or dep in (
            "nsubj",
            "nsubjpass",
            "dobj",
            "attr",
            "pobj",
        ):
            f = match_frame(_cluster(head) | path, lex)
            if f is None and dep == "conj" and head.head.pos_ in ("VERB", "AUX"):
                f = match_frame(_cluster(head.head) | path, lex)
            if f is None and head.dep_ in ("conj", "xcomp", "advcl") and head.pos_ != "VERB":
                f = match_frame(_cluster(head.head), lex)
            return f, group
        tok = head
    return match_frame(path, lex) if path else None, group


def _modifier(tok: Token) -> bool:
    """A word between a number and its noun: "4.1m combined print and online copies"."""
    if tok.pos_ in ("ADJ", "CCONJ") or tok.tag_ in ("VBN", "VBD", "HYPH"):
        return True
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.pos_ == "NOUN" and nxt is not None and nxt.pos_ == "NOUN"


def _counted_noun(match: NumberMatch, sent: Span) -> Token | None:
    """The noun a number counts: its syntactic head, or the object of a following "of"."""
    doc = sent.doc
    last = doc[match.num_end - 1]
    nxt = doc[match.num_end] if match.num_end < sent.end else None
    if nxt is not None and nxt.lower_ == "of":
        # "dozens of villages", "two of its five shafts"
        for c in nxt.children:
            if c.dep_ == "pobj" and _countable(c):
                return c
        return None
    for tok in doc[match.num_start : match.num_end]:
        head = tok.head
        while head.i < match.num_end and head.head.i != head.i and head.i >= match.num_start:
            head = head.head  # "two dozen countries": "dozen" is part of the number
        near = head.i - last.i <= 4 or all(_modifier(t) for t in doc[match.num_end : head.i])
        if _countable(head) and head.i >= match.num_end and near and head.i - last.i <= 7:
            while head.dep_ == "compound" and head.head.pos_ == "NOUN" and head.head.i > head.i:
                head = head.head  # "21 world records": the records are counted
            return head
    # misparse ("dozen" as the head noun): the noun right after the number phrase
    if (last.pos_ == "NOUN" and last.head.i == last.i) or last.head.i < match.num_end:
        j = match.num_end
        while j < sent.end - 1 and j - last.i <= 6 and _modifier(doc[j]):
            j += 1
        if j < sent.end and _countable(doc[j]) and j - last.i <= 6:
            return doc[j]
    # "a crowd of 48,000": the number is the object of "of" after a counted noun
    if last.dep_ == "pobj" and last.head.lower_ == "of":
        holder = last.head.head
        if holder.pos_ == "NOUN" and holder.i < last.i:
            return holder
    return None


def extract_quantity(
    match: NumberMatch, sent: Span, lex: Lexicon, prev_class: str | None
) -> Quantity | None:
    """A quantity claim for one number phrase of a sentence, or None if it is not a count."""
    if match.kind in ("score", "fraction", "ratio"):
        return None
    doc = sent.doc
    ents = token_table(doc).ent_type[match.num_start : match.num_end]
    if "MONEY" in ents or "PERCENT" in ents:
        return None
    nums = doc[match.num_start : match.num_end]
    hits = _hits(match, sent, lex)
    if hits is not None:
        return _make(match, sent, lex, hits, "struck", 0.9)
    if any(e in SKIP_ENTS for e in ents):
        # NER often calls "between 40 and 50 civilians" a DATE: trust a counted noun instead
        noun = _counted_noun(match, sent)
        follow_up = noun is None and prev_class is not None and _bare_follow_up(match, sent)
        if not follow_up and (
            noun is None
            or noun.ent_type_ in SKIP_ENTS
            or noun.lemma_.lower() in (lex.not_counted_set)
        ):
            return None
    if match.kind == "exact" and match.low == 1 and not nums[0].like_num:
        return None  # "one of", "a" — too ambiguous to count
    if match.kind == "exact" and nums[0].lower_ == "one" and not _one_counts(nums[0], sent):
        return None
    last = nums[-1]
    if _is_year(match, nums, sent, lex):
        return None  # "the 2019 referendum", "in 2018"
    if match.op is None and match.start > sent.start:
        before = doc[match.start - 1]
        if before.pos_ == "PROPN" and before.text[:1].isupper() and before.ent_type_ != "GPE":
            return None  # a number in a name: "Article 12", "Flight 302"
        if before.lemma_.lower() in lex.label_nouns_set or before.lower_ in lex.label_nouns_set:
            return None  # a label, not a count: "a category 5 storm", "Highway 61"
    nxt = doc[match.num_end] if match.num_end < sent.end else None
    # "a 35-nation coalition", "the 300-seat parliament", "a nine-member jury"
    if nxt is not None and nxt.text == "-" and match.num_end + 1 < sent.end:
        unit = doc[match.num_end + 1]
        ul = unit.lemma_.lower()
        if ul in lex.not_counted_set or unit.lower_ in lex.not_counted_set:
            return None
        group = unit.head if unit.head.i > unit.i else None
        if group is None or group.pos_ != "NOUN":
            return None
        if group.lemma_.lower() not in lex.groups:
            # "a 48-page report", "a 35-word oath": the size of one thing, in its parts
            if unit.pos_ not in ("NOUN", "ADJ") or not unit.is_alpha:
                return None
            cls = noun_class(unit, lex)[0]
            return _make(match, sent, lex, cls, f"size:{group.lemma_.lower()}", 0.7)
        gl = group.lemma_.lower()
        member = ul in ("member", "strong")
        cls = lex.groups[gl].member if member else noun_class(unit, lex)[0]
        return _make(match, sent, lex, cls, f"size:{gl}", 0.85)
    noun = _counted_noun(match, sent)
    if _parent_of(last, noun, lex):  # "a mother of 12": her children, not 12 mothers
        children = noun if noun is not None and noun.i > last.i else None
        return _make(match, sent, lex, "child", "parent_of", 0.7, children)
    if noun is not None:
        nl = noun.lemma_.lower()
        if nl in lex.not_counted_set or noun.lower_ in lex.not_counted_set:
            return None
        if nl in lex.source_nouns and noun.head.lemma_.lower() in lex.speech:
            return None
        cls, known = noun_class(noun, lex)
        role = _purpose_role(noun, lex)
        if role is not None:
            cls, known = role, True
        if nl in ("other", "more") and prev_class:
            cls, known = prev_class, True  # "five terrorists ... and 11 others"
        if nl in lex.frame_nouns:
            cls, known = lex.frame_nouns[nl].cls, True
    else:
        tally = _tally(last, lex)
        if tally is not None:
            return _make(match, sent, lex, tally[1], tally[0], 0.8)
        own = _own_frame(last, lex)
        if own is not None and own in lex.frame_default_class:  # a headline's "Five dead"
            return _make(match, sent, lex, lex.frame_default_class[own], own, 0.8)
        bare = prev_class is not None and _bare_follow_up(match, sent)
        if not bare and (
            last.head.pos_ == "PROPN"
            or last.dep_ in ("appos",)
            or (last.head.i < last.i - 1 and last.dep_ == "nummod")
        ):
            return None
        cls, known = (prev_class or "", True) if bare else ("", False)
    frame, group = _frame(noun, last, lex)
    if noun is None and cls:
        if frame is None:
            return _make(match, sent, lex, cls, None, 0.4)
    elif noun is None:
        if frame is None:
            return None
        cls = prev_class or lex.frame_default_class.get(frame, "")
        if not cls:
            return None
        known = True
    if frame is not None and frame in lex.frame_class:
        cls, known = lex.frame_class[frame], True  # "the 40 sailors still held": people held
    if cls in lex.class_frame:  # "four rescue units at the scene": the units sent
        frame = lex.class_frame[cls]
    if frame in lex.bounding_frames:
        union = _bounding_union(last, frame, lex)
        if union is not None:  # "90 homes were damaged or toppled": at most 90 destroyed
            return _make(match, sent, lex, cls, union, 0.9 if known else 0.7, noun, bound=True)
    if frame is None and group is not None:
        frame = f"size:{group.lemma_.lower()}"
    if frame is None:
        return _make(match, sent, lex, cls, None, 0.4, noun)
    return _make(match, sent, lex, cls, frame, 0.9 if known else 0.7, noun)


def severity_share(
    match: NumberMatch, sent: Span, lex: Lexicon, flex: FactLexicon, last: Quantity | None
) -> Quantity | None:
    """ "55 were hurt, five of them critically", "40 wounded, nine critically", "ten of whom
    remain in critical condition": a bare number after a count, narrowed by how badly, counts
    that count's class with its frame (facts.py adds the severity, so it is the fact "people
    seriously injured", never all of the injured). Without a severity word it is nothing."""
    if last is None or last.frame not in flex.severity_frames or last.first.i >= match.start:
        return None
    doc = sent.doc
    num = doc[match.num_end - 1]
    nxt = doc[match.num_end] if match.num_end < sent.end else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN"):
        return None  # "five children": a count of its own
    if own_severity(num, flex) is None:
        return None
    return _make(match, sent, lex, last.cls, last.frame, 0.8)


def zero_sites(words: Sequence[str], sent: Span, lex: Lexicon) -> list[NumberMatch]:
    """The words of a sentence that state a count of none ("nobody", "none", "no" before a
    noun or "one"), as number matches of value 0 (doc token indexes). Cheap: one set test
    on the already lower-cased sentence, a loop only when a word of none is in it."""
    zero_words = lex.zeros.words
    if zero_words.isdisjoint(words):
        return []
    out: list[NumberMatch] = []
    for k, w in enumerate(words):
        if w in zero_words:
            i = sent.start + k
            out.append(NumberMatch(i, i + 1, i, i + 1, 0, 0, None, "exact", True))
    return out


def extract_zero(match: NumberMatch, sent: Span, lex: Lexicon) -> Quantity | None:
    """A zero statement on a frame where none is a figure ("no one was killed", "there were no
    injuries", "nobody was hurt"): the count 0 on the slot the numeric reports use, so "no one
    was hurt" meets "three were hurt". Other frames ("no one was arrested", "no group has
    claimed it") are left alone."""
    tok = sent.doc[match.num_start]
    if tok.lower_ in lex.zeros.determiners:
        if tok.dep_ != "det" or tok.head.i <= tok.i:
            return None
        tok = tok.head  # "no injuries", "no one"
    pronoun = tok.lower_ in lex.zeros.pronouns or tok.lower_ == "one"
    noun = tok if tok.pos_ == "NOUN" and not pronoun else None
    if noun is not None:
        nl = noun.lemma_.lower()
        if nl in lex.frame_nouns:  # "no casualties", "no deaths"
            fn = lex.frame_nouns[nl]
            return _zero(match, sent, lex, fn.cls, fn.frame, noun)
        if nl in lex.not_counted_set:
            return None
        cls, known = noun_class(noun, lex)
        if not known:
            return None
    frame, _ = _frame(noun, tok, lex)
    if frame is None or frame not in lex.zeros.frames:
        return None
    cls = noun_class(noun, lex)[0] if noun is not None else lex.frame_default_class[frame]
    return _zero(match, sent, lex, cls, frame, noun)


def zero_match(q: Quantity) -> NumberMatch:
    """The 0 a zero claim states, at its anchor word."""
    i = q.first.i
    return NumberMatch(i, i + 1, i, i + 1, 0, 0, None, "exact", True)


def zero_implied(q: Quantity, sent: Span, lex: Lexicon) -> Quantity | None:
    """ "No casualties": none killed and none hurt. The second count, anchored on the noun
    (its own claim), for a noun whose none covers another frame (`zeros.also`)."""
    if q.noun is None or q.noun.lemma_.lower() not in lex.zeros.also:
        return None
    i = q.noun.i
    at = NumberMatch(i, i + 1, i, i + 1, 0, 0, None, "exact", True)
    return _zero(at, sent, lex, q.cls, lex.zeros.also[q.noun.lemma_.lower()], q.noun)


def _zero(
    match: NumberMatch, sent: Span, lex: Lexicon, cls: str, frame: str, noun: Token | None
) -> Quantity | None:
    return _make(match, sent, lex, cls, frame, 0.8, noun) if frame in lex.zeros.frames else None


def _hits(match: NumberMatch, sent: Span, lex: Lexicon) -> str | None:
    """ "was shot seven times", "police shot him four times": the number counts the hits,
    the things that struck (bullets), so it meets "hit by seven bullets". The class of the
    things from the verb (``hit_verbs``); None when the number does not count a verb's times."""
    doc = sent.doc
    times = doc[match.num_end] if match.num_end < sent.end else None
    if times is None or times.lower_ != "times" or times.dep_ != "npadvmod":
        return None
    return lex.hit_verbs.get(times.head.lemma_.lower())


def _purpose_role(noun: Token, lex: Lexicon) -> str | None:
    """ "sent six specialists to monitor the ballot": the verb people were sent (or hired,
    deployed) to do names their role (``purpose_roles``), so the count meets "sent three
    observers"; None when no such purpose follows the counted object."""
    if noun.dep_ != "dobj" or not lex.purpose_roles:
        return None
    for c in noun.head.children:
        to = any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        if c.dep_ in ("advcl", "xcomp") and c.i > noun.i and to:
            return lex.purpose_roles.get(c.lemma_.lower())
    return None


def _parent_of(num: Token, noun: Token | None, lex: Lexicon) -> bool:
    """ "a mother of 12", "the father of three children": the number counts the parent's
    children (a detail outlets state to name a victim, and may state differently)."""
    tok = noun if noun is not None and noun.i > num.i else num
    of = tok.head
    return tok.dep_ == "pobj" and of.lower_ == "of" and of.head.lemma_.lower() in lex.parent_nouns


def list_ends(matches: Sequence[NumberMatch], sent: Span) -> dict[int, int]:
    """Index of each number that opens or continues a list of bare numbers to the index of the
    list's last number, which carries the counted noun for all ("scored 71, 58 and 64 points"):
    members are joined only by commas, "and" and "or", and the last one by "and" or "or"
    ("on May 5, 12 people died" is a date and a count, not a list)."""
    doc = sent.doc
    out: dict[int, int] = {}
    first = 0
    for j in range(1, len(matches) + 1):
        if j < len(matches):
            a, b = matches[j - 1], matches[j]
            joined = 0 < b.start - a.end <= 2 and all(
                doc[k].lower_ in LIST_JOINERS for k in range(a.end, b.start)
            )
            if joined and a.kind == b.kind == "exact" and a.op is None:
                continue
        if j - 1 > first:  # a list of two or more: its last joiner is "and" or "or"
            gap = range(matches[j - 2].end, matches[j - 1].start)
            if any(doc[k].lower_ in ("and", "or") for k in gap):
                out.update((k, j - 1) for k in range(first, j - 1))
        first = j
    return out


def list_member(match: NumberMatch, sent: Span, lex: Lexicon, last: Quantity) -> Quantity | None:
    """A bare number of a list counts what the list's last number counts."""
    nums = sent.doc[match.num_start : match.num_end]
    if last.noun is None or match.kind != "exact" or _is_year(match, nums, sent, lex):
        return None
    if match.start > sent.start and sent.doc[match.start - 1].pos_ == "PROPN":
        return None  # "May 5, 6 and 7 tickets": a date or a name opens it
    return _make(match, sent, lex, last.cls, last.frame, last.confidence, last.noun)


def _one_counts(one: Token, sent: Span) -> bool:
    """ "one hand", "one new solution": "one" counts a noun right after it (not "one of",
    "no one", "one another")."""
    doc = sent.doc
    j = one.i + 1
    while j < sent.end and doc[j].pos_ == "ADJ" and j - one.i <= 2:
        j += 1
    if j >= sent.end or doc[j].pos_ != "NOUN" or doc[j].lower_ in ("another", "day", "time"):
        return False
    prev = doc[one.i - 1] if one.i > sent.start else None
    if prev is not None and prev.lower_ == "that" and prev.dep_ == "mark":
        return True  # "said that one shell fell": "that" opens a clause, it is no determiner
    return prev is None or prev.lower_ not in ("no", "the", "this", "that", "any", "every")


def _is_year(match: NumberMatch, nums: Span, sent: Span, lex: Lexicon) -> bool:
    """A bare four-digit number in the year range, unless a plural noun follows ("2000
    people")."""
    lo, hi = lex.numbers.year_range
    if match.op is not None or match.kind not in ("exact", "range") or match.currency:
        return False
    t = nums[0]
    if not (t.text.isdigit() and len(t.text) == 4 and lo <= int(t.text) <= hi):
        return False
    nxt = sent.doc[match.num_end] if match.num_end < sent.end else None
    return nxt is None or nxt.tag_ != "NNS"


def _bare_follow_up(match: NumberMatch, sent: Span) -> bool:
    """A number without a noun that refers back to the thing counted before it in the
    sentence: "68,400 people ... and 95,800 who", "compared with 63", "up from 2.4 million"."""
    doc = sent.doc
    nxt = doc[match.num_end] if match.num_end < sent.end else None
    if nxt is not None and nxt.lower_ in ("who", "which", "others", "more"):
        return True
    prev = doc[match.start - 1] if match.start > sent.start else None
    while prev is not None and prev.pos_ in ("ADV", "ADP") and prev.lower_ in ("about", "some"):
        prev = doc[prev.i - 1] if prev.i > sent.start else None
    return prev is not None and prev.lower_ in ("with", "than", "from", "versus", "vs", "vs.", "to")


def _own_frame(num: Token, lex: Lexicon) -> str | None:
    """A bare number with its own predicate adjective or participle, as headlines put it:
    "Five dead", "27 hurt", "seven dead, 45 injured in ..." (the parser hangs "injured" on
    its number as a clause; the number's head is then the first count's "dead")."""
    own = {
        w
        for c in num.children
        if c.dep_ in ("amod", "acomp") or (c.dep_ == "acl" and c.tag_ == "VBN" and c.i == num.i + 1)
        for w in (c.lemma_, c.lower_)
    }
    return match_frame(own, lex) if own else None


def _tally(num: Token, lex: Lexicon) -> tuple[str, str] | None:
    """ "the death toll rose to 212" / "put the toll at 312": the number values a tally noun."""
    if num.dep_ == "quantmod" and num.head.like_num:
        num = num.head  # "rose by 12 to 310": parsed as one quantity phrase
    tok = num.head if num.dep_ == "pobj" else num
    verb = tok.head if tok.dep_ == "prep" else tok
    for c in verb.children:
        if c.dep_ in ("nsubj", "dobj", "nsubjpass") and c.i != num.i:
            for key in _tally_keys(c):
                if key in lex.tallies:
                    t = lex.tallies[key]
                    return t.frame, t.cls
    return None


def _tally_keys(noun: Token) -> list[str]:
    """Lexicon keys for a tally phrase, longest first: "death toll" and "toll" for "the death
    toll from the quake", "number of dead" for "the number of dead in the province". Built from
    the head noun with its compounds and its "of" object, so modifiers after it ("from
    Wednesday's earthquake") do not hide the tally."""
    lemma = noun.lemma_.lower()
    compounds = [c.lemma_.lower() for c in noun.children if c.dep_ == "compound" and c.i < noun.i]
    keys = [" ".join([*compounds[i:], lemma]) for i in range(len(compounds))]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            keys += [f"{lemma} of {o.lemma_.lower()}" for o in prep.children if o.dep_ == "pobj"]
            keys += [f"{lemma} of {o.lower_}" for o in prep.children if o.dep_ == "pobj"]
    return [*keys, lemma]


def _bounding_union(num: Token, frame: str, lex: Lexicon) -> str | None:
    """ "90 homes were damaged or toppled", "500 destroyed or damaged": a count of things
    that suffered one of two fates, the lesser and the greater (``bounding_unions``), says
    that at most that many suffered the greater (the count reads as "up to"); the greater
    frame, else None."""
    verb = clause_verb(num)
    if not any(c.dep_ == "cc" and c.lower_ == "or" for c in verb.children):
        return None
    for lesser, greater in lex.bounding_unions.items():
        for c in verb.children:
            if c.dep_ == "conj" and {frame, match_frame({c.lemma_.lower()}, lex)} == {
                lesser,
                greater,
            }:
                return greater
    return None


def _make(
    match: NumberMatch,
    sent: Span,
    lex: Lexicon,
    cls: str,
    frame: str | None,
    conf: float,
    noun: Token | None = None,
    bound: bool = False,
) -> Quantity:
    """``bound``: the number is an upper bound of the count, as "up to" states one."""
    low, high = match.interval(lex, counted=True)
    if bound:
        low = None
    per = rate_period(sent, match.num_end, lex)
    if per is not None:  # "8,000 victims a day" is a rate, not a count
        cls = f"{cls}/{per}"
    slot = quantity_slot(cls, frame)
    return Quantity(sent.doc[match.start], low, high, cls, frame, slot, conf, noun)
