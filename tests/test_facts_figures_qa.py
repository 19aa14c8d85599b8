"""A QA pass over 170 Wikinews articles (294 figures): numbers that count no casualties, tolls of different events
merged, figures placed and dated by the wrong words, wrong categories, subsets and runaway sources."""

from __future__ import annotations

import hashlib

from newsdesk.facts import extract_facts, reconcile_figures
from newsdesk.facts.quantities import parse_quantity
from newsdesk.records import Article, Block, Facts, Figure


def _figures_of(*paragraphs: str, published: str | None = "2016-10-06") -> list[Figure]:
    digest = hashlib.sha1("\n".join(paragraphs).encode()).hexdigest()
    article = Article(page_hash=digest, blocks=[Block("p", text) for text in paragraphs], published=published)
    return extract_facts(article).figures


def _story(*texts: str, published: str | None = "2024-09-02") -> list[tuple[Article, Facts]]:
    """One report per text, all on ``published`` (or undated)."""
    articles = [Article(page_hash=f"{n}" * 40, published=published, site="w.example", blocks=[Block("p", text)])
                for n, text in enumerate(texts)]
    return [(article, extract_facts(article)) for article in articles]


def test_markers_addresses_units_and_clock_times_are_no_counts() -> None:
    for text in ["23] Mrs Buck received a phone call from police the day before he died.",
                 "He was taken to HMP Barlinnie, 81 Lee Avenue, where he died.",
                 "The first two areas were of little significance to the inquiry into Mr Buck's death.",
                 'A spokeswoman said: "We received a report around 2.10am that the body of a 22 year-old man was found."',
                 "Sapper Adam Moralee from 32 Engineer Regiment, who died on Monday, was buried.",
                 "Jean McConville, a 37-year-old widow and mother-of-10, was abducted in 1972."]:
        assert _figures_of(text) == [], text


def test_magnitudes_and_rates_are_no_counts() -> None:
    assert _figures_of("Thailand had some 38.1 road deaths per 100,000 people in 2010.") == []
    quake = _figures_of("The 6.3 magnitude earthquake near Yogyakarta left thousands more injured.")
    assert [(f.category, f.text) for f in quake] == [("injured", "thousands")]


def test_people_spared_are_no_casualties() -> None:
    assert [f.low for f in _figures_of("The teacher was hurt, but five escaped injury.")] == []
    assert _figures_of("Vollmer, her 19 students and the adult helpers in her classroom were not injured.") == []


def test_the_accused_and_a_punishment_are_no_victims() -> None:
    assert _figures_of("Two prisoners will stand trial for the killing.") == []
    assert _figures_of("He was sentenced to five years' jail and five strokes of the cane.") == []


def test_a_stray_space_in_a_thousands_separator_is_one_number() -> None:
    assert parse_quantity("at least 4, 600") == (4600, None, ">=")
    figures = _figures_of("An earthquake rocked Java early Saturday, killing at least 4, 600 people, officials said.")
    assert [(f.text, f.low) for f in figures] == [("at least 4, 600", 4600)]


def test_a_report_giving_two_places_one_count_keeps_them_apart_in_the_story() -> None:
    roundup = ("A drone killed 13 people in northwest Pakistan. In New York, a gunman killed 13 people at an "
               "immigration center.")
    groups = reconcile_figures(_story(roundup, roundup))
    assert sorted(g["place"] for g in groups) == ["New York", "Pakistan"]


def test_a_figure_of_another_time_or_a_yearly_tally_is_not_the_events_toll() -> None:
    groups = reconcile_figures(_story(
        "A bus crash in northern Thailand killed 15 people.",
        "At least 20 people were killed in October when a tour bus fell into a ravine. Last year more than 8,600 "
        "people died in accidents on Thai roads.", published=None))
    assert sorted(g["latest"]["low"] for g in groups) == [15, 20, 8600]


