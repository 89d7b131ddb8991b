"""The parts of a record, whatever route it took: header, body, notes, footer.

A route reader (web page, Markdown, PDF text) turns its lines into paragraphs and hands
them here, with the chrome it found and any front matter. `run_rules` then runs one
ordered list of rules, `RULES` (the way markdown-it-py's `ruler.py` runs its block rules),
each one convention, each tested by its own fixture in `tests/fixtures/rules/`:

    chrome          a web page's navigation and footer lines, by the source profile
    fields          a page's metadata fields (`Citation:`, `Summary:`, `Original Language:`)
    header end      the page's header, where its family prints a last header line
    header lines    that header's credit line, citation, date line and summary
    title           the record's heading
    notes           the footnotes at the end, under a heading or as the closing numbered run
    footer          what follows the notes: a bracketed shelfmark, a rights line, the page's footer
    markers         every footnote marker form → `[n]`

The body's turns, narration and persons are found afterwards by `structure.py`, for every
route alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from edition.model import Metadata
from edition.readers.base import EM_CLOSE, EM_OPEN, Extracted, LabelMatch
from edition.readers.labels import LabelMatcher, matcher_for
from edition.readers.notes import mark_glued_markers, normalise_markers, split_symbol_notes, split_trailing_notes
from edition.readers.pages import PB_MARK, web_page_marks
from edition.readers.profiles import Profile, label_key
from edition.readers.text import Block, Line

QUOTED_TITLE = re.compile(r"^[\"“](?P<title>.+?),?[\"”]\s*,?\s*(?P<rest>.*\d{4}.*)$", re.S)
_FULL_STOP_LABEL = re.compile(r"(?P<label>[^.:;()\n]{1,40}?)\.\s+(?=[A-Z“\"‘])")
URL_LINE = re.compile(r"^<?(https?://\S+?)>?$")
FIELD_LINE = re.compile(r"^\W{0,3}(?P<name>[A-Z][\w’' &/]{1,40}?)\s*\W{0,3}:\W{0,3}(?:\s+(?P<value>.*))?$", re.S)
RIGHTS_LINE = re.compile(r"(?i)\b(?:licen[cs]e[ds]?|copyright|public domain|rights holders?|welcomes reuse|"
                         r"reproduc\w+ (?:is|are) (?:not )?permitted)\b")
HEADER_ROLES = ("citation", "summary", "original_language", "contents", "record_id", "rights", "funder", "url")


@dataclass
class RecordState:
    """What the rules read and write: the route's paragraphs, sorted as they are recognised."""

    profile: Profile
    blocks: list[Block]
    front_matter: dict = field(default_factory=dict)
    chrome: list[Line] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    citation: str = ""
    citation_line: int | None = None
    head: list[str] = field(default_factory=list)
    head_line: int | None = None
    header: list[Block] = field(default_factory=list)  # the opening paragraphs the header rules read
    notes: list[Block] = field(default_factory=list)
    footer: list[Block] = field(default_factory=list)
    notes_found: bool = False  # a route that finds the notes itself (a printed page's foot)
    heading_levels: dict[int, int] = field(default_factory=dict)  # block line → Markdown heading level
    fields_found: bool = False
    head_as_printed: list[str] = field(default_factory=list)
    symbol_notes: bool = True  # notes marked `*`, `†` (not in Markdown, where `*` is emphasis)


# --- the rules ---------------------------------------------------------------------------------

def rule_chrome(state: RecordState) -> None:
    """Lines that are a web page's navigation, buttons or footer, as the profile names them."""
    kept: list[Block] = []
    def chrome(line: Line) -> bool:
        text = _plain(line.text)
        return state.profile.is_chrome(text) and text not in state.profile.header_ends

    for block in state.blocks:
        looks = [chrome(line) for line in block.lines]
        # one such word on a line of its own between two lines of a paragraph's running text is a
        # word of that text wrapped there ("… seek truth\nSearch\nfor facts"), not a button: a
        # page's buttons and menus stand in blocks of their own, in runs, or after the text
        dropped = [look and not (0 < i < len(looks) - 1 and not looks[i - 1] and not looks[i + 1])
                   for i, look in enumerate(looks)]
        lines = [line for line, drop in zip(block.lines, dropped) if not drop]
        state.chrome.extend(line for line, drop in zip(block.lines, dropped) if drop)
        if lines:
            kept.append(Block(lines) if len(lines) != len(block.lines) else block)
    state.blocks = kept


