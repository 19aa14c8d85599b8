"""Story grouping: seed teasers, mixed inputs, the time window, saved state, B-cubed, quality floors."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path

import pytest

from newsdesk.bench.bcubed import bcubed
from newsdesk.bench.stories import (
    EVENTS_PATH,
    UCI_PATH,
    load_events,
    load_uci,
    shared_data,
)
from newsdesk.stories.embeddings import TABLE, shipped
from newsdesk.stories.grouping import GroupItem, StoryGrouper
from newsdesk.stories.vectors import url_words

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds" / "000_6b898fdfccc18085.txt"


def seed_teasers() -> list[tuple[str, str]]:
    """The seed's 20 (headline, standfirst) pairs: they follow the AFP byline, date and caption lines."""
    if not SEED.is_file():
        pytest.skip("seed page absent")
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = lines.index("AFP") + 3  # byline, date, caption
    body = lines[start : start + 40]
    return [(body[2 * n], body[2 * n + 1]) for n in range(20)]


@pytest.mark.parametrize("embeddings", ["static", "minilm"])
def test_seed_truce_teasers_form_one_story_alone(embeddings: str) -> None:
    if embeddings == "minilm":
        pytest.importorskip("sentence_transformers", reason="the embeddings extra is not installed")
    pairs = seed_teasers()
    truce = [n for n, (headline, _) in enumerate(pairs) if "Hezbollah" in headline]
    assert len(truce) == 2
    for with_standfirst in (True, False):
        items = [GroupItem(f"t{n}", h, s if with_standfirst else "") for n, (h, s) in enumerate(pairs)]
        stories = StoryGrouper(embeddings=embeddings).group(items)
        truce_story = stories[f"t{truce[0]}"]
        assert stories[f"t{truce[1]}"] == truce_story
        assert [item.id for item in items if stories[item.id] == truce_story] == [f"t{n}" for n in truce]
        # the other 18 are 18 different stories, even in a fresh grouper with no history to learn
        # which words are common (two Trump teasers, two Malaysian investment teasers are not one story)
        assert len(set(stories.values())) == 19, sorted(stories.items())


def test_items_given_again_get_their_stories_back_and_change_nothing() -> None:
    """A library user's QA pass: 600 headlines grouped twice by one grouper (a replayed stream) came back as 60
    ids, the slice held 1,200 members for 600 items, and 60 items changed story."""
    pairs = seed_teasers()
    items = [GroupItem(f"t{n}", h, s, f"2024-11-26T{n % 10:02d}:00:00Z") for n, (h, s) in enumerate(pairs)]
    grouper = StoryGrouper()
    first = grouper.group(items)
    assert grouper.group(items) == first and grouper.group(items + items[:3]) == first
    assert len(grouper.held) == len(items)


def test_mix_of_full_articles_and_headlines() -> None:
    quake = (
        "A magnitude 7.1 earthquake struck off the coast of Hokkaido, Japan, on Tuesday, the Japan Meteorological "
        "Agency said. Tsunami warnings were issued for the Hokkaido coast and residents of Kushiro were told to "
        "move to higher ground. The Hokkaido quake shook buildings in Sapporo. No damage to the Tomari nuclear plant "
        "was reported, its operator said, and bullet train services in Hokkaido were halted while engineers checked "
        "the tracks. A tsunami of 40 centimetres reached Kushiro port an hour after the earthquake."
    )
    budget = (
        "The Danish parliament passed the 2025 budget on Thursday after finance minister Nicolai Wammen won "
        "support from the Social Democrats and Venstre. The Danish budget raises defence spending and cuts the "
        "tax on pensions, Wammen told parliament in Copenhagen. The opposition Liberal Alliance voted against the "
        "budget, saying the Danish government had broken its promise on income tax. The 2025 budget takes effect "
        "on January 1 and includes a new fund for the Danish health service."
    )
    when = "2024-12-03T10:00:00+00:00"
    items = [
        GroupItem("a1", "Strong earthquake hits Hokkaido, tsunami warning issued", quake, when, "a.com"),
        GroupItem("a2", "Danish parliament passes 2025 budget", budget, when, "b.com"),
        GroupItem("t1", "Hokkaido earthquake: tsunami warning for Kushiro coast", "", when, "c.com"),
        GroupItem("t2", "Magnitude 7.1 quake strikes off Hokkaido, Japan", "", when, "d.com"),
        GroupItem("t3", "Wammen's 2025 budget passes Danish parliament", "", when, "e.com"),
    ]
    stories = StoryGrouper().group(items)
    assert stories["a1"] == stories["t1"] == stories["t2"]
    assert stories["a2"] == stories["t3"]
    assert stories["a1"] != stories["a2"]


