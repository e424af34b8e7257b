"""Threat claims: a threat of force (CAMEO 138) by an actor against a target.

Why: this is the key-claim alert ("foreign troops will be legitimate targets"), so precision
comes first. A force verb counts only when it is *threatened*: under a modal ("will be
destroyed", "would be struck"), under "threaten/vow to", under readiness ("ready to strike"),
as a designation ("will be legitimate targets", "treated as enemy combatants"), or as a
forceful response ("would respond with military force"). Non-force threats (resign, sue, veto,
tariffs, labour strikes) are excluded by the lexicon, not by event-specific rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from claimwatch_extract.attribution import Actor, Speaker, classify, inside, phrase
from claimwatch_extract.lexicon import Lexicon
from claimwatch_extract.token_table import TokenTable

NEG = frozenset({"not", "n't", "never", "no"})


@dataclass(frozen=True)
class ThreatHit:
    trigger: Token
    evidence: tuple[Token, ...]  # tokens that carry the threat (for direct-quote detection)
    target: Token | None
    own_subject: Token | None  # "X threatened to ...": X is the actor, not the reporter
    condition: str | None
    # Force only if a state, military or armed actor says it: "they will be destroyed", "warned
    # of war" (said by an analyst it is a forecast, by a general a threat).
    needs_armed_actor: bool = False
    # No target named, but the condition is an attack on the speaker's side: "if we are
    # attacked, we will retaliate" is a threat against whoever attacks.
    if_attacked: bool = False


def _modal(tok: Token, lex: Lexicon) -> bool:
    """Future or conditional: "will strike", "would be met", "is going to retaliate"; "should"
    and "must" only inside what a threat or warning verb reports."""
    th = lex.threats
    for t in (tok, tok.head) if tok.dep_ in ("conj", "xcomp") else (tok,):
        for c in t.children:
            if c.dep_ not in ("aux", "auxpass"):
                continue
            if c.lower_ in th.modal_aux or (c.tag_ == "MD" and c.lemma_ in th.modal_aux):
                return True  # "he'd strike": the contraction is "would" (not "had": no MD)
            if c.lower_ in th.reported_modal_aux and any(
                a.lemma_.lower() in th.threat_verbs or a.lemma_.lower() in th.warning_verbs
                for a in tok.ancestors
            ):
                return True
    head = tok.head
    return (  # "Kestria is going to retaliate"
        tok.dep_ == "xcomp"
        and head.lower_ == "going"
        and any(c.dep_ == "aux" and c.lemma_ == "be" for c in head.children)
    )


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


def _condition_clause(tok: Token, lex: Lexicon) -> Token | None:
    """The clause that says when the threat holds: "if they attack", "unless the talks
    resume", "in case of provocations"; on the verb itself, the verb it depends on, or the
    clause above a capability noun ("we have the means to destroy them")."""
    th = lex.threats
    heads = [tok, tok.head]
    if tok.dep_ == "acl":
        heads.append(tok.head.head)
    for t in heads:
        for c in t.children:
            if c.dep_ not in ("advcl", "prep"):
                continue
            if c.dep_ == "advcl" and any(
                m.dep_ in ("mark", "advmod") and m.lower_ in th.condition_marks for m in c.children
            ):
                return c
            opening = tuple(x.lower_ for x in c.subtree)
            if any(opening[: len(p)] == tuple(p) for p in th.condition_phrases):
                # "in case the enemy crosses": the clause's verb, or "in case of attack"
                return next((x for x in c.subtree if x.pos_ == "VERB"), c)
    return None


def _condition(tok: Token, lex: Lexicon) -> str | None:
    clause = _condition_clause(tok, lex)
    return " ".join(x.text for x in clause.subtree) if clause is not None else None


def _attack_condition(tok: Token, lex: Lexicon) -> bool:
    """The condition is force used or threatened against the speaker's side: "when Kestria is
    targeted", "if our borders are threatened", "in case of an attack"."""
    clause = _condition_clause(tok, lex)
    if clause is None:
        return False
    th = lex.threats
    words = th.force_verbs + th.force_np_nouns + th.attack_condition_words
    return any(_lemma(t) in words for t in clause.subtree)


def _armed_use(verb: Token, lex: Lexicon) -> Act | None:
    """Armed means used or sent: "these weapons will be used", "we will send the fleet"."""
    th = lex.threats
    if _lemma(verb) not in th.deploy_verbs:
        return None
    means = [o for o in _objects(verb) if _lemma(o) in th.military_means]
    return Act(verb, None) if means else None


