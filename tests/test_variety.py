"""Real records from other archives and sites (tests/fixtures/variety, with truth.json): every one
converts, with its turns (within 5 %), its numbered footnotes at their markers, its date, its
citation's repository, no word lost but the page's chrome, and valid TEI."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from edition.convert import convert_corpus
from edition.plaintext import body_words_text
from edition.readers import READERS, detect_reader
from edition.readers.text import decode_source, split_lines
from edition.tei import TEI_NS
from edition.validate import validate_paths

VARIETY = Path(__file__).parent / "fixtures" / "variety"
TRUTH = json.loads((VARIETY / "truth.json").read_text("utf-8"))
NS = {"tei": TEI_NS}
ROUTES = {"webpage": "web", "markdown": "markdown", "pdftext": "pdf"}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("variety")
    corpus = folder / "corpus"
    corpus.mkdir()
    for name in TRUTH:
        shutil.copy(VARIETY / f"{name}.txt", corpus / f"{name}.txt")
    report = convert_corpus(corpus, folder / "tei", progress=False, jobs=1)
    assert not report.failed, [r.problems for r in report.failed]
    return {name: folder / "tei" / f"{name}.xml" for name in TRUTH}


@pytest.mark.parametrize("name", list(TRUTH))
def test_the_route_is_recognised(name: str) -> None:
    text, _ = decode_source((VARIETY / f"{name}.txt").read_bytes(), name)
    assert detect_reader(text) == ROUTES[TRUTH[name]["route"]]


@pytest.mark.parametrize("name", list(TRUTH))
def test_turns_notes_and_date(converted, name: str) -> None:
    truth = TRUTH[name]
    root = etree.parse(str(converted[name])).getroot()
    turns = len(root.findall(".//tei:sp", NS))
    expected = truth["speaker_turns"]
    assert abs(turns - expected) <= max(1, round(0.05 * expected)), f"{turns} turns, expected {expected}"
    body = root.find(".//tei:body", NS)
    numbered = [n for n in body.iter(f"{{{TEI_NS}}}note") if (n.get("n") or "").isdigit()]
    assert len(numbered) == truth["footnotes"]
    assert [int(n.get("n")) for n in numbered] == sorted(int(n.get("n")) for n in numbered)
    dates = {d.get("when") for d in root.iterfind(".//tei:profileDesc/tei:creation//tei:date", NS)}
    assert truth["date"] in dates


@pytest.mark.parametrize("name", [n for n, t in TRUTH.items() if t["footnotes"]])
def test_each_note_stands_at_its_marker(name: str) -> None:
    """A numbered note is found at its marker, not parked at the end of the record."""
    from edition.readers import read_source

    document = read_source(VARIETY / f"{name}.txt", name)
    unplaced = [n for n, note in document.notes.items() if getattr(note, "unplaced", False)]
    allowed = 1 if name.startswith(("dfat-v12", "wilson-113318")) else 0  # markers the source does not print
    assert len(unplaced) <= allowed, unplaced


@pytest.mark.parametrize("name", [n for n, t in TRUTH.items() if t["distinct_persons"]])
def test_speakers_are_the_right_number_of_persons(converted, name: str) -> None:
    root = etree.parse(str(converted[name])).getroot()
    speakers = {who for sp in root.iterfind(".//tei:sp", NS) for who in sp.get("who").split()}
    assert len(speakers) == TRUTH[name]["distinct_persons"], sorted(speakers)


@pytest.mark.parametrize("name", list(TRUTH))
def test_the_citation_names_the_repository(converted, name: str) -> None:
    root = etree.parse(str(converted[name])).getroot()
    repository = root.find(".//tei:msIdentifier/tei:repository", NS)
    assert repository is not None and "".join(repository.itertext()).strip()


def test_every_record_is_valid_against_both_schemas(converted) -> None:
    report = validate_paths(sorted(converted.values()), tei_all=True)
    assert report.ok, [p.message for f in report.files for p in f.problems][:5]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.replace("’", "'").replace("'", "").lower())


@pytest.mark.parametrize("name", list(TRUTH))
def test_no_word_of_the_record_is_lost(converted, name: str) -> None:
    """Every word of the source, less the lines the reader took for the page's chrome and
    the markup of its route, is in the TEI (header or body)."""
    text, _ = decode_source((VARIETY / f"{name}.txt").read_bytes(), name)
    extracted = READERS[detect_reader(text)].read(split_lines(text))
    # the chrome's own words leave the line they stand on (a run-on line keeps its other words)
    chrome: dict[int, list[str]] = {}
    for line in extracted.chrome:
        chrome.setdefault(line.number, []).append(line.text.strip())
    kept = []
    for line in split_lines(text):
        words = line.text
        for piece in chrome.get(line.number, []):
            words = words.replace(piece, " ", 1) if piece in words else ("" if piece else words)
        kept.append(words)
    source = "\n".join(kept)
    source = re.sub(r"</?sup>|\*\*|\\|\(#\w+\)|\[Page (?=\d+\])", " ", source)
    source = re.sub(r"(?<=[a-z.,;:)”])(\d{1,3})\b", r" \1", source)  # a note number glued to its word
    root = etree.parse(str(converted[name])).getroot()
    header = " ".join(root.find("tei:teiHeader", NS).itertext())
    numbers = " ".join(el.get("n") for el in root.iter(f"{{{TEI_NS}}}pb", f"{{{TEI_NS}}}note") if el.get("n"))
    available = Counter(_words(header) + _words(body_words_text(root, original=True)) + _words(numbers))
    missing = Counter(_words(source)) - available
    assert not missing, dict(missing)
