"""One TEI file read into what the site shows of it (header facts, the rendered text, counts).

Everything here comes from the TEI file alone.
"""

from __future__ import annotations

import functools

import datetime as _dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from lxml import etree
from markupsafe import Markup, escape

from edition.errors import EditionError
from edition.settings import is_safe_link
from edition.site.render import LANGUAGE_NAMES, Footnote, Renderer, snippet
from edition.site.tei import XML_LANG, count_words, find, findall, first_of, name, refs, text_of, xml_id
from edition.site.text import plaintext, reading_text


# The parts of a document's light record (Person, Resp, Source, Stat) are msgspec Structs
# whose empty fields are left out of the record: a rebuild of 10,000 documents decodes every
# record (24 MB as dataclasses with every field written out, 19 MB so, and a third faster).
class _RecordPart(msgspec.Struct, omit_defaults=True):
    pass


class Person(_RecordPart):
    id: str
    name: str
    role: str  # "speaker" or "present"
    note: str = ""
    # what the register knows (the TEI person's birth, death, occupation, affiliation, idno)
    birth: str = ""
    death: str = ""
    occupations: list[str] = []
    affiliation: str = ""
    authorities: list[tuple[str, str]] = []  # (wikidata|viaf|gnd, id)
    surname: str = ""  # persName/surname, when the TEI gives it


class Resp(_RecordPart):
    resp: str
    names: list[str]


# A person page quotes the opening words of a speaker's first turns in each document and
# links the others by number: Mao Zedong speaks in thousands of turns across a large edition.
SNIPPETS_PER_SPEAKER = 5


# slots and interned labels: the site holds every document's turns (for the person pages),
# 10,000 documents' worth.
@dataclass(slots=True)
class Turn:
    id: str
    label: str  # the stable number shown in the margin
    who: list[str]
    speaker: str  # the label as printed
    snippet: str
    words: int


@dataclass(slots=True)
class Mention:
    person: str
    anchor: str  # xml:id of the passage (paragraph or turn)
    snippet: str


class Source(_RecordPart):
    citation_html: Markup = Markup()
    citation_text: str = ""
    country: str = ""
    settlement: str = ""
    repository: str = ""
    collection: str = ""
    abbreviation: str = ""
    idnos: list[tuple[str, str]] = []
    locus: str = ""
    locus_from: str = ""
    locus_to: str = ""
    locus_note: str = ""  # the edition's reading of folios printed wrong, and why
    language: str = ""
    language_code: str = ""
    surrogates: list[Markup] = []

    @property
    def archive(self) -> str:
        """The repository with its abbreviation: "Archive of ... (APRF)"."""
        if self.repository and self.abbreviation:
            return f"{self.repository} ({self.abbreviation})"
        return self.repository or self.abbreviation

    @property
    def shelfmark(self) -> str:
        """fond 52, opis 1, delo 498, ll. 44-477"""
        parts = [f"{kind} {value}" if kind else value for kind, value in self.idnos]
        if self.locus:
            parts.append(self.locus)
        return ", ".join(parts)

    @property
    def place(self) -> str:
        return ", ".join(x for x in (self.settlement, self.country) if x)


class Stat(_RecordPart):
    person: str
    name: str
    role: str
    turns: int
    words: int
    share: float  # of all words spoken in turns, in percent


