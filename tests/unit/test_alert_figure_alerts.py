"""Figure alerts end to end without a broker: written articles -> extraction -> the story
engine. Titles a person understands, outlets by name, and the false-alarm classes of issue 15
kept quiet (sentences written for these tests; invented places and outlets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from claimwatch.models import Alert, AlertKind, Article, SubscriptionFilters
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.figure_alerts import figure_drafts
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState
from claimwatch_deliver.filters import matches
from claimwatch_extract.pipeline import extract_batch

T0 = datetime(2026, 5, 14, 6, 0, tzinfo=UTC)


def art(aid: str, source: str, title: str, body: str, hours: float, **kw: Any) -> Article:
    text = f"{title}\n\n{body}"
    at = T0 + timedelta(hours=hours)
    return Article(
        id=aid,
        source=source,
        title=title,
        published_at=at,
        ingested_at=at,
        text=text,
        original_text=text,
        **kw,
    )


def alerts_for(nlp: Any, articles: list[Article]) -> list[Alert]:
    """Last version of every figure alert of one story."""
    state = StoryState(story="st-test")
    last: dict[str, Alert] = {}
    for _, event in extract_batch(nlp, articles):
        state, sent = apply_article(state, event, load_rules(), load_config(), T0)
        last.update({a.id: a for a in sent})
    return [a for a in last.values() if a.kind != AlertKind.KEY_CLAIM]


def test_outlets_that_disagree_get_a_title_in_plain_words(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "a1",
                "harbour-post",
                "Tram crash: five dead after carriage overturns",
                "At least five people died when a tram overturned in the tunnel on Monday.",
                0,
            ),
            art(
                "a2",
                "city-ledger",
                "Seven killed as tram derails in tunnel",
                "Seven people were killed in the tram crash on Monday, police said.",
                1,
            ),
        ],
    )
    (alert,) = found
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title.startswith("Outlets disagree on how many people were killed")
    assert alert.title.endswith(": 5 vs 7")
    assert alert.fact and "people killed" in alert.fact
    assert alert.sources == ["city-ledger", "harbour-post"]
    assert "same" in alert.explanation.lower() or "one fact" in alert.explanation


def test_a_victim_s_children_counted_differently_is_a_disagreement(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "p1",
                "harbour-post",
                "Father of five dies in quarry fall",
                "A father of five died on Friday when a ledge gave way at the old quarry.",
                0,
            ),
            art(
                "p2",
                "city-ledger",
                "Quarry worker killed",
                "The worker, a father of six, died at the quarry on Friday, police said.",
                1,
            ),
        ],
    )
    (alert,) = [a for a in found if a.slot and "parent_of" in a.slot]
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title == "Outlets disagree on how many children the parent has: 5 vs 6"


def test_responses_a_body_received_counted_differently_is_a_disagreement(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "r1",
                "harbour-post",
                "Council approves bypass",
                "The council approved the bypass plan after it received 1,200 objections.",
                0,
            ),
            art(
                "r2",
                "city-ledger",
                "Bypass plan goes ahead",
                "The council had received 1,500 objections before it approved the plan.",
                0.5,
            ),
        ],
    )
    (alert,) = [a for a in found if a.slot and a.slot.endswith(":received")]
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title == "Outlets disagree on how many objections were received: 1200 vs 1500"


def test_outlets_that_disagree_on_the_bullets_that_hit_a_victim_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "b1",
                "harbour-post",
                "Courier shot outside depot",
                "The courier was shot nine times outside the depot on Sunday, police said.",
                0,
            ),
            art(
                "b2",
                "city-ledger",
                "Courier wounded in depot shooting",
                "An autopsy found the courier was hit by six bullets, two of them in the back. "
                "The pistol found beside him was loaded with four bullets.",
                0.5,
            ),
        ],
    )
    (alert,) = [a for a in found if a.slot == "quantity:bullet:struck"]
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title == "Outlets disagree on how many bullets hit: 6 vs 9"


def test_people_sheltering_in_a_building_counted_differently_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "s1",
                "harbour-post",
                "Shell hits sports hall",
                "A shell hit the sports hall on Monday, where 400 people were sheltering.",
                0,
            ),
            art(
                "s2",
                "city-ledger",
                "Sports hall struck",
                "Some 900 people were sheltering in the sports hall when it was struck.",
                6,
            ),
        ],
    )
    (alert,) = [a for a in found if a.slot == "quantity:person:sheltering"]
    assert alert.kind == AlertKind.CONTRADICTION  # a count at one moment, not a growing tally
    assert alert.title.startswith("Outlets disagree on how many people were sheltering")


def test_people_sheltering_counted_higher_days_later_is_an_update(nlp: Any) -> None:
    """A shelter count grows from day to day as more homes flood, like the displaced: two
    days apart, a higher count is the figure moving, not outlets disagreeing."""
    found = alerts_for(
        nlp,
        [
            art(
                "h1",
                "harbour-post",
                "River bursts its banks in Orlen valley",
                "Officials said 800 people were sheltering in community halls on Tuesday "
                "after the Marrow river flooded three villages.",
                0,
            ),
            art(
                "h2",
                "city-ledger",
                "Flood waters keep rising in Orlen valley",
                "A total of 2,600 people were sheltering in schools and halls on Thursday "
                "as the Marrow river flooded more villages, officials said.",
                50,
            ),
        ],
    )
    shelter = [a for a in found if a.slot == "quantity:person:sheltering"]
    assert [a.kind for a in shelter] == [AlertKind.FIGURE_UPDATE]
    assert shelter[0].title.endswith("800 → 2600")


def test_one_missile_fired_against_two_pages_but_one_that_hit_is_no_count(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "f1",
                "harbour-post",
                "Rebels fire missile at port",
                "The rebels fired one missile at the port on Monday. One missile hit a crane "
                "on the quay.",
                0,
            ),
            art(
                "f2",
                "city-ledger",
                "Missiles fired at port",
                "The rebels fired two missiles at the port on Monday. Two missiles hit the "
                "quay, the harbour master said.",
                1,
            ),
        ],
    )
    slots = {a.slot for a in found}
    assert "quantity:missile:launched" in slots
    assert "quantity:missile:struck" not in slots


def test_bombs_inside_one_place_page_but_not_those_that_fell_elsewhere(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "r1",
                "harbour-post",
                "Jets bomb river camp",
                "Jets dropped six bombs on the district on Tuesday. Aid workers said that one "
                "bomb fell inside the camp. Two bombs fell near the bridge and three fell on "
                "the market.",
                0,
            ),
            art(
                "r2",
                "city-ledger",
                "River camp bombed",
                "Two of the bombs landed inside the camp, a relief agency said. Four bombs fell "
                "on the airstrip and one landed outside the clinic.",
                1,
            ),
        ],
    )
    titles = [a.title for a in found if a.kind == AlertKind.CONTRADICTION]
    assert titles == ["Outlets disagree on how many bombs hit inside the camp: 1 vs 2"]


def test_outlets_that_disagree_on_the_photos_posted_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "m1",
                "harbour-post",
                "Singer mourns her brother",
                "The singer posted five photos of her late brother on her account on Monday.",
                0,
            ),
            art(
                "m2",
                "city-ledger",
                "Singer's tribute to brother",
                "On Monday the singer posted six photos with her brother and a short message.",
                1,
            ),
        ],
    )
    (alert,) = [a for a in found if a.slot == "quantity:photo:post"]
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title == "Outlets disagree on how many photos were posted on Monday: 5 vs 6"


def test_a_toll_that_rises_over_the_day_is_a_figure_update_that_does_not_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("u1", "harbour-post", "Ferry sinks off the cape", "At least 12 people died.", 0),
            art("u2", "city-ledger", "Ferry toll climbs", "The death toll rose to 19.", 6),
            art("u3", "river-times", "Ferry disaster", "Officials said 23 people had died.", 20),
        ],
    )
    (update,) = found
    assert update.kind == AlertKind.FIGURE_UPDATE and update.timeline is not None
    assert [(e.value.low, e.sources) for e in update.timeline] == [
        (12, ["harbour-post"]),
        (19, ["city-ledger"]),
        (23, ["river-times"]),
    ]
    assert update.title.endswith("≥ 12 → 19 → 23")
    assert not matches(update, SubscriptionFilters())  # opt-in: a default subscription
    assert matches(update, SubscriptionFilters(kinds=[AlertKind.FIGURE_UPDATE]))


def test_a_damage_tally_that_grows_as_surveys_come_in_is_an_update(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("d1", "harbour-post", "Quake shakes the coast", "About 60 houses were damaged.", 0),
            art("d2", "city-ledger", "Quake damage", "More than 400 houses were damaged.", 9),
        ],
    )
    (update,) = found
    assert update.kind == AlertKind.FIGURE_UPDATE


def test_a_toll_that_grows_tenfold_in_steps_is_still_one_update(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("g1", "harbour-post", "Mine collapse", "Four people died in the collapse.", 0),
            art("g2", "city-ledger", "Mine rescue", "Officials said nine people had died.", 10),
            art("g3", "river-times", "Mine toll", "The death toll rose to 20.", 30),
            art("g4", "valley-news", "Mine disaster", "Forty-five people have died.", 52),
        ],
    )
    (update,) = found
    assert update.kind == AlertKind.FIGURE_UPDATE and update.timeline is not None
    # 4 to 45 is more than tenfold, but no step is: one count that grew
    assert [e.value.low for e in update.timeline] == [4, 9, 20, 45]


def test_undated_reports_of_a_toll_still_being_counted_are_an_update(nlp: Any) -> None:
    def undated(aid: str, source: str, body: str, minutes: float) -> Article:
        at = art(aid, source, "Shells hit a school in Marev", body, minutes / 60)
        return at.model_copy(update={"published_at": None})  # the time is the arrival

    open_count = alerts_for(
        nlp,
        [
            undated("s1", "harbour-post", "At least 38 people were killed at the school.", 0),
            undated("s2", "city-ledger", "Some 30 people were killed at the school.", 5),
        ],
    )
    (update,) = open_count
    assert update.kind == AlertKind.FIGURE_UPDATE and update.timeline is not None
    assert [e.value.low for e in update.timeline] == [27, 38]  # lowest to highest
    assert "None of these reports has a publication date" in update.explanation
    exact = alerts_for(
        nlp,
        [
            undated("s1", "harbour-post", "Medics said 38 people were killed at the school.", 0),
            undated("s2", "city-ledger", "Officials said 30 people were killed at the school.", 5),
        ],
    )
    assert [a.kind for a in exact] == [AlertKind.CONTRADICTION]


def test_an_article_that_leads_with_another_incident_does_not_stand_for_the_toll(
    nlp: Any,
) -> None:
    def undated(aid: str, source: str, body: str, minutes: float) -> Article:
        at = art(aid, source, "Dorva shelled", body, minutes / 60)
        return at.model_copy(update={"published_at": None})

    bakery = (
        "Three people were killed when a shell hit a bakery in Dorva. "
        "Medics said four people were killed near the port on Sunday."
    )
    found = alerts_for(
        nlp,
        [
            undated("k1", "harbour-post", "Officials said 40 people were killed in Dorva.", 0),
            undated("k2", "city-ledger", "At least 43 people died in Dorva, medics said.", 3),
            undated("k3", "river-times", bakery, 6),
        ],
    )
    # the third article states another incident's three dead, off the toll's scale: its
    # later "four" is not promoted to stand against the 40 (it was: "4 vs 40")
    assert [a.kind for a in found] == [AlertKind.FIGURE_UPDATE]


def test_a_running_total_does_not_replace_an_article_s_own_toll(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("t1", "harbour-post", "Market shelled", "A shell killed 12 people at the "
                "market in Dorva. The death toll of the war rose to 2,400.", 0),
            art("t2", "city-ledger", "Market shelled", "Medics said 15 people were killed "
                "at the market in Dorva.", 0.5),
        ],
    )  # fmt: skip
    assert [a.title for a in found] == ["Outlets disagree on how many people were killed: 12 vs 15"]


def test_an_incident_then_a_running_total_is_no_update(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("j1", "harbour-post", "Shelling", "Shelling killed three people in Dorva.", 0),
            art("j2", "city-ledger", "Shelling", "The shelling has killed 640 people.", 20),
        ],
    )
    assert found == []


def test_numbers_that_only_look_alike_stay_quiet(nlp: Any) -> None:
    quiet = alerts_for(
        nlp,
        [
            art(
                "q1",
                "harbour-post",
                "Coach leaves mountain road",
                "Nine people were killed when the coach left the road on Tuesday. It was the "
                "worst crash on the pass since 1987, when 11 people died. The coach was "
                "carrying 48 passengers.",
                0,
            ),
            art(
                "q2",
                "city-ledger",
                "Nine dead in coach crash",
                "Nine people were killed in the coach crash. Two Austrians were among the dead. "
                "The route crosses 40 kilometres (25 miles) of mountain road.",
                1,
            ),
            art(
                "q3",
                "river-times",
                "Coach crash on the pass",
                "Nine people died and 20 were hurt. Four of the injured passengers were flown "
                "to the capital, and another 16 were treated at the scene. The road runs for "
                "24 km over the pass.",
                1.5,
            ),
        ],
    )
    assert quiet == []


def test_a_copy_shows_its_outlet_never_an_internal_id(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("c1", "harbour-post", "Bridge collapse", "Four people were killed on Monday.", 0),
            art(
                "c2",
                "city-ledger",
                "Bridge collapse",
                "Six people were killed on Monday.",
                0.5,
                duplicate_of="not-in-this-story",
            ),
        ],
    )
    (alert,) = found
    assert "copy-of" not in alert.title + alert.explanation
    assert "city-ledger" in alert.explanation and "harbour-post" in alert.explanation


def test_three_counts_far_apart_are_several_facts_not_a_disagreement(nlp: Any) -> None:
    articles = [
        art("m1", "harbour-post", "Shelling hits market", "Officials said 16 people were hurt.", 0),
        art("m2", "city-ledger", "Market shelled", "Medics said 55 people were hurt.", 0.5),
        art("m3", "river-times", "Market attack", "Aid groups said 100 people were hurt.", 1),
    ]
    state = StoryState(story="st-test")
    for _, event in extract_batch(nlp, articles):
        state, _ = apply_article(state, event, load_rules(), load_config(), T0)
    # (16 vs 55 alone was worth an alert; with 100 as well the story holds several facts)
    assert figure_drafts(state, load_config()) == []


def test_magnitudes_a_whole_unit_apart_are_two_quakes(nlp: Any) -> None:
    def quake(aid: str, source: str, magnitude: str, hours: float) -> Article:
        body = f"A magnitude {magnitude} earthquake shook the Varna coast on Tuesday."
        return art(aid, source, "Quake shakes coast", body, hours)

    def drafts(articles: list[Article]) -> list[str]:
        state = StoryState(story="st-test")
        for _, event in extract_batch(nlp, articles):
            state, _ = apply_article(state, event, load_rules(), load_config(), T0)
        return [d.title for d in figure_drafts(state, load_config())]

    # two agencies a few tenths apart: a disagreement
    close = drafts([quake("q1", "harbour-post", "6.4", 0), quake("q2", "city-ledger", "6.9", 0.5)])
    assert close == ["Outlets disagree on the magnitude of the earthquake: 6.4 vs 6.9"]
    # a main shock and an aftershock (or a past quake) are two facts
    apart = drafts([quake("q1", "harbour-post", "5.8", 0), quake("q2", "city-ledger", "7.1", 0.5)])
    assert apart == []


def test_no_one_hurt_against_a_count_of_injured_is_a_disagreement(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("n1", "harbour-post", "Blast at grain depot", "Nobody was hurt, police said.", 0),
            art(
                "n2",
                "city-ledger",
                "Depot blast leaves workers hurt",
                "Nine people were injured in the blast at the grain depot, medics said.",
                28,
            ),
        ],
    )
    (alert,) = found  # a day apart, but "nobody" is not a count that grew to nine
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title.endswith(": 0 vs 9")


def test_a_turnout_still_being_counted_is_an_update(nlp: Any) -> None:
    def undated(aid: str, source: str, body: str, minutes: float) -> Article:
        at = art(aid, source, "Vote in the republic of Ostrava", body, minutes / 60)
        return at.model_copy(update={"published_at": None})

    found = alerts_for(
        nlp,
        [
            undated("v1", "harbour-post", "The commission said turnout was nearly 70 percent.", 0),
            undated("v2", "city-ledger", "Voter turnout was 74.6 percent, the commission said.", 5),
        ],
    )
    (update,) = found
    assert update.kind == AlertKind.FIGURE_UPDATE
    # dated an hour apart, two tallies that differ are outlets disagreeing
    dated = alerts_for(
        nlp,
        [
            art("w1", "harbour-post", "Vote count", "Officials said turnout was 71 percent.", 0),
            art("w2", "city-ledger", "Vote count", "Officials said turnout was 66 percent.", 1),
        ],
    )
    assert [a.kind for a in dated] == [AlertKind.CONTRADICTION]


def test_a_count_in_critical_condition_is_a_state_not_a_growing_tally(nlp: Any) -> None:
    crush = [
        art(
            "c1",
            "harbour-post",
            "Crush at Harbour Stadium",
            "Hospital officials said 12 people were in critical condition after the crush.",
            0,
        ),
        art(
            "c2",
            "city-ledger",
            "Stadium crush",
            "Twenty-six people were critically injured in the stadium crush, medics said.",
            27,
        ),
    ]
    (alert,) = alerts_for(nlp, crush)  # a day apart: not a count that grew
    assert alert.kind == AlertKind.CONTRADICTION and alert.title.endswith(": 12 vs 26")
    # all of the injured, a day apart, is a count that grew
    hurt = [
        art("h1", "harbour-post", "Stadium crush", "Officials said 12 people were hurt.", 0),
        art("h2", "city-ledger", "Stadium crush", "Twenty-six people were hurt, medics said.", 27),
    ]
    (update,) = alerts_for(nlp, hurt)
    assert update.kind == AlertKind.FIGURE_UPDATE


def test_outlets_that_disagree_on_a_vehicle_s_speed_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "s1",
                "valley-courier",
                "Coach leaves mountain road",
                "Witnesses said the coach was doing about 30 mph when it hit the wall.",
                0,
            ),
            art(
                "s2",
                "plains-gazette",
                "Coach crash on mountain road",
                "The coach was travelling at 60 mph when it hit the wall, a driver said.",
                1,
            ),
        ],
    )
    (alert,) = found
    assert alert.kind == AlertKind.CONTRADICTION and alert.slot == "measurement:speed"


def test_a_speed_limit_never_pages_against_the_speed_reached(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "l1",
                "valley-courier",
                "Tram tipped over on a bend",
                "The bend has a 10mph (16km/h) speed limit, the operator said.",
                0,
            ),
            art(
                "l2",
                "plains-gazette",
                "Tram overturned on a bend",
                "Passengers said the tram took the bend at 45mph before it tipped over.",
                1,
            ),
        ],
    )
    assert found == []


def test_two_weights_given_for_the_vehicle_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "w1",
                "valley-courier",
                "Lorry ploughs into market stalls",
                "The man drove a 12-tonne lorry through the market stalls on Saturday.",
                0,
            ),
            art(
                "w2",
                "plains-gazette",
                "Market stalls hit by a lorry",
                "Police said the driver used a 7.5-ton lorry hired a day earlier.",
                3,
            ),
        ],
    )
    contradictions = [a for a in found if a.kind == AlertKind.CONTRADICTION]
    assert [a.title for a in contradictions] == [
        "Outlets disagree on the weight of the lorry: 7500 kg vs 12000 kg"
    ]


def test_the_weaker_of_two_quakes_is_its_own_fact(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "q1",
                "valley-courier",
                "Two strong quakes shake the island",
                "The island was shaken by 6.9 and 6.2 magnitude quakes before dawn on Monday.",
                0,
            ),
            art(
                "q2",
                "plains-gazette",
                "Quakes cut power across the island",
                "Relief teams flew in after two tremors, measuring 6.9 and 6.5, hit the coast.",
                1,
            ),
        ],
    )
    assert [a.title for a in found if a.kind == AlertKind.CONTRADICTION] == [
        "Outlets disagree on the magnitude of the weaker of two quakes: 6.2 vs 6.5"
    ]


def test_two_people_s_falls_are_two_facts(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "f1",
                "valley-courier",
                "Two climbers die on the peak",
                "On Monday, Ana Ruiz fell 80 metres. On Tuesday, Piet Vos fell 300 metres.",
                0,
            ),
            art(
                "f2",
                "plains-gazette",
                "Second climber dies on the peak",
                "Piet Vos fell 450 metres near the hut on Tuesday, a day after Ana Ruiz died.",
                1,
            ),
        ],
    )
    assert [a.title for a in found if a.kind == AlertKind.CONTRADICTION] == [
        "Outlets disagree on how far Piet Vos fell: 300 m vs 450 m"
    ]


def test_the_speeds_of_two_pitches_never_page(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "p1",
                "valley-courier",
                "Harbour Hawks take the pennant",
                "Mora tied the game with a homer off a 96-mph fastball in the sixth.",
                0,
            ),
            art(
                "p2",
                "plains-gazette",
                "Hawks win the pennant in extra innings",
                "Lind ended it with a single off a 101-mph fastball in the tenth.",
                1,
            ),
        ],
    )
    assert found == []


def test_outlets_that_disagree_on_a_bid_s_value_page_in_its_words(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "m1",
                "harbour-post",
                "Northwind bids for insurer",
                "Northwind made a $12.4 billion offer for Fabrikam Holdings on Monday. The "
                "insurer's shares rose 4 percent to $31.20.",
                0,
            ),
            art(
                "m2",
                "city-ledger",
                "Insurer gets takeover approach",
                "Northwind has made a $12.9 billion offer for Fabrikam Holdings, the company "
                "said on Monday. It paid $40 million for a smaller rival last year.",
                1,
            ),
        ],
    )
    (alert,) = found
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title == (
        "Outlets disagree on the value of the deal by Northwind for Fabrikam: "
        "12.4 billion USD vs 12.9 billion USD"
    )


def test_amounts_the_parse_cannot_tell_apart_stay_quiet(nlp: Any) -> None:
    quiet = alerts_for(
        nlp,
        [
            art(
                "n1",
                "harbour-post",
                "Council passes budget",
                "The council approved a $4.2 billion budget. It set aside $300 million for "
                "roads and $120 million for schools.",
                0,
            ),
            art(
                "n2",
                "city-ledger",
                "Budget approved",
                "The council approved its budget, which includes $250 million for roads and a "
                "$90 million deal for new buses.",
                1,
            ),
        ],
    )
    assert quiet == []


def test_one_person_s_age_given_two_ways_is_a_disagreement_two_people_s_are_not(
    nlp: Any,
) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "g1",
                "valley-courier",
                "Pilot rescued after barge sinks",
                "Dana Voss, 29, was lifted from the river by a police launch. Her deckhand, "
                "Oren Pike, 52, swam to the bank.",
                0,
            ),
            art(
                "g2",
                "plains-gazette",
                "Barge pilot saved from river",
                "The 30-year-old Dana Voss was lifted from the river after the barge sank.",
                20,
            ),
        ],
    )
    (alert,) = found
    assert alert.kind == AlertKind.CONTRADICTION
    assert alert.title == "Outlets disagree on how old Dana Voss is: 29 vs 30"


def test_an_undated_report_of_an_age_is_not_held_against_a_dated_one(nlp: Any) -> None:
    dated = art(
        "u1",
        "valley-courier",
        "Man convicted over warehouse fire",
        "A jury convicted 27-year-old Colm Hardy of setting the warehouse fire.",
        0,
    )
    undated = art(
        "u2",
        "plains-gazette",
        "Man charged over warehouse fire",
        "Colm Hardy, 26, was charged with setting the warehouse fire.",
        0,
    ).model_copy(update={"published_at": None})
    assert alerts_for(nlp, [undated, dated]) == []


def test_a_team_s_record_after_the_game_given_two_ways_is_a_disagreement(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "r1",
                "valley-courier",
                "Kestrels clinch a playoff place",
                "The Kestrels (8-3) clinched a playoff place with a late field goal.",
                0,
            ),
            art(
                "r2",
                "plains-gazette",
                "Late kick sends Kestrels to the playoffs",
                "The win improved the Kestrels' record to 7-3 and sent them to the playoffs.",
                1,
            ),
        ],
    )
    titles = sorted(a.title for a in found)
    assert titles == ["Outlets disagree on how many wins Kestrels has: 7 vs 8"]


def test_a_record_in_an_undated_report_is_not_held_against_a_dated_one(nlp: Any) -> None:
    undated = art(
        "s1",
        "valley-courier",
        "Kestrels rally late",
        "The Kestrels (9-2) rallied from 14 points down to win in overtime.",
        0,
    ).model_copy(update={"published_at": None})
    dated = art(
        "s2",
        "plains-gazette",
        "Kestrels clinch a playoff place",
        "The Kestrels (8-3) clinched a playoff place with a late field goal.",
        0,
    )
    assert alerts_for(nlp, [undated, dated]) == []


def test_two_undated_records_are_not_placed_in_one_game(nlp: Any) -> None:
    reports = [
        art(aid, src, "Kestrels win again", f"The Kestrels ({rec}) won in overtime.", 0)
        for aid, src, rec in (("w1", "valley-courier", "9-2"), ("w2", "plains-gazette", "8-3"))
    ]
    undated = [a.model_copy(update={"published_at": None}) for a in reports]
    assert alerts_for(nlp, undated) == []
    assert {a.title for a in alerts_for(nlp, reports)} >= {
        "Outlets disagree on how many wins Kestrels has: 8 vs 9"
    }


def test_two_undated_reports_that_give_the_opponent_one_record_are_one_fight(nlp: Any) -> None:
    bodies = (
        ("b1", "valley-courier", "Arlo Venn (31-2, 24 KOs) stopped Piet Morrow (19-6) in Lisk."),
        ("b2", "plains-gazette", "Arlo Venn, 32-2, 25 KOs, beat Piet Morrow (19-6) in Lisk."),
    )
    undated = [
        art(aid, src, "Venn keeps his belt", body, 0).model_copy(update={"published_at": None})
        for aid, src, body in bodies
    ]
    assert {a.title for a in alerts_for(nlp, undated)} == {
        "Outlets disagree on how many wins Arlo Venn has: 31 vs 32",
        "Outlets disagree on how many knockouts Arlo Venn has: 24 vs 25",
    }


def test_two_undated_reports_of_one_final_score_place_a_career_total_in_one_game(
    nlp: Any,
) -> None:
    bodies = (
        ("f1", "valley-courier", "Marta Quill scored 24 points as the Gulls beat the Rovers, "
         "88-71. Quill now has 1,944 points."),
        ("f2", "plains-gazette", "Marta Quill, who now has 1,954 points, led the Gulls to an "
         "88-71 victory over the Rovers."),
    )  # fmt: skip
    undated = [
        art(aid, src, "Gulls win again", body, 0).model_copy(update={"published_at": None})
        for aid, src, body in bodies
    ]
    assert {a.title for a in alerts_for(nlp, undated)} == {
        "Outlets disagree on how many career points Marta Quill has: 1944 vs 1954"
    }
    other = undated[1].model_copy(
        update={"text": undated[1].text.replace("88-71", "90-64"),
                "original_text": undated[1].text.replace("88-71", "90-64")}
    )  # fmt: skip
    assert alerts_for(nlp, [undated[0], other]) == []


def test_a_broken_record_given_two_ways_pages_but_never_meets_the_new_total(nlp: Any) -> None:
    bodies = (
        ("r1", "valley-courier", "Marta Quill broke Dana Voss's scoring record of 1,874 "
         "points on Friday."),
        ("r2", "plains-gazette", "Marta Quill scored 12 points on Friday to break Dana "
         "Voss's career mark of 1,884."),
    )  # fmt: skip
    found = alerts_for(nlp, [art(a, s, "Quill breaks scoring record", b, 0) for a, s, b in bodies])
    assert {a.title for a in found} == {
        "Outlets disagree on what Dana Voss's record in points was: 1874 vs 1884"
    }


def test_which_title_defence_it_was_given_two_ways_is_a_disagreement(nlp: Any) -> None:
    bodies = (
        ("d1", "valley-courier", "Arlo Venn beat Piet Morrow (19-6) and retained his title for "
         "the fifth time."),
        ("d2", "plains-gazette", "Piet Morrow (19-6) was stopped in Arlo Venn's sixth "
         "defence of the belt."),
    )  # fmt: skip
    undated = [
        art(aid, src, "Venn keeps his belt", body, 0).model_copy(update={"published_at": None})
        for aid, src, body in bodies
    ]
    assert {a.title for a in alerts_for(nlp, undated)} == {
        "Outlets disagree on which title defence it was for Arlo Venn: 5 vs 6"
    }


def test_a_long_play_given_two_lengths_is_a_disagreement_two_plays_are_not(nlp: Any) -> None:
    one = [
        art("p1", "valley-courier", "Kestrels hold on", "Omar Teague broke a 71-yard "
            "touchdown run as the Kestrels (9-3) held on.", 0),
        art("p2", "plains-gazette", "Teague runs wild", "Omar Teague had a 73-yard "
            "touchdown run for the Kestrels (9-3).", 1),
    ]  # fmt: skip
    assert {a.title for a in alerts_for(nlp, one)} == {
        "Outlets disagree on how long Omar Teague's run was: 64.92 m vs 66.75 m"
    }
    two = [
        art("q1", "valley-courier", "Kestrels hold on", "Omar Teague broke a 25-yard "
            "touchdown run as the Kestrels (9-3) held on.", 0),
        art("q2", "plains-gazette", "Teague runs wild", "Omar Teague had a 73-yard "
            "touchdown run for the Kestrels (9-3).", 1),
    ]  # fmt: skip
    assert alerts_for(nlp, two) == []


def test_two_undated_fights_that_share_only_an_age_stay_apart(nlp: Any) -> None:
    bodies = (
        ("c1", "valley-courier", "The 30-year-old Piet Morrow lost to Arlo Venn (31-2)."),
        ("c2", "plains-gazette", "The 30-year-old Piet Morrow beat Arlo Venn (32-3)."),
    )
    undated = [
        art(aid, src, "Venn and Morrow meet", body, 0).model_copy(update={"published_at": None})
        for aid, src, body in bodies
    ]
    assert alerts_for(nlp, undated) == []


def test_the_games_one_player_missed_given_two_ways_is_a_disagreement(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "m1",
                "valley-courier",
                "Voss out for the playoffs",
                "Dana Voss missed eight games this season because of the knee. His teammate "
                "Rosa Dunn missed three games with a sprained wrist.",
                0,
            ),
            art(
                "m2",
                "plains-gazette",
                "Kestrels lose Voss for the playoffs",
                "Dana Voss hurt his knee in the opener and missed 11 games, including Sunday's.",
                3,
            ),
        ],
    )
    (alert,) = found
    assert alert.title == "Outlets disagree on how many games Dana Voss missed: 8 vs 11"


def test_two_outlets_demanding_different_sums_for_one_project_disagree(nlp: Any) -> None:
    """A demand is salient; one outlet's "now" on the same day is no figure that moved."""
    found = alerts_for(
        nlp,
        [
            art(
                "d1",
                "valley-courier",
                "Mayor holds out for flood barrier money",
                "The mayor is now insisting that the council approve $4.2 billion for the barrier.",
                -6,  # midnight: a date without a time
            ),
            art(
                "d2",
                "plains-gazette",
                "Barrier talks stall at city hall",
                "The mayor told aides the city was asking for $4.4 billion for the barrier.",
                -6,  # midnight: a date without a time
            ),
        ],
    )
    assert [(a.kind, a.title) for a in found] == [
        (
            AlertKind.CONTRADICTION,
            "Outlets disagree on the amount demanded: 4.2 billion USD vs 4.4 billion USD",
        )
    ]


