"""Validate TEI files: well-formedness, the edition's schema, TEI P5 tei_all, the edition's rules.

Four checks per file, all run (a file that fails one is still checked by the others, so one
run shows everything to fix), except that a file which is not well-formed stops at (a):

(a) well-formedness: a parse error is reported as ``file:line``. Duplicate or malformed
    xml:id values, which libxml2 reports as parse errors although the XML is well-formed,
    are left to (b) and (d), which say which ids and where;
(b) the edition's own schema, ``edition/schema/edition.xsd`` (docs/encoding.md as a W3C XML
    Schema, stricter than tei_all);
(c) the official TEI P5 ``tei_all`` RELAX NG schema, ``edition/schema/tei_all.rng``;
(d) the edition's rules that a schema cannot express (``check_rules``): ``#id`` pointers
    resolve in the same file (and @who/@ref on sp/persName point to a person), xml:id values
    are unique NCNames following the sp-N/p-N/fn-N/en-N/stage-N/gap-N scheme, TEI/@xml:id and
    idno[@type='edition'] equal the file stem, speakers speak and present persons do not,
    footnotes sit at their markers, and the conversion change records the source's sha256.

Each schema is loaded once per process, lazily (``functools.cache``), never per document;
``validate_paths`` spreads many files over the build's workers (``jobs``, ``executor``), each loading them once.
tei_all is slow to load, so ``validate_paths`` can keep a JSON cache of results keyed by (file
name, sha256 of the file, version of the schemas, libxml2 and this module): when no file
changed, nothing is checked again and tei_all is not loaded at all.

Measured figures (this machine, Python 3.11.7, lxml 6.1.3 / libxml2 2.14.6, xmlschema 4.3.2;
load = parse and compile the schema in a fresh process; validate = one document, median of
200 runs (xmlschema: 50), on tests/fixtures/tei/valid/full.xml (105 lines) / minimal.xml (57)):

    edition.xsd, lxml.etree.XMLSchema    load    3 ms     validate  0.31 ms / 0.10 ms
    edition.xsd, xmlschema.XMLSchema10   load  540 ms     validate  18.5 ms / 5.4 ms
                                         (190 ms for a second load in the same process)
    tei_all.rng, lxml.etree.RelaxNG      load   17.8 s    validate  1.0 ms  / 0.27 ms
    tei_all restricted to edition.xsd's  load   0.13 s   validate  (same order)
    74 elements (edition.tei_all_subset; 0.12 s to derive, 0.01 s to compile)

lxml is ~180x faster to load and ~55x faster per document, so lxml validates. When lxml finds
an error, xmlschema (loaded then, once) re-validates that document to name the failing element
by a readable path (``/TEI/text/body/div/sp[2]/p``) in the message.

tei_all is checked with the grammar restricted to the edition's elements, which gives
tei_all's verdict on any document made of them (``edition.tei_all_subset`` says why; a test
checks it on 1,350 mutated documents); a document with any other element gets the whole
tei_all, loaded then.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, TextIO

import msgspec
from lxml import etree

from edition.errors import EditionError, Problem
from edition.executor import LARGE_EDITION, ExecutorSpec, map_work
from edition.files import Listings, write_atomic
from edition.hashes import FileHashes, written_by_converter

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
EDITION_XSD = SCHEMA_DIR / "edition.xsd"
TEI_ALL_RNG = SCHEMA_DIR / "tei_all.rng"

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
T = "{%s}" % TEI_NS
XML_ID = "{%s}id" % XML_NS

# Bump when the result cache's format changes.
CACHE_FORMAT = 2
# The cache stays small: entries of this run plus at most this many older ones.
CACHE_MAX_ENTRIES = 2000

# libxml2 reports these xml:id validity problems as parse errors; the XML is still well-formed.
_XML_ID_PARSE_ERRORS = {"DTD_ID_REDEFINED", "DTD_XMLID_VALUE"}

# Body elements that must carry an xml:id, and the prefix of their id scheme (docs/encoding.md).
# A note is fn-N (the printed footnote N) or en-N (the edition's series of editorial notes).
ID_SCHEME = {"sp": "sp", "p": "p", "note": "fn|en", "stage": "stage", "gap": "gap"}

# Attributes that hold pointers ("#id" points into the same file; other values are URLs or files).
POINTER_ATTRIBUTES = ("who", "ref", "target", "resp", "corresp")

# A foot note must stand inside one of these, at its marker, not loose in the div.
NOTE_CONTAINERS = {"p", "sp", "head", "opener", "closer", "gap"}

# A file with thousands of errors (one per turn, say) is reported by its first errors and a count
# of the rest: explaining each error costs time, and nobody reads the ten-thousandth.
MAX_ERRORS_PER_FILE = 50

_NCNAME = re.compile(r"[^\W\d][\w.\-]*|_[\w.\-]*", re.UNICODE)
_SHA256 = re.compile(r"sha-?256\W{0,3}[0-9a-fA-F]{64}\b", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class FileResult:
    """What the checks found in one file."""

    path: Path
    well_formed: bool = False
    passed_edition_schema: bool = False
    passed_tei_all: bool | None = None  # None: not checked
    passed_rules: bool = False
    tei_all_cached: bool = False  # the tei_all result came from the cache
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)


@dataclass
class ValidationReport:
    """All files checked in one run; ``ok`` when none has an error (warnings are allowed)."""

    ok: bool
    files: list[FileResult]
    problems: list[Problem]
    tei_all: bool = True  # whether tei_all was checked
    # the SHA-256 of each file as it was checked, by absolute path: the site builder keys its
    # pages by them instead of asking the file system for 10,000 files again
    checksums: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_files(cls, files: list[FileResult], tei_all: bool,
                   checksums: dict[str, str] | None = None) -> "ValidationReport":
        problems = [problem for result in files for problem in result.problems]
        return cls(ok=all(result.ok for result in files), files=files, problems=problems, tei_all=tei_all,
                   checksums=checksums or {})


# ---------------------------------------------------------------------------------------------
# Schemas: each loaded once per process, on first use
# ---------------------------------------------------------------------------------------------


@functools.cache
def load_edition_schema() -> etree.XMLSchema:
    """The edition's XSD, compiled by lxml (the fast validator)."""
    try:
        return etree.XMLSchema(etree.parse(str(EDITION_XSD)))
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise EditionError(f"{EDITION_XSD}: cannot load the edition schema: {error}") from error


