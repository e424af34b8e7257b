"""Fact identity on sentences written for these tests (invented places, people and events).

One group per false-alarm class of issue 15: a number and its conversion, different facts
with one unit, background figures, parts of a whole, figures that evolve, and the plain words
an alert uses to name a fact."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from claimwatch.models import Article, Claim, FactScope, FactTime, FigureCue
from claimwatch_extract.facts import _ent_text
from claimwatch_extract.pipeline import extract_batch

PUBLISHED = datetime(2026, 5, 14, 9, 30, tzinfo=UTC)


def numeric(nlp: Any, text: str, title: str | None = None) -> list[Claim]:
    art = Article(
        id="f", source="s", title=title, published_at=PUBLISHED, text=text, original_text=text
    )
    ((_, out),) = extract_batch(nlp, [art])
    return [c for c in out.claims if c.value is not None and c.fact is not None]


def by_low(claims: list[Claim]) -> dict[float | None, Claim]:
    return {c.value.low: c for c in claims if c.value is not None}


# ----------------------------------------------------------------- a number and its conversion


def test_a_bracketed_conversion_states_the_same_fact_with_a_covering_precision(nlp: Any) -> None:
    cs = numeric(nlp, "The ferry route crosses 40 kilometres (25 miles) of open water.")
    assert len({c.fact.key for c in cs if c.fact}) == 1
    km, miles = sorted(cs, key=lambda c: c.value.low if c.value and c.value.low else 0)[::-1]
    assert km.value and miles.value and km.precision and miles.precision
    assert abs(km.value.low - miles.value.low) <= min(km.precision, miles.precision)  # type: ignore[operator]


def test_precision_follows_the_last_stated_digit(nlp: Any) -> None:
    (mag,) = numeric(nlp, "The quake had a magnitude of 6.3, the agency said.")
    assert mag.precision == 0.05
    (depth,) = numeric(nlp, "It struck at a depth of 12 kilometres.")
    assert depth.precision == 0.5


# ----------------------------------------------------------------- different facts, one unit


def test_passengers_and_the_seriously_injured_are_different_facts(nlp: Any) -> None:
    text = (
        "The coach was carrying 48 passengers when it left the road, and three people were "
        "seriously injured."
    )
    facts = {c.value.low: c.fact.key for c in numeric(nlp, text) if c.value and c.fact}
    assert facts[48] != facts[3]
    assert "passenger" in facts[48] and "seriously" in facts[3]


def test_a_headline_s_second_count_takes_its_own_participle(nlp: Any) -> None:
    # "N dead, M injured in ...": the parser hangs "injured" on its number, whose head is the
    # first count's "dead"; M counts the injured, never the dead
    for headline, dead, hurt in (
        ("31 dead, 208 injured in Harbourtown ferry fire", 31, 208),
        ("7 killed, 45 wounded in depot blast", 7, 45),
    ):
        keys = {c.value.low: c.fact.key for c in numeric(nlp, headline) if c.value and c.fact}
        assert keys == {dead: "quantity:person:killed", hurt: "quantity:person:injured"}, keys


def test_a_count_left_injured_is_the_injured(nlp: Any) -> None:
    # "left about 130 injured", "leaving around 202 injured": the participle after the object
    # says what the object became, however the parser attaches it
    for text in (
        "The storm over the valley killed four people and left about 130 injured.",
        "The lorry ploughed into the market crowd, killing at least 12 people and leaving "
        "around 202 injured.",
    ):
        keys = sorted(c.fact.key for c in numeric(nlp, text) if c.fact)
        assert keys == ["quantity:person:injured", "quantity:person:killed"], (text, keys)


def test_a_relative_clause_with_its_own_subject_gives_the_frame(nlp: Any) -> None:
    # "the 40 sailors who remain in captivity": the relative clause says what the count is;
    # whoever is counted, a count of people held is of people (the noun stays a qualifier)
    for text, key in (
        ("The envoy hopes the deal will free the 40 sailors who remain in captivity.",
         "quantity:person:held"),
        ("The gang still holds 12 hostages in the hills.", "quantity:person:held|hostage"),
        ("The 12 miners who were rescued on Sunday are resting at the clinic.",
         "quantity:worker:rescued|miner"),
    ):  # fmt: skip
        keys = [c.fact.key for c in numeric(nlp, text) if c.fact]
        assert keys == [key], (text, keys)


def test_records_of_people_involved_in_a_leak_count_the_people_affected(nlp: Any) -> None:
    # "the records of about 4,000 patients were involved": whose data a breach touched; a
    # thing or a person involved in an event ("three cars were involved") is not
    for text, keys in (
        ("The clinic said the records of about 4,000 patients were involved in the leak.",
         ["quantity:patient:affected"]),
        ("The personal data of 2,300 account holders was involved, the lender said.",
         ["quantity:person:affected"]),
        ("Three cars were involved in the crash on the ring road.", ["quantity:vehicle"]),
        ("About 200 volunteers were involved in the search.", ["quantity:volunteer"]),
    ):  # fmt: skip
        assert [c.fact.key for c in numeric(nlp, text) if c.fact] == keys, text


def test_height_and_width_of_one_object_are_different_facts(nlp: Any) -> None:
    cs = by_low(numeric(nlp, "The new lock gate is 24 metres long and 9 metres wide."))
    assert cs[24].fact and cs[9].fact
    assert (cs[24].fact.counted, cs[9].fact.counted) == ("length", "width")


def test_a_speed_limit_is_not_a_top_speed(nlp: Any) -> None:
    text = (
        "The bend has a speed limit of 30 km/h, while the new trams can do a top speed of "
        "90 km/h on the straight."
    )
    cs = by_low(numeric(nlp, text))
    assert cs[30].fact and cs[90].fact
    assert (cs[30].fact.counted, cs[90].fact.counted) == ("speed_limit", "top_speed")


def test_a_limit_with_its_conversion_before_the_word_limit_is_still_a_limit(nlp: Any) -> None:
    text = "A 25mph (40km/h) speed limit applies on the harbour bridge where the van crashed."
    cs = numeric(nlp, text)
    assert cs and {c.fact.counted for c in cs if c.fact} == {"speed_limit"}


def test_a_speed_reached_next_to_a_limit_keeps_its_own_dimension(nlp: Any) -> None:
    cs = by_low(numeric(nlp, "The coach was doing 55 km/h in a 30 km/h limit zone."))
    assert cs[55].fact and cs[30].fact
    assert (cs[55].fact.counted, cs[30].fact.counted) == ("speed", "speed_limit")


def test_a_cap_and_a_limit_named_as_the_subject_are_limits(nlp: Any) -> None:
    capped = by_low(numeric(nlp, "Lorries on the mountain road are capped at 45 km/h."))[45]
    subject = by_low(numeric(nlp, "The speed limit near the school is 20 km/h."))[20]
    assert capped.fact and subject.fact
    assert capped.fact.counted == subject.fact.counted == "speed_limit"


def test_a_weight_limit_is_not_the_weight_of_the_lorry(nlp: Any) -> None:
    text = "The canal bridge has a weight limit of 10 tonnes, yet the lorry weighed 26 tonnes."
    cs = by_low(numeric(nlp, text))
    assert cs[10000].fact and cs[26000].fact
    assert (cs[10000].fact.counted, cs[26000].fact.counted) == ("weight_limit", "weight")
    assert cs[10000].fact.description == "weight limit"


def test_a_speed_at_the_end_of_a_sentence_keeps_its_unit(nlp: Any) -> None:
    c = by_low(numeric(nlp, "Witnesses said the tractor was going about 15 km/h."))
    assert [(k, v.fact.counted) for k, v in c.items() if v.fact] == [(13.5, "speed")]


def test_a_speed_written_before_a_noun_names_a_kind_of_thing(nlp: Any) -> None:
    pitch = by_low(numeric(nlp, "The closer struck him out with a 98-mph fastball."))
    train = by_low(numeric(nlp, "The new line will run 250 km/h trains to the port."))
    ran = by_low(numeric(nlp, "The lorry was doing 250 km/h when it left the road."))
    (p,), (t,), (r,) = pitch.values(), train.values(), ran.values()
    assert p.fact and p.fact.key == "measurement:speed:size:fastball"
    assert p.fact.description == "speed of the fastball"
    assert t.fact and t.fact.key == "measurement:speed:size:train"
    assert r.fact and r.fact.key == "measurement:speed"


def test_a_weight_written_before_a_noun_is_the_weight_of_that_thing(nlp: Any) -> None:
    lorry = by_low(numeric(nlp, "The driver steered a 38-ton refuse lorry onto the quay."))
    barge = by_low(numeric(nlp, "Divers reached the 120-tonne, rusting barge at dawn."))
    (lo,), (ba,) = lorry.values(), barge.values()
    assert lo.value and lo.value.low == 38000 and lo.value.unit == "kg"
    assert lo.fact and lo.fact.key == "measurement:weight:size:lorry"
    assert lo.fact.description == "weight of the lorry"
    assert ba.fact and ba.fact.key == "measurement:weight:size:barge"


def test_what_a_vehicle_carries_is_its_payload_not_any_weight(nlp: Any) -> None:
    """ "Payload" next to a weight names what a vehicle can carry; weighed things, and goods
    a port handled, stay weights."""
    lifted = numeric(nlp, "The launcher can lift a payload of 90,000 pounds to a low orbit.")
    dashed = numeric(nlp, "The payload -- 45,000 pounds in all -- was strapped into the bay.")
    named = numeric(nlp, "The freighter's payload of 45 tonnes was stowed in its hold.")
    weighed = numeric(nlp, "The bell weighed 13 tonnes when it was cast.")
    handled = numeric(nlp, "The harbour handled 3 million tonnes of cargo last year.")
    assert [(c.value.unit, c.fact.key) for c in lifted if c.value and c.fact] == [
        ("kg", "measurement:payload")
    ]
    assert [c.fact.key for c in dashed if c.fact] == ["measurement:payload"]
    assert [c.fact.key for c in named if c.fact] == ["measurement:payload"]
    assert named[0].fact and named[0].fact.description == "payload"
    assert [c.fact.key for c in weighed if c.fact] == ["measurement:weight"]
    assert [c.fact.key.split("|")[0] for c in handled if c.fact] == ["measurement:weight"]
    capped = numeric(nlp, "The treaty sets a payload limit of 500 kg for their rockets.")
    assert [c.fact.key for c in capped if c.fact] == ["measurement:payload_limit"]


def test_a_payload_beyond_low_orbit_is_a_figure_of_its_own(nlp: Any) -> None:
    """A launcher's payload to a high orbit or another world is another figure than its
    payload to low orbit: a spec list or one sentence gives both."""
    both = numeric(
        nlp,
        "The new booster can haul a payload of 21,500 kg to low orbit and a payload of "
        "7,900 kg to a geostationary transfer orbit.",
    )
    listed = numeric(nlp, "Payload to LEO: 41,000 kg. Payload to Mars: 12,500 kg.")
    assert [c.fact.key for c in both if c.fact] == [
        "measurement:payload",
        "measurement:payload|to geostationary orbit",
    ]
    assert [c.fact.key for c in listed if c.fact] == [
        "measurement:payload",
        "measurement:payload|to mars",
    ]


def test_a_gun_s_calibre_is_a_measurement_with_the_point_kept_or_lost(nlp: Any) -> None:
    texts = {
        "Detectives said the man fired a .38-caliber pistol twice.": (0.38, 0.005),
        "The suspect carried a. 357 calibre handgun, officers said.": (0.357, 0.0005),
        "A 22 caliber rifle was found in the car.": (0.22, 0.005),
    }
    for text, (bore, precision) in texts.items():
        (c,) = numeric(nlp, text)
        assert c.value and (c.value.low, c.value.unit) == (bore, "caliber"), text
        assert c.precision == precision, text
        assert c.fact and c.fact.key == "measurement:calibre", text


def test_a_named_faller_is_part_of_the_distance_fallen(nlp: Any) -> None:
    text = (
        "On Monday, 41-year-old Ana Ruiz died after slipping and falling 80 metres from a "
        "ledge. On Tuesday, a guide, Piet Vos, fell 300 metres. "
        "The man fell 20 metres."
    )
    cs = by_low(numeric(nlp, text))
    assert cs[80].fact and cs[80].fact.key == "measurement:fall:ana ruiz"
    assert cs[80].fact.description == "distance Ana Ruiz fell"
    assert cs[300].fact and cs[300].fact.key == "measurement:fall:piet vos"
    assert cs[20].fact and cs[20].fact.key == "measurement:fall"


def test_a_distance_fallen_is_a_level_not_a_change(nlp: Any) -> None:
    cs = numeric(nlp, "The caver fell 40 metres (131 feet) into a flooded shaft.")
    assert cs and all(c.value_kind == "level" for c in cs)
    assert {c.fact.key for c in cs if c.fact} == {"measurement:fall"}
    assert cs[0].fact and cs[0].fact.description == "distance fallen"


def test_where_a_thing_fell_is_a_distance_from_a_place(nlp: Any) -> None:
    text = "The rocket stage fell into the sea 900 km (560 miles) north of the atoll."
    cs = numeric(nlp, text)
    assert cs and {c.fact.counted for c in cs if c.fact} == {"distance"}


def test_a_level_that_fell_stays_a_change(nlp: Any) -> None:
    (c,) = numeric(nlp, "The lake fell 3 metres during the dry summer.")
    assert c.value_kind == "change" and c.direction == "down"


def test_the_value_a_figure_came_from_is_an_earlier_value(nlp: Any) -> None:
    cs = by_low(numeric(nlp, "Support for the levy fell to 21 percent from 35 percent."))
    assert cs[21].fact and cs[35].fact
    assert cs[21].fact.time == FactTime.CURRENT and cs[35].fact.time == FactTime.EARLIER


# ----------------------------------------------------------------- background and history


def test_a_when_clause_on_a_past_year_is_background(nlp: Any) -> None:
    text = (
        "Nine people were killed when the bus overturned on Tuesday. It was the deadliest "
        "crash on the pass since 1987, when 11 people died."
    )
    cs = by_low(numeric(nlp, text))
    assert cs[9].fact and cs[9].fact.time == FactTime.CURRENT
    assert cs[11].fact and cs[11].fact.time == FactTime.BACKGROUND and cs[11].fact.anchor


def test_an_earlier_event_of_another_year_is_background(nlp: Any) -> None:
    text = "The 2019 floods killed 40 people in the same valley."
    c = by_low(numeric(nlp, text))[40]
    assert c.fact and c.fact.time == FactTime.BACKGROUND and c.fact.anchor == "2019"


def test_an_event_in_another_month_is_background(nlp: Any) -> None:
    text = "Rescuers were also called to the November 3 landslide that killed 14 people."
    (c,) = numeric(nlp, text)
    assert c.fact and c.fact.time == FactTime.BACKGROUND


def test_the_event_a_period_began_with_is_background(nlp: Any) -> None:
    text = "Ever since the storm killed nine people on the coast, ferries have stayed in port."
    (c,) = numeric(nlp, text)
    assert c.fact and c.fact.time == FactTime.BACKGROUND


def test_a_separate_attack_is_not_the_story_s_event(nlp: Any) -> None:
    (c,) = numeric(nlp, "Two soldiers were killed in a separate attack near the border.")
    assert c.fact and c.fact.time == FactTime.BACKGROUND


# ----------------------------------------------------------------- part vs whole


def test_parts_of_a_count_are_parts(nlp: Any) -> None:
    cases = {
        "Twelve of the injured passengers were flown to the capital.": 12,
        "The blast killed six people and injured another 30.": 30,
        "At least 40 people were hurt, including four children.": 4,
    }
    for text, part in cases.items():
        cs = by_low(numeric(nlp, text))
        assert part in cs, text
        assert cs[part].fact and cs[part].fact.scope == FactScope.PART, text


def test_counts_joined_by_and_are_parts_but_two_facts_are_not(nlp: Any) -> None:
    text = "One Canadian and one Danish hiker have fallen to their deaths on the ridge."
    assert {c.fact.scope for c in numeric(nlp, text) if c.fact} == {FactScope.PART}
    cs = by_low(numeric(nlp, "Police said 12 people were killed and 30 were injured."))
    assert cs[12].fact and cs[12].fact.scope == FactScope.WHOLE


def test_counts_of_two_kinds_joined_by_and_are_each_whole(nlp: Any) -> None:
    text = "Six fire engines and three rescue units were at the depot by noon."
    cs = by_low(numeric(nlp, text))
    assert cs[3].fact and cs[3].fact.scope == FactScope.WHOLE
    assert cs[3].fact.key == "quantity:rescue_unit:deploy|at depot"
    for text in (
        "Two cars and three lorries were destroyed in the depot fire.",
        "Six guards and two cooks were killed in the depot fire.",
    ):
        assert {c.fact.scope for c in numeric(nlp, text) if c.fact} == {FactScope.PART}, text


def test_rescue_units_are_counted_as_sent_whatever_the_verb(nlp: Any) -> None:
    texts = [
        "Four rescue units were sent to the collapsed car park.",
        "Five fire rescue units carrying cutting gear were involved in the operation.",
        "The brigade said three rescue units were in attendance.",
    ]
    keys = [c.fact.key for t in texts for c in numeric(nlp, t) if c.fact]
    # the place they were sent to is kept (units at two fires are two facts); "the
    # operation" and "in attendance" name none
    assert keys == [
        "quantity:rescue_unit:deploy|at car park",
        "quantity:rescue_unit:deploy",
        "quantity:rescue_unit:deploy",
    ]


def test_others_beyond_another_fact_s_count_are_a_whole(nlp: Any) -> None:
    cases = {
        "Four people were killed and 23 others injured when the ferry hit the pier.": 23,
        "At least nine people died and 14 more were hurt in the rockfall.": 14,
        "Three people were killed, 11 others were wounded and two are missing.": 11,
    }
    for text, count in cases.items():
        cs = by_low(numeric(nlp, text))
        assert cs[count].fact is not None, text
        assert cs[count].fact.scope == FactScope.WHOLE, text
        assert cs[count].fact.key == "quantity:person:injured", text
    cs = by_low(numeric(nlp, "Two people died on Friday and three more died on Saturday."))
    assert cs[3].fact and cs[3].fact.scope == FactScope.PART
    text = "Three guards were killed at the gate and two others died in the fire."
    cs = by_low(numeric(nlp, text))  # another verb, the same frame: an increment
    assert cs[2].fact and cs[2].fact.scope == FactScope.PART


def test_a_count_narrowed_by_how_badly_is_the_seriously_hurt_not_all_hurt(nlp: Any) -> None:
    cases = {
        "Two people died and 37 were hurt, five of them critically, after the roof gave way.": (
            37,
            5,
        ),
        "The quarry blast wounded 52 people, 11 critically.": (52, 11),
        "The gas leak left 64 workers injured, six of whom remain in critical condition.": (
            64,
            6,
        ),
        "Eighteen spectators were hurt in the crush, three seriously.": (18, 3),
    }
    for text, (hurt, severe) in cases.items():
        cs = by_low(numeric(nlp, text))
        assert severe in cs, text
        fact = cs[severe].fact
        assert fact and fact.scope == FactScope.WHOLE, text
        assert ":injured|" in fact.key and "seriously" in fact.key, text
        assert cs[hurt].fact and "seriously" not in cs[hurt].fact.key, text
    # a share by role, not by how badly, stays a part of its count
    cs = by_low(numeric(nlp, "The storm hurt 41 people, seven of them firefighters."))
    assert 7 not in cs or (cs[7].fact and cs[7].fact.scope == FactScope.PART)
    cs = by_low(numeric(nlp, "Police detained 22 people, four of them minors."))
    assert cs[4].fact and cs[4].fact.scope == FactScope.PART


def test_the_whole_named_before_a_severity_share_keeps_no_severity(nlp: Any) -> None:
    cases = {
        "Of the 46 people hurt, nine remain in critical condition.": (46, 9),
        "Among the 33 injured, five are in serious condition.": (33, 5),
    }
    for text, (hurt, severe) in cases.items():
        cs = by_low(numeric(nlp, text))
        assert cs[hurt].fact and cs[hurt].fact.key == "quantity:person:injured", text
        assert cs[severe].fact and "seriously" in cs[severe].fact.key, text
        assert cs[severe].fact.scope == FactScope.WHOLE, text


def test_a_count_by_one_cause_is_a_part_of_the_toll(nlp: Any) -> None:
    cases = {
        "Eleven people died of smoke inhalation in the hostel fire.": 11,
        "Six guards were killed on Friday, two by friendly fire.": 2,
        "Three passengers later died from their injuries in hospital.": 3,
        "Two of the three guards killed by friendly fire were reservists.": 3,
    }
    for text, part in cases.items():
        cs = by_low(numeric(nlp, text))
        assert cs[part].fact and cs[part].fact.scope == FactScope.PART, text
    cs = by_low(numeric(nlp, "Six guards were killed on Friday, two by friendly fire."))
    assert cs[6].fact and cs[6].fact.scope == FactScope.WHOLE
    (c,) = numeric(nlp, "Nine people were killed by the gunfire outside the stadium.")
    assert c.fact and c.fact.scope == FactScope.WHOLE


def test_a_figure_of_one_of_several_events_is_a_part(nlp: Any) -> None:
    cases = [
        "One of the tremors, a 5.9-magnitude quake, shook the capital.",
        "One 5.9-magnitude tremor was felt on the neighbouring islands.",
    ]
    for text in cases:
        (c,) = numeric(nlp, text)
        assert c.fact and c.fact.scope == FactScope.PART, text
    for text in (
        "A 5.9-magnitude tremor was felt on the neighbouring islands.",
        "One of the strongest tremors in decades, a 7.1-magnitude quake, hit the coast.",
    ):
        (c,) = numeric(nlp, text)
        assert c.fact and c.fact.scope == FactScope.WHOLE, text


def test_two_magnitudes_joined_by_and_are_two_quakes(nlp: Any) -> None:
    texts = {
        "The island was shaken by 6.9 and 6.2 magnitude quakes before dawn on Monday.": 6.2,
        "Relief teams flew in after two tremors, measuring 6.9 and 6.4, hit the coast.": 6.4,
    }
    for text, weaker in texts.items():
        cs = by_low(numeric(nlp, text))
        main, other = cs[6.9], cs[weaker]
        assert main.fact and main.fact.key == "measurement:magnitude", text
        assert main.fact.scope == FactScope.WHOLE, text
        assert other.fact and other.fact.key == "measurement:magnitude|weaker", text
        assert other.fact.scope == FactScope.WHOLE, text
    (one,) = numeric(nlp, "The 6.9-magnitude quake and its aftershocks cut power.")
    assert one.fact and one.fact.key == "measurement:magnitude"


def test_a_count_in_one_district_town_or_camp_is_that_place_s_share(nlp: Any) -> None:
    cases = {
        "In the neighbouring Marlow district, eight people were killed.": 8,
        "Mortar fire on tents in the Halden refugee camp left three dead and 21 injured.": 21,
        "At least 14 homes were damaged in Tarsby, the main town of the district.": 14,
    }
    for text, part in cases.items():
        cs = by_low(numeric(nlp, text))
        assert cs[part].fact and cs[part].fact.scope == FactScope.PART, text
    for text in (
        "At least 30 people were killed in the quake in the northern province.",
        "The blast left seven dead and 40 injured.",
    ):
        cs = numeric(nlp, text)
        assert cs and all(c.fact and c.fact.scope == FactScope.WHOLE for c in cs), text


def test_a_named_hospital_s_count_is_a_part_of_the_injured(nlp: Any) -> None:
    text = "Saint Anne's Hospital said it was treating 17 people injured in the crash."
    (c,) = numeric(nlp, text)
    assert c.fact and c.fact.scope == FactScope.PART


def test_the_whole_of_which_others_are_among_stays_whole(nlp: Any) -> None:
    cs = by_low(numeric(nlp, "Two Canadians were among the 15 people killed in the crash."))
    assert cs[15].fact and cs[15].fact.scope == FactScope.WHOLE


def test_hospital_and_condition_wording_names_the_frame(nlp: Any) -> None:
    cases = {
        "Over 20 people were taken to hospital.": "quantity:person:hospitalised",
        "Nine people were rushed to hospital with burns.": "quantity:person:hospitalised",
        "Five people have serious injuries, the ambulance service said.": (
            "quantity:person:injured|seriously"
        ),
        "Three people remain in critical condition.": "quantity:person:injured|seriously",
    }
    for text, key in cases.items():
        (c,) = numeric(nlp, text)
        assert c.fact and c.fact.key == key, text


def test_a_tally_of_damage_is_narrowed_by_the_noun_in_front(nlp: Any) -> None:
    (a,) = numeric(nlp, "Officials said 90 government office buildings were destroyed.")
    (b,) = numeric(nlp, "About 400 homes were destroyed by the flood.")
    assert a.fact and a.fact.key == "quantity:building:destroyed|government,office"
    assert a.fact.description.startswith("government office buildings")
    assert b.fact and b.fact.key == "quantity:building:destroyed"


def test_buildings_toppled_are_destroyed(nlp: Any) -> None:
    (toppled,) = numeric(nlp, "The storm toppled 60 homes along the river, officials said.")
    assert toppled.fact and toppled.fact.key == "quantity:building:destroyed"


def test_things_damaged_or_destroyed_bound_the_destroyed(nlp: Any) -> None:
    for text in (
        "Roughly 90 houses were badly damaged or toppled when the gale hit.",
        "Some 90 houses were destroyed or damaged by the gale, the council said.",
    ):
        (either,) = numeric(nlp, text)
        assert either.fact and either.fact.key == "quantity:building:destroyed", text
        assert either.value and either.value.low is None and either.value.high, text
        assert 90 <= either.value.high < 100, text
    cs = by_low(numeric(nlp, "The gale damaged 90 houses and destroyed 12 homes."))
    assert cs[90].fact and cs[90].fact.key == "quantity:building:damaged"


def test_customers_and_consumers_are_counted_as_people(nlp: Any) -> None:
    (a,) = numeric(nlp, "The lender said 12 million customers may have been affected.")
    (b,) = numeric(nlp, "A later filing said 12.4 million people were affected.")
    assert a.fact and b.fact and a.fact.key == b.fact.key == "quantity:person:affected"


def test_munitions_fired_or_dropped_are_one_frame_and_staff_fired_are_not(nlp: Any) -> None:
    (bombs,) = numeric(nlp, "Six bombs were dropped near the clinic, aid workers said.")
    (rockets,) = numeric(nlp, "Militants fired 14 rockets at the border town overnight.")
    assert bombs.fact and bombs.fact.key == "quantity:bomb:launched"
    assert bombs.fact.question == "how many bombs were fired or dropped"
    assert rockets.fact and rockets.fact.key == "quantity:missile:launched"
    (staff,) = numeric(nlp, "The airline fired 40 pilots last week.")
    (out,) = numeric(nlp, "Two candidates dropped out of the race.")
    assert staff.fact and "launched" not in staff.fact.key
    assert out.fact and "launched" not in out.fact.key


def test_munitions_that_hit_or_landed_are_one_frame(nlp: Any) -> None:
    (hit,) = numeric(nlp, "Two artillery shells hit the depot on Sunday, the army said.")
    (landed,) = numeric(nlp, "Three artillery shells landed at dawn, a guard said.")
    assert hit.fact and landed.fact and hit.fact.key == landed.fact.key
    assert hit.fact.key.endswith(":struck")


def test_munitions_that_fell_inside_a_place_are_that_places_count(nlp: Any) -> None:
    (fell,) = numeric(nlp, "Three shells fell in the garrison.")
    (inside,) = numeric(nlp, "Two of the shells fell inside the harbour, the mayor said.")
    (within,) = numeric(nlp, "Officials said that one shell fell within the harbour.")
    assert fell.fact and fell.fact.key == "quantity:shell:struck|inside garrison"
    assert inside.fact and within.fact and inside.fact.key == within.fact.key
    assert inside.fact.key == "quantity:shell:struck|inside harbour"
    assert inside.fact.scope == FactScope.WHOLE  # all of those in the harbour
    assert within.value is not None and within.value.low == 1
    assert inside.fact.question == "how many shells hit inside the harbour"


def test_munitions_that_fell_elsewhere_are_not_those_inside(nlp: Any) -> None:
    (out,) = numeric(nlp, "Four shells fell outside the harbour overnight.")
    (near,) = numeric(nlp, "Five shells landed near the ferry terminal.")
    (on,) = numeric(nlp, "Six shells fell on the town.")
    (night,) = numeric(nlp, "Seven shells fell in the night.")
    keys = {c.fact.key for c in (out, near, on, night) if c.fact}
    assert "quantity:shell:struck|outside harbour" in keys
    assert "quantity:shell:struck|outside terminal" in keys
    assert "quantity:shell:struck|on town" in keys
    assert "quantity:shell:struck" in keys  # a time is not a place
    assert not any("inside" in k for k in keys)


def test_that_before_one_opens_a_clause_or_points(nlp: Any) -> None:
    (told,) = numeric(nlp, "Medics said that one shell struck the clinic roof.")
    assert told.value is not None and told.value.low == 1
    assert numeric(nlp, "That one shell struck the clinic roof.") == []


def test_who_fired_a_munition_does_not_narrow_its_count(nlp: Any) -> None:
    (named,) = numeric(nlp, "Two Ruritanian tank shells struck the depot at dawn.")
    (plain,) = numeric(nlp, "Three shells struck the depot at dawn, a guard said.")
    assert named.fact and plain.fact and named.fact.key == plain.fact.key
    assert named.fact.key == "quantity:shell:struck"
    assert named.fact.question == "how many shells hit"
    (people,) = numeric(nlp, "Four Ruritanian engineers were killed at the depot.")
    assert people.fact and "Ruritanian" in people.fact.qualifiers


def test_shells_and_rockets_are_different_munitions(nlp: Any) -> None:
    (shells,) = numeric(nlp, "Four mortar shells landed in the square overnight.")
    (rockets,) = numeric(nlp, "Four rockets landed in the square overnight.")
    assert shells.fact and rockets.fact and shells.fact.key != rockets.fact.key


def test_shot_n_times_counts_the_bullets_that_hit(nlp: Any) -> None:
    (times,) = numeric(nlp, "The courier was shot four times outside the depot on Sunday.")
    (bullets,) = numeric(nlp, "Four bullets hit the courier outside the depot, police said.")
    assert times.fact and bullets.fact and times.fact.key == bullets.fact.key
    assert times.fact.key == "quantity:bullet:struck"
    assert times.value and times.value.low == 4
    assert times.fact.question == "how many bullets hit"


def test_counts_that_say_where_each_munition_fell_are_parts(nlp: Any) -> None:
    text = (
        "One rocket hit the clinic, another rocket hit the bakery and two others hit the "
        "football pitch."
    )
    scopes = {c.value.low: c.fact.scope for c in numeric(nlp, text) if c.value and c.fact}
    assert scopes[1] == scopes[2] == FactScope.PART
    (whole,) = [
        c
        for c in numeric(
            nlp, "Six rockets were fired at dawn: two hit the port, the other four fell short."
        )
        if c.value and c.value.low == 6
    ]
    assert whole.fact and whole.fact.scope == FactScope.WHOLE
    text = "At least six people were killed, 90 others injured and 40 homes and other sheds hit."
    assert all(c.fact and c.fact.scope == FactScope.WHOLE for c in numeric(nlp, text))


def test_a_gun_loaded_with_bullets_is_no_hit(nlp: Any) -> None:
    (loaded,) = numeric(nlp, "The pistol found near the depot was loaded with six bullets.")
    assert loaded.fact and not loaded.fact.key.endswith(":struck")


def test_people_sheltering_in_a_place_are_not_the_displaced_tally(nlp: Any) -> None:
    (inside,) = numeric(nlp, "Some 600 people were sheltering in the gym when the roof fell in.")
    (refuge,) = numeric(nlp, "The gym, where 450 people had taken refuge, was hit at noon.")
    (fled,) = numeric(nlp, "Around 12,000 people fled their homes after the dam burst.")
    assert inside.fact and refuge.fact and fled.fact
    assert inside.fact.key == refuge.fact.key == "quantity:person:sheltering"
    assert fled.fact.frame == "displaced"


def test_people_sent_to_monitor_a_vote_are_observers(nlp: Any) -> None:
    (experts,) = numeric(nlp, "The regional bloc sent six experts to monitor the ballot.")
    (observers,) = numeric(nlp, "The regional bloc has sent nine observers to the ballot.")
    assert experts.fact and observers.fact
    assert experts.fact.key == observers.fact.key == "quantity:observer:commit"


def test_captives_still_held_are_their_own_frame(nlp: Any) -> None:
    (held,) = numeric(nlp, "The rebels are still holding 31 hostages captive in the hills.")
    (remain,) = numeric(nlp, "Some 31 hostages remain captive, the mediator said.")
    assert held.fact and remain.fact and held.fact.key == remain.fact.key
    assert held.fact.frame == "held"


def test_counts_that_joined_or_were_received_have_a_frame(nlp: Any) -> None:
    (joined,) = numeric(nlp, "About 400 residents joined the march to the town hall.")
    (got,) = numeric(nlp, "The council received 1,200 letters about the new bypass.")
    assert joined.fact and joined.fact.frame == "participate"
    assert got.fact and got.fact.frame == "received"


def test_a_parent_of_n_counts_children_not_parents(nlp: Any) -> None:
    (a,) = numeric(nlp, "A father of five was killed when the scaffold gave way.")
    (b,) = numeric(nlp, "The victim, the father of six children, worked at the yard.")
    assert a.fact and b.fact and a.fact.key == b.fact.key == "quantity:child:parent_of"
    assert a.fact.question == "how many children the parent has"


def test_a_past_temblor_is_background(nlp: Any) -> None:
    text = "The coast has had many quakes since a 8.7 temblor in 2009 caused a tsunami."
    (c,) = numeric(nlp, text)
    assert c.fact and c.fact.time == FactTime.BACKGROUND


# ----------------------------------------------------------------- figures that have not happened


def test_a_threatened_or_conditional_figure_is_unrealised(nlp: Any) -> None:
    cases = [
        "The militia threatened to fire six rockets at the depot.",
        "Forecasters said the cyclone could kill up to 80 people if it strikes the delta.",
        "If the levee fails, about 9,000 residents will be displaced.",
        "The device would have killed 150 people had it gone off.",
    ]
    for text in cases:
        cs = numeric(nlp, text)
        assert cs, text
        assert all(c.fact and c.fact.time == FactTime.UNREALISED for c in cs), text


def test_a_guess_about_what_happened_and_a_reported_plan_are_this_event_s(nlp: Any) -> None:
    cases = [
        "As many as 60 people may have died in the landslide, the governor said.",
        "The carmaker said it would cut 900 jobs at the plant.",
        "Officials said 14 people had been killed.",
        "Had the wall held, we would not have 240 flooded homes in the valley.",
    ]
    for text in cases:
        cs = numeric(nlp, text)
        assert cs, text
        assert all(c.fact and c.fact.time == FactTime.CURRENT for c in cs), text


# ----------------------------------------------------------------- figures that evolve


def test_wording_that_says_a_figure_moves_is_kept(nlp: Any) -> None:
    cases = {
        "The death toll rose to 41 on Sunday.": FigureCue.RISE,
        "So far, 19 people have been confirmed dead.": FigureCue.SO_FAR,
        "Officials initially said nine people had died.": FigureCue.INITIAL,
    }
    for text, cue in cases.items():
        (c,) = numeric(nlp, text)
        assert c.fact and c.fact.cue == cue, text
    (first,) = numeric(nlp, "Officials initially said nine people had died.")
    assert first.fact and first.fact.time == FactTime.EARLIER


def test_a_previous_level_is_an_earlier_value_not_todays(nlp: Any) -> None:
    """ "previously 15%" next to today's 30%: the old level never contradicts the new one."""
    cs = by_low(numeric(nlp, "The levy, previously 15%, was raised to 30%."))
    assert cs[15].fact and cs[15].fact.time == FactTime.EARLIER
    assert cs[30].fact and cs[30].fact.time == FactTime.CURRENT
    cs = by_low(numeric(nlp, "The club formerly had 120 members; it now has 95 members."))
    assert cs[120].fact and cs[120].fact.time == FactTime.EARLIER
    assert cs[95].fact and cs[95].fact.time == FactTime.CURRENT


