"""The static site, built from the fixture TEI files in tests/fixtures/site (no browser)."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree, html

from edition.errors import EditionError, Problem
from edition.settings import Licence, Settings, load_settings
from edition.site import build_site

FIXTURES = Path(__file__).parent / "fixtures" / "site"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
WOLFF = "1958-07-31_khrushchev-mao_first-conversation_wolff"
ALBANIA = "1960-06-07_mao-zedong_albanian-delegation"
HOSTILE = "1961-01-01_escaping-test"

SETTINGS = Settings(
    title="Test Edition",
    subtitle="Fixtures",
    introduction="An *introduction* with <b>raw html</b> & an ampersand.",
    editors=["Ada Editor", "Bo Editor"],
    publisher="Test Press",
    licence=Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    base_url="https://example.org/edition/",
    version="1.2.3",
    date="2025-01-15",
)

HOSTILE_TEI = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="doc-{HOSTILE}" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt><title type="main">Talk on &lt;script&gt;alert("x")&lt;/script&gt; &amp; Co</title></titleStmt>
      <publicationStmt><publisher>Test</publisher></publicationStmt>
      <sourceDesc><bibl type="citation">Archive &amp; Sons &lt;/script&gt;</bibl></sourceDesc>
    </fileDesc>
    <profileDesc>
      <abstract><p>Summary with &lt;img src=x onerror=alert(1)&gt; &amp; more.</p></abstract>
      <creation><date when="1961-01-01">1 January 1961</date></creation>
      <particDesc><listPerson><person xml:id="mao-zedong" role="speaker"><persName>Mao Zedong</persName></person></listPerson></particDesc>
    </profileDesc>
  </teiHeader>
  <text><body><div type="conversation">
    <sp xml:id="sp-1" who="#mao-zedong"><speaker>Mao &amp; Co</speaker>
      <p xml:id="p-1">We &lt;script&gt;document.write("pwned")&lt;/script&gt; &amp; you.</p></sp>
  </div></body></text>
</TEI>
"""


def _build(tei_dir: Path, site_dir: Path, settings: Settings = SETTINGS, validation=None):
    return build_site(tei_dir, site_dir, settings, validation=validation, progress=False)


@pytest.fixture(scope="module")
def tei_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tei")
    for path in sorted(FIXTURES.glob("*.xml")):
        shutil.copyfile(path, folder / path.name)
    (folder / f"{HOSTILE}.xml").write_text(HOSTILE_TEI, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tei_dir, tmp_path_factory):
    site = tmp_path_factory.mktemp("out") / "site"
    report = _build(tei_dir, site)
    return site, report


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built[0]


def page(site: Path, rel: str):
    return html.fromstring((site / rel).read_bytes())


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def tei_ids(path: Path, *elements: str) -> list[str]:
    root = etree.parse(str(path)).getroot()
    return [el.get(XML_ID) for name in elements for el in root.iter(f"{TEI}{name}") if el.get(XML_ID)]


# --- pages -----------------------------------------------------------------------------


def test_expected_pages_exist(site, built):
    _, report = built
    expected = [
        "index.html", "chronology.html", "archives.html", "about.html", "conventions.html", "quality.html",
        "search.html", "persons/index.html", f"documents/{ZUBOK}.html", f"documents/{WOLFF}.html",
        f"documents/{ALBANIA}.html", f"documents/{HOSTILE}.html", f"compare/{WOLFF}--{ZUBOK}.html",
        "persons/mao-zedong.html", "persons/khrushchev-nikita.html", "persons/belishova-liri.html",
        "persons/ponomarev-boris.html",
    ]
    for rel in expected:
        assert (site / rel).is_file(), rel
        assert rel in report.pages
    for rel in ["static/edition.css", "static/edition.js", "sitemap.xml", "downloads/tei-1.2.3.zip",
                f"text/{ZUBOK}.txt", f"cite/{ZUBOK}.bib", f"cite/{ZUBOK}.ris", f"tei/{ZUBOK}.xml"]:
        assert (site / rel).is_file(), rel
    assert not list(site.parent.glob(".site.building")) + list(site.parent.glob(".site.old")), \
        "temporary build folders left behind"


def test_home_lists_documents_sorted_by_date(site):
    rows = page(site, "index.html").xpath("//table[contains(@class,'documents')]/tbody/tr")
    dates = [row.xpath("string(td[1]/@data-sort)") for row in rows]
    assert len(rows) == 3  # four documents: two translations of one conversation are one row (issue 13)
    assert dates == sorted(dates)
    links = [href for row in rows for href in row.xpath("td[2]//a/@href")]
    assert f"documents/{ALBANIA}.html" in links
    assert f"documents/{ZUBOK}.html" in links and f"documents/{WOLFF}.html" in links