def test_article_story_outlives_the_headline_window() -> None:
    """Full articles of one event come days apart: their story stays open for ``long_window_hours``."""
    text = (
        "Voters in Freedonia went to the polls on Sunday in a presidential election that pits the incumbent, "
        "Rufus Firefly, against the opposition leader Ambassador Trentino of Sylvania-backed party. Turnout in "
        "the capital was high, the Freedonia electoral commission said, and polling stations stayed open late. "
    )
    grouper = StoryGrouper(window_hours=24)
    first = grouper.add(GroupItem("a1", "Freedonia votes in presidential election", text * 2, _day(1)))
    later = text.replace("went to the polls on Sunday", "learnt the result on Wednesday")
    # 72 hours of quiet: past the headline window, inside the article window.
    assert grouper.add(GroupItem("a2", "Firefly wins Freedonia presidential election", later * 2, _day(4))) == first
    assert grouper.add(GroupItem("t1", "Freedonia votes: Firefly and Trentino", "", _day(9))) != first


def test_a_cut_headline_joins_its_story_by_the_words_of_its_link() -> None:
    """A feed's headline may be cut before it says anything (a real UCI row); its link's slug says the rest."""
    when = "2014-03-10T00:00:00+00:00"
    cut = GroupItem("cut", "At 0630 AEDT on Monday, the local unit was trading at 90.37 US cents. Source  ...", "", when,
                    "www.news.com.au", "http://www.news.com.au/finance/markets/"
                    "australian-dollar-lower-as-ukraine-tensions-increase/story-fn6t6wad-1226849881969")
    others = [GroupItem("a1", "Australian dollar falls as Ukraine tensions rise", "", when, "a.com"),
              GroupItem("a2", "Aussie dollar lower on Ukraine tensions", "", when, "b.com"),
              GroupItem("f", "Fed official says weak data caused by weather", "", when, "c.com"),
              GroupItem("c", "Chiquita to merge with Fyffes", "", when, "d.com")]
    stories = StoryGrouper().group([cut, *others])
    assert stories["cut"] == stories["a1"] == stories["a2"]
    assert len({stories["cut"], stories["f"], stories["c"]}) == 3
    without_links = StoryGrouper(url_weight=0.0).group([cut, *others])
    assert without_links["cut"] != without_links["a1"]  # the link is what joined it


def test_headlines_that_share_only_a_date_are_not_one_story() -> None:
    """A desk QA pass over two UCI days: "Company News for April 21, 2014" and other headlines that shared
    only a date were one story (calendar words and numbers made their words and their word vectors alike)."""
    when = "2014-04-21T00:00:00+00:00"
    items = [GroupItem(f"d{n}", title, "", when, f"site{n}.com") for n, title in enumerate([
        "Company News for April 21, 2014", "Annual Drug Take-Back Day is scheduled for April 26",
        "IU baseball vs Michigan State; Sunday, April 20, 2014", "Weekend Movie Preview: April 18, 2014"])]
    assert len(set(StoryGrouper().group(items).values())) == 4