def test_falling_people_are_not_a_falling_figure(nlp: Any) -> None:
    (c,) = numeric(nlp, "Two climbers have fallen to their deaths on the glacier.")
    assert c.fact and c.fact.cue is None


def test_a_comparison_with_another_estimate_is_not_a_revision(nlp: Any) -> None:
    text = "A second agency put the magnitude at 6.4, lower than the initial estimate."
    (c,) = numeric(nlp, text)
    assert c.fact and c.fact.cue is None and c.fact.time == FactTime.CURRENT


# ----------------------------------------------------------------- headline and plain words


def test_the_headline_s_number_is_its_own_claim_and_marked_as_such(nlp: Any) -> None:
    title = "Tram crash: six dead after carriage overturns"
    text = f"{title}\n\nAt least eight people died when a tram overturned on Monday."
    cs = by_low(numeric(nlp, text, title=title))
    assert cs[6].fact and cs[6].fact.headline
    assert cs[8].fact and not cs[8].fact.headline
    assert cs[6].fact.key == cs[8].fact.key == "quantity:person:killed"


def test_a_fact_reads_in_plain_words(nlp: Any) -> None:
    (c,) = numeric(nlp, "Eleven people were killed in the tram crash on Monday.")
    assert c.fact is not None
    assert c.fact.description == "people killed in the tram crash"
    assert c.fact.question == "how many people were killed in the tram crash"
    (m,) = numeric(nlp, "The quake had a magnitude of 6.3.")
    assert m.fact and m.fact.question == "the magnitude of the quake"