def rule_header_end(state: RecordState) -> None:
    """Where the page's header ends: after the last header line its family prints (the PDF
    print's last button), or after the funder's credit line, or, in a page whose fields stand
    above the record's first heading, at that heading."""
    ends = state.profile.header_ends
    last = next((i for i, block in enumerate(state.blocks[:40])
                 if any(line.text.strip() in ends for line in block.lines)), None)
    if last is None:
        last = next((i for i, block in enumerate(state.blocks[:8])
                     if any(p.fullmatch(_plain(block.text)) for p in state.profile.funder_patterns)), None)
    if last is not None:
        state.header = state.blocks[:last + 1]
        state.blocks = state.blocks[last + 1:]
        return
    if state.fields_found:
        heading = next((i for i, b in enumerate(state.blocks[:12]) if b.number in state.heading_levels), None)
        if heading:
            state.header = state.blocks[:heading]
            state.blocks = state.blocks[heading:]


def rule_header_lines(state: RecordState) -> None:
    """The page's header lines above the record, read one by one: the credit line naming a
    funder, a citation in the Chicago style (a quoted title, a date, the archive), a date
    line, the title, and a longer line that is the page's summary."""
    lines = [line for block in state.header for line in block.lines if line.text.strip()]
    metadata = state.metadata
    for line in lines:
        text = _plain(line.text)
        funder = next((m for p in state.profile.funder_patterns if (m := p.fullmatch(text))), None)
        quoted = QUOTED_TITLE.match(text)
        if state.profile.is_chrome(text) or text in state.profile.header_ends:
            state.chrome.append(line)
        elif funder:
            metadata.funder = funder.group("funder")
        elif quoted and not state.citation:
            state.citation, state.citation_line = text, line.number
            metadata.title = metadata.title or quoted.group("title")
        elif len(text) < 40 and re.search(r"\d{4}", text) and not metadata.date_text:
            metadata.date_text = text
        elif not metadata.title and len(text) < 200 and not _is_prose(text):
            metadata.title = text
        elif not metadata.summary and len(text) > 40:
            metadata.summary = text
        else:
            state.chrome.append(line)


def rule_fields(state: RecordState) -> None:
    """The page's own metadata fields above the record: a field label (`Citation:`) on a line
    of its own or before its value, the value running to the next field. The fields end
    where the record begins: its first speaker or its first paragraph of prose that is not
    a field's value."""
    profile = state.profile
    matcher = LabelMatcher(profile)
    out: list[Block] = []
    role: str | None = None
    values: dict[str, list[Block]] = {}
    for index, block in enumerate(state.blocks):
        if index > 60:
            out.extend(state.blocks[index:])
            break
        pieces = _split_at_fields(block, profile)
        if role is None and not _starts_field(pieces[0].text, profile) and _record_begins(block, matcher, index):
            out.extend(state.blocks[index:])
            break
        for piece in pieces:
            first = piece.lines[0].text.strip()
            match = FIELD_LINE.match(_plain(first))
            found = profile.field_role(match.group("name")) if match else None
            if found in HEADER_ROLES:
                role = found
                state.chrome.append(Line(first, piece.lines[0].number))  # the field's label; its value is kept
                value = (match.group("value") or "").strip()
                if role == "contents" and len(value) > 150:
                    # a run-on line: the page's contents (its buttons), then the record itself
                    value, record = _peel_chrome(value, profile)
                    if record:
                        out.append(Block([Line(record, piece.lines[0].number)]))
                rest = ([Line(value, piece.lines[0].number)] if value else []) + piece.lines[1:]
                if rest:
                    values.setdefault(role, []).append(Block(rest))
                continue
            if role is not None and _continues_field(piece, state, role, role in values):
                values.setdefault(role, []).append(piece)
                continue
            role = None
            out.append(piece)
    state.blocks = out
    state.fields_found = bool(values)
    for role, blocks in values.items():
        _set_field(state, role, blocks)


