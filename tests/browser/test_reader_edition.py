"""The reader's edition in a browser (issue 13): translations compared passage by passage on a
desktop and on a phone, "this passage in the other translation", a person's every turn, a
copied citation with no placeholder, print, axe-core; screenshots of the comparison, a person
page and a document page on both screens."""

import datetime
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from tests.browser.test_browser import AXE_RUN

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WOLFF = "1958-07-31_khrushchev-mao_first-conversation_wolff"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
COMPARE = f"compare/{WOLFF}--{ZUBOK}.html"  # Wolff's column is a-, Zubok's b-
TEI = {"t": "http://www.tei-c.org/ns/1.0"}
PLACEHOLDERS = ("Edition Team", "Sample Edition", "example.org", "{passage", "February 3, 1901", "undefined", "null")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def top(page, selector: str) -> float:
    return page.eval_on_selector(selector, "el => el.getBoundingClientRect().top")


def visible_in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight; }""")


def turns_of(doc_id: str, person: str) -> list[str]:
    root = etree.parse(str(ROOT / "tei" / f"{doc_id}.xml")).getroot()
    return root.xpath(f"//t:sp[@who='#{person}']/@xml:id", namespaces=TEI)


def today() -> str:
    now = datetime.date.today()
    return f"{now.strftime('%B')} {now.day}, {now.year}"


def test_comparison_keeps_each_passage_level_with_its_counterpart(visit):
    """Mao's "another Yugoslavia" is Wolff's turn 32 and Zubok's 112: side by side, at one height."""
    page = visit(viewport=DESKTOP).page
    page.goto(f"{COMPARE}#a-sp-32")
    assert visible_in_viewport(page, "#a-sp-32") and visible_in_viewport(page, "#b-sp-112")
    assert abs(top(page, "#a-sp-32") - top(page, "#b-sp-112")) < 2
    assert "Yugoslavia" in page.inner_text("#a-sp-32") and "Yugoslavia" in page.inner_text("#b-sp-112")
    # an omission's summary stands beside the first of the turns it leaves out ...
    page.goto(f"{COMPARE}#b-sp-22")
    page.wait_for_function("document.getElementById('b-sp-22').classList.contains('is-target')")
    assert abs(top(page, "#a-gap-2") - top(page, "#b-sp-22")) < 20  # (the summary box has a margin)
    # (it stays in sight, sticky, while the reader goes through the run it stands for)
    page.eval_on_selector("#b-sp-60", "el => el.scrollIntoView({block: 'center'})")
    assert visible_in_viewport(page, "#a-gap-2")
    # ... and the texts are still level at the end: no column runs on alone
    page.locator("#a-sp-56").scroll_into_view_if_needed()
    assert abs(top(page, "#a-sp-56") - top(page, "#b-sp-266")) < 2
    left = page.eval_on_selector("#a-sp-32", "el => el.getBoundingClientRect().left")
    right = page.eval_on_selector("#b-sp-112", "el => el.getBoundingClientRect().left")
    assert right > left + 300  # beside it, not beneath it


def test_phone_shows_one_translation_and_the_switch_keeps_the_passage(visit):
    v = visit(viewport=PHONE)
    page = v.page
    page.goto(f"{COMPARE}#b-sp-112")
    assert page.locator(".compare-switch").is_visible()
    assert page.locator("#b-sp-112").is_visible() and not page.locator("#a-sp-32").is_visible()
    page.evaluate("window.scrollBy(0, -120)")  # the reader has scrolled a little above the turn
    before = top(page, "#b-sp-112")
    page.get_by_role("button", name="Wolff’s translation").click()
    assert page.locator("#a-sp-32").is_visible() and not page.locator("#b-sp-112").is_visible()
    assert abs(top(page, "#a-sp-32") - before) < 3, "the switch moved the reader away from the passage"
    assert page.get_by_role("button", name="Wolff’s translation").get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Zubok’s translation").click()
    assert abs(top(page, "#b-sp-112") - before) < 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert v.errors == []


