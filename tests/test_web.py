"""The web desk through the ASGI client: every page family, its JSON twin, feeds, hostile text, empty
and missing-field states, and the OpenAPI contract (schemathesis)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from web_fixtures import SEED, XSS_TITLE, build_desk, client, desk, ingested_desk, split_seed  # noqa: F401  (fixtures)

from newsdesk.web.app import create_app


def test_front_page_lists_stories_ranked_by_size_and_sources(client):
    data = client.get("/index.json").json()
    ids = [s["id"] for s in data["stories"]]
    assert ids[0] == "s-aleppo"  # two articles from several sources outrank single teasers
    assert set(ids) >= {"s-aleppo", "s-hezbollah", "s-tiktok", "s-evil"}
    # an undated item's only time is its ingest time, after the window of dated news: listed with ?all
    assert "s-bare" not in ids
    assert "s-bare" in {s["id"] for s in client.get("/index.json", params={"all": "true"}).json()["stories"]}
    aleppo = data["stories"][0]
    assert aleppo["size"] == 2 and aleppo["sites"] == ["aljazeera.com", "thestar.com.my"]
    # the window ends at the newest dated item (Oct 2016), not today and not the undated item's ingest time
    assert data["window"]["end"].startswith("2016-10-06")
    page = client.get("/")
    assert page.status_code == 200
    assert "Syria scales back Aleppo bombardment" in page.text and 'href="/stories/s-aleppo"' in page.text


def test_front_page_filters(client):
    by_person = client.get("/index.json", params={"person": "john kerry"}).json()
    assert [s["id"] for s in by_person["stories"]] == ["s-aleppo"]
    by_place = client.get("/index.json", params={"place": "Aleppo"}).json()
    assert [s["id"] for s in by_place["stories"]] == ["s-aleppo"]
    by_site = client.get("/index.json", params={"site": "evil.example"}).json()
    assert [s["id"] for s in by_site["stories"]] == ["s-evil"]
    assert client.get("/index.json", params={"language": "fr"}).json()["stories"] == []
    nothing = client.get("/", params={"person": "Nobody Atall"})
    assert "No stories match these filters" in nothing.text


def test_front_page_time_window(client):
    # a window ending before the Aleppo story's first item shows nothing from it
    early = client.get("/index.json", params={"until": "2016-10-01", "days": 2}).json()
    assert early["stories"] == []
    everything = client.get("/index.json", params={"all": "true"}).json()
    assert len(everything["stories"]) == 5 and everything["window"]["days"] is None


def test_story_page_has_members_timeline_facts_and_pictures(client, desk):
    _, ids = desk
    data = client.get("/stories/s-aleppo.json").json()
    assert {m["id"] for m in data["members"]} == {ids["afp"], ids["convoy"]}
    afp = next(m for m in data["members"] if m["id"] == ids["afp"])
    assert {s["site"] for s in afp["sources"]} == {"thestar.com.my", "dailysabah.com"}  # the syndicated copy
    assert afp["agency"] == "AFP"  # shown for a member with no site (a text file's), not "unknown source"
    people = {p["name"]: p for p in data["facts"]["people"]}
    assert people["Lars Bromley"]["articles"] == 2
    places = {p["name"]: p for p in data["facts"]["places"]}
    assert places["Thalthana"]["country"] == "SY" and places["Thalthana"]["lat"] is None  # a country, no pin
    assert {f["attributed_to"] for f in data["facts"]["figures"]} >= {"a monitor", "the United Nations"}
    assert sum(b["count"] for b in data["coverage"]) == 2
    assert client.get("/api/stories/s-aleppo").json() == data
    html = client.get("/stories/s-aleppo").text
    assert "<svg" in html and 'class="bar"' in html  # coverage chart
    assert "land-110m.svg" in html and html.count('class="dot"') == 3  # Aleppo, Moscow, Washington on the map
    assert "Thalthana" in html and "the United Nations" in html
    # a QA pass: "19 civilians including three children" had lost its children on the story page
    assert ["three children"] in [f["subgroups"] for f in data["facts"]["figures"]]
    assert "including three children" in html


def test_article_reader(client, desk):
    _, ids = desk
    data = client.get(f"/articles/{ids['afp']}.json").json()
    assert data["agency"] == "AFP" and data["untitled"] is True
    assert [b["text"] for b in data["blocks"] if b["kind"] == "h"] == [
        "'Deeply shocking and shameful'",
        "Strike kills 19 civilians",
    ]
    assert len(data["teasers"]) == 20 and data["story"]["id"] == "s-aleppo"
    html = client.get(f"/articles/{ids['afp']}").text
    assert "<h2>&#39;Deeply shocking and shameful&#39;</h2>" in html
    assert "Also on the same page" in html and "Sweden urges Chinese ship" in html
    body = html.split('<div class="body">')[1].split("</div>")[0]
    assert "Sweden urges" not in body  # teasers are listed apart, never in the article
    assert "Kindi Hospital" in html and 'href="https://www.thestar.com.my/news/world/2016/10/06/syria-aleppo"' in html
    copy = client.get(f"/articles/{ids['copy']}.json").json()
    assert copy["duplicate_of"] == ids["afp"]


def test_teaser_page_links_back(client, desk):
    _, ids = desk
    teaser_id = ids["hezbollah"][0]
    data = client.get(f"/teasers/{teaser_id}.json").json()
    assert data["article"]["id"] == ids["afp"] and data["story"]["id"] == "s-hezbollah"
    assert "Hezbollah" in client.get(f"/teasers/{teaser_id}").text


def test_hostile_text_is_inert(client, desk):
    _, ids = desk
    for path in ("/", "/stories/s-evil", f"/articles/{ids['evil']}", "/search?q=evil", "/entities"):
        text = client.get(path).text
        assert "<script>" not in text and "<img src=x" not in text, path
        assert not re.search(r"<[^>]+\son\w+\s*=", text), path  # no live event handler attribute
        assert 'href="javascript:' not in text.lower(), path
    html = client.get(f"/articles/{ids['evil']}").text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html  # shown as text
    assert "(not a web link)" in html
    as_json = client.get("/stories/s-evil.json")  # JSON is data: the text as it is, never sniffed as HTML
    assert as_json.json()["headline"] == XSS_TITLE and as_json.headers["content-type"] == "application/json"
    assert as_json.headers["x-content-type-options"] == "nosniff"
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]


def test_missing_fields_and_errors_render(client, desk):
    _, ids = desk
    bare = client.get(f"/articles/{ids['bare']}")
    assert bare.status_code == 200 and "Untitled article" in bare.text and "date unknown" in bare.text
    assert "Untitled story" in client.get("/stories/s-bare").text
    missing = client.get("/stories/s-nope")
    assert missing.status_code == 404 and "Not found" in missing.text
    assert client.get("/stories/s-nope.json").json() == {"detail": "No story with id s-nope."}
    assert client.get("/articles/t123").status_code == 404
    bad = client.get("/search", params={"since": "yesterday"})
    assert bad.status_code == 422 and "That request does not work" in bad.text


def test_empty_store_says_what_to_do(tmp_path):
    with TestClient(create_app(str(tmp_path / "new.db"))) as fresh:
        page = fresh.get("/")
        assert page.status_code == 200 and "No stories yet" in page.text and "newsdesk ingest" in page.text
        assert fresh.get("/index.json").json()["stories"] == []
        assert fresh.get("/search.json", params={"q": "aleppo"}).json()["total"] == 0
        assert "No places yet" in fresh.get("/places").text


def test_search_finds_highlights_filters_and_pages(client, desk):
    _, ids = desk
    data = client.get("/search.json", params={"q": "Aleppo bombardment"}).json()
    assert data["hits"][0]["item_id"] == ids["afp"]
    assert "Aleppo" in data["hits"][0]["snippet"] and "\x02" not in data["hits"][0]["snippet"]
    html = client.get("/search", params={"q": "aleppo"}).text
    assert "<mark>Aleppo</mark>" in html
    # brackets in a headline are text, not match markers
    columnist = client.get("/search", params={"q": "highways"}).text
    assert "[COLUMNIST]" in columnist and "<mark>COLUMNIST</mark>" not in columnist
    assert (
        client.get("/search.json", params={"q": "aleppo", "site": "aljazeera.com"}).json()["hits"][0]["item_id"]
        == ids["convoy"]
    )
    # until names a day it includes, as the front page's until does: the convoy (5 Oct), then the AFP story (6 Oct)
    assert client.get("/search.json", params={"q": "aleppo", "until": "2016-10-05"}).json()["total"] == 1
    assert client.get("/search.json", params={"q": "aleppo", "until": "2016-10-06"}).json()["total"] == 2
    assert client.get("/search.json", params={"q": "aleppo", "person": "Kerry"}).json()["total"] == 1
    assert client.get("/search.json", params={"q": "aleppo", "place": "Moscow"}).json()["total"] == 1
    assert client.get("/search.json", params={"q": '"air strike"', "kind": "teaser"}).json()["total"] == 0
    first = client.get("/search.json", params={"q": "the", "page": 1, "per_page": 5}).json()
    second = client.get("/search.json", params={"q": "the", "page": 2, "per_page": 5}).json()
    assert first["total"] > 10 and first["has_next"] and len(first["hits"]) == len(second["hits"]) == 5
    assert not {h["item_id"] for h in first["hits"]} & {h["item_id"] for h in second["hits"]}
    for odd in ('"unbalanced', "AND OR NOT", "a:b"):
        assert client.get("/search.json", params={"q": odd}).status_code == 200, odd
    no_word = client.get("/search.json", params={"q": "(*)"})
    assert no_word.status_code == 400 and "has no word to search for" in no_word.json()["detail"]
    only_left_out = client.get("/search.json", params={"q": "-x"})  # FTS5 cannot search for "everything but"
    assert only_left_out.status_code == 400 and "only words to leave out" in only_left_out.json()["detail"]


def test_entity_and_place_pages(client):
    kerry = client.get("/entities/John%20Kerry.json").json()
    assert (
        kerry["labels"] == ["PERSON"] and kerry["articles"] == 1 and kerry["appearances"][0]["story_id"] == "s-aleppo"
    )
    aleppo = client.get("/places/aleppo.json").json()  # any case
    assert aleppo["name"] == "Aleppo" and aleppo["articles"] == 2 and aleppo["lat"] == pytest.approx(36.2, abs=0.01)
    assert sum(b["count"] for b in aleppo["coverage"]) == 2
    assert 'class="dot"' in client.get("/places/Aleppo").text
    index = client.get("/entities.json", params={"limit": 1}).json()
    # a QA pass: the indexes stopped at 200 of 3,056 names without saying so
    assert len(index["entries"]) == 1 and index["total"] > 1
    assert f"the first 1 of {index['total']}" in client.get("/entities", params={"limit": 1}).text
    assert "the first" not in client.get("/entities").text  # all shown
    people = client.get("/entities.json").json()["entries"]
    assert people[0]["name"] == "Lars Bromley"
    assert client.get("/entities/Nobody.json").status_code == 404


def test_feeds_parse_and_link_back(client):
    atom = ET.fromstring(client.get("/feed.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in atom.findall("a:entry", ns)]
    assert titles[0].startswith("Syria scales back Aleppo") and XSS_TITLE in titles  # escaped, still readable
    rss = client.get("/search.rss", params={"q": "aleppo"})
    assert rss.headers["content-type"].startswith("application/rss+xml")
    items = ET.fromstring(rss.content).findall("channel/item")
    assert items and all(i.findtext("link").startswith("http://testserver/") for i in items)
    assert ET.fromstring(client.get("/search.atom", params={"q": "hezbollah"}).content).findall("a:entry", ns)


def test_openapi_documents_the_routes(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/index.json",
        "/stories/{story_id}.json",
        "/articles/{article_id}.json",
        "/search.json",
        "/api/stories",
        "/api/search",
        "/entities/{name}.json",
        "/places/{name}.json",
        "/feed.atom",
    ):
        assert path in spec["paths"], path
    assert "API" in client.get("/api").text


def test_seed_split_matches_the_page():
    blocks, agency, date_line, caption, teasers = split_seed(SEED.read_text(encoding="utf-8"))
    assert agency == "AFP" and date_line == "Thu Oct 06 2016" and len(teasers) == 20 and caption.endswith("AFP PHOTO")
    assert sum(b.kind == "h" for b in blocks) == 2


def test_desk_search_agrees_with_the_store_query(desk):
    """The desk's two-step search returns what the store's single-query search returns, in order."""
    from newsdesk.bench.search import reference_search
    from newsdesk.store.search import ItemMeta, find
    from newsdesk.web.app import open_for_reading

    db, meta = open_for_reading(str(desk[0])), ItemMeta()
    for text, filters in (
        ("aleppo", {}),
        ("air strike", {}),
        ('"aid convoy"', {}),
        ("syria", {"site": "thestar.com.my"}),
        ("aleppo", {"language": "en"}),
        ("syria", {"person": "John Kerry"}),
        ("aleppo", {"since": "2016-10-06"}),
        ("aleppo", {"until": "2016-10-06", "language": "en"}),
    ):
        reference = [r["item_id"] for r in reference_search(db, text, limit=10, **filters)]
        in_sql = [h["item_id"] for h in find(db, text, limit=10, **filters)["hits"]]
        in_memory = [h["item_id"] for h in find(db, text, limit=10, meta=meta, **filters)["hits"]]
        assert in_sql == in_memory == reference and reference, (text, filters)


def test_serve_command_takes_db_on_either_side(monkeypatch, desk):
    import uvicorn
    from click.testing import CliRunner

    from newsdesk.cli import main

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append((app, kw)))
    runner = CliRunner()
    for args in (["--db", str(desk[0]), "serve", "--port", "8123"], ["serve", "--db", str(desk[0]), "--port", "8123"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        app, options = started.pop()
        assert options == {"host": "127.0.0.1", "port": 8123, "log_level": "info"}
        assert app.state.store.path == str(desk[0])
    # the stories_days setting is the front page's window (the desk had kept its own 3 days)
    result = runner.invoke(main, ["--db", str(desk[0]), "serve"], env={"NEWSDESK_STORIES_DAYS": "1"})
    assert result.exit_code == 0, result.output
    assert started.pop()[0].state.stories_days == 1.0
    # a mistyped store is refused, as every other command refuses it, and no empty store is made
    missing = desk[0].parent / "typo.db"
    result = runner.invoke(main, ["--db", str(missing), "serve"])
    assert result.exit_code == 1 and "no newsdesk store" in result.output and not missing.exists()
    assert not started


def test_front_page_after_ingesting_the_seed(ingested_desk):
    """`newsdesk ingest` on the seed page, then the desk: the AFP story and the teasers' stories are listed."""
    with TestClient(create_app(str(ingested_desk))) as desk_client:
        front = desk_client.get("/index.json", params={"all": "true"}).json()
        assert len(front["stories"]) >= 2  # the article's story plus stories of the unrelated teasers
        search = desk_client.get("/search.json", params={"q": "Aleppo bombardment"}).json()
        article_id = search["hits"][0]["item_id"]
        article = desk_client.get(f"/articles/{article_id}.json").json()
        assert article["story"] and len(article["teasers"]) >= 15
        assert article["story"]["id"] in {s["id"] for s in front["stories"]}
        story = desk_client.get(f"/stories/{article['story']['id']}").text
        assert "Aleppo" in story
        html = desk_client.get("/").text
        assert f'href="/stories/{article["story"]["id"]}"' in html


