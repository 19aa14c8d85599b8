"""Headlines and standfirsts: faithful to a cited sentence, short, and as good as measured on BBC."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from conftest import SAMPLES, SEED
from newsdesk.records import Article, Block
from newsdesk.stories.headlines import (
    HEADLINE_WORDS,
    member_centrality,
    split_sentences,
    story_headline,
    write,
    write_headline,
    write_standfirst,
)


def seed_article(title: str | None = None) -> Article:
    lines = SEED.read_text(encoding="utf-8").splitlines()[:32]
    body = [line for line in lines if line.strip() and not re.fullmatch(r"- .* -", line.strip())]
    return Article(page_hash="seed" * 4, blocks=[Block("p", line) for line in body], title=title)


def words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text.lower())


def lemma(word: str) -> str:
    from newsdesk.stories.headlines import _parser

    return _parser()(f"They {word}")[1].lemma_.lower()


def assert_faithful(written, article: Article) -> None:
    """Every headline word comes, in order, from the sentence the record cites: the extract is a
    sub-sequence of the sentence, and the headline is the extract word for word, a few re-inflected."""
    sentences = split_sentences(article.text)
    assert written.source == "generated"
    assert sentences[written.sentence_index] == written.sentence
    source_words = iter(words(written.sentence))
    assert all(any(w == s for s in source_words) for w in words(written.extract)), (written.extract, written.sentence)
    pairs = list(zip(words(written.text), words(written.extract)))
    assert len(words(written.text)) == len(words(written.extract)), (written.text, written.extract)
    changed = [(new, old) for new, old in pairs if new != old]
    assert all(new == "to" and old == "will" or lemma(new) == lemma(old) for new, old in changed), changed
    assert len(changed) <= 2
    assert 3 <= len(written.text.split()) <= 14


def test_split_sentences_handles_abbreviations_and_quotes():
    text = ('Mr. Smith met U.S. officials on Jan. 19 in Washington. "We agreed," he said. '
            "John F. Kennedy Airport was shut. It cost $1.5bn! Was it worth it? Officials say no.")
    assert split_sentences(text) == [
        "Mr. Smith met U.S. officials on Jan. 19 in Washington.",
        '"We agreed," he said.',
        "John F. Kennedy Airport was shut.",
        "It cost $1.5bn!",
        "Was it worth it?",
        "Officials say no.",
    ]
    assert split_sentences("Line one\nLine two.") == ["Line one", "Line two."]


def test_aleppo_headline_is_fluent_and_faithful():
    article = seed_article()
    headline, standfirst = write(article)
    assert_faithful(headline, article)
    assert headline.sentence_index == 0
    assert headline.text == "Syria's military scales back bombardment of rebels in Aleppo"
    assert headline.extract == "Syria's military scaling back bombardment of rebels in Aleppo"
    assert standfirst.source == "generated" and standfirst.text == standfirst.sentence
    assert "Aleppo" in standfirst.text


def test_titled_article_keeps_its_title_and_gets_a_standfirst():
    article = seed_article(title="Syria army scales back Aleppo bombardment")
    headline = write_headline(article)
    assert (headline.text, headline.source, headline.sentence_index) == (article.title, "publisher", None)
    standfirst = write_standfirst(article)
    assert standfirst.source == "generated"
    assert split_sentences(article.text)[standfirst.sentence_index] == standfirst.text
    article.standfirst = "The army says civilians can now leave."
    assert write_standfirst(article).source == "publisher"


def test_wikinews_headlines_are_faithful_and_short():
    with (SAMPLES / "wikinews.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line, _ in zip(fh, range(40))]
    for row in rows:
        article = Article(page_hash=row["id"] * 2, blocks=[Block("p", p) for p in row["text"].split("\n") if p.strip()])
        headline = write_headline(article)
        assert_faithful(headline, article)
        assert len(headline.text.split()) <= HEADLINE_WORDS + 1  # the "and" joining two kept conjuncts may be the 11th


def test_story_headline_comes_from_central_members_not_an_outlier():
    article = seed_article()
    outlier = ("Fashion week opens in Milan", "Designers showed spring collections in Milan on Wednesday. "
               "Models walked the runway as buyers from Paris and New York watched.")
    paragraphs = article.paragraphs
    members = [
        outlier,
        ("Syria scales back Aleppo bombardment", "\n".join(paragraphs[:8])),
        ("Syrian army reduces air strikes on Aleppo", "\n".join(paragraphs[2:12])),
        ("", "\n".join(paragraphs[:6])),
    ]
    headline, standfirst = story_headline(members)
    assert headline.member in (1, 2, 3)
    assert "Aleppo" in headline.text and "Milan" not in standfirst.text


def test_story_headline_is_the_headline_most_reports_agree_on():
    """The member most central by its text can carry a headline of its own angle (a live page, a column), and
    that headline named the story. Against Wikinews' own titles of 197 events (``bench story-headlines``),
    the headline most central among the members' headlines scores ROUGE-1 39.8 vs 36.6."""
    quake = ("A powerful earthquake struck central Italy early on Wednesday, killing at least 40 people in the "
             "mountain town of Amatrice, officials said.\nRescuers dug through rubble as aftershocks shook the region.")
    rescue = ("Rescuers searched the rubble of Amatrice after the earthquake in central Italy killed dozens of "
              "people.\nThe mayor said half of the town had been destroyed.")
    members = [
        ("Earthquake kills dozens in central Italy", quake),
        ("Italy earthquake: rescuers search rubble of Amatrice", rescue),
        ("Live: what we know so far", quake + "\n" + rescue),  # the most central text of the three
    ]
    assert int(np.argmax(member_centrality(members))) == 2
    headline, standfirst = story_headline(members)
    assert headline.member in (0, 1) and "earthquake" in headline.text.lower()
    assert standfirst.member == 2  # the standfirst still comes from the member most central by its text