def test_this_passage_in_the_other_translation(visit):
    v = visit(viewport=DESKTOP)
    page = v.page
    page.goto(f"documents/{WOLFF}.html#sp-32")
    link = page.locator("#sp-32 a.counterpart")
    assert "Zubok" in link.inner_text() and "turn 112" in link.inner_text()
    link.click()
    page.wait_for_url(f"**/documents/{ZUBOK}.html#sp-112")
    page.wait_for_function("document.getElementById('sp-112').classList.contains('is-target')")
    assert visible_in_viewport(page, "#sp-112")
    # and back: Zubok's turn under Wolff's summary leads to the summary
    back = page.locator("#sp-40 a.counterpart")
    assert "Wolff" in back.inner_text() and "omitted passage" in back.inner_text()
    back.click()
    page.wait_for_url(f"**/documents/{WOLFF}.html#gap-2")
    assert visible_in_viewport(page, "#gap-2")
    assert v.errors == []


@pytest.mark.parametrize("viewport, screens", [(DESKTOP, 1), (PHONE, 2)])
def test_the_text_starts_within_the_first_screens(visit, viewport, screens):
    """Within the first screen on a desktop, the first two on a phone: the record's facts fold away."""
    page = visit(viewport=viewport).page
    for doc_id in (ZUBOK, WOLFF):
        page.goto(f"documents/{doc_id}.html")
        first = page.eval_on_selector("#text .conversation > *", "el => el.getBoundingClientRect().top")
        assert first < screens * viewport["height"] - 40, (doc_id, first)
        page.locator("#record-details > summary").click()
        assert page.locator(".doc-meta").is_visible()


def test_speaker_labels_link_to_the_person(visit):
    page = visit(viewport=DESKTOP).page
    page.goto(f"documents/{ZUBOK}.html")
    page.locator("#sp-65 a.speaker").click()
    page.wait_for_url("**/persons/deng-xiaoping.html")
    assert page.locator("h1").inner_text() == "Deng Xiaoping"


