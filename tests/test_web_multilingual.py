"""The desk's pages with news in other scripts: text from the web carries its language (``lang``) and
``dir="auto"``, so Arabic and Hebrew run right to left and CJK gets its own fonts; a language code read
from a page never breaks out of its attribute; and an article whose facts were not read (not English)
says so on its page and in ``newsdesk facts``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from web_fixtures import Elements

from newsdesk.cli import main
from newsdesk.records import Article, Block, Caption, Entity, Facts, Page, Teaser
from newsdesk.store import write
from newsdesk.store.sqlite import connect
from newsdesk.web.app import create_app

AR_HEADLINE = "الجيش السوري يعلن تقليص الغارات على حلب"
AR_STANDFIRST = "أعلن الجيش السوري الأربعاء أنه سيقلص غاراته الجوية على الأحياء الشرقية لمدينة حلب."
AR_PARAGRAPHS = [
    "حلب (سوريا) 6 تشرين الأول/أكتوبر 2016 (أ ف ب) - أعلن الجيش السوري الأربعاء أنه سيقلص غاراته الجوية على "
    "الأحياء الشرقية لمدينة حلب التي تسيطر عليها الفصائل المعارضة.",
    "وقال المرصد السوري لحقوق الإنسان إن 19 شخصا قتلوا بينهم خمسة أطفال في الغارات على الأحياء الشرقية يوم الثلاثاء.",
    "وأجرى وزير الخارجية الروسي سيرغي لافروف اتصالا هاتفيا مع نظيره الأمريكي جون كيري بحثا خلاله الوضع في سوريا.",
]
AR_CAPTION = "سكان يتفقدون الدمار في حي الشعار في حلب"
AR_SUBHEAD = "مقتل 19 مدنيا"
HE_HEADLINE = "הממשלה אישרה את תקציב המדינה"
HE_TEXT = (
    "הממשלה אישרה הלילה את תקציב המדינה לשנים הקרובות לאחר דיון ארוך שנמשך שעות רבות. שר האוצר אמר כי התקציב "
    "יאפשר השקעות גדולות בתשתיות, בחינוך ובבריאות, וכי הגירעון יישאר בגבולות היעד שנקבע. האופוזיציה מתחה "
    "ביקורת חריפה על ההחלטה וטענה כי התקציב אינו עונה על צורכי מעמד הביניים."
)
ZH_HEADLINE = "国家统计局：前三季度居民收入实际增长6.3%"
ZH_TEXT = "国家统计局6日发布数据显示，今年前三季度全国居民人均可支配收入实际增长6.3%，城乡居民收入差距继续缩小。"
EN_TEXT = (
    "Secretary of State John Kerry said on Wednesday that the United States would keep working with Russia on "
    "a ceasefire in Syria, after talks with the Russian foreign minister in Geneva ended without an agreement "
    "on aid deliveries to the besieged city."
)
BAD_LANGUAGE = 'en" onmouseover="alert(1)'
XSS_HEADLINE = '<script>alert("lang")</script>Évacuation <b>ordonnée</b>'


def _article(db, uri: str, blocks: list[Block], language: str | None, title: str, **extra) -> Article:
    raw = "\n".join(b.text for b in blocks).encode()
    page = Page(uri=uri, raw=raw, kind="text", url=f"https://news.example/{uri}", source="news.example")
    article = Article(page_hash=page.hash, blocks=blocks, title=title, language=language, site="news.example",
                      published="2016-10-06T10:00:00", url=page.url, **extra)
    write.save_page(db, page)
    write.save_article(db, article)
    return article


def _story(db, story_id: str, headline: str, standfirst: str, articles: list[Article]) -> None:
    db.execute("INSERT INTO stories (id, headline, standfirst, first_seen, last_seen, size, sources) "
               "VALUES (?, ?, ?, '2016-10-06T10:00:00', '2016-10-06T10:00:00', ?, 1)",
               (story_id, headline, standfirst, len(articles)))
    for article in articles:
        db.execute("INSERT INTO story_members (story_id, item_id, kind) VALUES (?, ?, 'article')",
                   (story_id, article.id))
        db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article.id))


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("multilingual") / "desk.db"
    db = connect(path)
    with db:
        blocks = [Block("p", AR_PARAGRAPHS[0]), Block("h", AR_SUBHEAD)] + [Block("p", p) for p in AR_PARAGRAPHS[1:]]
        arabic = _article(db, "ar", blocks, "ar", AR_HEADLINE,
                          standfirst=AR_STANDFIRST, byline="مراسل الوكالة", captions=[Caption(AR_CAPTION)])
        hebrew = _article(db, "he", [Block("p", HE_TEXT)], "he", HE_HEADLINE)
        chinese = _article(db, "zh", [Block("p", ZH_TEXT)], "zh", ZH_HEADLINE)
        hostile = _article(db, "bad", [Block("p", "Le texte de la page.")], BAD_LANGUAGE, XSS_HEADLINE)
        english = _article(db, "en", [Block("p", EN_TEXT)], "en", "Kerry says talks with Russia will go on")
        teaser = Teaser("第二十届上海国际电影节明年六月举行", "来自一百多个国家和地区的影片报名参赛。",
                        url="https://news.example/film", page_hash=chinese.page_hash)
        write.save_teaser(db, teaser, chinese.id, "news.example")
        write.save_facts(db, Facts(english.id, entities=[Entity("PERSON", "John Kerry", [])]), version=1)
        _story(db, "s-he", HE_HEADLINE, "שר האוצר אמר כי התקציב יאפשר השקעות גדולות", [hebrew])
        _story(db, "s-ar", AR_HEADLINE, AR_STANDFIRST, [arabic])
        _story(db, "s-mixed", "Kerry and Lavrov talk about Aleppo", "", [arabic, english])
    db.close()
    return path, {"ar": arabic.id, "he": hebrew.id, "zh": chinese.id, "bad": hostile.id, "en": english.id,
                  "teaser": teaser.id}


@pytest.fixture(scope="module")
def client(desk):
    with TestClient(create_app(str(desk[0]))) as test_client:
        yield test_client


def inherited(node: dict, attribute: str) -> str | None:
    """An attribute in effect for an element, as ``lang`` and ``dir`` are: its own or its nearest ancestor's."""
    while node is not None:
        if attribute in node["attrs"]:
            return node["attrs"][attribute]
        node = node["parent"]
    return None


