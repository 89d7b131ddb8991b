"""Footnotes in every common form, brought to one: a marker `[n]` in the text, a note `[n] …`.

Markers: `[1]`, `<sup>1</sup>`, `<sup>[1]</sup>`, Markdown `[^1]`, a Markdown link `[(1)](#f1)`,
and a bare number glued to a word by PDF extraction or a web page (`Wednesday.2`,
`Dobrynin)1`, `6 p.m.33`), the last only where the record has a note with that number, in
the order the notes are numbered. Notes: `[1] …`, `[^1]: …`, `1. …`, `(1) …`, `_1 …`, and a
printed page's foot `63 See draft …`, under a `Notes` heading or closing the record.
"""

from __future__ import annotations

import functools
import re

from edition.readers.profiles import Profile, label_key
from edition.readers.text import Block, Line

MARKER_FORMS = [
    re.compile(r"<sup>\s*\[?(\d{1,5})\]?\s*</sup>"),
    re.compile(r"\[\^(\d{1,5})\](?!:)"),
    re.compile(r"\[\((\d{1,5})\)\]\(#[^)\s]*\)"),
]
DEFINITION_FORMS = [
    # bracketed and Markdown forms: any number (a long record has thousands of notes)
    re.compile(r"^\[(\d{1,5})\]\s+(?P<text>.*)$", re.S),
    re.compile(r"^\[\^(\d{1,5})\]:\s*(?P<text>.*)$", re.S),
    re.compile(r"^\[\((\d{1,5})\)\]\(#[^)\s]*\)\s*(?P<text>.*)$", re.S),
    re.compile(r"^<sup>\s*\[?(\d{1,5})\]?\s*</sup>\s*(?P<text>.*)$", re.S),
    re.compile(r"^\((\d{1,3})\)\s+(?P<text>.*)$", re.S),
    re.compile(r"^_(\d{1,3})\s+(?P<text>.*)$", re.S),
    re.compile(r"^(\d{1,3})\.\s+(?P<text>.*)$", re.S),
]
# A note at the foot of a printed page: the number, a space, the note's first word.
FOOT_DEFINITION = re.compile(r"^(\d{1,3})\s+(?P<text>[^\W\d].*)$", re.S)
# At the end of a record a note may also be printed as a bare number before its text
# (`1 Evatt visited Japan …`): the run's checks (numbers counting up, the first cited in the
# body) tell it from the record's own numbered paragraphs.
TRAILING_FORMS = DEFINITION_FORMS + [FOOT_DEFINITION]
SEPARATOR = re.compile(r"^[_\-–—*]{1,40}$")


def normalise_markers(text: str) -> str:
    """Every marker form the record uses → `[n]`."""
    for form in MARKER_FORMS:
        text = form.sub(lambda m: f"[{m.group(1)}]", text)
    return text


_BULLET = re.compile(r"^[*•-]\s+(?=\S)")  # compiled once: see participants._FIELD


def definition(text: str, forms=None) -> tuple[str, str] | None:
    """(number, text) of a note as printed, in any of the note forms (a list bullet before
    it allowed: `* 1 The record …`)."""
    text = _BULLET.sub("", text.strip())
    for form in forms or TRAILING_FORMS:
        match = form.match(text)
        if match and match.group(1).lstrip("0"):  # notes are numbered from 1
            if form is FOOT_DEFINITION and is_date_line(text):
                return None
            return match.group(1), match.group("text")
    return None


def is_date_line(text: str) -> bool:
    """`3 May 1939`, `14 June 1957`: a line that is a date and nothing else is the page's
    (its date of publication, a footer's Date field), never a note numbered by the day."""
    from edition.dates import parse_date

    found = parse_date(text)
    return found is not None and len(found.when) == 10 and found.text.strip(" .") == text.strip(" .")


def as_note_block(block: Block, n: str, text: str) -> Block:
    return Block([Line(f"[{n}] {text}", block.number)])


