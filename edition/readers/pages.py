"""Printed pages: running heads and page numbers out of the text, kept as page breaks.

A printed volume's text, extracted from its PDF, carries each page's running head with the
page number (`1140 FOREIGN RELATIONS, 1946, VOLUME IX`, `CHINA 1141`, `Soviet Union, January
1969–October 1970 581`) or a bare page number. They are not the record's words: they are
taken out of the flow and kept as a page-break mark with the printed number, so a passage
can be cited by page as in print. A web page of a printed edition marks the same breaks
`[Page 279]`. Inside the text a break is the private-use pair PB_OPEN n PB_CLOSE, which
the inline rules turn into a `PageBreak`.
"""

from __future__ import annotations

import re
from collections import Counter

from edition.readers.text import Line

PB_OPEN, PB_CLOSE = "\ue010", "\ue011"
PB_MARK = re.compile(f"{PB_OPEN}([^{PB_CLOSE}]*){PB_CLOSE}")
_HEAD_NUMBER_FIRST = re.compile(r"^\s*(?P<n>\d{1,4})\s+(?P<text>[^\d\s].{1,100}?)\s*$")
_HEAD_NUMBER_LAST = re.compile(r"^\s*(?P<text>[^\d\s].{1,100}?)\s+(?P<n>\d{1,4})\s*$")
_BARE_NUMBER = re.compile(r"^\s*[-–—]?\s*(?P<n>\d{1,4})\s*[-–—]?\s*$")
WEB_PAGE_MARK = re.compile(r"\[(?:Page|Pg\.?|p\.)\s*(?P<n>[0-9ivxlcdm]{1,6})\]", re.I)


def page_mark(n: str) -> str:
    return f"{PB_OPEN}{n}{PB_CLOSE}"


def _head(line: Line) -> tuple[str, str] | None:
    """(page number, the head's words) if the line has a running head's shape."""
    text = line.text
    if len(text.strip()) > 110:
        return None
    for pattern in (_HEAD_NUMBER_FIRST, _HEAD_NUMBER_LAST):
        match = pattern.match(text)
        if match and not re.search(r"[.;:?!]\s*$", match.group("text")) and _title_like(match.group("text")):
            return match.group("n"), match.group("text")
    bare = _BARE_NUMBER.match(text)
    if bare:
        return bare.group("n"), ""
    return None


def _title_like(words: str) -> bool:
    """A running head is a title: capitalised words, years and commas, not a sentence."""
    tokens = re.findall(r"[^\W\d_][\w’'-]*", words)
    if not tokens:
        return False
    small = sum(1 for token in tokens if token[0].islower() and token not in {"of", "the", "and", "in", "on", "to"})
    return small == 0


def _head_key(words: str) -> str:
    return re.sub(r"\W+", " ", words).strip().upper()


def running_heads(lines: list[Line]) -> dict[int, str]:
    """The lines that are running heads or page numbers → their printed page number.

    A head stands on the first line of a page (after a form feed, or the file's first line
    with text), or is printed on several pages with the same words; a bare number counts where
    the numbers of such lines rise."""
    candidates: dict[int, tuple[str, str]] = {}
    first_text = next((i for i, line in enumerate(lines) if line.text.strip()), None)
    for index, line in enumerate(lines):
        head = _head(line)
        if head:
            candidates[index] = head
    keys = Counter(_head_key(words) for _, words in candidates.values() if words)
    heads: dict[int, str] = {}
    for index, (n, words) in candidates.items():
        at_page_start = lines[index].new_page or index == first_text
        repeated = bool(words) and keys[_head_key(words)] >= 2
        if at_page_start or repeated:
            heads[index] = n
    bare = [index for index, (n, words) in candidates.items() if not words and index not in heads]
    numbers = [int(candidates[index][0]) for index in bare]
    if len(bare) >= 2 and all(b > a for a, b in zip(numbers, numbers[1:])):
        heads.update({index: candidates[index][0] for index in bare})
    return heads


def take_out_running_heads(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The lines with each running head replaced by a page-break mark (a line of its own,
    joined to the text that follows it), and the heads taken out (the page's chrome)."""
    heads = running_heads(lines)
    kept: list[Line] = []
    removed: list[Line] = []
    for index, line in enumerate(lines):
        if index in heads:
            removed.append(line)
            kept.append(Line(page_mark(heads[index]), line.number, True))
        else:
            kept.append(line)
    return kept, removed


def web_page_marks(text: str) -> str:
    """`[Page 279]` printed by a web edition of a printed volume → a page-break mark."""
    return WEB_PAGE_MARK.sub(lambda m: page_mark(m.group("n")), text)


def without_marks(text: str) -> str:
    """A title or heading as words: its page breaks and note markers out, spaces collapsed."""
    return " ".join(re.sub(r"\[\d+\]", "", PB_MARK.sub("", text)).split())


def is_page_mark_line(text: str) -> bool:
    return bool(PB_MARK.fullmatch(text.strip()))
