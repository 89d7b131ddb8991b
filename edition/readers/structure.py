"""Shared rules: a reader's paragraphs → turns, narration, omissions, notes and persons.

Every route ends here, so a rule written once (a paragraph broken over blank lines, a
bracketed summary standing for an omitted passage, the closing lines of a record) serves
all of them. Structural repairs are logged for the TEI `revisionDesc`.
"""

from __future__ import annotations

import functools
import re

from edition.archives import parse_citation, publication, translators
from edition.errors import Problem
from edition.model import (ArchivalSource, Closer, DateRef, Document, Foreign, Hi, Narration, Note, Omission, Paragraph,
                           Person, PersonRef, Repair, Turn)
from edition.persons import (PersonResolver, Register, attach_details, default_register, display_form, name_words,
                             slug, strip_honorific)
from edition.readers.base import EM_CLOSE, EM_OPEN, FOOTNOTE_LINE, Extracted, names_list
from edition.readers.pages import without_marks
from edition.readers.participants import (Participant, ParticipantIndex, participants_field, read_participants,
                                          title_participants)
from edition.readers.profiles import label_key
from edition.readers.record import Record, accept_labels
from edition.readers.inline import InlineContext, honorific_at, joins_broken_word, parse_inline
from edition.readers.text import Block, Line

TERMINAL = re.compile(r"[.?!…:;\"”’)\]*]$")
_NAME = r"(?:(?:[A-Z]\.\s?)+[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*|[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)*|(?:[A-Z]\.)+)"
_NAMES = rf"{_NAME}(?:(?:,\s*|,?\s+and\s+){_NAME})*"
RECORDER = re.compile(rf"(?:The conversation was recorded by|The protocol was kept by|Recorded by)\s+(?P<names>{_NAMES})\.?")
TYPIST = re.compile(rf"(?:It was typed by|Typed by)\s+(?P<names>{_NAMES})\.?")
NOT_AN_END = {"the", "a", "an", "of", "to", "and", "or", "not", "with", "in", "for", "his", "her", "its", "their",
              "our", "your", "my", "that", "than", "as", "at", "by", "from", "on", "but", "was", "were", "is", "be"}
COPIES = re.compile(r"(?P<copies>\b\d+\s+cop(?:y|ies))\.?")
END_OF_MEETING = re.compile(r"^(?:This was the end of the meeting|The meeting ends here|The conversation ended)\b", re.I)
PRONOUN_NARRATION = re.compile(r"^(?:He|She|They) (?:then |also )?[a-z]+s\b")
TRANSLATOR_NOTE = re.compile(r"^(?P<label>Translator[’'`]?s? note:)\s*", re.I)


