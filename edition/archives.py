"""Archival citations: found wherever a record prints one, parsed into the parts of a TEI `msIdentifier`.

API for the readers:

    load_archives(path=None) -> tuple[Archive, ...]
        The packaged register (`edition/data/archives.toml`), with an edition's own register
        (`registers/archives.toml`, passed in by the CLI) merged over it, key by key.

    find_citation(paragraphs, notes, front_matter=None, conventions=None) -> CitationFinding | None
        `paragraphs`: (line, text) of the whole record; `notes`: (n, line, text) of its notes.
        Tries the conventions of `edition/data/citations.toml` in order: a `Citation:` block, the
        first note starting `Source:` (FRUS; `note_n` says which note it consumed), a `Source:`
        line, a FRUS file line under the heading (`893.24/5–1149`, `Marshall Mission Files, Lot
        54–D270`), a bracketed shelfmark (`[AA : A4311/1, BOX 453]`), a paragraph opening with a
        known archive's name, a front matter's key. The classification (`Secret; Nodis.`) and the
        drafting notes that follow the citation are split off into their own fields.

    parse_citation(text, archives=None, finding=None) -> ArchivalSource
        Never None. Repository (a known archive: its full name, abbreviation, country and city;
        an unknown one as printed, with a warning naming the register entry to add), typed idnos
        (record group, series, collection, box, folder, file, lot, decimal file, fond/opis/delo,
        dossier, reel, volume …), folios or pages as locus; what cannot be typed is kept whole as
        an idno of type "shelfmark". Problems are returned in `source.warnings`, never raised.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from edition.model import ArchivalSource, Copy
from edition.persons import ascii_fold


@dataclass(frozen=True)
class Archive:
    abbreviation: str
    name: str
    names: tuple[str, ...]
    country: str
    settlement: str
    language: tuple[str, str] | None = None  # (code, name) of the records' usual language
    abbreviations: tuple[str, ...] = ()
    divisions: tuple[str, ...] = ()
    patterns: tuple[re.Pattern, ...] = ()
    ref: str = ""


# --- registers -----------------------------------------------------------------------------------

def load_archives(path: Path | None = None) -> tuple[Archive, ...]:
    """The packaged register, with the entries of an edition's file merged over it."""
    if path is None:
        return default_archives()
    table = dict(_packaged_table())
    for key, entry in tomllib.loads(path.read_text("utf-8")).items():
        table[key] = {**table.get(key, {}), **entry}
    return archives_from_table(table)


@cache
def default_archives() -> tuple[Archive, ...]:
    return archives_from_table(_packaged_table())


@cache
def _packaged_table() -> dict:
    return tomllib.loads(resources.files("edition.data").joinpath("archives.toml").read_text("utf-8"))


def archives_from_table(data: dict) -> tuple[Archive, ...]:
    return tuple(Archive(key, entry["name"], tuple(entry.get("names", [])), entry.get("country", ""),
                         entry.get("settlement", ""), tuple(entry["language"]) if "language" in entry else None,
                         tuple(dict.fromkeys([key, *entry.get("abbreviations", [])])), tuple(entry.get("divisions", [])),
                         tuple(re.compile(pattern) for pattern in entry.get("patterns", [])), entry.get("ref", ""))
                 for key, entry in data.items())


@cache
def default_conventions() -> dict:
    return tomllib.loads(resources.files("edition.data").joinpath("citations.toml").read_text("utf-8"))


# --- finding the citation ------------------------------------------------------------------------

@dataclass
class CitationFinding:
    text: str  # the citation, less its label, classification and drafting notes
    line: int | None
    where: str  # block | footnote | source-line | bracket | front-matter
    convention: str = ""  # the convention of citations.toml that found it (file-line, archive-paragraph …)
    note_n: str = ""  # the note it consumed: that note is the citation, not an ordinary note
    classification: str = ""  # "Secret; Nodis.", "No classification marking."
    rest: str = ""  # the drafting note and whatever else followed the citation, as printed
    supplied_archive: str = ""  # an archive the record does not print, supplied by convention (FRUS file lines)