def test_a_story_is_named_by_a_whole_headline_not_one_cut_short_or_a_bare_name():
    """A desk QA pass over two UCI days: a 290-item story was headlined "It's not all about chocolate eggs this
    Easter..." and a 35-item one "Neil Patrick Harris", while whole headlines of the story were at hand."""
    members = [
        ("Animal Welfare Activists Picket Liam Neeson's NYC Home Over Carriage Horse  ...", ""),
        ("Animal activists picket Liam Neeson's home over carriage horse ban", ""),
        ("Liam Neeson", ""),
    ]
    headline, _ = story_headline(members, np.array([0.9, 0.5, 0.8]))
    assert headline.text == "Animal activists picket Liam Neeson's home over carriage horse ban"
    # with no whole headline, the most central one still names the story
    assert story_headline(members[:1] + members[2:3], np.array([0.9, 0.8]))[0].member in (0, 1)


def test_compression_keeps_negation_and_whole_names():
    from newsdesk.stories.headlines import _salience, compress

    sentence = ("Arsenal boss Arsene Wenger says he has no plans to sign a new goalkeeper during the "
                "January transfer window.")
    headline = compress(sentence, HEADLINE_WORDS, _salience(sentence))
    assert "no plans" in headline and "Wenger" in headline and "January" not in headline
    sentence = "Bill Gates has opened the Consumer Electronics Show (CES) in Las Vegas, saying gadgets now talk."
    headline = compress(sentence, HEADLINE_WORDS, _salience(sentence))
    assert "Consumer Electronics Show" in headline and "CES" not in headline and "saying" not in headline
    assert "Vegas" not in headline or "Las Vegas" in headline


def test_compression_keeps_what_hedges_a_number_and_the_passive_of_found_dead():
    """Wikinews sample and BBC headlines that had lost meaning: "Least 37 people killed", "2,000 jobs" for
    "some 2,000 jobs", and "the model found dead" read as a past tense ("model finds dead")."""
    from newsdesk.stories.headlines import _salience, compress

    cases = [
        ("At least 37 people were killed after two suicide bombings struck the Data Durbar Complex, a Sufi shrine "
         "in Lahore.", "At least 37 people"),
        ("Microsoft will replace more than 14 million power cables for its Xbox consoles because of a fire risk.",
         "more than 14 million"),
        ("Up to 2,500 jobs are to go at insurance broker Marsh, the company has announced.", "Up to 2,500 jobs"),
        ("A memorial service was held Thursday for Adrienne Nicole Martin, the model found dead two weeks ago in "
         "the Missouri mansion of former Anheuser-Busch CEO August Busch IV.", "model found dead"),
    ]
    for sentence, phrase in cases:
        assert phrase in compress(sentence, HEADLINE_WORDS, _salience(sentence)), sentence
    sentence = "Police found the missing boy on Tuesday in a barn near the village."
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("Police find")


