"""Robust at archive scale: bad inputs through the real command line.

Every bad source gets a message naming the file (and the line, where there is one) that says
what was assumed or what to do, never a traceback; one bad document never stops the others;
an interrupted conversion leaves the previous TEI files whole. (A hand-edited TEI file refused
without --force is tested in test_convert.py::test_hand_edited_tei_is_not_overwritten.)
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from edition.convert import convert_corpus
from edition.plaintext import PlainText
from edition.tei import TEI_NS
from edition.validate import validate_paths

from conftest import CORPUS, ROOT

NS = {"tei": TEI_NS}
SETTINGS = ROOT / "edition.toml"

# --- sources in the three input styles, with everything a document needs --------------------

CITATION = ("Arkivi Qendror Shtetëror (Central State Archives, Tirana, Albania), Fondi 14/AP, V. 1960, Dos. 3, "
            "Fl. 1-9. Contributed and translated by Elidor Mëhilli.")


def web_page(body: str, notes: str = "", *, date: str = "June 7, 1960", citation: str = CITATION,
             title: str = "Memorandum of Conversation with Comrade Mao Zedong in Hangzhou") -> str:
    """The archive's web page saved as text, around a record."""
    parts = ["Skip to content", date, title,
             "This document was made possible with support from The Woodrow Wilson International Center for Scholars",
             body, notes, "Mao Zedong converses with the Albanian delegation.", "Document Information", citation,
             "The History and Public Policy Program welcomes reuse of Digital Archive materials for research and "
             "educational purposes.", "Original Uploaded Date", "Record ID"]
    return "\n\n".join(part for part in parts if part) + "\n"


def markdown_export(body: str, notes: str = "") -> str:
    return ("**May 1, 1960**  \n**A Test Conversation**\n\n**Citation:**\n\n\"A Test Conversation,\" May 1, 1960, "
            "Archive of the President of the Russian Federation (APRF), fond 3, opis 65, delo 9, ll. 1-5. Translated "
            f"by A. Translator.\n\n**Summary:**\n\nA test.\n\n## RECORD\n\n{body}\n\n{notes}\n")


def pdf_text(body: str, notes: str = "") -> str:
    return ("Search in\n\nDigital Archive International History Declassified\n\nJuly 31, 1958\n\n\n"
            "This document was made possible with support from the Leon Levy Foundation\n\n  • Citation\n\n"
            "    get citation\n\n    A conversation between two leaders about many questions of the day.\n"
            "    \"A Test Conversation,\" July 31, 1958, History and Public Policy Program Digital Archive, Arkhiv "
            "Prezidenta Rossiiskoi Federatsii (APRF), f. 52, op. 1, d. 498, ll. 44-77; translation from Russian by "
            f"David Wolff.\n  • share document\n\n\nEnglish HTML\n\n\n\n{body}\n\n{notes}\n")


TURNS = ("Comrade Mao Zedong: You have many opportunities to exploit your sea resources.\n\n"
         "Comrade Liri Belishova: The stance of the United States vis-à-vis China revolts us.")


def good_source() -> str:
    return web_page(TURNS)


# --- running the command line ------------------------------------------------------------