def test_a_cause_a_source_a_storm_and_a_likeness_are_not_where_people_died() -> None:
    mob = _figures_of("An Afghan mob apparently angry over a Quran burning in Florida set upon a United Nations compound "
                      "in Mazar-i-Sharif Friday, killing as many as 20 employees.")
    assert [f.place for f in mob] == ["Mazar"]
    officials = _figures_of("Angry crowds stormed the compound in Mazar-i-Sharif.",
                            "U.N. officials in New York said that as many as 20 U.N. staff may have been killed.")
    assert [f.place for f in officials] == ["Mazar"]
    gilbert = _figures_of("The eye of a hurricane has not crossed Jamaica since Hurricane Gilbert in 1988. Almost 50 people "
                          'were killed by that storm near where Gilbert made landfall, looking "like Hiroshima".')
    assert [f.place for f in gilbert] == ["Jamaica"]


def test_a_list_items_figure_takes_its_own_year_and_place() -> None:
    figures = _figures_of("DEADLY RECENT QUAKES 2005 Muzaffarabad, Kashmir - kills more than 73,000 2004 Asian tsunami, "
                          "triggered by undersea quake - kills at least 200,000 2003 Bam, Iran - kills 26,271 2001 Gujarat, "
                          "India - kills more than 20,000")
    assert [(f.low, f.time, f.victims) for f in figures] == [
        (73000, "2005", None), (200000, "2004", None), (26271, "2003", None), (20000, "2001", None)]
    assert [f.place for f in figures][2:] == ["Iran", "India"]


def test_a_figure_is_dated_by_its_own_clause_not_a_record_it_beats() -> None:
    attacks = _figures_of("The largest attacks on U.N. compounds are a 2007 bomb in Algiers that killed 17 U.N. staff, and "
                          "a 2003 attack on the Baghdad hotel, which killed at least 22 people.")
    assert [(f.low, f.time) for f in attacks] == [(17, "2007"), (22, "2003")]
    prisons = _figures_of("In 2013, there were four alleged homicides – the highest number since 1998 – and 70 apparently "
                          "self-inflicted deaths, more than at any time since 2008.")
    assert [(f.low, f.time) for f in prisons] == [(4, "2013"), (70, "2013")]


def test_dead_hostages_the_missing_and_the_homeless_keep_their_category() -> None:
    assert [f.category for f in _figures_of("The raid led to the death of at least 37 hostages.")] == ["killed"]
    assert [f.category for f in _figures_of("Insurgents executed at least two European hostages.")] == ["killed"]
    assert [f.category for f in _figures_of("Gunmen seized 12 hostages at the bank.")] == ["kidnapped"]
    boat = _figures_of("MANILA At least 23 people drowned and 26 were missing after a motorboat capsized off the northern "
                       "Philippines, officials said on Monday.")
    assert [(f.category, f.low) for f in boat] == [("killed", 23), ("missing", 26)]
    homes = _figures_of("The earthquake left thousands more injured and as many as 200,000 without homes.")
    assert [(f.category, f.high) for f in homes] == [("injured", None), ("displaced", 200000)]


def test_a_part_of_the_dead_and_one_persons_death_are_no_tolls() -> None:
    dead = _figures_of("At least 20 U.N. staff were killed.",
                       "An Afghan police spokesman said two of the U.N. dead were beheaded.")
    assert [(f.low, f.subgroups) for f in dead] == [(20, ["two of the U.N. dead were beheaded"])]
    assert _figures_of("When one such interviewee, Brendan Hughes died in 2008, the tapes were released.") == []


def test_a_source_ends_at_a_dash_and_an_asides_source_is_its_own() -> None:
    text = ("Hundreds of protesters were injured during Saturday's demonstrations where about 18,000 people -- 100,000 "
            "according to organizers -- participated in the largest gathering since June 10.")
    assert [(f.text, f.attributed_to) for f in _figures_of(text)] == [("Hundreds", None)]
    assert [f.attributed_to for f in _figures_of("At least 15 people were killed, according to Al-Shabaab -- a rival "
                                                 "group said more.")] == ["Al-Shabaab"]