def test_a_story_says_when_a_time_is_not_the_items_own_date(ingested_desk):
    """The seed's 2024 teasers carry no date, and the page has no capture time: the story page must not
    pass the 2016 article's date off as theirs (it had said "date of the page it was on" for every undated
    member, an article read at ingest time included)."""
    with TestClient(create_app(str(ingested_desk))) as desk_client:
        hits = desk_client.get("/search.json", params={"q": "Hezbollah truce"}).json()["hits"]
        teaser = next(h for h in hits if h["item_id"].startswith("t"))
        story_id = desk_client.get(f"/teasers/{teaser['item_id']}.json").json()["story"]["id"]
        members = desk_client.get(f"/stories/{story_id}.json").json()["members"]
        assert {(m["kind"], m["time_basis"]) for m in members} == {("teaser", "page")}
        # the teaser's own page and its search hit say the same (they had said "date unknown")
        assert teaser["time_basis"] == "page" and teaser["time"].startswith("2016-10-06")
        assert desk_client.get(f"/teasers/{teaser['item_id']}.json").json()["time_basis"] == "page"
        assert "that of the article it ran beside" in desk_client.get(f"/teasers/{teaser['item_id']}").text
        assert "no date of its own; that of the article it ran beside" in desk_client.get(f"/stories/{story_id}").text
        card = next(s for s in desk_client.get("/index.json").json()["stories"] if s["id"] == story_id)
        assert card["time_basis"] == "page"
        front = desk_client.get("/").text
        card_html = front[front.index(f'href="/stories/{story_id}"'):]
        assert card_html.index("undated; its items ran beside an article of") < card_html.index("</li>")
        article_id = desk_client.get("/search.json", params={"q": "Aleppo bombardment"}).json()["hits"][0]["item_id"]
        story_id = desk_client.get(f"/articles/{article_id}.json").json()["story"]["id"]
        member = desk_client.get(f"/stories/{story_id}.json").json()["members"][0]
        assert member["time_basis"] == "published" and member["time"].startswith("2016-10-06")


