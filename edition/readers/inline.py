"""Inline rules: a paragraph's text → strings and editorial elements of the model.

Each rule is one small function over plain strings; `parse_inline` applies them in order
(brackets first, since a bracket decides what its words are; then manners, emphasis,
repairs of extraction damage and names). Adding a quirk means adding a rule and a fixture
in `tests/fixtures/inline.txt`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from edition.errors import Problem
from edition.model import (AltName, DateRef, Foreign, Hi, InlineNote, Lost, Manner, NoteRef, OrphanNoteRef, PageBreak,
                           PersonRef, PlaceRef, Repair, Sic, Supplied, Unclear)
from edition.readers import english
from edition.readers.pages import PB_MARK, PB_OPEN
from edition.readers.base import EM_CLOSE, EM_OPEN, parse_date

# Short Russian words that look like English or abbreviations to a frequency list ("v", "ne", "na").
RUSSIAN_FUNCTION_WORDS = {"v", "ne", "na", "k", "ja", "ia", "mi", "my", "vam", "vas", "po", "za", "o", "ob", "s",
                          "u", "ot", "do", "i"}
MANNERS = re.compile(r"\((?P<text>(?:[Jj]ok(?:ing|ingly|es)|[Ll]augh(?:ing|s)|[Ss]mil(?:ing|es)|[Ii]rritated|"
                     r"[Cc]rossly|[Ii]ronically|[Aa]ngrily|[Ww]ith irritation)\.?)\)")
HYPHEN_BREAK = re.compile(r"\b(?P<a>[A-Za-z]+)- (?P<b>[a-z]+)\b")
WORD_PAIR = re.compile(r"(?<![\w’'-])(?P<a>[A-Za-z]+) (?P<b>[A-Za-z]+)(?![\w’'-])")


@dataclass
class InlineContext:
    """What the inline rules need to know about the document they work in."""

    path: str
    note_numbers: set[str]
    repair_words: bool = False
    names: dict[str, str] = field(default_factory=dict)  # printed name → person id (for narration)
    places: object = None  # edition.places.PlaceIndex: the places a dateline or heading names
    places_named: dict = field(default_factory=dict)  # place id → Place, as found
    # one word of a participant's name → person id, a name only after an honorific ("Comrade Liri")
    name_parts: dict[str, str] = field(default_factory=dict)
    honorific: str = "(?!)"  # the profile's honorifics, as a regular expression
    problems: list[Problem] = field(default_factory=list)
    used_notes: set[str] = field(default_factory=set)  # the notes a marker has taken
    inline_notes: int = 0
    repairs: list[str] = field(default_factory=list)
    _by_marker: dict | None = field(default=None, repr=False)
    missing_notes: set = field(default_factory=set)  # markers whose note the source lacks, seen once

    def next_letter(self) -> str:
        self.inline_notes += 1
        number, letters = self.inline_notes, ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters

    def note_for(self, marker: str) -> str | None:
        """The note a marker `[n]` refers to: note n, then the notes printed again with the same
        number (keyed `n-<line>`), in order; None when each of them already has its marker."""
        if self._by_marker is None:  # one index, not a scan of every note for each marker
            index: dict[str, list[str]] = {}
            for n in self.note_numbers:
                index.setdefault(n.split("-")[0], []).append(n)
            for candidates in index.values():
                candidates.sort(key=lambda n: (n.count("-"), int(n.split("-")[1]) if "-" in n else 0))
            self._by_marker = index
        return next((n for n in self._by_marker.get(marker, []) if n not in self.used_notes), None)

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message, "warning"))


def parse_inline(text: str, ctx: InlineContext, line: int, *, narration: bool = False,
                 dateline: bool = False, in_note: bool = False, summary: bool = False, heading: bool = False) -> list:
    """`in_note`: the text of a note, where notes and stage directions cannot stand (notes do
    not nest): a marker or a bracketed comment there is kept as printed. `summary`: an omission's
    summary, itself in brackets, where the original's words stand in parentheses."""
    nodes = _brackets(text, ctx, line, in_note)
    if summary:
        nodes = _apply(nodes, _parenthesised_original)
    if not in_note:
        nodes = _apply(nodes, _manners)
    nodes = _emphasis(nodes)
    nodes = _apply(nodes, _hyphen_breaks)
    if ctx.repair_words:
        nodes = _apply(nodes, _broken_words)
    if narration and ctx.names:
        nodes = _apply(nodes, lambda s: _names(s, ctx.names))
    if narration and ctx.name_parts:
        nodes = _apply(nodes, lambda s: _names_after_honorific(s, ctx.name_parts, ctx.honorific))
    if dateline:
        nodes = _apply(nodes, _dates)
    if (dateline or heading) and ctx.places is not None:
        nodes = _apply(nodes, lambda s: _places(s, ctx))
    if PB_OPEN in text:
        nodes = _page_breaks(nodes)
    return _merge_strings(nodes)


