"""`edition check RECORD`: what a record would become, before it is added. Writes nothing.

The record is read as `edition build` would read it (the same readers, the edition's
registers), its TEI is made and checked in memory against the edition's schema, TEI P5 and
the rules, and the outcome is printed: the reader, the date, the archival citation, persons,
turns, notes, the TEI file it would be, and every warning and error.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from edition.build import count, unique
from edition.errors import Problem, SourceError
from edition.model import Document, Turn
from edition.project import Project


@dataclass
class Outcome:
    record: Path
    target: Path | None = None  # the TEI file the record would be written to
    replaces: bool = False  # a TEI file of that name exists already
    document: Document | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def publishable(self) -> bool:
        return self.document is not None and not self.errors


def check_record(project: Project, record: Path) -> Outcome:
    from edition.convert import source_name
    from edition.readers import read_source

    outcome = Outcome(record)
    try:
        document = read_source(record, source_name(record), **project.registers.reader_options())
    except SourceError as error:
        outcome.problems = unique(error.problems)
        return outcome
    outcome.document = document
    outcome.target = project.tei / f"{document.id}.xml"
    outcome.replaces = outcome.target.is_file()
    outcome.problems = unique(list(document.problems) + _tei_problems(document, outcome.target, project)
                               + _same_id(record, document, project) + _name_date(record, document))
    return outcome


def _name_date(record: Path, document: Document) -> list[Problem]:
    """A file name whose date is not the record's: the name is the document's address for good."""
    from edition.convert import source_name

    named = re.match(r"(\d{4}-\d{2}-\d{2})_", record.name)
    dated = document.metadata.date_when
    if not named or not dated or dated.startswith(named.group(1)) or named.group(1).startswith(dated):
        return []
    return [Problem(source_name(record), None, f"the file name says {named.group(1)} but the record is dated {dated}; "
                                               f"rename the file before adding it (its name becomes the document's "
                                               f"id and address)", "warning")]


def _same_id(record: Path, document: Document, project: Project) -> list[Problem]:
    """A record that would take the TEI file of another record of the edition."""
    from edition.convert import load_manifest, source_name

    made_from = load_manifest(project.tei).get("files", {}).get(document.id, {}).get("source", "")
    if not made_from or Path(made_from).name == record.name:
        return []
    return [Problem(source_name(record), None, f"gives the document id '{document.id}' of {made_from}, already in the "
                                               f"edition; rename the file", "warning")]


def _tei_problems(document: Document, target: Path, project: Project) -> list[Problem]:
    """What validation would say of the record's TEI file, made in memory."""
    from lxml import etree

    from edition.convert import today
    from edition.tei import document_to_tei, serialize
    from edition.validate import validate_tree

    data = serialize(document_to_tei(document, project.settings.publisher or "edition", today()))
    tree = etree.ElementTree(etree.fromstring(data))
    return validate_tree(tree, target.as_posix()).problems


# --- the report -------------------------------------------------------------------------


def print_check(outcome: Outcome, out=None) -> None:
    out = out or sys.stdout
    for line in report_lines(outcome):
        print(line, file=out)


def report_lines(outcome: Outcome) -> list[str]:
    doc = outcome.document
    if doc is None:
        lines = [f"{outcome.record}: would not be converted"]
        lines += [f"  {problem}" for problem in outcome.problems]
        return [*lines, _verdict(outcome)]
    meta = doc.metadata
    turns = [block for block in doc.body if isinstance(block, Turn)]
    names = {person.id: person.name for person in doc.persons}
    by_speaker = Counter(turn.person_id for turn in turns)
    lines = [
        f"{outcome.record} -> {outcome.target}" + (" (exists: converting would update it)" if outcome.replaces
                                                   else " (new)"),
        f"reader     {doc.reader}",
        f"title      {meta.title or '(none)'}",
        f"date       {meta.date_when or '(none)'}" + (f'  ("{meta.date_text}")' if meta.date_text else ""),
    ]
    if meta.place:
        lines.append(f"place      {meta.place}")
    lines += _citation_lines(doc)
    lines.append(f"persons    {count(len(doc.persons), 'person')}")
    for person in doc.persons:
        labels = ", ".join(f'"{label}"' for label in person.labels)
        lines.append(f"             {person.id}: {person.name}" + (f", {person.function}" if person.function else "")
                     + f" ({person.role}" + (f"; printed as {labels}" if labels else "") + ")")
    lines.append(f"turns      {count(len(turns), 'turn')}"
                 + (": " + ", ".join(f"{names.get(pid, pid)} {n}" for pid, n in by_speaker.most_common())
                    if turns else ""))
    lines.append(f"notes      {count(len(doc.notes), 'note')}")
    for note in doc.notes.values():
        lines.append(textwrap.fill(f"[{note.n}] {note.type} note, line {note.line}: {_plain(note.content)}", width=100,
                                   initial_indent=" " * 13, subsequent_indent=" " * 17))
    if doc.problems or outcome.problems:
        lines.append("findings")
        lines += [f"  {problem}" for problem in outcome.problems]
    return [*lines, _verdict(outcome)]


# Where a record prints its citation (ArchivalSource.where), in words.
CITATION_PLACES = {"block": "Citation: block", "footnote": "source footnote", "source-line": "Source: line",
                   "bracket": "bracketed shelfmark", "front-matter": "front matter"}


def _citation_lines(doc: Document) -> list[str]:
    source = doc.archive
    if source is None:
        return ["citation   (no archival citation the edition can read)"]
    where = CITATION_PLACES.get(source.where, source.where)
    lines = [f"citation   {source.citation}" + (f"  (found in the record's {where})" if where else "")]
    place = ", ".join(part for part in (source.settlement, source.country) if part)
    lines.append(f"archive    {source.repository}" + (f" ({source.abbreviation})" if source.abbreviation else "")
                 + (f", {place}" if place else ""))
    parts = [f"{kind} {value}" for kind, value in source.idnos]
    if source.collection:
        parts.insert(0, source.collection)
    if source.locus_text:
        parts.append(source.locus_text)
    if parts:
        lines.append(f"reference  {'; '.join(parts)}")
    return lines


def _verdict(outcome: Outcome) -> str:
    findings = f"{count(len(outcome.errors), 'error')}, {count(len(outcome.warnings), 'warning')}"
    if outcome.document is None:
        return f"{findings}: this record cannot be converted yet; fix what is listed above"
    if outcome.errors:
        return f"{findings}: the record converts, but its TEI would fail validation and be left out of the site"
    return f"{findings}: ready to add (nothing was written)"


def _plain(content) -> str:
    """The reading text of a run of inline content from the document model."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(_plain(item) for item in content)
    for attribute in ("corrected", "content", "text"):
        if hasattr(content, attribute):
            return _plain(getattr(content, attribute))
    return ""