@functools.cache
def load_edition_xmlschema():
    """The edition's XSD, compiled by xmlschema: slower, used only to explain an error."""
    import xmlschema

    return xmlschema.XMLSchema10(str(EDITION_XSD))


@functools.cache
def load_tei_all() -> etree.RelaxNG:
    """The official TEI P5 tei_all RELAX NG schema, whole (10-18 s to load): only for a document
    with elements the edition's schema does not admit (see `tei_all_for`)."""
    try:
        return etree.RelaxNG(etree.parse(str(TEI_ALL_RNG)))
    except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError) as error:
        raise EditionError(f"{TEI_ALL_RNG}: cannot load TEI P5 tei_all: {error}") from error


def load_tei_all_restricted() -> tuple[etree.RelaxNG, frozenset[str]]:
    """tei_all restricted to the elements edition.xsd admits (same verdict for documents made
    of those elements; loads in ~0.1 s): see `edition.tei_all_subset`."""
    from edition.tei_all_subset import load_restricted

    try:
        return load_restricted(TEI_ALL_RNG, EDITION_XSD)
    except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError) as error:
        raise EditionError(f"{TEI_ALL_RNG}: cannot load TEI P5 tei_all: {error}") from error


def tei_all_for(tree) -> etree.RelaxNG:
    """The grammar that gives tei_all's verdict on this document at the least cost: the
    restricted one when every element is one the edition's schema admits, else tei_all."""
    schema, elements = load_tei_all_restricted()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        namespace, _, name = element.tag[1:].partition("}")
        if namespace != TEI_NS or name not in elements:
            return load_tei_all()
    return schema


@functools.cache
def tei_all_version() -> str:
    """What a cached tei_all result depends on besides the file: the schema and libxml2."""
    digest = hashlib.sha256(TEI_ALL_RNG.read_bytes()).hexdigest()
    libxml = ".".join(map(str, etree.LIBXML_VERSION))
    return f"{digest[:16]}-libxml2-{libxml}"


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _short_names(text: str) -> str:
    """Drop the TEI namespace from a validator's message, write the xml one as xml:."""
    return (
        text.replace("{%s}" % TEI_NS, "")
        .replace("{%s}" % XML_NS, "xml:")
        .replace("tei:", "")
        .strip()
    )