def test_every_page_shows_version_and_build_date(site):
    for path in html_pages(site):
        doc = html.fromstring(path.read_bytes())
        assert doc.xpath("string(//footer//*[@class='version'])") == "1.2.3", path
        assert doc.xpath("string(//footer//time[contains(@class,'build-date')]/@datetime)") == "2025-01-15", path


def test_pages_have_landmarks_and_skip_link(site):
    for path in html_pages(site):
        doc = html.fromstring(path.read_bytes())
        assert doc.xpath("//header") and doc.xpath("//nav") and doc.xpath("//footer"), path
        assert len(doc.xpath("//main[@id='main']")) == 1, path
        assert doc.xpath("//a[contains(@class,'skip-link')]/@href") == ["#main"], path
        assert len(doc.xpath("//h1")) == 1, path
        assert doc.get("lang") == "en", path


# --- anchors ----------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", [ZUBOK, WOLFF, ALBANIA])
def test_anchors_equal_xml_ids(site, doc_id):
    tei = FIXTURES / f"{doc_id}.xml"
    doc = page(site, f"documents/{doc_id}.html")
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate HTML ids"
    for sp in tei_ids(tei, "sp"):
        element = doc.get_element_by_id(sp)
        assert "turn" in element.get("class").split(), sp
        assert element.xpath(f".//a[contains(@class,'permalink') and @href='#{sp}']"), sp
    for p in tei_ids(tei, "p"):
        element = doc.get_element_by_id(p)
        assert element.tag == "p", p
        turn = element.xpath("ancestor::div[contains(concat(' ', @class, ' '), ' turn ')][1]")
        if turn and len(turn[0].xpath(".//div[@class='turn-body']/p")) == 1:
            continue  # a turn of one paragraph is cited by its number (no ¶ clutter)
        assert element.xpath(f".//a[contains(@class,'permalink') and @href='#{p}']"), p
    for note in tei_ids(tei, "note"):
        element = doc.get_element_by_id(note)
        assert doc.xpath(f"//a[contains(@class,'permalink') and @href='#{note}']"), note
        assert element.get("class").split()[0] in ("note", "inline-note"), note
    for gap in tei_ids(tei, "gap"):
        assert "omission" in doc.get_element_by_id(gap).get("class").split(), gap


def test_turns_carry_speaker_and_stage(site):
    doc = page(site, f"documents/{ZUBOK}.html")
    turn = doc.get_element_by_id("sp-5")
    assert turn.get("data-who") == "mao-zedong"
    assert turn.xpath("string(.//*[contains(@class,'speaker')])") == "Mao Zedong"
    assert turn.xpath("string(.//*[contains(@class,'stage')])") == "(irritated)"
    assert doc.xpath("//p[contains(@class,'narration') and @id='p-11']")


def test_footnotes_are_plain_links_to_the_notes_section(site):
    doc = page(site, f"documents/{ZUBOK}.html")
    refs = doc.xpath("//a[contains(@class,'note-ref')]")
    assert [r.get("href") for r in refs] == ["#n-1", "#n-2", "#n-3"]
    notes = doc.get_element_by_id("notes")
    for ref in refs:
        target = doc.get_element_by_id(ref.get("href")[1:])
        assert notes in target.iterancestors()
        back = target.xpath(".//a[contains(@class,'note-number')]/@href")[0]
        assert doc.get_element_by_id(back[1:]) is ref
    assert "Pavel Yudin" in doc.get_element_by_id("n-1").text_content()


def test_editorial_markup_is_shown_as_such(site):
    wolff = page(site, f"documents/{WOLFF}.html")
    repair = wolff.xpath("//span[contains(@class,'repair')]")[0]
    assert repair.text_content() == "Yugoslavia" and repair.get("data-original") == "Yugosla via"
    assert wolff.xpath("string(//div[@id='gap-1']//*[contains(@class,'omission-summary')])") == \
        "[Khrushchev suggests that they focus on areas of disagreement.]"
    assert wolff.xpath("string(//span[contains(@class,'sic')])") == "Wan Xia Sang [sic]"
    assert wolff.xpath("string(//span[contains(@class,'unclear')])") == "Iudin [?]"
    assert wolff.xpath("string(//span[contains(@class,'supplied-punctuation')])") == "[?]"
    assert wolff.xpath("string(//span[contains(@class,'orphan')])") == "[6]"
    inline = wolff.get_element_by_id("n-2")
    assert "inline-note" in inline.get("class") and inline.text_content().startswith("b[Ten thousand")
    zubok = page(site, f"documents/{ZUBOK}.html")
    assert zubok.xpath("string(//span[contains(@class,'original-wording')])") == "[nakrucheno]"
    assert zubok.xpath("//span[contains(@class,'original-wording')]//i[@lang='ru-Latn']")
    assert zubok.xpath("string(//span[contains(@class,'alt-name')])") == "[Sinkiang]"
    assert zubok.xpath("string(//span[contains(@class,'regularised')])") == "decision-making"
    assert "C[entral] C[ommittee of the] CPSU" in zubok.get_element_by_id("p-2").text_content()


