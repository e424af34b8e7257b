"""Figures of a named holder (a person's age, a team's or fighter's record, a player's career
total) keyed by the holder, on sentences written for these tests (invented people, teams and
events): only the same holder's same figure ever meets another."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from claimwatch.models import Article, Claim
from claimwatch_extract.pipeline import extract_batch


def numeric(nlp: Any, text: str) -> list[Claim]:
    at = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    art = Article(id="h", source="s", published_at=at, text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    return [c for c in out.claims if c.value is not None and c.fact is not None]


def held(nlp: Any, text: str, frame: str) -> dict[str, float | None]:
    """Fact key -> value of every claim of the sentence with that frame."""
    out: dict[str, float | None] = {}
    for c in numeric(nlp, text):
        if c.fact is not None and c.fact.frame == frame and c.value is not None:
            out[c.fact.key] = c.value.low
    return out


def only(claims: list[Claim], frame: str) -> list[Claim]:
    return [c for c in claims if c.fact is not None and c.fact.frame == frame]


# ----------------------------------------------------------------------------- ages


def test_each_person_s_age_is_keyed_by_their_name(nlp: Any) -> None:
    ages = held(
        nlp,
        "Mara Kessel, 41, and her brother Tomas Kessel, 38, were pulled from the gorge.",
        "age",
    )
    assert ages == {"quantity:year:age|mara kessel": 41, "quantity:year:age|tomas kessel": 38}


def test_an_age_before_the_name_and_after_it_meet_on_one_key(nlp: Any) -> None:
    before = held(nlp, "The 29-year-old Dana Voss steered the barge into the lock.", "age")
    after = held(nlp, "Dana Voss, 30, steered the barge into the lock.", "age")
    described = held(nlp, "A 29-year-old pilot, Dana Voss, steered the barge.", "age")
    assert before == {"quantity:year:age|dana voss": 29}
    assert after == {"quantity:year:age|dana voss": 30}
    assert described == before


def test_a_surname_alone_takes_the_full_name_the_article_gives(nlp: Any) -> None:
    text = "Pilot Dana Voss was lifted from the water at dawn. Voss, 29, was treated for cold."
    ages = held(nlp, text, "age")
    assert ages == {"quantity:year:age|dana voss": 29}
    (claim,) = only(numeric(nlp, text), "age")
    assert claim.fact is not None and claim.fact.question == "how old Dana Voss is"


def test_a_surname_shared_by_two_people_is_the_one_named_first(nlp: Any) -> None:
    text = (
        "Ana Lind and her son, Erik Lind, were found near the weir on Sunday. "
        "Lind, 44, told rescuers the boat had capsized."
    )
    assert held(nlp, text, "age") == {"quantity:year:age|ana lind": 44}


def test_an_age_without_a_name_and_a_place_with_a_number_are_no_holder_s_age(nlp: Any) -> None:
    assert held(nlp, "A 31-year-old nurse was hurt when the bus overturned.", "age") == {}
    assert held(nlp, "The convoy reached Dorvik, 40 kilometres to the east.", "age") == {}
    assert held(nlp, "Scorers were Ames, 24, 18 and 9 in the three games.", "age") == {}


# ----------------------------------------------------------------------------- records


def test_a_record_after_a_name_is_that_holder_s_wins_and_losses(nlp: Any) -> None:
    team = held(nlp, "The Harbour Kings (12-3) clinched a playoff place on Sunday.", "standing")
    assert team == {
        "quantity:win:standing|harbour kings": 12,
        "quantity:loss:standing|harbour kings": 3,
    }
    fighter = held(nlp, "Bruno Tallis (31-2, 25 KOs) stopped his rival in the fifth.", "standing")
    assert fighter["quantity:knockout:standing|bruno tallis"] == 25
    assert fighter["quantity:win:standing|bruno tallis"] == 31
    moved = held(nlp, "The win improved the Kestrels' record to 9-6.", "standing")
    assert moved == {"quantity:win:standing|kestrels": 9, "quantity:loss:standing|kestrels": 6}


def test_a_record_a_second_verb_gives_is_its_subject_s(nlp: Any) -> None:
    text = "Piet Morrow tired early and fell to 19-6."
    assert held(nlp, text, "standing") == {
        "quantity:win:standing|piet morrow": 19,
        "quantity:loss:standing|piet morrow": 6,
    }


def test_a_score_and_a_split_record_are_no_record(nlp: Any) -> None:
    assert held(nlp, "The Kings beat the Kestrels, 27-20, on Sunday night.", "standing") == {}
    assert held(nlp, "The Kestrels (9-6) fell to 3-5 on the road.", "standing") == {
        "quantity:win:standing|kestrels": 9,
        "quantity:loss:standing|kestrels": 6,
    }
    close = "The Kestrels won again and moved their record to 7-1 in one-score games."
    assert held(nlp, close, "standing") == {}


# ----------------------------------------------------------------------------- repeated events


def test_which_title_defence_it_was_is_the_holder_s_whatever_the_wording(nlp: Any) -> None:
    key = "quantity:ordinal:title defence|arlo venn"
    kept = "Arlo Venn retained his title for the fifth time in Lisk."
    assert held(nlp, kept, "title defence") == {key: 5}
    made = "Arlo Venn made the seventh defence of his belt on Saturday."
    assert held(nlp, made, "title defence") == {key: 7}
    owned = "Arlo Venn won. The stoppage in Venn's sixth defense of the belt pleased the crowd."
    assert held(nlp, owned, "title defence") == {key: 6}


def test_a_streak_of_defences_and_a_defence_of_no_title_are_not_the_count(nlp: Any) -> None:
    assert held(nlp, "Arlo Venn made his fifth straight title defence.", "title defence") == {}
    assert held(nlp, "Arlo Venn defended the city for the third time.", "title defence") == {}


def test_a_misspelt_surname_takes_the_full_name_it_is_close_to(nlp: Any) -> None:
    text = "Arlo Vennemann won in Lisk. Vennemman, 31, was cut in the third round."
    assert held(nlp, text, "age") == {"quantity:year:age|arlo vennemann": 31}


# ----------------------------------------------------------------------------- long plays


def lengths(nlp: Any, text: str) -> dict[str, float | None]:
    """Fact key -> value (metres, rounded) of every play length of the text."""
    return {
        c.fact.key: round(c.value.low or 0, 2)
        for c in numeric(nlp, text)
        if c.fact is not None and c.value is not None and c.fact.key.startswith("measurement:play")
    }


def test_a_long_play_is_the_player_s_however_it_is_worded(nlp: Any) -> None:
    key = "measurement:play:run|omar teague"
    ran = "Omar Teague ran for 190 yards, including a 71-yard dash in the third quarter."
    assert lengths(nlp, ran) == {key: 64.92}
    owned = "Omar Teague scored twice. Teague's 73-yard touchdown run sealed the game."
    assert lengths(nlp, owned) == {key: 66.75}
    caught = "Lena Brandt hauled in a 45-yard catch to set up the winning kick."
    assert lengths(nlp, caught) == {"measurement:play:reception|lena brandt": 41.15}


def test_short_plays_field_goals_and_unnamed_players_are_not_read(nlp: Any) -> None:
    assert lengths(nlp, "Omar Teague scored on a 3-yard touchdown run.") == {}
    assert lengths(nlp, "Ivo Marsh kicked a 47-yard field goal before the half.") == {}
    assert lengths(nlp, "The rookie broke loose for a 71-yard touchdown run.") == {}


# ----------------------------------------------------------------------------- career totals


def test_a_career_total_after_the_game_is_the_player_s(nlp: Any) -> None:
    text = "Imani Okafor scored 18 points and now has 1,944 for her career."
    assert held(nlp, text, "career") == {"quantity:point:career|imani okafor": 1944}
    also = "Imani Okafor now has 1,944 career points after the win."
    assert held(nlp, also, "career") == {"quantity:point:career|imani okafor": 1944}


def test_a_career_high_and_the_total_before_the_game_are_not_the_career_total(nlp: Any) -> None:
    assert held(nlp, "Imani Okafor scored a career-high 33 points.", "career") == {}
    before = "Imani Okafor entered the night with 1,926 career points."
    assert held(nlp, before, "career") == {}


def test_a_running_total_a_named_player_now_has_is_the_career_total(nlp: Any) -> None:
    text = "Marta Quill scored 18 in the win. Quill, who now has 1,944 points, was carried off."
    assert held(nlp, text, "career") == {"quantity:point:career|marta quill": 1944}
    spaced = "Marta Quill now has 1, 944 points after the win over the Rovers."
    assert held(nlp, spaced, "career") == {"quantity:point:career|marta quill": 1944}


def test_a_running_total_stated_without_its_noun_counts_what_was_counted_before(
    nlp: Any,
) -> None:
    text = "Dana Pell retired in 1991 with 1,802 points. Marta Quill now has 1,844."
    assert held(nlp, text, "career") == {"quantity:point:career|marta quill": 1844}
    text = "The Gulls sold 9,000 tickets. Marta Quill now has 1,844."
    assert held(nlp, text, "career") == {}  # tickets are no running total
    text = "Marta Quill now has 1,844."
    assert held(nlp, text, "career") == {}  # nothing says what was counted


def test_a_season_s_total_a_team_s_points_and_a_list_are_no_career_total(nlp: Any) -> None:
    season = "Marta Quill now has 412 points this season."
    assert held(nlp, season, "career") == {}
    team = "The Harbor Gulls now have 44 points."
    assert held(nlp, team, "career") == {}
    listed = "On May 1, 200 fans saw Marta Quill score 1, 2, 300 points."
    assert held(nlp, listed, "career") == {}


# ----------------------------------------------------------------------------- records held


def test_a_record_someone_breaks_is_the_total_of_its_holder(nlp: Any) -> None:
    text = "Marta Quill broke Dana Voss's school scoring record of 1, 874 points on a layup."
    assert held(nlp, text, "held_record") == {"quantity:point:held_record|dana voss": 1874}
    bare = "Quill needed nine points to break Dana Voss's scoring record of 1,864."
    assert held(nlp, bare, "held_record") == {"quantity:point:held_record|dana voss": 1864}
    tied = "Marta Quill tied Dana Voss's mark of 1,874 points with a free throw."
    assert held(nlp, tied, "held_record") == {"quantity:point:held_record|dana voss": 1874}
    career = "Marta Quill broke Dana Voss's school record of 1,874 career points."
    assert held(nlp, career, "held_record") == {"quantity:point:held_record|dana voss": 1874}
    assert held(nlp, career, "career") == {}  # the holder's total, not the breaker's career


def test_a_period_s_record_an_own_record_and_a_record_set_are_no_holder_s_total(
    nlp: Any,
) -> None:
    single = "Marta Quill broke Dana Voss's single-game record of 41 points."
    assert held(nlp, single, "held_record") == {}
    in_a_game = "Marta Quill broke Dana Voss's record of 41 points in a game."
    assert held(nlp, in_a_game, "held_record") == {}
    season = "Marta Quill needs 12 points to pass Dana Voss's record of 1,874 points this season."
    assert held(nlp, season, "held_record") == {}
    assert held(nlp, "Marta Quill broke her own record of 41 points.", "held_record") == {}
    assert held(nlp, "Marta Quill set a school record of 41 points.", "held_record") == {}
    team = "The Harbor Gulls broke the Rovers' record of 12 wins."
    assert held(nlp, team, "held_record") == {}


def test_a_final_score_is_a_mark_of_its_game_not_a_score_in_play(nlp: Any) -> None:
    won = held(nlp, "The Gulls beat the Rovers, 88-71, on Sunday.", "final_score")
    assert won == {"quantity:point:final_score|88-71": 88}
    noun = held(nlp, "Marta Quill led the Gulls to an 88-71 victory.", "final_score")
    assert noun == won
    assert held(nlp, "The Rovers closed to 47-44 before the break.", "final_score") == {}


# ----------------------------------------------------------------------------- games missed


def test_the_games_a_named_player_missed_are_that_player_s(nlp: Any) -> None:
    text = "Imani Okafor hurt her knee in the opener and missed 11 games, including Sunday's."
    assert held(nlp, text, "missed") == {"quantity:game:missed|imani okafor": 11}
    words = "Imani Okafor missed eight games this season because of the knee."
    assert held(nlp, words, "missed") == {"quantity:game:missed|imani okafor": 8}


def test_a_run_of_missed_games_and_games_still_to_miss_are_not_the_count(nlp: Any) -> None:
    assert held(nlp, "Imani Okafor has missed the last three games.", "missed") == {}
    assert held(nlp, "Imani Okafor will miss four games.", "missed") == {}


def test_a_date_in_an_earlier_conjunct_dates_only_that_verb(nlp: Any) -> None:
    text = "Imani Okafor hurt her knee in 2019 and missed 11 games this season."
    assert held(nlp, text, "missed") == {"quantity:game:missed|imani okafor": 11}
    both = [c for c in numeric(nlp, "In 2019 the storm killed 10 people and injured 40.")]
    assert both and all(c.fact is not None and c.fact.time.value == "background" for c in both)