def test_coverage_buckets_fit_the_span():
    from newsdesk.web.charts import bar_chart, coverage, place_map

    hours = coverage(["2016-10-06T09:30:00", "2016-10-06T11:05:00Z", "2016-10-06T11:59:00", None, "not a date"])
    assert [(b["label"], b["count"]) for b in hours] == [
        ("06 Oct 2016, 09:00", 1), ("06 Oct 2016, 10:00", 0), ("06 Oct 2016, 11:00", 2)]
    months = coverage(["2016-01-05", "2016-12-20", "2016-12-21"])
    assert months[0]["unit"] == "month" and len(months) == 12 and months[-1]["count"] == 2
    years = coverage(["1990-01-01", "2016-10-06"])
    assert years[0]["unit"] == "year" and sum(b["count"] for b in years) == 2
    assert coverage([]) == [] and bar_chart([]) is None
    chart = bar_chart(hours)
    assert [bar["h"] for bar in chart["bars"]][1] == 0 and max(bar["h"] for bar in chart["bars"]) == chart["plot_h"]
    framed = place_map([{"name": "Aleppo", "country": "SY", "lat": 36.2, "lon": 37.16},
                        {"name": "Asia", "country": None, "lat": 29.8, "lon": 89.3},
                        {"name": "Nowhere", "lat": None, "lon": None}])
    x0, y0, width, height = map(float, framed["view_box"].split())
    assert [d["name"] for d in framed["dots"]] == ["Aleppo"]
    assert x0 < 37.16 + 180 < x0 + width and y0 < 90 - 36.2 < y0 + height
    assert place_map([{"name": "Nowhere", "lat": None, "lon": None}]) is None


