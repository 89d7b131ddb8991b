"""Archival citations → the parts of a TEI `msIdentifier`.

Citations follow each archive's own habit: Russian archives cite fond, opis, delo and
folios (`f. 52, op. 1, d. 498, ll. 44-77`, or spelt out), the Albanian state archive cites
Fondi, the series, the year (V.), the dossier (Dos.) and folios (Fl.). Archive names and
abbreviations come from a table editors extend (`edition/data/archives.toml`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from edition.model import ArchivalSource


@dataclass(frozen=True)
class Archive:
    abbreviation: str
    name: str
    names: tuple[str, ...]
    country: str
    settlement: str
    language: tuple[str, str] | None = None  # (code, name) of the records' usual language


@cache
def default_archives() -> tuple[Archive, ...]:
    data = tomllib.loads(resources.files("edition.data").joinpath("archives.toml").read_text("utf-8"))
    return archives_from_table(data)


def archives_from_table(data: dict) -> tuple[Archive, ...]:
    return tuple(Archive(key, entry["name"], tuple(entry.get("names", [])), entry.get("country", ""),
                         entry.get("settlement", ""), tuple(entry["language"]) if "language" in entry else None)
                 for key, entry in data.items())


# One comma-separated part of the archival reference → (idno type, pattern).
_PARTS = [
    ("fond", re.compile(r"^(?:fond|f\.|fondi)\s*(?P<value>\S+)$", re.I)),
    ("opis", re.compile(r"^(?:opis|op\.)\s*(?P<value>\S+)$", re.I)),
    ("delo", re.compile(r"^(?:delo|d\.)\s*(?P<value>\S+)$", re.I)),
    ("dossier", re.compile(r"^(?:dos\.|dosja|dossier)\s*(?P<value>\S+)$", re.I)),
    ("year", re.compile(r"^(?:v\.|viti)\s*(?P<value>\d{4})$", re.I)),
    ("reel", re.compile(r"^reel\s*(?P<value>\S+)$", re.I)),
]
_FOLIOS = re.compile(r"^(?P<unit>ll?\.|fl\.|ff\.|folios?|pp?\.)\s*(?P<from>\d+)(?:\s*[-–]\s*(?P<to>\d+))?$", re.I)
_TRANSLATORS = re.compile(r"(?:Contributed and translated|Translated|translation from \w+|Translation)\s+by\s+"
                          r"(?P<names>.+?)(?:\.\s+(?=[A-Z][a-z]{2,}\s)|;|\.?$)")
_PUBLISHED = re.compile(r"Published in (?P<where>.+?)\.?\s*$")


def find_archive(citation: str, archives: tuple[Archive, ...]) -> Archive | None:
    for abbreviation in re.findall(r"\(([A-Z]{3,8})\)", citation):
        for archive in archives:
            if archive.abbreviation == abbreviation:
                return archive
    for archive in archives:
        if any(name.casefold() in citation.casefold() for name in (archive.name, *archive.names)):
            return archive
    return None


def parse_citation(citation: str, archives: tuple[Archive, ...] | None = None) -> ArchivalSource | None:
    """Split an archive's citation into repository, idnos, folios and copies held elsewhere."""
    archives = default_archives() if archives is None else archives
    archive = find_archive(citation, archives)
    if not citation or archive is None:
        return None
    source = ArchivalSource(citation=citation, country=archive.country, settlement=archive.settlement,
                            repository=archive.name, abbreviation=archive.abbreviation)
    reference = _reference_part(citation, archive)
    copy = re.search(r",?\s*copy in (?P<copy>.+?)(?:;|\.\s+[A-Z]|\.$|$)", reference)
    if copy:
        source.copy = copy.group("copy").strip().rstrip(",")
        reference = reference[: copy.start()]
    parts = [part.strip() for part in reference.split(",") if part.strip()]
    for part in parts:
        _read_part(part, source)
    return source


def _reference_part(citation: str, archive: Archive) -> str:
    """The text after the archive's name (and its parenthesised gloss), up to the credits."""
    found = []
    for name in (archive.name, *archive.names):
        index = citation.casefold().find(name.casefold())
        if index >= 0:
            found.append((index, -len(name), name))
    if not found:
        return ""
    index, _, name = min(found)  # the first mention, in its longest form
    rest = citation[index + len(name):]
    rest = re.sub(r"^\s*\([^)]*\)", "", rest)  # "(Central State Archives, Tirana, Albania)"
    rest = re.split(r"[.;]\s+(?:Contributed|Translated|translation|Published)|;\s*translation", rest)[0]
    return rest.strip(" ,.")


def _read_part(part: str, source: ArchivalSource) -> None:
    folios = _FOLIOS.match(part)
    if folios:
        source.locus_from = folios.group("from")
        source.locus_to = folios.group("to") or folios.group("from")
        source.locus_text = part
        return
    for kind, pattern in _PARTS:
        match = pattern.match(part)
        if match:
            source.idnos.append((kind, match.group("value")))
            return
    # A named series between the numbered parts: "Marrëdhëniet me Partinë Komuniste të Kinës".
    source.collection = f"{source.collection}, {part}" if source.collection else part


def translators(citation: str) -> list[str]:
    match = _TRANSLATORS.search(citation)
    if not match:
        return []
    names = re.split(r",\s*|\s+and\s+", match.group("names").strip().rstrip("."))
    return [name.strip() for name in names if name.strip()]


def publication(citation: str) -> str:
    match = _PUBLISHED.search(citation)
    return match.group("where") if match else ""