def _peel_chrome(text: str, profile: Profile) -> tuple[str, str]:
    """(the chrome phrases the text opens with, the rest): `English Translation Scan of Original
    Document On 31 January …` → the two buttons, and the record."""
    peeled = []
    phrases = sorted(profile.chrome_lines, key=len, reverse=True)
    while True:
        found = next((p for p in phrases if text.startswith(p + " ") or text == p), None)
        if not found:
            return " ".join(peeled), text
        peeled.append(found)
        text = text[len(found):].lstrip()


def _record_begins(block: Block, matcher: LabelMatcher, index: int) -> bool:
    text = _plain(block.text)
    start = matcher.at_start(text)
    return bool(start and start[1].strength != "plain") or (_is_prose(text) and index > 0)


def rule_title(state: RecordState) -> None:
    """The record's heading: a Markdown heading, a numbered document heading (`243. The
    Ambassador …`), or, in a page whose header gave no title, the first line in capitals."""
    for index, block in enumerate(state.blocks[:8]):
        level = state.heading_levels.get(block.number)
        text = PB_MARK.sub("", block.text)
        if level is not None or re.match(r"^\d{1,4}\.\s+[A-Z]", text) and len(text) < 300 \
                and not _is_prose(text):
            state.head = [line.text.strip().lstrip("#").strip() for line in block.lines]
            state.head_line = block.number
            state.head_as_printed = list(state.head)
            state.metadata.title = state.metadata.title or " ".join(state.head)
            del state.blocks[index]
            if level is not None and index < len(state.blocks) and _second_heading_line(state.blocks, index):
                state.head += [line.text.strip() for line in state.blocks.pop(index).lines]
            return
        if index == 0 and not state.metadata.title and _bare_title(text, state):
            # a record that opens with its title and nothing else on the line ("Memorandum of Conversation")
            state.head = [line.text.strip() for line in block.lines]
            state.head_line = block.number
            state.head_as_printed = list(state.head)
            state.metadata.title = " ".join(state.head)
            del state.blocks[index]
            return
        if state.metadata.title and _words(text) == _words(state.metadata.title):
            # the page's title printed again as the record's heading
            state.head = [line.text.strip() for line in block.lines]
            state.head_line = block.number
            del state.blocks[index]
            return