def _condition_target(tok: Token, lex: Lexicon) -> Token | None:
    """Who the condition names as acting: in "if Kestria attacks our ships, we will destroy
    them" the threat is against Kestria (an active subject only: in "when we are attacked"
    the subject is the speaker's own side)."""
    clause = _condition_clause(tok, lex)
    subj = _child(clause, "nsubj") if clause is not None else None
    if subj is None or any(c.dep_ == "poss" and c.lower_ in OWN_SIDE for c in subj.children):
        return None  # "whenever our boats come under fire": the speaker's side, not a target
    return subj if _is_target(subj, lex) else None


def _force_noun(tok: Token, lex: Lexicon) -> Token | None:
    """A "military force" / "all means" noun below ``tok`` ("respond with ...")."""
    th = lex.threats
    for t in tok.subtree:  # the word as written too: the tagger lemmatises "means" to "mean"
        if (t.lemma_.lower() in th.force_nouns or t.lower_ in th.force_nouns) and any(
            c.lower_ in th.force_noun_modifiers for c in t.children
        ):
            return t
    for prep in tok.children:  # "would be met with force", "will face fire"
        objs = [c for c in prep.children if c.dep_ == "pobj"] if prep.dep_ == "prep" else []
        if prep.dep_ == "dobj":
            objs = [prep]
        for obj in objs:
            if obj.lemma_.lower() in th.response_nouns:
                return obj
    return None


def _lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def _objects(verb: Token) -> list[Token]:
    """What a verb acts on: direct objects and the objects of its prepositions."""
    out: list[Token] = []
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            out.append(c)
            out.extend(x for x in c.children if x.dep_ == "conj")
        elif c.dep_ in ("prep", "agent"):
            out.extend(x for x in c.children if x.dep_ == "pobj")
        elif c.dep_ == "csubjpass":  # "any convoy crossing the line would be destroyed"
            out.extend(x for x in c.children if x.dep_ in ("nsubj", "nsubjpass"))
    return out


def _has_mod(noun: Token, words: frozenset[str]) -> bool:
    """A modifier of ``noun`` (adjective, compound, "all-out") from ``words``."""
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "nmod", "npadvmod", "advmod", "det", "nummod"):
            if c.lower_ in words or _lemma(c) in words:
                return True
            if any(g.lower_ in words for g in c.children):  # "all-out": "all" under "out"
                return True
    return False


def _is_target(tok: Token | None, lex: Lexicon, named: bool = True) -> bool:
    """A thing force is used against: a known target class or a named people, place or
    group ("the insurgents", "enemy positions", "Kestria"). Judged on the head noun and its
    own modifiers, not on what hangs off it ("the city's library" is a library). ``named``:
    any named entity counts (not for "fight", said of boxers and rivals)."""
    if tok is None:
        return False
    if named and tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON", "FAC", "LOC"):
        return True
    if not named and tok.ent_type_ in ("GPE", "NORP"):
        return True
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
    words = _words([*mods, tok])
    if classify(words, lex.targets.classes, lex.targets.priority) is not None:
        return True
    owner = _child(tok, "poss")  # "the enemy's supply lines", not "the city's library"
    armed = {k: lex.targets.classes[k] for k in ("military", "armed_group")}
    return owner is not None and classify(_lemma(owner), armed, list(armed)) is not None


def _force_noun_phrase(noun: Token, lex: Lexicon, depth: int = 0) -> bool:
    """A noun phrase that names force: "a fresh offensive", "naval blockade", "air strikes",
    "terrorist activities", "a campaign of bombings", "crushing blows"; not "the war on
    drugs" (its object is not a target)."""
    th = lex.threats
    lemma = _lemma(noun)
    mods = frozenset(th.force_noun_modifiers)
    if noun.dep_ == "dobj" and noun.head.lower_ in th.force_noun_modifiers:
        return lemma in th.force_nouns  # "crushing blows" parsed as a verb and its object
    if lemma in th.ambiguous_force_nouns:
        mods = frozenset(th.military_modifiers)  # "air strikes", not "an all-out strike"
    if lemma in th.force_np_nouns or (lemma in th.force_nouns and _has_mod(noun, mods)):
        if lemma not in th.figurative_force_nouns:
            return True
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in ("on", "against"):
                obj = _child(prep, "pobj")
                if obj is not None and not _is_target(obj, lex):
                    return False  # "the war on drugs", "a campaign against corruption"
        return True
    if depth == 0 and lemma in th.force_containers:  # "a campaign of bombings"
        aimed = _container_target(noun, lex)
        if aimed is not None and aimed.head.head.i == noun.i and not _is_target(aimed, lex):
            return False  # "a declaration of war on poverty"
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                obj = _child(prep, "pobj")
                if obj is not None and _force_noun_phrase(obj, lex, 1):
                    return True
    return False