def split_trailing_notes(blocks: list[Block], profile: Profile, head: str = "") -> tuple[list[Block], list[Block], list[Block]]:
    """The record's notes at its end: after a `Notes` heading, or the last run of numbered
    paragraphs counting up from 1 or from where the record's markers start. A paragraph with
    no number inside the run continues the note before it. Returns the body, the notes as
    `[n] …` blocks, and what follows the notes (a web page's footer, a citation)."""
    blocks = _one_note_a_block(blocks)
    heading = next((i for i in range(len(blocks) - 1, -1, -1)  # the length first: folding every paragraph was 2%
                    if len(blocks[i].text) < 30 and label_key(blocks[i].text.strip("#*: ")) in profile.note_headings),
                   None)
    if heading is not None:
        notes, after = _note_run(blocks[heading + 1:])
        if notes:
            return blocks[:heading], notes, after
    # the last run of numbered paragraphs that the body cites (a page's footer after the
    # notes may hold a numbered line of its own: "14 June 1957")
    start = len(blocks) - 1
    tried = 0
    while start >= 0 and tried < 6:
        if not definition(blocks[start].text):
            start -= 1
            continue
        tried += 1
        first = start
        while first > 0:
            previous = _previous_definition(blocks, first)
            if previous is None:
                break
            first = previous
        notes, after = _note_run(blocks[first:])
        bracketed = all(block.text.startswith("[") for block in blocks[first:start + 1]
                        if definition(block.text))
        if notes and (bracketed or _numbers_ascend(notes) and (_referenced(blocks[:first], notes, head)
                                                            or _closing_endnotes(blocks[:first], notes, after))):
            return blocks[:first], notes, after
        start = first - 1
    return blocks, [], []


def _one_note_a_block(blocks: list[Block]) -> list[Block]:
    """Notes printed one a line with no blank line between them → one block a note."""
    out: list[Block] = []
    for block in blocks:
        starts = [i for i, line in enumerate(block.lines) if definition(line.text)]
        if len(block.lines) > 1 and len(starts) >= 2 and starts[0] == 0:
            for a, b in zip(starts, starts[1:] + [len(block.lines)]):
                out.append(Block(block.lines[a:b]))
        else:
            out.append(block)
    return out


def _previous_definition(blocks: list[Block], index: int) -> int | None:
    """The index of the numbered paragraph before blocks[index] in the same run (continuation
    paragraphs and separators between them allowed)."""
    number = int(definition(blocks[index].text)[0])
    bracketed = blocks[index].text.startswith("[")
    for back in range(index - 1, max(-1, index - 4), -1):
        found = definition(blocks[back].text)
        if found:
            same_form = blocks[back].text.startswith("[") == bracketed  # one run is printed one way
            return back if same_form and (int(found[0]) == number - 1 or bracketed) else None
        if SEPARATOR.match(blocks[back].text):
            continue
    return None


