"""Places and dates: the qualifier of "City, State", story context against a famous city, and the tense,
year and clock readings of dates; and what a humanitarian monitor's QA pass found: nationalities and
attributive countries taken for where people died, namesakes folded together, big places the model
mislabelled, a place word opening a person's name, and days counted from the UTC publication time."""

from __future__ import annotations

from collections import Counter

from newsdesk.facts import extract_facts, publication_date
from newsdesk.facts.dates import find_dates
from newsdesk.facts.places import resolve
from newsdesk.records import Article, Block, Facts


def _places(text: str) -> dict[str, tuple[str | None, float | None]]:
    facts = extract_facts(Article(page_hash="p" * 16, blocks=[Block("p", text)], published="2016-10-06"))
    return {p.mentions[0][2]: (p.country, p.lat) for p in facts.places}


def _values(text: str, published: str = "2016-10-06") -> dict[str, str | None]:
    return {d.text: d.value for d in find_dates(text, published)}


def test_a_named_state_or_province_picks_the_town_in_it() -> None:
    places = _places("A tornado killed two people in Paris, Texas, on Tuesday, the Lamar County sheriff said.")
    country, lat = places["Paris"]
    assert country == "US" and abs(lat - 33.66) < 0.1  # Paris, Texas, not France nor Paris, Illinois
    assert places["Lamar County"] == ("US", None)  # not Lamar, Colorado: the county lies in Texas
    assert _places("Storms killed three people in Birmingham, Alabama, on Monday.")["Birmingham"][0] == "US"
    assert _places("Police in Londonderry, Northern Ireland, arrested two men.")["Londonderry"][0] == "GB"
    assert _places("A fire in London, Ontario, killed a woman on Sunday.")["London"][0] == "CA"


def test_story_context_does_not_move_a_famous_city() -> None:
    text = ("Assange was arrested in London on Thursday. US prosecutors charged him, American officials said, and the US "
            "wants him extradited.")
    assert _places(text)["London"][0] == "GB"  # not London, Ohio
    text = "A crane collapse at the Grand Mosque in Mecca killed 111 people, officials in Riyadh said."
    assert _places(text)["Mecca"][0] == "SA"  # Makkah, not Mecca, California
    # the story's country still lifts a small town over a middling namesake abroad: Retiro, Chile, not Madrid's
    assert resolve("Retiro", Counter({"CL": 3})).country == "CL"
    assert resolve("London", Counter({"US": 3})).country == "GB"


def test_a_weekday_takes_the_tense_of_its_own_verb() -> None:
    values = find_dates("The talks will resume on Monday, officials said, after a strike on Monday killed 8 people.", "2016-10-06")
    assert [d.value for d in values] == ["2016-10-10", "2016-10-03"]
    values = _values("Officials will hold a funeral on Friday for the 12 people killed in Tuesday's bombing.")
    assert values == {"Friday": "2016-10-07", "Tuesday": "2016-10-04"}


def test_named_months_across_the_year_boundary() -> None:
    assert _values("The president will step down in January, aides said.", "2016-12-30")["January"] == "2017-01"
    assert _values("The rebels had held the town since July.", "2016-12-30")["since July"] == "2016-07"
    assert _values("The target was missed by last September, officials said.")["by last September"] == "2016-09"
    assert _values("The deal was signed last October.")["last October"] == "2015-10"


def test_clock_times_are_not_years() -> None:
    assert _values("The police said 40 people had been arrested at 2030 GMT on Wednesday.") == {"Wednesday": "2016-10-05"}
    text = "The train crashed at around 0200 local time Monday (2030 UTC on Sunday)."
    assert _values(text) == {"Monday": "2016-10-03", "Sunday": "2016-10-02"}
    # the model's DATE span on a clock time is dropped too
    start = text.index("0200")
    assert [d.text for d in find_dates(text, "2016-10-06", [(start, start + 4)])] == ["Monday", "Sunday"]
    assert _values("The war began in 2011 and by 2015 had killed 250,000.")["by 2015"] == "2015"


def _facts(text: str, published: str = "2024-02-20", dateline: str | None = None) -> Facts:
    return extract_facts(Article(page_hash="h" * 16, blocks=[Block("p", p) for p in text.split("\n\n")], published=published,
                                 dateline=dateline))


def _figure_places(facts: Facts) -> list[str | None]:
    return [figure.place for figure in facts.figures]