def _pcomp_noun(prep: Token, lex: Lexicon) -> Token | None:
    """ "warned of crushing blows" parsed as of -> crushing (verb) -> blows: the noun, when
    the verb is itself a force modifier."""
    pcomp = _child(prep, "pcomp")
    if pcomp is None or pcomp.lower_ not in lex.threats.force_noun_modifiers:
        return None
    obj = _child(pcomp, "dobj")
    return obj if obj is not None and _lemma(obj) in lex.threats.force_nouns else None


def _np_target(noun: Token) -> Token | None:
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ in ("on", "against", "of", "at", "into", "in"):
            obj = _child(prep, "pobj")
            if obj is not None:
                return obj
    return None


def _container_target(noun: Token, lex: Lexicon) -> Token | None:
    """The target of "a declaration of war against X", "a campaign of bombings on X": the
    container's own "against"/"on", else what its force noun names; not the force noun."""
    if _lemma(noun) not in lex.threats.force_containers:
        return None
    inner = None
    for prep in noun.children:
        obj = _child(prep, "pobj") if prep.dep_ == "prep" else None
        if obj is not None and prep.lower_ in ("against", "on"):
            return obj
        if obj is not None and prep.lower_ == "of":
            inner = obj
    return _np_target(inner) if inner is not None else None


def _marker(verb: Token, lex: Lexicon) -> bool:
    """ "by force", "with force", "militarily": the act is done with force."""
    th = lex.threats
    for c in verb.children:
        if c.dep_ == "advmod" and c.lower_ in th.force_adverbs:
            return True
        if c.dep_ == "prep":
            obj = _child(c, "pobj")
            if obj is not None and (c.lower_, _lemma(obj)) in th.force_markers:
                return True
    return False


def _means(verb: Token, lex: Lexicon) -> Token | None:
    """Armed means the act is done with: "seal off the coast with warships"."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "with":
            obj = _child(prep, "pobj")
            if obj is not None and _lemma(obj) in lex.threats.military_means:
                return obj
    return None


def _oath(verb: Token, lex: Lexicon) -> bool:
    """ "fight to the last man", "defend the city to the death", "until the bitter end"."""
    words = lex.threats.oath_words
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("to", "until", "till"):
            for t in prep.subtree:
                if t.lower_ in words:
                    return True
    return False


def _fought_until(verb: Token, lex: Lexicon) -> Token | None:
    """The place a fight goes on until it is won: "fight until we take the capital", "fight
    and push on until we reach X", "are ready to fight until they take X" (the clause may hang
    off a conjoined verb or the readiness above the fight)."""
    th = lex.threats
    classes = {k: lex.targets.classes[k] for k in th.conquest_target_classes}
    holders = [verb, *verb.conjuncts]
    ready = verb.head
    if verb.dep_ == "xcomp" and _lemma(ready) in th.readiness:
        holders += [ready, ready.head] if ready.dep_ == "acomp" else [ready]
    for v in holders:
        for clause in v.children:
            obj = _child(clause, "dobj") if clause.dep_ == "advcl" else None
            if obj is None or not _until_won(obj, lex):
                continue
            if obj.pos_ == "PROPN":  # a named place (the tagger may call a city a person)
                return obj
            mods = [c for c in obj.children if c.dep_ in ("compound", "amod") and c.i < obj.i]
            if classify(_words([*mods, obj]), classes, list(classes)) is not None:
                return obj
    return None


def _until_won(obj: Token, lex: Lexicon, verbs: list[str] | None = None) -> bool:
    """``obj`` is what a fight goes on until it is won ("until we take X"); ``verbs``: only
    these verbs of winning (default: all of ``conquest_verbs``)."""
    clause = obj.head
    return (
        obj.dep_ == "dobj"
        and clause.dep_ == "advcl"
        and _lemma(clause) in (lex.threats.conquest_verbs if verbs is None else verbs)
        and any(c.dep_ == "mark" and c.lower_ in ("until", "till") for c in clause.children)
    )


def _combat(verb: Token, lex: Lexicon) -> bool:
    """ "defeat", "conquer", "take on": force only against an armed opponent."""
    th = lex.threats
    lemma = _lemma(verb)
    if lemma in th.combat_verbs:
        return True
    particle = th.combat_phrasal.get(lemma)
    return particle is not None and any(
        c.dep_ == "prt" and c.lower_ == particle for c in verb.children
    )


def _armed_opponent(tok: Token, lex: Lexicon) -> bool:
    """An object named as armed by its own words ("the insurgents", "the enemy's army",
    "radical terrorism"), not merely a name: "defeat Kestria in the final" is sport."""
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod") and c.i < tok.i]
    classes = {k: lex.targets.classes[k] for k in lex.threats.combat_target_classes}
    return classify(_words([*mods, tok]), classes, list(classes)) is not None


@dataclass(frozen=True)
class Act:
    """A forceful act: the token that shows it, what it is done to, and whether it is force
    only in an armed actor's mouth ("they will be destroyed")."""

    evidence: Token
    target: Token | None
    weak: bool = False


