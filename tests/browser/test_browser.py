"""The website in a real browser: headless Chromium (Playwright) against `edition serve`.

The site is built once from the repository's tei/ (conftest.py). Each test opens its own
browser context, which records every request, script error and dialog.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

try:
    from playwright.sync_api import expect
except ImportError:  # the `chromium_path` fixture skips (or fails) every test with the reason
    expect = None


pytestmark = pytest.mark.browser

TEI_NS = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
DOC_PAGE = f"documents/{ZUBOK}.html"


def tei(doc_id: str = ZUBOK):
    return etree.parse(str(ROOT / "tei" / f"{doc_id}.xml")).getroot()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => {
        const r = el.getBoundingClientRect();
        return r.height > 0 && r.top >= -1 && r.top < window.innerHeight && r.bottom > 0;
    }""")


def assert_local(v, base_url: str) -> None:
    assert v.requests, "no request recorded"
    assert v.foreign_requests(base_url) == [], "requests left the site"


# --- (a) a document page ------------------------------------------------------------------


def test_document_page_shows_title_speakers_and_every_turn(visit, base_url, settings):
    root = tei()
    v = visit()
    page = v.page
    response = page.goto(DOC_PAGE)
    assert response.status == 200
    title = squash(root.xpath("string(//t:titleStmt/t:title[@type='main'])", namespaces=TEI_NS))
    assert page.title() == f"{title} · {settings.title}"
    assert squash(page.inner_text("h1")) == title

    sps = root.xpath("//t:text//t:sp", namespaces=TEI_NS)
    turns = page.locator(".conversation .turn")
    assert turns.count() == len(sps) > 0
    assert page.locator(".turn").count() == len(sps)
    shown = page.eval_on_selector_all(".conversation .turn", """els => els.map(el => ({
        id: el.id, who: el.dataset.who,
        speaker: (el.querySelector('.speaker') || {}).innerText || '',
        visible: !!(el.offsetWidth || el.offsetHeight) }))""")
    for sp, turn in zip(sps, shown):
        assert turn["id"] == sp.get(XML_ID)
        assert turn["who"] == " ".join(w.lstrip("#") for w in sp.get("who", "").split())
        assert squash(turn["speaker"]) == squash(sp.xpath("string(t:speaker)", namespaces=TEI_NS))
        assert turn["visible"], turn["id"]
    # the speaker labels are visible text, and the participants are named
    assert page.locator("#sp-1 .speaker").is_visible()
    assert {squash(s) for s in page.locator(".turn .speaker").all_inner_texts()} >= {"Mao Zedong", "N.S. Khrushchev"}
    # editorial hooks are present and visible
    for selector in (".narration", ".permalink", "#citation", "#passage-citation", "#notes li.note"):
        assert page.locator(selector).first.is_visible(), selector
    assert page.locator(".copy-button").first.is_visible(), "copy buttons are shown when JavaScript runs"
    assert v.errors == [], "script errors on the document page"
    assert_local(v, base_url)


# --- (b) footnotes -------------------------------------------------------------------------


def _note_text(note_id: str, doc_id: str = ZUBOK) -> str:
    note = tei(doc_id).xpath(f"//t:text//t:note[@xml:id='{note_id}']", namespaces=TEI_NS)[0]
    return squash("".join(note.itertext()))