def _page_breaks(nodes: list) -> list:
    """A printed page's start, marked by the reader, → `PageBreak`; inside an editorial
    element (a supplied word across the break) the mark is dropped, the page kept by the
    next break."""
    out: list = []
    for node in nodes:
        if isinstance(node, str):
            position = 0
            for match in PB_MARK.finditer(node):
                out.append(node[position:match.start()])
                out.append(PageBreak(match.group(1)))
                position = match.end()
            out.append(node[position:])
        else:
            for attribute in ("text", "original", "corrected"):
                value = getattr(node, attribute, None)
                if isinstance(value, str) and PB_OPEN in value:
                    setattr(node, attribute, PB_MARK.sub("", value))
            out.append(node)
    return [node for node in out if node != ""]


# --- brackets --------------------------------------------------------------------------

_BRACKETED = re.compile(r"\[([^\[\]]*)\]")  # compiled once (see participants._FIELD)
_NOTE_NUMBER = re.compile(r"\s*\d+\s*")


def _brackets(text: str, ctx: InlineContext, line: int, in_note: bool = False) -> list:
    out: list = []
    position = 0
    for match in _BRACKETED.finditer(text):
        before = text[position:match.start()]
        out.append(before)
        content = match.group(1)
        char_before = text[match.start() - 1] if match.start() else " "
        char_after = text[match.end()] if match.end() < len(text) else " "
        if in_note and (_NOTE_NUMBER.fullmatch(content) or _is_comment(content.strip())):
            out.append(match.group(0))  # a note citing another note, or an editor's comment in a note
        else:
            out.extend(_bracket(content, char_before, char_after, out, ctx, line))
        position = match.end()
    rest = text[position:]
    if "[" in rest:
        opened = rest[rest.index("["):]
        if _cut_off(opened):
            out.append(rest[:rest.index("[")])
            out.append(_lost(opened[1:], ctx, line))
            return [node for node in out if node != ""]
        ctx.warn(line, f"a square bracket opened and never closed ('{_excerpt(opened)}'); kept as printed")
    out.append(rest)
    return [node for node in out if node != ""]


def _cut_off(opened: str) -> bool:
    """A bracket opened and never closed that ends the paragraph mid-phrase: the extraction lost the
    rest of it. It holds the original's words (a translator's gloss cut short) and no sentence's end;
    a bracket whose text goes on in English is one whose close alone is missing: kept as printed."""
    inside = opened[1:].strip()
    if not inside or "]" in inside or re.search(r"[.?!…\"”)]$", inside):
        return False
    return is_original_language(inside.rstrip(" –—-"))


def _lost(inside: str, ctx: InlineContext, line: int) -> Lost:
    words = inside.strip()
    ctx.repairs.append(f"Source line {line}: the text breaks off inside a bracket ('[{_excerpt(words)}'); what "
                       "followed is lost in the source as extracted, marked as a gap (reason \"lost\").")
    original = is_original_language(words.rstrip(" –—-"))
    return Lost([Foreign(words, bracketed=False)] if original else ["[" + words], original)


def _parenthesised_original(text: str) -> list:
    """`“patronizing” (otnoshenie ottsa k synu) speech`: in a bracketed summary the original's
    words stand in parentheses; they are the original's wording all the same."""
    def make(match: re.Match) -> list | None:
        return Foreign(match.group(1), bracketed=False) if is_original_language(match.group(1)) else None
    return _split_by(text, re.compile(r"(?<=\()([^()\[\]]+)(?=\))"), make)


def _bracket(content: str, before: str, after: str, out: list, ctx: InlineContext, line: int) -> list:
    stripped = content.strip()
    if re.fullmatch(r"\d+", stripped) or stripped in ctx.note_numbers:  # a number, or a symbol with its note
        note = ctx.note_for(stripped)
        if note:
            ctx.used_notes.add(note)
            return [NoteRef(note)]
        if stripped in ctx.note_numbers:
            ctx.warn(line, f"footnote marker [{stripped}] is printed again; its note is shown at the first marker "
                           "only, this one is kept as printed")
            return [OrphanNoteRef(stripped, f"[{content}]", missing=False)]
        if stripped in ctx.missing_notes:  # printed again: the note whose text is missing stands once
            return [OrphanNoteRef(stripped, f"[{content}]", missing=False)]
        ctx.missing_notes.add(stripped)
        ctx.warn(line, f"footnote marker [{stripped}] has no note in the source; kept as a note whose text is "
                       "missing")
        return [OrphanNoteRef(stripped, f"[{content}]")]
    if stripped.lower() == "sic":
        return [Sic(_take_back(out, r"((?:[A-Z][\w’'-]*\s+)*[A-Z][\w’'-]*|\S+)\s*$"))]
    if stripped == "?":
        if before.isspace():
            return [Unclear(_take_back(out, r"(\S+)\s*$"))]
        return [Supplied("?", "punctuation")]
    if before.isalnum() or after.isalnum():
        return [Supplied(content)]
    if _another_form_of_name(stripped, out, after):
        return [AltName(content)]
    if is_original_language(stripped):
        return [Foreign(content)]
    if _is_comment(stripped):
        return [InlineNote([content], ctx.next_letter())]
    return [Supplied(content)]