def test_participant_table_counts_turns_and_words(site):
    doc = page(site, f"documents/{ZUBOK}.html")
    rows = {r.get("data-person"): [c.text_content().strip() for c in r.xpath("th|td")]
            for r in doc.xpath("//table[contains(@class,'stats')]/tbody/tr")}
    assert rows["mao-zedong"][2] == "3" and rows["khrushchev-nikita"][2] == "3"
    assert rows["ponomarev-boris"][1] == "present" and rows["ponomarev-boris"][2] == "0"
    # sp-1 18 words ("10,000" is one), sp-3 27 + 12, sp-5 9 ("irritated" is a stage direction, not counted)
    assert int(rows["mao-zedong"][3]) == 18 + 27 + 12 + 9
    assert doc.xpath("//form[@id='turn-filter' and @hidden]")


# --- downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", [ZUBOK, WOLFF, ALBANIA])
def test_tei_download_is_byte_identical(site, doc_id):
    assert (site / "tei" / f"{doc_id}.xml").read_bytes() == (FIXTURES / f"{doc_id}.xml").read_bytes()
    doc = page(site, f"documents/{doc_id}.html")
    assert doc.xpath(f"//a[@href='../tei/{doc_id}.xml']")
    assert doc.xpath(f"//a[@href='../text/{doc_id}.txt']")


def _check_plain_text(text: str) -> None:
    assert "Mao Zedong (irritated): I could not hear you. You were in Moscow." in text
    assert "Yudin[1] on his conversations" in text and "exaggerated [nakrucheno]" in text
    assert "[1] Pavel Yudin was Soviet ambassador" in text
    assert "C[entral] C[ommittee of the] CPSU" in text


def test_plain_text_download(site):
    _check_plain_text((site / "text" / f"{ZUBOK}.txt").read_text(encoding="utf-8"))


def test_zip_holds_every_tei_file_sorted_with_fixed_dates(site, tei_dir):
    with zipfile.ZipFile(site / "downloads" / "tei-1.2.3.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert [Path(n).name for n in names] == sorted(p.name for p in tei_dir.glob("*.xml"))
        for info in archive.infolist():
            assert info.date_time == (2025, 1, 15, 0, 0, 0)
            assert archive.read(info) == (tei_dir / Path(info.filename).name).read_bytes()


def test_bibtex_and_ris(site):
    bib = (site / "cite" / f"{ZUBOK}.bib").read_text(encoding="utf-8")
    assert bib.startswith(f"@misc{{{ZUBOK},")
    assert "translator = {Zubok, Vladislav M.}" in bib
    assert f"url = {{https://example.org/edition/documents/{ZUBOK}.html}}" in bib
    ris = (site / "cite" / f"{ZUBOK}.ris").read_bytes().decode("utf-8")
    assert ris.startswith("TY  - MANSCPT\r\n") and ris.rstrip().endswith("ER  -")
    assert "DA  - 1958/07/31/" in ris and "A4  - Zubok, Vladislav M." in ris


def test_citation_metadata_in_head(site):
    doc = page(site, f"documents/{ZUBOK}.html")
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//head/meta[@name]")}
    assert meta["citation_title"].startswith("First Conversation between N.S. Khrushchev")
    assert meta["citation_date"] == "1958/07/31"
    assert meta["citation_author"] == "Zubok, Vladislav M."
    assert meta["citation_publisher"] == "Test Press"
    assert meta["citation_public_url"] == f"https://example.org/edition/documents/{ZUBOK}.html"
    import json
    ld = json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))
    assert ld["@type"] == "ArchiveComponent" and ld["dateCreated"] == "1958-07-31"
    assert ld["translator"][0]["name"] == "Vladislav M. Zubok"
    citation = doc.xpath("string(//p[@id='citation'])")
    assert "translated by Vladislav M. Zubok" in citation and "version 1.2.3" in citation
    assert doc.xpath("string(//link[@rel='canonical']/@href)") == f"https://example.org/edition/documents/{ZUBOK}.html"


# --- escaping, links, assets ----------------------------------------------------------------


