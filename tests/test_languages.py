"""Languages never invented (issue 11): the original's words a translator gives in brackets take
the record's original language (transliterated where it is not written in Latin letters), or
`und` with a warning where the record names none."""

from __future__ import annotations

from pathlib import Path

from edition.readers import read_source
from edition.tei import TEI_NS, document_to_tei

NS = {"tei": TEI_NS}
RECORD = ("Memorandum of Conversation\n\n{language}Mao Zedong: We must fight the paper tigers [zhilaohu] "
          "everywhere.\n\nZhou Enlai: Yes, the paper tigers [zhilaohu].\n\nMao Zedong: Good.\n")


def _foreign(tmp_path: Path, language: str):
    source = tmp_path / "record.txt"
    source.write_text(RECORD.format(language=language), "utf-8")
    document = read_source(source, "record.txt")
    root = document_to_tei(document)
    return document, {f.get("{http://www.w3.org/XML/1998/namespace}lang") for f in root.iterfind(".//tei:foreign", NS)}


def test_a_chinese_original_is_transliterated_chinese_not_russian(tmp_path: Path) -> None:
    document, tags = _foreign(tmp_path, "Original Language:\n\nChinese\n\n")
    assert tags == {"zh-Latn"}
    assert ("zh-Latn", "Chinese, transliterated") in document.languages


def test_a_record_naming_no_original_language_says_so(tmp_path: Path) -> None:
    document, tags = _foreign(tmp_path, "")
    assert tags == {"und"}
    assert any("names no original language" in problem.message for problem in document.problems)