def find_citation(paragraphs: list[tuple[int, str]], notes: list[tuple[str, int, str]],
                  front_matter: dict | None = None, conventions: dict | None = None,
                  archives: tuple[Archive, ...] | None = None) -> CitationFinding | None:
    """The record's archival citation, by the first convention that finds one."""
    conventions = conventions or default_conventions()
    archives = default_archives() if archives is None else archives
    paragraphs = [(line, _unwrap(text)) for line, text in paragraphs]
    lines = [(line + offset, _unwrap(part)) for line, text in paragraphs for offset, part in enumerate(text.split("\n"))]
    finders = {"block": _in_block, "footnote": _in_footnote, "source-line": _in_source_line,
               "file-line": _in_file_line, "bracket": _in_bracket, "archive-paragraph": _in_archive_paragraph,
               "front-matter": _in_front_matter}
    for name in conventions["order"]:
        # Conventions of a line of its own read lines (a PDF's text has no blank lines to make
        # paragraphs); a block or a paragraph may run over several.
        units = lines if name in ("source-line", "file-line", "bracket") else paragraphs
        finding = finders[name](units, notes, front_matter, conventions, archives)
        if finding:
            _split_off_classification(finding, conventions)
            finding.classification = finding.classification or _classification_line(lines, conventions)
            return finding
    return None


_EMPHASIS_START = re.compile(r"^\s*[*_]")  # compiled once (see readers.participants._FIELD)
_INLINE_CITATION = re.compile(r"\bCitation:\s*")


def _unwrap(text: str) -> str:
    """Markdown emphasis around a whole line (`_[AA : …]_`, `*893.24/5–1149*`, `**Citation:**`)."""
    return text.strip().strip("*_ \t\n") if _EMPHASIS_START.match(text) else text.strip()


def _field_label(text: str, labels: list[str]) -> re.Match | None:
    return _field_label_pattern(tuple(labels)).match(text)


@functools.lru_cache(maxsize=64)
def _field_label_pattern(labels: tuple[str, ...]) -> re.Pattern:
    """The labels of a citation block (a source family's conventions), longest first; compiled
    once per family, not on every question (450,000 of them for 10,000 records)."""
    names = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^\W*(?:{names})\W*?(?::|$)\s*(?:\*\*|__)?\s*", re.I)