def test_a_tokens_entity_text_is_read_from_its_tags_as_from_the_entity_list(nlp: Any) -> None:
    doc = nlp(
        "On March 3, 2024 the New Marrow Harbour Authority said 40 boats left Port Sevran "
        "before Tuesday evening."
    )
    assert len(doc.ents) >= 3
    for tok in doc:
        ent = next((e for e in doc.ents if e.start <= tok.i < e.end), None)
        assert _ent_text(tok) == (ent.text if ent is not None else tok.text)


def test_people_a_named_body_sends_are_keyed_by_the_body(nlp: Any) -> None:
    """Observers sent by two bodies are two facts; one body spelled out or by its initials
    is one."""
    (spelled,) = numeric(nlp, "The Council of Baltic Harbour States sent nine observers.")
    (initials,) = numeric(nlp, "The CBHS sent 14 observers to monitor the ballot.")
    (other,) = numeric(nlp, "The Nordic Electoral Forum sent six observers to the vote.")
    assert spelled.fact and initials.fact and other.fact
    assert spelled.fact.key == initials.fact.key == "quantity:observer:commit|by CBHS"
    assert other.fact.key == "quantity:observer:commit|by NEF"
    (unnamed,) = numeric(nlp, "Nine observers were sent to watch the ballot.")
    assert unnamed.fact and unnamed.fact.key == "quantity:observer:commit"