def _bare_title(text: str, state: RecordState) -> bool:
    """A short line of capitalised words with no date, no sentence end and no label."""
    words = text.split()
    return (0 < len(words) <= 12 and len(text) < 120 and text[:1].isupper() and not re.search(r"\d", text)
            and not re.search(r"[.,;:!?]$", text) and ":" not in text and len(state.blocks) > 1
            and sum(w[:1].isupper() for w in words) >= max(1, len(words) // 2))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _second_heading_line(blocks: list[Block], index: int) -> bool:
    """A short line straight after a heading, with no full stop, no date, no label: the
    heading's second line (`## FIRST TALK` / `Of N.S. KHRUSHCHEV with MAO ZEDONG`). Never the
    record's only paragraph."""
    text = blocks[index].text
    return (len(text) < 80 and not re.search(r"[.:;!?]$", text) and not re.search(r"\d", text)
            and EM_OPEN not in text
            and ":" not in text and index + 1 < len(blocks) and len(blocks[index].lines) == 1)


def rule_notes(state: RecordState) -> None:
    """The notes at the end of the record."""
    if state.notes_found:
        return
    if state.symbol_notes:
        state.blocks, symbol_notes = split_symbol_notes(state.blocks)
        state.notes = state.notes + symbol_notes
    body, notes, after = split_trailing_notes(state.blocks, state.profile, " ".join(state.head))
    if notes and len(body) < len(state.blocks) - len(notes) - len(after):
        heading = state.blocks[len(body)]  # the `Notes` heading above them
        if label_key(heading.text.strip("#*: ")) in state.profile.note_headings:
            state.chrome.extend(heading.lines)
    state.blocks, state.notes = body, state.notes + notes
    state.footer = after + state.footer


def rule_footer(state: RecordState) -> None:
    """After the record: a rights statement, the rest is the page's footer (kept as chrome
    unless it is the citation, which the header reads)."""
    kept: list[Block] = []
    while state.blocks and _is_footer(state.blocks[-1], state):
        kept.insert(0, state.blocks.pop())
    footer = kept + state.footer
    state.footer = []
    rights: list[str] = []
    for block in footer:
        text = _plain(block.text)
        label = matcher_for(state.profile).at_start(text)
        if label and not _heading_after_label(label[0].rest):
            state.blocks.append(block)  # the record's own text after the page's footer: never dropped
            continue
        if not state.metadata.summary and not rights and block is footer[0] and state.notes \
                and _is_sentence(text) and not _is_footer(block, state):
            state.metadata.summary = text  # the page's summary, printed straight after the record's notes
            state.chrome.extend(block.lines)
            continue
        if (RIGHTS_LINE.search(text) or rights and len(text) > 40) and not state.metadata.rights:
            rights.append(text)  # the rights statement, and the sentences that go on from it
            continue
        state.footer.append(block)
        state.chrome.extend(block.lines)  # the page's furniture after the record (its citation goes to the header)
    if rights:
        state.metadata.rights = "\n".join(rights)


def rule_markers(state: RecordState) -> None:
    """Every footnote marker form → `[n]`; a glued number only where its note exists."""
    state.blocks = [Block([Line(normalise_markers(web_page_marks(line.text)), line.number, line.new_page)
                           for line in block.lines]) for block in state.blocks]
    numbers = [m.group(1) for note in state.notes if (m := re.match(r"^\[(\d+)\]", note.text))]
    head = Block([Line(normalise_markers(line), 0) for line in state.head]) if state.head else None
    marked = mark_glued_markers(([head] if head else []) + state.blocks, numbers)  # a title's marker too
    if head:
        state.head = [line.text for line in marked[0].lines]
        marked = marked[1:]
    state.blocks = marked
    if state.head and state.metadata.title == " ".join(state.head_as_printed):
        state.metadata.title = " ".join(state.head)


RULES: list[tuple[str, Callable[[RecordState], None]]] = [
    ("chrome", rule_chrome),
    ("fields", rule_fields),
    ("header end", rule_header_end),
    ("header lines", rule_header_lines),
    ("title", rule_title),
    ("notes", rule_notes),
    ("footer", rule_footer),
    ("markers", rule_markers),
]


def run_rules(state: RecordState, rules=RULES) -> RecordState:
    for _, rule in rules:
        rule(state)
    return state


# --- what the rules share ----------------------------------------------------------------------

def _plain(text: str) -> str:
    """A line less its Markdown emphasis and the reader's emphasis marks."""
    return text.replace(EM_OPEN, "").replace(EM_CLOSE, "").lstrip("*_#> \t\n").rstrip("*_ \t\n").strip()


def _is_prose(text: str) -> bool:
    """A paragraph of the record itself: long, with sentences."""
    return len(text) > 220 and len(re.findall(r"[.?!][\s”\"]", text)) >= 2


def _split_at_fields(block: Block, profile: Profile) -> list[Block]:
    """A block whose lines include field labels (PDF text runs the fields together) → one
    block a field; a run-on line holding fields (`… Citation: “…” Summary: …`) → one a field."""
    pieces: list[list[Line]] = [[]]
    for line in block.lines:
        for part in _split_run_on_fields(line, profile):
            if pieces[-1] and _starts_field(part.text, profile):
                pieces.append([])
            pieces[-1].append(part)
    return [Block(lines) for lines in pieces if lines]


def _starts_field(text: str, profile: Profile) -> bool:
    match = FIELD_LINE.match(_plain(text))
    return bool(match and profile.field_role(match.group("name")) in HEADER_ROLES)


def _split_run_on_fields(line: Line, profile: Profile) -> list[Line]:
    names = [name for role in HEADER_ROLES for name in profile.fields.get(role, ())]
    if len(line.text) < 200 or not names:
        return [line]
    pattern = re.compile(r"(?<=\s)(?=(?:%s):\s)" % "|".join(re.escape(n.title()) for n in names))
    cuts = [m.start() for m in pattern.finditer(line.text)]
    if not cuts:
        return [line]
    parts, position = [], 0
    for cut in cuts + [len(line.text)]:
        if line.text[position:cut].strip():
            parts.append(Line(line.text[position:cut].strip(), line.number))
        position = cut
    return parts


def _continues_field(block: Block, state: RecordState, role: str, has_value: bool) -> bool:
    """The value of a field runs on to the next field: a citation over its address line, a
    page's contents over its list items; a summary or a language is one paragraph."""
    text = _plain(block.text)
    profile = state.profile
    if _starts_field(text, profile) or matcher_for(profile).at_start(text) or block.number in state.heading_levels:
        return False
    if not has_value:
        return True
    if role == "citation":
        return bool(URL_LINE.match(text)) or len(text) < 300 and not _is_prose(text) and "." not in text[-2:]
    if role == "contents":
        return all(re.match(r"^[-*•]\s|^\S.{0,40}$", line.text.strip()) and not re.search(r"[.?!]$", line.text.strip())
                   for line in block.lines)
    return False


def _set_field(state: RecordState, role: str, blocks: list[Block]) -> None:
    text = " ".join(_plain(block.text) for block in blocks).strip()
    metadata = state.metadata
    if role == "citation":
        lines = [line for block in blocks for line in block.lines]
        words = []
        for line in lines:
            url = URL_LINE.match(_plain(line.text))
            if url:
                metadata.url = metadata.url or url.group(1)
            else:
                words.append(_plain(line.text))
        state.citation = " ".join(words).strip()
        state.citation_line = blocks[0].number
    elif role == "summary":
        metadata.summary = text
    elif role == "original_language":
        metadata.original_language = text.split()[0] if text else ""
    elif role == "contents":
        state.chrome.extend(line for block in blocks for line in block.lines)
    elif role == "rights":
        metadata.rights = text
    elif role == "url":
        metadata.url = text


def _is_sentence(text: str) -> bool:
    return len(text) > 40 and bool(re.search(r"[a-z]{2,}[.?!)](?:\s|$)", text))


def _is_footer(block: Block, state: RecordState) -> bool:
    """A closing paragraph that belongs to the page, not the record: a bracketed shelfmark,
    a rights line, a line of the page's own furniture after the last turn."""
    text = _plain(block.text)  # the shelfmark may be set in italics (` _[AA : …]_`)
    if re.fullmatch(r"\[[^\[\]]{2,120}\]", text) and re.search(r"\d", text) and ":" in text:
        return True  # "[AA : A4311/1, BOX 453]", "[NAA: A1838, 370/1119/18, xvii]"
    return bool(RIGHTS_LINE.search(text)) and len(text) < 400


@dataclass
class Record(Extracted):
    """What every route hands on: the record's parts and its label conventions."""

    matcher: LabelMatcher = None  # type: ignore[assignment]
    accepted: set[str] = field(default_factory=set)
    front_matter: dict = field(default_factory=dict)
    opening: list[tuple[int, str]] = field(default_factory=list)  # the header's lines, for the date rules
    footer: list[Block] = field(default_factory=list)
    citation_line: int | None = None
    head_line: int | None = None
    styled_labels: set[str] = field(default_factory=set)  # labels the source sets apart (in bold)
    _qa_full_stop: bool | None = None

    @classmethod
    def from_state(cls, reader: str, state: RecordState, matcher: LabelMatcher, repair_words: bool = False):
        record = cls(reader, state.metadata, state.citation, state.head, state.blocks, state.notes,
                     chrome=state.chrome, repair_words=repair_words)
        record.matcher = matcher
        record.front_matter = state.front_matter
        record.footer = state.footer
        record.citation_line = state.citation_line
        record.head_line = state.head_line
        record.opening = [(line.number, _plain(line.text)) for block in state.header for line in block.lines]
        return record

    def match_label(self, text: str) -> LabelMatch | None:
        found = self.matcher.at_start(text)
        if not found:
            return self._label_with_full_stop(text)
        if found[1].key not in self.accepted or _heading_after_label(found[0].rest):
            return None
        return found[0]

    def _label_with_full_stop(self, text: str) -> LabelMatch | None:
        """`President. What is …`: a label this record prints with a colon elsewhere, misprinted
        with a full stop."""
        match = _FULL_STOP_LABEL.match(text)
        if not match:
            return None
        candidate = self.matcher.candidate(match.group("label"))
        if candidate is None:
            return None
        # `Q. …` / `A. …` in a record of questions and answers, or a label the record prints with a colon
        question_answer = candidate.strength == "qa" and self._questions_with_full_stop()
        if not question_answer and (candidate.key not in self.accepted or candidate.strength in ("letter", "qa")):
            return None
        return LabelMatch(match.group("label"), None, text[match.end():], ".")

    def _questions_with_full_stop(self) -> bool:
        """A record that asks its questions `Q. …` (two or more paragraphs open so)."""
        if self._qa_full_stop is None:
            self._qa_full_stop = sum(1 for block in self.body if block.text.startswith(("Q. ", "Question. "))) >= 2
        return self._qa_full_stop

    def find_glued_label(self, text: str) -> int | None:
        cut = self.matcher.glued(text, self.accepted)
        if cut is not None:
            found = self.matcher.at_start(text[cut:])
            if found:
                self.accepted.add(found[1].key)  # a label glued after a sentence is a speaker's too
        return cut


def _heading_after_label(rest: str) -> bool:
    """`AUSTRALIA-JAPAN TRADE NEGOTIATIONS: SIXTH PLENARY MEETING [1]`, `NAA: A1838, 759/1/7`:
    a label-like opening before a title or a reference, not before speech (no sentence, no
    word in lower case)."""
    text = _NOTE_OR_ELLIPSIS.sub("", rest).strip()
    return text[:1].isalnum() and len(text) < 100 and any(char.isupper() for char in text) \
        and not any(word.islower() and len(word) >= 3 for word in _WORD.findall(text)) \
        and not _SENTENCE_END.search(text)


_NOTE_OR_ELLIPSIS = re.compile(r"\[\d+\]|\ue010[^\ue011]*\ue011|(?:\.\.\.|…)$")
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.?!…:;”\"’)\]—–。！？-]$")


def label_candidates(matcher: LabelMatcher, blocks: list[Block]) -> dict[str, list]:
    """Every label-like opening of a paragraph, by its key: (candidate, block) pairs."""
    found: dict[str, list] = {}
    for block in blocks:
        start = matcher.at_start(block.text)
        if start:
            found.setdefault(start[1].key, []).append(start[1])
    return found


def _caseless_name(key: str) -> bool:
    """A name in a script without capitals and spaces: two to six letters (周恩来, 김일성)."""
    return 2 <= len(key) <= 6 and key.isalpha() and not any(char.isupper() or char.islower() for char in key)


def accept_labels(matcher: LabelMatcher, blocks: list[Block], known_names: set[str]) -> set[str]:
    """The labels that are speakers: a label in capitals, with a title or honorific, a
    question-and-answer label, a participant's name, or one the record prints more than once.
    A one-off `Plain Words:` opening a paragraph is more often a heading or a field."""
    accepted: set[str] = set()
    found = label_candidates(matcher, blocks)
    for key, candidates in found.items():
        strength = candidates[0].strength
        if strength in ("caps", "titled", "qa") or len(candidates) >= 2 or key in known_names:
            accepted.add(key)
    # In a conversation of two speakers or more, a name of two words or more that speaks once
    # is a speaker too (else its words would go to the turn before: speech in the wrong mouth).
    if len(accepted) >= 2:
        for key, candidates in found.items():
            name_like = len(key.split()) >= 2 or _caseless_name(key)
            if key not in accepted and name_like and candidates[0].strength == "plain" \
                    and key not in matcher.profile.not_labels:
                accepted.add(key)
    return accepted