OWN_SIDE = frozenset({"our", "my", "its"})
PRONOUN_TARGETS = frozenset({"they", "them", "him", "her", "it", "you", "anyone", "anybody"})


def _forceful_act(verb: Token, lex: Lexicon, under: str) -> Act | None:
    """Whether doing ``verb`` (with its objects) is using force.

    ``under`` is what makes it a threat: "threaten" itself (moving armed means counts: "send
    troops"), another threat verb ("vow"; doing it with armed means counts: "seal off the
    coast with warships"), or a modal ("would reach Guam with a missile" is a capability)."""
    found = _forceful(verb, lex, under)
    if found is None or isinstance(found, Act):
        return found
    return Act(found[0], found[1])


def _forceful(verb: Token, lex: Lexicon, under: str) -> Act | tuple[Token, Token | None] | None:
    th = lex.threats
    lemma = _lemma(verb)
    if lemma in th.cancel_verbs or _negated(verb):
        return None
    objs = _objects(verb)
    means = _means(verb, lex) if under != "modal" else None
    phrasal = th.force_phrasal.get(lemma)
    if phrasal is not None and any(
        c.lower_ == phrasal for c in verb.children if c.dep_ in ("prt", "dobj")
    ):
        hit = next((o for o in objs if o.lower_ != phrasal), None)
        if hit is None and any(c.dep_ == "prt" for c in verb.children):
            return None  # "the shell will blow up": it explodes, nobody is threatened
        return verb, hit
    if _combat(verb, lex):
        armed = [o for o in objs if o.dep_ != "agent" and _armed_opponent(o, lex)]
        return (verb, armed[0]) if armed else None
    if lemma in th.force_verbs:
        target = next((o for o in objs if o.dep_ != "agent"), None)
        if lemma == "fire":
            fired_on = any(
                c.dep_ == "prep"
                and c.lower_ in th.fire_preps
                and all(o.pos_ in ("NOUN", "PROPN", "PRON", "DET") for o in c.children)
                for c in verb.children
            ) or any(_lemma(o) in th.military_means for o in objs)
            if fired_on and target is not None and _lemma(target) in th.military_means:
                target = _np_target(verb)  # "launch three rockets into the bay off X"
            return (verb, target) if fired_on else None
        if lemma in th.response_verbs and any(
            c.dep_ == "prep" and c.lower_ in ("with", "by") for c in verb.children
        ):  # "retaliate with tariffs", "by selling assets": force only if said so
            return (verb, target) if _marker(verb, lex) or means is not None else None
        if lemma in th.figurative_force_verbs:
            if _marker(verb, lex) or means is not None:
                return verb, target
            subj = _child(verb, "nsubj")
            if subj is not None and lemma in th.intransitive_force_verbs and not objs:
                objs = [subj]  # "their tanks will burn"
            targets = [o for o in objs if _is_target(o, lex)]
            if targets:
                return verb, targets[0]
            pronouns = [o for o in objs if o.lower_ in PRONOUN_TARGETS]
            return Act(verb, pronouns[0], weak=True) if pronouns else None
        return verb, target
    if _marker(verb, lex) or means is not None:
        return verb, next(iter(objs), None)
    if lemma in th.fight_verbs:
        if any(c.dep_ == "prep" and c.lower_ == "for" for c in verb.children):
            return None  # "fight for their rights"
        dobj = _child(verb, "dobj")
        if dobj is not None and not _is_target(dobj, lex, named=False) and not _oath(verb, lex):
            return None  # "fight the ruling in court", "fight the champion in March"
        against = [o for o in objs if o.head.lower_ == "against" and _is_target(o, lex)]
        if lemma in th.protective_verbs:  # "defend our nation": what is protected
            dobj = None
        if _oath(verb, lex) or against or (dobj is not None and _is_target(dobj, lex, False)):
            return verb, (against[0] if against else dobj)
        won = _fought_until(verb, lex) if dobj is None else None
        return (verb, won) if won is not None else None
    for obj in objs:
        if _force_noun_phrase(obj, lex):
            target = _container_target(obj, lex) or _np_target(obj)
            return obj, target or (_np_target(verb) if obj.head.i == verb.i else None)
        if under == "threaten" and lemma in th.deploy_verbs and _lemma(obj) in th.military_means:
            return obj, _np_target(verb)
    return None


