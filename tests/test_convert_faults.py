"""Faults the benchmark's generator met in the converter, each a rule of its convention: the
TEI a record gives is valid where a note meets emphasis, a FRUS record's State Department file
is its citation in every form FRUS prints it, a page's footer date is no note. The body each
rule gives is in tests/fixtures/rules/ (one-letter-honorific-labels, italic-shelfmark-end,
notes-in-emphasis, web-footer-date, markdown-notes-consecutive); these tests check what a
compact body cannot show: the schema, the header's citation."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.archives import find_citation, parse_citation
from edition.readers import read_source
from edition.readers.labels import LabelMatcher
from edition.readers.notes import definition, is_date_line
from edition.readers.profiles import profile_for
from edition.tei import TEI_NS, document_to_tei
from edition.validate import check_edition_schema

RULES = Path(__file__).parent / "fixtures" / "rules"
T = f"{{{TEI_NS}}}"


def fixture_input(name: str) -> str:
    return (RULES / f"{name}.txt").read_text("utf-8").split("--- input\n", 1)[1].split("--- expected\n", 1)[0]


def convert(tmp_path: Path, source: str, name: str = "record.txt"):
    path = tmp_path / name
    path.write_text(source, "utf-8")
    root = document_to_tei(read_source(path, name))
    return root, check_edition_schema(root.getroottree(), path)


# --- a note inside emphasis -----------------------------------------------------------------------

def test_a_note_in_italics_stands_outside_the_italics(tmp_path: Path) -> None:
    """`*the White Paper[^1] and the annex*` and `_[a bracketed comment]_`: edition.xsd allows no
    <note> in <hi>; the italics close before the note and open again after it."""
    root, problems = convert(tmp_path, fixture_input("notes-in-emphasis"), "record.md")
    assert problems == []
    assert root.find(f".//{T}hi//{T}note") is None
    first = root.find(f".//{T}sp/{T}p")
    assert [(child.tag[len(T):], "".join(child.itertext())) for child in first] == [
        ("hi", "the White Paper"), ("note", "Not printed."), ("hi", " and the annex")]
    comment = root.find(f".//{T}sp[2]/{T}p/{T}note")
    assert comment.get("place") == "inline" and comment.text == "The rest of this passage is not printed."


def test_a_dfat_record_closing_with_its_shelfmark_in_italics_is_valid_and_cites_it(tmp_path: Path) -> None:
    """DFAT's Markdown with no notes ends ` _[AA : …]_`: the shelfmark is the record's archival
    citation (NAA), not an editor's note set in italics at the end of the body."""
    source = fixture_input("italic-shelfmark-end").replace("doc_num: 12\n", "doc_num: 12\nnaa_refs: []\n")
    root, problems = convert(tmp_path, source, "record.md")
    assert problems == []
    assert root.find(f".//{T}body//{T}note") is None
    assert root.findtext(f".//{T}sourceDesc/{T}bibl[@type='citation']") == "AA : A1838/2, 852/20/4, ii"
    identifier = root.find(f".//{T}msIdentifier")
    assert identifier.findtext(f".//{T}abbr") == "NAA"
    assert [(idno.get("type"), idno.text) for idno in identifier.iterfind(f"{T}idno")] == [
        ("series", "A1838"), ("accession", "2"), ("control-symbol", "852/20/4"), ("part", "ii")]


# --- FRUS: the State Department's files -------------------------------------------------------

FRUS_PAGE = """Skip to main content
Office of the Historian
Search
Menu
Home
Historical Documents

Foreign Relations of the United States, 1961–1963, Volume XXII, Northeast Asia

Document 352

352. Memorandum of Conversation

{source}

Tokyo, May 3, 1962.

Present: Ambassador Reischauer, Foreign Minister Kosaka

Ambassador Reischauer: We should meet again soon, and we should meet in Washington.

Foreign Minister Kosaka: That is the right way to put it, and I shall tell the Prime Minister so.

Previous
Next
"""


@pytest.mark.parametrize("line, collection, idnos", [
    ("Department of State, Central Files, POL 7 JAPAN", "Central Files", [("file", "POL 7 JAPAN")]),
    ("Department of State, Central Files, 611.94/5–362", "Central Files", [("decimal-file", "611.94/5–362")]),
    ("Department of State, Conference Files: Lot 64 D 199, CF 2045", "Conference Files",
     [("lot", "64 D 199"), ("file", "CF 2045")]),
    ("Lot 64 D 199, Rusk Files", "Rusk Files", [("lot", "64 D 199")]),
    ("Conference files, lot 60 D 627, CF 149", "Conference files", [("lot", "60 D 627"), ("file", "CF 149")]),
    ("Marshall Mission Files, Lot 54–D270", "Marshall Mission Files", [("lot", "54–D270")]),
])
def test_a_frus_file_line_is_the_citation_in_the_national_archives(tmp_path: Path, line: str, collection: str,
                                                                    idnos: list) -> None:
    """The file under a FRUS document's heading, in every form the volumes print it: the
    Department's files are in Record Group 59 at NARA, which the edition supplies (resp)."""
    root, problems = convert(tmp_path, FRUS_PAGE.format(source=line))
    assert problems == []
    assert root.findtext(f".//{T}sourceDesc/{T}bibl[@type='citation']") == line
    identifier = root.find(f".//{T}msIdentifier")
    assert identifier.findtext(f".//{T}abbr") == "NARA"
    assert identifier.find(f"{T}repository").get("resp") == "#edition"
    assert (identifier.findtext(f"{T}collection") or "") == collection
    found = [(idno.get("type"), idno.text) for idno in identifier.iterfind(f"{T}idno")]
    assert found == [("record-group", "59")] + idnos
    assert identifier.find(f"{T}idno[@type='record-group']").get("resp") == "#edition"