@dataclass
class Document:
    id: str
    path: Path
    tei_bytes: bytes
    root: object  # the lxml root element
    title: str = ""
    when: str = ""
    date_text: str = ""  # the date as the TEI prints it
    place: str = ""
    summary_html: Markup = field(default_factory=Markup)
    summary_text: str = ""
    persons: list[Person] = field(default_factory=list)
    resps: list[Resp] = field(default_factory=list)
    funder: str = ""
    publisher: str = ""
    idnos: list[tuple[str, str]] = field(default_factory=list)
    uri: str = ""
    availability_html: Markup = field(default_factory=Markup)
    availability_text: str = ""
    source: Source = field(default_factory=Source)
    translation_refs: list[str] = field(default_factory=list)
    # other translation's id → this document's passage → its counterparts there (standOff)
    alignments: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    languages: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    # filled by render():
    body_html: Markup = field(default_factory=Markup)
    notes: list[Footnote] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    stats: list[Stat] = field(default_factory=list)
    narration_words: int = 0
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    plaintext: str = ""

    @property
    def year(self) -> str:
        return self.when[:4] if self.when[:4].isdigit() else ""

    @property
    def display_date(self) -> str:
        return format_date(self.when) or self.date_text or "undated"

    @functools.cached_property
    def sort_key(self) -> tuple:
        """Made once: lists of 10,000 documents sort by it again and again (a person's
        appearances, a year's documents). A document is not changed once it is loaded."""
        return (self.when or "9999", self.title.casefold(), self.id)

    @property
    def speakers(self) -> list[Person]:
        return [p for p in self.persons if p.role == "speaker"]

    @property
    def present(self) -> list[Person]:
        return [p for p in self.persons if p.role != "speaker"]

    @property
    def translators(self) -> list[str]:
        return [n for r in self.resps if "translat" in r.resp.lower() for n in r.names]

    @property
    def speaker_set(self) -> frozenset[str]:
        return frozenset(p.id for p in self.speakers)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.persons if p.id == person_id), None)


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


DATE_STYLES = ("month-day-year", "day-month-year", "iso")
# The edition's one date style (settings `date_style`), set by the build in every process.
_date_style = {"style": "month-day-year"}


def set_date_style(style: str) -> None:
    _date_style["style"] = style if style in DATE_STYLES else "month-day-year"


def format_date(when: str) -> str:
    """1958-07-31 -> July 31, 1958 (or 31 July 1958, or 1958-07-31: the edition's date style);
    1958-07 -> July 1958; 1958 -> 1958."""
    parts = when.split("-") if when else []
    style = _date_style["style"]
    try:
        if len(parts) >= 3:
            day = _dt.date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
            if style == "iso":
                return day.isoformat()
            if style == "day-month-year":
                return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
            return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 1 and parts[0].isdigit():
            return parts[0]
    except (ValueError, IndexError):
        return ""
    return ""


# About 2,000 printed pages; the samples are 0.1-0.3 MB.
LARGE_TEI_BYTES = 20_000_000


def load_document(path: Path) -> Document:
    """Parse a TEI file and read its header. Raises EditionError if it is not well-formed TEI."""
    data = path.read_bytes()
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                             remove_comments=False, huge_tree=True))
    except etree.XMLSyntaxError as error:
        raise EditionError(f"{path}: not well-formed XML: {error}") from None
    if name(root) != "TEI":
        raise EditionError(f"{path}: the root element is <{name(root)}>, not TEI <TEI>")
    doc = Document(id=path.stem, path=path, tei_bytes=data, root=root)
    if len(data) > LARGE_TEI_BYTES:
        doc.warnings.append(f"a very long document ({len(data) / 1e6:.0f} MB of TEI): its page is published whole, "
                            "but browsers are slow to open pages this size; consider dividing the source into parts")
    header = find(root, "t:teiHeader")
    if header is None:
        raise EditionError(f"{path}: no <teiHeader>")
    _read_header(doc, header)
    doc.alignments = read_alignments(root)
    return doc