def may_threaten(table: TokenTable, start: int, end: int, lex: Lexicon) -> bool:
    """Whether tokens ``start:end`` can hold a threat: a threat needs a verb that threatens,
    warns or incites, a designation noun, readiness or capability ("ready to strike"), or a
    modal on the verb (``_modal``: "will", a tagged modal, "should", "going to"). One set
    test per list; a sentence without any is passed over without reading its parse."""
    th = lex.threats
    if not th.starters.isdisjoint(table.lemma[start:end]):
        return True
    if not th.modal_words.isdisjoint(table.lower[start:end]):
        return True
    lemma, modal = table.lemma, th.modal_aux
    return any(table.tag[i] == "MD" and lemma[i] in modal for i in range(start, end))


def _verb_candidates(table: TokenTable, start: int, end: int, lex: Lexicon) -> set[int]:
    """The tokens of ``start:end`` that ``_threat_at`` can read as a verb's threat: a verb
    that threatens, incites or warns, or one that a modal, "going to", readiness or a
    capability can bear on: it or its head has a modal word below it, or its head is "going",
    a readiness or a capability word. Read from the table (heads as indices), a superset of
    what the parse confirms, so a sentence's other verbs are passed over without a token."""
    th = lex.threats
    lower, lemma, tag, head = table.lower, table.lemma, table.tag, table.head
    modal_heads = {
        head[j]
        for j in range(start, end)
        if lower[j] in th.modal_words or (tag[j] == "MD" and lemma[j] in th.modal_aux)
    }
    return {
        i
        for i in range(start, end)
        if lemma[i] in th.verb_starters
        or i in modal_heads
        or head[i] in modal_heads
        or lower[head[i]] == "going"
        or lemma[head[i]] in th.readiness_or_capability
    }


def find_threats(sent: Span, lex: Lexicon, table: TokenTable | None = None) -> list[ThreatHit]:
    """Threat triggers in one sentence, left to right; a token inside a threat already found
    (its verb's clause) starts no second one ("X threatened to sink Y after Z warned that Y
    would be met with force" holds two threats). ``table``: the doc's token table, when the
    caller has it: a token that cannot start a threat (not a verb, nor a designation noun) is
    then passed over without reading the parse."""
    hits: list[ThreatHit] = []
    covered: set[int] = set()
    tokens: Iterable[Token] = sent
    if table is not None:
        if not may_threaten(table, sent.start, sent.end, lex):
            return hits
        doc, pos, lemma = sent.doc, table.pos, table.lemma
        nouns = lex.threats.designation_nouns
        verbs = _verb_candidates(table, sent.start, sent.end, lex)
        tokens = [
            doc[i]
            for i in range(sent.start, sent.end)
            if (pos[i] == "VERB" and i in verbs) or (pos[i] in CANDIDATE_POS and lemma[i] in nouns)
        ]
    for tok in tokens:
        if tok.i in covered or tok.pos_ not in CANDIDATE_POS:
            continue
        hit = _threat_at(tok, lex)
        if hit is not None:
            for h in [hit, *_listed(hit, lex)]:
                hits.append(h)
                for e in h.evidence:
                    covered |= _own_clause(e)
    return hits


def _listed(hit: ThreatHit, lex: Lexicon) -> list[ThreatHit]:
    """The further threats of a list that hangs off a threat verb: "to destroy X, to sink Y
    and to burn Z". Each is the same speaker's threat against its own object, also when the
    verb alone would not read as one (no modal of its own)."""
    out: list[ThreatHit] = []
    verbs = [hit.trigger] if hit.trigger.pos_ == "VERB" else []
    while verbs:
        verb = verbs.pop()
        for c in verb.children:
            listed = c.dep_ == "conj" or (
                c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            )
            if not listed or c.pos_ != "VERB" or _lemma(c) not in lex.threats.force_verbs:
                continue
            if _child(c, "nsubj", "nsubjpass") is not None:
                continue  # a clause of its own ("X will sink A and Y will burn B")
            obj = _child(c, "dobj")
            if obj is not None and _is_target(obj, lex):
                out.append(replace(hit, trigger=c, evidence=(c,), target=obj, if_attacked=False))
                verbs.append(c)
    return sorted(out, key=lambda h: h.trigger.i)


CANDIDATE_POS = frozenset({"VERB", "NOUN", "PROPN"})  # where a threat can start
CLAUSES = frozenset({"advcl", "ccomp", "relcl", "parataxis", "conj", "acl"})


def _own_clause(tok: Token) -> set[int]:
    """``tok`` and what hangs off it, without the other clauses attached to it."""
    out = {tok.i}
    for c in tok.children:
        if c.dep_ not in CLAUSES:
            out |= _own_clause(c)
    return out


