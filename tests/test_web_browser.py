"""The desk in a real browser: Playwright driving Debian's Chromium against a live uvicorn server.

A reader's path (front page → story → article, and a search) on desktop and phone widths; the keyboard
path; hostile text that must not run; and no request leaving the machine. Screenshots go to
tests/screenshots/ for a person to look at. Skips when /usr/bin/chromium is absent (CI installs it).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from web_fixtures import XSS_TITLE, desk, ingested_desk  # noqa: F401  (fixtures)

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (scripts/setup-browser.sh)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db_path: Path):
    """Run the desk on a loopback port in a thread; yields its base URL and stops it afterwards."""
    import uvicorn

    from newsdesk.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db_path)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the desk did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(desk):
    yield from serve(desk[0])


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that a reader never should see: dialogs (a script ran), console errors, and
    requests to anywhere but the desk itself."""

    def __init__(self, page, base_url: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: None if r.url.startswith((base_url, "data:")) else self.foreign.append(r.url))

    def assert_clean(self) -> None:
        assert self.dialogs == [] and self.errors == [] and self.foreign == []


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width,label", [(1280, "desktop"), (390, "phone")])
def test_reader_goes_from_front_page_to_story_to_article(browser, base_url, width, label):
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = Watch(page, base_url)
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text() == "Top stories"
    cards = page.locator("ol.stories > li h2 a")
    assert cards.count() == 4  # the dated stories; the undated one is listed with ?all
    assert cards.first.inner_text().startswith("Syria scales back Aleppo bombardment")
    shot(page, f"front-{label}")
    cards.first.click()
    page.wait_for_url("**/stories/s-aleppo")
    assert "Aleppo" in page.locator("h1").inner_text()
    assert page.locator("figure.chart svg rect.bar").count() >= 2
    assert page.locator("figure.map circle.dot").count() == 3
    # the map's land outline is a vendored file and actually loads
    assert page.evaluate("() => fetch('/static/land-110m.svg').then(r => r.ok)")
    shot(page, f"story-{label}")
    page.get_by_role("link", name="Syria's military scales back bombardment of rebels in Aleppo").click()
    page.wait_for_url("**/articles/*")
    assert page.locator("h1").inner_text() == "Syria's military scales back bombardment of rebels in Aleppo"
    assert page.locator(".body h2").all_inner_texts() == ["'Deeply shocking and shameful'", "Strike kills 19 civilians"]
    assert page.locator("aside.teasers li").count() == 20
    assert (
        page.get_by_role(
            "link", name="Syria scales back Aleppo bombardment as UN blames air strike for convoy attack"
        ).count()
        == 1
    )
    shot(page, f"article-{label}")
    # nothing overflows sideways on a phone
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    watch.assert_clean()
    page.close()


def test_search_finds_the_aleppo_story(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, base_url)
    page.goto(base_url + "/")
    page.get_by_label("Search articles").first.fill("Aleppo bombardment")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Aleppo+bombardment")
    first = page.locator("ol.hits > li").first
    assert "Syria's military scales back bombardment of rebels in Aleppo" in first.locator("h2").inner_text()
    assert first.locator("mark").count() >= 2
    shot(page, "search-desktop")
    first.get_by_role("link", name="story").click()
    page.wait_for_url("**/stories/s-aleppo")
    watch.assert_clean()
    page.close()


def test_keyboard_reaches_content_and_links(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    for _ in range(30):  # tab on until the first story link has focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == "/stories/s-aleppo":
            break
    else:
        pytest.fail("the first story is not reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/s-aleppo")
    # every form control has a label
    page.goto(base_url + "/search?q=aleppo")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select')]
        .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name)""")
    assert unlabelled == []
    page.close()


def test_hostile_article_does_not_run(browser, base_url, desk):
    _, ids = desk
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, base_url)
    for path in ("/", "/stories/s-evil", f"/articles/{ids['evil']}", "/search?q=evil"):
        page.goto(base_url + path)
        assert page.locator("body script, body img, [onclick], [onerror]").count() == 0, path
        for link in page.locator("a").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:"), path
    page.goto(base_url + f"/articles/{ids['evil']}")
    assert page.locator("h1").inner_text() == XSS_TITLE  # shown as the text it is
    assert "onerror" in page.locator(".body p").inner_text()
    shot(page, "hostile-article")
    watch.assert_clean()
    page.close()


@pytest.fixture(scope="module")
def ingested_url(ingested_desk):
    yield from serve(ingested_desk)


def test_reader_reads_the_seed_page_as_stories(browser, ingested_url):
    """After `newsdesk ingest` of the seed: the front page lists its stories, and a click on the Aleppo
    story reaches the AFP article, whose teasers are listed apart."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page, ingested_url)
    page.goto(ingested_url + "/?all=true")
    cards = page.locator("ol.stories > li h2 a")
    assert cards.count() >= 2
    shot(page, "ingested-front")
    page.goto(ingested_url + "/search?q=Aleppo")
    page.locator("ol.hits > li").first.get_by_role("link", name="story").click()
    page.wait_for_url("**/stories/*")
    shot(page, "ingested-story")
    page.locator("ol.timeline a[href^='/articles/']").first.click()
    page.wait_for_url("**/articles/*")
    assert "Aleppo" in page.locator(".body").inner_text()
    assert page.locator("aside.teasers li").count() >= 15
    shot(page, "ingested-article")
    watch.assert_clean()
    page.close()