def read_alignments(root) -> dict[str, dict[str, tuple[str, ...]]]:
    """standOff/linkGrp[@type='translation']: for each other translation (its file, @corresp),
    each passage of this document and its counterparts there."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for group in findall(root, "t:standOff/t:linkGrp[@type='translation']"):
        other = Path((group.get("corresp") or "").split("#")[0]).name.removesuffix(".xml")
        if not other:
            continue
        passages = found.setdefault(other, {})
        for link in findall(group, "t:link[@target]"):
            tokens = (link.get("target") or "").split()
            ours = [t[1:] for t in tokens if t.startswith("#") and len(t) > 1]
            theirs = tuple(t.split("#", 1)[1] for t in tokens if not t.startswith("#") and "#" in t)
            for passage in ours:
                passages[passage] = passages.get(passage, ()) + theirs
    return found


def _read_header(doc: Document, header) -> None:
    title_stmt = find(header, "t:fileDesc/t:titleStmt")
    doc.title = text_of(first_of(title_stmt, "t:title[@type='main']", "t:title")) or doc.id
    doc.funder = text_of(find(title_stmt, "t:funder"))
    for resp in findall(title_stmt, "t:respStmt"):
        what = text_of(find(resp, "t:resp"))
        if what.lower().startswith("encoded"):
            continue
        names = [text_of(n) for n in findall(resp, "t:persName|t:name|t:orgName") if text_of(n)]
        if what and names:
            doc.resps.append(Resp(what, names))
    pub = find(header, "t:fileDesc/t:publicationStmt")
    if pub is not None:
        doc.publisher = text_of(find(pub, "t:publisher"))
        for idno in findall(pub, "t:idno"):
            kind, value = idno.get("type", ""), text_of(idno)
            if kind == "URI" and is_safe_link(value):
                doc.uri = value
            elif kind == "URI":  # javascript: and the like never become a link
                doc.idnos.append((kind, value))
                doc.warnings.append(f"idno[@type='URI'] {value[:60]!r} is not an http(s) or relative address: "
                                    "shown as text, not as a link")
            elif kind != "edition":
                doc.idnos.append((kind, value))
        availability = find(pub, "t:availability")
        if availability is not None:
            renderer = Renderer(lambda _id: None)
            doc.availability_html = Markup(" ").join(
                renderer.inline_content(p) for p in (findall(availability, "t:p|t:licence") or [availability]))
            doc.availability_text = text_of(availability)
    source_desc = find(header, "t:fileDesc/t:sourceDesc")
    if source_desc is not None:
        doc.source = _read_source(source_desc)
        # translations related in the header (relation/@mutual), or, in a file made before, listed
        pointers = [r.get("mutual") for r in findall(source_desc, "t:listRelation[@type='translations']/t:relation")]
        pointers += [r.get("target") for r in findall(source_desc, "t:listBibl[@type='translations']//t:ref[@target]")]
        for pointer in filter(None, pointers):
            for target in (t for t in pointer.split() if ".xml" in t):
                stem = Path(target.split("#")[0]).name
                stem = stem.removesuffix(".xml")
                if stem:
                    doc.translation_refs.append(stem)
    profile = find(header, "t:profileDesc")
    if profile is not None:
        abstract = find(profile, "t:abstract")
        if abstract is not None:
            renderer = Renderer(lambda _id: None)
            paras = findall(abstract, "t:p") or [abstract]
            doc.summary_html = Markup("").join(Markup("<p>%s</p>") % renderer.inline_content(p) for p in paras)
            doc.summary_text = text_of(abstract)
        date = find(profile, "t:creation//t:date")
        if date is not None:
            doc.when = date.get("when") or date.get("from") or date.get("notBefore") or ""
            doc.date_text = text_of(date)
        doc.place = text_of(find(profile, "t:creation//t:placeName"))
        for language in findall(profile, "t:langUsage/t:language"):
            ident = language.get("ident", "")
            doc.languages.append((ident, text_of(language) or LANGUAGE_NAMES.get(ident, ident)))
        for person in findall(profile, "t:particDesc//t:person"):
            pid = xml_id(person)
            if not pid:
                doc.warnings.append("a person in particDesc without xml:id is left out of the person pages")
                continue
            doc.persons.append(_person(pid, person))
    for change in findall(header, "t:revisionDesc/t:change"):
        doc.changes.append((change.get("when", ""), change.get("type", ""), text_of(change)))
    if not doc.when:
        doc.warnings.append("no creation date (profileDesc/creation/date/@when): listed as undated")


def _person(pid: str, person) -> Person:
    """A participant as particDesc describes them, with what the register gave the converter."""
    def when(path: str) -> str:
        found = find(person, path)
        return (found.get("when") or text_of(found)) if found is not None else ""

    return Person(pid, text_of(find(person, "t:persName")) or pid, person.get("role", "present"),
                  text_of(find(person, "t:note")), birth=when("t:birth"), death=when("t:death"),
                  occupations=[text_of(o) for o in findall(person, "t:occupation") if text_of(o)],
                  affiliation=text_of(find(person, "t:affiliation")),
                  authorities=[(i.get("type", ""), text_of(i)) for i in findall(person, "t:idno")
                               if i.get("type") in AUTHORITY_URLS and text_of(i)],
                  surname=text_of(find(person, "t:persName/t:surname")))


# Where an authority's record of a person is read (the register's ids, checked by the editors).
AUTHORITY_URLS = {"wikidata": ("Wikidata", "https://www.wikidata.org/wiki/{}"),
                  "viaf": ("VIAF", "https://viaf.org/viaf/{}"),
                  "gnd": ("GND", "https://d-nb.info/gnd/{}")}


def turn_texts(root) -> dict[str, str]:
    """Every turn's words as a reader reads them (for the person pages), by its id."""
    return {xml_id(sp): " ".join(reading_text(p, inline_notes=True) for p in findall(sp, "t:p|t:ab"))
            for sp in findall(root, "t:text//t:sp") if xml_id(sp)}


