"""The Chicago entries from the style whose lookups are remembered (edition/site/cite.py) are the
entries of citeproc-py's style as it loads, for each of the three a document page asks for."""

import dataclasses
from pathlib import Path

import pytest

from edition.settings import Settings
from edition.site import cite
from edition.site.document import load_document

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tei").glob("*.xml")) + sorted((ROOT / "tests/fixtures/tei/valid").glob("*.xml"))
SETTINGS = {
    "bare": Settings(),
    "full": Settings(title="Conversations & <Records>", editors=["Vladislav M. Zubok", "Plato"],
                     publisher="Example University Library", version="2.1", base_url="https://example.org/ed/"),
}


def three_entries(doc, settings):
    """What a document page asks for: the entry, with its access clause, and a passage's."""
    url = settings.absolute_url(f"documents/{doc.id}.html")
    return [cite.chicago(doc, settings, url), cite.chicago(doc, settings, url, accessed=cite.ACCESS_SENTINEL),
            cite.chicago(doc, settings, url, passage="{passage}", accessed=cite.ACCESS_SENTINEL),
            cite.chicago(doc, settings, url, passage="sp-12")]


@pytest.fixture(scope="module")
def documents():
    docs = [load_document(path) for path in FILES]
    # a title that would be markup, and a record that names no translator
    return docs + [dataclasses.replace(docs[0], id="odd", title='A "talk" <script>x</script> & more.', resps=[])]


@pytest.mark.parametrize("name", SETTINGS)
def test_remembered_lookups_give_the_entries_of_the_style_as_loaded(documents, name, monkeypatch):
    settings = SETTINGS[name]
    quick = [three_entries(doc, settings) for doc in documents]
    monkeypatch.setattr(cite, "_chicago_style", cite._load_chicago_style)  # a fresh style, nothing remembered
    plain = [three_entries(doc, settings) for doc in documents]
    assert quick == plain
    assert all(plain_text and html for entries in plain for plain_text, html in entries)
    accessed = any("Accessed February 3, 1901" in plain_text for entries in plain for plain_text, _ in entries)
    assert accessed == bool(settings.base_url)  # Chicago dates the access to a URL, and only a base URL gives one


def test_a_remembering_style_keeps_its_element_objects():
    root = cite._chicago_style().root
    macro = root.xpath_search("cs:macro[1]")[0]
    assert macro.xpath_search is not type(macro).xpath_search and root.kept_elements


@pytest.fixture(scope="module")
def variety(tmp_path_factory):
    """The twelve variety records converted: other archives' titles, translators and shelfmarks."""
    from edition.convert import convert_corpus

    import shutil

    records, out = tmp_path_factory.mktemp("variety"), tmp_path_factory.mktemp("variety-tei")
    for path in (ROOT / "tests/fixtures/variety").glob("*.txt"):
        shutil.copy(path, records)
    convert_corpus(records, out, jobs=1)
    files = sorted(out.glob("*.xml"))
    assert len(files) == 12
    return [load_document(path) for path in files]
ODD_TITLES = ['A "talk" <script>x</script> & more.', "Talk with O'Neill & Co.: <b>notes</b>", "Who? What!",
              "Ends in a period.", "“Quoted” title", "a lower-case title, with a comma,", "Tab\tand  spaces"]


@pytest.mark.parametrize("name", SETTINGS)
def test_one_run_gives_the_three_entries_a_page_shows(documents, variety, name):
    """page_citations makes from one citeproc-py run what three runs of chicago_text and
    chicago_html give, character for character, and does make it from one run here."""
    settings = SETTINGS[name]
    docs = documents + variety + [
        dataclasses.replace(documents[0], id=f"odd-{index}", title=title) for index, title in enumerate(ODD_TITLES)]
    for doc in docs:
        url = settings.absolute_url(f"documents/{doc.id}.html")
        three = (cite.chicago_text(doc, settings, url),
                 cite.with_access_clause(cite.chicago_html(doc, settings, url, accessed=cite.ACCESS_SENTINEL)),
                 cite.chicago_text(doc, settings, url, passage="{passage}", accessed=cite.ACCESS_SENTINEL))
        assert cite.page_citations(doc, settings, url) == three, doc.id
        assert cite._one_run_entries(cite.csl_item(doc, settings, url, cite.ACCESS_SENTINEL), url) is not None, doc.id


def test_a_record_holding_a_private_use_character_is_cited_by_three_runs(documents):
    settings = SETTINGS["full"]
    doc = dataclasses.replace(documents[0], id="pua", title="A title with \ue001 in it")
    url = settings.absolute_url("documents/pua.html")
    assert cite._one_run_entries(cite.csl_item(doc, settings, url, cite.ACCESS_SENTINEL), url) is None
    plain, html, passage = cite.page_citations(doc, settings, url)
    assert "\ue001" in plain and "{passage}" in passage and "access-clause" in html
