"""A reader and accessibility QA pass over the desk, one test per finding: table words split mid-word, map
links hidden inside an image, "unknown source" for an agency's article, undated articles silently missing
from charts, chart times without their zone, a story link without its language, search help only in a
tooltip, a focus outline too faint to see, figures linking to the page they are on, and 422 pages in
pydantic's words."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from test_web_browser import CHROMIUM, browser, serve  # noqa: F401  (fixtures)
from test_web_multilingual import AR_HEADLINE, AR_PARAGRAPHS, _article, _story
from web_fixtures import Elements, build_desk, client, desk, ingested_desk  # noqa: F401  (fixtures)

from newsdesk.records import Block, Entity, Facts, Page, Place, Teaser
from newsdesk.store import write
from newsdesk.store.sqlite import connect
from newsdesk.web.app import create_app


def css_rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    """The stylesheet's rules as (selectors, declarations), comments and @media wrappers left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip()) for name, _, value in (d.partition(":") for d in body.split(";")) if value
        )
        rules.append(([s.strip() for s in selectors.split(",")], declarations))
    return rules


# 1. Table cells keep whole words ("kill|ed"); a table too wide for the screen scrolls in its wrapper.


def test_table_cells_keep_whole_words_and_tables_scroll_in_a_wrapper(client):
    rules = css_rules(client.get("/static/desk.css").text)
    assert any("main" in sel and decl.get("overflow-wrap") == "anywhere" for sel, decl in rules)  # long words
    assert any({"th", "td"} <= set(sel) and decl.get("overflow-wrap") == "normal" for sel, decl in rules)
    assert any(".table-wrap" in sel and decl.get("overflow-x") == "auto" for sel, decl in rules)
    story = Elements(client.get("/stories/s-aleppo").text)
    tables = [e for e in story.elements if e["tag"] == "table" and "figures" in e["attrs"].get("class", "")]
    assert len(tables) == 2  # the tolls and the figures
    for table in tables:
        assert "table-wrap" in table["ancestors"][-1]["attrs"].get("class", "")


@pytest.fixture(scope="module")
def desk_url(desk):  # noqa: F811
    yield from serve(desk[0])


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (scripts/setup-browser.sh)")
@pytest.mark.parametrize("path", ["/stories/s-aleppo", "/api"])
def test_no_word_of_a_table_breaks_on_a_phone(browser, desk_url, path):  # noqa: F811
    """The symptom itself: a word laid out over two lines has two boxes (a hyphen or a slash may break)."""
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(desk_url + path)
    broken = page.evaluate("""() => {
        const broken = [];
        for (const cell of document.querySelectorAll('td, th')) {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode());) {
                for (const word of node.data.matchAll(/[^\\s\\/-]+/g)) {
                    const range = document.createRange();
                    range.setStart(node, word.index);
                    range.setEnd(node, word.index + word[0].length);
                    if (range.getClientRects().length > 1) broken.push(word[0]);
                }
            }
        }
        return broken;
    }""")
    assert broken == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.close()


# 2. The map's dots are links a screen reader can reach: no role="img" around them.


def test_map_links_are_not_hidden_inside_an_image(client):
    for path in ("/stories/s-aleppo", "/places/Aleppo", "/entities/Lars Bromley"):
        elements = Elements(client.get(path).text).elements
        links = [e for e in elements if e["tag"] == "a" and any(a["tag"] == "svg" for a in e["ancestors"])]
        assert links, path
        for link in links:
            assert all(a["attrs"].get("role") != "img" for a in link["ancestors"]), path
        svg = next(e for e in elements if e["tag"] == "svg" and e["attrs"].get("aria-labelledby") == "map-title")
        assert svg["attrs"]["role"] == "group"
        assert any(e["tag"] == "title" and e["attrs"].get("id") == "map-title" for e in elements)
    page = client.get("/stories/s-aleppo").text
    assert '<a href="/places/Aleppo"><title>Aleppo (' in page  # each link is named by its own title


# 3. An article without a site ran at its agency, as its header says: not at an "unknown source".


def test_where_it_ran_credits_an_article_without_a_site_to_its_agency(ingested_desk):
    with TestClient(create_app(str(ingested_desk))) as desk_client:
        article_id = desk_client.get("/search.json", params={"q": "Aleppo bombardment"}).json()["hits"][0]["item_id"]
        data = desk_client.get(f"/articles/{article_id}.json").json()
        assert data["site"] is None and data["agency"] == "AFP"
        page = desk_client.get(f"/articles/{article_id}").text
        ran = page[page.index('id="sources-h"'):page.index("</section>", page.index('id="sources-h"'))]
        assert "<li>AFP" in ran and "unknown source" not in ran


# 4. Entity and place pages say how many of their articles the chart leaves out for want of a date.