def build_document(src: Extracted, doc_id: str, source_name: str, sha256: str,
                   register: Register | None = None, archives=None, places=None) -> Document:
    from edition.places import default_places

    register = register or default_register()
    problems: list[Problem] = list(src.problems)
    repairs: list[str] = []
    profile = getattr(src, "matcher", None) and src.matcher.profile
    finding = _find_citation(src)
    if finding and finding.note_n:
        _take_out_source_note(src, finding.note_n)
    notes, note_problems = _notes(src, source_name)
    problems += note_problems
    blocks = src.body
    if isinstance(src, Record):
        # labels first without the participants (a list may run into the first turn), then again
        src.accepted = accept_labels(src.matcher, blocks, set())
    blocks = _split_glued_turns(src, blocks, repairs)
    people = _participants(blocks, profile, " ".join(src.head) or src.metadata.title) if profile else []
    index = ParticipantIndex(people, profile) if profile else None
    if isinstance(src, Record):
        known = {label_key(p.name) for p in people} | {label_key(w) for p in people for w in p.name.split()}
        known |= {label_key(p.name.split()[-1])[:1] for p in people if p.name.split()}  # "K:" for Kissinger
        src.accepted |= accept_labels(src.matcher, blocks, known | src.styled_labels)
    blocks = _join_broken_paragraphs(src, blocks, repairs)

    resolver = LabelResolver(register, index)
    for person in people:
        resolver.add_participant(person)
    labels = [_label_text(src, src.match_label(block.text).label)
              for block in blocks if src.match_label(block.text)]
    for label in labels:
        resolver.resolve(label)
    names = _narration_names(resolver, register)
    ctx = InlineContext(source_name, set(notes), repair_words=src.repair_words, names=names,
                        places=places if places is not None else default_places())
    if profile:
        ctx.name_parts, ctx.honorific = name_parts(names, profile), profile.honorific_pattern()
    for note in notes.values():
        note.content = parse_inline(note.raw, ctx, note.line, in_note=True)  # type: ignore[attr-defined]
    ctx.used_notes.clear()  # the markers met so far were in the notes themselves

    head = [_plain_string(parse_inline(line, ctx, getattr(src, "head_line", None) or 1, heading=True))
            for line in src.head]
    body, dateline, closer, present = _body(src, blocks, ctx, resolver, repairs, profile)
    if not body and dateline:
        body, dateline = [Narration(Paragraph(dateline, src.body[0].number))], None  # a record that is one line
    _place_unmarked_notes(notes, ctx, problems, source_name)
    repairs += ctx.repairs  # text the source lost, marked where it breaks off
    problems += ctx.problems
    if not any(isinstance(block, Turn) for block in body) and present:
        problems.append(Problem(source_name, src.body[0].number if src.body else None,
                                "no speaker turns recognised (no line starts with a speaker label such as "
                                "'Mao Zedong:'); the text is kept as narration", "warning"))

    metadata = src.metadata
    metadata.title = without_marks(metadata.title)
    if not metadata.rights and profile is not None and profile.rights:
        # the rights its source family states, supplied by the edition (and marked so)
        metadata.rights, metadata.rights_status, metadata.rights_supplied_by = profile.rights
    citation = finding.text if finding else ""
    metadata.translators = metadata.translators or translators(citation)
    metadata.publication = publication(citation)
    archive = parse_citation(citation, archives, finding) if finding else None
    if archive is not None:
        problems += [Problem(source_name, finding.line, warning, "warning") for warning in archive.warnings]
    _fill_language(metadata, citation, archive)
    metadata.place = metadata.place or _place_field(blocks, profile) or _place(dateline, metadata.title)
    if closer:
        for kind, content in closer.items:
            text = "".join(part for part in content if isinstance(part, str))
            if kind == "recorder":
                metadata.recorders = names_list(RECORDER.search(text).group("names"))
            elif kind == "typist":
                metadata.typists = names_list(TYPIST.search(text).group("names"))

    persons = []
    speakers = {person_id for block in body if isinstance(block, Turn) for person_id in block.person_id.split()}
    for person_id in resolver.names:
        role = "speaker" if person_id in speakers else "present"
        persons.append(Person(person_id, resolver.names[person_id], role, resolver.labels[person_id],
                              resolver.functions.get(person_id, "")))
    _fill_dates(metadata, src, blocks, dateline, doc_id, source_name, problems)
    _fill_record_id(metadata, src)
    attach_details(persons, register)
    _warn_without_citation(finding, source_name, problems)
    languages = [("en", "English")]
    if metadata.original_language_code and metadata.original_language_code != "en":
        languages.append((metadata.original_language_code, metadata.original_language))
    foreign = _foreign_words(body, notes)
    if foreign:
        tag, name = _original_wording_language(metadata)
        for node in foreign:
            node.lang = tag
        if tag not in {ident for ident, _ in languages}:
            languages.append((tag, name))
        if tag == "und":
            problems.append(Problem(source_name, None, "words in the original language are given in brackets, "
                                    "but the record names no original language: they are tagged 'und' "
                                    "(undetermined); add an 'Original Language:' line", "warning"))
    place = ctx.places.find(metadata.place) if metadata.place and ctx.places is not None else []
    if place:
        ctx.places_named.setdefault(place[0][2].id, place[0][2])
        metadata.place_ref = place[0][2].id
    document = Document(doc_id, source_name, sha256, src.reader, metadata, archive, persons, head, dateline, body,
                        closer, notes, repairs, problems, languages)
    document.places = list(ctx.places_named.values())
    return document