def readable_path(element) -> str:
    """``/TEI/text/body/div/sp[2]/p``: the index only where siblings share the name."""
    steps = []
    while element is not None:
        parent = element.getparent()
        name = _local(element.tag)
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == element.tag]
            if len(same) > 1:
                name += f"[{same.index(element) + 1}]"
        steps.append(name)
        element = parent
    return "/" + "/".join(reversed(steps))


def _elements(root) -> Iterable:
    return (element for element in root.iter() if isinstance(element.tag, str))


def _ancestors(element) -> Iterable:
    parent = element.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


# ---------------------------------------------------------------------------------------------
# (a) well-formedness
# ---------------------------------------------------------------------------------------------


def _parser(recover: bool = False, huge: bool = False) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=recover, huge_tree=huge)


def parse_bytes(data: bytes, path: Path | str, huge: bool = False) -> tuple[etree._ElementTree | None, list[Problem]]:
    """Parse a TEI file's bytes; a tree, or None and the parse error as a Problem."""
    parser = _parser(huge=huge)
    try:
        root = etree.fromstring(data, parser, base_url=str(path))
        tree = root.getroottree()
        declared = internal_dtd_problems(tree, data, path)
        return (None, declared) if declared else (tree, [])
    except etree.XMLSyntaxError as error:
        entries = list(parser.error_log)
        if not huge and any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in entries) \
                and written_by_converter(data):
            # libxml2's limits (a text node of 10 MB) guard against hostile files; a file exactly
            # as the converter wrote it (a 12 MB paragraph is a long speech) is read without them.
            return parse_bytes(data, path, huge=True)
        if entries and all(entry.type_name in _XML_ID_PARSE_ERRORS for entry in entries):
            # Well-formed; bad xml:id values are reported (better) by the schema and the rules.
            recovered = etree.fromstring(data, _parser(recover=True, huge=huge), base_url=str(path))
            if recovered is not None:
                return recovered.getroottree(), []
        fatal = [entry for entry in entries if entry.type_name not in _XML_ID_PARSE_ERRORS]
        first = fatal[0] if fatal else None
        line = first.line if first is not None else error.lineno
        message = first.message if first is not None else str(error)
        return None, [Problem(path, line or None, f"not well-formed XML: {message.strip()}")]


def internal_dtd_problems(tree, data: bytes, path: Path | str) -> list[Problem]:
    """A file with its own DTD (`<!DOCTYPE TEI [<!ENTITY x "...">]>`) means more than the edition
    reads: entities and attribute defaults are never expanded (no DTD is ever loaded), and the
    schema validators cannot check a tree holding unexpanded entities. The file is reported,
    with where each entity is used, and left out; the other files are unaffected."""
    if tree.docinfo.internalDTD is None:
        return []
    line = data[:max(data.find(b"<!DOCTYPE"), 0)].count(b"\n") + 1
    uses = [element for element in tree.iter() if isinstance(element, etree._Entity)]
    problems = [Problem(path, line, "declares its own DTD (<!DOCTYPE ... [ ... ]>), which the edition does not read"
                        + (f": {len(uses)} entity reference{'s' if len(uses) != 1 else ''} would stay unexpanded"
                           if uses else "")
                        + ". Write out each entity's text in its place and remove the DOCTYPE declaration")]
    for element in uses[:MAX_ERRORS_PER_FILE]:
        problems.append(Problem(path, element.sourceline, f"entity reference {element.text} (declared in the "
                                                          "file's own DTD, which the edition does not read)"))
    return problems


# ---------------------------------------------------------------------------------------------
# (b) the edition's schema
# ---------------------------------------------------------------------------------------------


def check_edition_schema(tree, path: Path | str) -> list[Problem]:
    """Validate with lxml (fast); on failure, ask xmlschema where exactly the first errors are."""
    schema = load_edition_schema()
    try:
        if schema.validate(tree):
            return []
    except etree.XMLSchemaValidateError as error:  # libxml2 gave up on this tree
        return [Problem(path, None, f"edition schema: the file could not be checked ({error})")]
    lxml_errors = [(entry.line, _short_names(entry.message)) for entry in schema.error_log]
    problems, total = _explain_with_xmlschema(tree, path)
    if not problems:
        # xmlschema agreed it is invalid but said nothing usable (or failed): lxml's own words.
        problems = [Problem(path, line or None, f"edition schema: {message}")
                    for line, message in lxml_errors[:MAX_ERRORS_PER_FILE]]
        total = len(lxml_errors)
    return capped(problems, total, path, "edition schema")