def test_a_headline_does_not_open_on_a_verb_that_lost_its_subject():
    from newsdesk.stories.headlines import _salience, compress

    sentence = "There is no chance of history repeating itself at Twickenham, according to England coach Andy Robinson."
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("There is no chance")  # was "Is no chance"


def test_a_ranking_word_stays_with_its_noun_and_a_number_subject_is_plural():
    """BBC headlines that had lost their sense: "German unemployment rises for month", "Australia raises interest
    rate to level", "Deaths in custody reach levels", "Four of England's representatives reaches ... for time",
    and "makes return to competitive" (an adjective whose noun was cut)."""
    from newsdesk.stories.headlines import _salience, compress

    cases = [
        ("German unemployment rose for the 11th consecutive month in December - making the year's average jobless "
         "total the highest since reunification.", "11th"),
        ("Australia is raising its benchmark interest rate to its highest level in four years despite signs of a "
         "slowdown in the country's economy.", "highest level"),
        ('Deaths in custody have reached "shocking" levels, a committee of MPs and peers has warned.', "shocking levels"),
    ]
    for sentence, phrase in cases:
        assert phrase in compress(sentence, HEADLINE_WORDS, _salience(sentence)), sentence
    sentence = "All four of England's Champions League representatives have reached the knockout stages for the first time."
    headline = compress(sentence, HEADLINE_WORDS, _salience(sentence))
    assert " reach " in headline and "for time" not in headline
    sentence = "Paula Radcliffe made a triumphant return to competitive running with victory in the New York Marathon."
    assert not compress(sentence, HEADLINE_WORDS, _salience(sentence)).endswith("competitive")
    sentence = "The US trade shortfall was $55.5bn in October, up from $51.6bn in September."
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("US trade shortfall $55.5bn")  # no "was"
    sentence = "Australian airline Qantas has posted a record fiscal first-half profit thanks to cost-cutting measures."
    article = sentence + " Qantas said profits rose thanks to cost cutting. Qantas shares rose 2% on the profit news."
    assert not compress(sentence, HEADLINE_WORDS, _salience(article)).endswith("thanks")


def test_a_negating_adverb_goes_with_its_verb():
    """Wikinews sample: "he will no longer serve as the host" had become "he to serve as host"; BBC: "Employers
    to be able to force workers to retire", the opposite of the article."""
    from newsdesk.stories.headlines import _salience, compress

    for sentence in ("Conan O'Brien announced in a statement that he will no longer serve as the host for NBC's The "
                     "Tonight Show.", "Employers will no longer be able to force workers to retire at 65, the "
                     "government has announced."):
        headline = compress(sentence, HEADLINE_WORDS, _salience(sentence))
        assert ("serve" not in headline and "able" not in headline) or "no longer" in headline, headline


def test_conjuncts_keep_their_joints_and_vague_counts_and_partitives_stay():
    """Wikinews sample: "Four people killed four wounded", "Iran Turkey emerge from talks", "State declared in
    Bahrain" (a state of emergency), "Car bomb Mexico kills people" (several people)."""
    from newsdesk.stories.headlines import _salience, compress

    cases = [
        ("Four people were killed and another four wounded in an early-morning shooting at a Buffalo, New York "
         "restaurant yesterday.", "killed and four wounded"),
        ("Iran, Turkey, and Brazil emerged with an agreement yesterday from talks regarding Iran's nuclear program.",
         "Iran, Turkey and Brazil"),
        ("A state of emergency was declared in Bahrain on Tuesday by King Hamad bin Isa Al Khalifa as protests in the "
         "country escalated further, leaving at least two dead.", "State of emergency"),
        ("A car bomb that exploded at about 20:00 MDT Thursday (01:00 Friday UTC) in a violent area of Ciudad Jurez, "
         "Mexico killed several people and injured more.", "several people"),
        ("More than 50 musicians held a concert and donated school tools to children.", "hold concert and donate"),
        ("Jean-Marie Dore has been sworn in as the prime minister of the Guinean transitional government.",
         "Jean-Marie Dore sworn in"),  # a verb's particle is kept at the end ("sworn", "heats", "to shut" had lost it)
        ("At least 113 people are dead and hundreds are missing after a landslide buried a village.",
         "hundreds missing"),  # not "hundreds miss"
        # two roles joined before a name were read as two people: "US columnist and James J. Kilpatrick die"
        ("US columnist and grammarian James J. Kilpatrick has died aged 89.", "James J. Kilpatrick dies"),
        ("Ian Baldwin, of the Max Planck Institute for Chemical Ecology in Jena, Germany, and colleagues have "
         "discovered a multi-step protective mechanism of tobacco plants against Manduca sexta caterpillars.",
         "and colleagues discover"),
    ]
    for sentence, phrase in cases:
        assert phrase in compress(sentence, HEADLINE_WORDS, _salience(sentence)), sentence


