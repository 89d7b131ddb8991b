"""Lists of a large edition are cut into pages (edition/site/lists.py): by year, by archive,
by initial; the old single page's anchors stay on its index, and a rebuild rewrites only the
pages that show a changed document.

The three fixture documents stand for a large edition by listing one conversation a page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html

from edition.settings import load_settings
from edition.site import build_site, lists

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "site"
ALBANIAN = "1960-06-07_mao-zedong_albanian-delegation"


@pytest.fixture
def large(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(lists, "PAGE_ROWS", 1)
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    build_site(tei, site, settings, progress=False, jobs=1)
    return tei, site, settings


def _links(page: Path) -> list[str]:
    return html.fromstring(page.read_bytes()).xpath("//main//a/@href")


def test_the_chronology_is_a_year_a_page_and_its_old_anchors_stay(large) -> None:
    tei, site, settings = large
    index = html.fromstring((site / "chronology.html").read_bytes())
    assert index.xpath("//li[@id='year-1958']/a/@href") == ["chronology/1958.html"]
    assert index.xpath("//li[@id='year-1960']/a/@href") == ["chronology/1960.html"]
    year = (site / "chronology" / "1958.html").read_text("utf-8")
    assert "../documents/1958-07-31_khrushchev-mao_first-conversation_wolff.html" in year
    assert "../compare/1958-07-31_khrushchev-mao_first-conversation_wolff--" in year  # a conversation in two translations
    assert ALBANIAN not in year
    assert "../chronology/1960.html" in _links(site / "chronology" / "1958.html")  # the next year
    home = html.fromstring((site / "index.html").read_bytes())
    assert home.xpath("//ul[@class='year-summary']//a/@href") == ["chronology.html#year-1958", "chronology.html#year-1960"]
    assert not home.xpath("//table[contains(@class, 'documents')]")


def test_archives_and_persons_get_pages_of_their_own(large) -> None:
    tei, site, settings = large
    archives = html.fromstring((site / "archives.html").read_bytes())
    entries = archives.xpath("//ul[@class='archive-pages']/li")
    assert entries and all(li.get("id") and li.xpath("a/@href")[0].startswith("archives/") for li in entries)
    for li in entries:
        page = site / li.xpath("a/@href")[0]
        assert any(href.startswith("../documents/") for href in _links(page)), page
    persons = html.fromstring((site / "persons" / "index.html").read_bytes())
    letters = persons.xpath("//ul[contains(@class, 'letter-pages')]//a/@href")
    assert "../persons/letter-m.html" in letters
    mao = (site / "persons" / "letter-m.html").read_text("utf-8")
    assert 'href="mao-zedong.html"' in mao or "part 1" in mao.lower()
    quality = (site / "quality.html").read_text("utf-8")
    assert "documents passed every check" in quality


def test_a_change_rewrites_only_the_list_pages_that_show_it(large) -> None:
    tei, site, settings = large
    before = {rel: (site / rel).stat().st_ino for rel in ("chronology/1958.html", "chronology/1960.html")}
    path = tei / f"{ALBANIAN}.xml"
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    build_site(tei, site, settings, progress=False, jobs=1)
    assert (site / "chronology" / "1958.html").stat().st_ino == before["chronology/1958.html"]
    assert (site / "chronology" / "1960.html").stat().st_ino != before["chronology/1960.html"]
    assert "at Hangzhou" in (site / "chronology" / "1960.html").read_text("utf-8")


def test_a_small_edition_keeps_its_single_pages(tmp_path: Path) -> None:
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    build_site(tei, site, load_settings(ROOT / "edition.toml"), progress=False, jobs=1)
    assert not (site / "chronology").exists() and not (site / "archives").exists()
    assert html.fromstring((site / "chronology.html").read_bytes()).xpath("//section[@id='year-1958']")


def test_a_large_editions_home_page_is_kept_while_its_numbers_stand(large) -> None:
    tei, site, settings = large
    home = site / "index.html"
    before = home.stat().st_ino
    path = tei / f"{ALBANIAN}.xml"
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    build_site(tei, site, settings, progress=False, jobs=1)
    assert home.stat().st_ino == before  # the numbers a year did not change
    path.unlink()  # 1960 loses its conversation
    build_site(tei, site, settings, progress=False, jobs=1)
    assert home.stat().st_ino != before
    heading = html.fromstring(home.read_bytes()).xpath("string(//h2[@id='documents-heading'])")
    assert "(1, in 2 documents)" in " ".join(heading.split())


def test_the_quality_page_of_a_large_edition_lists_the_documents_that_need_attention() -> None:
    """Every document with a warning, a problem or a failed check gets a row, the others are
    counted; in a small edition every document gets one."""
    from types import SimpleNamespace

    from edition.site.build import _quality

    def document(index: int, warnings: list[str]):
        return SimpleNamespace(id=f"doc-{index}", warnings=warnings)

    def checked(index: int, passed: bool = True, problems: list | None = None):
        return SimpleNamespace(path=f"/tei/doc-{index}.xml", passed_edition_schema=passed, passed_tei_all=True,
                               passed_rules=True, problems=problems or [])

    count = lists.PAGE_ROWS + 50
    docs = [document(i, ["a speaker label was guessed"] if i == 7 else []) for i in range(count)]
    late, early = SimpleNamespace(line=9, message="b"), SimpleNamespace(line=2, message="a")
    files = [checked(i, passed=i != 11, problems=[late, early] if i == 13 else None) for i in range(count - 1)]
    quality = _quality(docs, SimpleNamespace(files=files, problems=[], ok=False))
    # doc-(count - 1) was not validated: no verdict is no failure
    assert [row.doc.id for row in quality["rows"]] == ["doc-7", "doc-11", "doc-13"]
    assert quality["quiet"] == count - 3
    assert quality["rows"][1].edition_schema is False and quality["rows"][2].problems == [early, late]
    small = _quality(docs[:20], SimpleNamespace(files=files[:20], problems=[], ok=False))
    assert len(small["rows"]) == 20 and small["quiet"] == 0
