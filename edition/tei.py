"""The TEI writer: the document model → a TEI P5 file (see docs/encoding.md).

The only place that knows TEI element names on the way in. It knows nothing of source
formats. Ids are numbered in document order here; `edition.ids` then carries forward the
ids of an existing file so that citations keep pointing at the same passages.
"""

from __future__ import annotations

from lxml import etree

from edition import __version__
from edition.hashes import UNSEALED, WRITTEN_MARK
from edition.model import (AltName, ArchivalSource, Closer, DateRef, Document, Foreign, Hi, InlineNote, Lost, Manner, Narration,
                           Note, NoteRef, Omission, OrphanNoteRef, PageBreak, Paragraph, PlaceRef, PersonRef, Repair, Sic, Supplied,
                           Turn, Unclear)

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
# Elements whose whitespace is part of the text: never indented.
MIXED_CONTENT = {"p", "speaker", "head", "note", "seg", "choice", "hi", "persName", "desc", "label", "title", "bibl",
                 "stage", "dateline", "closer", "supplied", "sic", "corr", "orig", "reg", "foreign", "unclear", "ref",
                 "date", "placeName", "name", "resp", "funder", "publisher", "idno", "locus", "textLang"}
MASKED_EMAIL = "[email\u00a0protected]"


def E(tag: str, *children, **attributes) -> etree._Element:
    """Build a TEI element: children are strings or elements; attributes map names to values."""
    element = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS} if tag == "TEI" else None)
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        key = {"xml_id": XML_ID, "xml_lang": XML_LANG}.get(name, name.rstrip("_"))
        element.set(key, str(value))
    for child in children:
        append(element, child)
    return element


def append(parent: etree._Element, child) -> None:
    if child is None:
        return
    if isinstance(child, (list, tuple)):
        for item in child:
            append(parent, item)
        return
    if isinstance(child, str):
        # parent[-1], not len(parent): lxml counts children one by one, which made writing a
        # long run of elements quadratic (minutes for a 50 MB source).
        try:
            last = parent[-1]
        except IndexError:
            parent.text = (parent.text or "") + child
        else:
            last.tail = (last.tail or "") + child
        return
    parent.append(child)


# The edition's one citation tree (refsDecl/citeStructure; docs/encoding.md, "Citation"). A DTS
# client reads it to list and fetch passages. Paths are unprefixed, as the Guidelines write them
# (TEI is the default namespace of a citeStructure's XPath). Every reference joins xml:ids with
# the delimiters below, so its last part is the passage's anchor on the site. Units of one level
# need delimiters of their own, because a reference is read by its delimiters alone (which part
# is a turn, which a paragraph); all are characters a URL and a file name carry as they are.
# @use is string(@xml:id), not @xml:id: a DTS implementation may take the value of a node it
# finds as the node written out (dapytains made "sp-1" into 'xml:id="sp-1"' where a level has
# more than one kind of unit); a string is the same to every reader.
CITATION_DELIMITERS = {"turn": ".", "paragraph": "_", "omission": "~", "note": ","}


def citation_tree() -> etree._Element:
    def unit(name, match, *children, delim=None, use="string(@xml:id)"):
        return E("citeStructure", *children, unit=name, match=match, use=use, delim=delim)

    def paragraph(delim):
        return unit("paragraph", "p", unit("note", ".//note", delim="."), delim=delim)

    return unit("conversation",
                "/TEI/text/body/div",
                unit("turn", "sp",
                     paragraph("."),
                     unit("note", "speaker//note", delim=CITATION_DELIMITERS["note"]),
                     delim=CITATION_DELIMITERS["turn"]),
                paragraph(CITATION_DELIMITERS["paragraph"]),
                unit("omission", "gap", delim=CITATION_DELIMITERS["omission"]),
                unit("note", ".//note[not(ancestor::p or ancestor::sp)]", delim=CITATION_DELIMITERS["note"]),
                use="@type")


NO_RIGHTS_STATED = ("The source states no rights, and the edition's settings give none for it: its rights "
                    "status is unknown.")
NO_DATE_STATED = "no date in the source"


def idno_type(kind: str) -> str:
    """An idno's @type is a single token: `record group` → `record-group`."""
    return kind.replace(" ", "-")


def record_id_type(meta) -> str:
    """Where the record id comes from (a Wilson Center record, a FRUS document, a DFAT volume and
    document), as the reader found it through the source profile."""
    return meta.record_id_type or "record"