def test_misparsed_asides_prepositions_and_typos_do_not_garble_the_headline():
    """Wikinews sample: "School bus fourteen students crashes in Georgia" (an aside read as a second subject),
    "Hurricane Earl course to strike parts" ("on course", "parts of"), "selected to to host" (the source's
    typo), "State Scott Brown wins" (half a title)."""
    from newsdesk.stories.headlines import _salience, compress

    cases = [
        ("A school bus, with fourteen students from the Temple High School aboard, crashed in Georgia, United States, "
         "earlier today on Georgia State Route 113 going southbound, killing one student and leaving a dozen more "
         "injured.", "School bus crashes in Georgia"),
        ("Hurricane Earl, a large tropical cyclone in the Atlantic ocean, is currently on course to strike parts of the "
         "eastern United States, including the Outer Banks of North Carolina and Cape Cod, Massachusetts.",
         "Hurricane Earl to strike parts of United States"),
        ("Jamaica has been selected to to host the 2011 CONCACAF under-17 football championship.",
         "Jamaica selected to host"),
        ("A bomb exploded on Thursday morning in Londonderry, police said.", "Bomb explodes in Londonderry"),
        ("The Bank of England has decided to keep the interest rates for the United Kingdom at 0.5%.",
         "Bank of England decides"),  # a name stays whole: it had read "Bank decides to keep interest rates"
        ("Republican State Senator Scott Brown has won the Massachusetts United States Senate seat formerly held by "
         "the late Ted Kennedy in a major upset victory.", "Senator Scott Brown wins"),
    ]
    for sentence, phrase in cases:
        assert phrase in compress(sentence, HEADLINE_WORDS, _salience(sentence)), sentence


def test_a_verb_keeps_its_subject_and_its_object_keeps_its_rank():
    """Wikinews sample: "One placed under injunction" (LimeWire, named at the end of its description), "Uncovered
    plot by rebels" (the speaker stands for "they"), "Ali Dizaei becomes officer" (the most senior one)."""
    from newsdesk.stories.headlines import _salience, compress

    cases = [
        ("One of the world's largest distributors of Filesharing software, LimeWire, has been placed under permanent "
         "injunction by the US District Court in the Southern District of New York.", "LimeWire placed under"),
        ("Indonesian authorities said earlier today that they have uncovered a plot by rebels to assassinate several "
         "senior government officials.", "authorities uncover plot"),
        ("Commander Ali Dizaei of London's Metropolitan Police Service today became the most senior officer anywhere "
         "in the United Kingdom to be convicted of offences by a court.", "becomes most senior officer"),
    ]
    for sentence, phrase in cases:
        assert phrase in compress(sentence, HEADLINE_WORDS, _salience(sentence)), sentence
    sentence = ("According to a United Nations survey, more people in India, the second most populous country in the "
                "world, have access to mobile phones than to a proper toilet.")  # had lost its "more"
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("More people in India have access")
    sentence = "Some of Europe's airlines and airports have called the restrictions unnecessary."
    headline = compress(sentence, HEADLINE_WORDS, _salience(sentence))
    assert headline.startswith("Some of") and " call " in headline  # a plural verb: not "calls"
    sentence = "The Mayor of the London Borough of Camden, England, has been arrested on suspicion of benefit fraud."
    assert not compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("England")  # a place's country