def _accused(verb: Token, lex: Lexicon) -> Token | None:
    """Who is accused of the threat: in "accused Kestria of threatening to invade" or
    "denounced the government for threatening war", the threat is the object's, not the
    accuser's."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.dep_ != "prep" or prep.lower_ not in ("of", "for"):
        return None
    if _lemma(prep.head) not in lex.threats.accusation_verbs:
        return None
    return _child(prep.head, "dobj")


def _what_called(obj: Token | None, verb: Token) -> Token | None:
    """ "threatening what he called an invasion": the thing named, not "what"."""
    if obj is not None and obj.lower_ != "what":
        return obj
    for clause in verb.children:  # "what" is the object of "threaten" or of "called"
        if clause.dep_ in ("ccomp", "relcl") and any(c.lower_ == "what" for c in clause.children):
            named = _child(clause, "oprd")
            if named is not None:
                return named
    return obj


def _threat_at(tok: Token, lex: Lexicon) -> ThreatHit | None:
    """The threat that ``tok`` starts, if any."""
    th = lex.threats
    pos = tok.pos_
    lemma = tok.lemma_.lower()
    if pos != "VERB":
        return _designation(tok, lemma, lex) if lemma in th.designation_nouns else None
    if lemma in th.threat_verbs:
        xc = _child(tok, "xcomp")
        subj = _child(tok, "nsubj") or _accused(tok, lex)
        if _negated(tok):
            return None
        if xc is not None:
            xl = xc.lemma_.lower()
            if xl in th.response_verbs and xl != "retaliate":
                if _force_noun(xc, lex) is not None or _marker(xc, lex):
                    return ThreatHit(xc, (tok, xc), _object(xc), subj, _condition(xc, lex))
                return None
            under = "threaten" if lemma == "threaten" else "vow"
            act = _forceful_act(xc, lex, under)
            if act is None and xc.dep_ == "xcomp":
                for conj in xc.conjuncts:  # "vowed to end X, protect Y and defeat Z"
                    act = _forceful_act(conj, lex, under)
                    if act is not None:
                        break
            if act is not None:
                target = act.target if act.target is not None else _object(xc)
                ev = act.evidence
                return ThreatHit(ev, (tok, ev), target, subj, _condition(xc, lex), act.weak)
            return None
        obj = _what_called(_child(tok, "dobj"), tok)
        if obj is not None and _force_noun_phrase(obj, lex):
            aimed = _np_target(obj)  # "vowed retaliation against X": a target of its own
            if lemma == "threaten" or _is_target(aimed, lex):
                return ThreatHit(obj, (tok, obj), aimed, subj, _condition(tok, lex))
        # "threatened Kestria with military action": Kestria is the target; a speaker of its
        # own (not "only being able to threaten X with a strike", a capability)
        means = _threatened_with(tok, obj, lex) if lemma == "threaten" and subj else None
        if means is not None:
            return ThreatHit(means, (tok, means), obj, subj, _condition(tok, lex))
        modified = tok.head  # "a speech threatening attacks", parsed as a modifier of the noun;
        # not "its long-threatened invasion" (a participle of what was threatened before)
        participle = tok.dep_ in ("amod", "acl") and tok.tag_ == "VBG" and modified.i > tok.i
        if lemma == "threaten" and obj is None and participle and _force_noun_phrase(modified, lex):
            return ThreatHit(modified, (tok, modified), _np_target(modified), None, None)
        return None
    if lemma in th.incitement_verbs:
        return _incitement(tok, lemma, lex)
    if lemma in th.warning_verbs:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                obj = _child(prep, "pobj") or _pcomp_noun(prep, lex)
                if obj is not None and _force_noun_phrase(obj, lex) and not _negated(tok):
                    target = _np_target(obj)
                    subj = _child(tok, "nsubj")
                    hit = ThreatHit(obj, (tok, obj), target, subj, _condition(tok, lex), True)
                    return hit
    modal = _modal(tok, lex)
    infinitive = tok.dep_ in ("xcomp", "acl", "relcl") or (
        tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    )
    ready = infinitive and _lemma(tok.head) in th.readiness
    capable = (  # "if they attack, we have the means to destroy them"
        tok.dep_ == "acl"
        and _lemma(tok.head) in th.capability_nouns
        and _condition_clause(tok, lex) is not None
    )
    # "will not hesitate to use force": as strong as "threaten" (moving armed means counts)
    unhesitating = (
        tok.dep_ == "xcomp" and _lemma(tok.head) in th.reluctance_verbs and _negated(tok.head)
    )
    if (ready or modal or capable) and not _negated(tok):
        act = _forceful_act(tok, lex, "threaten" if unhesitating else "modal")
        if act is None and modal and _attack_condition(tok, lex):
            act = _armed_use(tok, lex)  # "these weapons will be used if we are attacked"
        if act is not None:
            ev, target = act.evidence, act.target
            passive = _child(tok, "nsubjpass")
            if passive is not None and lemma in th.force_verbs:
                target = passive
            if target is None and _child(tok, "auxpass") is not None:
                target = _left_subject(tok, lex)
            if target is None and lemma in ("burn", "sink"):
                target = _child(tok, "nsubj")  # "their tanks will burn"
            if target is None or target.lower_ in PRONOUN_TARGETS:
                target = _condition_target(tok, lex) or target
            weak = act.weak and target is not None and target.lower_ in PRONOUN_TARGETS
            if_attacked = target is None and _attack_condition(tok, lex)
            cond = _condition(tok, lex)
            return ThreatHit(ev, (tok, ev), target, None, cond, weak, if_attacked)
    if lemma in th.response_verbs and modal:
        noun = _force_noun(tok, lex)
        if (noun is not None or _marker(tok, lex)) and not _negated(tok):
            target = _child(tok, "nsubjpass")
            if lemma == "face":  # "Kestria would face fire": Kestria is the target
                target = _child(tok, "nsubj")
            if target is None and tok.dep_ == "ccomp":  # "warned X would be met with"
                target = _child(tok.head, "dobj")
            return ThreatHit(tok, (tok, noun or tok), target, None, _condition(tok, lex))
    return None


def _threatened_with(verb: Token, obj: Token | None, lex: Lexicon) -> Token | None:
    """The force in "threatened X with military action" ("with" on the verb or its object);
    not "threatened X with arrest"."""
    if obj is None:
        return None
    for holder in (verb, obj):
        for prep in holder.children:
            means = _child(prep, "pobj") if prep.dep_ == "prep" and prep.lower_ == "with" else None
            if means is not None and _force_noun_phrase(means, lex):
                return means
    return None


def _incitement(tok: Token, lemma: str, lex: Lexicon) -> ThreatHit | None:
    """A call to use force ("urged his followers to attack X", "called on fighters to kill
    X"): the caller's threat, counted only from a state, military or armed actor (a
    commentator urging strikes is an opinion). "call" needs "on"/"upon"."""
    if _negated(tok):
        return None
    if lemma == "call" and not any(
        c.dep_ == "prep" and c.lower_ in ("on", "upon") for c in tok.children
    ):
        return None
    xc = _child(tok, "xcomp")
    act = _forceful_act(xc, lex, "vow") if xc is not None else None
    if xc is None or act is None:
        return None
    target = act.target if act.target is not None else _object(xc)
    subj = _child(tok, "nsubj")
    return ThreatHit(act.evidence, (tok, act.evidence), target, subj, _condition(xc, lex), True)


def _designation(tok: Token, lemma: str, lex: Lexicon) -> ThreatHit | None:
    """ "will be legitimate targets", "treated as enemy combatants"."""
    th = lex.threats
    if tok.pos_ in ("NOUN", "PROPN"):
        mods = th.designation_nouns[lemma]
        if mods and not any(c.lower_ in mods for c in tok.children):
            return None
        gov = tok.head
        for _ in range(3):  # "treated as X", "treat any convoy crossing ... as X"
            if gov.lemma_.lower() in th.designation_verbs or gov.head.i == gov.i:
                break
            gov = gov.head
        gl = gov.lemma_.lower()
        if gl not in th.designation_verbs or _negated(gov):
            return None
        if not (_modal(gov, lex) or gl not in ("be", "become")):
            return None
        target = _child(gov, "nsubj", "nsubjpass", "dobj")
        csubj = _child(gov, "csubj")
        if target is None and csubj is not None:  # "troops sent there will be targets"
            target = _child(csubj, "nsubj", "nsubjpass") or csubj
        if target is None and _child(gov, "auxpass") is not None:
            target = _left_subject(gov, lex)
        return ThreatHit(tok, (tok, gov), target, None, _condition(gov, lex))
    return None


def is_labour(actor_words: str, lex: Lexicon) -> bool:
    return classify(actor_words, {"labour": lex.threats.labour_actor_words}, ["labour"]) is not None


def _words(toks: list[Token]) -> str:
    """Lemmas, then the words as written with a plural "s" dropped: the tagger lemmatises
    "bases" to "basis", and the lexicon has "base"."""
    lemmas = " ".join(_lemma(t) for t in toks)
    written = " ".join(t.lower_[:-1] if t.lower_.endswith("s") else t.lower_ for t in toks)
    return f"{lemmas} | {written}"


def _own_phrase(tok: Token) -> list[Token]:
    """A noun phrase without its relative and participle clauses: in "missiles that threaten
    to hit its territory" the target is the missiles, not the territory."""
    skip: set[int] = set()
    for c in tok.children:
        if c.dep_ in ("relcl", "acl"):
            skip |= {t.i for t in c.subtree}
    return [t for t in tok.subtree if t.i not in skip]


