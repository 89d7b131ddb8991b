"""The place register: one normalised place for the forms records print (issue 12: the hall of
the first Khrushchev–Mao talk is printed Huairan, Huairen and Huaizhentan)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from edition.places import load_places
from edition.readers import read_source
from edition.tei import TEI_NS, XML_ID, document_to_tei

from conftest import TEI_DIR

NS = {"tei": TEI_NS}
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
WOLFF = "1958-07-31_khrushchev-mao_first-conversation_wolff"


def test_both_translations_name_one_hall_as_each_prints_it() -> None:
    printed = {}
    for doc in (ZUBOK, WOLFF):
        root = etree.parse(str(TEI_DIR / f"{doc}.xml")).getroot()
        place = root.find(".//tei:dateline/tei:placeName", NS)
        assert place.get("ref") == "#huairen-hall"
        printed[doc] = place.text
        entry = root.find(".//tei:settingDesc/tei:listPlace/tei:place[@xml:id='huairen-hall']", {**NS, 'xml': 'http://www.w3.org/XML/1998/namespace'})
        names = [name.text for name in entry.iterfind("tei:placeName", NS)]
        assert names[0] == "Huairen Hall" and {"Huairan Hall", "Hall of Huaizhentan"} <= set(names)
        assert root.find(".//tei:creation/tei:placeName", NS).get("ref")
    assert printed == {ZUBOK: "Huairan Hall", WOLFF: "Huairen Hall"}  # the printed forms kept


def test_an_editions_register_adds_places_and_every_pointer_resolves(tmp_path: Path) -> None:
    register = tmp_path / "places.toml"
    register.write_text('[camp-david]\nname = "Camp David"\nvariants = ["Shangri-La"]\ncountry = "United States"\n',
                        "utf-8")
    source = tmp_path / "record.txt"
    source.write_text("Memorandum of Conversation\n\nShangri-La, September 5, 1978\n\nCarter: We begin.\n\n"
                      "Begin: Yes.\n\nCarter: Good.\n", "utf-8")
    root = document_to_tei(read_source(source, "record.txt", places=load_places(register)))
    place = root.find(".//tei:dateline/tei:placeName", NS)
    assert (place.text, place.get("ref")) == ("Shangri-La", "#camp-david")
    ids = {el.get(XML_ID) for el in root.iter()}
    assert all(p.get("ref")[1:] in ids for p in root.iter(f"{{{TEI_NS}}}placeName") if p.get("ref"))
    assert root.find(".//tei:place[@xml:id='camp-david']/tei:placeName", {**NS, 'xml': 'http://www.w3.org/XML/1998/namespace'}).text == "Camp David"