def test_a_descriptor_before_a_name_goes_whole():
    """BBC: "Northern Ireland man James McIlroy" became "Man James McIlroy confident"."""
    from newsdesk.stories.headlines import _salience, compress

    sentence = ("Northern Ireland man James McIlroy is confident he can win his first major title at this weekend's "
                "Spar European Indoor Championships in Madrid.")
    article = sentence + (" The 28-year-old has been in great form in recent weeks. McIlroy said the man to beat "
                          "would be the Moroccan champion. \"I am in the shape of my life,\" McIlroy said.")
    assert compress(sentence, HEADLINE_WORDS, _salience(article)).startswith("James McIlroy")


def test_a_subject_described_then_named_is_called_by_its_shorter_name():
    """BBC: "The world's biggest tobacco consumer, China, has said it will not allow ..." had become the verbless
    "World's biggest tobacco consumer"."""
    from newsdesk.stories.headlines import _salience, compress

    sentence = "The world's biggest tobacco consumer, China, has said it will not allow any new tobacco factories to be built."
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("China will not allow")
    sentence = "The world's largest retailer, Wal-Mart, has agreed to pay $14.5m to settle a lawsuit."
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("Wal-Mart agrees")
    sentence = ("The UK's biggest brewer, Scottish and Newcastle (S&N), is to buy 37.5% of India's United Breweries in a "
                "deal worth 4.66bn rupees.")  # a name as long as the description: the description stays
    assert compress(sentence, HEADLINE_WORDS, _salience(sentence)).startswith("UK's biggest brewer")


def test_sentences_end_before_capitals_of_any_script_and_at_chinese_full_stops():
    """A QA pass: a sentence ended only before A-Z, so Russian, Greek and accented French openings ran on, and
    a Chinese article was one sentence (its standfirst was the whole body)."""
    assert split_sentences("Стороны начали переговоры. Стороны договорились.") == [
        "Стороны начали переговоры.", "Стороны договорились."]
    assert split_sentences("Le trafic est perturbé. À Paris, les métros sont arrêtés.")[1].startswith("À Paris")
    assert split_sentences("Η Βουλή ψήφισε. Ο πρωθυπουργός μίλησε.") == ["Η Βουλή ψήφισε.", "Ο πρωθυπουργός μίλησε."]
    assert split_sentences("国家统计局发布数据。居民收入增长了。") == ["国家统计局发布数据。", "居民收入增长了。"]
    assert split_sentences("Mr. Smith met U.S. officials on Jan. 19 in Washington.") == [
        "Mr. Smith met U.S. officials on Jan. 19 in Washington."]


def test_an_article_in_another_language_gets_its_lead_cut_not_compressed():
    """The English parse compressed a French lead into "Le gouvernement français mardi une hausse 5 %"."""
    text = ("Le gouvernement français a annoncé mardi une hausse de 5 % du budget de la défense pour l'année "
            "prochaine, a indiqué le ministre des Armées lors d'une conférence de presse à Paris.")
    french = Article(page_hash="fr" * 8, blocks=[Block("p", text)], language="fr")
    headline = write_headline(french)
    assert headline.text == "Le gouvernement français a annoncé mardi une hausse de 5 % du budget…"
    assert text.startswith(headline.extract) and headline.sentence_index == 0
    chinese = Article(page_hash="zh" * 8, blocks=[Block("p", "中国" * 100 + "。")], language="zh")
    assert len(write_headline(chinese).text) <= 101


# Measured on the 150 items ``load(path, 150)`` picks: headline ROUGE-1 33.0 (34.2 on the half the keep
# model was fitted on, 30.9 held out; Lead-1 cut 25.7), standfirst vs the first reference sentence 54.9
# on the held-out half (TextRank-1 52.2).
FLOOR_HEADLINE = 32.0
FLOOR_HEADLINE_HELD = 30.3
FLOOR_STANDFIRST_HELD = 52.0


@pytest.mark.slow
def test_bbc_rouge_floors(shared_data):
    from newsdesk.bench.summaries import evaluate, load

    path = shared_data / "summaries" / "bbc_news_summary.jsonl"
    if not path.is_file():
        pytest.skip("BBC summaries absent")
    results, _ = evaluate(load(path, 150))
    score = {(r["target"], r["method"], r["part"]): r["rouge1"] for r in results}
    assert score["headline", "newsdesk", "all"] >= FLOOR_HEADLINE
    assert score["headline", "newsdesk", "held"] >= FLOOR_HEADLINE_HELD
    assert score["standfirst", "newsdesk", "held"] >= FLOOR_STANDFIRST_HELD
    for peer in ("Lead-1", "TextRank-1", "newspaper4k-1"):
        assert score["standfirst", "newsdesk", "all"] > score["standfirst", peer, "all"]
    assert score["headline", "newsdesk", "all"] > score["headline", "Lead-1 cut", "all"]