@pytest.mark.parametrize("note, idnos", [
    ("Source: Department of State, Central Files, POL 7 JAPAN. Secret. Drafted by Rowe.",
     [("record group", "59"), ("file", "POL 7 JAPAN")]),
    ("Source: Department of State, Secretary's Memoranda of Conversation: Lot 64 D 199. Confidential.",
     [("record group", "59"), ("lot", "64 D 199")]),
    ("Source: Department of State, Central Files, POL 27 VIET S. Secret.",  # a one-letter last word
     [("record group", "59"), ("file", "POL 27 VIET S")]),
])
def test_a_frus_source_note_naming_the_department_is_to_its_files_at_nara(note: str, idnos: list) -> None:
    finding = find_citation([(1, "352. Memorandum of Conversation")], [("1", 40, note)])
    assert finding.where == "footnote" and finding.note_n == "1"
    source = parse_citation(finding.text, finding=finding)
    assert (source.abbreviation, source.repository_supplied) == ("NARA", True)
    assert source.idnos == idnos and not source.warnings
    assert finding.classification in ("Secret.", "Confidential.")


def test_a_citation_naming_its_archive_keeps_it_though_it_names_the_department() -> None:
    """`National Archives, RG 59, Central Files 1961–63, POL 7 JAPAN`: the archive printed is
    the archive, the edition supplies nothing."""
    source = parse_citation("National Archives, RG 59, Central Files 1961–63, POL 7 JAPAN")
    assert (source.abbreviation, source.repository_supplied) == ("NARA", False)
    assert ("record group", "59") in source.idnos and ("file", "POL 7 JAPAN") in source.idnos


# --- a web page's footer date ------------------------------------------------------------------

@pytest.mark.parametrize("line, is_note", [
    ("3 May 1939", False), ("14 June 1957", False), ("3 June 1957.", False),
    ("3 That is, 18 June.", True), ("3 May 1939 was the day the Cabinet met.", True), ("2 See Document 213.", True),
])
def test_a_line_that_is_only_a_date_is_no_note_numbered_by_its_day(line: str, is_note: bool) -> None:
    assert (definition(line) is not None) is is_note
    assert is_date_line(line) is not is_note


def test_a_bracketed_note_keeps_its_number_even_before_a_date() -> None:
    """`[3] June 1957`: the bracketed form is a note by its form; only a bare number before a
    date alone is the page's date."""
    assert definition("[3] June 1957") == ("3", "June 1957")


# --- one-letter labels -------------------------------------------------------------------------

@pytest.mark.parametrize("label, strength", [
    ("M", "letter"), ("H", "letter"), ("E", "letter"), ("Y", "letter"), ("K", "letter"),
    ("M. Bidault", "titled"), ("H.E. Yoshida", "titled"),
    ("M.", None), ("Mr.", None), ("y", None), ("H.E.", None),
])
def test_a_capital_alone_is_a_speakers_initial_an_honorific_stands_before_a_name(label: str, strength) -> None:
    candidate = LabelMatcher(profile_for("")).candidate(label)
    assert (candidate.strength if candidate else None) == strength


def test_a_label_after_a_page_mark_keeps_the_mark_in_the_turn_and_the_remembered_answers_stay_whole() -> None:
    """The matcher remembers its answer for each paragraph (the rules ask hundreds of times).
    A page break before a label belongs to the turn's words; the answer for the paragraph
    without it, asked first or after, is not changed by it."""
    import dataclasses

    matcher = LabelMatcher(profile_for(""))
    mark = "\ue010page 12\ue011"
    plain = "Mr. Rusk: We shall see."
    inner = matcher.at_start(plain)
    marked = matcher.at_start(mark + plain)
    assert marked[0].rest == mark + "We shall see." and marked[0].label == "Mr. Rusk"
    assert matcher.at_start(plain)[0].rest == "We shall see." == inner[0].rest
    assert matcher.at_start(mark + plain) == marked
    with pytest.raises(dataclasses.FrozenInstanceError):
        marked[0].rest = "changed"  # a remembered answer cannot be altered by a caller
    assert LabelMatcher(profile_for("")).at_start(mark + plain) == marked, "a fresh matcher gives the same answer"