def _another_form_of_name(content: str, out: list, after: str) -> bool:
    """`Xinjiang [Sinkiang]`, `Jiang Jieshi [Chiang Kai-shek]`, `Guomindang [Kuomintang]`: a name in
    brackets right after a name, spelt much like it (another romanisation, an older form), and not
    the start of a longer name (`[Nikolai] Kuznetsov`) or a name of something else (`Hall of
    Huaizhentan [Beijing]`, `Saifuddin [Azizi]`: words the translator supplied)."""
    words = content.split()
    if not words or not all(word[:1].isupper() for word in words) or after.isalnum():
        return False
    previous = out[-1] if out and isinstance(out[-1], str) else ""
    before = re.search(r"((?:[A-Z][\w’'-]*\s+){0,2}[A-Z][\w’'-]*)\s+$", previous)
    if not before:
        return False
    candidates = before.group(1).split()
    bracket = _letters(content)
    return any(difflib.SequenceMatcher(None, _letters(" ".join(candidates[start:])), bracket).ratio() >= 0.5
               for start in range(len(candidates)))


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


def _take_back(out: list, pattern: str) -> str:
    """Remove and return the words just before a `[sic]` or `[?]` from what is already parsed."""
    if out and isinstance(out[-1], str):
        # the words marked are the last few: search only the tail (a search from every start of a
        # long run of capitalised words would be quadratic)
        tail_start = max(0, len(out[-1]) - 200)
        match = re.search(pattern, out[-1][tail_start:])
        if match:
            out[-1] = out[-1][: tail_start + match.start()]
            return match.group(1)
    return ""


def _is_comment(content: str) -> bool:
    words = content.split()
    return len(words) >= 4 and (content.endswith(".") or ", " in content)


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    return english.zipf_frequency(word)


def is_original_language(content: str) -> bool:
    """`[nakrucheno]`, `[na Blizhnem I Srednem Vostoke]`: words English does not know."""
    words = content.split()
    if not words or all(word[0].isupper() for word in words):
        return False  # names: "[Nikolai]", "[Chiang Kai-shek]"
    tokens = [t.lower() for t in re.findall(r"[^\W\d_]+", content)]
    if not tokens:
        return False
    content_words = [t for t in tokens if t not in RUSSIAN_FUNCTION_WORDS]
    english = [t for t in content_words if _english(t)]
    unknown = [t for t in content_words if t not in english]
    return bool(unknown) and len(english) * 2 <= len(tokens) - len(english)


def _english(token: str) -> bool:
    """A word English uses: a common one, or a long word English knows in another spelling too
    (`guerillas`: rarer than `guerrillas`, but English); a short rare token (`kak`, `vot`) is not."""
    frequency = _zipf(token)
    return frequency >= 3.0 or len(token) >= 6 and frequency >= 2.0


# --- string rules ----------------------------------------------------------------------

def _apply(nodes: list, rule) -> list:
    out: list = []
    for node in nodes:
        out.extend(rule(node) if isinstance(node, str) else [node])
    return out


def _split_by(text: str, pattern: re.Pattern, make) -> list:
    out: list = []
    position = 0
    for match in pattern.finditer(text):
        replacement = make(match)
        if replacement is None:
            continue
        out.append(text[position:match.start()])
        out.append(replacement)
        position = match.end()
    out.append(text[position:])
    return [node for node in out if node != ""]


def _manners(text: str) -> list:
    return _split_by(text, MANNERS, lambda m: Manner(m.group("text")))


def _hyphen_breaks(text: str) -> list:
    def make(match: re.Match) -> Repair | None:
        return Repair(match.group(0), f"{match.group('a')}-{match.group('b')}", "hyphenation")
    return _split_by(text, HYPHEN_BREAK, make)


def joins_broken_word(a: str, b: str) -> bool:
    """`Yugosla via`, `yo ur`, `KHRUS HCHEV`: two fragments that English knows only as one word."""
    if not (b.islower() or (a + b).isupper()):
        return False
    joined = _zipf((a + b).lower())
    return joined >= 2.5 and joined - min(_zipf(a.lower()), _zipf(b.lower())) >= 1.5


