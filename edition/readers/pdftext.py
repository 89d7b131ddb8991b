"""Reader for text extracted from a PDF: a printed volume's pages or the print of a web page.

Extraction keeps the page's layout and loses its structure: lines wrapped mid-sentence, no
blank line between paragraphs, words hyphenated across lines, each page's running head and
number in the text, the notes at the foot of the page where their marker falls, labels in
small capitals upper-cased, form feeds between pages; in a web page's print, labels and
words broken by spaces ("KHRUS HCHEV") and two turns run together on one line. This reader
takes the page furniture out (kept as page breaks), the foot notes out (kept as notes), and
joins lines into paragraphs; the shared rules repair the rest and record each repair.
"""

from __future__ import annotations

import re
import statistics

from edition.readers.labels import LabelMatcher
from edition.readers.participants import is_name_line, participants_field
from edition.readers.notes import FOOT_DEFINITION, glued_marker_pattern
from edition.readers.pages import PB_MARK, is_page_mark_line, take_out_running_heads
from edition.readers.profiles import Profile, profile_for
from edition.readers.record import Record, RecordState, run_rules
from edition.readers.text import Block, Line

NAME = "PDF-extracted text"
SEPARATORS = ":;："  # extraction turns a label's colon into a semicolon now and then
_TERMINAL = re.compile(r"[.?!:”\"’)\]…]$")  # matched against stripped text: no backtracking over spaces


_HYPHEN_AT_LINE_END = re.compile(r"(?m)[a-z]-$")