def test_a_person_the_article_calls_by_surname_is_so_called_in_the_headline():
    """Headlines call people as the article does after the first mention: BBC titles use the surname alone for
    166 of 179 people whom their article so calls ("Blair rejects ..."); a title or a name the article never
    shortens stays whole."""
    with (SAMPLES / "wikinews.jsonl").open(encoding="utf-8") as fh:
        rows = {row["id"]: row for row in map(json.loads, fh)}

    def headline(row_id: str) -> str:
        article = Article(page_hash=row_id.ljust(16, "0"), blocks=[Block("p", p) for p in rows[row_id]["text"].split("\n")])
        written = write_headline(article)
        assert_faithful(written, article)
        return written.text

    assert headline("wikinews-60").startswith("Hawking concludes aliens")  # "Hawking says ..." later on
    assert "Graham Liggins" in headline("wikinews-335")  # "Sir Graham Liggins" is never "Sir Liggins"
    # BBC: when the surname alone leaves too short a headline, the full name stays ("Raskin dies" is two words)
    raskin = Article(page_hash="raskin".ljust(16, "0"), blocks=[Block("p", text) for text in (
        "Jef Raskin, head of the team behind the first Macintosh computer, has died.",
        "Mr Raskin was one of the first employees at Apple. Mr Raskin joined Apple in 1978 as employee number 31.")])
    assert write_headline(raskin).text == "Jef Raskin dies"
    # a film the parser takes for a person is not cut to the country in its title
    from newsdesk.stories.headlines import _salience, compress

    sentence = "Hotel Rwanda has been given a rapturous reception by spectators at the Berlin Film Festival."
    article = sentence + " The film is set in Rwanda. Rwanda's genocide left 800,000 dead, and Rwanda is still healing."
    assert "Hotel Rwanda" in compress(sentence, HEADLINE_WORDS, _salience(article), article)


def test_a_headline_keeps_the_words_its_words_lean_on():
    """Wikinews sample leads whose headlines read as fragments: a verb without its subject ("Will begin
    charging ..."), an existential without "there", a quantity without what it counts ("release all"), a
    participle without its agent ("Oil spill caused expands"), a multi-word preposition cut ("in light")."""
    from newsdesk.stories.headlines import _salience, compress

    def headline(sentence: str) -> str:
        return compress(sentence, HEADLINE_WORDS, _salience(sentence))

    spirit = headline("The United States air-carrier Spirit Airlines announced Tuesday that it will begin charging "
                      "up to US$45 in fees for carry on baggage.")
    assert "Spirit Airlines will begin" in spirit
    assert headline("According to local police chief Craig Van Breugel there were no injuries or loss of life to "
                    "animals or local residents in the recent fire in the rural Australian town of Toongabbie."
                    ).startswith("There were no injuries")
    assert headline("Israel plans to release all of the activists it arrested in its raid on ships traveling to the "
                    "Gaza Strip in an effort to provide aid sometime today.") == "Israel plans to release all of activists"
    assert "caused by sinking" in headline(
        "After an explosion aboard an oil rig four days ago, an oil spill caused by the sinking of the rig has "
        "expanded to cover an area of around 600 square miles (1550 square kilometers).")
    assert not headline("The Australian Defence Force could face a class-action lawsuit in light of recent allegations "
                        "of a male cadet broadcasting himself having sex with a female cadet.").endswith("in light")