def _broken_words(text: str) -> list:
    out: list = []
    position = 0
    search_from = 0
    while True:
        match = WORD_PAIR.search(text, search_from)
        if not match:
            break
        if joins_broken_word(match.group("a"), match.group("b")):
            out.append(text[position:match.start()])
            out.append(Repair(match.group(0), match.group("a") + match.group("b"), "extraction"))
            position = search_from = match.end()
        else:
            search_from = match.start("b")
    out.append(text[position:])
    return [node for node in out if node != ""]


def _emphasis(nodes: list) -> list:
    out: list = []
    stack: list[list] = []
    for node in nodes:
        if isinstance(node, str) and (EM_OPEN in node or EM_CLOSE in node):
            for part in re.split(f"([{EM_OPEN}{EM_CLOSE}])", node):
                if part == EM_OPEN:
                    stack.append([])
                elif part == EM_CLOSE and stack:
                    content = stack.pop()
                    (stack[-1] if stack else out).extend(_emphasised(content))
                elif part:
                    (stack[-1] if stack else out).append(part)
        else:
            (stack[-1] if stack else out).append(node)
    for content in stack:  # an emphasis never closed: keep its words
        out.extend(content)
    return out


def _stands_outside_emphasis(node) -> bool:
    """A note (at its marker, or a bracketed comment) or a stage direction: TEI elements of
    their own, never the words an emphasis sets in italics (edition.xsd allows neither in <hi>)."""
    return isinstance(node, (InlineNote, NoteRef, Manner)) or isinstance(node, OrphanNoteRef) and node.missing


def _emphasised(content: list) -> list:
    """The emphasis around `content`: `_[a comment]_` is the note alone, `_words[1] more_` the
    italics closed before the note and opened again after it."""
    out: list = []
    run: list = []
    for node in content:
        if _stands_outside_emphasis(node):
            if run:
                out.append(Hi(run))
                run = []
            out.append(node)
        else:
            run.append(node)
    if run:
        out.append(Hi(run))
    return out


def _names(text: str, names: dict[str, str]) -> list:
    pattern = _names_pattern(tuple(sorted(names, key=len, reverse=True)))
    return _split_by(text, pattern, lambda m: PersonRef([m.group(0)], names[m.group(0)]))


def _names_after_honorific(text: str, parts: dict[str, str], honorific: str) -> list:
    """`Comrade Liri explains`: the honorific stays text, the name is the participant's."""
    # Where no honorific stands at all, or no part of a name, nothing can match: the pattern of
    # the record's names, a new one for each record, is then not made (its compiling was 3% of
    # the converter's time).
    if not any(part in text for part in parts) or not honorific_at(honorific).search(text):
        return [text] if text else []
    pattern = _honorific_names_pattern(tuple(sorted(parts, key=len, reverse=True)), honorific)
    out: list = []
    position = 0
    for match in pattern.finditer(text):
        out.append(text[position:match.start("name")])
        out.append(PersonRef([match.group("name")], parts[match.group("name")]))
        position = match.end()
    out.append(text[position:])
    return [node for node in out if node != ""]


@lru_cache(maxsize=64)
def honorific_at(honorific: str) -> re.Pattern:
    """Where `_honorific_names_pattern` can begin: an honorific (a profile's `honorific_pattern`)
    not inside a word, whatever name follows."""
    return re.compile(rf"(?<!\w)(?:{honorific})")


@lru_cache(maxsize=256)
def _honorific_names_pattern(parts: tuple[str, ...], honorific: str) -> re.Pattern:
    return re.compile(rf"(?<!\w)(?:{honorific})(?P<name>" + "|".join(re.escape(part) for part in parts) + r")(?!\w)")


@lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?!\w)")


def _places(text: str, ctx: InlineContext) -> list:
    """A place the place register knows, as printed (`Huairan Hall`) → `PlaceRef` to its entry."""
    found = ctx.places.find(text)
    if not found:
        return [text]
    out, position = [], 0
    for start, end, place in found:
        out += [text[position:start], PlaceRef(text[start:end], place.id)]
        ctx.places_named.setdefault(place.id, place)
        position = end
    out.append(text[position:])
    return [node for node in out if node != ""]


def _dates(text: str) -> list:
    date = parse_date(text)
    if not date:
        return [text]
    when, printed = date
    start = text.index(printed)
    return [node for node in (text[:start], DateRef(printed, when), text[start + len(printed):]) if node]


def _merge_strings(nodes: list) -> list:
    out: list = []
    for node in nodes:
        if isinstance(node, str) and out and isinstance(out[-1], str):
            out[-1] += node
        elif node != "":
            out.append(node)
    return out


def _excerpt(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[:length] + "…"