def capped(problems: list[Problem], total: int, path: Path | str, what: str) -> list[Problem]:
    """The first MAX_ERRORS_PER_FILE problems, and one line counting the others."""
    if total <= MAX_ERRORS_PER_FILE:
        return problems
    return problems[:MAX_ERRORS_PER_FILE] + [Problem(
        path, None, f"{what}: {total - MAX_ERRORS_PER_FILE:,} more errors in this file (the first "
                    f"{MAX_ERRORS_PER_FILE} are listed; fix them and validate again)")]


def _explain_with_xmlschema(tree, path: Path | str) -> tuple[list[Problem], int]:
    """The first errors explained, and how many there are (libxml2 reports only the first of
    a run of errors in one content model; xmlschema finds them all, the rest only counted)."""
    import itertools

    try:
        found = load_edition_xmlschema().iter_errors(tree)
        errors = list(itertools.islice(found, MAX_ERRORS_PER_FILE))
        total = len(errors) + sum(1 for _ in found)
    except Exception:  # a second opinion must never break validation
        return [], 0
    problems = []
    for error in errors:
        element = error.elem if isinstance(getattr(error, "elem", None), etree._Element) else None
        where = error.path or ""
        index = getattr(error, "index", None)
        if element is not None and isinstance(index, int) and 0 <= index < len(element):
            # "unexpected child": point at the child itself, not at its parent
            child = element[index]
            if isinstance(child.tag, str):
                element, where = child, readable_path(child)
        elif element is not None and not where:
            where = readable_path(element)
        line = element.sourceline if element is not None else getattr(error, "sourceline", None)
        reason = _short_names(error.reason or error.message)
        at = f" (at {where})" if where else ""
        problems.append(Problem(path, line or None, f"edition schema: {reason}{at}"))
    return problems, total


# ---------------------------------------------------------------------------------------------
# (c) TEI P5 tei_all
# ---------------------------------------------------------------------------------------------


def check_tei_all(tree, path: Path | str) -> list[Problem]:
    schema = tei_all_for(tree)
    try:
        if schema.validate(tree):
            return []
    except etree.RelaxNGValidateError as error:  # libxml2 gave up on this tree
        return [Problem(path, None, f"TEI P5 tei_all: the file could not be checked ({error})")]
    problems = []
    entries = list(schema.error_log)
    for entry in entries[:MAX_ERRORS_PER_FILE]:
        where = ""
        if entry.path:
            try:
                found = tree.xpath(entry.path)
                if found and isinstance(found[0], etree._Element):
                    where = f" (at {readable_path(found[0])})"
            except etree.XPathError:
                pass
        problems.append(Problem(path, entry.line or None, f"TEI P5 tei_all: {_short_names(entry.message)}{where}"))
    return capped(problems, len(entries), path, "TEI P5 tei_all")


# ---------------------------------------------------------------------------------------------
# (d) the edition's rules
# ---------------------------------------------------------------------------------------------