def test_map_labels_never_overlap_and_stay_in_the_frame():
    """The seed story's map wrote "Aleppo" over "Syria" and "Moscow" over Russia's dot."""
    from newsdesk.web.charts import place_map

    seed = [("Aleppo", "SY", 36.2, 37.16, 2), ("Syria", "SY", 35.0, 38.5, 3), ("Turkey", "TR", 39.0, 35.0, 1),
            ("Moscow", "RU", 55.75, 37.6, 1), ("Russia", "RU", 56.0, 45.0, 1), ("United States", "US", 39.8, -98.5, 1),
            ("Washington", "US", 38.9, -77.0, 1), ("France", "FR", 46.6, 2.2, 1)]
    framed = place_map([{"name": n, "country": c, "lat": la, "lon": lo, "articles": a} for n, c, la, lo, a in seed])
    x0, y0, width, height = map(float, framed["view_box"].split())
    font = framed["font"]
    boxes = []
    for dot in framed["dots"]:
        if "label_x" not in dot:
            continue
        extent = len(dot["name"]) * font * 0.58
        left = {"start": dot["label_x"], "end": dot["label_x"] - extent, "middle": dot["label_x"] - extent / 2}[dot["anchor"]]
        boxes.append((left, dot["label_y"] - font * 0.8, left + extent, dot["label_y"] + font * 0.2))
    assert len(boxes) >= 6  # most places keep their label
    for i, a in enumerate(boxes):
        assert x0 <= a[0] and a[2] <= x0 + width and y0 <= a[1] and a[3] <= y0 + height
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    syria = next(d for d in framed["dots"] if d["name"] == "Syria")
    assert "label_x" in syria  # the most-covered place chooses first