def test_footnote_opens_beneath_the_passage(visit, base_url):
    v = visit()
    page = v.page
    page.goto(DOC_PAGE)
    ref = page.locator("a.note-ref").first
    href = ref.get_attribute("href")
    note_id = href[1:]
    assert re.fullmatch(r"(fn|en)-\d+", note_id)
    assert page.locator(".note-popup").count() == 0
    ref.click()
    popup = page.locator(f"#popup-{note_id}.note-popup")
    popup.wait_for(state="visible")
    expected = _note_text(note_id)
    assert expected[:60] in squash(popup.inner_text())
    assert ref.get_attribute("aria-expanded") == "true"
    assert page.url.endswith(DOC_PAGE), "opening a note must not jump to the notes section"
    # the popup follows the paragraph that holds the marker and is on screen
    placement = page.evaluate("""([refSel, popSel]) => {
        const ref = document.querySelector(refSel), pop = document.querySelector(popSel);
        const host = ref.closest('p, li, .turn-head, .dateline');
        return { after: pop.previousElementSibling === host,
                 below: pop.getBoundingClientRect().top >= host.getBoundingClientRect().bottom - 1,
                 top: pop.getBoundingClientRect().top, height: window.innerHeight };
    }""", [f'a.note-ref[href="{href}"]', f"#popup-{note_id}"])
    assert placement["after"] and placement["below"], placement
    assert 0 <= placement["top"] < placement["height"], placement
    # Escape closes it and gives focus back to the marker
    page.keyboard.press("Escape")
    assert page.locator(".note-popup").count() == 0
    assert ref.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
    assert v.errors == []
    assert_local(v, base_url)


def test_footnote_without_javascript_goes_to_the_notes_section(visit, base_url):
    v = visit(java_script_enabled=False)
    page = v.page
    page.goto(DOC_PAGE)
    assert page.evaluate("1 + 1") == 2  # evaluate still works; the page's scripts do not run
    assert page.eval_on_selector("html", "el => el.classList.contains('js')") is False
    ref = page.locator("a.note-ref").first
    href = ref.get_attribute("href")
    ref.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert page.locator(".note-popup").count() == 0
    note = f"#notes li.note{href}"
    assert page.locator(note).is_visible()
    assert page.eval_on_selector(note, "el => el.matches(':target')")
    assert in_viewport(page, note)
    assert _note_text(href[1:])[:60] in squash(page.inner_text(note))
    # :target styling marks it (the same outline as .is-target)
    assert page.eval_on_selector(note, "el => getComputedStyle(el).outlineStyle") == "solid"
    # and the note's number leads back to the marker
    page.click(f"{note} a.note-number")
    page.wait_for_url(re.compile("#noteref-"))
    assert in_viewport(page, f'a.note-ref[href="{href}"]')


# --- (c) a passage URL -----------------------------------------------------------------------


def test_passage_url_scrolls_to_and_marks_the_turn(visit, base_url):
    v = visit()
    page = v.page
    page.goto(f"{DOC_PAGE}#sp-12")
    turn = page.locator("#sp-12")
    page.wait_for_function("document.getElementById('sp-12').classList.contains('is-target')")
    assert page.locator(".is-target").count() == 1
    assert turn.evaluate("el => el.matches(':target')")
    assert in_viewport(page, "#sp-12")
    assert page.evaluate("window.scrollY") > 500, "the page did not scroll"
    styles = page.evaluate("""() => {
        const s = el => { const c = getComputedStyle(el); return [c.backgroundColor, c.outlineStyle]; };
        return { target: s(document.getElementById('sp-12')), other: s(document.getElementById('sp-11')) };
    }""")
    assert styles["target"] != styles["other"], "the marked turn looks like any other"
    assert styles["target"][1] == "solid"
    # following another passage link moves the mark
    page.evaluate("location.hash = '#sp-13'")
    page.wait_for_function("document.getElementById('sp-13').classList.contains('is-target')")
    assert page.locator(".is-target").count() == 1
    assert v.errors == []


def test_passage_url_without_javascript_is_marked_by_target(visit, base_url):
    v = visit(java_script_enabled=False)
    page = v.page
    page.goto(f"{DOC_PAGE}#sp-12")
    assert page.eval_on_selector("#sp-12", "el => el.matches(':target')")
    assert in_viewport(page, "#sp-12")
    assert page.eval_on_selector("#sp-12", "el => getComputedStyle(el).outlineStyle") == "solid"
    assert page.eval_on_selector("#sp-11", "el => getComputedStyle(el).outlineStyle") != "solid"


# --- (d) the permanent link ------------------------------------------------------------------


