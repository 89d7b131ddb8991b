"""The TEI header writer: dates with times, the record's own date, any archive's shelfmark,
classification, rights never invented, persons' authority ids; valid against both schemas."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from edition.archives import find_citation, parse_citation
from edition.model import Document, Metadata, Paragraph, Person, Turn
from edition.persons import attach_details, default_register, load_register
from edition.tei import TEI_NS, XML_LANG, document_to_tei, serialize
from edition.validate import validate_paths

NS = {"t": TEI_NS}


def frus_document(**meta) -> Document:
    finding = find_citation([], [("1", 9, "Source: National Archives, RG 59, Central Files 1970-73, POL 7 CHICOM. "
                                           "Secret; Nodis. Drafted by John H. Holdridge.")])
    metadata = Metadata(title="Memorandum of Conversation", date_when="1944-09-19",
                        date_text="September 19, 1944, 10–12 a.m.", time_from="10:00:00", time_to="12:00:00",
                        time_text="10–12 a.m.", record_date_when="1944-10-12", record_date_text="October 12, 1944",
                        place="Chungking", record_id="frus1969-76v12-d188", record_id_type="frus", **meta)
    persons = [Person("mao-zedong", "Mao Zedong"), Person("k", "K")]
    attach_details(persons, default_register())
    body = [Turn(["Mao Zedong"], "mao-zedong", [Paragraph(["Yes."], 3)], 3), Turn(["K"], "k", [Paragraph(["No."], 4)], 4)]
    return Document("frus-test", "frus-test.txt", "0" * 64, "test", metadata, parse_citation(finding.text, finding=finding),
                    persons, [], None, body, None, {}, languages=[("en", "English")])


def written(doc: Document, tmp_path: Path | None = None):
    root = document_to_tei(doc, "Test", "2024-01-01")
    if tmp_path is not None:
        path = tmp_path / f"{doc.id}.xml"
        path.write_bytes(serialize(root))
        return root, path
    return root


def test_the_conversation_date_has_its_time_range_and_the_record_its_own_date() -> None:
    root = written(frus_document())
    conversation, record = root.findall(".//t:creation/t:date", NS)
    assert (conversation.get("when"), conversation.get("type")) == ("1944-09-19", "conversation")
    time = conversation.find("t:time", NS)
    assert (time.get("from"), time.get("to"), time.text) == ("10:00:00", "12:00:00", "10–12 a.m.")
    assert "".join(conversation.itertext()) == "September 19, 1944, 10–12 a.m."
    assert (record.get("when"), record.get("type"), record.text) == ("1944-10-12", "record", "October 12, 1944")
    assert root.findtext(".//t:creation/t:placeName", namespaces=NS) == "Chungking"


def test_classification_and_drafting_are_notes_on_the_item_not_the_shelfmark() -> None:
    root = written(frus_document())
    identifier = root.find(".//t:msIdentifier", NS)
    assert [(i.get("type"), i.text) for i in identifier.findall("t:idno", NS)] == [("record-group", "59"),
                                                                                 ("file", "POL 7 CHICOM")]
    assert identifier.findtext("t:collection", namespaces=NS) == "Central Files 1970-73"
    assert root.findtext(".//t:msItem/t:note[@type='classification']", namespaces=NS) == "Secret; Nodis."
    assert root.findtext(".//t:msItem/t:note[@type='source-note']", namespaces=NS) == "Drafted by John H. Holdridge."
    assert "Secret" not in "".join(identifier.itertext())


def test_no_rights_are_invented_when_the_source_states_none() -> None:
    availability = written(frus_document()).find(".//t:availability", NS)
    assert availability.get("status") == "unknown"
    assert availability.find("t:p", NS).get("resp") == "#edition"
    stated = written(frus_document(rights="Public domain (17 U.S.C. 105).", rights_status="free"))
    availability = stated.find(".//t:availability", NS)
    assert (availability.get("status"), availability.findtext("t:p", namespaces=NS)) == ("free", "Public domain (17 U.S.C. 105).")


def test_record_ids_are_typed_by_origin_and_the_root_language_is_the_texts() -> None:
    root = written(frus_document(text_language="de"))
    assert root.findtext(".//t:publicationStmt/t:idno[@type='frus']", namespaces=NS) == "frus1969-76v12-d188"
    assert root.get(XML_LANG) == "de"
    assert written(frus_document()).get(XML_LANG) == "en"


def test_an_archive_the_record_does_not_name_is_marked_as_the_editions() -> None:
    finding = find_citation([(1, "Marshall Mission Files, Lot 54–D270")], [])
    doc = frus_document()
    doc.archive = parse_citation(finding.text, finding=finding)
    identifier = written(doc).find(".//t:msIdentifier", NS)
    repository = identifier.find("t:repository", NS)
    # the archive's abbreviation is the repository's: choice/expan + abbr (issue 12)
    assert (repository.findtext("t:choice/t:expan", namespaces=NS), repository.get("resp")) == \
        ("National Archives and Records Administration", "#edition")
    assert identifier.find("t:idno[@type='record-group']", NS).get("resp") == "#edition"
    assert identifier.find("t:idno[@type='lot']", NS).get("resp") is None  # printed by the record
    assert doc.archive.citation == "Marshall Mission Files, Lot 54–D270"


def test_a_division_of_an_archive_is_the_repository_within_the_institution() -> None:
    doc = frus_document()
    doc.archive = parse_citation("Library of Congress, Manuscript Division, Kissinger Papers, Box 364")
    identifier = written(doc).find(".//t:msIdentifier", NS)
    assert identifier.findtext("t:institution", namespaces=NS) == "Library of Congress"
    assert identifier.findtext("t:repository", namespaces=NS) == "Manuscript Division"


def test_persons_carry_the_registers_authority_ids_and_dates() -> None:
    person = written(frus_document()).find(".//t:person[@xml:id='mao-zedong']", {**NS, "xml": "http://www.w3.org/XML/1998/namespace"})
    assert person.findtext("t:idno[@type='wikidata']", namespaces=NS) == "Q5816"
    assert person.find("t:birth", NS).get("when") == "1893-12-26"
    assert person.findtext("t:occupation", namespaces=NS) == "Chairman of the Chinese Communist Party"


def test_an_undated_record_says_so_in_the_editions_words() -> None:
    doc = frus_document()
    doc.metadata.date_when = doc.metadata.record_date_when = ""
    date = written(doc).find(".//t:creation/t:date", NS)
    assert (date.get("when"), date.get("type"), date.get("resp")) == (None, "undated", "#edition")


def test_the_header_is_valid_against_the_editions_schema_and_tei_all(tmp_path: Path) -> None:
    for variant, doc in (("full", frus_document()), ("rights", frus_document(rights="Public domain.", rights_status="free"))):
        doc.id = f"frus-test-{variant}"
        doc.source_name = f"{doc.id}.txt"
        _, path = written(doc, tmp_path)
    report = validate_paths([tmp_path])
    assert report.ok, [problem for result in report.files for problem in result.problems]


def test_an_editions_person_register_is_merged_over_the_packaged_one(tmp_path: Path) -> None:
    register = tmp_path / "persons.toml"
    register.write_text('[mao-zedong]\nviaf = "12345"\n\n[zhou-enlai]\nname = "Zhou Enlai"\nvariants = ["Chou En-lai"]\n',
                        "utf-8")
    merged = load_register(register)
    mao = next(p for p in merged.persons if p.id == "mao-zedong")
    assert (mao.name, mao.wikidata, mao.viaf) == ("Mao Zedong", "Q5816", "12345")
    assert merged.find("Chou En-lai").id == "zhou-enlai"
    assert load_register(None) is default_register()
