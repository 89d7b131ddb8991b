"""Reader for a web page of the archive saved as text (the browser's "Save as text").

The page's navigation and field labels ("Skip to content", "Document Information",
"Record ID" ...) surround the record; the footnotes, the summary, the archival citation
and the rights statement follow the body, in that order.
"""

from __future__ import annotations

import re

from edition.model import Metadata
from edition.readers.base import (FOOTNOTE_LINE, FUNDER_LINE, RIGHTS_START, UPPER, Extracted, LabelMatch, parse_date,
                                  split_notes)
from edition.readers.text import Block, Line, split_blocks

NAME = "web page saved as text"

# Navigation, buttons and empty field labels of the archive's web page: never part of the record.
CHROME = {
    "Skip to content", "Document Information", "Original Uploaded Date", "Record ID",
    "Original Classification", "The Woodrow Wilson International Center for Scholars",
    "Memorandum of Conversation", "Search in", "Digital Archive International History Declassified",
}

LABEL = re.compile(rf"^(?P<label>Comrade (?:[{UPPER}][\w’'-]*)(?: [{UPPER}][\w’'-]*){{0,3}})\s*:\s*(?P<rest>.*)$",
                   re.S)


def looks_like(text: str) -> int:
    score = 0
    score += 3 * ("Skip to content" in text[:200])
    score += 2 * ("Document Information" in text)
    score += min(5, len(re.findall(r"(?m)^Comrade [A-Z][\w ]+:", text)))
    return score


class WebPage(Extracted):
    def match_label(self, text: str) -> LabelMatch | None:
        match = LABEL.match(text)
        if not match:
            return None
        return LabelMatch(match.group("label"), None, match.group("rest"))


def read(lines: list[Line]) -> WebPage:
    chrome = []
    blocks: list[Block] = []
    info = None  # where the page's "Document Information" heading stood: the citation follows it
    for block in split_blocks(lines):
        if block.text in CHROME:
            chrome.extend(line for line in block.lines if line.text.strip() in CHROME)
            if block.text == "Document Information" and info is None:
                info = len(blocks)
            continue
        blocks.append(block)
    metadata = Metadata()

    # The page header (date, title, funder) ends at the funder's credit line; a file without
    # one starts straight with the record.
    header_end = next((index + 1 for index, block in enumerate(blocks[:6]) if FUNDER_LINE.match(block.text)), 0)
    for block in blocks[:header_end]:
        funder = FUNDER_LINE.match(block.text)
        date = parse_date(block.text)
        if funder:
            metadata.funder = funder.group(1)
        elif date and not metadata.date_when and len(block.text) < 40:
            metadata.date_when, metadata.date_text = date
        elif not metadata.title:
            metadata.title = block.text
    if info is not None and info > header_end:
        # body, notes and the summary stand before "Document Information"; the citation and the
        # rights statement after it. The summary is found so even in a record without notes.
        region = blocks[header_end:info]
        summary = [region.pop()] if region and not LABEL.match(region[-1].text) \
            and not FOOTNOTE_LINE.match(region[-1].text) else []
        body, notes, _ = split_notes(region, at_end=True)
        after = summary + blocks[info:]
    else:
        body, notes, after = split_notes(blocks[header_end:])

    citation, summary, rights = "", "", []
    for block in after:
        if block.text.startswith(RIGHTS_START) or rights:
            rights.append(block.text)
        elif not summary:
            summary = block.text
        elif not citation:
            citation = block.text
    metadata.summary = summary
    metadata.rights = "\n".join(rights)

    head: list[str] = []
    if body and _same_title(body[0].text, metadata.title):
        head = [line.text.strip() for line in body[0].lines]
        body = body[1:]
    page = WebPage(NAME, metadata, citation, head, body, notes, chrome=chrome)
    return page


def _same_title(text: str, title: str) -> bool:
    def words(value: str) -> list[str]:
        return re.findall(r"\w+", value.lower())
    return bool(title) and words(text) == words(title)