def test_permalink_copies_the_full_passage_url(visit, base_url, settings):
    v = visit(permissions=["clipboard-read", "clipboard-write"])
    page = v.page
    page.goto(DOC_PAGE)
    link = page.locator("#sp-12 a.permalink").first
    assert link.get_attribute("href") == "#sp-12"
    link.click()
    # the permanent URL: under base_url when the settings give one, else the page's own address
    page_url = settings.absolute_url(DOC_PAGE) or base_url + DOC_PAGE
    expected = page_url + "#sp-12"
    toast = page.locator(".toast")
    toast.wait_for(state="visible")
    assert f"Link copied: {expected}" in toast.inner_text()
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert page.evaluate("location.hash") == "#sp-12"
    assert page.locator("#sp-12").evaluate("el => el.classList.contains('is-target')")
    # the passage citation now names the turn
    citation = squash(page.inner_text("#passage-citation"))
    assert "turn 12" in citation and "#sp-12" in citation  # named as the reader sees it (issue 13)
    assert citation == squash(toast.locator(".toast-citation").inner_text())
    # a paragraph's ¶ works the same way
    page.locator(".toast-close").click()
    page.locator("#p-27 a.permalink").click()  # a paragraph of a turn of several (one-paragraph turns have no ¶)
    page.locator(".toast").wait_for(state="visible")
    assert page.evaluate("navigator.clipboard.readText()") == page_url + "#p-27"
    assert v.errors == []


def test_copy_citation_button(visit, base_url):
    v = visit(permissions=["clipboard-read", "clipboard-write"])
    page = v.page
    page.goto(DOC_PAGE)
    button = page.locator('.copy-button[data-copy-target="citation"]')
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == squash(page.inner_text("#citation"))
    assert button.inner_text() == "Copied"


# --- (e) the participant filter ----------------------------------------------------------------


def test_turn_filter_shows_one_participants_turns(visit, base_url):
    root = tei()
    v = visit()
    page = v.page
    page.goto(DOC_PAGE)
    form = page.locator("#turn-filter")
    assert form.is_visible()
    total = page.locator(".turn").count()
    for who in ("mao-zedong", "khrushchev-nikita"):
        expected = [sp.get(XML_ID) for sp in root.xpath(f"//t:text//t:sp[contains(@who, '#{who}')]",
                                                        namespaces=TEI_NS)]
        page.check(f'#turn-filter input[value="{who}"]')
        visible = page.eval_on_selector_all(".turn", "els => els.filter(el => el.offsetHeight > 0).map(el => el.id)")
        assert visible == expected
        assert 0 < len(visible) < total
        assert all(who in (page.get_attribute(f"#{i}", "data-who") or "").split() for i in visible[:5])
        assert page.locator(".narration").first.is_hidden()
        status = page.inner_text("#turn-filter .filter-status")
        assert f"Showing {len(expected)} of {total} turns" in status
        # the figure agrees with the participants table
        row = page.locator(f'table.stats tr[data-person="{who}"] td.num').first.inner_text()
        assert int(row) == len(expected)
    page.check('#turn-filter input[value=""]')
    assert page.eval_on_selector_all(".turn", "els => els.filter(el => el.offsetHeight > 0).length") == total
    assert page.locator(".narration").first.is_visible()
    # a link to a hidden passage lifts the filter
    page.check('#turn-filter input[value="mao-zedong"]')
    page.evaluate("location.hash = '#sp-12'")  # a Khrushchev turn
    page.wait_for_function("document.getElementById('sp-12').offsetHeight > 0")
    assert page.is_checked('#turn-filter input[value=""]')
    assert v.errors == []


# --- sortable tables ---------------------------------------------------------------------------


def test_sortable_table_sorts_by_column(visit, base_url):
    v = visit()
    page = v.page
    page.goto("index.html")
    table = page.locator("table.sortable").first
    header = table.locator("thead th").nth(1)
    header.locator("button.sort").click()
    assert header.get_attribute("aria-sort") == "ascending"
    column = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert column == sorted(column, key=str.casefold)
    header.locator("button.sort").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert table.locator("tbody tr td:nth-child(2)").all_inner_texts() == sorted(column, key=str.casefold,
                                                                                reverse=True)