class LabelResolver(PersonResolver):
    """Labels resolved first to the persons the record lists as participants."""

    def __init__(self, register: Register, index: ParticipantIndex | None):
        super().__init__(register)
        self.index = index
        self.functions: dict[str, str] = {}

    def _local(self, label: str) -> tuple[str, str]:
        """As PersonResolver._local, through an index of the words of the labels seen: a record
        of thousands of speakers is not compared label by label."""
        words = name_words(label)
        index = self.__dict__.setdefault("_word_index", {})
        seen = self.__dict__.setdefault("_indexed", set())
        for other in self.ids.keys() - seen:
            seen.add(other)
            for word in name_words(other):
                index.setdefault(word, []).append(other)
        candidates = dict.fromkeys(other for word in words for other in index.get(word, ()))
        for other in candidates:
            other_id = self.ids[other]
            other_words = name_words(other)
            if words and " " not in other_id and (words <= other_words or other_words <= words):
                if len(words) > len(other_words):  # the fuller form names the person
                    self.names[other_id] = display_form(label)
                return other_id, self.names[other_id]
        return slug(display_form(label)), display_form(label)

    def add_participant(self, participant: Participant) -> str:
        """A listed person is a person of their own: never merged with another listed person
        who shares a word of the name ("Mr. Chang" and "General Hsu Yung Chang")."""
        name = participant.name
        if name in self.ids:
            return self.ids[name]
        registered = self.register.find(name)
        if registered:
            person_id, shown = registered.id, registered.name
        else:
            person_id, shown = slug(self.index.bare_name(name) if self.index else name), display_form(name)
            while person_id in self.names and self.names[person_id] != shown:
                person_id += "-2"
        self.ids[name] = person_id
        self.names.setdefault(person_id, shown)
        self.labels.setdefault(person_id, [])
        if participant.function:
            self.functions.setdefault(person_id, participant.function)
        return person_id

    def resolve(self, label: str) -> str:
        if label in self.ids:
            return self.ids[label]
        joiners = self.index.profile.joiners if self.index is not None else set()
        words = label.replace(",", " , ").split()
        if set(words) & joiners:
            # a joint turn ("QLD AND NSW:", "WA, QLD AND SA:") is its members' turn: @who lists each
            members = [m.strip() for m in re.split(r"\s*,\s*|\s+(?:%s)\s+" % "|".join(map(re.escape, joiners)), label)
                       if m.strip()]
            ids = list(dict.fromkeys(self.resolve(member) for member in members))
            self.ids[label] = " ".join(ids)
            return self.ids[label]
        participant = self.index.find(label) if self.index else None
        if participant is None:
            if self.index is None or self.register.find(label):
                return super().resolve(label)
            # an id from the name, not from the title or honorific printed with it ("Dr. Kissinger")
            person_id = super().resolve(label)
            bare = slug(self.index.bare_name(display_form(label)))
            if bare != person_id and bare not in self.names and len(self.labels.get(person_id, [])) == 1:
                self.names[bare] = self.names.pop(person_id)
                self.labels[bare] = self.labels.pop(person_id)
                for key, value in list(self.ids.items()):
                    if value == person_id:
                        self.ids[key] = bare
                person_id = bare
            return person_id
        person_id = super().resolve(participant.name)
        self.ids[label] = person_id
        if label not in self.labels[person_id]:
            self.labels[person_id].append(label)
        return person_id


def _participants(blocks: list[Block], profile, title: str = "") -> list[Participant]:
    people: list[Participant] = []
    for position, block in enumerate(blocks[:60]):
        found, _ = read_participants(block, blocks[position + 1:position + 80], profile)
        people += found
    # the persons a title names ("Memorandum of a Conversation Between President Chiang Kai-shek
    # and Mr. Donald Nelson"), the record's own or an enclosure's, where no list names them
    titles = [title] + [block.text for block in blocks[:20] if len(block.text) < 300 and
                        _CONVERSATION_TITLE.search(block.text)]
    listed = {name_words(person.name).__len__() and frozenset(name_words(person.name)) for person in people}
    for text in titles:
        for person in title_participants(text):
            words = frozenset(name_words(person.name))
            if not any(words & other for other in listed if other):
                people.append(person)
                listed.add(words)
    return people


# compiled once (see participants._FIELD)
_CONVERSATION_TITLE = re.compile(r"\b[Cc]onversations?\b.*\b(?:[Bb]etween|[Ww]ith)\b")
_FIELD_LINE = re.compile(r"^\W{0,3}(?P<name>[A-Za-z][A-Za-z &/]{1,30}?)\W{0,3}:\s*(?P<value>\S.{0,150})$")


def _place_field(blocks: list[Block], profile) -> str:
    """The place a `PLACE:` / `Place:` / `Location:` field of the record's opening gives."""
    if profile is None:
        return ""
    for block in blocks[:30]:
        match = _FIELD_LINE.match(block.text)
        if match and profile.field_role(match.group("name")) == "place":
            return match.group("value").strip().rstrip(".")
    return ""


def _plain_string(nodes: list):
    """A heading line with no markup in it stays a string."""
    return nodes[0] if len(nodes) == 1 and isinstance(nodes[0], str) else nodes if nodes else ""