def looks_like(text: str) -> int:
    """Signs of PDF extraction: form feeds, hyphenated line ends, long runs of wrapped lines
    with no blank line between them, a PDF print's buttons."""
    head = text[:60000]
    lines = head.split("\n")
    score = 3 * min(3, text.count("\f"))
    score += min(4, len(_HYPHEN_AT_LINE_END.findall(head)) // 3)  # at most one a line
    blank = sum(1 for line in lines if not line.strip())
    if len(lines) > 40 and blank < len(lines) / 12:
        score += 4
    score += 2 * ("• " in text[:2000]) + 2 * ("get citation" in text[:3000])
    return score


def _typical_width(lines: list[Line]) -> int:
    widths = sorted(len(line.text.rstrip()) for line in lines if len(line.text.strip()) > 20)
    if not widths:
        return 0
    return widths[int(len(widths) * 0.9)] if len(widths) > 10 else int(statistics.median(widths))


def take_out_foot_notes(lines: list[Line]) -> tuple[list[Line], list[Block]]:
    """The notes printed at the foot of each page: from the first line of a page that starts
    with the number of the next note, whose marker the text before it carries glued to a
    word, to the page's end."""
    pages: list[list[int]] = [[]]
    for index, line in enumerate(lines):
        if line.new_page and pages[-1]:
            pages.append([])
        pages[-1].append(index)
    expected: int | None = None
    note_lines: set[int] = set()
    notes: list[list[Line]] = []
    for page_number, page in enumerate(pages):
        earlier = pages[page_number - 1] if page_number else []
        for position, index in enumerate(page):
            found = FOOT_DEFINITION.match(lines[index].text.strip())
            if not found or (expected is not None and int(found.group(1)) != expected):
                continue
            n = found.group(1)
            before = " ".join(lines[i].text for i in earlier + page[:position])
            if not glued_marker_pattern(n).search(before) and f"[{n}]" not in before:
                continue
            expected = _read_foot_notes(lines, page[position:], notes, note_lines, int(n))
            break
    kept = [line for index, line in enumerate(lines) if index not in note_lines]
    return kept, [Block([Line(f"[{_number(note)}] " + " ".join(l.text.strip() for l in note)[len(_number(note)):]
                              .strip(), note[0].number)]) for note in notes]


def _number(note: list[Line]) -> str:
    return FOOT_DEFINITION.match(note[0].text.strip()).group(1)


def _read_foot_notes(lines, indexes, notes, note_lines, first: int) -> int:
    expected = first
    for index in indexes:
        text = lines[index].text.strip()
        if is_page_mark_line(text):
            break
        found = FOOT_DEFINITION.match(text)
        if found and int(found.group(1)) == expected:
            notes.append([lines[index]])
            expected += 1
        elif notes and text:
            notes[-1].append(lines[index])
        note_lines.add(index)
    return expected


def assemble_paragraphs(lines: list[Line], matcher: LabelMatcher) -> list[Block]:
    """Wrapped lines → paragraphs. A paragraph ends at a blank line, before a line that opens
    with a speaker label, and after a sentence's end on a line clearly shorter than the page's
    width (or a one-line sentence after a sentence's end)."""
    width = _typical_width(lines)
    repeated = _repeated_labels(lines, matcher)
    listing = False  # inside a participants list printed one person a line
    blocks: list[Block] = []
    current: list[Line] = []
    pending_page: list[str] = []
    for line in lines:
        text = line.text.strip()
        if not text:
            if current:
                blocks.append(Block(current))
                current = []
            continue
        if is_page_mark_line(text):
            pending_page.append(text)
            continue
        if listing and not is_name_line(text, matcher.profile):
            listing = False  # the participants list ends where a line is no name: a new paragraph
            if current:
                blocks.append(Block(current))
                current = []
        elif listing and current:
            blocks.append(Block(current))  # one person a line: each a paragraph of its own
            current = []
        if current and _starts_paragraph(current[-1].text, text, width, matcher, repeated):
            blocks.append(Block(current))
            current = []
        if pending_page:
            # the page break stands where the new page's text begins
            text = "".join(pending_page) + text
            pending_page = []
            line = Line(text, line.number)
        current.append(line)
        if participants_field(text, matcher.profile):
            listing = True
    if current:
        blocks.append(Block(current))
    if pending_page and blocks:
        last = blocks[-1]
        blocks[-1] = Block(last.lines[:-1] + [Line(last.lines[-1].text + "".join(pending_page), last.lines[-1].number)])
    return blocks


_PLACE_OPENING = re.compile(r"^\[?[A-Z][\w .’'-]{1,40},?\]?,?\s")  # compiled once (see participants._FIELD)


def _is_dateline_line(text: str) -> bool:
    """`Washington, July 27, 1970, 8:45 a.m.`: a place and a date on a short line of their own."""
    from edition.dates import parse_date

    return len(text) < 90 and bool(_PLACE_OPENING.match(text)) and parse_date(text) is not None


def _repeated_labels(lines: list[Line], matcher: LabelMatcher) -> set[str]:
    """Labels that open two lines or more: a speaker's, wherever the line before ends."""
    seen: dict[str, int] = {}
    for line in lines:
        start = matcher.at_start(line.text.strip())
        if start:
            seen[start[1].key] = seen.get(start[1].key, 0) + 1
    return {key for key, count in seen.items() if count >= 2}


def _starts_paragraph(previous: str, text: str, width: int, matcher: LabelMatcher, repeated: set[str]) -> bool:
    previous = PB_MARK.sub("", previous).rstrip()
    if _is_dateline_line(text) or _is_dateline_line(previous):
        return True
    start = matcher.at_start(text)
    if start and (start[1].strength != "plain" or start[1].key in repeated):
        return True
    if start and (_TERMINAL.search(previous.rstrip()) or width and len(previous) < 0.6 * width):
        return True  # a label after a sentence's end, or after a short line (a name of a list)
    if not _TERMINAL.search(previous.rstrip()) or not width:
        return False
    if len(previous) < 0.8 * width:
        return True
    # a one-line sentence after a sentence's end ("General Hsu and General Chou approved.")
    return len(text) < 0.8 * width and _TERMINAL.search(text.rstrip()) is not None and text[:1].isupper()


def read(lines: list[Line], profile: Profile | None = None) -> Record:
    profile = profile or profile_for("\n".join(line.text for line in lines))
    matcher = LabelMatcher(profile, SEPARATORS)
    lines, heads = take_out_running_heads(lines)
    lines, notes = take_out_foot_notes(lines)
    blocks = assemble_paragraphs(lines, matcher) if _wrapped(lines) else _blank_line_blocks(lines)
    state = run_rules(RecordState(profile, blocks, chrome=heads, notes=notes, notes_found=bool(notes)))
    return Record.from_state(NAME, state, matcher, repair_words=True)


def _wrapped(lines: list[Line]) -> bool:
    """Text whose paragraphs are runs of wrapped lines (a printed page), not one line each."""
    runs, run = [], 0
    for line in lines:
        if line.text.strip():
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    return bool(runs) and max(runs) >= 4


def _blank_line_blocks(lines: list[Line]) -> list[Block]:
    from edition.readers.text import split_blocks
    return split_blocks(lines)