def test_short_briefs_under_a_sections_label_are_not_one_story() -> None:
    """A QA pass: a local site's briefs all titled "News" (or "Latest news") were one story, as a short item's
    sentence vector was its headline alone, identical for all of them; they are five stories, and two briefs of
    one event under that label still share theirs."""
    texts = [
        "The city council approved a new budget for road repairs on Tuesday, with most of the money for the east side.",
        "A local bakery won a regional prize for its sourdough bread, the owners said, thanking their loyal customers.",
        "Police are looking for a man who stole a bicycle from outside the public library on Main Street last night.",
        "The high school football team beat its rivals 21-14 in a close game on Friday evening in front of 3,000 fans.",
        "Heavy snow is expected this weekend, and the weather service urged drivers to stay off the roads if possible."]
    for label in ("News", "Latest news"):
        items = [GroupItem(f"b{n}", label, text, "2024-03-05T10:00:00Z", "local.example") for n, text in enumerate(texts)]
        assert len(set(StoryGrouper().group(items).values())) == 5
    snow = [GroupItem("s1", "News", texts[4], "2024-03-05T10:00:00Z", "local.example"),
            GroupItem("s2", "News", "The weather service warned of heavy snow this weekend and urged drivers to stay off "
                                    "the roads.", "2024-03-05T11:00:00Z", "local.example")]
    assert len(set(StoryGrouper().group(snow).values())) == 1


def test_url_words_read_the_slug_not_ids_dates_or_file_paths() -> None:
    assert url_words("http://www.thestar.com/business/2014/03/10/american_airlines_jetblue_end_reciprocal_"
                     "frequentflier_deal.html") == ["american", "airline", "jetblue", "end", "reciprocal",
                                                     "frequentflier", "deal"]
    assert url_words("http://consumergoods.edgl.com/news/Chiquita-to-Merge-with-Fyffes91587") == [
        "chiquita", "to", "merge", "with", "fyffe"]
    assert url_words("http://ca.reuters.com/article/technologyNews/idCABREA290WU20140310") == []
    assert url_words("/home/me/scrapes/aleppo-afp-with-teasers.txt") == []  # a file's name is not a slug


def _day(day: int, hour: int = 9) -> str:
    """ISO time ``hour`` hours after midnight of 2024-03-``day`` (hours past 23 roll over)."""
    return (datetime(2024, 3, day, tzinfo=UTC) + timedelta(hours=hour)).isoformat()


def test_story_stays_open_while_fed_and_closes_after_quiet_window() -> None:
    grouper = StoryGrouper(window_hours=24)
    first = grouper.add(GroupItem("1", "Volcano erupts in Iceland near Grindavik", published=_day(1)))
    # 20 hours apart each time: the story is never quiet for a full window, so it runs for days.
    assert grouper.add(GroupItem("2", "Iceland volcano eruption: Grindavik evacuated", published=_day(1, 9 + 20))) == first
    assert grouper.add(GroupItem("3", "Grindavik volcano eruption in Iceland continues", published=_day(2, 9 + 16))) == first
    assert grouper.add(GroupItem("4", "Iceland volcano near Grindavik erupts again", published=_day(3, 9 + 12))) == first
    # Three quiet days later the same words open a new story.
    assert grouper.add(GroupItem("5", "Volcano erupts near Grindavik in Iceland", published=_day(7))) != first
    assert first not in grouper.stories


def test_close_before_bounds_memory() -> None:
    grouper = StoryGrouper(window_hours=24)
    for day in range(1, 11):
        grouper.add(GroupItem(f"{day}", f"Unrelated event number {day} in town{day}", published=_day(day)))
    assert len(grouper.stories) == 1  # each day's story closes when the next day arrives
    assert grouper.close_before(_day(20)) and not grouper.stories


def test_state_round_trips_through_json() -> None:
    grouper = StoryGrouper(window_hours=48, short_threshold=0.12)
    story = grouper.add(GroupItem("1", "Central bank raises interest rates to curb inflation", published=_day(1)))
    grouper.add(GroupItem("2", "Football club sacks manager after defeat", published=_day(1)))
    state = json.loads(json.dumps(grouper.to_state()))
    state["params"]["long_attach_threshold"] = 0.3  # retired since: a store saved before must still load
    restored = StoryGrouper.from_state(state)
    assert restored.window_hours == 48 and restored.params["short_threshold"] == 0.12
    assert set(restored.stories) == set(grouper.stories)
    follow_up = GroupItem("3", "Central bank interest rates rise as inflation bites", published=_day(1, 15))
    assert restored.add(follow_up) == story
    new = restored.add(GroupItem("4", "Storm floods coastal villages", published=_day(1, 16)))
    assert new not in {story} and new not in grouper.stories  # ids keep counting after a restore


