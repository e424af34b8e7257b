"""Threat claims: a threat of force (CAMEO 138) by an actor against a target.

Why: this is the key-claim alert ("foreign troops will be legitimate targets"), so precision
comes first. A force verb counts only when it is *threatened*: under a modal ("will be
destroyed", "would be struck"), under "threaten/vow to", under readiness ("ready to strike"),
as a designation ("will be legitimate targets", "treated as enemy combatants"), or as a
forceful response ("would respond with military force"). Non-force threats (resign, sue, veto,
tariffs, labour strikes) are excluded by the lexicon, not by event-specific rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from claimwatch_extract.attribution import Actor, Speaker, classify, inside, phrase
from claimwatch_extract.lexicon import Lexicon

NEG = frozenset({"not", "n't", "never", "no"})


@dataclass(frozen=True)
class ThreatHit:
    trigger: Token
    evidence: tuple[Token, ...]  # tokens that carry the threat (for direct-quote detection)
    target: Token | None
    own_subject: Token | None  # "X threatened to ...": X is the actor, not the reporter
    condition: str | None


def _modal(tok: Token, lex: Lexicon) -> bool:
    modals = lex.threats.modal_aux
    for t in (tok, tok.head) if tok.dep_ in ("conj", "xcomp") else (tok,):
        if any(c.dep_ == "aux" and c.lower_ in modals for c in t.children):
            return True
    return False


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in NEG for c in tok.children)


def _child(tok: Token, *deps: str) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _object(tok: Token) -> Token | None:
    obj = _child(tok, "dobj")
    if obj is not None:
        return obj
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "at", "against"):
            return _child(prep, "pobj")
    return None


def _left_subject(verb: Token, lex: Lexicon) -> Token | None:
    """The subject a passive verb lost to a misparse: in "that foreign troops deployed to X
    would be treated as targets" the parser reads "troops deployed" as a clause of its own and
    leaves "would be treated" without a subject. The nearest subject to the left, back to the
    speech verb that introduces the clause, is what is treated/struck."""
    above = {a.i for a in verb.ancestors}
    for t in reversed(verb.doc[verb.sent.start : verb.i]):
        if t.i in above and t.lemma_.lower() in lex.speech:
            return None
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN", "PRON"):
            return t if t.head.i != verb.i else None
    return None


def _condition(tok: Token) -> str | None:
    for t in (tok, tok.head):
        for c in t.children:
            if c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ in ("if", "unless", "should") for m in c.children
            ):
                return " ".join(x.text for x in c.subtree)
    return None


def _force_noun(tok: Token, lex: Lexicon) -> Token | None:
    """A "military force" / "all means" noun below ``tok`` ("respond with ...")."""
    th = lex.threats
    for t in tok.subtree:
        if t.lemma_.lower() in th.force_nouns and any(
            c.lower_ in th.force_noun_modifiers for c in t.children
        ):
            return t
    return None


def find_threats(sent: Span, lex: Lexicon) -> list[ThreatHit]:
    """Threat triggers in one sentence (at most one per sentence: the first)."""
    th = lex.threats
    force = set(th.force_verbs)
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB" and lemma in th.threat_verbs:
            xc = _child(tok, "xcomp")
            subj = _child(tok, "nsubj")
            if xc is not None:
                xl = xc.lemma_.lower()
                if xl in th.non_force or (xl not in force and xl not in th.response_verbs):
                    continue
                if xl in th.response_verbs and _force_noun(xc, lex) is None:
                    continue
                return [ThreatHit(xc, (tok, xc), _object(xc), subj, _condition(xc))]
            obj = _child(tok, "dobj")
            if (
                lemma == "threaten"
                and obj is not None
                and obj.lemma_.lower() in th.force_nouns
                and any(c.lower_ in th.force_noun_modifiers for c in obj.children)
            ):
                return [ThreatHit(obj, (tok, obj), None, subj, _condition(tok))]
            continue
        if tok.pos_ == "VERB" and lemma in force and not _negated(tok):
            ready = tok.dep_ == "xcomp" and tok.head.lemma_.lower() in th.readiness
            if ready or _modal(tok, lex):
                passive = _child(tok, "nsubjpass")
                target = passive if passive is not None else _object(tok)
                if target is None and _child(tok, "auxpass") is not None:
                    target = _left_subject(tok, lex)
                if target is None and not passive and _child(tok, "nsubj") is not None:
                    subj = _child(tok, "nsubj")
                    if lemma in ("burn", "sink") and subj is not None:
                        target = subj  # "their tanks will burn"
                return [ThreatHit(tok, (tok,), target, None, _condition(tok))]
        if tok.pos_ == "VERB" and lemma in th.response_verbs and _modal(tok, lex):
            noun = _force_noun(tok, lex)
            if noun is not None and not _negated(tok):
                target = _child(tok, "nsubjpass")
                return [ThreatHit(tok, (tok, noun), target, None, _condition(tok))]
        if tok.pos_ in ("NOUN", "PROPN") and lemma in th.designation_nouns:
            mods = th.designation_nouns[lemma]
            if mods and not any(c.lower_ in mods for c in tok.children):
                continue
            gov = tok.head
            for _ in range(3):  # "treated as X", "treat any convoy crossing ... as X"
                if gov.lemma_.lower() in th.designation_verbs or gov.head.i == gov.i:
                    break
                gov = gov.head
            gl = gov.lemma_.lower()
            if gl not in th.designation_verbs or _negated(gov):
                continue
            if not (_modal(gov, lex) or gl not in ("be", "become")):
                continue
            target = _child(gov, "nsubj", "nsubjpass", "dobj")
            csubj = _child(gov, "csubj")
            if target is None and csubj is not None:  # "troops sent there will be targets"
                target = _child(csubj, "nsubj", "nsubjpass") or csubj
            if target is None and _child(gov, "auxpass") is not None:
                target = _left_subject(gov, lex)
            return [ThreatHit(tok, (tok, gov), target, None, _condition(gov))]
    return []


def is_labour(actor_words: str, lex: Lexicon) -> bool:
    return classify(actor_words, {"labour": lex.threats.labour_actor_words}, ["labour"]) is not None


def target_class(target: Token | None, lex: Lexicon) -> tuple[str | None, str]:
    """(target phrase, class): military nouns with a foreign marker → ``foreign_forces``."""
    if target is None or target.lower_ in ("they", "them", "it", "anyone", "anybody"):
        return (target.text if target is not None else None), "unknown"
    words = " ".join(t.lemma_.lower() for t in target.subtree)
    cls = classify(words, lex.targets.classes, lex.targets.priority) or "unknown"
    if cls == "military":
        foreign = classify(words, {"f": lex.targets.foreign_markers}, ["f"])
        norp = any(t.ent_type_ == "NORP" for t in target.subtree)
        if foreign or norp:
            cls = "foreign_forces"
    return phrase(target), cls


def needs_object(hit: ThreatHit, lex: Lexicon) -> bool:
    """Ambiguous verbs ("strike") are force only with an object or a passive target."""
    return hit.trigger.lemma_.lower() in lex.threats.ambiguous_force_verbs and hit.target is None


def threat_actor_token(
    hit: ThreatHit, speaker: Speaker | None, spans: list[tuple[int, int]]
) -> Token | None:
    """Who threatens: the subject of "threaten", else the speaker whose words carry it."""
    if hit.own_subject is not None and hit.own_subject.lower_ not in ("it", "they"):
        return hit.own_subject
    if speaker is not None:
        return speaker.token
    if hit.own_subject is not None:
        return hit.own_subject
    for t in hit.trigger.ancestors:
        subj = _child(t, "nsubj")
        if subj is not None and not inside(subj.idx, spans):
            return subj
    return None


CLAUSE_DEPS = frozenset({"acl", "relcl", "ccomp", "xcomp", "advcl"})


def speech_noun_agent(trigger: Token, lex: Lexicon) -> Token | None:
    """The speaker of a threat reported through a speech noun: "despite a warning from X that
    foreign troops would be legitimate targets", "X's vow to destroy ...".

    Why: there the sentence subject ("Members of the coalition said ...") is the one *reporting*
    the warning; the threat is X's. Walks up from the trigger through clause links only, and
    stops at a speech verb (then the ordinary speaker rules apply).
    """
    nouns = lex.speech_nouns
    tok = trigger
    for _ in range(8):
        head = tok.head
        if head.i == tok.i:
            return None
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in lex.speech:
            return None
        if head.pos_ == "NOUN" and head.lemma_.lower() in nouns.nouns:
            if tok.dep_ not in CLAUSE_DEPS:
                return None  # the trigger is not what the warning says
            poss = _child(head, "poss")
            if poss is not None:
                return poss
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ in nouns.agent_preps:
                    obj = _child(prep, "pobj")
                    if obj is not None:
                        return obj
            return None
        tok = head
    return None


__all__ = [
    "Actor",
    "ThreatHit",
    "find_threats",
    "speech_noun_agent",
    "target_class",
    "threat_actor_token",
]
