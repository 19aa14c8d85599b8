"""A realistic desk for the web tests, written record by record (no extraction, grouping or NER needed):
the seed page's AFP Aleppo story split by hand, a syndicated copy of it, a related article, the page's
20 teasers, a hostile page, an untitled undated one, and the facts a reader would expect."""

from __future__ import annotations

import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsdesk.records import Article, Block, Caption, Entity, Facts, Figure, Page, Place, Source, Teaser
from newsdesk.store import write
from newsdesk.store.sqlite import connect

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "aleppo-afp-with-teasers.txt"
AFP_SITE, COPY_SITE, OTHER_SITE = "thestar.com.my", "dailysabah.com", "aljazeera.com"
XSS_TITLE = '<script>alert("title")</script>Evil <b>bold</b> headline'
XSS_BODY = 'Click <a href="javascript:alert(1)" onclick="alert(2)">here</a> <img src=x onerror="alert(3)"> now.'


def split_seed(text: str) -> tuple[list[Block], str, str, str, list[tuple[str, str]]]:
    """The seed page as (body blocks, agency, date line, caption, teasers): what a good extractor finds."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    end = lines.index("AFP")
    blocks = [
        Block("h", line.strip("- ").strip()) if line.startswith("- ") and line.endswith(" -") else Block("p", line)
        for line in lines[:end]
    ]
    agency, date_line, caption = lines[end], lines[end + 1], lines[end + 2]
    rest = lines[end + 3 :]
    teasers = [(rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2)]
    return blocks, agency, date_line, caption, teasers


def _page(uri: str, url: str | None, site: str | None, raw: bytes) -> Page:
    return Page(uri=uri, raw=raw, kind="text", url=url, source=site, fetched="2016-10-06T12:00:00Z")


def _store_article(
    db: sqlite3.Connection,
    page: Page,
    article: Article,
    headline: str | None = None,
    duplicate_of: str | None = None,
    seen: str | None = None,
) -> None:
    write.save_page(db, page)
    write.save_article(db, article, duplicate_of=duplicate_of)
    write.save_source(
        db, Source(duplicate_of or article.id, page.hash, article.site, article.url, seen or article.published)
    )
    if headline:
        write.set_headline(db, article.id, headline, 0, article.standfirst or "", None)


def _story(
    db: sqlite3.Connection, story_id: str, headline: str, standfirst: str, members: list[tuple[str, str]]
) -> None:
    db.execute("INSERT INTO stories (id, headline, standfirst) VALUES (?, ?, ?)", (story_id, headline, standfirst))
    for item_id, kind in members:
        db.execute("INSERT INTO story_members (story_id, item_id, kind) VALUES (?, ?, ?)", (story_id, item_id, kind))
        db.execute(
            f"UPDATE {'articles' if kind == 'article' else 'teasers'} SET story_id = ? WHERE id = ?",
            (story_id, item_id),
        )
    db.execute(
        """UPDATE stories SET size = (SELECT count(*) FROM story_members WHERE story_id = :id),
             sources = (SELECT count(DISTINCT coalesce(a.site, t.site)) FROM story_members m
                        LEFT JOIN articles a ON a.id = m.item_id LEFT JOIN teasers t ON t.id = m.item_id
                        WHERE m.story_id = :id)
                       + (SELECT count(*) FROM sources s JOIN story_members m ON m.item_id = s.article_id
                          WHERE m.story_id = :id) - (SELECT count(*) FROM story_members m JOIN articles a
                          ON a.id = m.item_id WHERE m.story_id = :id),
             first_seen = (SELECT min(time) FROM story_times WHERE story_id = :id),
             last_seen = (SELECT max(time) FROM story_times WHERE story_id = :id) WHERE id = :id""",
        {"id": story_id},
    )


def build_desk(path: Path) -> dict:
    """Write the fixture desk at ``path``; returns the ids the tests look for."""
    db = connect(path)
    blocks, agency, _, caption, teasers = split_seed(SEED.read_text(encoding="utf-8"))
    raw = SEED.read_bytes()
    ids: dict = {}
    with db:
        seed_page = _page(str(SEED), "https://www.thestar.com.my/news/world/2016/10/06/syria-aleppo", AFP_SITE, raw)
        afp = Article(
            page_hash=seed_page.hash,
            blocks=blocks,
            title=None,
            title_source="none",
            agency=agency,
            published="2016-10-06T09:30:00",
            language="en",
            site=AFP_SITE,
            url=seed_page.url,
            standfirst="Syria's military announced Wednesday it was scaling back its bombardment of rebels "
            "in devastated Aleppo.",
            captions=[Caption(caption)],
        )
        _store_article(db, seed_page, afp, headline="Syria's military scales back bombardment of rebels in Aleppo")
        page_teasers = [
            Teaser(h, s, url=f"https://www.thestar.com.my/news/{i}", page_hash=seed_page.hash)
            for i, (h, s) in enumerate(teasers)
        ]
        for teaser in page_teasers:
            write.save_teaser(db, teaser, afp.id, AFP_SITE)
        copy_page = _page("copy.html", "https://www.dailysabah.com/mideast/2016/10/06/aleppo", COPY_SITE, raw + b"\n")
        copy = Article(
            page_hash=copy_page.hash,
            blocks=blocks,
            title="Syria army says reducing Aleppo bombardment",
            agency="AFP",
            published="2016-10-06T11:00:00",
            language="en",
            site=COPY_SITE,
            url=copy_page.url,
        )
        _store_article(db, copy_page, copy, duplicate_of=afp.id, seen=copy.published)
        convoy_text = (
            "The United Nations concluded an air strike was responsible for the attack on an aid convoy near "
            "Aleppo that killed nearly 20 people, said Lars Bromley of the UN satellite agency."
        )
        convoy_page = _page(
            "convoy.html", "https://www.aljazeera.com/news/2016/10/05/convoy", OTHER_SITE, convoy_text.encode()
        )
        convoy = Article(
            page_hash=convoy_page.hash,
            blocks=[Block("p", convoy_text)],
            title="UN says air strike hit Aleppo aid convoy",
            byline="Staff and agencies",
            published="2016-10-05T18:00:00",
            language="en",
            site=OTHER_SITE,
            url=convoy_page.url,
        )
        _store_article(db, convoy_page, convoy, headline=convoy.title)
        evil_page = _page("evil.html", "javascript:alert('url')", "evil.example", XSS_BODY.encode())
        evil = Article(
            page_hash=evil_page.hash,
            blocks=[Block("h", '<script>alert("subhead")</script>'), Block("p", XSS_BODY)],
            title=XSS_TITLE,
            published="2016-10-06T08:00:00",
            language="en",
            site="evil.example",
            url=evil_page.url,
            byline='<img src=x onerror="alert(4)">',
        )
        _store_article(db, evil_page, evil, headline=XSS_TITLE)
        bare_page = _page("bare.txt", None, None, b"A paragraph without a title, a date or a source.")
        bare = Article(
            page_hash=bare_page.hash, blocks=[Block("p", "A paragraph without a title, a date or a source.")]
        )
        _store_article(db, bare_page, bare)
        hezbollah = [t for t in page_teasers if "Hezbollah" in t.headline]
        _story(
            db,
            "s-aleppo",
            "Syria scales back Aleppo bombardment as UN blames air strike for convoy attack",
            "Syria's army said it would reduce air strikes on rebel-held Aleppo.",
            [(afp.id, "article"), (convoy.id, "article")],
        )
        _story(
            db,
            "s-hezbollah",
            "Israel and Hezbollah agree to a US- and France-brokered ceasefire",
            "Israel will gradually withdraw its forces over 60 days.",
            [(t.id, "teaser") for t in hezbollah],
        )
        _story(db, "s-evil", XSS_TITLE, XSS_BODY, [(evil.id, "article")])
        _story(db, "s-bare", None, None, [(bare.id, "article")])
        for teaser in page_teasers:
            if teaser not in hezbollah and "TikTok" in teaser.headline:
                _story(db, "s-tiktok", teaser.headline, teaser.standfirst, [(teaser.id, "teaser")])
        text = afp.text

        def spans(name: str) -> list[tuple[int, int, str]]:
            start = text.find(name)
            return [(start, start + len(name), name)] if start >= 0 else []

        people = [
            "Bashar al-Assad",
            "John Kerry",
            "Sergei Lavrov",
            "Jean-Marc Ayrault",
            "Rami Abdel Rahman",
            "Lars Bromley",
        ]
        places = [
            ("Aleppo", "SY", 36.20124, 37.16117),
            ("Moscow", "RU", 55.75222, 37.61556),
            ("Washington", "US", 38.89511, -77.03637),
            ("Thalthana", "SY", None, None),
        ]
        write.save_facts(
            db,
            Facts(
                afp.id,
                entities=[Entity("PERSON", p, spans(p)) for p in people]
                + [Entity("ORG", "Syrian Observatory for Human Rights", spans("Syrian Observatory for Human Rights"))],
                places=[Place(n, c, lat, lon, None, spans(n)) for n, c, lat, lon in places],
                figures=[
                    Figure(
                        "killed",
                        "270",
                        270,
                        270,
                        victims="people, including 53 children",
                        place="Aleppo",
                        attributed_to="a monitor",
                        sentence=blocks[2].text,
                    ),
                    Figure(
                        "killed",
                        "19",
                        19,
                        19,
                        victims="civilians",
                        subgroups=["three children"],
                        place="Thalthana",
                        time="Wednesday",
                        attributed_to="the Observatory",
                        sentence="",
                    ),
                ],
            ),
            version=1,
        )
        write.save_facts(
            db,
            Facts(
                convoy.id,
                entities=[Entity("PERSON", "Lars Bromley", [])],
                places=[Place("Aleppo", "SY", 36.20124, 37.16117)],
                figures=[
                    Figure(
                        "killed",
                        "nearly 20",
                        18,
                        20,
                        victims="people",
                        place="Aleppo",
                        attributed_to="the United Nations",
                    )
                ],
            ),
            version=1,
        )
        ids.update(
            afp=afp.id,
            copy=copy.id,
            convoy=convoy.id,
            evil=evil.id,
            bare=bare.id,
            teasers=[t.id for t in page_teasers],
            hezbollah=[t.id for t in hezbollah],
        )
    db.close()
    return ids


@pytest.fixture(scope="session")
def desk(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("desk") / "desk.db"
    return path, build_desk(path)


@pytest.fixture(scope="session")
def client(desk):
    from fastapi.testclient import TestClient

    from newsdesk.web.app import create_app

    with TestClient(create_app(str(desk[0]))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def ingested_desk(tmp_path_factory) -> Path:
    """The seed page through the whole pipeline (`newsdesk ingest`): what a user's first desk holds."""
    from click.testing import CliRunner

    from newsdesk.cli import main

    path = tmp_path_factory.mktemp("ingested") / "desk.db"
    result = CliRunner().invoke(main, ["--db", str(path), "ingest", str(SEED)])
    assert result.exit_code == 0, result.output
    return path


class Elements(HTMLParser):
    """Every element of a page in document order, with its attributes, its parent (``root``, a stand-in
    with no attributes, for a top one), its open ancestors (outermost first) and all the text inside it."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col", "embed"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = {"tag": "#root", "attrs": {}, "text": "", "parent": None, "ancestors": []}
        self.stack, self.elements = [self.root], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "attrs": dict(attrs), "text": "", "parent": self.stack[-1], "ancestors": self.stack[1:]}
        self.elements.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth]["tag"] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        for node in self.stack:
            node["text"] += data

    def holding(self, tag: str, text: str) -> dict:
        """The innermost ``tag`` element whose text contains ``text``."""
        found = [e for e in self.elements if e["tag"] == tag and text in e["text"]]
        assert found, f"no <{tag}> holds {text!r}"
        return found[-1]