def test_static_embeddings_place_paraphrases_together() -> None:
    table = shipped()
    assert table is not None, f"missing {TABLE}"
    assert len(table.piece_ids("Hezbollah")) == 1  # a whole word piece, as MiniLM's tokeniser has it
    assert table.piece_ids("Grindavík") == table.piece_ids("grindavik")  # uncased, accents stripped
    vectors = table.embed(["Apple buys Beats for $3 billion", "Apple acquires headphone maker Beats",
                           "Strong earthquake hits Japan", "Magnitude 7 quake strikes Hokkaido", "!!!"])
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.5 and similarity[2, 3] > 0.5  # no shared word but "Apple"/"Beats", none at all
    assert max(similarity[0, 2], similarity[0, 3], similarity[1, 3]) < 0.2
    assert not vectors[4].any()  # nothing known: no direction, so it matches nothing


def test_grouping_without_the_table_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing table (a trimmed install) falls back to TF-IDF alone instead of failing."""
    monkeypatch.setattr("newsdesk.stories.grouping.embeddings_for", lambda kind: None)
    items = [GroupItem("1", "Volcano erupts in Iceland near Grindavik", published=_day(1)),
             GroupItem("2", "Iceland volcano eruption: Grindavik evacuated", published=_day(1)),
             GroupItem("3", "Central bank raises interest rates", published=_day(1))]
    stories = StoryGrouper().group(items)
    assert stories["1"] == stories["2"] != stories["3"]


def test_bcubed_on_a_hand_example() -> None:
    gold = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y"}
    predicted = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "2"}
    scores = bcubed(predicted, gold)
    # precision: a,b 1; c 1/3; d,e 2/3 -> (2 + 1/3 + 4/3) / 5; recall: a,b 2/3; c 1/3; d,e 1 -> (4/3 + 1/3 + 2) / 5
    assert scores["precision"] == pytest.approx((2 + 1 / 3 + 4 / 3) / 5)
    assert scores["recall"] == pytest.approx((4 / 3 + 1 / 3 + 2) / 5)
    assert scores["clusters"] == 2 and scores["gold_clusters"] == 2
    assert bcubed(gold, gold)["f1"] == 1.0
    singletons = bcubed({k: k for k in gold}, gold)
    assert singletons["precision"] == 1.0 and singletons["recall"] == pytest.approx((3 * 1 / 3 + 2 * 1 / 2) / 5)


def _data(relative: str) -> Path:
    path = shared_data() / relative
    if not path.is_file():
        pytest.skip(f"shared data absent: {path}")
    return path


@pytest.mark.slow
def test_uci_quality_floor_on_first_days() -> None:
    dataset = load_uci(_data(UCI_PATH), limit=12_000)  # the first days in time order
    scores = bcubed(StoryGrouper().group(dataset.items), dataset.gold)
    assert scores["f1"] >= UCI_FLOOR, scores


@pytest.mark.slow
def test_a_day_arriving_in_runs_ends_in_the_stories_of_the_day_at_once() -> None:
    """A live desk gets a day in many feed polls; the slice's items are re-clustered each run, so the
    day's stories come out as if the day had arrived whole (its items stamped with the day alone)."""
    dataset = load_uci(_data(UCI_PATH), limit=2000)
    first_day = min(item.published for item in dataset.items)
    spread = random.Random(0)
    day = [item for item in dataset.items if item.published == first_day]  # stamped with the day alone
    at_once = StoryGrouper().group(day)
    items = sorted((replace(item, published=(datetime.fromisoformat(item.published)
                                             + timedelta(minutes=spread.randrange(1440))).isoformat())
                    for item in day), key=lambda item: item.published)
    grouper, in_runs = StoryGrouper(), {}
    for hour in range(0, 24, 3):
        in_runs.update(grouper.group(i for i in items if hour <= datetime.fromisoformat(i.published).hour < hour + 3))
    gold = {item.id: dataset.gold[item.id] for item in day}
    assert len(items) > 1000 and bcubed(in_runs, at_once)["f1"] >= 0.95  # measured 0.98; 0.43 attaching each run
    assert bcubed(in_runs, gold)["f1"] >= bcubed(at_once, gold)["f1"] - 0.01