def language_of(node: dict) -> str | None:
    return inherited(node, "lang")


def assert_marked(node: dict, language: str | None) -> None:
    assert node["attrs"].get("dir") == "auto", node["attrs"]
    # the desk's own words are English; text of unknown language must not claim to be
    assert language_of(node) == (language or "en")
    if language is None:
        assert "lang" not in node["attrs"]


def test_rtl_article_page_marks_language_and_direction(client, desk):
    _, ids = desk
    page = client.get(f"/articles/{ids['ar']}")
    assert page.status_code == 200
    tree = Elements(page.text)
    assert tree.holding("html", AR_HEADLINE)["attrs"]["lang"] == "en"  # the desk's own words stay English
    assert_marked(tree.holding("h1", AR_HEADLINE), "ar")
    assert_marked(tree.holding("p", AR_STANDFIRST), "ar")
    for paragraph in AR_PARAGRAPHS:
        assert_marked(tree.holding("p", paragraph), "ar")
    assert_marked(tree.holding("figcaption", AR_CAPTION), "ar")
    # a subhead takes the direction of the body around it
    subhead = tree.holding("h2", AR_SUBHEAD)
    assert language_of(subhead) == "ar" and inherited(subhead, "dir") == "auto"
    assert_marked(tree.holding("span", "مراسل الوكالة"), "ar")


def test_story_cards_and_story_pages_mark_their_headlines(client, desk):
    _, ids = desk
    front = Elements(client.get("/", params={"all": "true"}).text)
    assert_marked(front.holding("h2", HE_HEADLINE), "he")
    assert_marked(front.holding("p", "שר האוצר אמר"), "he")
    assert_marked(front.holding("h2", "Kerry and Lavrov talk about Aleppo"), None)  # articles in two languages
    assert {s["id"]: s["language"] for s in client.get("/index.json", params={"all": "true"}).json()["stories"]} == {
        "s-he": "he", "s-ar": "ar", "s-mixed": None}
    story = Elements(client.get("/stories/s-ar").text)
    assert_marked(story.holding("h1", AR_HEADLINE), "ar")
    assert_marked(story.holding("p", AR_STANDFIRST), "ar")
    mixed = Elements(client.get("/stories/s-mixed").text)
    assert_marked(mixed.holding("h3", AR_HEADLINE), "ar")  # each member in its own language
    assert_marked(mixed.holding("h3", "Kerry says talks"), "en")