def _note_run(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    notes: list[Block] = []
    index = 0
    expected: int | None = None
    while index < len(blocks):
        block = blocks[index]
        text = block.text.strip()
        if SEPARATOR.match(text):
            index += 1
            continue
        found = definition(text)
        bracketed = text.startswith("[")  # `[n] …` is a note whatever its number: a repeated one is reported later
        if found and (expected is None or int(found[0]) == expected or bracketed):
            notes.append(as_note_block(block, found[0], found[1]))
            expected = int(found[0]) + 1
        elif notes and _continues_note(text, blocks, index):
            last = notes[-1]
            notes[-1] = Block([Line(last.text + " " + text, last.number)])
        else:
            break
        index += 1
    return notes, blocks[index:]


def _continues_note(text: str, blocks: list[Block], index: int) -> bool:
    """A paragraph inside a note: the next numbered note follows within two paragraphs."""
    for ahead in blocks[index + 1:index + 3]:
        if definition(ahead.text.strip()):
            return True
    return False


def _numbers_ascend(notes: list[Block]) -> bool:
    numbers = [int(definition(note.text)[0]) for note in notes]
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _referenced(body: list[Block], notes: list[Block], head: str = "") -> bool:
    """A run of numbered paragraphs is the notes only if the body cites the first of them
    (a numbered list closing a memorandum is the record's own text)."""
    n = definition(notes[0].text)[0]
    text = head + " " + " ".join(block.text for block in body)
    return f"[{n}]" in text or bool(glued_marker_pattern(n).search(text))


def _closing_endnotes(body: list[Block], notes: list[Block], after: list[Block]) -> bool:
    """Endnotes whose markers extraction lost: a run from 1 that closes the record, after a
    paragraph that does not introduce a list (`… belong to them:`) and is no item of one."""
    if after or not body or definition(notes[0].text)[0] != "1":
        return False
    last = body[-1].text.strip()
    return not last.endswith(":") and definition(last) is None


SYMBOLS = r"\*{1,3}|[†‡§]"
SYMBOL_DEFINITION = re.compile(rf"^(?P<n>{SYMBOLS})\s*(?P<text>[A-Z(“\"‘].*)$", re.S)
SYMBOL_MARKER = re.compile(rf"(?<=[^\W\d_]|[.,;:)”’\"])(?P<n>{SYMBOLS})(?=[\s.,;:)]|$)")


def split_symbol_notes(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """Notes marked with a symbol (`… Mr. Nelson.*` and `* Not printed.` closing the record), in
    routes where an asterisk is no Markdown: the closing paragraphs that open with a symbol the
    body carries glued to a word. Returns the body (markers as `[*]`) and the notes."""
    end = len(blocks)
    while end > 0 and SYMBOL_DEFINITION.match(blocks[end - 1].text.strip()):
        end -= 1
    found = [SYMBOL_DEFINITION.match(block.text.strip()) for block in blocks[end:]]
    if not found or len({m.group("n") for m in found}) != len(found):
        return blocks, []
    symbols = {m.group("n") for m in found}
    body, cited = [], set()
    for block in blocks[:end]:
        lines = []
        for line in block.lines:
            def mark(match: re.Match) -> str:
                if match.group("n") in symbols and match.group("n") not in cited:
                    cited.add(match.group("n"))
                    return f"[{match.group('n')}]"
                return match.group(0)
            lines.append(Line(SYMBOL_MARKER.sub(mark, line.text), line.number, line.new_page))
        body.append(Block(lines))
    if cited != symbols:
        return blocks, []  # a closing `* …` the body does not cite is the record's own text
    notes = [Block([Line(f"[{m.group('n')}] {m.group('text')}", block.number)])
             for m, block in zip(found, blocks[end:])]
    return body, notes


@functools.lru_cache(maxsize=512)
def glued_marker_pattern(n: str) -> re.Pattern:
    """A note number glued to the word or punctuation before it: `Wednesday.2`, `me63`."""
    return re.compile(rf"(?<=[^\W\d_]|[.,;:)”’\"\]?!])({re.escape(n)})(?![\d])(?=[\s.,;:?!)\]—–-]|$)")


GLUED_ANY = re.compile(r"(?<=[^\W\d_]|[.,;:)”’\"\]?!])(\d{1,3})(?![\d])(?=[\s.,;:?!)\]—–-]|$)")


def mark_glued_markers(blocks: list[Block], numbers: list[str]) -> list[Block]:
    """Turn glued note numbers into `[n]` markers, in the order the notes are numbered: one pass
    over the text, each glued number taken when it is the next note's (or one of the next
    three, where a marker is missing)."""
    if not numbers:
        return blocks
    marked = set(re.findall(r"\[(\d{1,5})\]", " ".join(block.text for block in blocks)))
    wanted = sorted((n for n in numbers if n not in marked), key=int)
    if not wanted:
        return blocks
    out = [Block([Line(line.text, line.number, line.new_page) for line in block.lines]) for block in blocks]
    position = 0
    for block in out:
        for line in block.lines:
            if position >= len(wanted):
                break
            pieces, last = [], 0
            for match in GLUED_ANY.finditer(line.text):
                ahead = wanted[position:position + 3]
                if match.group(1) in ahead:
                    position += ahead.index(match.group(1)) + 1
                    pieces.append(f"{line.text[last:match.start(1)]}[{match.group(1)}]")
                    last = match.end(1)
                    if position >= len(wanted):
                        break
            if pieces:
                line.text = "".join(pieces) + line.text[last:]
    _mark_earlier_numbers(out, numbers)
    return out


def _mark_earlier_numbers(blocks: list[Block], numbers: list[str]) -> None:
    """A record cut from a volume numbers its notes on from the one before: where the first
    note is N and the number N-1 stands glued before N's marker (`Present:62` before `me[63]`),
    it is a marker whose note the record does not carry, kept as one."""
    first = min((int(n) for n in numbers), default=0)
    if first <= 1:
        return
    wanted = str(first - 1)
    pattern = glued_marker_pattern(wanted)
    for block in blocks:
        for line in block.lines:
            if f"[{first}]" in line.text:
                head = line.text[:line.text.index(f"[{first}]")]
                match = pattern.search(head)
                if match:
                    line.text = f"{head[:match.start(1)]}[{wanted}]{line.text[match.end(1):]}"
                return
            match = pattern.search(line.text)
            if match:
                line.text = f"{line.text[:match.start(1)]}[{wanted}]{line.text[match.end(1):]}"
                return