@pytest.mark.slow
def test_days_grouped_in_runs_with_a_saved_state_between_end_as_the_days_at_once() -> None:
    """A desk saves the grouper after every run. The saved word counts had left out words seen once, which
    raised their weight after every save, so the same news cut into runs differently gave other stories (a QA
    pass saw a day-2 item join its story in one store and not in another; the first four UCI days agreed at
    B-cubed 0.994). With every count saved they agree exactly."""
    dataset = load_uci(_data(UCI_PATH), limit=6000)
    items = sorted(dataset.items, key=lambda item: item.published)
    at_once = StoryGrouper().group(items)
    grouper, in_runs = StoryGrouper(), {}
    for _, day in groupby(items, key=lambda item: item.published[:10]):
        in_runs.update(grouper.group(list(day)))
        grouper = StoryGrouper.from_state(json.loads(json.dumps(grouper.to_state())))
    assert bcubed(in_runs, at_once)["f1"] == 1.0


@pytest.mark.slow
def test_wikinews_quality_floor() -> None:
    dataset = load_events(_data(EVENTS_PATH))
    scores = bcubed(StoryGrouper().group(dataset.items), dataset.gold)
    assert scores["f1"] >= WIKINEWS_FLOOR, scores


UCI_FLOOR = 0.885  # measured 0.893 on these first days (0.898 without URL words, which gain on the whole file)
WIKINEWS_FLOOR = 0.85  # measured 0.855


def test_newsblur_peer_forgets_titles_after_the_window() -> None:
    from newsdesk.bench.stories import newsblur_style

    items = [GroupItem("1", "Volcano erupts near Grindavik in Iceland", published=_day(1)),
             GroupItem("2", "Iceland volcano near Grindavik erupts again", published=_day(1, 15)),
             GroupItem("3", "Central bank raises interest rates", published=_day(1, 16)),
             GroupItem("4", "Grindavik volcano erupts in Iceland", published=_day(3))]
    stories = newsblur_style(items, window_hours=24)
    assert stories["1"] == stories["2"] != stories["3"] and stories["4"] not in {stories["1"], stories["3"]}


def test_day_batch_peer_clusters_each_day_whole_and_never_links_days() -> None:
    from newsdesk.bench.stories import day_batch_tfidf

    items = [GroupItem("1", "Volcano erupts near Grindavik in Iceland", published=_day(1)),
             GroupItem("2", "Iceland volcano near Grindavik erupts again", published=_day(1, 15)),
             GroupItem("3", "Central bank raises interest rates", published=_day(1, 16)),
             GroupItem("4", "Volcano erupts near Grindavik in Iceland", published=_day(2)),
             GroupItem("5", "the and of", published=_day(3)), GroupItem("6", "of the and", published=_day(3))]
    stories = day_batch_tfidf(items)
    assert stories["1"] == stories["2"] != stories["3"] and stories["4"] != stories["1"]
    assert stories["5"] != stories["6"]  # only stop words: nothing to link them by