def _in_block(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    labels, stops = conventions["block"]["labels"], conventions["block"]["stops"]
    for index, (line, text) in enumerate(paragraphs):
        inline = _INLINE_CITATION.search(text)
        label = _field_label(text, labels)
        if label and text[label.end():].strip():
            return _block_finding(text[label.end():], line, stops, archives)
        if label:
            for next_line, following in paragraphs[index + 1:index + 5]:
                if _field_label(following, stops):
                    break
                if _looks_like_citation(following, archives):
                    return _block_finding(following, next_line, stops, archives)
        elif inline and _looks_like_citation(text[inline.end():], archives):  # a run-on page (docslib)
            return _block_finding(text[inline.end():], line, stops, archives)
    return None


def _block_finding(text: str, line: int, stops: list[str], archives) -> CitationFinding:
    """The block's text from its first line that looks like a citation (a page may print the
    summary between the label and the citation) to the next field of the page."""
    lines = text.split("\n")
    first = next((i for i, part in enumerate(lines)
                  if part.lstrip()[:1] in "\"“" or _looks_like_citation(part, archives)), 0)
    return CitationFinding(_cut_at_stops(" ".join(" ".join(lines[first:]).split()), stops), line + first,
                           "block", "block")


def _cut_at_stops(text: str, stops: list[str]) -> str:
    """The citation ends at the page's next field ("Summary:") or at the record's web address."""
    names = "|".join(re.escape(stop) for stop in stops)
    text = re.split(rf"\s(?:{names}):", text)[0]
    return re.split(r"\s+https?://\S+", text)[0].strip()


_WILSON_FORM = re.compile(r"^[\"“].{5,}?[,.]?[\"”],?\s+(?:\w+ \d{1,2}, )?\d{4}|Digital Archive,")


def _looks_like_citation(text: str, archives: tuple[Archive, ...]) -> bool:
    return bool(_WILSON_FORM.search(text) or find_archive(text, archives))


def _in_footnote(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    starts = conventions["footnote"]["starts"]
    for n, line, text in notes:
        text = " ".join(_unwrap(text).split())
        for start in starts:
            if text.startswith(start):
                return CitationFinding(text[len(start):].strip(), line, "footnote", "footnote", note_n=str(n))
    return None


def _in_source_line(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    for line, text in paragraphs:
        label = _field_label(text, conventions["source-line"]["labels"])
        if label and text[label.end():].strip() and re.match(r"^\W*\w+[^:]*:", text):
            return CitationFinding(text[label.end():].strip(), line, "source-line", "source-line")
    return None


def _in_file_line(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    """FRUS's file number under the heading (only in the opening paragraphs, where FRUS puts it)."""
    file_line = conventions["file-line"]
    patterns = [re.compile(pattern) for pattern in file_line["patterns"]]
    for line, text in paragraphs[:40]:
        for pattern in patterns:
            match = pattern.match(text)
            if match:
                return CitationFinding(match.group("reference"), line, "source-line", "file-line",
                                       supplied_archive=file_line["archive"])
    return None


def _in_bracket(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    pattern = re.compile(conventions["bracket"]["pattern"])
    for line, text in reversed(paragraphs):
        match = pattern.match(text)
        if match and find_archive(match.group("reference"), archives, strict=False):
            return CitationFinding(match.group("reference"), line, "bracket", "bracket")
    return None


def _in_archive_paragraph(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    """A paragraph that opens with a known archive's name and goes on with a shelfmark
    (the Wilson Center page's "Document Information": `Arkivi Qendror Shtetëror (…), Fondi 14/AP, …`)."""
    for line, text in paragraphs:
        archive = find_archive(text[:120], archives)
        if archive and _starts_with_archive(text, archive) and re.search(r"\d", text) and len(text) < 600:
            return CitationFinding(text, line, "block", "archive-paragraph")
    return None


def _starts_with_archive(text: str, archive: Archive) -> bool:
    return any(text.startswith(name) for name in (archive.name, *archive.names, *archive.abbreviations))


def _in_front_matter(paragraphs, notes, front_matter, conventions, archives) -> CitationFinding | None:
    for key in conventions["front-matter"]["keys"]:
        value = _front_matter_value(front_matter or {}, key)
        if value:
            return CitationFinding(value.strip().strip("[]"), None, "front-matter", "front-matter")
    return None


def _front_matter_value(data: dict, key: str) -> str:
    head, _, tail = key.partition(".")
    value = data.get(head)
    if tail and isinstance(value, list):
        value = next((item.get(tail) for item in value if isinstance(item, dict) and item.get(tail)), None)
    elif tail and isinstance(value, dict):
        value = value.get(tail)
    return value if isinstance(value, str) else ""


# --- classification and drafting notes -----------------------------------------------------------

def _sentences(text: str) -> list[str]:
    """Sentences of a source note; the full stop of an abbreviation (`Vol. 5`, `ll. 9`, `D.C.`)
    does not end one."""
    parts = re.split(r"(?<=[.;])\s+(?=[A-Z])", text)
    sentences: list[str] = []
    for part in parts:
        if sentences and re.search(r"(?:\b[A-Z][a-z]{0,3}\.|\b[a-z]{1,3}\.|\b[A-Z]\.)$", sentences[-1]) \
                and not _is_classification(part, default_conventions()):
            sentences[-1] += " " + part
        else:
            sentences.append(part)
    return sentences


def _is_classification(sentence: str, conventions: dict) -> bool:
    words = conventions["classification"]["words"]
    statements = conventions["classification"]["statements"]
    text = sentence.strip().rstrip(".").strip()
    if any(re.fullmatch(statement, text, re.I) for statement in statements):
        return True
    pieces = [piece.strip() for piece in re.split(r"[;,]|\band\b", text) if piece.strip()]
    folded = {word.casefold() for word in words}
    return bool(pieces) and all(piece.casefold() in folded for piece in pieces)


def _split_off_classification(finding: CitationFinding, conventions: dict) -> None:
    """`…, POL 7 CHICOM. Secret; Nodis. Drafted by …` → citation, classification, the rest."""
    if finding.where not in ("footnote", "source-line"):
        return
    sentences = _sentences(finding.text)
    drafting = tuple(conventions["classification"]["drafting"])
    citation, classification, rest = [], [], []
    for sentence in sentences:
        if _is_classification(sentence, conventions) and not rest:
            classification.append(sentence)
        elif citation and (sentence.startswith(drafting) or classification or rest):
            rest.append(sentence)
        else:
            citation.append(sentence)
    finding.text = " ".join(citation).strip()
    if finding.text.endswith(".") and not re.search(r"\b\w{1,3}\.$", finding.text):
        finding.text = finding.text[:-1]
    finding.classification = " ".join(classification)
    finding.rest = " ".join(rest)


def _classification_line(paragraphs: list[tuple[int, str]], conventions: dict) -> str:
    """A classification printed on a line of its own near the top ("TOP SECRET")."""
    for _, text in paragraphs[:15]:
        stripped = text.strip("[]* ")
        if stripped and len(stripped) < 60 and _is_classification(stripped, conventions):
            return stripped
    return ""


# --- parsing the citation ------------------------------------------------------------------------

def find_archive(citation: str, archives: tuple[Archive, ...], strict: bool = True) -> Archive | None:
    """The archive a citation names: by a name as printed (the longest that matches, so that
    "National Archives of Australia" is not "National Archives"), else by an abbreviation in
    brackets, before a colon or opening the citation. `strict=False` accepts an abbreviation
    anywhere as a word (inside a bracketed shelfmark, which holds nothing else)."""
    best: tuple[int, Archive] | None = None
    for archive in archives:
        for name in (archive.name, *archive.names):
            # the substring test first: a register of a hundred archives is a thousand names,
            # more patterns than Python's own cache of compiled ones holds
            if name in citation and _name_pattern(name).search(citation) and (best is None or len(name) > best[0]):
                best = (len(name), archive)
    if best:
        return best[1]
    for archive in archives:
        for abbreviation in archive.abbreviations:
            if abbreviation not in citation:
                continue
            printed, before_number, anywhere = _abbreviation_patterns(abbreviation)
            if printed.search(citation):
                return archive
            if len(abbreviation) > 3 and before_number.search(citation):  # "PRC FMA 204-…"
                return archive
            if not strict and anywhere.search(citation):
                return archive
    folded = citation.casefold()  # a citation printed in capitals
    return next((archive for archive in archives for name in (archive.name, *archive.names)
                 if len(name) > 12 and name.casefold() in folded), None)


@functools.lru_cache(maxsize=None)
def _abbreviation_patterns(abbreviation: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """An abbreviation in brackets, before a colon or opening the citation; before a number; anywhere."""
    escaped = re.escape(abbreviation)
    return (re.compile(rf"\({escaped}\)|(?<![\w-]){escaped}\s*:|^\W*{escaped}(?:,|\s+(?=\d))"),
            re.compile(rf"(?<![\w-]){escaped}\s+(?=\d)"), re.compile(rf"(?<![\w-]){escaped}(?![\w-])"))


# One part of the reference (what lies between commas) → (idno type, pattern); tried in order.
_PARTS = [
    ("record group", re.compile(r"^(?:RG|Record Group)\s*(?P<value>\d+\w*)$", re.I)),
    ("box", re.compile(r"^(?:(?:box|boîte|karton|doboz)\s+|kart\.\s*)(?P<value>\S+)$", re.I)),
    ("folder", re.compile(r"^(?:(?:folder|teczka|papka)\s+|pap\.\s*)(?P<value>.+)$", re.I)),
    ("file", re.compile(r"^file\s+(?:no\.\s*)?(?P<value>.+)$", re.I)),
    ("file", re.compile(r"^(?P<value>CF\s+\d+\w*)$")),  # a conference file of a State Department lot ("CF 2045")
    ("lot", re.compile(r"^lot\s+(?P<value>\d+\s*[-–]?\s*[A-Z]\s*\d+)$", re.I)),
    ("decimal file", re.compile(r"^(?P<value>\d{3}\.\d+[A-Z]*\d*/\d+[-–]\d+)$")),
    ("fond", re.compile(r"^(?:fond|f\.|fondi|zespół|zesp\.)\s*(?:\([^)]*\)\s*)?(?P<value>\S+)$", re.I)),
    ("opis", re.compile(r"^(?:opis|op\.)\s*(?:\([^)]*\)\s*)?(?P<value>\S+)$", re.I)),
    ("delo", re.compile(r"^(?:delo|d\.)\s*(?:\([^)]*\)\s*)?(?P<value>\S+)$", re.I)),
    ("dossier", re.compile(r"^(?:dos\.|dosja|dossier|dosar)\s*(?P<value>\S+)$", re.I)),
    ("archival unit", re.compile(r"^(?:a\.\s?e\.|a\.\s?j\.|j\.\s?a\.|ark\.\s?ed\.)\s*(?P<value>\S+)$", re.I)),
    ("year", re.compile(r"^(?:v\.|viti)\s*(?P<value>\d{4})$", re.I)),
    ("reel", re.compile(r"^(?:reel|microfilm reel)\s*(?P<value>\S+)$", re.I)),
    ("volume", re.compile(r"^(?:vol\.|volume|tom|t\.|sv\.|Bd\.|Band)\s*(?P<value>\S+)$", re.I)),
    ("series", re.compile(r"^series\s+(?P<value>.+)$", re.I)),
    ("item", re.compile(r"^(?:item|tétel|pozycja|poz\.)\s*(?P<value>\S+)$", re.I)),
    ("signature", re.compile(r"^(?:sygn\.|sygnatura|inv\.\s*č\.|Signatur)\s*(?P<value>.+)$", re.I)),
    ("number", re.compile(r"^(?:Nr\.|No\.|Number)\s*(?P<value>\S+)$")),
]
_FOLIOS = re.compile(r"^(?P<unit>listy\s*\(ll\.\)|listy|ll?\.|fl\.|ff\.|fols?\.|folios?|pp?\.|pages?|Bl\.|k\.|str\.)"
                     r"\s*(?P<from>\d+\w?)(?:\s*[-–]\s*(?P<to>\d+\w?))?$", re.I)
_TRANSLATORS = re.compile(r"(?:Contributed and translated|Translated|translation from \w+|Translation)\s+by\s+"
                          r"(?P<names>.+?)(?:\.\s+(?=[A-Z][a-z]{2,}\s)|;|\.?$)")
_PUBLISHED = re.compile(r"Published in (?P<where>.+?)\.?\s*$")
# The credits that follow the reference in a Wilson Center citation.
_CREDITS = re.compile(r"[.;]\s+(?:Contributed|Translated|translation|Published|Reprinted|Obtained|Donated)|"
                      r";\s*translation|\.\s+(?=[A-Z][a-z]+ [a-z])")


def parse_citation(citation: str, archives: tuple[Archive, ...] | None = None,
                   finding: CitationFinding | None = None) -> ArchivalSource:
    """Split a citation into repository, idnos, folios and copies held elsewhere."""
    archives = default_archives() if archives is None else archives
    source = ArchivalSource(citation=citation)
    if finding:
        source.classification, source.drafting, source.where = finding.classification, finding.rest, finding.where
    supplied = finding.supplied_archive if finding else ""
    archive = find_archive(citation, archives, strict=bool(finding is None or finding.where != "bracket"))
    holder = _files_holder(citation) if archive is None else None
    if holder:
        # "Department of State, Central Files, POL 7 JAPAN": the Department's files, in the
        # archive the file-line convention names; the Department is no part of the shelfmark
        supplied = default_conventions()["file-line"]["archive"]
        citation_reference = citation[holder.end():]
    else:
        citation_reference = citation
    if archive is None and supplied:
        archive = next((a for a in archives if a.abbreviation == supplied), None)
        source.repository_supplied = archive is not None
        if source.repository_supplied:
            for kind, value in default_conventions()["file-line"].get("supplied", []):
                source.idnos.append((kind, value))
    if archive is not None:
        source.country, source.settlement = archive.country, archive.settlement
        source.repository, source.abbreviation, source.ref = archive.name, archive.abbreviation, archive.ref
        reference = citation_reference if source.repository_supplied else _reference_part(citation, archive)
    else:
        reference = _unknown_archive(citation, source)
    copy = re.search(r",?\s*copy in (?P<copy>.+?)(?:;|\.\s+[A-Z]|\.$|$)", reference)
    if copy:
        source.copy = copy.group("copy").strip().rstrip(",")
        source.copy_parts = parse_copy(source.copy, archives)
        reference = reference[: copy.start()]
    _read_reference(reference, archive, source)
    return source


def _files_holder(citation: str) -> re.Match | None:
    """The holder FRUS names before the State Department's files (`Department of State, `)."""
    holders = default_conventions()["file-line"].get("holders", [])
    names = "|".join(re.escape(name) for name in sorted(holders, key=len, reverse=True))
    return re.match(rf"^\s*(?:{names})\s*[,:]\s*", citation) if names else None


def _unknown_archive(citation: str, source: ArchivalSource) -> str:
    """The repository as printed (what comes before the first comma or colon), and a warning
    naming the register entry to add."""
    text = re.sub(r"^[\"“][^\"”]+[\"”],?\s*(?:\w+ \d{1,2}, \d{4},\s*)?", "", citation)  # a quoted title and date
    text = re.sub(r"^History and Public Policy Program Digital Archive,\s*", "", text)
    match = re.match(r"^\s*(?P<name>[^,:;]+?)\s*[,:;]\s*(?P<rest>.*)$", text)
    name, rest = (match.group("name"), match.group("rest")) if match else (text.strip(), "")
    source.repository = name
    initials = "".join(word[0] for word in re.findall(r"[^\W\d_]{3,}", name) if word[0].isupper())
    key = ascii_fold(initials).upper() or "ARCHIVE"
    source.warnings.append(f"the archive '{name}' is not in the register of archives; add it to "
                           f"registers/archives.toml as [{key}] with name = \"{name}\", country = \"…\", "
                           f"settlement = \"…\" (and its abbreviations)")
    return rest


@functools.lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern:
    """An archive's name (or abbreviation) as a whole word; compiled once per name."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")


def _reference_part(citation: str, archive: Archive) -> str:
    """The text after the archive's name (and its parenthesised gloss), up to the credits."""
    found = []
    for name in (archive.name, *archive.names, *archive.abbreviations):
        match = _name_pattern(name).search(citation)
        if match:
            found.append((match.start(), -len(name), match.end()))
    if not found:
        return ""
    _, _, end = min(found)  # the first mention, in its longest form
    rest = citation[end:]
    rest = re.sub(r"^\s*\([^)]*\)", "", rest)  # "(Central State Archives, Tirana, Albania)", "(APRF)"
    rest = re.sub(r"^\s*:", "", rest)  # "APRF: F. 39"
    rest = _CREDITS.split(rest)[0]
    return rest.strip(" ,.")


def _read_reference(reference: str, archive: Archive | None, source: ArchivalSource) -> None:
    parts = [part.strip(" .") for part in re.split(r"[,;]", reference) if part.strip(" .")]
    unparsed = []
    for index, part in enumerate(parts):
        if archive is not None and part in archive.divisions:
            source.institution, source.repository = source.repository, part
        elif archive is not None and _names_the_place(part, archive):
            continue  # "The National Archives, Kew, FO 371/…": the city, already in settlement
        elif index == len(parts) - 1 and source.idnos and (pages := re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", part)):
            # a bare range closing a reference ("PRC FMA 204-00007-01, 1-5") is its pages
            source.locus_from, source.locus_to, source.locus_text = pages.group(1), pages.group(2), part
        elif not _read_part(part, archive, source):
            unparsed.append(part)
    if unparsed:
        source.idnos.append(("shelfmark", reference.strip(" ,.")))
        source.unparsed = unparsed


def _names_the_place(part: str, archive: Archive) -> bool:
    places = {piece.strip() for piece in archive.settlement.split(",")} | {archive.country}
    return part in places


def _read_part(part: str, archive: Archive | None, source: ArchivalSource) -> bool:
    """Type one part of the reference; False when it is a number nobody knows how to read."""
    folios = _FOLIOS.match(part)
    if folios:
        source.locus_from = folios.group("from")
        source.locus_to = folios.group("to") or folios.group("from")
        source.locus_text = part
        return True
    for pattern in archive.patterns if archive else ():
        match = pattern.match(part)
        if match:
            source.idnos += [(kind.replace("_", " "), value) for kind, value in match.groupdict().items() if value]
            return True
    for kind, pattern in _PARTS:
        match = pattern.match(part)
        if match:
            source.idnos.append((kind, match.group("value")))
            return True
    lot = re.match(r"^(?P<collection>.+?):?\s+[Ll]ot\s+(?P<lot>\d+\s*[-–]?\s*[A-Z]\s*\d+)$", part)
    if lot:
        _add_collection(source, lot.group("collection"))
        source.idnos.append(("lot", lot.group("lot")))
        return True
    if re.search(r"[A-Za-zÀ-ž]{3,}", part) and part[:1].isupper():
        # A named series between the numbered parts: "Marrëdhëniet me Partinë Komuniste të Kinës",
        # "Kissinger Papers", "Central Files 1970-73".
        _add_collection(source, part)
        return True
    return False


def _add_collection(source: ArchivalSource, name: str) -> None:
    source.collections.append(name)
    source.collection = ", ".join(source.collections)


def translators(citation: str) -> list[str]:
    match = _TRANSLATORS.search(citation)
    if not match:
        return []
    names = re.split(r",\s*|\s+and\s+", match.group("names").strip().rstrip("."))
    return [name.strip() for name in names if name.strip()]


def publication(citation: str) -> str:
    match = _PUBLISHED.search(citation)
    return match.group("where") if match else ""


def parse_copy(text: str, archives: tuple[Archive, ...]) -> Copy:
    """A copy held elsewhere, by its parts: the archive holding it (and its division), the named
    collection, the microfilm reel, the city; "Reel 17, Dmitrii Volkogonov Collection, Library of
    Congress, Washington, DC"."""
    copy = Copy(text)
    archive = find_archive(text, archives)
    if archive is not None:
        copy.repository, copy.settlement = archive.name, archive.settlement
    places = {piece.strip() for piece in archive.settlement.split(",")} if archive is not None else set()
    for part in (piece.strip(" .") for piece in text.split(",")):
        reel = re.fullmatch(r"(?:microfilm\s+)?reel\s+(?P<reel>\S+)", part, re.I)
        if reel:
            copy.reel = reel.group("reel")
        elif archive is not None and part in archive.divisions:
            copy.institution, copy.repository = archive.name, part
        elif archive is not None and (part in places or part in (archive.name, *archive.names, archive.country)):
            continue
        elif re.search(r"\b(?:Collection|Papers|Archive|Fonds?)\b", part):
            copy.collection = part
    return copy


def reconcile_folios(sources: list[ArchivalSource]) -> None:
    """Folios that cannot both be right, read as the edition reads them; the printed range is
    kept as printed. A range whose end is smaller than its start is doubtful. Two records of the
    same file (the same idnos) with the same first folio and different last ones: a last folio
    that is the other's with one digit added or repeated (477 for 77) is a misprint of it. Each
    source then carries the reading and a note saying why (`locus_note`)."""
    for source in sources:
        if source.locus_from.isdigit() and source.locus_to.isdigit() and int(source.locus_to) < int(source.locus_from):
            source.locus_note = (f"The folios are printed as “{source.locus_text}”: the range ends before it begins, "
                                 "so one of its numbers is misprinted.")
    for source in sources:
        for other in sources:
            if other is source or other.idnos != source.idnos or other.locus_from != source.locus_from \
                    or not source.locus_to or not other.locus_to or other.locus_to == source.locus_to:
                continue
            misprint, right = (source, other) if _digit_added(source.locus_to, other.locus_to) else \
                (other, source) if _digit_added(other.locus_to, source.locus_to) else (None, None)
            if misprint is None:
                source.locus_note = (f"This record prints “{source.locus_text}”, another translation of the same "
                                     f"file “{other.locus_text}”; the edition cannot tell which is right.")
                continue
            source.locus_read_from, source.locus_read_to = right.locus_from, right.locus_to
            if source is misprint:
                source.locus_note = (f"This record prints “{source.locus_text}”; another translation of the same file "
                                     f"prints “{other.locus_text}”. {misprint.locus_to} is {right.locus_to} with a digit "
                                     f"added, a misprint, so the edition reads folios {right.locus_from}–{right.locus_to}.")
            else:
                source.locus_note = (f"This record prints “{source.locus_text}”; another translation of the same file "
                                     f"prints “{other.locus_text}”, a misprint: {misprint.locus_to} is {right.locus_to} "
                                     f"with a digit added. The edition reads folios {right.locus_from}–{right.locus_to}, "
                                     "as printed here.")


def _digit_added(longer: str, shorter: str) -> bool:
    """`477` is `77` with a digit added (or repeated)."""
    return len(longer) == len(shorter) + 1 and any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def publication_parts(text: str) -> tuple[str, str, str]:
    """`CWIHP Working Paper No. 30` → (its title, the unit of its number, the number as printed)."""
    match = re.fullmatch(r"(?P<title>.+?),?\s+(?P<scope>(?P<unit>No\.|Number|Vol\.|Volume|Issue)\s*(?P<n>\S+))", text.strip())
    if not match:
        return text.strip(), "", ""
    unit = "volume" if match.group("unit").lower().startswith("vol") else "issue"
    return match.group("title"), unit, match.group("scope")
