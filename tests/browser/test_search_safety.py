"""The search page with hostile names in the index: Pagefind UI puts filter values into the
page as HTML, so a participant named like markup must still be shown as text (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips (or fails) every test with the reason
    expect = None

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TEI = "{http://www.tei-c.org/ns/1.0}"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
HOSTILE_NAME = "<img src=x onerror=alert(1)> & <b>Co</b>"


@pytest.fixture(scope="module")
def hostile_search_url(tmp_path_factory, serve, settings, build_in_thread) -> str:
    """The sample edition, one of whose participants is named like markup (as a contributed
    TEI file or a person register could name them)."""
    folder = tmp_path_factory.mktemp("hostile-search")
    tei_dir = folder / "tei"
    shutil.copytree(ROOT / "tei", tei_dir, ignore=shutil.ignore_patterns(".*"))
    path = tei_dir / f"{ZUBOK}.xml"
    tree = etree.parse(str(path))
    person = tree.find(f".//{TEI}particDesc//{TEI}person[@role='speaker']/{TEI}persName")
    person.text = HOSTILE_NAME
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    report = build_in_thread(tei_dir, folder / "site", settings)
    assert report.search_pages == 3, [w.message for w in report.warnings]
    return serve(folder / "site").url


def test_a_participant_named_like_markup_is_text_in_the_search_filters(visit, hostile_search_url):
    v = visit(hostile_search_url)
    page = v.page
    page.goto("search.html")
    page.locator("#search input").first.fill("Khrushchev")
    page.locator(".pagefind-ui__result").first.wait_for(state="visible")
    page.locator(".pagefind-ui__filter-name", has_text="Participant").click()
    labels = page.locator(".pagefind-ui__filter-label")
    labels.first.wait_for(state="visible")
    texts = labels.all_inner_texts()
    assert any(text.startswith(HOSTILE_NAME) for text in texts), texts
    assert page.locator(".pagefind-ui__filters img, .pagefind-ui__filters b").count() == 0
    # the filter still filters
    page.locator("input[name='Participant']").and_(page.get_by_label(HOSTILE_NAME, exact=False)).check()
    expect(page.locator(".pagefind-ui__result")).to_have_count(1)
    page.wait_for_timeout(300)
    assert v.dialogs == [], "a script from a participant's name ran"
    assert v.errors == []