def test_two_payloads_of_one_launcher_disagree_in_kilograms(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art(
                "p1",
                "valley-courier",
                "New launcher unveiled",
                "Engineers say the launcher will lift a payload of 90,000 pounds to low orbit.",
                0,
            ),
            art(
                "p2",
                "plains-gazette",
                "Launcher rolls out to the pad",
                "Its payload of 30 tonnes makes it the biggest launcher flying this year.",
                1,
            ),
        ],
    )
    assert [a.title for a in found if a.kind == AlertKind.CONTRADICTION] == [
        "Outlets disagree on the payload: 30000 kg vs 40823.3 kg"
    ]


def test_a_team_s_record_a_day_later_is_the_next_game_not_a_disagreement(nlp: Any) -> None:
    """Teams that play every day: the record moves by a game between two reports a day
    apart (an update, which does not page); two reports of one night still disagree."""

    def games(hours: float) -> list[Alert]:
        return alerts_for(
            nlp,
            [
                art(
                    "g1",
                    "harbour-post",
                    "Larks edge Pikes",
                    "The Larks improved to 61-44 with a 5-4 win over the Pikes on Monday night.",
                    0,
                ),
                art(
                    "g2",
                    "city-ledger",
                    "Larks win again",
                    "The Larks improved to 62-44 with a 7-1 win over the Pikes on Tuesday night.",
                    hours,
                ),
            ],
        )

    (moved,) = [a for a in games(24) if "wins" in a.title]
    assert moved.kind == AlertKind.FIGURE_UPDATE
    (clash,) = [a for a in games(1) if "wins" in a.title]
    assert clash.kind == AlertKind.CONTRADICTION


