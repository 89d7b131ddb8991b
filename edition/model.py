"""The document model: what every source reader produces and the TEI writer consumes.

No reader knows about TEI and the writer knows nothing of where a document came from
(the Pandoc design: readers, one model, writers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edition.errors import Problem

# --- inline content -----------------------------------------------------------------
# A run of inline content is a list whose items are plain strings or one of the small
# classes below. Each class stands for one editorial phenomenon of the transcripts.


@dataclass
class Supplied:
    """Words the editor or translator added: `[the Soviet]`, `you[r consent]`, `Navy[?]`."""

    text: str
    reason: str = "implicit"  # words implicit in the original, made explicit; "punctuation" for a supplied `?`
    by: str = "source"  # who supplied them: the source (its translator or editor) or the edition


@dataclass
class Foreign:
    """An original-language word given in brackets after its translation: `[nakrucheno]`."""

    text: str
    lang: str = "ru-Latn"
    bracketed: bool = True  # printed in square brackets after its translation; False: in parentheses


@dataclass
class AltName:
    """Another form of the name just given: `Xinjiang [Sinkiang]`."""

    text: str


@dataclass
class Lost:
    """A bracket the extraction cut off (`[v ego zhizni osnovnoe –` and nothing after): the words
    printed, then a gap for what is lost."""

    content: list  # the words printed after the bracket, as inline nodes
    original_language: bool = False


@dataclass
class Sic:
    """Words printed `[sic]`: reproduced as found."""

    text: str


@dataclass
class Unclear:
    """A reading the transcript marks as doubtful with ` [?]`."""

    text: str


@dataclass
class Hi:
    """Typographic emphasis kept from a Markdown source (`*title*`)."""

    content: list
    rend: str = "italic"


@dataclass
class NoteRef:
    """A footnote marker (`<sup>[1]</sup>`, `Birmania,[1]`) whose note text is known."""

    n: str


@dataclass
class OrphanNoteRef:
    """A footnote marker whose note the source does not contain; kept and reported."""

    n: str
    raw: str
    missing: bool = True  # the source has no note n; False: n's note is shown at an earlier marker


@dataclass
class InlineNote:
    """An editor's comment in square brackets inside the text: `[Ten thousand is ...]`."""

    content: list
    letter: str = ""


@dataclass
class Repair:
    """Damage done by text extraction, repaired; the damaged form is kept beside it."""

    original: str
    corrected: str
    kind: str = "extraction"  # "extraction" (choice/sic/corr) or "hyphenation" (choice/orig/reg)


@dataclass
class Manner:
    """A short parenthesised stage direction inside a turn: `(Joking.)`."""

    text: str


@dataclass
class PersonRef:
    """A participant named in narration, linked to their person entry."""

    text: list
    person_id: str


@dataclass(frozen=True)
class Annotation:
    """An editor's note on a passage, from the edition's register: kept across reconversion."""

    document: str
    after: str  # the xml:id of the element the note follows
    text: str
    see: str = ""  # the xml:id of a passage it points to


@dataclass
class PlaceRef:
    """A place as printed (`Huairan Hall`), linked to its entry in the place register."""

    text: str
    place_id: str


@dataclass
class PageBreak:
    """The start of a printed page, with the number printed on it."""

    n: str


@dataclass
class DateRef:
    text: str
    when: str


# --- blocks ---------------------------------------------------------------------------


@dataclass
class Paragraph:
    content: list
    line: int


@dataclass
class Turn:
    """One speaker turn: label as printed, who it is, and its paragraphs."""

    label: list
    person_id: str
    paragraphs: list[Paragraph]
    line: int
    manner: str | None = None
    cert: str = ""  # "medium": the label names this person only probably (the edition's identification)


@dataclass
class Narration:
    """Narration between turns: the record's own voice, outside any turn."""

    paragraph: Paragraph


@dataclass
class Omission:
    """An editorial summary standing in for an omitted passage (a bracketed paragraph)."""

    content: list
    line: int


@dataclass
class Closer:
    """The closing lines of a record: who recorded and typed it, how many copies."""

    items: list[tuple[str, list]]  # (kind, content): kind is recorder, typist or copies
    line: int


Block = Turn | Narration | Omission


@dataclass
class Note:
    n: str
    type: str  # "translator" or "editorial"
    content: list
    line: int
    label: str = ""  # "Translator's note:" as printed, kept