@pytest.fixture(scope="module")
def undated_client(tmp_path_factory):
    """The fixture desk with its undated article naming Lars Bromley and Aleppo, as the dated ones do."""
    path = tmp_path_factory.mktemp("undated") / "desk.db"
    ids = build_desk(path)
    db = connect(path)
    with db:
        write.save_facts(
            db, Facts(ids["bare"], entities=[Entity("PERSON", "Lars Bromley", [])],
                      places=[Place("Aleppo", "SY", 36.20124, 37.16117)]), version=1)
    db.close()
    with TestClient(create_app(str(path))) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/entities/Lars Bromley", "/places/Aleppo"])
def test_entity_and_place_pages_count_the_undated_articles_their_chart_leaves_out(undated_client, path):
    data = undated_client.get(path + ".json").json()
    assert data["articles"] == 3 and sum(b["count"] for b in data["coverage"]) == 2 and data["undated"] == 1
    page = undated_client.get(path).text
    assert "named in 3 articles" in page and "1 undated article not shown in the chart." in page


def test_a_page_whose_articles_are_all_dated_says_nothing_of_undated_ones(client):
    assert client.get("/entities/Lars Bromley.json").json()["undated"] == 0
    assert "undated article" not in client.get("/entities/Lars Bromley").text


# 5. Chart times in UTC say so, as the rest of the page does; a time given without a zone gets none.


def test_chart_times_say_utc_when_their_zone_is_known():
    from newsdesk.web.charts import bar_chart, coverage
    from newsdesk.web.render import templates

    hours = coverage(["2014-03-20T00:10:00Z", "2014-03-20T03:30:00+02:00"])
    assert [(b["start"], b["label"], b["count"]) for b in hours] == [
        ("2014-03-20T00:00:00Z", "20 Mar 2014, 00:00 UTC", 1), ("2014-03-20T01:00:00Z", "20 Mar 2014, 01:00 UTC", 1)]
    days = coverage(["2014-03-20T00:10:00Z", "2014-04-20T00:00:00Z"])
    assert days[0]["unit"] == "day" and days[0]["start"] == "2014-03-20T00:00:00Z" and days[0]["label"] == "20 Mar 2014"
    unzoned = coverage(["2014-03-20T00:10:00", "2014-03-20T01:30:00Z"])
    assert unzoned[0]["start"] == "2014-03-20T00:00:00" and unzoned[0]["label"] == "20 Mar 2014, 00:00"
    macros = templates.env.get_template("macros.html").module
    chart = str(macros.bar_chart(bar_chart(hours), "Items"))
    assert "Items: from 20 Mar 2014, 00:00 UTC to 20 Mar 2014, 01:00 UTC" in chart


# 6. The link to an article's or a teaser's story carries the story's language, as its h1 does.


@pytest.fixture(scope="module")
def arabic_client(tmp_path_factory):
    path = tmp_path_factory.mktemp("arabic-story") / "desk.db"
    db = connect(path)
    with db:
        arabic = _article(db, "ar", [Block("p", p) for p in AR_PARAGRAPHS], "ar", AR_HEADLINE)
        teaser = Teaser("حلب: هدنة جديدة", "أعلن الجيش السوري هدنة جديدة في حلب.",
                        url="https://news.example/truce", page_hash=arabic.page_hash)
        write.save_teaser(db, teaser, arabic.id, "news.example")
        _story(db, "s-ar", AR_HEADLINE, "", [arabic])
        db.execute("INSERT INTO story_members (story_id, item_id, kind) VALUES ('s-ar', ?, 'teaser')", (teaser.id,))
        db.execute("UPDATE teasers SET story_id = 's-ar' WHERE id = ?", (teaser.id,))
    db.close()
    with TestClient(create_app(str(path))) as test_client:
        yield test_client, {"ar": arabic.id, "teaser": teaser.id}


def test_the_story_link_carries_the_story_language(arabic_client):
    desk_client, ids = arabic_client
    for path in (f"/articles/{ids['ar']}", f"/teasers/{ids['teaser']}"):
        link = next(e for e in Elements(desk_client.get(path).text).elements
                    if e["tag"] == "a" and e["attrs"].get("href") == "/stories/s-ar")
        assert link["attrs"].get("lang") == "ar" and link["attrs"].get("dir") == "auto", path
    assert desk_client.get(f"/articles/{ids['ar']}.json").json()["story"]["language"] == "ar"


def test_a_story_of_unknown_language_claims_none(client, desk):
    _, ids = desk
    link = next(e for e in Elements(client.get(f"/teasers/{ids['hezbollah'][0]}").text).elements
                if e["tag"] == "a" and e["attrs"].get("href") == "/stories/s-hezbollah")
    assert "lang" not in link["attrs"]  # a story of teasers only has no language of its own