def test_two_vehicles_of_one_kind_weighed_in_one_article_are_two_facts(nlp: Any) -> None:
    """A crash between two lorries: each has its weight, so one article that gives both
    does not contradict itself, and an outlet naming either lorry disagrees with no one."""
    found = alerts_for(
        nlp,
        [
            art(
                "v1",
                "valley-courier",
                "Parked 18-tonne lorry crushed on Denholm bypass",
                "A 26-tonne gravel lorry overturned on the Denholm bypass on Monday and landed "
                "on an 18-tonne lorry parked in a lay-by.",
                0,
            ),
            art(
                "v2",
                "plains-gazette",
                "Gravel lorry overturns on bypass",
                "The 26-tonne lorry tipped over on a bend of the Denholm bypass, police said.",
                3,
            ),
        ],
    )
    assert [a.title for a in found if "lorry" in a.title] == []


def test_two_bidders_offers_for_one_company_are_two_facts(nlp: Any) -> None:
    """A bidding war: Northwind's and Contoso's offers for one insurer are two offers, while
    an offer that names no bidder is the only named bidder's."""
    war = [
        art("o1", "valley-courier", "Northwind bids for Fabrikam",
            "Northwind made a $12 billion offer for Fabrikam on Monday, the insurer said.", 0),
        art("o2", "plains-gazette", "Rival bid for Fabrikam",
            "Contoso made a rival $14 billion offer for Fabrikam on Monday, the insurer said.",
            1),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, war) if "deal" in a.title] == []
    one = [
        war[0],
        art("o3", "plains-gazette", "Fabrikam weighs bid",
            "Fabrikam's board is weighing the $13 billion offer for Fabrikam, its chair said.",
            1),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, one) if "deal" in a.title] == [
        "Outlets disagree on the value of the deal by Northwind for Fabrikam: "
        "12 billion USD vs 13 billion USD"
    ]