def _find_citation(src: Extracted):
    """The archival citation: the page's own citation field, else wherever the record
    prints one (edition/archives.py tries each convention in order)."""
    from edition.archives import CitationFinding, find_citation

    if src.citation:
        return CitationFinding(src.citation, getattr(src, "citation_line", None), "block", "field")
    opening = getattr(src, "opening", [])
    def text(block: Block) -> str:
        return "\n".join(line.text.strip() for line in block.lines).replace(EM_OPEN, "").replace(EM_CLOSE, "")

    paragraphs = opening + [(block.number, text(block)) for block in src.body[:40]] + \
        [(block.number, text(block)) for block in src.body[40:][-5:]] + \
        [(block.number, text(block)) for block in _ends(getattr(src, "footer", []), 10)]
    notes = []
    # a source note is the first note (FRUS) or one of the last; a record of thousands of notes
    # is not searched note by note
    for block in src.notes[:3] + src.notes[3:][-3:]:
        match = FOOTNOTE_LINE.match(block.text)
        if match:
            notes.append((match.group(1), block.number, match.group(2)))
    return find_citation(paragraphs, notes, getattr(src, "front_matter", None) or None)


def _ends(items: list, count: int) -> list:
    """The first and the last `count` items: where a citation stands, in a list of any length."""
    return items if len(items) <= 2 * count else items[:count] + items[-count:]


def _take_out_source_note(src: Extracted, n: str) -> None:
    """The source note (FRUS prints the archival citation as footnote 1) is the header's
    citation, not a note of the text: its marker goes, the citation keeps its words."""
    src.notes = [block for block in src.notes if not block.text.startswith(f"[{n}] ")]
    marker = f"[{n}]"
    if src.head and any(marker in line for line in src.head):
        src.head = [line.replace(marker, "") for line in src.head]
        return
    for block in src.body:
        for line in block.lines:
            if marker in line.text:
                line.text = line.text.replace(marker, "", 1)
                return


# --- what every document needs ------------------------------------------------------------

def _fill_record_id(metadata, src: Extracted) -> None:
    """The record's id where it comes from: a web address the profile knows (a Wilson Center
    record, a FRUS document), or a front matter's volume and document numbers (DFAT)."""
    if metadata.record_id:
        return
    matter = getattr(src, "front_matter", None) or {}
    if matter.get("vol_id") is not None and matter.get("doc_num") is not None:
        metadata.record_id = f"vol{matter['vol_id']}-doc{matter['doc_num']}"
        metadata.record_id_type = "dfat"
        return
    profile = getattr(src, "matcher", None) and src.matcher.profile
    if profile is None:
        return
    text = " ".join([metadata.url] + [line for line in src.head if isinstance(line, str)]
                    + [line.text for block in src.body[:3] + getattr(src, "footer", [])[-5:] for line in block.lines])
    for kind, pattern in profile.record_ids:
        match = pattern.search(text)
        if match:
            metadata.record_id = "/".join(group for group in match.groups() if group)
            metadata.record_id_type = kind
            return


def _fill_dates(metadata, src: Extracted, blocks: list[Block], dateline: list | None, doc_id: str,
                source_name: str, problems: list[Problem]) -> None:
    """The conversation's date (and time and place), and the record's own date where it
    differs, by the conventions of edition/dates.py; else the file name's date."""
    from edition.dates import find_dates

    lines = list(getattr(src, "opening", []))
    if metadata.date_text:
        lines.insert(0, (0, metadata.date_text))
    for block in blocks[:25]:
        lines += [(line.number, line.text) for line in block.lines]
    title = " ".join(src.head) if src.head else metadata.title
    finding = find_dates(lines, getattr(src, "front_matter", None) or None, title)
    if finding.when:
        metadata.date_when, metadata.date_text = finding.when, finding.text
        metadata.time_from, metadata.time_to = finding.time_from, finding.time_to
        metadata.time_text = getattr(finding, "time_text", "")
        metadata.place = metadata.place or finding.place
        metadata.record_date_when, metadata.record_date_text = finding.record_when, finding.record_text
        problems += [Problem(source_name, finding.line, warning, "warning") for warning in finding.warnings]
        return
    named = _date_in_name(doc_id)
    if named:
        metadata.date_when = named
        problems.append(Problem(source_name, None, f"no date in the text; the date {named} is taken from the file "
                                "name", "warning"))
    else:
        problems.append(Problem(source_name, None, "no date found: the record is published undated, at the end of "
                                "the chronology; put the date on a line of its own above the record (e.g. 'July "
                                "31, 1958') or start the file name with it (1958-07-31_…)", "warning"))


def _date_in_name(doc_id: str) -> str:
    """`1958-07-31_khrushchev-mao…` → 1958-07-31 (or a year and month: `1958-07_…`)."""
    import datetime

    match = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?![\d])", doc_id)
    if not match:
        return ""
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month), int(day or 1))
    except ValueError:
        return ""
    return match.group(0)