def _read_source(source_desc) -> Source:
    source = Source()
    renderer = Renderer(lambda _id: None)
    citation = first_of(source_desc, "t:bibl[@type='citation']", "t:bibl")
    if citation is not None:
        source.citation_html = renderer.inline_content(citation)
        source.citation_text = text_of(citation)
    ms = find(source_desc, "t:msDesc/t:msIdentifier")
    if ms is not None:
        source.country = text_of(find(ms, "t:country"))
        source.settlement = text_of(find(ms, "t:settlement"))
        # the archive's name and its abbreviation: repository/choice/(expan, abbr); msName before 1.0
        source.repository = text_of(find(ms, "t:repository/t:choice/t:expan")) or text_of(find(ms, "t:repository"))
        source.collection = text_of(find(ms, "t:collection"))
        source.abbreviation = text_of(find(ms, "t:repository/t:choice/t:abbr")) or \
            text_of(find(ms, "t:msName[@type='abbreviation']"))
        source.idnos = [(i.get("type", ""), text_of(i)) for i in findall(ms, "t:idno")]
    item = find(source_desc, "t:msDesc/t:msContents/t:msItem")
    if item is not None:
        locus = find(item, "t:locus")
        if locus is not None:
            source.locus = text_of(locus)
            source.locus_from, source.locus_to = locus.get("from", ""), locus.get("to", "")
            source.locus_note = text_of(find(item, "t:note[@type='folios']"))
        lang = find(item, "t:textLang")
        if lang is not None:
            source.language_code = lang.get("mainLang", "")
            source.language = text_of(lang) or LANGUAGE_NAMES.get(source.language_code, source.language_code)
    source.surrogates = [_copy(b, renderer) for b in findall(source_desc, "t:msDesc/t:additional/t:surrogates/*")]
    return source


def _copy(bibl, renderer) -> Markup:
    """A copy held elsewhere: its identifier's parts in reading order ("Dmitrii Volkogonov
    Collection, reel 17, Library of Congress, Washington, DC"), or the words as printed."""
    identifier = find(bibl, "t:msIdentifier")
    if identifier is None:
        return renderer.inline_content(bibl)
    part = {name: text_of(find(identifier, f"t:{name}")) for name in
            ("collection", "idno", "repository", "institution", "settlement")}
    words = [part["collection"], f"reel {part['idno']}" if part["idno"] else "", part["repository"],
             part["institution"], part["settlement"]]
    return Markup(escape(", ".join(word for word in words if word)))