def edition(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run([sys.executable, "-m", "edition", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def messages(stderr: str, name: str) -> list[str]:
    """The report's lines about one source file (`corpus/<name>: …` or `corpus/<name>:<line>: …`)."""
    return [line.strip() for line in stderr.splitlines() if f"corpus/{name}:" in line]


def tei_of(out: Path, doc_id: str) -> etree._Element:
    return etree.parse(str(out / f"{doc_id}.xml")).getroot()


def body_text(root: etree._Element) -> str:
    return "".join(root.find("tei:text", NS).itertext())


# Every bad input of the table, in one corpus, converted by one run of `edition convert`.
RANDOM = random.Random(1958)
WINDOWS_TEXT = web_page("Comrade Mao Zedong: “We are fine,” said the café owner; ‘quite’ fine – and you?\n\n"
                        "Comrade Liri Belishova: Très bien.")
BAD_INPUTS: dict[str, bytes] = {
    "empty.txt": b"",
    "blank.txt": b"  \n\n\t\n",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(RANDOM.randrange(256) for _ in range(4000)),
    "windows-1252.txt": WINDOWS_TEXT.encode("cp1252"),
    "latin-1.txt": web_page("Comrade Mao Zedong: Le café est fermé, Mëhilli.\n\nComrade Liri Belishova: Oui.")
    .encode("latin-1"),
    "mixed-encodings.txt": web_page("Comrade Mao Zedong: Mëhilli says “yes”.\n\n"
                                    "Comrade Liri Belishova: QUOTED_CP1252 here.").encode("utf-8")
    .replace(b"QUOTED_CP1252", b"\x93quoted\x94"),
    "bom.txt": b"\xef\xbb\xbf" + good_source().encode(),
    "utf-16.txt": good_source().replace("\n", "\r\n").encode("utf-16"),
    "crlf.txt": good_source().replace("\n", "\r\n").encode(),
    "cr.txt": good_source().replace("\n", "\r").encode(),
    "form-feeds.txt": web_page("Comrade Mao Zedong: The first page ends here.\n\x0c\nComrade Liri Belishova: "
                               "The second\x0cpage.").encode(),
    "marker-without-note.txt": web_page("Comrade Mao Zedong: We have discussions in Geneva.[3]\n\n"
                                        "Comrade Liri Belishova: Yes.").encode(),
    "note-without-marker.txt": web_page(TURNS, "[1] A note that nothing in the text cites.").encode(),
    "duplicate-notes.txt": web_page("Comrade Mao Zedong: First marker.[1]\n\nComrade Liri Belishova: Second "
                                    "marker.[1]", "[1] The first note one.\n\n[1] The second note one.").encode(),
    "repeated-marker.txt": web_page("Comrade Mao Zedong: First marker.[1]\n\nComrade Liri Belishova: Same "
                                    "marker again.[1]", "[1] The only note.").encode(),
    "no-speaker.txt": web_page("Some prose with no speaker labels at all.\n\nAnd a second paragraph of it.").encode(),
    "markup-characters.txt": web_page("Comrade Mao Zedong: if a < b && c > d then ]]> stays; <script>x</script> "
                                      "&amp; &#0; <![CDATA[ q ]]>\n\nComrade Liri Belishova: ]]]]><![CDATA[>").encode(),
    "Gespräch mit Mao 1958.txt": good_source().encode(),
    "Беседа с Мао 1960.txt": good_source().encode(),
    "毛泽东.txt": good_source().encode(),
    "★☆.txt": good_source().encode(),
    "a b.txt": good_source().encode(),
    "a-b.txt": good_source().encode(),
    "same-stem.txt": good_source().encode(),
    "same-stem.md": markdown_export("**Mao Zedong:** Hello.").encode(),
    "n" * 240 + ".txt": good_source().encode(),
    "label-without-words.txt": web_page("Comrade Mao Zedong:\n\nComrade Liri Belishova: Nothing to add.").encode(),
    "two-records.txt": web_page("Comrade Mao Zedong: One.\n\nThe protocol was kept by Myfit Mushi.\n\n"
                                "Comrade Liri Belishova: A second record follows.").encode(),
    "no-date.txt": web_page(TURNS, date="Undated").encode(),
    "1960-06-08_dated-by-name.txt": web_page(TURNS, date="Undated").encode(),
    "no-citation.txt": web_page(TURNS, citation="").encode(),
    "unknown-archive.txt": web_page(TURNS, citation="Archive of Nowhere, box 3.").encode(),
}


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    work = tmp_path_factory.mktemp("bad")
    corpus = work / "corpus"
    corpus.mkdir()
    for name, data in BAD_INPUTS.items():
        (corpus / name).write_bytes(data)
    (corpus / "good.txt").write_text(good_source(), "utf-8")
    result = edition("convert", "corpus", "--out", "tei", "--settings", str(SETTINGS), cwd=work)
    return work, result


def test_no_traceback_and_every_written_file_is_valid(bad_corpus) -> None:
    work, result = bad_corpus
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1  # some documents could not be converted
    assert (work / "tei" / "good.xml").exists()
    report = validate_paths([work / "tei"], tei_all=False)
    assert [str(p) for p in report.problems if p.severity == "error"] == []


def test_every_line_of_the_report_names_a_file(bad_corpus) -> None:
    _, result = bad_corpus
    for line in result.stderr.splitlines():
        assert re.match(r"^corpus/[^:]+(:\d+)?: (error|warning): \S", line), line


@pytest.mark.parametrize("name, expected", [
    ("empty.txt", "corpus/empty.txt: error: the file is empty: there is no text to convert; add the transcript or "
                  "remove the file"),
    ("blank.txt", "corpus/blank.txt: error: the file is empty"),
    ("binary.txt", "corpus/binary.txt: error: this is a binary file, not plain text; export the document as text "
                   "(UTF-8) first"),
    ("★☆.txt", "corpus/★☆.txt: error: the file name gives no usable document id; rename it"),
])
def test_a_source_that_cannot_be_converted_says_why(bad_corpus, name: str, expected: str) -> None:
    work, result = bad_corpus
    found = messages(result.stderr, name)
    assert any(line.startswith(expected) for line in found), found
    assert not list((work / "tei").glob(f"{Path(name).stem}*.xml"))


@pytest.mark.parametrize("name, expected", [
    # a narrative memorandum: no turns, still a record
    ("no-speaker.txt", "corpus/no-speaker.txt"),
    ("no-date.txt", "corpus/no-date.txt: warning: no date found: the record is published undated"),
    ("no-citation.txt", "corpus/no-citation.txt: warning: no archival citation found"),
    ("unknown-archive.txt", "corpus/unknown-archive.txt"),
])
def test_a_record_missing_a_header_fact_is_converted_with_a_warning(bad_corpus, name: str, expected: str) -> None:
    """An archive's record may lack a date, a citation, a known archive or any speaker: it is
    converted, and the warning says what is missing; nothing is refused but a source with no text."""
    work, result = bad_corpus
    found = messages(result.stderr, name)
    assert not any(": error:" in line for line in found), found
    assert name == "no-speaker.txt" or name == "unknown-archive.txt" or any(l.startswith(expected) for l in found), found
    assert list((work / "tei").glob(f"{Path(name).stem}*.xml"))


def test_windows_1252_is_read_as_such(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "windows-1252.txt") == [
        "corpus/windows-1252.txt:9: warning: not valid UTF-8 (first bad byte at line 9); read as Windows-1252; check "
        "the accented letters, or save the file as UTF-8"]
    text = body_text(tei_of(work / "tei", "windows-1252"))
    assert "“We are fine,” said the café owner; ‘quite’ fine – and you?" in text
    assert "Très bien." in text


def test_latin_1_is_read_as_such(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "latin-1.txt") == [
        "corpus/latin-1.txt:9: warning: not valid UTF-8 (first bad byte at line 9); read as Latin-1 (ISO-8859-1); "
        "check the accented letters, or save the file as UTF-8"]
    assert "Le café est fermé, Mëhilli." in body_text(tei_of(work / "tei", "latin-1"))


def test_a_stray_windows_byte_does_not_garble_a_utf8_file(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "mixed-encodings.txt") == [
        "corpus/mixed-encodings.txt:11: warning: not valid UTF-8 at line 11: those bytes were read as Windows-1252, "
        "the rest of the file as UTF-8; check the accented letters there, or save the file as UTF-8"]
    text = body_text(tei_of(work / "tei", "mixed-encodings"))
    assert "Mëhilli says “yes”." in text and "“quoted” here." in text


@pytest.mark.parametrize("name, expected", [
    ("bom.txt", ["corpus/bom.txt:1: warning: UTF-8 byte-order mark removed"]),
    ("utf-16.txt", ["corpus/utf-16.txt: warning: read as UTF-16 (the Windows 'Unicode' text format); save the file "
                    "as UTF-8",
                    "corpus/utf-16.txt: warning: Windows (CRLF) line ends read as plain line ends"]),
    ("crlf.txt", ["corpus/crlf.txt: warning: Windows (CRLF) line ends read as plain line ends"]),
    ("cr.txt", ["corpus/cr.txt: warning: old Macintosh (CR) line ends read as plain line ends"]),
])
def test_byte_order_marks_and_line_ends(bad_corpus, name: str, expected: list[str]) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, name) == expected
    data = (work / "tei" / f"{Path(name).stem}.xml").read_bytes()
    assert b"\r" not in data and "\ufeff".encode() not in data
    assert "You have many opportunities to exploit your sea resources." in body_text(
        tei_of(work / "tei", Path(name).stem))


def test_form_feeds_are_reported_by_line_and_the_text_kept(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "form-feeds.txt") == [
        "corpus/form-feeds.txt:10: warning: form feeds (page breaks), which XML forbids, read as page breaks at lines "
        "10, 11"]
    text = body_text(tei_of(work / "tei", "form-feeds"))
    assert "The first page ends here." in text and "The second page." in text


def test_a_marker_without_a_note_is_a_note_whose_text_is_missing(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "marker-without-note.txt") == [
        "corpus/marker-without-note.txt:9: warning: footnote marker [3] has no note in the source; kept as a note "
        "whose text is missing"]
    note = tei_of(work / "tei", "marker-without-note").find(".//tei:p/tei:note[@n='3']", NS)
    assert note.find("tei:gap", NS).get("reason") == "missing"


def test_a_note_without_a_marker_is_kept_in_the_last_paragraph(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "note-without-marker.txt") == [
        "corpus/note-without-marker.txt:13: warning: note [1] has no marker in the text; it is kept at the end of "
        "the document's last paragraph"]
    root = tei_of(work / "tei", "note-without-marker")
    note = root.find(".//tei:sp[last()]/tei:p/tei:note[@place='foot']", NS)
    assert (note.get("n"), note.text) == ("1", "A note that nothing in the text cites.")


def test_duplicate_note_numbers_go_with_their_markers_in_order(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "duplicate-notes.txt") == [
        "corpus/duplicate-notes.txt:15: warning: a second note numbered [1] (the first is on line 13); it goes with "
        "the next marker [1] and is numbered 1-15; renumber the notes in the source"]
    notes = tei_of(work / "tei", "duplicate-notes").findall(".//tei:sp/tei:p/tei:note", NS)
    assert [(n.get("n"), n.text) for n in notes] == [("1", "The first note one."), ("1-15", "The second note one.")]


def test_a_marker_printed_twice_shows_its_note_once(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "repeated-marker.txt") == [
        "corpus/repeated-marker.txt:11: warning: footnote marker [1] is printed again; its note is shown at the first "
        "marker only, this one is kept as printed"]
    root = tei_of(work / "tei", "repeated-marker")
    assert len(root.findall(".//tei:note", NS)) == 1
    assert root.find(".//tei:sp[2]/tei:p/tei:ref[@type='noteref']", NS).text == "[1]"


def test_markup_characters_are_text(bad_corpus) -> None:
    work, result = bad_corpus
    data = (work / "tei" / "markup-characters.xml").read_bytes()
    root = etree.fromstring(data)  # well-formed
    # as read: the edition's bracket conventions give back what the source printed
    paragraphs = [PlainText(original=True).inline(p) for p in root.iterfind(".//tei:sp/tei:p", NS)]
    assert paragraphs == ["if a < b && c > d then ]]> stays; <script>x</script> &amp; &#0; <![CDATA[ q ]]>",
                          "]]]]><![CDATA[>"]
    assert b"<script>" not in data


@pytest.mark.parametrize("name, doc_id", [
    ("Gespräch mit Mao 1958.txt", "Gesprach-mit-Mao-1958"),
    ("Беседа с Мао 1960.txt", "Beseda-s-Mao-1960"),
    ("毛泽东.txt", "Mao-Ze-Dong"),
    ("n" * 240 + ".txt", "n" * 200),
    ("1960-06-08_dated-by-name.txt", "1960-06-08_dated-by-name"),
])
def test_file_names_give_valid_document_ids(bad_corpus, name: str, doc_id: str) -> None:
    work, _ = bad_corpus
    root = tei_of(work / "tei", doc_id)
    assert root.get("{http://www.w3.org/XML/1998/namespace}id") == f"doc-{doc_id}"
    assert root.findtext(".//tei:publicationStmt/tei:idno[@type='edition']", namespaces=NS) == doc_id


def test_a_date_is_taken_from_the_file_name(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "1960-06-08_dated-by-name.txt") == [
        "corpus/1960-06-08_dated-by-name.txt: warning: no date in the text; the date 1960-06-08 is taken from the "
        "file name"]
    assert tei_of(work / "tei", "1960-06-08_dated-by-name").find(".//tei:creation/tei:date", NS).get("when") == \
        "1960-06-08"


@pytest.mark.parametrize("first, second, doc_id", [("a b.txt", "a-b.txt", "a-b"),
                                                   ("same-stem.md", "same-stem.txt", "same-stem")])
def test_two_sources_with_one_document_id(bad_corpus, first: str, second: str, doc_id: str) -> None:
    _, result = bad_corpus
    assert messages(result.stderr, second) == [
        f"corpus/{second}: error: gives the same document id '{doc_id}' as corpus/{first}; rename one of the two "
        "files"]


def test_a_label_without_words_keeps_its_turn(bad_corpus) -> None:
    work, result = bad_corpus
    assert messages(result.stderr, "label-without-words.txt") == [
        "corpus/label-without-words.txt:9: warning: speaker label 'Comrade Mao Zedong' has no words after it"]
    sp = tei_of(work / "tei", "label-without-words").find(".//tei:sp", NS)
    assert sp.findtext("tei:speaker", namespaces=NS) == "Comrade Mao Zedong"


def test_a_closing_line_followed_by_more_turns_is_not_the_end(bad_corpus) -> None:
    work, _ = bad_corpus
    root = tei_of(work / "tei", "two-records")
    assert len(root.findall(".//tei:sp", NS)) == 2
    assert root.find(".//tei:closer", NS) is None
    assert "The protocol was kept by Myfit Mushi." in "".join(root.find(".//tei:div/tei:p", NS).itertext())


def test_document_ids_differing_only_in_case_collide(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "Doc.txt").write_text(good_source(), "utf-8")
    (corpus / "doc.txt").write_text(good_source(), "utf-8")
    report = convert_corpus(corpus, tmp_path / "tei", progress=False)
    assert [str(p) for p in report.problems if p.severity == "error"] == [
        f"{corpus / 'doc.txt'}: error: gives the same document id 'doc' as {corpus / 'Doc.txt'}; rename one of the "
        "two files"]


def test_a_source_that_fails_reports_every_problem(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_bytes(web_page("Prose only, in caf\xe9 style.", date="Undated").encode("cp1252"))
    report = convert_corpus(corpus, tmp_path / "tei", progress=False)
    found = [p.message.split(":")[0] for p in report.problems]
    assert found == ["not valid UTF-8 (first bad byte at line 9); read as Latin-1 (ISO-8859-1); check the accented "
                     "letters, or save the file as UTF-8", "no date found"]


def test_an_omitted_passage_whose_summary_holds_a_note_or_sic_stays_valid(tmp_path: Path) -> None:
    """A gap's <desc> admits no <note>, <supplied> or <sic>: such a summary is kept as a
    bracketed paragraph, and two bracketed spans in one paragraph are not one summary."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = ("Comrade Mao Zedong: We begin.\n\n[Here Mao discusses the harvest [sic] at some length.[1]]\n\n"
            "Comrade Liri Belishova: Yes.\n\n[A] the words of [one] and another [sic]\n[B the other words.]\n\n"
            "Comrade Mao Zedong: Good.\n\n[Two paragraphs on the Party congress are omitted here.]")
    (corpus / "doc.txt").write_text(web_page(body, "[1] The harvest of 1959."), "utf-8")
    report = convert_corpus(corpus, tmp_path / "tei", progress=False)
    assert not report.failed, [str(p) for p in report.problems]
    assert validate_paths([tmp_path / "tei"], tei_all=False).ok
    root = tei_of(tmp_path / "tei", "doc")
    descs = ["".join(d.itertext()) for d in root.iterfind(".//tei:gap/tei:desc", NS)]
    assert descs == ["Two paragraphs on the Party congress are omitted here."]
    narration = ["".join(p.itertext()) for p in root.iterfind(".//tei:div/tei:p", NS)]
    assert any("discusses the harvest" in text and "The harvest of 1959." in text for text in narration)
    second_turn = root.findall(".//tei:sp", NS)[1]
    assert second_turn.findtext("tei:p[2]/tei:supplied", namespaces=NS) == "A"  # the turn goes on


def test_a_note_without_a_marker_after_a_closing_omission_goes_to_the_last_paragraph(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = TURNS + "\n\n[Khrushchev suggests that they focus on areas of disagreement.]"
    (corpus / "doc.txt").write_text(web_page(body, "[1] A note nothing cites."), "utf-8")
    report = convert_corpus(corpus, tmp_path / "tei", progress=False)
    assert not report.failed
    assert validate_paths([tmp_path / "tei"], tei_all=False).ok
    root = tei_of(tmp_path / "tei", "doc")
    assert root.find(".//tei:gap/tei:desc/tei:note", NS) is None
    assert root.find(".//tei:sp[last()]/tei:p[last()]/tei:note", NS).text == "A note nothing cites."


# --- the whole build: bad documents never stop the good ones -------------------------------


def test_build_publishes_the_good_documents_and_reports_every_bad_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    good = ["1960-06-07_mao-zedong_albanian-delegation", "1958-07-31_khrushchev-mao_first-conversation_zubok"]
    for doc in good:
        (corpus / f"{doc}.txt").write_bytes((CORPUS / f"{doc}.txt").read_bytes())
    bad = {"empty.txt", "binary.txt", "a b.txt", "a-b.txt"}
    for name in bad:
        (corpus / name).write_bytes(BAD_INPUTS[name])
    (corpus / "crlf.txt").write_bytes(BAD_INPUTS["crlf.txt"])  # only a warning: published
    args = ("build", "--corpus", "corpus", "--tei", "out/tei", "--site", "out/site", "--settings", str(SETTINGS),
            "--no-tei-all")
    result = edition(*args, cwd=tmp_path)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    for doc in [*good, "crlf", "a-b"]:
        assert (tmp_path / "out" / "site" / "documents" / f"{doc}.html").exists(), doc
    failed = bad - {"a b.txt"}  # the first of two files with one id is converted
    for name in sorted(failed):
        assert any(line.startswith(f"  corpus/{name}:") and ": error: " in line for line in result.stderr.splitlines()), \
            (name, result.stderr)
    assert "  corpus/crlf.txt: warning: Windows (CRLF) line ends read as plain line ends" in result.stderr.splitlines()
    assert re.search(r"done in [\d.]+ s: 4 documents published, 3 not published", result.stdout), result.stdout

    # without the documents that cannot be published, the same build succeeds
    for name in failed:
        (corpus / name).unlink()
    result = edition(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# --- an interrupted conversion -----------------------------------------------------------


def _sources(tmp_path: Path, version: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for index in range(3):
        (corpus / f"doc-{index}.txt").write_text(web_page(TURNS.replace("sea resources", f"sea resources {version}")),
                                                 "utf-8")
    return corpus


@pytest.mark.parametrize("interrupt_at", [1, 2])
def test_an_interrupted_conversion_leaves_the_previous_files_whole(tmp_path: Path, monkeypatch,
                                                                   interrupt_at: int) -> None:
    corpus = _sources(tmp_path, "first")
    out = tmp_path / "tei"
    convert_corpus(corpus, out, progress=False)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    _sources(tmp_path, "second")

    calls = []
    real_fsync = os.fsync

    def interrupted_fsync(fd: int) -> None:  # the file's bytes are written, not yet renamed into place
        calls.append(fd)
        if len(calls) == interrupt_at:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr("edition.files.os.fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        convert_corpus(corpus, out, progress=False)
    monkeypatch.undo()

    after = {path.name: path.read_bytes() for path in out.iterdir()}
    assert sorted(after) == sorted(before)  # no temporary file left behind
    changed = [name for name in before if after[name] != before[name]]
    assert changed == ([] if interrupt_at == 1 else ["doc-0.xml"])  # a file is old or new, never half-written
    # the next run finishes the job: nothing is taken for a hand edit
    report = convert_corpus(corpus, out, progress=False)
    assert {r.status for r in report.results} <= {"written", "unchanged"}
    assert all(b"sea resources second" in (out / f"doc-{i}.xml").read_bytes() for i in range(3))


# --- a build killed at any moment ---------------------------------------------------------


def _site_files(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


def _write_version(corpus: Path, version: int, documents: int = 24, changed: range | None = None) -> None:
    """Version `version` of the corpus; changed: the documents that take the new version (the
    others keep what they say, so that a rebuild updates the live site in place)."""
    corpus.mkdir(exist_ok=True)
    for index in range(documents):
        if changed is not None and index not in changed and (corpus / f"doc-{index:02}.txt").exists():
            continue
        (corpus / f"doc-{index:02}.txt").write_text(
            web_page(TURNS.replace("sea resources", f"sea resources version {version} of document {index}")), "utf-8")


# Where each build is killed: three moments of the build's time (converting, validating,
# rendering into the staging folder) and the seven steps of the update of the live site
# (edition/site/update.py, EDITION_KILL_AT): after the journal, after the first, third and
# tenth file, after the last, after the state file, before the clean-up.
KILL_POINTS = [0.15, 0.4, 0.7, "journal", "apply:1", "apply:3", "apply:10", "applied", "state", "cleanup"]


def test_a_killed_build_leaves_every_file_whole_and_the_next_build_finishes_it(tmp_path: Path) -> None:
    """`edition build` killed (SIGKILL, the whole process group) at ten points: every TEI file
    is the old one or the new one, whole; killed before the update's commit point the site is
    exactly the last finished build's; after it, every file of the site is the old one or the
    new one, whole, and the next build finishes the update; in the end the site is what a
    build from nothing makes."""
    corpus, tei, site = tmp_path / "corpus", tmp_path / "tei", tmp_path / "site"
    args = [sys.executable, "-m", "edition", "build", "--corpus", "corpus", "--tei", "tei", "--site", "site",
            "--settings", str(SETTINGS), "--jobs", "2"]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("EDITION_KILL_AT", None)
    _write_version(corpus, 0)
    started = time.perf_counter()
    assert subprocess.run(args, cwd=tmp_path, env=env, capture_output=True).returncode == 0
    full_build = time.perf_counter() - started
    last_site = _site_files(site)
    killed = []
    for version, point in enumerate(KILL_POINTS, start=1):
        old_tei = {path.name: path.read_bytes() for path in tei.glob("*.xml")}
        # a few documents change (a full rebuild now and then: every document changes)
        _write_version(corpus, version, changed=None if version == 2 else range(version % 20, version % 20 + 3))
        timed = isinstance(point, float)
        run_env = env if timed else {**env, "EDITION_KILL_AT": point}
        process = subprocess.Popen(args, cwd=tmp_path, env=run_env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=point * full_build if timed else 600)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.returncode != 0:
            killed.append(point)
        assert sorted(path.name for path in tei.glob("*.xml")) == sorted(old_tei)
        for path in tei.glob("*.xml"):
            data = path.read_bytes()
            if data != old_tei[path.name]:  # a new file: whole
                assert etree.fromstring(data).find(".//tei:body", NS) is not None, path.name
                assert f"sea resources version {version} of".encode() in data, path.name
        after_kill = _site_files(site)
        committed = any(tmp_path.joinpath(".edition").rglob("journal.json"))
        finished = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert finished.returncode == 0, finished.stdout + finished.stderr
        new_site = _site_files(site)
        if process.returncode == 0 or not committed and after_kill == new_site:
            pass  # it finished, or was killed just after the whole new site was swapped in
        elif not committed:
            assert after_kill == last_site, f"killed at {point}, before the commit point: the site is not the old one"
        else:
            mixed = [rel for rel, digest in after_kill.items() if digest not in (last_site.get(rel), new_site.get(rel))]
            assert mixed == [], f"killed at {point}: files neither old nor new: {mixed[:5]}"
            missing = [rel for rel in new_site.keys() & last_site.keys() if rel not in after_kill]
            assert missing == [], f"killed at {point}: files of both sites missing: {missing[:5]}"
        assert not (tmp_path / ".site.staging").exists() and not (tmp_path / ".site.trash").exists()
        last_site = new_site
    assert all(b"sea resources version" in path.read_bytes() for path in tei.glob("*.xml"))
    leftovers = [path.name for path in tei.iterdir() if path.name.startswith(".") and
                 path.name not in (".manifest.json", ".hash-cache.json", ".validation-cache.json")]
    assert leftovers == []
    assert not (tmp_path / ".site.building").exists() and not (tmp_path / ".site.old").exists()
    # and what it made is what a build from nothing makes
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copytree(corpus, clean / "corpus")
    assert subprocess.run(args, cwd=clean, env=env, capture_output=True).returncode == 0
    assert _site_files(site) == _site_files(clean / "site")
    assert {p.name: p.read_bytes() for p in tei.glob("*.xml")} == {p.name: p.read_bytes() for p in (clean / "tei").glob("*.xml")}
    print(f"\nfull build {full_build:.1f} s; killed at {killed}")
    named = [point for point in KILL_POINTS if isinstance(point, str)]
    assert [point for point in killed if isinstance(point, str)] == named, "a kill point was never reached"


# --- a large file ------------------------------------------------------------------------


def large_source(size: int) -> str:
    """About `size` bytes: the sample web page's turns, repeated."""
    text = (CORPUS / "1960-06-07_mao-zedong_albanian-delegation.txt").read_text("utf-8")
    turns = [block for block in text.split("\n\n") if block.startswith("Comrade ")]
    turns = [re.sub(r"\[\d\]", "", turn) for turn in turns]
    chunk = "\n\n".join(turns)
    return web_page("\n\n".join([chunk] * (size // len(chunk.encode()) + 1)))


@pytest.mark.slow
def test_a_50_mb_file_converts_twice(tmp_path: Path) -> None:
    """~50 MB of text (about 20,000 pages): converted, twice (the second time with the ids of the first).
    Time and memory are printed, not asserted (targets live in bench/)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "large.txt").write_text(large_source(50_000_000), "utf-8")
    for run in range(2):
        started = time.perf_counter()
        result = edition("convert", "corpus", "--out", "tei", "--settings", str(SETTINGS), cwd=tmp_path, timeout=900)
        assert "Traceback" not in result.stderr
        assert result.returncode == 0, result.stderr
        print(f"\n50 MB source, conversion {run + 1}: {time.perf_counter() - started:.0f} s")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest child: bytes
    print(f"peak memory of one process: {peak / 1e9:.1f} GB")
    root = etree.parse(str(tmp_path / "tei" / "large.xml"), etree.XMLParser(huge_tree=True)).getroot()
    assert len(root.findall(".//tei:sp", NS)) > 100_000
