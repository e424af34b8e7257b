"""A paragraph break always ends a sentence.

Why: the parser decides sentence boundaries from syntax, and a headline without a full stop
("Five dead after tram overturns") followed by a blank line and the first paragraph is read
as one sentence with it. The headline's number then becomes part of the lead's sentence and
can no longer be told apart from the body's (facts.py keeps "the headline says five, the
body says seven" as an outlet contradicting itself). Boilerplate lines (captions, bylines)
are separated from real sentences the same way. Runs before the parser, which respects the
boundaries it is given.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

NAME = "claimwatch_paragraph_breaks"


@Language.component(NAME)
def paragraph_breaks(doc: Doc) -> Doc:
    """Mark the first token after a blank line (or a line break) as a sentence start."""
    for tok in doc[:-1]:
        if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
            doc[tok.i + 1].is_sent_start = True
    return doc


def add_paragraph_breaks(nlp: Language) -> Language:
    """Insert the component before the parser (once)."""
    if NAME not in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser" if "parser" in nlp.pipe_names else None)
    return nlp