def test_person_page_lists_every_turn_of_each_translation(visit):
    page = visit(viewport=DESKTOP).page
    page.goto("persons/mao-zedong.html")
    for doc_id in (ZUBOK, WOLFF):
        expected = turns_of(doc_id, "mao-zedong")
        section = page.locator(f"details.appearance[data-document='{doc_id}']")
        if section.get_attribute("open") is None:
            section.locator("summary").click()
        items = section.locator("ol.turn-list > li")
        assert items.count() == len(expected)
        hrefs = items.locator("a.turn-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert [h.split("#")[1] for h in hrefs] == expected
        words = items.locator(".turn-words").all_inner_texts()
        assert all(w.strip() for w in words)
    assert "Wikidata Q5816" in page.inner_text(".authorities")
    assert page.locator(".authorities a").get_attribute("href") == "https://www.wikidata.org/wiki/Q5816"
    # two translations of one talk are one conversation: Zubok's 134 turns, not 134 + Wolff's
    summary = page.inner_text(".person-summary")
    assert "2 conversations (3 documents" in summary
    fullest = len(turns_of(ZUBOK, "mao-zedong")) + len(turns_of("1960-06-07_mao-zedong_albanian-delegation",
                                                                 "mao-zedong"))
    assert f"{fullest} turns" in summary


def test_persons_are_sorted_by_family_name(visit):
    page = visit(viewport=DESKTOP).page
    page.goto("persons/index.html")
    names = page.locator("table.persons tbody tr td:first-child a").all_inner_texts()
    assert names == sorted(names, key=lambda n: n.split(",")[0].split()[0].casefold())
    assert "Mao Zedong" in names and "Khrushchev, Nikita S." in names and "Belishova, Liri" in names


def test_a_copied_citation_has_no_placeholder_and_carries_the_access_date(visit, base_url):
    v = visit(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    page = v.page
    page.goto(f"documents/{ZUBOK}.html")
    page.locator('.copy-button[data-copy-target="citation"]').click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("“First Conversation")
    assert "Vladislav M. Zubok" in copied and "Conversations with Mao Zedong" in copied
    # a passage: named as the reader sees it, with the reader's access date and its address
    page.locator("#sp-131 a.permalink").first.click()
    page.locator(".toast").wait_for(state="visible")
    citation = page.inner_text(".toast-citation")
    assert "turn 131" in citation and f"Accessed {today()}." in citation
    assert citation.rstrip(".").endswith(f"documents/{ZUBOK}.html#sp-131")
    page.locator(".toast-citation ~ button, .toast button:has-text('Copy citation')").first.click()
    copied_passage = page.evaluate("navigator.clipboard.readText()")
    for text in (copied, citation, copied_passage, page.inner_text("#cite")):
        for placeholder in PLACEHOLDERS:
            assert placeholder not in text, (placeholder, text)
    csl = json.loads(page.request.get(f"{base_url}cite/{ZUBOK}.json").text())
    assert csl[0]["type"] == "manuscript" and csl[0]["translator"][0]["family"] == "Zubok"
    assert v.errors == []


def test_search_filters_by_the_speaker_of_the_passage(visit):
    v = visit(viewport=DESKTOP)
    page = v.page
    page.goto("search.html")
    page.locator("#search input").first.fill("coast")
    page.locator(".pagefind-ui__result").first.wait_for(state="visible")
    page.locator(".pagefind-ui__filter-name", has_text="Speaker").click()
    page.locator("input[name='Speaker'][value='Deng Xiaoping']").check()
    page.wait_for_function("""() => [...document.querySelectorAll('.pagefind-ui__result-nested')]
        .some(n => !n.hidden)""")
    shown = page.locator(".pagefind-ui__result-nested:not([hidden]) .pagefind-ui__result-link").all_inner_texts()
    assert shown and all(title.startswith("Deng Xiaoping, turn") for title in shown), shown
    hidden = page.locator(".pagefind-ui__result-nested[hidden] .pagefind-ui__result-link").all_inner_texts()
    assert any(title.startswith("Nikita S. Khrushchev") for title in hidden)  # another's passage, hidden
    assert v.errors == []


def test_print_shows_no_screen_controls(visit):
    page = visit(viewport=DESKTOP).page
    page.goto(f"documents/{ZUBOK}.html")
    page.emulate_media(media="print")
    for selector in (".copy-button", ".turn-filter", ".counterparts", ".site-nav", ".doc-sidebar"):
        assert all(not el.is_visible() for el in page.locator(selector).all()), selector
    assert page.locator("#sp-12").is_visible() and page.locator(".doc-meta").is_visible()
    style = page.eval_on_selector("style[media='print']", "el => el.textContent")
    assert "Conversations with Mao Zedong" in style and "counter(page)" in style
    page.goto(COMPARE)
    page.emulate_media(media="print")
    assert not page.locator(".compare-switch").is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"


@pytest.mark.parametrize("path", [COMPARE, f"documents/{WOLFF}.html", "persons/index.html"])
def test_no_serious_accessibility_violations_on_the_new_pages(scheme_visits, base_url, axe_source, path):
    failures, counts = [], {}
    for scheme, v in scheme_visits.items():
        v.page.goto(path)
        v.page.add_script_tag(path=str(axe_source))
        violations = v.page.evaluate(AXE_RUN)
        counts[scheme] = dict(Counter(x["impact"] for x in violations))
        failures += [{"scheme": scheme, **x} for x in violations if x["impact"] in ("serious", "critical")]
    print(f"\naxe {path}: {counts}")
    assert failures == [], json.dumps(failures, indent=1)


def test_screenshots_of_the_comparison_a_person_and_a_document(visit):
    """Written by the run into tests/browser/screenshots/ (desktop and phone)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    shots = {"comparison": f"{COMPARE}#a-sp-32", "person": "persons/mao-zedong.html",
             "document-wolff": f"documents/{WOLFF}.html#sp-16"}
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = visit(viewport=viewport).page
        for name, path in shots.items():
            page.goto(path)
            page.wait_for_timeout(100)
            target = SCREENSHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 5000, target
            assert re.search(r"\d", page.title()) or page.title()