def test_item_metadata_follows_a_running_ingest(tmp_path):
    """The desk's in-memory filter data catches up with items written after it was loaded."""
    from newsdesk.records import Article, Block, Page
    from newsdesk.store import write
    from newsdesk.store.sqlite import connect
    from newsdesk.store.search import ItemMeta, find
    from newsdesk.web.app import open_for_reading

    build_desk(tmp_path / "desk.db")
    reader, meta = open_for_reading(str(tmp_path / "desk.db")), ItemMeta()
    assert find(reader, "aleppo", site="late.example", meta=meta)["total"] == 0
    writer = connect(tmp_path / "desk.db")
    with writer:
        page = Page(uri="late.txt", raw=b"late", kind="text", source="late.example")
        write.save_page(writer, page)
        write.save_article(
            writer,
            Article(
                page_hash=page.hash,
                blocks=[Block("p", "Late news from Aleppo.")],
                title="Aleppo, later",
                site="late.example",
                published="2016-10-07",
            ),
        )
    result = find(reader, "aleppo", site="late.example", since="2016-10-07", meta=meta)
    assert result["total"] == 1 and result["hits"][0]["headline"] == "Aleppo, later"


def test_sources_page_shows_health_and_escapes_titles(tmp_path):
    from newsdesk.ingest import sources
    from newsdesk.store.sqlite import connect

    db = connect(tmp_path / "desk.db")
    sources.add(db, "https://news.example/feed.xml", title="<script>alert(1)</script> Town news")
    with db:
        db.execute("UPDATE feeds SET failures = 2, last_error = 'HTTP 500 Internal Server Error'")
    db.close()
    with TestClient(create_app(str(tmp_path / "desk.db"))) as desk_client:
        listed = desk_client.get("/sources.json").json()["sources"]
        assert [(s["url"], s["status"], s["failures"]) for s in listed] == [
            ("https://news.example/feed.xml", "failing", 2)]
        page = desk_client.get("/sources").text
        assert "HTTP 500 Internal Server Error" in page and "2 in a row" in page
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_front_page_says_how_many_undated_stories_its_window_leaves_out(tmp_path):
    """A re-check found the sample's 500 undated Wikinews stories in no dated window (only in "all"), with
    nothing on the page to say so; the window ends at the newest dated item, and they are stamped later."""
    import json

    from click.testing import CliRunner

    from newsdesk.cli import main

    record = {"url": "https://wiki.example/1", "title": "Undated report",
              "text": "A council in a small town voted on Tuesday to build a new library, officials said. " * 3}
    (tmp_path / "undated.jsonl").write_text(json.dumps(record) + "\n")
    path = tmp_path / "desk.db"
    result = CliRunner().invoke(main, ["--db", str(path), "ingest", str(SEED), str(tmp_path / "undated.jsonl")])
    assert result.exit_code == 0, result.output
    with TestClient(create_app(str(path))) as desk_client:
        front = desk_client.get("/index.json").json()
        assert front["window"]["undated_after"] == 1
        assert "Undated report" not in {s["headline"] for s in front["stories"]}
        html = desk_client.get("/").text
        assert '<a href="/?all=true">1 more story</a> with no date of their own' in html and "is not in this window" in html
        # a QA pass: beside filters it read "370 more stories" next to "No stories match", the count not theirs
        assert "more story" not in desk_client.get("/", params={"site": "nowhere.example"}).text
        everything = desk_client.get("/index.json", params={"all": "true"}).json()
        assert "Undated report" in {s["headline"] for s in everything["stories"]}
        assert "Every story in the store." in desk_client.get("/", params={"all": "true"}).text