@dataclass
class Person:
    id: str
    name: str
    role: str = "speaker"  # or "present"
    labels: list[str] = field(default_factory=list)
    function: str = ""  # as a participants list prints it: "Assistant Secretary of State"
    details: object | None = None  # the register's entry (persons.RegisteredPerson), when there is one


@dataclass
class Copy:
    """A copy of the original held elsewhere, by its parts: "Reel 17, Dmitrii Volkogonov
    Collection, Library of Congress, Washington, DC"."""

    printed: str
    institution: str = ""  # the archive holding the copy, when `repository` is one of its divisions
    repository: str = ""
    collection: str = ""
    reel: str = ""
    settlement: str = ""


@dataclass
class ArchivalSource:
    """The archival location of the original, parsed from the archive's citation."""

    citation: str
    country: str = ""
    settlement: str = ""
    repository: str = ""
    abbreviation: str = ""
    collection: str = ""
    idnos: list[tuple[str, str]] = field(default_factory=list)  # (type, value)
    locus_from: str = ""
    locus_to: str = ""
    locus_text: str = ""
    copy: str = ""
    # Added for records of any archive (edition/archives.py); each defaults to "nothing known".
    institution: str = ""  # the archive, when `repository` is one of its divisions ("Manuscript Division")
    collections: list[str] = field(default_factory=list)  # each named series; `collection` joins them
    ref: str = ""  # the archive's authority record (repository/@ref)
    repository_supplied: bool = False  # the record does not name the archive; the edition supplies it
    classification: str = ""  # "Secret; Nodis.", as printed
    drafting: str = ""  # what followed the citation in its note: "Drafted by …", as printed
    where: str = ""  # where the record prints the citation: block, footnote, source-line, bracket, front-matter
    unparsed: list[str] = field(default_factory=list)  # parts kept only in the whole shelfmark
    warnings: list[str] = field(default_factory=list)
    copy_parts: Copy | None = None  # `copy` read into its parts
    # The folios as the edition reads them where the printed range cannot be right (its end before
    # its start, or another translation of the same file prints another range), and why.
    locus_read_from: str = ""
    locus_read_to: str = ""
    locus_note: str = ""


@dataclass
class Metadata:
    title: str = ""
    date_when: str = ""
    date_text: str = ""
    place: str = ""
    funder: str = ""
    summary: str = ""
    original_language: str = ""
    original_language_code: str = ""
    record_id: str = ""
    url: str = ""
    rights: str = ""
    translators: list[str] = field(default_factory=list)
    recorders: list[str] = field(default_factory=list)
    typists: list[str] = field(default_factory=list)
    publication: str = ""  # "Published in CWIHP Working Paper No. 30."
    # Added for the header of any record (edition/dates.py, edition/tei.py); defaults say "not stated".
    time_from: str = ""  # HH:MM:SS of the conversation, when printed
    time_to: str = ""
    time_text: str = ""  # the time as printed inside date_text ("10–12 a.m.")
    record_date_when: str = ""  # the record's own date, where it differs from the conversation's
    record_date_text: str = ""
    record_id_type: str = ""  # where the record id comes from: wcda, frus, dfat …
    text_language: str = ""  # the language of the text (root xml:lang); "" = English
    text_language_name: str = ""
    place_ref: str = ""  # the place register's id of `place`
    rights_supplied_by: str = ""  # the source profile whose rights statement the edition supplies
    rights_status: str = ""  # availability/@status when the rights are stated: free, restricted


@dataclass
class Document:
    id: str
    source_name: str  # path of the source relative to the corpus, with forward slashes
    source_sha256: str
    reader: str  # "web page saved as text", "Markdown export", "PDF-extracted text"
    metadata: Metadata
    archive: ArchivalSource | None
    persons: list[Person]
    head: list[str]
    dateline: list | None
    body: list
    closer: Closer | None
    notes: dict[str, Note]
    repairs: list[str] = field(default_factory=list)  # structural repairs, for revisionDesc
    problems: list[Problem] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (ident, name)
    translations: list[tuple[str, str]] = field(default_factory=list)  # (document id, title)
    places: list = field(default_factory=list)  # the places.Place entries the record names
    annotations: list = field(default_factory=list)  # the editor's Annotation entries for this document