def test_a_nationality_or_a_country_qualifying_who_acted_is_not_where() -> None:
    """QA: "Ukrainian officials said" made "Ukrainian" a figure's place; "three US drone strikes" gave every
    figure of a Pakistani story the United States, and North Waziristan the US for a country."""
    facts = _facts("Missile strikes on Kharkiv and Kyiv killed 14 civilians on Monday, Ukrainian officials said.")
    assert {p.name: p.country for p in facts.places} == {"Kharkiv": "UA", "Kyiv": "UA"}
    assert _figure_places(facts) == ["Kharkiv"]
    facts = _facts("Pakistani officials have stated that three US drone strikes have killed fifteen people in the country "
                   "Saturday. The attacks occurred to the north of Miranshah town in the North Waziristan region.")
    assert "US" not in {p.country for p in facts.places}
    assert _figure_places(facts) == ["North Waziristan"]
    # a country where something happened stays a place
    assert _places("In Syria, government forces killed 20 people on Monday, activists said.")["Syria"][0] == "SY"
    assert _places("The Nepal earthquake killed more than 8,000 people.")["Nepal"][0] == "NP"


def test_a_place_in_its_own_right_is_not_folded_into_a_name_built_on_it() -> None:
    """QA: "its Paris hub" folded into "Paris Saint-Germain", which found no coordinates and took Libya's
    country from "Tripoli" nearby; "Sudan" is no more "South Sudan"."""
    places = _places("Air France said on Monday it would cut 500 jobs at its Paris hub. Its service to Tripoli will be "
                     "suspended from July 1. In a football match on Sunday, Paris Saint-Germain beat Lyon 3-1.")
    country, lat = places["Paris"]
    assert country == "FR" and abs(lat - 48.85) < 0.1
    assert places["Paris Saint-Germain"][0] == "FR"
    places = _places("Refugees fled from Sudan into South Sudan after fighting in Darfur.")
    assert (places["Sudan"][0], places["South Sudan"][0]) == ("SD", "SS")
    # a name that only adds the kind of place is still the same place
    assert [p.name for p in _facts("Shelling hit Aleppo province. In Aleppo, two died.").places] == ["Aleppo"]


def test_a_written_qualifier_picks_the_namesake_for_its_own_mention() -> None:
    """QA: "In Tripoli, Lebanon, ..." and "In Libya, fighting in Tripoli ..." made one Tripoli, in Libya."""
    facts = _facts("Flash floods killed seven people in Tbilisi. In Tripoli, Lebanon, clashes killed three people last "
                   "Tuesday. In Libya, fighting in Tripoli killed 11 people earlier this month.")
    tripolis = sorted((p.country, len(p.mentions)) for p in facts.places if p.name == "Tripoli")
    assert tripolis == [("LB", 1), ("LY", 1)]


def test_a_place_word_opening_a_person_name_is_no_place() -> None:
    """QA (Wikinews): the gunman "Wellington Menezes Olivera" became Wellington, New Zealand."""
    text = ("Twelve people died in a shooting at a school in Rio de Janeiro. Ten people were injured in the attack by a "
            "man identified as Wellington Menezes Olivera, a former student.")
    assert list(_places(text)) == ["Rio de Janeiro"]
    assert _places("The Mayor of Boston Tom Menino said the city would help.")["Boston"][0] == "US"


def test_big_places_the_model_mislabels_or_misses_are_places() -> None:
    """QA: "Rakhine" tagged an organisation and "Sittwe" missed; "Khan Younis" resolved only by itself, as
    Rafah, with an Egyptian namesake, told the story no country."""
    places = _places("Cyclone Mocha killed 145 people in Rakhine state, Myanmar, state media said, with most deaths "
                     "around Sittwe.")
    assert (places["Rakhine"][0], places["Sittwe"][0]) == ("MM", "MM")
    places = _places("An Israeli air strike on a house in Rafah killed 11 people. Another strike in Khan Younis killed 14.")
    country, lat = places["Khan Younis"]
    assert country == "PS" and lat is not None


def test_relative_days_count_from_the_datelines_day() -> None:
    """QA: published 2024-01-06T01:30Z under "GAZA, Jan 5", "yesterday" was taken for Jan 5."""
    article = Article(page_hash="d" * 16, blocks=[Block("p", "An air strike killed 11 members of one family yesterday, "
                                                             "the ministry said on Friday.")],
                      published="2024-01-06T01:30:00Z", dateline="GAZA, Jan 5 (Wire)")
    assert publication_date(article) == "2024-01-05"
    assert {d.text: d.value for d in extract_facts(article).dates} == {"yesterday": "2024-01-04", "Friday": "2024-01-05"}
    # a dateline's day far from the publication is no anchor, and a UTC time on the same day changes nothing
    assert publication_date(Article(page_hash="e" * 16, published="2024-03-20", dateline="KYIV, Jan 5")) == "2024-03-20"
    assert publication_date(Article(page_hash="f" * 16, published="2024-01-05T09:00:00Z", dateline="GAZA, Jan 5")) \
        == "2024-01-05T09:00:00Z"