def test_bench_live_option_scores_runs_and_days(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsdesk.bench.stories import command

    day = 1394409600000  # 2014-03-10, as UCI stamps its rows: the day alone
    rows = [(1, "Mt. Gox files for US bankruptcy protection", "a", day), (2, "Mt Gox seeks US bankruptcy protection", "a", day),
            (3, "Titanfall needs a day-one patch on Xbox One", "b", day), (4, "Mt. Gox bankruptcy: US filing", "c", day + 86400000)]
    path = tmp_path / "mini.tsv"
    path.write_text("".join(f"{i}\t{t}\thttp://x/{i}\tX\tb\t{s}\tx.example\t{ms}\n" for i, t, s, ms in rows))
    result = CliRunner().invoke(command, [str(path), "--live", "6", "--no-trace", "--json"])
    assert result.exit_code == 0, result.output
    datasets = [json.loads(line)["dataset"] for line in result.output.splitlines()]
    assert datasets.count("mini.tsv live, 6 h runs") == 4 and datasets.count("mini.tsv live, 6 h runs, cut per day") == 4


def test_bench_runs_each_files_live_grouper_on_that_files_live_rows_only(tmp_path: Path, monkeypatch) -> None:
    """The first file's live grouper once stood in for newsdesk on every later file (a loop variable
    shadowed the methods), which scored Wikinews 0.735 instead of 0.849 after UCI."""
    from click.testing import CliRunner

    import newsdesk.bench.stories as bench

    calls: list[str] = []
    real_live = bench.live

    def recording_live(dataset, run_hours, **kwargs):
        live_dataset, in_runs = real_live(dataset, run_hours, **kwargs)

        def recorded(items, **params):
            calls.append(f"{dataset.name}: {len(items)}")
            return in_runs(items, **params)

        return live_dataset, recorded

    monkeypatch.setattr(bench, "live", recording_live)
    day = 1394409600000
    (tmp_path / "mini.tsv").write_text("".join(f"{i}\tMt. Gox files for bankruptcy {i}\thttp://x/{i}\tX\tb\ta\tx.example\t{day}\n"
                                               for i in range(3)))
    (tmp_path / "events.jsonl").write_text("".join(json.dumps({"id": str(i), "event_id": 1, "title": "Volcano erupts",
                                                               "text": "A volcano erupted in Iceland.", "published": None})
                                                   + "\n" for i in range(5)))
    result = CliRunner().invoke(bench.command, [str(tmp_path / "mini.tsv"), str(tmp_path / "events.jsonl"),
                                                "--live", "1", "--no-trace", "--json"])
    assert result.exit_code == 0, result.output
    assert calls == ["mini.tsv: 3", "events.jsonl: 5"]


def test_a_slice_past_the_cap_is_clustered_in_parts_that_still_share_stories() -> None:
    """Memory is bounded by ``max_slice_items``, not by how much one day holds."""
    headlines = ["Volcano erupts near Grindavik in Iceland", "Iceland volcano near Grindavik erupts again",
                 "Grindavik volcano eruption in Iceland continues", "Central bank raises interest rates",
                 "Interest rates raised by central bank", "Volcano near Grindavik in Iceland erupts"]
    items = [GroupItem(str(n), h, published=_day(1, n)) for n, h in enumerate(headlines)]
    capped = StoryGrouper(max_slice_items=4)
    stories = capped.group(items)
    assert len(capped.held) <= 4
    assert stories["0"] == stories["1"] == stories["2"] == stories["5"] != stories["3"] == stories["4"]


def test_bench_reads_the_original_uci_csv_a_headed_tsv_and_gzipped_events_without_ids(tmp_path: Path) -> None:
    """A check with files of the same formats from elsewhere: the original UCI CSV (comma-separated, quoted,
    with a header) was read as events and failed on its first line, a UCI TSV with a header row died on
    int("TIMESTAMP"), and an events file without ids, or gzipped, could not be read."""
    import csv
    import gzip

    from click.testing import CliRunner

    from newsdesk.bench.stories import command

    header = ["ID", "TITLE", "URL", "PUBLISHER", "CATEGORY", "STORY", "HOSTNAME", "TIMESTAMP"]
    rows = [["1", "Fed raises interest rates, Yellen says more to come", "http://x.com/a", "X", "b", "dA", "x.com", "1394409600000"],
            ["2", "Yellen: Fed raises interest rates again", "http://y.com/b", "Y", "b", "dA", "y.com", "1394409600000"],
            ["3", 'Apple unveils new iPhone with "bigger" screen', "http://z.com/c", "Z", "t", "dB", "z.com", "2014-03-11"],
            ["4", "New iPhone has a bigger screen, Apple says", "http://w.com/d", "W", "t", "dB", "w.com", "1394496000000"]]
    with (tmp_path / "uci-news-aggregator.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    with gzip.open(tmp_path / "later.tsv.gz", "wt") as fh:
        fh.write("".join("\t".join(row) + "\n" for row in [header, *rows]))
    with gzip.open(tmp_path / "events.jsonl.gz", "wt") as fh:
        for event, title, text in [("e1", "Quake hits Italy", "A strong earthquake hit central Italy, killing dozens. "),
                                   ("e1", "Italy quake toll rises", "The toll from the earthquake in central Italy rose. "),
                                   ("e2", "Brexit talks stall", "Talks on Britain leaving the European Union stalled. ")]:
            fh.write(json.dumps({"event_id": event, "title": title, "text": text * 10}) + "\n")
    for name, items in (("uci-news-aggregator.csv", {"1", "2", "3", "4"}), ("later.tsv.gz", {"1", "2", "3", "4"}),
                        ("events.jsonl.gz", {"1", "2", "3"})):
        dump = tmp_path / f"{name}.dump"
        result = CliRunner().invoke(command, [str(tmp_path / name), "--no-trace", "--json", "--dump", str(dump)])
        assert result.exit_code == 0, result.output
        newsdesk = next(json.loads(line) for line in result.output.splitlines() if '"newsdesk"' in line)
        assert newsdesk["f1"] == 1.0, name
        assert {line.split("\t")[0] for line in dump.read_text().split()[::2]} == items
    (tmp_path / "bad.jsonl").write_text('{"title": "no event"}\n')
    result = CliRunner().invoke(command, [str(tmp_path / "bad.jsonl"), "--no-trace"])
    assert result.exit_code == 1 and "line 1: not an event record with an event_id" in result.output


def test_articles_after_a_long_quiet_spell_still_group_by_their_shared_words() -> None:
    """Found on the Wikinews events: dated articles arrive in day slices of two to five, months apart, and the
    document frequencies decayed over the gap to almost nothing, so IDF came from the day's few articles
    alone and the event's own words, being in all of them, weighed least: the event fell apart (recall of
    the dated articles 0.868; 0.918 with the decay stopped at 100 documents' worth of history)."""
    samples = Path(__file__).resolve().parents[1] / "samples" / "wikinews.jsonl"
    texts = [json.loads(line)["text"] for line in samples.read_text(encoding="utf-8").splitlines()]
    grouper = StoryGrouper()
    start = datetime(2010, 1, 4, tzinfo=UTC)
    grouper.group(GroupItem(f"h{n}", "", text, (start + timedelta(hours=n)).isoformat()) for n, text in enumerate(texts[:200]))
    assert grouper.df.documents > 120
    later = (start + timedelta(days=400)).isoformat()
    event = [
        ("Avalanche kills ten climbers at Turkish ski resort",
         "An avalanche buried a group of climbers on Mount Zigana near the Turkish ski resort on Sunday, and rescue "
         "teams recovered ten bodies from the snow, the regional governor said."),
        ("Ten climbers dead in Turkey avalanche",
         "Rescue teams found the bodies of ten climbers on Sunday after an avalanche swept down Mount Zigana in "
         "northern Turkey, near the ski resort."),
        ("Turkish avalanche: rescuers recover bodies of climbers",
         "Rescuers in northern Turkey recovered the bodies of ten climbers caught in an avalanche on Mount Zigana "
         "near a ski resort on Sunday, officials said."),
    ]
    # each report goes on with background of its own, as long reports do: other words, each in one report only
    background = [" ".join(texts[300 + n].split()[:120]) for n in range(3)]
    stories = grouper.group(GroupItem(f"e{n}", title, f"{text}\n{extra}", later)
                            for n, ((title, text), extra) in enumerate(zip(event, background)))
    assert stories["e0"] == stories["e1"] == stories["e2"]
    assert grouper.df.documents >= 100


def test_a_feed_headline_joins_the_full_article_of_its_story() -> None:
    """A desk's mix: a feed entry (headline only) and a full article of the same story. A headline shares few
    of an article's many words, and such pairs were held to the geometric mean of the two thresholds, above
    the article threshold: 16 of 44 headline / article pairs built from the bundled Wikinews sample were
    grouped together. A pair is now held to the lower threshold: 30 of 44, none with another article."""
    samples = Path(__file__).resolve().parents[1] / "samples" / "wikinews.jsonl"
    day = datetime(2010, 3, 1, tzinfo=UTC).isoformat()
    items = []
    for number, line in enumerate(samples.read_text(encoding="utf-8").splitlines()[:80]):
        paragraphs = [p for p in json.loads(line)["text"].split("\n") if p.strip()]
        headline, rest = paragraphs[0].split(". ")[0], "\n".join(paragraphs[1:])
        if len(rest) >= 600 and len(headline.split()) <= 25:  # the lead's first clause as the feed's headline
            items += [GroupItem(f"h{number}", headline, "", day), GroupItem(f"a{number}", "", rest, day)]
    stories = StoryGrouper().group(items)
    pairs = [item.id[1:] for item in items if item.id.startswith("h")]
    assert len(pairs) == 44
    assert sum(stories[f"h{n}"] == stories[f"a{n}"] for n in pairs) >= 28
    assert not any(stories[f"h{n}"] == stories[f"a{m}"] for n in pairs for m in pairs if m != n)


def test_wikinews_mix_of_headlines_and_articles_quality_floor() -> None:
    """Half the Wikinews articles cut to their headline (feed entries beside full articles), as
    ``bench stories --mixed 0.5`` scores it: 0.769 when pinned (0.729 with geometric-mean pair thresholds
    and the old neighbour floor), ahead of the day-batch TF-IDF peer (0.757)."""
    from newsdesk.bench.stories import day_batch_tfidf, mixed

    dataset = mixed(load_events(_data(EVENTS_PATH)), 0.5)
    ours = bcubed(StoryGrouper().group(dataset.items), dataset.gold)["f1"]
    assert ours >= 0.76
    assert ours > bcubed(day_batch_tfidf(dataset.items), dataset.gold)["f1"]


def test_off_diagonal_drops_the_diagonal_and_zeros_as_setdiag_did():
    """``_off_diagonal`` replaces scipy's ``setdiag(0)`` + ``eliminate_zeros`` (which went through COO when a
    diagonal entry was missing, 12 s of grouping the UCI file): the same matrix, the input untouched."""
    import numpy as np
    from scipy import sparse

    from newsdesk.stories.grouping import _off_diagonal

    rng = np.random.default_rng(3)
    dense = rng.random((40, 40)) * (rng.random((40, 40)) < 0.3)
    dense[5, 7] = 0.0
    matrix = sparse.csr_matrix(dense)
    matrix.data[::7] = 0.0  # explicit zeros, as a clipped difference leaves
    expected = matrix.copy()
    expected.setdiag(0.0)
    expected.eliminate_zeros()
    result = _off_diagonal(matrix)
    assert (result != expected).nnz == 0 and result.nnz == expected.nnz
    assert not result.diagonal().any() and (result.data != 0).all()
    assert matrix.diagonal().any()  # a copy


def test_fastcluster_cuts_the_same_clusters_as_scipy():
    """Grouping links with fastcluster for speed; its average-linkage trees must cut as scipy's do."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster
    from scipy.cluster.hierarchy import linkage as scipy_linkage

    from newsdesk.stories.grouping import linkage

    rng = np.random.default_rng(11)
    m = 300
    distances = np.full(m * (m - 1) // 2, 2.0)
    pairs = rng.integers(0, len(distances), len(distances) // 5)
    distances[pairs] = rng.random(len(pairs)) * 2.0
    ours = fcluster(linkage(distances, method="average"), t=1.0, criterion="distance")
    theirs = fcluster(scipy_linkage(distances, method="average"), t=1.0, criterion="distance")
    assert len(set(ours)) == len(set(theirs)) > 1
    assert len(set(zip(ours, theirs))) == len(set(ours))  # the same partition, whatever the labels