def test_atom_feeds_never_date_an_undated_item_1970(client):
    """A QA pass: an undated hit went out as updated 1970-01-01, and so did the feed holding it."""
    ns = {"a": "http://www.w3.org/2005/Atom"}
    hits = client.get("/search.json", params={"q": "syria OR aleppo OR hezbollah OR parliament"}).json()["hits"]
    assert any(h["published"] is None for h in hits)  # the case in point is there
    for path in ("/feed.atom", "/search.atom?q=syria OR aleppo OR hezbollah OR parliament"):
        feed = ET.fromstring(client.get(path).content)
        stamps = [feed.findtext("a:updated", namespaces=ns)] + [
            e.findtext("a:updated", namespaces=ns) for e in feed.findall("a:entry", ns)]
        assert stamps and all(s and not s.startswith("1970") for s in stamps)


def test_an_agency_is_the_source_of_an_article_without_a_site(ingested_desk):
    """The seed page is a text file with no address, so its story's one source is its agency, as the story
    page says ("AFP"): the source filters list it and find the story, and search by it finds the article
    (AFP had been missing from the filter, and the front card named no source)."""
    with TestClient(create_app(str(ingested_desk))) as desk_client:
        front = desk_client.get("/index.json", params={"all": "true"}).json()
        aleppo = next(s for s in front["stories"] if "Aleppo" in s["headline"] + (s["standfirst"] or ""))
        assert aleppo["sites"] == ["AFP"]
        assert "AFP" in desk_client.get("/").text.split('name="site"')[1].split("</select>")[0]
        filtered = desk_client.get("/index.json", params={"all": "true", "site": "afp"}).json()["stories"]
        assert [s["id"] for s in filtered] == [aleppo["id"]]
        hits = desk_client.get("/search.json", params={"q": "Aleppo", "site": "AFP"}).json()["hits"]
        assert hits and all(h["item_id"].startswith("a") for h in hits)
        assert desk_client.get("/search.json", params={"q": "Aleppo", "site": "Reuters"}).json()["hits"] == []


