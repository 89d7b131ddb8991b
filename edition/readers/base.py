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

# a note as the readers hand it on: `[n] …`, n a number or a printed symbol (`*`, `†`)
FOOTNOTE_LINE = re.compile(r"^\[(\d+|\*{1,3}|[†‡§])\]\s+(.*)$", re.S)


@dataclass(frozen=True)
class LabelMatch:
    """A speaker's label as it opens a paragraph (remembered by the matcher: never changed)."""
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
    """A date in any printed form → (ISO date, the words as printed); edition/dates.py reads them."""
    from edition.dates import parse_date as read_date

    found = read_date(text)
    return (found.when, found.text) if found is not None and len(found.when) == 10 else None


def names_list(text: str) -> list[str]:
    """`N. Fedorenko and A. Filev` → two names."""
    parts = re.split(r",\s*|\s+and\s+", text.strip())
    names = [part.strip() for part in parts if part.strip()]
    # a sentence's full stop is not part of the last name, an initial's is ("F.K.")
    return [name[:-1] if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name) else name for name in names]