def test_a_headline_keeps_names_tests_and_tenses_whole():
    """A desk QA pass over the bundled sample's headlines: a place a thing is named after was cut as if it were
    a person's title ("New York City's Ferry crashes"), a predicative adjective went ("Six students test for
    H1N1"), the country of a place was left alone ("Six students Philippines test"), and a perfect lost its
    "have" ("efforts to shut off leak been unsuccessful"). BBC headline ROUGE-1 unchanged (30.7)."""
    from newsdesk.stories.headlines import _salience, compress

    def headline(sentence: str) -> str:
        return compress(sentence, HEADLINE_WORDS, _salience(sentence))

    assert "Staten Island Ferry crashes" in headline(
        "According to the New York Police Department (NYPD), New York City's Staten Island Ferry has crashed into a "
        "passenger terminal, causing over 60 injuries.")
    students = headline("Six students in Ilocos Sur, Philippines tested positive for the H1N1 influenza virus.")
    assert "test positive for" in students and "students Philippines" not in students
    assert "Surfers outside US have been unable" in headline(
        "Surfers outside the US have been unable to visit the re-election site of President George W Bush.")


def test_sentences_end_in_scripts_without_capitals_and_before_spanish_questions():
    """A second QA pass: Korean and Hindi leads were one sentence (a Hindi standfirst was a paragraph), and a
    Spanish question ("¿Qué ...?") ran on from the sentence before it."""
    assert split_sentences("정부가 예산을 확정했다. 이는 올해보다 3.7% 늘었다.") == ["정부가 예산을 확정했다.", "이는 올해보다 3.7% 늘었다."]
    assert split_sentences("भारत ने सीरीज जीती। कप्तान ने कहा कि टीम अच्छी है।") == [
        "भारत ने सीरीज जीती।", "कप्तान ने कहा कि टीम अच्छी है।"]
    assert split_sentences("El ministro habló. ¿Qué pasará ahora?") == ["El ministro habló.", "¿Qué pasará ahora?"]


@pytest.mark.parametrize(("lead", "expected"), [
    # the demo's Wikinews sample read "Two games of round split round": the parser hung "16" on "games"
    ("Two games of round 16 of the Gippsland Football League split the round over the weekend.",
     "Two games of round 16 split round"),
    ("Malaysia Airlines Flight 370 disappeared on Saturday with 239 people on board.",
     "Malaysia Airlines Flight 370 disappears with 239 people on board"),
    ("On Sunday 12 people died in floods in the north of the country, officials said.",
     "12 people die in floods in north"),  # a number that counts the next noun stays with it
])
def test_a_number_that_names_its_noun_stays_with_it(lead: str, expected: str) -> None:
    article = Article(page_hash="n" * 40, blocks=[Block("p", lead + " More text follows here about the event.")])
    assert write_headline(article).text == expected


def test_bench_summaries_dumps_headlines_for_records_without_titles_and_reads_text_fields(tmp_path):
    """A held-out set of one-sentence summaries may carry no titles and no ids: the dump had no headlines then
    (they were written only where a title could score them) and a record without "id" failed."""
    from click.testing import CliRunner

    from newsdesk.bench.summaries import command

    path = tmp_path / "held.jsonl"
    path.write_text(
        json.dumps({"text": "The council approved the new harbour bridge on Tuesday. Work starts in the spring.",
                    "summary": "The council approved the new harbour bridge."}) + "\n"
        + json.dumps({"article": "Shares rose sharply on Monday after the bank said its profits had doubled. "
                                 "Analysts were surprised.", "summary": "Bank shares rose as profits doubled."}) + "\n")
    dump = tmp_path / "out.jsonl"
    result = CliRunner().invoke(command, [str(path), "--dump", str(dump), "--json"])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in dump.read_text().splitlines()]
    assert [row["id"] for row in written] == ["1", "2"]
    assert all(row["headline"] and row["standfirst"] for row in written)
    assert written[0]["standfirst"].startswith("The council approved the new harbour bridge")
    assert {json.loads(line)["target"] for line in result.output.splitlines()} == {"standfirst", "summary"}
    (tmp_path / "bad.jsonl").write_text('{"title": "no text"}\n')
    result = CliRunner().invoke(command, [str(tmp_path / "bad.jsonl")])
    assert result.exit_code == 1 and 'line 1: no article text' in result.output


@pytest.mark.slow
def test_story_headlines_say_what_the_story_is_better_than_any_one_member(shared_data):
    """Floors for ``bench story-headlines``: Wikinews' own event titles against story headlines and standfirsts
    written from each event's gold members (39.8 / 22.1 when pinned; a random member's title 32.6, the
    longest title 34.9, a random member's lead 19.7)."""
    from newsdesk.bench.story_headlines import evaluate, load_events

    path = shared_data / "stories" / "wikinews_event_clusters.jsonl"
    if not path.is_file():
        pytest.skip("Wikinews events absent")
    score = {(row["target"], row["method"]): row["R-1"] for row in evaluate(load_events(path))}
    assert score["headline", "newsdesk"] >= 38.5
    assert score["headline", "newsdesk"] > max(score["headline", "a member's title"], score["headline", "longest title"])
    assert score["standfirst", "newsdesk"] > score["standfirst", "a member's lead"]