def _invaded_place(target: Token, own: list[Token], lex: Lexicon) -> bool:
    """A named place (GPE or LOC) invaded or occupied is a country's territory; a place hit
    by fire ("missiles into the Sea of Kestria") is not."""
    if not any(t.ent_type_ in ("GPE", "LOC") for t in own):
        return False
    gov = target.head.head if target.head.dep_ == "prep" else target.head
    return _lemma(gov) in lex.threats.territorial_force


def _a_person(tok: Token) -> bool:
    """A person, named or named in an apposition: punishing a leader is not force against his
    country."""
    if tok.ent_type_ == "PERSON":
        return True
    return any(
        c.dep_ == "appos" and c.pos_ == "PROPN" and c.ent_type_ in ("PERSON", "")
        for c in tok.children
    )


def place_aimed_at(target: Token | None, lex: Lexicon) -> Token | None:
    """The named place a threatened stretch of sea or land lies by: "missiles into the sea
    near X", "the waters off X", "the area around X" aim at X. ``target`` itself otherwise
    ("the Sea of X" names a sea, not a place near one)."""
    if target is None or _lemma(target) not in lex.threats.vicinity_nouns:
        return target
    verb = target.head.head if target.dep_ == "pobj" else target.head  # "off X" on the verb
    preps = [*target.children, *(c for c in verb.children if c.i > target.i)]
    for prep in preps:
        if prep.dep_ == "prep" and prep.lower_ in ("near", "off", "around"):
            place = _child(prep, "pobj")
            if place is not None and place.pos_ == "PROPN":
                return place
    return target