def test_script_and_ampersand_in_sources_are_escaped(site):
    raw = (site / "documents" / f"{HOSTILE}.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and '<script>document.write' not in raw
    assert "<img src=x" not in raw
    assert "&lt;script&gt;document.write(&#34;pwned&#34;)&lt;/script&gt; &amp; you." in raw
    assert "Mao &amp; Co" in raw
    doc = html.fromstring(raw)
    scripts = doc.xpath("//script")
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in scripts)
    assert "</script" not in doc.xpath("string(//script[@type='application/ld+json'])")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<b>raw html</b>" not in home and "&lt;b&gt;raw html&lt;/b&gt;" in home
    assert "<em>introduction</em>" in home


def _links(doc):
    for element, attribute, link, _pos in doc.iterlinks():
        yield element, attribute, link


def test_internal_links_are_relative_and_resolve(site):
    for path in html_pages(site):
        doc = html.fromstring(path.read_bytes())
        for element, attribute, link in _links(doc):
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("https", "http", "mailto"), (path, link)
                assert element.tag == "a" or element.get("rel") == "canonical", (path, link)
                assert not link.startswith(SETTINGS.base_url) or element.get("rel") == "canonical", (path, link)
                continue
            assert not link.startswith("/"), (path, link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.exists(), (path, link)
            assert site.resolve() in target.parents or target == site.resolve(), (path, link)
            if parts.fragment and target.suffix == ".html":
                other = html.fromstring(target.read_bytes())
                assert other.xpath(f"//*[@id='{unquote(parts.fragment)}']"), (path, link)


def test_no_asset_is_loaded_from_outside_the_site(site):
    for path in html_pages(site):
        doc = html.fromstring(path.read_bytes())
        for url in doc.xpath("//script/@src | //img/@src | //link[not(@rel='canonical')]/@href | //iframe/@src"
                             " | //source/@src | //video/@src | //audio/@src"):
            assert not urlsplit(url).scheme and not url.startswith("//"), (path, url)
        assert "@import" not in "".join(doc.xpath("//style/text()")), path
    external = re.compile(r"""url\(\s*['"]?\s*(https?:)?//|@import""", re.IGNORECASE)
    for css in site.rglob("*.css"):
        assert not external.search(css.read_text(encoding="utf-8")), css


def test_sitemap_lists_every_page_under_base_url(site, built):
    _, report = built
    tree = etree.parse(str(site / "sitemap.xml"))
    locs = tree.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    expected = {SETTINGS.absolute_url(p) for p in report.pages}
    assert set(locs) == expected and len(locs) == len(report.pages)
    assert "https://example.org/edition/" in locs
    assert f"https://example.org/edition/documents/{ZUBOK}.html" in locs


def test_no_sitemap_or_canonical_without_base_url(tei_dir, tmp_path):
    settings = Settings(title="T", version="1", date="2025-01-15")
    report = _build(tei_dir, tmp_path / "site", settings)
    assert not (tmp_path / "site" / "sitemap.xml").exists()
    assert not page(tmp_path / "site", "index.html").xpath("//link[@rel='canonical']")
    assert any("base_url" in w.message for w in report.warnings)


# --- persons, translations, browse ----------------------------------------------------------


def test_person_page_lists_documents_and_turns(site):
    doc = page(site, "persons/mao-zedong.html")
    assert doc.xpath("string(//h1)") == "Mao Zedong"
    hrefs = doc.xpath("//a/@href")
    for turn in ("sp-1", "sp-3", "sp-5"):
        assert f"../documents/{ZUBOK}.html#{turn}" in hrefs
    assert f"../documents/{ZUBOK}.html#sp-2" not in hrefs  # Khrushchev's turn
    assert f"../documents/{ALBANIA}.html#sp-3" in hrefs
    assert f"../documents/{WOLFF}.html" in hrefs
    present = page(site, "persons/ponomarev-boris.html")
    assert present.xpath("string(//h1)") == "Boris N. Ponomarev"
    assert f"../documents/{ZUBOK}.html#p-1" in present.xpath("//a/@href")  # named in narration
    index = page(site, "persons/index.html")
    assert "belishova-liri.html" in index.xpath("//a/@href")


def test_person_page_gives_every_turn_with_its_words(tei_dir, tmp_path):
    """Issue 13: everything a person said, not the first turns and then a wall of numbers."""
    _build(tei_dir, tmp_path / "site")
    doc = page(tmp_path / "site", "persons/mao-zedong.html")
    section = doc.xpath(f"//details[@data-document='{ZUBOK}']")[0]
    maos_turns = etree.parse(str(tei_dir / f"{ZUBOK}.xml")).xpath(
        "//t:sp[@who='#mao-zedong']/@xml:id", namespaces={"t": "http://www.tei-c.org/ns/1.0"})
    listed = section.xpath(".//ol[@class='turn-list']/li")
    assert [li.xpath("a/@href")[0].split("#")[1] for li in listed] == maos_turns
    assert all(li.xpath("string(span[@class='turn-words'])").strip() for li in listed)


def test_translations_link_to_each_other_and_compare(site):
    zubok = page(site, f"documents/{ZUBOK}.html")
    assert f"{WOLFF}.html" in zubok.xpath("//aside[contains(@class,'translations-box')]//a/@href")
    assert f"../compare/{WOLFF}--{ZUBOK}.html" in zubok.xpath("//a/@href")
    albania = page(site, f"documents/{ALBANIA}.html")
    assert not albania.xpath("//aside[contains(@class,'translations-box')]")
    compare = page(site, f"compare/{WOLFF}--{ZUBOK}.html")
    columns = compare.xpath("//header[contains(@class,'compare-header')]")
    assert len(columns) == 2
    assert compare.xpath("//div[@id='a-sp-1' and contains(@class,'turn')]")
    assert compare.xpath(f"//a[@href='../documents/{WOLFF}.html#sp-1']")


def test_translations_are_not_found_by_date_and_speakers_alone(tmp_path):
    """Issue 16: sixty records of one day with the same speakers gave 1,770 comparison pages;
    the site relates only what the TEI declares (listBibl, written by the converter from evidence)."""
    tei = tmp_path / "tei"
    tei.mkdir()
    for doc_id in (ZUBOK, WOLFF):
        text = (FIXTURES / f"{doc_id}.xml").read_text(encoding="utf-8")
        start, end = text.index('<listBibl type="translations">'), text.index("</listBibl>") + len("</listBibl>")
        (tei / f"{doc_id}.xml").write_text(text[:start] + text[end:], encoding="utf-8")
    _build(tei, tmp_path / "site")
    assert not (tmp_path / "site" / "compare").exists() or not list((tmp_path / "site" / "compare").iterdir())


def test_chronology_and_archives(site):
    chron = page(site, "chronology.html")
    assert [h.text_content() for h in chron.xpath("//section[contains(@class,'year')]/h2")] == ["1958", "1960", "1961"]
    archives = page(site, "archives.html")
    names = [h.text_content() for h in archives.xpath("//section[contains(@class,'archive')]/h2")]
    assert "Archive of the President of the Russian Federation (APRF)" in names
    assert "Arkivi Qendror Shtetëror" in names


# --- quality, search ------------------------------------------------------------------------


class _File:
    def __init__(self, path, edition, tei_all, problems):
        self.path, self.passed_edition_schema, self.passed_tei_all, self.problems = path, edition, tei_all, problems


class _Validation:
    def __init__(self, files, problems):
        self.files, self.problems, self.ok = files, problems, False


def test_quality_page_shows_validation(tei_dir, tmp_path):
    problem = Problem(tei_dir / f"{WOLFF}.xml", 12, "element <foo> not allowed here", "error")
    validation = _Validation([
        _File(tei_dir / f"{ZUBOK}.xml", True, True, []),
        _File(tei_dir / f"{WOLFF}.xml", False, True, [problem]),
    ], [problem])
    _build(tei_dir, tmp_path / "site", validation=validation)
    doc = page(tmp_path / "site", "quality.html")
    rows = {r.xpath("string(td[1]/code)").removesuffix(".xml"): [c.text_content().strip() for c in r.xpath("td")]
            for r in doc.xpath("//table[contains(@class,'quality')]/tbody/tr")}
    assert rows[ZUBOK][1].endswith("passed") and rows[ZUBOK][2].endswith("passed")
    assert rows[WOLFF][1].endswith("failed") and rows[WOLFF][4] == "1"
    assert rows[ALBANIA][1] == "not checked"
    assert "element <foo> not allowed here" in doc.get_element_by_id(f"problems-{WOLFF}").text_content()


def test_search_index_and_page(site, built):
    _, report = built
    if report.search_pages == 0:
        pytest.skip("pagefind not available: " + "; ".join(w.message for w in report.warnings if "search" in w.message))
    assert report.search_pages == 4
    assert (site / "pagefind" / "pagefind-ui.js").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    search = page(site, "search.html")
    assert search.xpath("//div[@id='search']")
    assert "pagefind/pagefind-ui.js" in search.xpath("//script/@src")
    # the UI waits for every filter before its first search (else "Participant" can vanish)
    ui = (site / "pagefind" / "pagefind-ui.js").read_text(encoding="utf-8")
    assert re.search(r"await (\w+)\.filters\(\)\.catch\(function\(\)\{\}\),\w+=\1,\w+\(\)", ui)


def test_search_view_has_turn_headings_and_filters(site):
    from edition.site.document import load_document, render_document
    from edition.site.search import search_view

    doc = load_document(FIXTURES / f"{ZUBOK}.xml")
    render_document(doc, lambda pid: None)
    view = html.fromstring(search_view(doc))
    # the speaker as the edition names them, not the label as printed (issue 13)
    assert view.xpath("//h2[@id='sp-4']")[0].text_content() == "Nikita S. Khrushchev, turn 4"
    assert "Mao Zedong" in view.xpath("//*[@data-pagefind-filter='Participant']/text()")
    assert "Mao Zedong" in view.xpath("//*[@data-pagefind-filter='Speaker']/text()")
    assert view.xpath("//*[@data-pagefind-filter='Year']/text()") == ["1958"]


# --- the build as a whole ------------------------------------------------------------------


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tei_dir, site, tmp_path):
    _build(tei_dir, tmp_path / "again")
    first, second = _digest(site), _digest(tmp_path / "again")
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_failed_build_keeps_the_previous_site(tei_dir, tmp_path, monkeypatch):
    target = tmp_path / "site"
    tei_dir = Path(shutil.copytree(tei_dir, tmp_path / "tei-copy"))
    _build(tei_dir, target)
    before = _digest(target)
    import edition.site.build as build_module

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "_copy_static", boom)
    changed = tei_dir / f"{ALBANIA}.xml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Mao Zedong", "Mao Tse-tung", 1), encoding="utf-8")
    with pytest.raises(RuntimeError):
        _build(tei_dir, target)
    assert _digest(target) == before
    assert not (tmp_path / ".site.building").exists()