def check_rules(tree, path: Path | str) -> list[Problem]:
    """The contract's rules that neither schema can express (docs/encoding.md)."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    problems: list[Problem] = []

    def error(element, message: str) -> None:
        problems.append(Problem(path, getattr(element, "sourceline", None) or None, message))

    # xml:id: an XML name, unique, and the contract's scheme in the body.
    ids: dict[str, object] = {}
    for element in _elements(root):
        xml_id = element.get(XML_ID)
        if xml_id is None:
            continue
        if not _NCNAME.fullmatch(xml_id):
            error(element, f"xml:id '{xml_id}' is not an XML name (it must start with a letter or '_')")
        if xml_id in ids:
            error(element, f"duplicate xml:id '{xml_id}' (first used on line {ids[xml_id].sourceline})")
        else:
            ids[xml_id] = element
        prefix = ID_SCHEME.get(_local(element.tag))
        if prefix and element.tag.startswith(T) and any(a.tag == f"{T}text" for a in _ancestors(element)):
            if not re.fullmatch(rf"(?:{prefix})-[1-9][0-9]*", xml_id):
                scheme = " or ".join(f"{kind}-N" for kind in prefix.split("|"))
                error(element, f"<{_local(element.tag)}> xml:id '{xml_id}' does not follow the {scheme} scheme")

    # The document id: TEI/@xml:id and idno[@type='edition'] are the file's stem.
    stem = Path(str(path)).stem
    if _local(root.tag) == "TEI":
        root_id = root.get(XML_ID)
        if root_id is not None and root_id != f"doc-{stem}":
            error(root, f"TEI/@xml:id is '{root_id}' but the file is {stem}.xml: it must be 'doc-{stem}'")
        for idno in root.iterfind(f"{T}teiHeader/{T}fileDesc/{T}publicationStmt/{T}idno[@type='edition']"):
            if (idno.text or "").strip() != stem:
                error(idno, f"idno[@type='edition'] is '{(idno.text or '').strip()}' but the file is {stem}.xml")

    # Pointers: every "#id" resolves here; turns and names point to persons.
    for element in _elements(root):
        name = _local(element.tag)
        for attribute in POINTER_ATTRIBUTES:
            value = element.get(attribute)
            if value is None:
                continue
            for token in value.split():
                if not token.startswith("#"):
                    continue  # another file of the edition, or a URL
                target = ids.get(token[1:])
                if target is None:
                    error(element, f"{name}/@{attribute}=\"{token}\" points to nothing: no element has xml:id '{token[1:]}'")
                elif (name, attribute) in {("sp", "who"), ("persName", "ref")} and _local(target.tag) != "person":
                    error(element, f"{name}/@{attribute}=\"{token}\" must point to a person, not to <{_local(target.tag)}> "
                                   f"(line {target.sourceline})")

    # Roles: a speaker has at least one turn; a person only present never speaks.
    spoken: set[str] = set()
    for sp in root.iter(f"{T}sp"):
        spoken.update(token[1:] for token in (sp.get("who") or "").split() if token.startswith("#"))
    for person in root.iter(f"{T}person"):
        person_id, role = person.get(XML_ID), person.get("role")
        if role == "speaker" and person_id not in spoken:
            error(person, f"person '{person_id}' has role=\"speaker\" but no sp/@who points to it")
        elif role == "present" and person_id in spoken:
            error(person, f"person '{person_id}' has role=\"present\" but speaks (sp/@who=\"#{person_id}\")")

    # Footnotes stand at their markers, inside the paragraph or turn, not loose in the div.
    for note in root.iter(f"{T}note"):
        if note.get("place") != "foot":
            continue
        if not any(_local(ancestor.tag) in NOTE_CONTAINERS for ancestor in _ancestors(note)):
            parent = note.getparent()
            error(note, f"footnote n=\"{note.get('n', '?')}\" stands loose in <{_local(parent.tag)}>: "
                        "move it to its marker inside a p or sp")

    # Provenance: the conversion change names the source file's sha256.
    revision = root.find(f"{T}teiHeader/{T}revisionDesc")
    changes = [] if revision is None else revision.findall(f"{T}change")
    if not any(_SHA256.search("".join(change.itertext())) for change in changes):
        error(revision if revision is not None else root,
              "no revisionDesc/change records the source's sha256 (expected 'sha256' and 64 hex digits)")

    return capped(problems, len(problems), path, "edition rules")


# ---------------------------------------------------------------------------------------------
# One document
# ---------------------------------------------------------------------------------------------


def validate_tree(tree, path: Path | str, tei_all: bool = True) -> FileResult:
    """Check an already parsed document (checks b, c and d); ``path`` names it in messages."""
    result = FileResult(Path(str(path)), well_formed=True)
    _check_tree(result, tree, tei_all=tei_all, tei_all_problems=None)
    return result


def _check_tree(result: FileResult, tree, tei_all: bool, tei_all_problems: list[Problem] | None) -> None:
    path = result.path
    if not hasattr(tree, "getroot"):  # an element: validate its document
        tree = tree.getroottree()
    schema_problems = check_edition_schema(tree, path)
    result.passed_edition_schema = not schema_problems
    result.problems.extend(schema_problems)
    if tei_all:
        if tei_all_problems is None:
            from edition.schematron import check_schematron  # tei_all's embedded rules: Saxon, loaded on first use

            tei_all_problems = check_tei_all(tree, path) + check_schematron(tree, path)
        else:
            result.tei_all_cached = True
        result.passed_tei_all = not tei_all_problems
        result.problems.extend(tei_all_problems)
    rule_problems = check_rules(tree, path)
    result.passed_rules = not any(problem.severity == "error" for problem in rule_problems)
    result.problems.extend(rule_problems)


class _ResultCache:
    """Whole results by (file name, sha256 of its bytes, version of the checks), in one JSON file.

    The edition schema and the rules are cached too, not only tei_all: at 10,000 documents even
    a millisecond each adds up, and a no-op rebuild must cost no more than reading the files.
    The file name is part of the key because the rules compare the document id with it.
    """

    def __init__(self, location: Path | None):
        self.location = location
        self.entries: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        self.changed = False
        if location is not None and location.is_file():
            try:
                data = msgspec.json.decode(location.read_bytes())
                if isinstance(data, dict) and data.get("format") == CACHE_FORMAT and isinstance(data.get("entries"), dict):
                    self.entries = data["entries"]
            except (OSError, ValueError):
                self.entries = {}  # a damaged cache is only a slower run

    @staticmethod
    def key(path: Path, digest: str) -> str:
        return f"{path.name}:{digest}:{checks_version()}"

    def get(self, path: Path, digest: str, tei_all: bool) -> FileResult | None:
        if self.location is None:
            return None
        entry = self.entries.get(self.key(path, digest))
        if entry is None or (tei_all and entry.get("tei_all") is None):
            return None
        self.used[self.key(path, digest)] = entry
        result = FileResult(path, well_formed=True, passed_edition_schema=entry["edition_schema"],
                            passed_rules=entry["rules"], passed_tei_all=entry["tei_all"] if tei_all else None,
                            tei_all_cached=tei_all)
        result.problems = [Problem(path, line, message, severity) for line, message, severity in entry["problems"]
                           if tei_all or not message.startswith("TEI P5 tei_all")]
        return result

    def put(self, digest: str, result: FileResult) -> None:
        if self.location is None or not result.well_formed:
            return
        self.used[self.key(result.path, digest)] = {
            "edition_schema": result.passed_edition_schema, "rules": result.passed_rules,
            "tei_all": result.passed_tei_all,
            "problems": [[problem.line, problem.message, problem.severity] for problem in result.problems]}
        self.changed = True

    def save(self, keep: int) -> None:
        if self.location is None or not self.changed:
            return
        older = [(key, value) for key, value in self.entries.items() if key not in self.used]
        entries = dict(older[-keep:])
        entries.update(self.used)
        write_atomic(self.location, msgspec.json.encode({"format": CACHE_FORMAT, "entries": entries}), durable=False)


@functools.cache
def checks_version() -> str:
    """What a cached result depends on besides the file: the schemas, libxml2, this code."""
    from edition import __version__

    code = b"".join((Path(__file__).parent / name).read_bytes() for name in ("validate.py", "tei_all_subset.py", "schematron.py"))
    digest = hashlib.sha256(EDITION_XSD.read_bytes() + code).hexdigest()
    return f"{__version__}-{digest[:12]}-{tei_all_version()}"


def _validate_file(path: Path, tei_all: bool, shown: Path | None = None) -> FileResult:
    """shown: the file's name in the result and its messages (default: `path`)."""
    shown = shown or path
    result = FileResult(shown)
    try:
        data = path.read_bytes()
    except OSError as error:
        result.problems.append(Problem(shown, None, f"cannot read: {error.strerror or error}"))
        return result
    tree, problems = parse_bytes(data, shown)
    if tree is None:
        result.problems.extend(problems)
        return result
    result.well_formed = True
    _check_tree(result, tree, tei_all=tei_all, tei_all_problems=None)
    return result