# 7. The search syntax is visible help the field points to, not a mouse-only tooltip.


def test_search_syntax_help_is_visible_and_described_by(client):
    elements = Elements(client.get("/search").text).elements
    field = next(e for e in elements if e["tag"] == "input" and e["attrs"].get("id") == "s-q")
    assert "title" not in field["attrs"]
    help_id = field["attrs"]["aria-describedby"]
    help_text = next(e for e in elements if e["attrs"].get("id") == help_id)
    assert "visually-hidden" not in help_text["attrs"].get("class", "")
    page = client.get("/search").text
    shown = page[page.index(f'id="{help_id}"'):]
    assert '"quoted phrases"' in shown[:400].replace("&#34;", '"') and "<code>-word</code>" in shown[:400]


# 8. The focus outline stands out from white at 3:1 at least.


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_focus_outline_has_three_to_one_contrast_on_white(client):
    rules = css_rules(client.get("/static/desk.css").text)
    outlines = [decl["outline"] for sel, decl in rules if any(":focus" in s for s in sel) and "outline" in decl]
    assert outlines
    for outline in outlines:
        colour = re.search(r"#[0-9a-fA-F]{6}", outline).group(0)
        assert (1.05 / (_luminance(colour) + 0.05)) >= 3, outline


# 9. On an article's page every figure is the article's own: no Source column linking to the page itself.


def test_article_figures_leave_out_the_source_column_that_the_story_keeps(client, desk):
    _, ids = desk
    article = client.get(f"/articles/{ids['afp']}").text
    table = article[article.index('<table class="figures">'):article.index("</table>")]
    assert "<td>270" in table and ">Source</th>" not in table and "/articles/" not in table
    story = client.get("/stories/s-aleppo").text
    figures = story[story.index("<h3>Figures</h3>"):]
    table = figures[:figures.index("</table>")]
    assert ">Source</th>" in table and f'href="/articles/{ids["convoy"]}"' in table


# 10. A 422 page says what to type in plain words; the JSON API keeps FastAPI's machine-readable body.


@pytest.mark.parametrize("path,params,wording", [
    ("/search", {"q": "aleppo", "since": "yesterday"}, "since must be a date like 2016-10-06"),
    ("/search", {"q": "aleppo", "until": "2016-13-40"}, "until must be a date like 2016-10-06"),
    ("/", {"days": "a week"}, "days must be a number"),
    ("/", {"days": "0"}, "days must be more than 0"),
    ("/search", {"kind": "video"}, "kind must be article or teaser"),
    ("/search", {"page": "two"}, "page must be a whole number"),
])
def test_a_bad_request_page_says_what_to_type(client, path, params, wording):
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert wording in response.text
    assert "should" not in response.text and "pattern" not in response.text


def test_the_api_keeps_its_machine_readable_422(client):
    for path in ("/api/search", "/search.json"):
        response = client.get(path, params={"q": "aleppo", "since": "yesterday"})
        assert response.status_code == 422
        [problem] = response.json()["detail"]
        assert problem["type"] == "string_pattern_mismatch" and problem["loc"] == ["query", "since"]
        assert problem["msg"].startswith("String should match pattern")


def test_a_big_storys_timeline_comes_in_pages(tmp_path):
    """A reader's QA pass: a story of 300 items was one page of 29,000 pixels and 600 links. The timeline shows
    100 items a page, in time order, numbered on; its JSON twin keeps every member."""
    path = tmp_path / "big.db"
    db = connect(path)
    rail = Page("rail.html", b"<html>a rail of updates</html>", "html")
    with db:
        write.save_page(db, rail)
        db.execute("INSERT INTO stories (id, headline, size) VALUES ('s-big', 'Storm batters coast', 250)")
        for n in range(250):
            teaser = Teaser(f"Storm update {n:03d}", "Winds rise along the coast.", page_hash=rail.hash,
                            published=f"2024-10-09T{n // 60:02d}:{n % 60:02d}:00Z")
            write.save_teaser(db, teaser, None, "coast.example")
            db.execute("INSERT INTO story_members (story_id, item_id, kind) VALUES ('s-big', ?, 'teaser')", (teaser.id,))
    db.close()
    with TestClient(create_app(str(path))) as reader:
        first, last = reader.get("/stories/s-big"), reader.get("/stories/s-big", params={"page": 3})
        assert first.text.count("Storm update ") == 100 and "Storm update 000" in first.text
        assert "Items 1–100 of 250" in first.text and 'rel="next" href="?page=2"' in first.text
        assert last.text.count("Storm update ") == 50 and "Storm update 249" in last.text and 'start="201"' in last.text
        assert reader.get("/stories/s-big", params={"page": 4}).status_code == 404
        assert len(reader.get("/stories/s-big.json").json()["members"]) == 250