def render_document(doc: Document, person_href: Callable[[str], str | None]) -> None:
    """Render the text, collect the turns, mentions and counts (fills `doc` in place)."""
    root = doc.root
    body = find(root, "t:text/t:body")
    renderer = Renderer(person_href, counterparts=doc.alignments)
    if body is None:
        doc.warnings.append("no <text><body>: the page shows the header only")
        rendered = renderer.body([])
    else:
        rendered = renderer.body(body)
    doc.body_html = rendered.html
    doc.notes = rendered.notes
    doc.warnings += _dedupe(rendered.warnings)

    turns: list[Turn] = []
    words: dict[str, int] = {}
    turn_counts: dict[str, int] = {}
    for sp in findall(root, "t:text//t:sp"):
        who = refs(sp.get("who"))
        text = " ".join(reading_text(p, inline_notes=False) for p in findall(sp, "t:p|t:ab"))
        count = count_words(text)
        sid = xml_id(sp)
        quoted = [person for person in who if turn_counts.get(person, 0) < SNIPPETS_PER_SPEAKER]
        turns.append(Turn(sid, sid.removeprefix("sp-"), [sys.intern(w) for w in who],
                          sys.intern(text_of(find(sp, "t:speaker"))),
                          snippet(find(sp, "t:p") if find(sp, "t:p") is not None else sp) if quoted or not who else "",
                          count))
        for person in who:
            words[person] = words.get(person, 0) + count
            turn_counts[person] = turn_counts.get(person, 0) + 1
        if not who:
            doc.warnings.append(f"turn {sid or '(no id)'} has no @who: not counted for any participant")
    doc.turns = turns
    known = {p.id for p in doc.persons}
    for person in sorted(set(words) - known):
        doc.warnings.append(f"turn speaker #{person} is not listed in particDesc")
        doc.persons.append(Person(person, person, "speaker"))
    total = sum(words.values()) or 1
    doc.stats = [Stat(p.id, p.name, p.role, turn_counts.get(p.id, 0), words.get(p.id, 0),
                      round(100 * words.get(p.id, 0) / total, 1)) for p in doc.persons]
    doc.stats.sort(key=lambda s: (-s.words, s.name))
    doc.narration_words = sum(count_words(reading_text(p, inline_notes=False))
                              for p in findall(root, "t:text/t:body//t:div/t:p"))

    for pers in findall(root, "t:text//t:persName[@ref]"):
        anchor_el = next((a for a in pers.iterancestors() if name(a) in ("p", "sp", "note", "head") and xml_id(a)), None)
        if anchor_el is None:
            continue
        for person in refs(pers.get("ref")):
            doc.mentions.append(Mention(person, xml_id(anchor_el), snippet(anchor_el, 24)))

    for ref_target in doc.translation_refs:
        if ref_target == doc.id:
            doc.warnings.append("a translation relation (listRelation) refers to the document itself")

    doc.counts = {
        "turns": len(turns),
        "paragraphs": len(findall(root, "t:text//t:p")),
        "notes": len(rendered.notes),
        "inline notes": len(findall(root, "t:text//t:note[@place='inline']")),
        "supplied": len(findall(root, "t:text//t:supplied")),
        "omissions": len(findall(root, "t:text//t:gap")),
        "repairs": len(findall(root, "t:text//t:choice")),
        "unclear": len(findall(root, "t:text//t:unclear")),
        "orphan note markers": len(findall(root, "t:text//t:ref[@type='noteref']")),
        "words": sum(words.values()) + doc.narration_words,
    }
    doc.plaintext = plaintext(root)


def render_for_comparison(doc: Document, person_href: Callable[[str], str | None], prefix: str,
                          page_href: str):
    """The text again, with ids prefixed and permanent links pointing at the document page."""
    body = find(doc.root, "t:text/t:body")
    renderer = Renderer(person_href, id_prefix=prefix, anchor_base=page_href)
    return renderer.body(body if body is not None else [])


def translation_name(doc: Document) -> str:
    """How a reader tells translations apart: by their translators ("Zubok’s translation"),
    else by the title."""
    names = [n.split()[-1] for n in doc.translators if n.split()]
    if not names:
        return doc.title
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{joined}’s translation"


def _dedupe(items: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    for item in items:
        seen[item] = seen.get(item, 0) + 1
    return [f"{item} ({count}×)" if count > 1 else item for item, count in seen.items()]


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def lang_of(root) -> str:
    return root.get(XML_LANG, "en")