# --- (f) search ----------------------------------------------------------------------------------


def _distinctive_turn(doc_id: str = ZUBOK) -> tuple[str, str]:
    """A turn and a phrase from it that occurs in no other TEI file."""
    others = " ".join(squash("".join(tei(p.stem).itertext())) for p in (ROOT / "tei").glob("*.xml")
                      if p.stem != doc_id)
    for sp in tei(doc_id).xpath("//t:text//t:sp", namespaces=TEI_NS):
        words = squash(" ".join(sp.xpath("t:p//text()", namespaces=TEI_NS))).split()
        for i in range(max(0, len(words) - 3)):
            phrase = " ".join(words[i:i + 3])
            if re.fullmatch(r"[A-Za-z]{5,} [A-Za-z]{4,} [A-Za-z]{5,}", phrase) and phrase not in others:
                return sp.get(XML_ID), phrase
    raise AssertionError("no distinctive phrase found")


def test_search_finds_a_passage_and_leads_to_it(visit, base_url):
    turn_id, phrase = _distinctive_turn()
    v = visit()
    page = v.page
    page.goto("search.html")
    box = page.locator("#search input").first
    box.wait_for(state="visible")
    assert box.get_attribute("aria-label")
    box.fill(phrase)
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(state="visible")
    link = page.locator(f'.pagefind-ui__result a[href$="{ZUBOK}.html#{turn_id}"]').first
    link.wait_for(state="visible")
    assert phrase.split()[0].lower() in link.locator("xpath=ancestor::li[1]").inner_text().lower()
    link.click()
    page.wait_for_url(re.compile(re.escape(f"{DOC_PAGE}#{turn_id}") + "$"))
    page.wait_for_function(f"document.getElementById('{turn_id}').classList.contains('is-target')")
    assert in_viewport(page, f"#{turn_id}")
    assert phrase in squash(page.inner_text(f"#{turn_id}"))
    assert v.errors == []
    assert_local(v, base_url)
    assert any("/pagefind/" in url for url in v.requests), "Pagefind's index was not loaded"


def test_search_filters_by_participant(visit, base_url):
    v = visit()
    page = v.page
    page.goto("search.html")
    page.locator("#search input").first.fill("Mao")
    page.locator(".pagefind-ui__result").first.wait_for(state="visible")
    expect(page.locator(".pagefind-ui__result")).to_have_count(len(list((ROOT / "tei").glob("*.xml"))))
    expect(page.locator(".pagefind-ui__filter-name")).to_have_text(["Participant", "Speaker", "Year"])
    page.locator(".pagefind-ui__filter-name", has_text="Participant").click()
    page.locator("input[name='Participant'][value='Liri Belishova']").check()  # (she is a Speaker too)
    expect(page.locator(".pagefind-ui__result")).to_have_count(1)
    assert page.locator(".pagefind-ui__result a").first.get_attribute("href").startswith(
        "/documents/1960-06-07_mao-zedong_albanian-delegation.html")
    assert v.errors == []


# --- (g) downloads ---------------------------------------------------------------------------------