def test_search_hits_and_teaser_pages_mark_their_text(client, desk):
    _, ids = desk
    hits = Elements(client.get("/search", params={"q": "حلب"}).text)
    assert_marked(hits.holding("h2", AR_HEADLINE), "ar")
    snippet = next(e for e in hits.elements if e["tag"] == "p" and "snippet" in e["attrs"].get("class", ""))
    assert_marked(snippet, "ar")
    teaser = Elements(client.get(f"/teasers/{ids['teaser']}").text)
    assert_marked(teaser.holding("h1", "上海国际电影节"), None)  # a teaser's language is not known
    assert_marked(teaser.holding("p", "来自一百多个国家"), None)
    assert_marked(teaser.holding("a", ZH_HEADLINE), "zh")  # the article of its page
    article = Elements(client.get(f"/articles/{ids['zh']}").text)
    assert_marked(article.holding("h1", ZH_HEADLINE), "zh")
    assert_marked(article.holding("a", "上海国际电影节"), None)  # the page's teasers


def test_entity_pages_mark_the_headlines_they_list(client, desk):
    tree = Elements(client.get("/entities/John Kerry").text)
    assert_marked(tree.holding("a", "Kerry says talks with Russia"), "en")


def test_a_language_read_from_the_page_stays_inside_its_attribute(client, desk):
    _, ids = desk
    page = client.get(f"/articles/{ids['bad']}")
    assert page.status_code == 200
    tree = Elements(page.text)
    assert not any("onmouseover" in e["attrs"] for e in tree.elements)
    assert not any(e["tag"] == "script" for e in tree.elements)
    headline = tree.holding("h1", "Évacuation")
    assert_marked(headline, None)  # no lang at all rather than a broken one
    assert headline["text"] == XSS_HEADLINE  # shown as text, escaped
    assert "&lt;script&gt;" in page.text and "en&#34; onmouseover" in page.text  # the code is shown, as text
    hits = Elements(client.get("/search", params={"q": "texte"}).text)
    assert not any("onmouseover" in e["attrs"] for e in hits.elements)


def test_an_article_not_in_english_says_why_it_names_nobody(client, desk):
    _, ids = desk
    tree = Elements(client.get(f"/articles/{ids['ar']}").text)
    section = tree.holding("section", "Facts are read from English text only")
    assert "this article is in 'ar'" in section["text"]
    assert "English text only" in client.get(f"/articles/{ids['he']}").text
    assert client.get(f"/articles/{ids['ar']}.json").json()["facts_note"].startswith("Facts are read from English")
    english = client.get(f"/articles/{ids['en']}")
    assert "John Kerry" in english.text and "English text only" not in english.text
    assert client.get(f"/articles/{ids['en']}.json").json()["facts_note"] is None


def test_facts_of_an_article_or_story_not_in_english_say_why_there_are_none(desk):
    pytest.importorskip("spacy")
    path, ids = desk
    runner = CliRunner()

    def facts(*args: str):
        result = runner.invoke(main, ["--db", str(path), "facts", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    human = facts(ids["ar"])
    assert human.stdout == ""
    note = "facts are read from English text only; this article is in 'ar'"
    assert human.stderr.strip() == f"note: {ids['ar']}: {note}"
    record = json.loads(facts(ids["he"], "--json").stdout)
    assert record["entities"] == [] and record["skipped"] == [{"article_id": ids["he"], "language": "he"}]
    assert record["note"] == "facts are read from English text only; this article is in 'he'"
    story = json.loads(facts("s-mixed", "--json").stdout)
    assert story["skipped"] == [{"article_id": ids["ar"], "language": "ar"}]
    assert story["note"] == "facts are read from English text only; 1 of its 2 articles is in 'ar'"
    assert "note" not in json.loads(facts(ids["en"], "--json").stdout)