def target_class(target: Token | None, lex: Lexicon) -> tuple[str | None, str]:
    """(target phrase, class): military nouns with a foreign marker → ``foreign_forces``."""
    if target is None or target.lower_ in ("they", "them", "it", "anyone", "anybody"):
        return (target.text if target is not None else None), "unknown"
    if target.pos_ == "PROPN" and _until_won(target, lex, lex.threats.conquest_place_verbs):
        return phrase(target), "state"  # "fight until we reach Dravensk": territory to win
    if _a_person(target):  # "tyrant Kim", "the despot, Marek Valdo": a person, not a state
        return phrase(target), "unknown"
    own = _own_phrase(target)
    words = _words(own)
    cls = classify(words, lex.targets.classes, lex.targets.priority) or "unknown"
    if cls == "unknown" and any(t.ent_type_ == "GPE" for t in own):
        cls = "state"  # "sink Valdoria", "hit the Kestrian island territory"
    if cls == "unknown" and _invaded_place(target, own, lex):
        cls = "state"  # "an invasion of South Kestria", tagged a location, not a country
    words = " ".join(t.lemma_.lower() for t in target.subtree)
    if cls == "military":
        foreign = classify(words, {"f": lex.targets.foreign_markers}, ["f"])
        norp = any(t.ent_type_ == "NORP" for t in target.subtree)
        if foreign or norp:
            cls = "foreign_forces"
    return phrase(target), cls


def needs_object(hit: ThreatHit, lex: Lexicon) -> bool:
    """Ambiguous verbs ("strike") are force only with an object or a passive target."""
    return (
        hit.trigger.pos_ in ("VERB", "AUX")
        and hit.trigger.lemma_.lower() in lex.threats.ambiguous_force_verbs
        and hit.target is None
    )


def threat_actor_token(
    hit: ThreatHit,
    speaker: Speaker | None,
    spans: list[tuple[int, int]],
    lex: Lexicon,
    datelines: Sequence[tuple[int, int]] = (),
) -> Token | None:
    """Who threatens: the subject of "threaten", else the one whose words carry it: the
    subject of the nearest speech verb above it outside a quote ("X threatened to sink Y
    after Z warned that Y would face fire": Z's threat), else the sentence's speaker."""
    if hit.own_subject is not None and hit.own_subject.lower_ not in ("it", "they"):
        return hit.own_subject
    for t in hit.trigger.ancestors:
        if t.lemma_.lower() in lex.speech and not inside(t.idx, spans):
            if speaker is not None and speaker.verb.i == t.i:
                return speaker.token  # the sentence's speaker (datelines already ruled out)
            subj = _child(t, "nsubj")
            if (
                subj is not None
                and not inside(subj.idx, spans)
                and not inside(subj.idx, list(datelines))
                and subj.pos_ != "PRON"
            ):
                return subj
            break
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
    "PRONOUN_TARGETS",
    "Actor",
    "ThreatHit",
    "find_threats",
    "speech_noun_agent",
    "target_class",
    "threat_actor_token",
]