def _warn_without_citation(finding, source_name: str, problems: list[Problem]) -> None:
    """A record without an archival citation is still converted (an archive's record may lack
    one), with a warning that says what to add."""
    if finding is None:
        problems.append(Problem(source_name, None, "no archival citation found: the edition records where the "
                                "original is held; add the archive's citation (archive, file or fond/opis/delo, "
                                "folios) above or below the record, as the archive prints it", "warning"))


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length] + "…"


# --- notes -----------------------------------------------------------------------------

def _notes(src: Extracted, source_name: str) -> tuple[dict[str, Note], list[Problem]]:
    notes: dict[str, Note] = {}
    problems = []
    for block in src.notes:
        match = FOOTNOTE_LINE.match(block.text)
        n, text = match.group(1), match.group(2)
        label = TRANSLATOR_NOTE.match(text)
        kind = "translator" if label else "editorial"
        if label:
            text = text[label.end():]
        note = Note(n, kind, [], block.number, label.group("label") if label else "")
        note.raw = text  # type: ignore[attr-defined]
        if n in notes:
            problems.append(Problem(source_name, block.number, f"a second note numbered [{n}] (the first is on line "
                                    f"{notes[n].line}); it goes with the next marker [{n}] and is numbered "
                                    f"{n}-{block.number}; renumber the notes in the source", "warning"))
            n = f"{n}-{block.number}"
            note.n = n
        notes[n] = note
    return notes, problems


def _place_unmarked_notes(notes: dict[str, Note], ctx: InlineContext, problems: list[Problem], source: str) -> None:
    for n, note in notes.items():
        if n not in ctx.used_notes:
            note.unplaced = True  # type: ignore[attr-defined]
            problems.append(Problem(source, note.line, f"note [{note.n.split('-')[0]}] has no marker in the text; it "
                                    "is kept at the end of the document's last paragraph", "warning"))


# --- paragraphs ------------------------------------------------------------------------

