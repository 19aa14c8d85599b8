"""Places and dates: the qualifier of "City, State", story context against a famous city, and the tense,
year and clock readings of dates."""

from __future__ import annotations

from collections import Counter

from newsdesk.facts import extract_facts
from newsdesk.facts.dates import find_dates
from newsdesk.facts.places import resolve
from newsdesk.records import Article, Block


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
