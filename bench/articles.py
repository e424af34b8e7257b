"""Fictional, varied news articles for the load benchmarks: one new story per article.

Every article carries a threat of force by a head of state or defence official against
foreign troops (the ``threat-of-force-foreign-military`` rule), so each one causes exactly
one alert and ingest-to-webhook latency can be measured per article. Names, places and
numbers are drawn from syllables and pools so that no two articles share a story (no common
entities, no title) or look like syndicated copies to the MinHash duplicate check (different
word 5-grams). Seeded: the same seed gives the same articles.
"""

from __future__ import annotations

import random

_SYL = [
    "ka",
    "ver",
    "lo",
    "mir",
    "tas",
    "en",
    "dro",
    "vel",
    "sa",
    "rin",
    "bor",
    "ta",
    "lis",
    "mon",
    "gra",
    "det",
    "ul",
    "nes",
    "cor",
    "fa",
    "zen",
    "ari",
    "bel",
    "tor",
    "qua",
    "ho",
]
_OFFICIALS = ["President", "Prime Minister", "Defence Minister", "President", "Foreign Minister"]
_VERBS = ["warned", "said", "declared", "insisted"]
_THREATS = [
    "{country}'s {lower}, {name}, {verb} on {day} that foreign troops in {place} would be "
    "legitimate targets.",
    "{title} {name} {verb} on {day} that the army would attack foreign troops in {place}.",
    "{title} {name} {verb} on {day} that the army would destroy any foreign troops sent to "
    "{place}.",
    "Foreign soldiers who enter {place} will be legitimate targets, {title} {name} {verb} on "
    "{day}.",
    '"Any foreign soldier in {place} will be a legitimate target," {title} {name} {verb} on {day}.',
    "{title} {name} of {country} {verb} on {day} that foreign troops would be legitimate targets.",
]
_CONTEXT = [
    "The remarks came {n} days after officials in {capital} confirmed plans for a "
    "multinational mission along the border.",
    "Diplomats in {capital} said {n} governments had discussed sending personnel once a "
    "truce is signed.",
    "Opposition lawmakers in {capital} described the statement as reckless and called for "
    "an emergency session of parliament.",
    "Analysts said the warning was aimed mainly at a domestic audience ahead of elections "
    "due in {month}.",
    "Shipping insurers in {port} raised premiums for vessels calling at the harbour, "
    "brokers said on {day}.",
    "A spokeswoman for the interior ministry, {other}, said border crossings would remain "
    "open for now.",
    "Local television showed convoys of armoured vehicles moving towards {place} overnight.",
    "The central bank in {capital} said it would hold its main rate at {rate} percent to "
    "steady the currency.",
    "Residents of {town} reported long queues at fuel stations and pharmacies on {day}.",
    "Aid groups estimated that {k} thousand people had left {town} since the start of {month}.",
    "Markets in {capital} fell sharply, with the main index closing {rate} percent lower.",
    "The government has not said how many reservists it could call up at short notice.",
    "Officials at the foreign ministry summoned two ambassadors for talks late on {day}.",
    "Rail services between {capital} and {town} were suspended, the operator said.",
    "Satellite images published by a private firm showed new earthworks near {place}.",
    "Neighbouring governments urged restraint and offered to host talks in {port}.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["March", "April", "May", "June", "September", "October", "November"]


_FIRST = [
    "Anatol",
    "Mirela",
    "Teodor",
    "Ilse",
    "Radomir",
    "Katrin",
    "Oskar",
    "Lena",
    "Viktor",
    "Dana",
    "Emil",
    "Petra",
    "Stefan",
    "Irina",
    "Tomas",
    "Marta",
    "Andrei",
    "Sofia",
]
_ENDINGS = ["enko", "ov", "ic", "sen", "escu", "ski", "ani", "berg", "owicz", "adze"]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {_word(rng, 2)}{rng.choice(_ENDINGS)}"


def article(rng: random.Random, n: int) -> dict[str, str]:
    """One push-API article (``source``, ``text``) with its own actors and places."""
    country = _word(rng, 3) + "ia"
    title = rng.choice(_OFFICIALS)
    values = {
        "title": title,
        "lower": title.lower(),
        "name": _person(rng),
        "other": _person(rng),
        "verb": rng.choice(_VERBS),
        "day": rng.choice(_DAYS),
        "month": rng.choice(_MONTHS),
        "place": _word(rng, 3),
        "country": country,
        "capital": _word(rng, 2) + "grad",
        "port": "Port " + _word(rng, 2),
        "town": _word(rng, 2) + "ovo",
        "n": str(rng.randint(2, 40)),
        "k": str(rng.randint(3, 90)),
        "rate": f"{rng.randint(2, 19)}.{rng.randint(0, 9)}",
    }
    lead = rng.choice(_THREATS).format(**values)
    body = rng.sample(_CONTEXT, rng.randint(7, 10))
    text = f"{lead}\n\n" + "\n\n".join(s.format(**values) for s in body)
    return {"source": f"bench-{n % 7}-{n}", "text": text}


def articles(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [article(rng, n) for n in range(count)]