def test_downloads_tei_plain_text_and_zip(visit, base_url, tei_dir):
    v = visit(accept_downloads=True)
    page = v.page
    page.goto(DOC_PAGE)
    tei_link = page.locator("a.download-tei")
    assert tei_link.get_attribute("href") == f"../tei/{ZUBOK}.xml"
    with page.expect_download() as info:
        tei_link.click()
    download = info.value
    assert download.suggested_filename == f"{ZUBOK}.xml"
    assert Path(download.path()).read_bytes() == (tei_dir / f"{ZUBOK}.xml").read_bytes()

    with page.expect_download() as info:
        page.locator("a.download-text").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8")
    assert info.value.suggested_filename == f"{ZUBOK}.txt"
    first_turn = tei().xpath("//t:text//t:sp[1]", namespaces=TEI_NS)[0]
    speaker = squash(first_turn.xpath("string(t:speaker)", namespaces=TEI_NS))
    words = squash(" ".join(first_turn.xpath("t:p[1]//text()", namespaces=TEI_NS))).split()[:6]
    assert speaker in text and " ".join(words) in squash(text)
    assert "<" not in text.split("\n", 1)[0], "plain text, not markup"

    # the response headers too (what a script fetching the link gets)
    response = page.request.get(base_url + f"tei/{ZUBOK}.xml")
    assert response.ok and "xml" in response.headers["content-type"]
    assert response.body() == (tei_dir / f"{ZUBOK}.xml").read_bytes()
    for kind, suffix in (("bibtex", "bib"), ("ris", "ris")):
        href = page.locator(f"a.download-{kind}").get_attribute("href")
        assert href == f"../cite/{ZUBOK}.{suffix}"
        body = page.request.get(base_url + href[3:])
        assert body.ok and body.body()

    zip_link = page.locator("footer a", has_text="Download all TEI files")
    href = zip_link.get_attribute("href")
    assert href.endswith(".zip")
    with page.expect_download() as info:
        zip_link.click()
    with zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())) as archive:
        names = archive.namelist()
        assert sorted(Path(n).name for n in names) == sorted(p.name for p in tei_dir.glob("*.xml"))
        for name in names:
            assert archive.read(name) == (tei_dir / Path(name).name).read_bytes(), name
    assert_local(v, base_url)


# --- (h) accessibility -------------------------------------------------------------------------------

AXE_PAGES = ["index.html", DOC_PAGE, "persons/mao-zedong.html", "search.html", "about.html", "quality.html",
             "chronology.html"]
AXE_RUN = """async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary) }))"""


@pytest.mark.parametrize("path", AXE_PAGES)
def test_no_serious_accessibility_violations(scheme_visits, base_url, axe_source, path):
    """axe-core on the page in the light and in the dark colour scheme."""
    failures, counts = [], {}
    for scheme, v in scheme_visits.items():
        page = v.page
        page.goto(path)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        if path == "search.html":  # check the search UI as it is used: with results
            page.locator("#search input").first.fill("Khrushchev")
            page.locator(".pagefind-ui__result").first.wait_for(state="visible")
        page.add_script_tag(path=str(axe_source))
        violations = page.evaluate(AXE_RUN)
        counts[scheme] = dict(Counter(v["impact"] for v in violations))
        failures += [{"scheme": scheme, **v} for v in violations if v["impact"] in ("serious", "critical")]
    print(f"\naxe {path}: {counts}")
    assert failures == [], json.dumps(failures, indent=1)
    for scheme, v in scheme_visits.items():
        assert v.errors == [], (scheme, v.errors)
        assert v.foreign_requests(base_url) == []


# --- (i) screenshots and small screens ------------------------------------------------------------------

OVERFLOW_PAGES = ["index.html", DOC_PAGE, "persons/index.html", "persons/mao-zedong.html", "chronology.html",
                  "archives.html", "about.html", "conventions.html", "quality.html", "search.html",
                  f"compare/1958-07-31_khrushchev-mao_first-conversation_wolff--{ZUBOK}.html"]


def test_screenshots_and_no_horizontal_overflow_on_a_phone(visit, base_url):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height, label in ((375, 812, "phone"), (1280, 800, "desktop")):
        v = visit(viewport={"width": width, "height": height})
        page = v.page
        for path, name in (("index.html", "home"), (DOC_PAGE, "document")):
            page.goto(path)
            target = SCREENSHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(target), full_page=(name == "home"))
            assert target.stat().st_size > 1000
        if width == 375:
            wide = {}
            for path in OVERFLOW_PAGES:
                page.goto(path)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    wide[path] = (scroll, page.evaluate("""w => [...document.querySelectorAll('body *')]
                        .filter(el => el.getBoundingClientRect().right > w + 1)
                        .slice(0, 3).map(el => el.tagName + '.' + el.className)""", width))
            assert wide == {}, "pages wider than a 375 px phone"


# --- (j) nothing leaves the site -----------------------------------------------------------------------