class Writer:
    """Writes one document; holds the per-document id counters."""

    def __init__(self, doc: Document, publisher: str, when: str):
        self.doc = doc
        self.publisher = publisher
        self.when = when
        self.counters: dict[str, int] = {}
        self.note_ids: set[str] = set()

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-{self.counters[prefix]}"

    # --- whole document ------------------------------------------------------------------

    def tei(self) -> etree._Element:
        doc = self.doc
        # The div is put in the tree first and filled there: moving a large finished subtree
        # between lxml documents costs time quadratic in its size (namespace fix-ups).
        div = E("div", type="conversation")
        root = E("TEI", self.header(), E("text", E("body", div)), xml_id=f"doc-{doc.id}",
                 xml_lang=doc.metadata.text_language or "en")
        self.div(div)
        return root

    def header(self) -> etree._Element:
        return E("teiHeader", self.file_desc(), self.encoding_desc(), self.profile_desc(), self.revision_desc())

    def file_desc(self) -> etree._Element:
        doc, meta = self.doc, self.doc.metadata
        title_stmt = E("titleStmt", E("title", meta.title or doc.id, type="main"),
                       E("funder", meta.funder) if meta.funder else None,
                       self.resp("translated by", meta.translators, "translator"),
                       self.resp("recorded by", meta.recorders),
                       self.resp("typed by", meta.typists),
                       E("respStmt", E("resp", "encoded in TEI by"), E("name", f"edition {__version__}", ref="#edition")))
        publication = E("publicationStmt", E("publisher", self.publisher),
                        E("idno", doc.id, type="edition"),
                        E("idno", meta.record_id, type=record_id_type(meta)) if meta.record_id else None,
                        E("idno", meta.url, type="URI") if meta.url else None,
                        self.availability())
        source = E("sourceDesc", E("bibl", self.citation_text(), type="citation", xml_id="source"),
                   self.publication(meta.publication) if meta.publication else None)
        if doc.archive:
            source.append(self.ms_desc(doc.archive))
        if doc.translations:
            # the other records of this conversation: a relation between texts, not a source of this one
            source.append(E("listRelation", [
                E("relation", E("desc", title) if title.strip() else None, name="translation",
                  mutual=f"#doc-{doc.id} {other}.xml#doc-{other}")
                for other, title in doc.translations], type="translations"))
        return E("fileDesc", title_stmt, publication, source)

    def availability(self) -> etree._Element:
        """The rights the record or the edition's settings state, and nothing else: a record with
        neither says so, in the edition's words (@resp), with status "unknown"."""
        meta = self.doc.metadata
        paragraphs = [p for p in meta.rights.split("\n") if p.strip()]
        if not paragraphs:
            return E("availability", E("p", NO_RIGHTS_STATED, resp="#edition"), status="unknown")
        supplied = "#edition" if meta.rights_supplied_by else None  # stated for the source family, not the record
        return E("availability", [E("p", self.rights_text(p), resp=supplied) for p in paragraphs],
                 status=meta.rights_status or "restricted")

    def resp(self, what: str, names: list[str], ids: str = ""):
        """ids: the prefix of the persons' xml:ids ("translator": translator-1 …), which
        supplied/@resp points to."""
        return E("respStmt", E("resp", what), [E("persName", name, xml_id=f"{ids}-{index}" if ids else None)
                                               for index, name in enumerate(names, start=1)]) if names else None

    def rights_text(self, paragraph: str) -> list:
        # The web page hides the archive's e-mail address behind "[email protected]": not text of the statement.
        if MASKED_EMAIL in paragraph or "[email protected]" in paragraph:
            masked = MASKED_EMAIL if MASKED_EMAIL in paragraph else "[email protected]"
            before, after = paragraph.split(masked, 1)
            return [before, E("gap", E("desc", "e-mail address hidden by the archive's web page"),
                              reason="email-protected"), after]
        return [paragraph]

    def citation_text(self) -> str:
        return self.doc.archive.citation if self.doc.archive else self._raw_citation()

    def _raw_citation(self) -> str:
        return getattr(self.doc, "citation", "") or "(no citation given in the source)"

    def ms_desc(self, archive: ArchivalSource) -> etree._Element:
        """The shelfmark as far as the citation goes; an archive the record does not name (a FRUS
        file number) is marked as the edition's (@resp); classification and the source note's
        other sentences are notes on the item, not parts of the shelfmark."""
        supplied = "#edition" if archive.repository_supplied else None
        collections = archive.collections or ([archive.collection] if archive.collection else [])
        idnos = archive.idnos or [("shelfmark", archive.citation)]
        identifier = E("msIdentifier", E("country", archive.country or "unknown", resp=supplied),
                       E("settlement", archive.settlement or "unknown", resp=supplied),
                       E("institution", archive.institution, ref=archive.ref) if archive.institution else None,
                       self.repository(archive, supplied),
                       [E("collection", name) for name in collections],
                       [E("idno", value, type=idno_type(kind), resp=supplied if kind == "record group" else None)
                        for kind, value in idnos])
        meta = self.doc.metadata
        item = E("msItem",
                 self.locus(archive) if archive.locus_text else None,
                 E("textLang", meta.original_language, mainLang=meta.original_language_code)
                 if meta.original_language else None,
                 E("note", archive.classification, type="classification") if archive.classification else None,
                 E("note", archive.drafting, type="source-note") if archive.drafting else None,
                 E("note", archive.locus_note, type="folios", resp="#edition") if archive.locus_note else None)
        ms = E("msDesc", identifier, E("msContents", item) if len(item) else None)
        if archive.copy:
            ms.append(E("additional", E("surrogates", self.copy(archive))))
        return ms

    def repository(self, archive: ArchivalSource, supplied: str | None) -> etree._Element:
        """The archive's name; its abbreviation (APRF) as the abbreviation of that name, not as the
        manuscript's name (msName)."""
        name = archive.repository or "unknown"
        content = E("choice", E("expan", name), E("abbr", archive.abbreviation, type="acronym")) \
            if archive.abbreviation and archive.abbreviation != name and not archive.institution else name
        return E("repository", content, resp=supplied, ref=None if archive.institution else archive.ref)

    @staticmethod
    def locus(archive: ArchivalSource) -> etree._Element:
        """The folios as printed; @from/@to as the edition reads them, which is the edition's
        reading (@resp) where it is not the printed one (a misprint; the note says why)."""
        read = bool(archive.locus_read_to) and (archive.locus_read_from, archive.locus_read_to) != \
            (archive.locus_from, archive.locus_to)
        return E("locus", archive.locus_text, from_=archive.locus_read_from if read else archive.locus_from,
                 to=archive.locus_read_to if read else archive.locus_to, resp="#edition" if read else None)

    @staticmethod
    def copy(archive: ArchivalSource) -> etree._Element:
        """A copy held elsewhere, by its parts (holder, division, collection, reel, city), as an
        identifier of its own; the words as printed stay in the citation."""
        parts = archive.copy_parts
        if parts is None or not parts.repository:
            return E("bibl", f"copy in {archive.copy}", type="copy")
        return E("bibl", E("msIdentifier",
                           E("settlement", parts.settlement) if parts.settlement else None,
                           E("institution", parts.institution) if parts.institution else None,
                           E("repository", parts.repository),
                           E("collection", parts.collection) if parts.collection else None,
                           E("idno", parts.reel, type="reel") if parts.reel else None), type="copy")

    @staticmethod
    def publication(text: str) -> etree._Element:
        """A prior publication of the record ("Published in CWIHP Working Paper No. 30."), a
        bibliographic item of its own: the series' title and the number in it."""
        from edition.archives import publication_parts

        title, unit, scope = publication_parts(text)
        return E("bibl", E("title", title, level="s"), " " if scope else None,
                 E("biblScope", scope, unit=unit) if scope else None, type="publication")

    def encoding_desc(self) -> etree._Element:
        return E("encodingDesc",
                 E("appInfo", E("application", E("label", "edition"), ident="edition", version=__version__,
                                xml_id="edition")),
                 E("refsDecl", citation_tree()))

    def profile_desc(self) -> etree._Element:
        doc, meta = self.doc, self.doc.metadata
        return E("profileDesc",
                 E("abstract", E("p", meta.summary or "(no summary in the source)")),
                 self.creation(),
                 E("langUsage", [E("language", name, ident=ident) for ident, name in doc.languages]),
                 E("particDesc", E("listPerson", [self.person(person) for person in doc.persons]))
                 if doc.persons else None,
                 E("settingDesc", E("listPlace", [self.place(place) for place in doc.places])) if doc.places else None)

    def place(self, place) -> etree._Element:
        """A place of the register: its name, the other forms records print, where it is."""
        location = E("location", E("settlement", place.settlement) if place.settlement else None,
                     E("country", place.country) if place.country else None) \
            if place.settlement or place.country else None
        return E("place", E("placeName", place.name),
                 [E("placeName", form, type="variant") for form in place.variants if form != place.name],
                 E("desc", place.note) if place.note else None, location,
                 E("idno", place.wikidata, type="wikidata") if place.wikidata else None, xml_id=place.id)

    def creation(self) -> etree._Element:
        """The conversation's date (@when; its time as `time` with @when or @from/@to, since
        att.datable forbids @when beside @from/@to), its place, and the record's own date where
        it differs (a despatch written weeks later), typed."""
        meta = self.doc.metadata
        if not meta.date_when:
            conversation = E("date", NO_DATE_STATED, type="undated", resp="#edition")
        else:
            printed = meta.date_text or meta.date_when
            time_text = meta.time_text if meta.time_text and meta.time_text in printed else ""
            before = printed[:printed.index(time_text)] if time_text else printed
            after = printed[printed.index(time_text) + len(time_text):] if time_text else ""
            time = None
            if meta.time_from:
                time = E("time", time_text or meta.time_from,
                         **({"from_": meta.time_from, "to": meta.time_to} if meta.time_to else {"when": meta.time_from}))
            elif time_text:
                before = printed
            conversation = E("date", before, time if time_text or meta.time_from else None, after,
                             when=meta.date_when, type="conversation" if meta.record_date_when else None)
        record = (E("date", meta.record_date_text or meta.record_date_when, when=meta.record_date_when, type="record")
                  if meta.record_date_when and meta.record_date_when != meta.date_when else None)
        place = E("placeName", meta.place, ref=f"#{meta.place_ref}" if meta.place_ref else None) if meta.place else None
        return E("creation", conversation, place, record)

    def person(self, person) -> etree._Element:
        """A participant; what the register knows of them (dates of life, affiliation, roles,
        authority ids) follows the name, as TEI's person content orders it."""
        details = getattr(person, "details", None)
        parts = []
        # the function the record's participants list prints ("Assistant Secretary of State")
        listed = [E("occupation", person.function)] if getattr(person, "function", "") else []
        if details is None:
            parts += listed
        if details is not None:
            parts += [E("birth", when=details.birth)] if details.birth else []
            parts += [E("death", when=details.death)] if details.death else []
            parts += listed
            parts += [E("occupation", role) for role in details.roles if role != person.function]
            parts += [E("affiliation", details.affiliation)] if details.affiliation else []
            parts += [E("idno", value, type=kind) for kind, value in details.authority_ids()]
        # a person known by one name only: that name is a forename, not a full name
        name = E("forename", person.name) if details is not None and details.forename_only else person.name
        return E("person", E("persName", name), parts, xml_id=person.id, role=person.role)

    def revision_desc(self) -> etree._Element:
        doc = self.doc
        # The last words hold the checksum of the file as written (edition.hashes.seal), so that a
        # hand edit is recognised even when the manifest beside the TEI files is lost.
        changes = [E("change", f"Converted by edition {__version__} from {doc.source_name} (sha256 "
                               f"{doc.source_sha256}), read as {doc.reader}; "
                               f"{WRITTEN_MARK.decode()}{UNSEALED}.", when=self.when, who="#edition")]
        changes += [E("change", repair, type="repair", when=self.when, who="#edition") for repair in doc.repairs]
        return E("revisionDesc", changes)

    # --- body -----------------------------------------------------------------------------

    def div(self, div: etree._Element | None = None) -> etree._Element:
        doc = self.doc
        div = E("div", type="conversation") if div is None else div
        if doc.head:
            head = E("head")
            for index, line in enumerate(doc.head):
                if index:
                    append(head, E("lb"))
                append(head, line if isinstance(line, str) else self.inline(line))
            div.append(head)
        if doc.dateline:
            div.append(E("opener", E("dateline", self.inline(doc.dateline))))
        for block in doc.body:
            div.append(self.block(block))
        # A note whose marker the source lacks stays a footnote, at the end of the last
        # paragraph (a note may not stand loose in the div); the converter reports it.
        unplaced = [note for note in doc.notes.values() if getattr(note, "unplaced", False)]
        if unplaced:
            container = self._last_container(div)
            for note in unplaced:
                append(container, self.note(note))
        if doc.closer:
            div.append(self.closer(doc.closer))
        self.annotate(div)
        return div

    def annotate(self, div: etree._Element) -> None:
        """The editor's notes from the edition's register, each after the element it is about,
        as the edition's own (resp="#edition"), pointing to the passage it concerns; one whose
        element is gone is reported, never dropped silently."""
        by_id = {element.get(XML_ID): element for element in div.iter() if element.get(XML_ID)}
        for index, note in enumerate(self.doc.annotations, start=1):
            target = by_id.get(note.after)
            if target is None or target.getparent() is None:
                from edition.errors import Problem
                self.doc.problems.append(Problem(self.doc.source_name, None, f"an editor's note is about "
                                                 f"'{note.after}', which this document does not have", "warning"))
                continue
            element = E("note", note.text, E("ptr", target=f"#{note.see}") if note.see in by_id else None,
                        type="editorial", place="inline", n=f"edition-{index}", resp="#edition",
                        target=f"#{note.after}", xml_id=self.note_id(None))
            element.tail, target.tail = target.tail, None
            target.addnext(element)

    @staticmethod
    def _last_container(div: etree._Element) -> etree._Element:
        """The last paragraph of the body (of a turn, or narration); never an omission's
        description, where TEI admits no note."""
        for element in reversed(div):
            name = etree.QName(element).localname
            if name == "p":
                return element
            if name == "sp":
                paragraphs = element.findall(f"{{{TEI_NS}}}p")
                if paragraphs:
                    return paragraphs[-1]
        return div

    def block(self, block) -> etree._Element:
        if isinstance(block, Turn):
            # a turn the record announces in narration has no printed label, so no speaker
            sp = E("sp", E("speaker", self.inline(block.label)) if block.label else None, xml_id=self.next_id("sp"),
                   who=" ".join(f"#{person_id}" for person_id in block.person_id.split()),
                   cert=block.cert or None, resp="#edition" if block.cert else None)
            if block.manner:
                sp.append(E("stage", block.manner, type="manner", xml_id=self.next_id("stage")))
            for paragraph in block.paragraphs:
                sp.append(self.paragraph(paragraph))
            if not block.paragraphs and not block.manner:
                # a label with no words after it: the turn is kept, with an empty paragraph
                sp.append(E("p", xml_id=self.next_id("p")))
            return sp
        if isinstance(block, Narration):
            return self.paragraph(block.paragraph)
        if isinstance(block, Omission):
            return E("gap", E("desc", self.inline(block.content)), reason="omitted", xml_id=self.next_id("gap"))
        raise TypeError(block)

    def paragraph(self, paragraph: Paragraph) -> etree._Element:
        return E("p", self.inline(paragraph.content), xml_id=self.next_id("p"))

    def closer(self, closer: Closer) -> etree._Element:
        element = E("closer")
        for index, (kind, content) in enumerate(closer.items):
            if index:
                append(element, " ")
            element.append(E("seg", self.inline(content), type=kind))
        return element

    def note(self, note: Note, place: str = "foot") -> etree._Element:
        return E("note", E("label", note.label) if note.label else None, " " if note.label else None,
                 self.inline(note.content), type=note.type, place=place, n=note.n,
                 xml_id=self.note_id(note.n if place == "foot" else None))

    def note_id(self, printed_number: str | None) -> str:
        """``fn-N`` for the footnote the source prints as N, so the id says which note it is;
        every other note (a bracketed comment, a note the edition adds, a footnote whose marker
        is no number or is printed twice) takes the next of the edition's own series, ``en-N``."""
        used = self.note_ids
        if printed_number and printed_number.isascii() and printed_number.isdigit() and int(printed_number) > 0:
            candidate = f"fn-{int(printed_number)}"
            if candidate not in used:
                used.add(candidate)
                return candidate
        candidate = self.next_id("en")
        used.add(candidate)
        return candidate

    def supplied_by(self, node: Supplied) -> str:
        """Who supplied the words: the translator(s) the citation credits, else the source as
        cited; the edition's own insertions are the edition's."""
        if node.by == "edition":
            return "#edition"
        translators = self.doc.metadata.translators
        return " ".join(f"#translator-{index}" for index in range(1, len(translators) + 1)) or "#source"

    def inline(self, nodes: list) -> list:
        return [self.inline_node(node) for node in nodes]

    def inline_node(self, node):
        if isinstance(node, str):
            return node
        if isinstance(node, Supplied):
            return E("supplied", node.text, reason=node.reason, resp=self.supplied_by(node))
        if isinstance(node, Foreign) and not node.bracketed:
            return E("foreign", node.text, xml_lang=node.lang)
        if isinstance(node, Foreign):
            return E("seg", E("foreign", node.text, xml_lang=node.lang), type="original-wording")
        if isinstance(node, AltName):
            return E("seg", node.text, type="alternative-name")
        if isinstance(node, Lost):
            return E("seg", self.inline(node.content),
                     E("gap", E("desc", "the rest of the bracket, lost when the source's text was extracted"),
                       reason="lost", resp="#edition"),
                     type="original-wording" if node.original_language else "unfinished")
        if isinstance(node, Sic):
            return E("sic", node.text)
        if isinstance(node, Unclear):
            return E("unclear", node.text, cert="low")
        if isinstance(node, Hi):
            return E("hi", self.inline(node.content), rend=node.rend)
        if isinstance(node, NoteRef):
            return self.note(self.doc.notes[node.n])
        if isinstance(node, OrphanNoteRef) and not node.missing:
            return E("ref", node.raw, type="noteref", n=node.n)  # a marker printed again
        if isinstance(node, OrphanNoteRef):
            # the source prints the marker, not the note: the note stands, its text a gap
            return E("note", E("gap", E("desc", "the source prints this note's marker but not its text"),
                               reason="missing"),
                     type="editorial", place="foot", n=node.n, xml_id=self.note_id(node.n))
        if isinstance(node, InlineNote):
            return E("note", self.inline(node.content), type="editorial", place="inline", n=node.letter,
                     xml_id=self.note_id(None))
        if isinstance(node, Repair):
            if node.kind == "hyphenation":
                return E("choice", E("orig", node.original), E("reg", node.corrected))
            return E("choice", E("sic", node.original), E("corr", node.corrected, type="extraction", resp="#edition"))
        if isinstance(node, Manner):
            return E("stage", node.text, type="manner", xml_id=self.next_id("stage"))
        if isinstance(node, PersonRef):
            return E("persName", self.inline(node.text), ref=f"#{node.person_id}")
        if isinstance(node, DateRef):
            return E("date", node.text, when=node.when)
        if isinstance(node, PlaceRef):
            return E("placeName", node.text, ref=f"#{node.place_id}")
        if isinstance(node, PageBreak):
            return E("pb", n=node.n)
        raise TypeError(node)