def test_refuses_to_replace_a_folder_that_is_not_a_site(tei_dir, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("keep me")
    with pytest.raises(EditionError, match="not a built site"):
        _build(tei_dir, precious)
    assert (precious / "thesis.tex").read_text() == "keep me"


def test_malformed_tei_is_reported_not_fatal(tmp_path):
    tei = tmp_path / "tei"
    tei.mkdir()
    shutil.copyfile(FIXTURES / f"{ZUBOK}.xml", tei / f"{ZUBOK}.xml")
    (tei / "broken.xml").write_text("<TEI><unclosed></TEI>", encoding="utf-8")
    report = _build(tei, tmp_path / "site")
    assert report.documents == 1
    assert any("broken.xml" in str(w.path) and "not well-formed" in w.message for w in report.warnings)


# --- settings ------------------------------------------------------------------------------


def test_settings_file(tmp_path):
    path = tmp_path / "edition.toml"
    path.write_text('title = "T"\neditors = ["A B"]\ndate = 2024-02-29\nlicence = { name = "CC0" }\n'
                    'base_url = "https://x.org/e"\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.title == "T" and settings.editors == ["A B"] and settings.date == "2024-02-29"
    assert settings.licence.name == "CC0"
    assert settings.absolute_url("documents/a.html") == "https://x.org/e/documents/a.html"
    assert settings.absolute_url("index.html") == "https://x.org/e/"
    assert load_settings(tmp_path / "missing.toml") == Settings()


@pytest.mark.parametrize("text, message", [
    ('titel = "T"\n', "unknown setting `titel`"),
    ('license = "MIT"\n', "unknown setting `license`"),
    ('licence = { name = "x", link = "y" }\n', "licence.link"),
    ('date = "15 January"\n', "`date`"),
    ('editors = "A", "B"\n', "not valid TOML"),
    ('base_url = "example.org"\n', "base_url"),
])
def test_bad_settings_are_errors_naming_the_key(tmp_path, text, message):
    path = tmp_path / "edition.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionError, match=message.replace("(", r"\(")):
        load_settings(path)


def test_sample_settings_file_loads_and_states_nothing_it_does_not_know():
    """Issue 13: the sample edition names no invented editors, publisher or address (the Pages
    workflow gives the address with --base-url)."""
    settings = load_settings(Path(__file__).parents[1] / "edition.toml")
    assert settings.title and settings.date
    assert settings.base_url == "" or settings.base_url.startswith("https://")
    text = repr(settings)
    for placeholder in ("Edition Team", "Sample Edition Project", "example.org", "example.com"):
        assert placeholder not in text


def test_serve_site_serves_the_built_site(site):
    import threading
    import urllib.request

    from edition.serve import make_server

    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/documents/{ZUBOK}.html") as response:
            assert response.status == 200 and b'class="turn"' in response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/tei/{ZUBOK}.xml") as response:
            assert response.read() == (FIXTURES / f"{ZUBOK}.xml").read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_serve_refuses_a_folder_without_a_site(tmp_path):
    from edition.serve import make_server

    with pytest.raises(EditionError, match="no built site"):
        make_server(tmp_path, 0)


# --- incremental builds ----------------------------------------------------------------


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in sorted(folder.rglob("*")) if p.is_file()}


def test_nothing_changed_means_nothing_is_rendered(tei_dir, tmp_path, monkeypatch):
    target = tmp_path / "site"
    first = _build(tei_dir, target)
    before = _inodes(target)
    import edition.site.build as build_module

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered although nothing changed")

    monkeypatch.setattr(build_module, "load_document", no_rendering)
    monkeypatch.setattr(build_module, "_build_into", no_rendering)
    again = _build(tei_dir, target)
    assert again.up_to_date and "up to date" in again.summary()
    assert again.pages == first.pages and again.documents == first.documents
    assert [str(w) for w in again.warnings] == [str(w) for w in first.warnings]
    assert _inodes(target) == before  # not one file rewritten


def test_one_changed_document_rerenders_it_and_the_pages_that_list_it(tei_dir, tmp_path):
    tei = Path(shutil.copytree(tei_dir, tmp_path / "tei"))
    target = tmp_path / "site"
    _build(tei, target)
    before = _inodes(target)
    changed = tei / f"{ALBANIA}.xml"
    text = changed.read_text(encoding="utf-8")
    cut = text.rindex("</p>")  # the last paragraph of the text: the title and date stay as they are
    changed.write_text(text[:cut] + " (edited)" + text[cut:], encoding="utf-8")
    report = _build(tei, target)
    after = _inodes(target)
    rewritten = {rel for rel in after if before.get(rel) != after[rel]}
    assert {f"documents/{ALBANIA}.html", f"tei/{ALBANIA}.xml", f"text/{ALBANIA}.txt", "index.html",
            "chronology.html", "persons/index.html", "persons/belishova-liri.html"} <= rewritten
    # documents that did not change, and are not the changed one's neighbours, are kept as they were
    assert f"documents/{HOSTILE}.html" not in rewritten
    assert f"compare/{WOLFF}--{ZUBOK}.html" not in rewritten
    assert "persons/ponomarev-boris.html" not in rewritten  # not in the changed document
    assert report.reused > 0 and report.rendered > 0
    assert (target / f"tei/{ALBANIA}.xml").read_bytes() == changed.read_bytes()
    # and the result is exactly what a build from scratch makes
    _build(tei, tmp_path / "fresh")
    assert _digest(target) == _digest(tmp_path / "fresh")


def test_parallel_rendering_gives_the_same_site(tei_dir, tmp_path, monkeypatch):
    import edition.site.build as build_module

    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)
    build_site(tei_dir, tmp_path / "parallel", SETTINGS, progress=False, jobs=2)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 10**6)
    build_site(tei_dir, tmp_path / "serial", SETTINGS, progress=False, jobs=1)
    assert _digest(tmp_path / "parallel") == _digest(tmp_path / "serial")


def test_search_index_is_split_and_only_the_changed_bundle_is_rebuilt(tei_dir, tmp_path, monkeypatch):
    import edition.site.search as search_module

    monkeypatch.setattr(search_module, "SHARD_SIZE", 1)  # 4 documents: 4 bundles
    tei = Path(shutil.copytree(tei_dir, tmp_path / "tei"))
    target = tmp_path / "site"
    report = _build(tei, target)
    if report.search_pages == 0:
        pytest.skip("pagefind not available")
    bundles = sorted(p.name for p in target.iterdir() if p.name.startswith("pagefind"))
    assert bundles == ["pagefind", "pagefind-1", "pagefind-2", "pagefind-3"]
    assert report.search_pages == 4
    assert 'data-bundles="pagefind-1/ pagefind-2/ pagefind-3/"' in (target / "search.html").read_text(encoding="utf-8")
    before = _inodes(target)
    changed = tei / f"{ALBANIA}.xml"
    text = changed.read_text(encoding="utf-8")
    cut = text.rindex("</p>")
    changed.write_text(text[:cut] + " (edited)" + text[cut:], encoding="utf-8")
    _build(tei, target)
    after = _inodes(target)
    rebuilt = {rel.split("/")[0] for rel in after if rel.startswith("pagefind") and before.get(rel) != after[rel]}
    own = search_module.bundle_name(search_module.shard_of(ALBANIA, 4))
    assert rebuilt == {own}


def test_a_bundle_that_fails_is_reported_the_others_published_and_the_next_build_makes_it(tei_dir, tmp_path,
                                                                                            monkeypatch):
    """The bundles are made two at a time in a thread of their own beside the list pages: a
    bundle that fails is a warning of the build (the site is still published) and is made again
    by the next build; the others are kept."""
    import edition.site.search as search_module

    monkeypatch.setattr(search_module, "SHARD_SIZE", 1)  # 4 documents: 4 bundles
    made = search_module.build_index

    def failing(out, docs, language="en", views=None, bundle="pagefind", live=None):
        if bundle == "pagefind-2":
            raise RuntimeError("Pagefind crashed")
        return made(out, docs, language, views=views, bundle=bundle, live=live)

    monkeypatch.setattr(search_module, "build_index", failing)
    tei = Path(shutil.copytree(tei_dir, tmp_path / "tei"))
    target = tmp_path / "site"
    report = _build(tei, target)
    if not (target / "pagefind").is_dir() or not any((target / "pagefind").iterdir()):
        pytest.skip("pagefind not available")
    in_failed = [t.stem for t in tei.glob("*.xml") if search_module.shard_of(t.stem, 4) == 2]
    assert in_failed  # the failing bundle has documents of its own
    assert report.search_pages == 4 - len(in_failed)
    assert [w.message for w in report.warnings if str(w.path) == "search"] == \
        ["search index not built: Pagefind crashed"]
    assert "search index not built: Pagefind crashed" in (target / "quality.html").read_text(encoding="utf-8")
    assert not (target / "pagefind-2").exists()
    assert all((target / bundle / "pagefind-entry.json").is_file() for bundle in ("pagefind", "pagefind-1", "pagefind-3"))
    monkeypatch.setattr(search_module, "build_index", made)
    again = _build(tei, target)
    assert again.search_pages == 4 and not [w for w in again.warnings if str(w.path) == "search"]
    assert (target / "pagefind-2" / "pagefind-entry.json").is_file()


def test_a_build_that_fails_while_the_search_index_is_made_stops_it_and_leaves_the_live_site(tei_dir, tmp_path,
                                                                                              monkeypatch):
    import threading
    import time

    import edition.site.build as build_module
    import edition.site.search as search_module

    monkeypatch.setattr(search_module, "SHARD_SIZE", 1)
    tei = Path(shutil.copytree(tei_dir, tmp_path / "tei"))
    target = tmp_path / "site"
    _build(tei, target)
    before = _inodes(target)
    begun, started, failed = [], threading.Event(), threading.Event()

    def slow(out, docs, language="en", views=None, bundle="pagefind", live=None):
        begun.append(bundle)
        started.set()
        failed.wait(10)  # still running when the build fails, however slow the machine
        time.sleep(0.2)  # and ending after the build has said to stop
        return len(docs)

    def broken(*args, **kwargs):
        started.wait(10)  # the search is under way when the build fails
        failed.set()
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(search_module, "build_index", slow)
    monkeypatch.setattr(build_module, "_zip_tei", broken)
    changed = tei / f"{ALBANIA}.xml"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("</p>", " (edited)</p>", 1), encoding="utf-8")
    with pytest.raises(RuntimeError, match="the disk is full"):
        _build(tei, target)
    assert not [t for t in threading.enumerate() if t.name == "search index" or t.name.startswith("pagefind")]
    assert 1 <= len(begun) <= 2  # the bundles running when the build failed; none begun after
    assert _inodes(target) == before  # the live site as it was


def test_search_index_builds_from_inside_a_running_event_loop(tmp_path):
    """A notebook or an async server already runs a loop: the index is made without one of its own."""
    import asyncio

    from edition.site.document import load_document
    from edition.site.search import build_index

    docs = [load_document(FIXTURES / f"{ALBANIA}.xml")]

    async def inside_a_loop() -> int:
        return build_index(tmp_path, docs, "en")

    try:
        count = asyncio.run(inside_a_loop())
    except ImportError:
        pytest.skip("pagefind not available")
    assert count == 1
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()


def test_a_very_long_document_is_published_whole_with_a_warning(tei_dir, tmp_path, monkeypatch):
    import edition.site.document as document_module

    size = (tei_dir / f"{ZUBOK}.xml").stat().st_size
    monkeypatch.setattr(document_module, "LARGE_TEI_BYTES", size - 1)
    report = _build(tei_dir, tmp_path / "site")
    long_ones = [w for w in report.warnings if "a very long document" in w.message]
    assert [Path(w.path).stem for w in long_ones] == [ZUBOK]
    assert (tmp_path / "site" / "documents" / f"{ZUBOK}.html").is_file()