def test_no_request_leaves_the_site(visit, base_url):
    v = visit()
    page = v.page
    for path in ("index.html", DOC_PAGE, "persons/mao-zedong.html", "about.html"):
        page.goto(path)
    page.goto("search.html")
    page.locator("#search input").first.fill("navy")
    page.locator(".pagefind-ui__result").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    assert len(v.requests) > 10
    assert_local(v, base_url)


# --- (k) escaping ----------------------------------------------------------------------------------------

HOSTILE_ID = "1961-02-02_escaping-test"
HOSTILE_SOURCE = """**February 2, 1961**  
**Talk on <script>alert(1)</script> & Co**

**Citation:**

"Talk on <script>," February 2, 1961, Archive of the President of the Russian Federation (APRF), fond 3, opis 65, \
delo 9, ll. 1-5. Translated by A. Translator & <B. Other>.

**Summary:**

A purpose-made record: <img src=x onerror=alert(2)> & an ampersand.

## RECORD

**Mao Zedong:** We say <script>alert(1)</script> & you listen.

**N.S. Khrushchev:** Tom & Jerry say <b>bold</b> is not markup.
"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory, serve, settings, build_in_thread) -> str:
    from edition.convert import convert_corpus

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "corpus").mkdir()
    (folder / "corpus" / f"{HOSTILE_ID}.txt").write_text(HOSTILE_SOURCE, encoding="utf-8")
    report = convert_corpus(folder / "corpus", folder / "tei", jobs=1, publisher="Test & <Sons>", progress=False)
    assert not report.failed, [p.message for p in report.problems]
    site = build_in_thread(folder / "tei", folder / "site", settings)
    assert site.search_pages == 1, [w.message for w in site.warnings]
    return serve(folder / "site").url


def test_markup_in_sources_is_shown_as_text(visit, hostile_url):
    v = visit(hostile_url)
    page = v.page
    page.goto(f"documents/{HOSTILE_ID}.html")
    assert squash(page.inner_text("h1")) == "Talk on <script>alert(1)</script> & Co"
    assert page.title().startswith("Talk on <script>alert(1)</script> & Co")
    turn = squash(page.inner_text("#sp-1"))
    assert "We say <script>alert(1)</script> & you listen." in turn
    assert "Tom & Jerry say <b>bold</b> is not markup." in squash(page.inner_text("#sp-2"))
    assert page.locator("#sp-2 b").count() == 0
    page.locator("#record-details > summary").click()  # the record's facts fold away (issue 13)
    assert "<img src=x onerror=alert(2)> & an ampersand." in squash(page.inner_text(".summary"))
    assert page.locator("main img").count() == 0
    # the only scripts are the page's own
    scripts = page.eval_on_selector_all("script", "els => els.map(s => s.getAttribute('src') || s.type)")
    assert all(s.endswith(".js") or s == "application/ld+json" for s in scripts), scripts
    # the home page and the search results show the title as text as well
    page.goto("index.html")
    assert "Talk on <script>alert(1)</script> & Co" in page.inner_text("main")
    page.goto("search.html")
    page.locator("#search input").first.fill("Jerry")
    page.locator(".pagefind-ui__result").first.wait_for(state="visible")
    # a result is shown with placeholders (". . .") until its fragment has loaded
    page.wait_for_function("() => document.querySelector('#search .pagefind-ui__results').innerText.includes('Jerry')")
    results = page.locator("#search .pagefind-ui__results")
    assert "Tom & Jerry say <b>bold</b> is not markup" in squash(results.inner_text())
    assert results.locator("b, img, script").count() == 0
    page.wait_for_timeout(200)
    assert v.dialogs == [], "a script from the source ran"
    assert v.errors == []


# --- (l) keyboard ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["index.html", DOC_PAGE])
def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(visit, base_url, path):
    v = visit()
    page = v.page
    page.goto(path)
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const el = document.activeElement;
        const r = el.getBoundingClientRect();
        return { cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim(),
                 visible: r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0 }; }""")
    assert focused["cls"] == "skip-link" and focused["href"] == "#main", focused
    assert focused["visible"], "the skip link must show when it has focus"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("location.hash") == "#main"
    # the next Tab continues inside main, not back in the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
