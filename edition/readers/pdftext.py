"""Reader for text extracted from a PDF print of the archive's page.

The page's buttons ("• Citation", "get citation", "share document") surround the summary and
the citation at the top; speaker labels are in capitals ("MAO ZEDONG:", "KHRUSHCHEV N.S.:").
Extraction damages the text: labels and words broken by spaces ("KHRUS HCHEV", "Yugosla
via"), two turns run together on one line, a label glued to the end of a sentence, a
paragraph broken over blank lines. The shared rules repair these and record each repair.
"""

from __future__ import annotations

import re

from edition.model import Metadata
from edition.readers.base import FUNDER_LINE, UPPER, Extracted, LabelMatch, parse_date, split_notes
from edition.readers.text import Line, split_blocks

NAME = "PDF-extracted text"

CHROME = {"Search in", "Digital Archive International History Declassified", "• Citation", "Citation",
          "get citation", "• share document", "share document", "English HTML"}

_NAME_WORD = rf"[{UPPER}][{UPPER}’'-]+"
_INITIALS = r"(?:[A-Z]\.){1,3}"
_LABEL_BODY = rf"{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}(?: {_INITIALS})?"
LABEL = re.compile(rf"^(?P<label>{_LABEL_BODY})\s*(?P<sep>[:;])\s*(?P<rest>.*)$", re.S)
# A label glued after the end of a sentence or of a bracketed summary on the same line.
GLUED = re.compile(rf"(?<=[.?!…\]])\s+(?={_LABEL_BODY}\s*:\s)")
QUOTED_TITLE = re.compile(r"^[\"“](?P<title>.+?),?[\"”]\s*,?\s*(?P<rest>.*)$", re.S)


def looks_like(text: str) -> int:
    score = min(5, len(re.findall(rf"(?m)^{_LABEL_BODY}\s*:", text)))
    score += 2 * ("• " in text[:2000])
    score += 2 * ("get citation" in text[:3000])
    return score


class PdfText(Extracted):
    def match_label(self, text: str) -> LabelMatch | None:
        match = LABEL.match(text)
        if not match or len(match.group("label")) < 3:
            return None
        return LabelMatch(match.group("label"), None, match.group("rest"), match.group("sep"))

    def find_glued_label(self, text: str) -> int | None:
        match = GLUED.search(text)
        return match.end() if match else None


def read(lines: list[Line]) -> PdfText:
    metadata = Metadata()
    chrome: list[Line] = []
    citation = ""
    body_start = 0
    # The page header is read line by line: the PDF print runs its buttons, the summary and
    # the citation together without blank lines.
    for index, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        if text in CHROME:
            chrome.append(line)
            if text == "English HTML":  # the last button before the record itself
                body_start = index + 1
                break
            continue
        funder = FUNDER_LINE.match(text)
        quoted = QUOTED_TITLE.match(text)
        date = parse_date(text)
        if funder:
            metadata.funder = funder.group(1)
        elif quoted and not citation:
            citation = text
            metadata.title = quoted.group("title")
        elif date and len(text) < 40 and not metadata.date_when:
            metadata.date_when, metadata.date_text = date
        elif not metadata.summary and len(text) > 40:
            metadata.summary = text
        else:
            chrome.append(line)
    body, notes, _ = split_notes(split_blocks(lines[body_start:]), at_end=True)
    return PdfText(NAME, metadata, citation, [], body, notes, chrome=chrome, repair_words=True)