def _split_glued_turns(src: Extracted, blocks: list[Block], repairs: list[str]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        text = block.text
        while (cut := src.find_glued_label(text)) is not None:
            repairs.append(f"Source line {block.number}: two passages printed on one line were separated at the "
                           f"speaker label '{text[cut:cut + 20].split(':')[0]}'.")
            out.append(Block([Line(text[:cut].rstrip(), block.number)]))
            text = text[cut:]
        out.append(Block([Line(text, block.number)]) if text != block.text else block)
    return out


def _join_broken_paragraphs(src: Extracted, blocks: list[Block], repairs: list[str]) -> list[Block]:
    """A paragraph that stops mid-sentence continues in the next one (page breaks of a PDF or a web page)."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        label = src.match_label(block.text) if previous is not None else None
        if (previous is not None and not TERMINAL.search(previous.text) and (label is None or label.separator == ".")
                and not FOOTNOTE_LINE.match(block.text) and not block.text.startswith("[")
                and (block.text[:1].islower() or previous.text.split()[-1].lower() in NOT_AN_END)):
            repairs.append(f"Source lines {previous.lines[-1].number} and {block.number}: a paragraph broken by blank lines "
                           "was joined.")
            out[-1] = Block(previous.lines + block.lines)
        else:
            out.append(block)
    return out


def _label_text(src: Extracted, label: str) -> str:
    if not src.repair_words:
        return label
    return " ".join(_repaired_words(label.split()))


def _repaired_words(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and joins_broken_word(out[-1], word):
            out[-1] += word
        else:
            out.append(word)
    return out


def _narration_names(resolver: PersonResolver, register: Register) -> dict[str, str]:
    names: dict[str, str] = {}
    for label, person_id in resolver.ids.items():
        names[strip_honorific(label)] = person_id
        registered = next((p for p in register.persons if p.id == person_id), None)
        if registered:
            for variant in (registered.name, *registered.variants):
                if len(name_words(variant)) > 1 or variant == registered.name:
                    names.setdefault(variant, person_id)
    return names


# What TEI allows in a gap's <desc> (macro.limitedContent) of the reader's inline forms.
DESCRIBABLE = (str, Hi, Repair, PersonRef, DateRef)


def _omission_end(blocks: list[Block], index: int) -> int | None:
    """If blocks[index] opens a bracketed summary, the index of the block that closes it: the
    bracket that opens the paragraph must be the one that ends it (`[A] … [sic] [B …]` is not
    one summary)."""
    text = blocks[index].text
    if not text.startswith("[") or len(text.split()) < 4 or re.match(r"^\[\d+\]", text):
        return None
    depth_text = text
    for end in range(index, min(index + 6, len(blocks))):
        if end > index:
            depth_text += " " + blocks[end].text
        if depth_text.count("]") >= depth_text.count("[") and depth_text.rstrip().endswith("]"):
            return end if _one_bracket(depth_text.rstrip()) else None
    return None


def _one_bracket(text: str) -> bool:
    """The first character's bracket closes at the last character, and not before."""
    depth = 0
    for position, char in enumerate(text):
        depth += (char == "[") - (char == "]")
        if depth == 0 and position < len(text) - 1:
            return False
    return depth == 0


def _body(src: Extracted, blocks: list[Block], ctx: InlineContext, resolver: PersonResolver, repairs: list[str],
          profile=None):
    body: list = []
    dateline = None
    closer_items: list[tuple[str, list]] = []
    closer_line = 0
    present: list[str] = []
    current: Turn | None = None
    index = 0
    names_pattern = _narration_start(ctx.names, profile)
    # The closing lines end the record: a "recorded by" line followed by more turns (two
    # records in one file) is narration, not the start of a closer swallowing the rest.
    last_turn = max((i for i, block in enumerate(blocks) if src.match_label(block.text)), default=-1)
    while index < len(blocks):
        block = blocks[index]
        text, line = block.text, block.number
        label = src.match_label(text)
        if (closer_items and _closer_part(text)) or (index > last_turn and _closing(text)):
            closer_line = closer_line or line
            closer_items += _closer_items(text, ctx, line)
            index += 1
            continue
        if not body and dateline is None and _is_dateline(text):
            dateline = parse_inline(text, ctx, line, dateline=True)
        elif label:
            printed = label.label
            fixed = _label_text(src, printed)
            person_id = resolver.resolve(fixed)
            label_content: list = [printed] if fixed == printed else [Repair(printed, fixed, "extraction")]
            if label.separator != ":":
                repairs.append(f"Source line {line}: the speaker label '{printed}{label.separator}' is followed by "
                               f"'{label.separator}' instead of a colon; read as a label.")
            rest = label.rest.strip()
            current = Turn(label_content, person_id, [], line, label.manner,
                           "medium" if fixed in getattr(resolver, "probable", ()) else "")
            if rest:
                current.paragraphs.append(Paragraph(parse_inline(rest, ctx, line), line))
            else:
                ctx.warn(line, f"speaker label '{printed}' has no words after it")
            body.append(current)
        elif (end := _omission_end(blocks, index)) is not None:
            joined = " ".join(b.text for b in blocks[index:end + 1])
            content = parse_inline(joined[1:-1].strip(), ctx, line, summary=True)
            if all(isinstance(node, DESCRIBABLE) or isinstance(node, Foreign) and not node.bracketed
                   for node in content):
                body.append(Omission(content, line))
            else:  # a note, an insertion or [sic] cannot stand in a gap's description: kept as printed
                body.append(Narration(Paragraph(["[", *content, "]"], line)))
            current = None
            index = end + 1
            continue
        elif profile is not None and participants_field(text, profile):
            people, taken = read_participants(block, blocks[index + 1:index + 80], profile)
            for person in people:
                person_id = resolver.add_participant(person)
                ctx.names.setdefault(person.name, person_id)
                present.append(person_id)
            names_pattern = _narration_start(ctx.names, profile)
            ctx.name_parts = name_parts(ctx.names, profile)
            listed = " ".join([text] + [b.text for b in blocks[index + 1:index + 1 + taken]])
            body.append(Narration(Paragraph(parse_inline(listed, ctx, line, narration=True), line)))
            current = None
            index += 1 + taken
            continue
        elif current is None or _is_narration(text, names_pattern) or _closing(text) or \
                (profile is not None and src.matcher.is_field(text)):
            body.append(Narration(Paragraph(parse_inline(text, ctx, line, narration=True), line)))
            current = _unlabelled_turn(src, blocks, index, ctx.names, names_pattern, profile)
            if current is not None:
                body.append(current)
        else:
            current.paragraphs.append(Paragraph(parse_inline(text, ctx, line), line))
        index += 1
    closer = Closer(closer_items, closer_line) if closer_items else None
    return body, dateline, closer, present


def _unlabelled_turn(src: Extracted, blocks: list[Block], index: int, names: dict[str, str],
                     names_pattern: _Narration, profile) -> Turn | None:
    """After narration announcing that a participant answers, the paragraphs that follow in the
    first person are that participant's turn, although no label is printed: a Turn without a
    label, which the paragraphs after it fill until the next label or narration."""
    person_id = _announced_speaker(blocks[index].text, names, profile)
    if person_id is None or index + 1 >= len(blocks):
        return None
    following = blocks[index + 1].text
    if src.match_label(following) or _is_narration(following, names_pattern) or _omission_end(blocks, index + 1) \
            is not None or not _in_first_person(following):
        return None
    return Turn([], person_id, [], blocks[index + 1].number)


def _is_dateline(text: str) -> bool:
    """The record's opening dateline: a short line with a date and no sentence in it
    (`31 July 1958 in Huairen Hall`, `Nanking, May 17, 1946, 10 a.m.`, `[Washington,] May 11, 1949.`)."""
    from edition.dates import parse_date as parse_any_date

    if len(text) >= 200 or ":" in text[:40] and not re.search(r"\d:\d", text[:40]):
        return False
    found = parse_any_date(text)
    return found is not None and (text[:1].isdigit() or len(re.findall(r"[a-z]{3,}[.!?](?:\s|$)", text)) == 0)


class _Narration:
    """A paragraph opening with a participant in the third person, tested as it is needed: the
    pattern of a record's participants' names and the profile's honorifics (~3 ms to compile) is
    made only for a paragraph that holds one of those names at all, and never where every
    paragraph has its speaker's label."""

    def __init__(self, names: dict[str, str], profile):
        self.names = dict(names)  # as they are now: the record adds participants as it is read
        self.profile = profile

    @functools.cached_property
    def words(self) -> list[str]:
        parts = name_parts(self.names, self.profile) if self.profile is not None else {}
        return [*self.names, *parts]

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        return _narration_pattern(self.names, self.profile)

    def match(self, text: str):
        # the pattern matches a name or a part of one as printed (case and all)
        if not any(word in text for word in self.words):
            return None
        # and only where the paragraph opens (after a "Then " or the like) with a name or an
        # honorific: most paragraphs that name someone do not, and need no pattern compiled
        if not (self._opens(text) or self._opens(text[_NARRATION_LEAD.match(text).end():])):
            return None
        return self.pattern.match(text)

    def _opens(self, text: str) -> bool:
        return any(text.startswith(name) for name in self.names) or (
            self._honorific is not None and self._honorific.match(text) is not None)

    @functools.cached_property
    def _honorific(self) -> re.Pattern | None:
        # at the paragraph's start, where no word can precede it: the same as the pattern alone
        return None if self.profile is None else honorific_at(self.profile.honorific_pattern())


_NARRATION_LEAD = re.compile(r"(?:Then |At the beginning |After that |Later )?")


def _narration_start(names: dict[str, str], profile=None) -> _Narration:
    """A paragraph opening with a participant in the third person: a name, or an honorific and one
    word of a participant's name ("Comrade Liri explains ..."), then a verb."""
    return _Narration(names, profile)


def _narration_pattern(names: dict[str, str], profile) -> re.Pattern:
    alternatives = _alternatives(names)
    honorific = profile.honorific_pattern() if profile is not None else r"(?!)"
    short = _alternatives(name_parts(names, profile)) if profile is not None else "(?!)"
    return re.compile(rf"^(?:Then |At the beginning |After that |Later )?(?:(?:{honorific})?(?:{alternatives})|"
                      rf"(?:{honorific})(?:{short}))\s+(?:also |then |again )?[a-z]+(?:s|ed)\b")


def _alternatives(names) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)) or "(?!)"