def _validate_in_worker(paths: tuple[str, str], tei_all: bool) -> FileResult:
    """paths: the file's absolute path, which a worker with another current folder (a Dask
    worker) can open, and its path as the caller gave it, for the messages."""
    absolute, shown = paths
    return _validate_file(Path(absolute), tei_all, shown=Path(shown))


# ---------------------------------------------------------------------------------------------
# Many documents
# ---------------------------------------------------------------------------------------------


def _collect(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    listings = Listings()  # one listing per folder: a build names 10,000 files of one
    for path in paths:
        path = path if isinstance(path, Path) else Path(path)  # a path made again for each of 10,000 files: 0.05 s
        folder, name = os.path.split(os.fspath(path))
        folder = folder or "."
        is_folder = True if name in listings.folders(folder) else False if name in listings.names(folder) else None
        if is_folder is None:  # not listed as spelled: "", "..", or a name in another case (macOS, Windows)
            is_folder = True if path.is_dir() else False if path.is_file() else None
        if is_folder:
            files.extend(sorted(path.glob("*.xml"), key=lambda p: p.name))  # by name: Path comparisons cost seconds at 10,000
        elif is_folder is False:
            files.append(path)
        else:
            raise EditionError(f"{path}: no such file or folder")
    unique = list(dict.fromkeys(files))
    if not unique:
        raise EditionError(f"no TEI files (*.xml) in {', '.join(str(path) for path in paths)}")
    return unique


# Below this many files to check, worker processes cost more than they save (each one loads
# the schemas again, ~0.15 s each).
PARALLEL_FROM = 64


def validate_paths(paths: list[Path], tei_all: bool = True, cache: Path | None = None, jobs: int = 0,
                   progress: bool = False, executor: ExecutorSpec = None) -> ValidationReport:
    """Validate TEI files and folders of ``*.xml`` files.

    ``cache``: a JSON file remembering results by file content, so that an unchanged file is
    not checked again (and tei_all not even loaded when no file changed). Default: no cache.
    ``jobs``: worker processes for the files to check (0: one per core).
    ``executor``: where the files are checked (edition.executor: process, serial, thread,
    dask://HOST:PORT or an Executor; None: ``jobs`` worker processes).
    """
    results_cache = _ResultCache(Path(cache) if cache is not None else None)
    files = _collect(list(paths))
    results: dict[Path, FileResult] = {}
    digests: dict[Path, str] = {}
    hashes: dict[str, FileHashes] = {}  # by folder name: a Path made for each file's folder cost 0.05 s at 10,000
    for path in files:
        folder_name = os.path.dirname(os.fspath(path))
        folder = hashes.get(folder_name)
        if folder is None:
            folder = hashes[folder_name] = FileHashes(Path(folder_name or "."))
        try:
            digests[path] = folder.sha256(path)
        except OSError:
            continue  # _validate_file reports it
        cached = results_cache.get(path, digests[path], tei_all)
        if cached is not None:
            results[path] = cached
    todo = [path for path in files if path not in results]
    large = len(files) >= LARGE_EDITION
    for path, result in zip(todo, _validate_many(todo, tei_all, jobs, executor, progress, apart=large)):
        results[path] = result
        if path in digests:
            results_cache.put(digests[path], result)
    for folder in hashes.values():
        folder.save()
    try:
        results_cache.save(keep=max(CACHE_MAX_ENTRIES, len(files)))
    except OSError:
        pass  # the cache only saves time
    return ValidationReport.from_files([results[path] for path in files], tei_all=tei_all,
                                       checksums={os.path.abspath(path): value for path, value in digests.items()})


def _validate_many(paths: list[Path], tei_all: bool, jobs: int, executor: ExecutorSpec,
                   progress: bool, apart: bool = False) -> Iterable[FileResult]:
    from tqdm import tqdm

    bar = tqdm(total=len(paths), desc="validate", unit="doc", file=sys.stderr, leave=False,
               disable=not progress or len(paths) < 20 or not sys.stderr.isatty())
    check = functools.partial(_validate_in_worker, tei_all=tei_all)
    with bar:
        for result in map_work(check, [(os.path.abspath(path), str(path)) for path in paths], jobs=jobs,
                               executor=executor, in_process_below=PARALLEL_FROM, apart=apart):
            yield result
            bar.update()


def print_validation(report: ValidationReport, out: TextIO | None = None) -> None:
    """One ``file:line: severity: message`` line per problem, then a one-line summary."""
    out = out or sys.stdout
    for problem in report.problems:
        print(problem, file=out)
    count = len(report.files)
    files = "file" if count == 1 else "files"
    checks = "edition schema, TEI P5 tei_all, edition rules" if report.tei_all else \
        "edition schema, edition rules (TEI P5 tei_all not checked)"
    if report.ok:
        print(f"{count} {files} valid: {checks}", file=out)
    else:
        bad = sum(1 for result in report.files if not result.ok)
        errors = sum(1 for problem in report.problems if problem.severity == "error")
        print(f"{bad} of {count} {files} invalid ({errors} error{'s' if errors != 1 else ''}); checked: {checks}",
              file=out)
