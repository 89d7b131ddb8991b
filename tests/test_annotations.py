"""The editor's notes (registers/annotations.toml): issue 12's misplaced marker [4] in Zubok gets
an editorial note saying so, the edition's own, after the note it concerns; it survives every
reconversion, and a note about an element the document lacks is reported."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from edition.model import Annotation
from edition.readers import read_source
from edition.tei import TEI_NS, XML_ID, document_to_tei

from conftest import TEI_DIR

NS = {"tei": TEI_NS}
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"


def test_the_misplaced_marker_4_has_an_editors_note() -> None:
    root = etree.parse(str(TEI_DIR / f"{ZUBOK}.xml")).getroot()
    note = root.find(".//tei:note[@target='#fn-4']", NS)
    assert note is not None and note.get("resp") == "#edition" and note.get("type") == "editorial"
    assert note.getprevious().get(XML_ID) == "fn-4"  # straight after the note it is about
    assert "misplaced" in "".join(note.itertext())
    passage = note.find("tei:ptr", NS).get("target")[1:]
    target = next(element for element in root.iter() if element.get(XML_ID) == passage)
    assert "According to the agreement" in "".join(target.itertext())


def test_an_annotation_is_written_after_its_element_and_one_without_it_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "record.txt"
    source.write_text("Memorandum of Conversation\n\nKissinger: We begin.\n\nDobrynin: Yes, we do.\n\n"
                      "Kissinger: Good.\n\nDobrynin: Agreed.\n", "utf-8")
    notes = (Annotation("record", "p-2", "The source's word here is doubtful.", "p-1"),
             Annotation("record", "p-99", "About a passage the record does not have."))
    document = read_source(source, "record.txt", annotations=notes)
    root = document_to_tei(document)
    note = root.find(".//tei:note[@resp='#edition']", NS)
    assert note.getparent().get(XML_ID) == "sp-2" and note.getprevious().get(XML_ID) == "p-2"
    assert note.find("tei:ptr", NS).get("target") == "#p-1"
    assert any("p-99" in problem.message for problem in document.problems)