def name_parts(names: dict[str, str], profile) -> dict[str, str]:
    """One word of a participant's name that names no other participant ("Liri" of Liri Belishova),
    by which narration may name them after an honorific ("Comrade Liri"); never a title or an
    honorific, never an initial."""
    owners: dict[str, set[str]] = {}
    prefix = profile.honorific_words() | {label_key(word) for word in profile.particles}
    for name, person_id in names.items():
        for word in name.split():
            if len(word) >= 3 and word[:1].isupper() and word.isalpha() and label_key(word) not in prefix:
                owners.setdefault(word, set()).add(person_id)
    return {word: next(iter(ids)) for word, ids in owners.items() if len(ids) == 1 and word not in names}


def _announced_speaker(text: str, names: dict[str, str], profile) -> str | None:
    """The participant a paragraph of narration announces as speaking next, in words of the
    profile ("N.S. Khrushchev gives an answer."): that person's id, else None."""
    if profile is None or not profile.speech_announcements or len(text) > 120:
        return None
    if not any(verb in text for verb in profile.speech_announcements):  # before a pattern of every name is made
        return None
    every = {**name_parts(names, profile), **names}
    verbs = "|".join(re.escape(verb) for verb in sorted(profile.speech_announcements, key=len, reverse=True))
    match = re.fullmatch(rf"(?:{profile.honorific_pattern()})?(?P<name>{_alternatives(every)})\s+(?:then |again )?"
                         rf"(?:{verbs})\s*[.:]?", text.strip())
    return every[match.group("name")] if match else None


FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|me|my|we|We|us|our|Our)\b")
THIRD_PERSON = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b")


def _in_first_person(text: str) -> bool:
    """A paragraph in a speaker's own words: more first-person words than third-person ones."""
    return len(FIRST_PERSON.findall(text)) > len(THIRD_PERSON.findall(text))


def _is_narration(text: str, names_pattern: _Narration) -> bool:
    return bool(names_pattern.match(text) or PRONOUN_NARRATION.match(text) or END_OF_MEETING.match(text))


def _closing(text: str) -> bool:
    return bool(RECORDER.match(text) or re.match(r"^(?:It was typed by|Typed by)\b", text))


def _closer_part(text: str) -> bool:
    """More of the closing lines: who recorded or typed the record, how many copies."""
    return bool(RECORDER.search(text) or TYPIST.search(text) or COPIES.search(text))


def _closer_items(text: str, ctx: InlineContext, line: int) -> list[tuple[str, list]]:
    """Split the closing lines into who recorded, who typed and how many copies."""
    items = []
    position = 0
    for kind, pattern in (("recorder", RECORDER), ("typist", TYPIST), ("copies", COPIES)):
        match = pattern.search(text, position)
        if match:
            gap = text[position:match.start()].strip()
            if gap:
                items.append(("other", [gap]))
            end = match.end()
            if kind == "typist" and text[end:end + 1] == ".":
                end += 1
            items.append((kind, parse_inline(text[match.start():end].strip(), ctx, line)))
            position = end
    rest = text[position:].strip()
    if rest:
        items.append(("other", parse_inline(rest, ctx, line)))
    return items


def _fill_language(metadata, citation: str, archive: ArchivalSource | None) -> None:
    names = {"russian": "ru", "albanian": "sq", "chinese": "zh", "english": "en", "german": "de", "french": "fr",
             "polish": "pl", "hungarian": "hu", "czech": "cs", "bulgarian": "bg", "romanian": "ro"}
    if not metadata.original_language:
        stated = re.search(r"translat\w+ from (\w+)", citation, re.I)
        if stated:
            metadata.original_language = stated.group(1).capitalize()
        elif archive is not None:
            from edition.archives import default_archives as archives
            entry = next((a for a in archives() if a.abbreviation == archive.abbreviation), None)
            if entry and entry.language:
                metadata.original_language_code, metadata.original_language = entry.language
                return
    if metadata.original_language and not metadata.original_language_code:
        metadata.original_language_code = names.get(metadata.original_language.lower(), "und")


def _place(dateline: list | None, title: str) -> str:
    text = "".join(part for part in dateline if isinstance(part, str)) if dateline else ""
    match = re.search(r"\bin ([A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*)", text) or \
        re.search(r"\bin ([A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*)(?!.*\bin [A-Z])", title)
    return match.group(1) if match else ""


# Languages written in the Latin alphabet: their words are given as printed; the words of any
# other original are a transliteration (`ru-Latn`, `zh-Latn`).
LATIN_SCRIPT = {"sq", "de", "fr", "pl", "cs", "sk", "hu", "ro", "it", "es", "pt", "nl", "da", "sv", "no", "fi",
                "et", "lv", "lt", "hr", "sl", "tr", "vi", "id", "ms", "en", "la"}


def _original_wording_language(metadata) -> tuple[str, str]:
    """The language tag of the original's words the translator gives in brackets: the record's
    original language, transliterated where it is not written in Latin letters; `und` where the
    record names none."""
    code, name = metadata.original_language_code, metadata.original_language
    if not code or code == "und" or code == "en":
        return "und", "undetermined"
    if code in LATIN_SCRIPT:
        return code, name
    return f"{code}-Latn", f"{name}, transliterated"


def _foreign_words(body: list, notes: dict) -> list:
    """Every word of the original language the text gives (model Foreign nodes), in order."""
    from edition.model import Foreign

    found: list = []

    def walk(nodes) -> None:
        for node in nodes:
            if isinstance(node, Foreign):
                found.append(node)
            for child in (getattr(node, "content", None), getattr(node, "text", None)):
                if isinstance(child, list):
                    walk(child)

    for block in body:
        paragraphs = block.paragraphs if isinstance(block, Turn) else \
            [block.paragraph] if isinstance(block, Narration) else [Paragraph(block.content, 0)]
        for paragraph in paragraphs:
            walk(paragraph.content)
    for note in notes.values():
        walk(note.content)
    return found