def test_an_article_page_gives_its_figures_dates_and_located_places(ingested_desk):
    """A monitor's QA pass: an article's page and JSON named its places without coordinates and gave no
    figures or dates, which only its story showed. The seed's Aleppo story: "killed 19 civilians including
    three children" on "Wednesday", which is 2016-10-05 against its 6 October date."""
    with TestClient(create_app(str(ingested_desk))) as desk_client:
        article_id = desk_client.get("/search.json", params={"q": "Thalthana"}).json()["hits"][0]["item_id"]
        facts = desk_client.get(f"/articles/{article_id}.json").json()["facts"]
        nineteen = next(f for f in facts["figures"] if f["text"] == "19")
        assert nineteen["category"] == "killed" and "three children" in nineteen["subgroups"]
        assert {"text": "Wednesday", "value": "2016-10-05"}.items() <= next(
            d for d in facts["dates"] if d["text"] == "Wednesday").items()
        aleppo = next(p for p in facts["places"] if p["name"] == "Aleppo")
        assert aleppo["country"] == "SY" and abs(aleppo["lat"] - 36.2) < 0.1 and abs(aleppo["lon"] - 37.16) < 0.1
        page = desk_client.get(f"/articles/{article_id}").text
        assert "<h3>Figures</h3>" in page and "2016-10-05" in page and "Aleppo</a> (SY)" in page
        assert 'class="map"' in page


def test_undated_stories_stay_out_of_a_window_that_a_fresh_fetch_moved_to_today(tmp_path):
    """A self-hoster's QA pass: the undated Wikinews sample, then one feed fetched today. The window moved to
    the fetch, and all the sample's stories, stamped with when newsdesk read them a minute before, fell inside
    it and led the desk (366 of them ahead of the day's real news). They stay outside, and are counted."""
    import json
    from datetime import UTC, datetime, timedelta

    from click.testing import CliRunner

    from newsdesk.cli import main

    subjects = ("A council voted to build a new library, officials said.",
                "The football club signed a young striker from a rival team.",
                "Astronomers found a comet that will pass close to Mars next year.")
    undated = [{"url": f"https://wiki.example/{n}", "title": f"Undated report: {text.split(' ', 2)[1]}",
                "text": f"{text} " * 8} for n, text in enumerate(subjects)]
    fresh = {"url": "https://news.example/today", "title": "Harbour reopens after storm",
             "text": "The harbour reopened on Friday after a storm closed it for a week, the port said. " * 3}
    path = tmp_path / "desk.db"
    for name, records in (("sample", undated), ("fetched", [fresh])):
        # published after the sample was read, as a feed fetched a minute later is
        fresh["published"] = (datetime.now(UTC) + timedelta(seconds=2)).isoformat(timespec="seconds")
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        result = CliRunner().invoke(main, ["--db", str(path), "ingest", str(tmp_path / f"{name}.jsonl")])
        assert result.exit_code == 0, result.output
    with TestClient(create_app(str(path))) as desk_client:
        front = desk_client.get("/index.json").json()
        assert [s["headline"] for s in front["stories"]] == ["Harbour reopens after storm"]
        assert front["window"]["undated_after"] == 3
        assert len(desk_client.get("/index.json", params={"all": "true"}).json()["stories"]) == 4
    listed = CliRunner().invoke(main, ["--db", str(path), "stories"])
    assert "Harbour reopens" in listed.stdout and "Undated report" not in listed.stdout
    assert "3 undated stories" in listed.stderr
    # a store of undated stories alone still shows them: there is no dated window to keep them out of
    alone = tmp_path / "alone.db"
    CliRunner().invoke(main, ["--db", str(alone), "ingest", str(tmp_path / "sample.jsonl")])
    with TestClient(create_app(str(alone))) as desk_client:
        assert len(desk_client.get("/index.json").json()["stories"]) == 3