def test_a_page_of_endless_sentences_gets_a_bounded_standfirst():
    """A QA pass: one 2.4 MB line of 60,000 sentences made TextRank ask for a 27 GB matrix and the ingest crash
    (and every later ingest into that store, which re-wrote the story); a page that never ends a sentence gave a
    two-million-character standfirst. The standfirst is sought among the first sentences and cut at a word."""
    from newsdesk.stories.headlines import STANDFIRST_CHARS, write_standfirst

    many = Article(page_hash="many" * 4, blocks=[Block("p", "Lorem ipsum dolor sit amet consectetur. " * 60_000)])
    written = write_standfirst(many)
    assert written.text == "Lorem ipsum dolor sit amet consectetur." and written.sentence_index < 200
    endless = Article(page_hash="endless" * 2, blocks=[Block("p", "word " * 400_000)])
    written = write_standfirst(endless)
    assert written.text.endswith("word…") and len(written.text) <= STANDFIRST_CHARS + 1
    assert written.sentence_index == 0


def test_a_one_sentence_brief_still_gets_a_headline():
    """A QA pass: a brief whose lead compressed to under three words ("The minister resigned on Monday.")
    got an empty headline, so the desk listed it untitled."""
    for text, expected in [("The minister resigned on Monday.", "Minister resigns"), ("Resigns.", "Resigns")]:
        written = write_headline(Article(page_hash="brief".ljust(16, "0"), blocks=[Block("p", text)]))
        assert written.text == expected and written.sentence == text


def test_a_standfirst_is_a_sentence_that_stands_alone():
    """A desk QA pass: standfirsts began inside a quotation ('Let It Snow" as the sixth ...'), or were a photo
    credit, a bullet or a link line; the best of the top few sentences that stands alone is taken instead."""
    from newsdesk.stories.headlines import stands_alone, standfirst_index

    for fragment in ['Let It Snow" as the sixth most frequently performed Christmas song.', "(AP Photo/File)",
                     "▶ About PSY from YG Ent.: http://smarturl.it/psy", "• There's no threat to drinking water",
                     "We're just happy with the start,\" he said.",
                     # a site's notices to its reader, in the Wikinews event set's source texts
                     "User comments or postings do not reflect the viewpoint of BLABBERMOUTH.NET and BLABBERMOUTH.NET "
                     "does not endorse, or guarantee the accuracy of, any user comment.",
                     "Click here to subscribe to Haaretz for only $1 for the first month",
                     "Copyright © 2005 NPR. All rights reserved."]:
        assert not stands_alone(fragment), fragment
    for sentence in ['She said: "The time has come for a ban on smoking in public places.',
                     "Facebook said the change to its privacy policy would let users comment on news stories.",
                     '"Mitt Romney just doesn\'t get it," Castro said.', 'The film "Let It Snow" opened.']:
        assert stands_alone(sentence), sentence
    sentences = ["(AP Photo/File)", "A giant crucifix built for Pope John Paul II collapsed on Monday, killing a man.",
                 "Officials said the statue had stood for years."]
    assert standfirst_index(sentences, "Giant crucifix collapses") == 1


def test_a_headline_keeps_a_numbers_hedge_and_no_repeated_word():
    """A desk QA pass over the sample's written headlines: "Many 140 people feared dead" (the lead said "As many
    as 140"), "Convicted serial killer sentenced to death death" (a second clause after a semicolon)."""
    from newsdesk.stories.headlines import compress_traced

    assert compress_traced("As many as 140 people are feared dead after a boat sank on the Kasai River, a "
                           "tributary of the Congo River.")[0].startswith("As many as 140 people")
    headline = compress_traced("A convicted serial killer has been sentenced to death by hanging in the African "
                               "country of Swaziland; his death will be the first execution in the country since 1983.")[0]
    assert "death death" not in headline and headline.endswith("sentenced to death")