def translation_stand_off(alignments) -> etree._Element | None:
    """The alignment of this document with each of its translations (`edition.align.Alignment`,
    seen from this document), as standOff/linkGrp[@type='translation'], one group per translation,
    its @corresp the other file; each link points at passages of this file and their counterparts
    in the other (docs/encoding.md, "Translations aligned"). Links the edition computed carry
    resp="#edition" and how certain they are; an editor's correction carries neither."""
    groups = []
    for alignment in alignments:
        other = f"{alignment.b}.xml"
        links = [E("link", type=link.kind, subtype=link.evidence,
                   target=" ".join([f"#{own}" for own in link.ours] + [f"{other}#{their}" for their in link.theirs]),
                   resp=None if link.evidence == "editor" else "#edition", cert=link.cert or None)
                 for link in alignment.links]
        if links:
            groups.append(E("linkGrp", links, type="translation", corresp=other))
    return E("standOff", groups) if groups else None


def document_to_tei(doc: Document, publisher: str = "edition", when: str = "") -> etree._Element:
    return Writer(doc, publisher, when).tei()


def serialize(root: etree._Element) -> bytes:
    """Canonical bytes for a TEI tree: the same tree always gives the same file."""
    indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def indent(element: etree._Element, level: int = 0) -> None:
    """Indent element-only content; never touch mixed content, where whitespace is text."""
    children = list(element)
    if etree.QName(element).localname in MIXED_CONTENT:
        return
    if not children or not _is_blank(element.text) or any(not _is_blank(child.tail) for child in children):
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        child.tail = "\n" + "  " * (level + 1)
        indent(child, level + 1)
    children[-1].tail = "\n" + "  " * level


def _is_blank(text: str | None) -> bool:
    return text is None or not text.strip()