def test_a_quarter_s_forecast_and_the_full_year_s_are_two_facts(nlp: Any) -> None:
    found = alerts_for(
        nlp,
        [
            art("e1", "valley-courier", "Airline set to report",
                "Analysts expect Skylark Air to post quarterly net income of $1.4 billion.", 0),
            art("e2", "plains-gazette", "Skylark results due",
                "Skylark Air is expected to post full-year net income of $5.2 billion.", 1),
        ],
    )  # fmt: skip
    assert [a.title for a in found if "profit" in a.title] == []


def test_observers_sent_by_two_bodies_are_two_facts(nlp: Any) -> None:
    two = [
        art("n1", "valley-courier", "Monitors arrive for the vote",
            "The Nordic Electoral Forum sent six observers to monitor the ballot.", 0),
        art("n2", "plains-gazette", "Observers in place",
            "The Council of Baltic Harbour States sent 14 observers to monitor the ballot.", 1),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, two) if "observers" in a.title] == []
    one = [
        two[1],
        art("n3", "harbour-post", "Observers in place",
            "The CBHS sent nine observers to monitor the ballot, its chair said.", 1),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, one) if "observers" in a.title] == [
        "Outlets disagree on how many observers committed by CBHS: 9 vs 14"
    ]


def test_photos_posted_on_two_days_are_two_facts(nlp: Any) -> None:
    days = [
        art("g1", "valley-courier", "Singer shares flood pictures",
            "Mara Quill posted three photos of the flooded street on Monday.", 0),
        art("g2", "plains-gazette", "Quill thanks volunteers",
            "Mara Quill posted five photos of the volunteers on Wednesday.", 50),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, days) if "photos" in a.title] == []
    one = [
        days[0],
        art("g3", "plains-gazette", "Quill shares pictures",
            "Taking to her account, Mara Quill posted four photos of the street.", 3),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, one) if "photos" in a.title] == [
        "Outlets disagree on how many photos were posted on Monday: 3 vs 4"
    ]


def test_rescue_units_sent_to_two_fires_are_two_facts(nlp: Any) -> None:
    fires = [
        art("u1", "valley-courier", "Warehouse blaze in Kelder",
            "Six fire rescue units were sent to the warehouse fire in Kelder on Monday.", 0),
        art("u2", "plains-gazette", "Second blaze in Kelder",
            "Two rescue units were sent to a second fire, at a flat in Kelder, on Monday.", 2),
    ]  # fmt: skip
    assert [a.title for a in alerts_for(nlp, fires) if "rescue" in a.title] == []
