"""What a reader hands on: the parts of a source, found by format-specific rules.

A reader only finds where things are (metadata, body paragraphs, footnotes, speaker
labels); the shared rules in `structure.py` turn that into the document model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from edition.errors import Problem
from edition.model import Metadata
from edition.readers.text import Block, Line

# Private-use characters mark emphasis that a reader found (Markdown `*…*`), so that the
# shared inline rules can turn it into `Hi` without knowing Markdown.
EM_OPEN, EM_CLOSE = "\ue000", "\ue001"

# Capital letters for speaker labels: A-Z and the capitals of the Latin, Greek and Cyrillic
# alphabets ("MÜLLER:", "Comrade Łukasz:"), as a character-class body.
UPPER = "A-Z" + "".join(re.escape(char) for char in map(chr, range(0xC0, 0x530)) if char.isupper() and char.isalpha())
FOOTNOTE_LINE = re.compile(r"^\[(\d+)\]\s+(.*)$", re.S)
DATE_WORDS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
MONTHS = {name: index for index, name in enumerate(
    "January February March April May June July August September October November December".split(), start=1)}
RIGHTS_START = "The History and Public Policy Program welcomes reuse"
FUNDER_LINE = re.compile(r"^This document was made possible with support from (?:the )?(.+?)\.?$", re.I)


@dataclass
class LabelMatch:
    label: str  # as printed, less the colon
    manner: str | None
    rest: str
    separator: str = ":"


@dataclass
class Extracted:
    reader: str
    metadata: Metadata
    citation: str
    head: list[str]
    body: list[Block]
    notes: list[Block]
    chrome: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    repair_words: bool = False  # PDF extraction breaks words; other routes do not

    def match_label(self, text: str) -> LabelMatch | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def find_glued_label(self, text: str) -> int | None:
        """Where a second turn's label starts inside a paragraph, if the route glues them."""
        return None


def parse_date(text: str) -> tuple[str, str] | None:
    """`July 31, 1958` or `31 July 1958` → (ISO date, the words as printed)."""
    match = re.search(rf"\b({DATE_WORDS}) (\d{{1,2}}), (\d{{4}})\b", text)
    if match:
        month, day, year = match.groups()
        return f"{year}-{MONTHS[month]:02d}-{int(day):02d}", match.group(0)
    match = re.search(rf"\b(\d{{1,2}}) ({DATE_WORDS}) (\d{{4}})\b", text)
    if match:
        day, month, year = match.groups()
        return f"{year}-{MONTHS[month]:02d}-{int(day):02d}", match.group(0)
    return None


def split_notes(blocks: list[Block], at_end: bool = False) -> tuple[list[Block], list[Block], list[Block]]:
    """Cut the footnotes (a run of `[1] …`, `[2] …` paragraphs) out of a list of paragraphs.

    Returns the paragraphs before the notes, the notes, and whatever follows them (the web
    page prints its summary and citation after the notes). `at_end`: the notes close the
    list, so `[n] …` paragraphs followed by more of the record are the record's own.
    """
    # The notes are the last run of `[n] …` paragraphs (a body paragraph may start with a
    # marker, but the notes come after the body).
    end = len(blocks)
    while end > 0 and not FOOTNOTE_LINE.match(blocks[end - 1].text):
        end -= 1
    if end == 0:
        return blocks, [], []
    if at_end and end < len(blocks):
        return blocks, [], []
    start = end
    while start > 0 and FOOTNOTE_LINE.match(blocks[start - 1].text):
        start -= 1
    return blocks[:start], blocks[start:end], blocks[end:]


def names_list(text: str) -> list[str]:
    """`N. Fedorenko and A. Filev` → two names."""
    parts = re.split(r",\s*|\s+and\s+", text.strip())
    names = [part.strip() for part in parts if part.strip()]
    # a sentence's full stop is not part of the last name, an initial's is ("F.K.")
    return [name[:-1] if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name) else name for name in names]
