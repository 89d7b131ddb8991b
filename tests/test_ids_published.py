"""Note ids say which note (fn-N, en-N), and every id the edition ever published still lands.

The published ids are those of tei/ before note ids changed (tests/fixtures/published-ids.json,
taken from git). The corpus is converted again over a copy of tei/, as `edition build` does,
and the site built from the result: each published id must be an element id on its
document's page, either the passage itself or a retired id that the page moves to its note.
"""

import json
import re
from pathlib import Path

import pytest
from lxml import etree, html

from built_edition import build_edition
from edition.convert import convert_corpus
from edition.ids import carry_forward_ids, former_ids
from edition.tei import TEI_NS, XML_ID, Writer

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = json.loads((ROOT / "tests/fixtures/published-ids.json").read_text(encoding="utf-8"))["documents"]
T = f"{{{TEI_NS}}}"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """(tei folder, site folder): the corpus converted over a copy of tei/, and its site."""
    return build_edition(tmp_path_factory.mktemp("edition"))


def page_ids(site: Path, doc_id: str) -> dict[str, str | None]:
    """Element ids on a document's page → where the page moves the address (None: nowhere)."""
    page = html.parse(str(site / "documents" / f"{doc_id}.html"))
    return {element.get("id"): element.get("data-moved-to") for element in page.iter() if element.get("id")}


@pytest.mark.parametrize("doc_id", sorted(PUBLISHED))
def test_every_published_id_lands_on_its_page(edition, doc_id):
    _, site = edition
    ids = page_ids(site, doc_id)
    missing = [published for published in PUBLISHED[doc_id] if published not in ids]
    assert not missing, f"published ids that no longer land anywhere: {missing}"
    for published in PUBLISHED[doc_id]:
        moved = ids[published]
        assert moved is None or moved in ids, f"#{published} is sent to #{moved}, which is not on the page"


@pytest.mark.parametrize("doc_id", sorted(PUBLISHED))
def test_old_note_ids_are_retired_into_the_tei(edition, doc_id):
    tei, _ = edition
    root = etree.parse(str(tei / f"{doc_id}.xml")).getroot()
    notes = {note.get(XML_ID): note for note in root.find(f"{T}text").iter(f"{T}note")}  # the text's notes
    assert notes and all(re.fullmatch(r"(fn|en)-[1-9][0-9]*", note_id) for note_id in notes)
    old_note_ids = [i for i in PUBLISHED[doc_id] if re.fullmatch(r"n-\d+", i)]
    retired = former_ids(root)
    assert sorted(retired) == sorted(old_note_ids)
    for former, current in retired.items():
        assert current in notes
    # a printed footnote keeps its printed number in its id
    for note_id, note in notes.items():
        if note_id.startswith("fn-"):
            assert note.get("place") == "foot" and note.get("n") == note_id[3:]




def test_a_re_conversion_keeps_the_retired_ids(edition, tmp_path):
    tei, _ = edition
    before = {path.name: path.read_bytes() for path in sorted(tei.glob("*.xml"))}
    report = convert_corpus(ROOT / "corpus", tei, force=True, progress=False)
    assert not report.failed
    after = {path.name: path.read_bytes() for path in sorted(tei.glob("*.xml"))}
    assert after == before


def _document(notes_xml: str) -> etree._Element:
    return etree.fromstring(f'<TEI xmlns="{TEI_NS}"><text><body><div><p xml:id="p-1">{notes_xml}</p></div></body></text></TEI>')


def test_an_edited_editorial_note_keeps_its_en_id_and_a_new_one_takes_the_next_number():
    old = _document('<note n="a" place="inline" type="editorial" xml:id="en-1">first</note>'
                    '<note n="b" place="inline" type="editorial" xml:id="en-2">second</note>')
    new = _document('<note n="a" place="inline" type="editorial" xml:id="en-1">new one</note>'
                    '<note n="b" place="inline" type="editorial" xml:id="en-2">first</note>'
                    '<note n="c" place="inline" type="editorial" xml:id="en-3">second</note>')
    carry_forward_ids(new, old)
    assert [n.get(XML_ID) for n in new.iter(f"{T}note")] == ["en-3", "en-1", "en-2"]
    assert former_ids(new) == {}


def test_a_note_id_of_the_old_scheme_becomes_an_anchor_in_the_note_that_took_its_place():
    old = _document('text<note n="1" place="foot" type="editorial" xml:id="n-1">A <hi>note</hi>.</note>')
    new = _document('text<note n="1" place="foot" type="editorial" xml:id="fn-1">A <hi>note</hi>.</note>')
    carry_forward_ids(new, old)
    note = next(new.iter(f"{T}note"))
    assert note.get(XML_ID) == "fn-1"
    assert etree.tostring(note[0]) .startswith(b'<anchor xmlns="http://www.tei-c.org/ns/1.0" xml:id="n-1" '
                                               b'type="former-id" corresp="#fn-1"/>A ')
    assert "".join(note.itertext()) == "A note."
    again = _document('text<note n="1" place="foot" type="editorial" xml:id="fn-1">A <hi>note</hi>.</note>')
    carry_forward_ids(again, new)
    assert former_ids(again) == {"n-1": "fn-1"}


def test_note_ids_say_which_note():
    writer = Writer.__new__(Writer)
    writer.counters, writer.note_ids = {}, set()
    assert writer.note_id("3") == "fn-3"
    assert writer.note_id(None) == "en-1"   # a bracketed comment, a note the edition adds
    assert writer.note_id("3") == "en-2"    # printed twice: the second takes the edition's series
    assert writer.note_id("*") == "en-3"    # no number printed
    assert writer.note_id("12") == "fn-12"
