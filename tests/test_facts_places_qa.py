"""What a QA pass over 170 Wikinews articles found in places, names and dates: namesakes taken though the text
says which place is meant (AP state abbreviations, a country named outright, US states, cities the world knows),
words that are no place stored as places, organisations and places tagged as people, titles glued to names,
and dates that look ahead or belong to 2001."""

from __future__ import annotations

from newsdesk.facts import extract_facts
from newsdesk.records import Article, Block, Facts, Place


def _facts(text: str, published: str = "2012-03-02") -> Facts:
    return extract_facts(Article(page_hash="q" * 16, blocks=[Block("p", text)], published=published))


def _places(text: str) -> dict[str, Place]:
    return {p.mentions[0][2]: p for p in _facts(text).places}


def _labels(text: str) -> dict[str, str]:
    return {e.name: e.label for e in _facts(text).entities}


def test_ap_state_abbreviations_qualify_a_town_and_are_the_state() -> None:
    places = _places("He was born in Avon, S.D., and later moved to Westminster, Md., where he died.")
    assert abs(places["Westminster"].lat - 39.58) < 0.1  # Westminster, Maryland, not Colorado
    assert (places["Avon"].country, places["Avon"].lat) == ("US", None)  # the gazetteer has no Avon in South Dakota
    assert (places["Md."].name, places["Md."].lat is not None) == ("Maryland", True)
    assert places["S.D."].name == "South Dakota"


def test_a_country_named_outright_beats_a_neighbours_state() -> None:
    text = ("Red Cross workers in the Bahamas archipelago off Florida's east coast opened shelters on the main island "
            "of New Providence. The storm was 185 miles east-southeast of Freeport on Grand Bahama island.")
    places = _places(text)
    assert {name: places[name].country for name in ("New Providence", "Freeport", "Grand Bahama")} == \
        {"New Providence": "BS", "Freeport": "BS", "Grand Bahama": "BS"}


def test_a_us_state_is_the_state_unless_its_qualifier_says_otherwise() -> None:
    places = _places("The shows were held in Las Vegas, Nevada, and in Branson, Missouri.")
    assert places["Nevada"].name == "Nevada" and places["Nevada"].lon < -110  # the state, not Nevada, Missouri


def test_a_city_the_world_knows_beats_its_obscure_namesakes() -> None:
    text = ("US and American officials met Afghan leaders in Kabul. The United States said aid would flow. "
            "Reporting by Stephanie Nebehay in Geneva.")
    assert _places(text)["Geneva"].country == "CH"
    assert _places("The blockade affects 1.5 million people in Gaza, an Israeli army spokeswoman said.")["Gaza"].country == "PS"
    text = "Britain and Sunderland fans cheered in Washington as both Washington and Paris said the talks would go on."
    assert _places(text)["Washington"].country == "US"


def test_a_kind_of_place_spelt_out_and_a_region_of_the_world() -> None:
    places = _places("Monks protested near Kirti Monastery in Aba County, Sichuan, and migrants crossed Central America.")
    assert places["Aba County"].country != "NG"
    assert places["Central America"].country is None


def test_words_that_are_no_place() -> None:
    text = ("The survey found how tolerant Brits are. During Lent, Xinhua reported that Hurricane Gilbert struck. "
            "Police Scotland said the Tsunami hit.")
    assert _places(text) == {}


def test_organisations_and_places_tagged_as_people() -> None:
    labels = _labels("Al Ahram reported it and Asharq al-Awsat said Ansar Dine had left. Al Gore spoke. Sinn Féin agreed. "
                     "Visitors came from Tamil Nadu and Burma.")
    assert [labels[n] for n in ("Al Ahram", "Asharq al-Awsat", "Ansar Dine", "Sinn Féin")] == ["ORG"] * 4
    assert labels["Al Gore"] == "PERSON"
    assert (labels["Tamil Nadu"], labels["Burma"]) == ("GPE", "GPE")


def test_a_job_word_is_no_part_of_a_name() -> None:
    labels = _labels("Driver Nachum Herzi was hurt. Principal Dawn Smith said the school would close.")
    assert "Nachum Herzi" in labels and "Dawn Smith" in labels


def test_dates_that_look_ahead_or_belong_to_2001() -> None:
    dates = {d.text: d.value for d in _facts("Obama has enough delegates to defeat Republican John McCain in November.",
                                             "2008-05-14").dates}
    assert dates["November"] == "2008-11"
    dates = {d.text: d.value for d in _facts("He spoke of the September 11 attacks at a memorial.", "2008-05-14").dates}
    assert dates["September 11"] == "2001-09-11"


def test_a_timelines_entries_without_a_year_take_the_year_of_the_entry_before() -> None:
    """QA: in a timeline published on 2011-11-18, "13 Nov: Aung San Suu Kyi freed" after "7 Nov 2010: First
    polls" was 2011-11-13, a year late; a date that opens no timeline entry still counts from the report."""
    from newsdesk.facts.dates import find_dates

    timeline = "Key dates\n7 Nov 2010: First polls in 20 years.\n13 Nov: Aung San Suu Kyi freed.\n30 Mar 2011: Sworn in."
    assert [(d.text, d.value) for d in find_dates(timeline, "2011-11-18")] == [
        ("7 Nov 2010", "2010-11-07"), ("13 Nov", "2010-11-13"), ("30 Mar 2011", "2011-03-30")]
    assert [d.value for d in find_dates("The vote was on 13 Nov: it passed.", "2011-11-18")] == ["2011-11-13"]
