"""normalise() on its own: a pure function, no broker."""

from __future__ import annotations

import pytest

from claimwatch_ingest.normalise import normalise


def test_hard_wrapped_lines_are_rejoined_and_line_end_hyphens_removed() -> None:
    raw = (
        "GENEVA — Negotiators from both delegations met for a third day on\n"
        "Wednesday and agreed to extend the ceasefire by another thirty days, ac-\n"
        "cording to a statement read out by the mediators.\n"
        "\n"
        "The talks resume on Monday.\n"
    )
    assert normalise(raw) == (
        "GENEVA — Negotiators from both delegations met for a third day on Wednesday and "
        "agreed to extend the ceasefire by another thirty days, according to a statement "
        "read out by the mediators.\n\nThe talks resume on Monday."
    )


def test_short_line_ending_a_sentence_ends_a_paragraph_inside_a_block() -> None:
    raw = (
        "The port reopened on Tuesday after a week of repairs to the main quay and\n"
        "the customs sheds.\n"
        "Ferries to the islands are expected to run to the normal timetable from\n"
        "Thursday, the harbour master said.\n"
    )
    out = normalise(raw)
    assert out.split("\n\n") == [
        "The port reopened on Tuesday after a week of repairs to the main quay and "
        "the customs sheds.",
        "Ferries to the islands are expected to run to the normal timetable from "
        "Thursday, the harbour master said.",
    ]


def test_long_unwrapped_lines_stay_separate_paragraphs() -> None:
    first = (
        "A" * 30
        + " said the vote would take place on Sunday as planned, despite calls to delay it."
    )
    second = (
        "Opposition parties said they would take part, reversing an earlier decision to boycott."
    )
    assert normalise(f"{first}\n{second}") == f"{first}\n\n{second}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("He called them “legitimate targets”.", 'He called them "legitimate targets".'),
        ("‘We will not back down,’ she said.", "'We will not back down,' she said."),
        ("He said ``we are ready'' on Monday.", 'He said "we are ready" on Monday.'),
        ("„Nie“, sagte er.", '"Nie", sagte er.'),
        # a stray mismatched pair is closed with the kind it opened with
        (
            "He said: \"They will be legitimate targets.' Officials declined to comment.",
            'He said: "They will be legitimate targets." Officials declined to comment.',
        ),
        (
            "She said 'the force is ready,\" adding nothing more.",
            'She said "the force is ready," adding nothing more.',
        ),
        # apostrophes are not quotes
        ("The troops' positions weren't disclosed.", "The troops' positions weren't disclosed."),
    ],
)
def test_quotes_are_made_consistent(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_unicode_is_nfkc_and_invisible_characters_go() -> None:
    raw = "The ﬁrst convoy\u00a0arrived\u200b at 10\u00a0a.m. with ２６ trucks.\x07"
    assert normalise(raw) == "The first convoy arrived at 10 a.m. with 26 trucks."


def test_html_to_text_drops_scripts_navigation_and_keeps_blocks() -> None:
    raw = """<!doctype html><html><head><title>t</title><style>p{color:red}</style></head>
    <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <article><h1>Coalition pledges troops</h1>
    <p>Twenty-six countries committed to the force, the
       president said &mdash; a figure officials later confirmed.</p>
    <script>trackPageView();</script>
    <ul><li>Paris summit</li><li>Next steps</li></ul>
    </article><footer>&copy; 2025 Example Media</footer></body></html>"""
    assert normalise(raw, "text/html") == (
        "Coalition pledges troops\n\n"
        "Twenty-six countries committed to the force, the president said — "
        "a figure officials later confirmed.\n\nParis summit\n\nNext steps"
    )


def test_html_with_only_scripts_is_empty() -> None:
    raw = "<html><head><script>var a = 1;</script></head><body><script>go()</script></body></html>"
    assert normalise(raw, "text/html") == ""


@pytest.mark.parametrize("raw", ["", "   \n\t  ", "<p> </p>"])
def test_nothing_in_nothing_out(raw: str) -> None:
    assert normalise(raw, "text/html") == ""


def test_page_furniture_is_dropped() -> None:
    raw = (
        "Table of Contents\n1. The pledge\n2. Moscow's reaction\n\n"
        "Twenty-six countries have formally committed to the force.\n\n"
        "Related article: Allies meet in Paris to discuss guarantees\n\n"
        "Advertisement\n\n"
        "Officials did not say which countries had signed up.\n\n"
        "Share this article\n\n"
        "Sign up for our daily briefing newsletter\n"
    )
    assert normalise(raw) == (
        "Twenty-six countries have formally committed to the force.\n\n"
        "Officials did not say which countries had signed up."
    )


def test_a_copyright_footer_and_its_licence_lines_are_dropped() -> None:
    # the site's footer is on every page: its words would make one outlet's unrelated
    # articles look alike to story grouping
    raw = (
        "Nine dead, 40 hurt in ferry fire\n\n"
        "Copyright 2031 Example Media Group. All rights reserved. No part of this page may be "
        "reproduced without written permission; see our terms of use for details.\n"
        "Licence for online publishing 4402117\n"
        "Registration Number: 55012\n\n"
        "The ferry caught fire an hour after it left the harbour, the coastguard said.\n"
    )
    assert normalise(raw) == (
        "Nine dead, 40 hurt in ferry fire\n\n"
        "The ferry caught fire an hour after it left the harbour, the coastguard said."
    )


def test_contents_heading_takes_its_entry_list_when_it_stands_alone() -> None:
    raw = "## Contents\n\n- The pledge\n- The reaction\n\nThe summit ended on Thursday evening."
    assert normalise(raw, "text/markdown") == "The summit ended on Thursday evening."


def test_caption_or_standfirst_repeated_in_the_body_is_kept_once() -> None:
    raw = (
        "<p class=standfirst>A magnitude 7.4 earthquake struck the coast on Monday.</p>"
        "<figure><figcaption>Rescue workers search the rubble in Coronel.</figcaption></figure>"
        "<p>A magnitude 7.4 earthquake struck the coast on Monday.</p>"
        "<p>At least 12 people died.</p>"
        "<p>Rescue workers search the rubble in Coronel.</p>"
    )
    assert normalise(raw, "text/html") == (
        "A magnitude 7.4 earthquake struck the coast on Monday.\n\n"
        "Rescue workers search the rubble in Coronel.\n\nAt least 12 people died."
    )


def test_markdown_syntax_is_removed() -> None:
    raw = "# Quake strikes coast\n\nA **magnitude 7.4** quake, the [agency](https://x.ex) said.\n"
    assert normalise(raw, "text/markdown") == (
        "Quake strikes coast\n\nA magnitude 7.4 quake, the agency said."
    )


def test_same_story_with_different_layout_normalises_to_the_same_text() -> None:
    wrapped = (
        "The agency said at least 300 people had died and\n"
        "many more were missing after the storm.\n"
    )
    flowed = (
        "The agency said at least 300 people had died and many more were missing after the storm."
    )
    html = f"<p>{wrapped}</p>"
    assert normalise(wrapped) == normalise(flowed) == normalise(html, "text/html")


def test_is_deterministic_and_idempotent() -> None:
    raw = "“Quote,” he said.\n\nTable of Contents\n\nBody text ends here."
    once = normalise(raw)
    assert normalise(raw) == once
    assert normalise(once) == once
