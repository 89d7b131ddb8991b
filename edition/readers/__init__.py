"""Source readers, one per route a transcript took to us, detected automatically.

`read_source` is the only entry point: bytes on disk → the document model.

The readers (and what they load: markdown-it, the word lists) are imported on first use, not
with the package: a build names every source by `document_id`, but a rebuild of a large
edition reads its one changed record in a side worker, and the build's own process had spent
a tenth of a second importing readers it never ran.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from edition.errors import SourceError
from edition.model import Document
from edition.persons import Register, ascii_fold


@functools.cache
def _readers() -> dict:
    from edition.readers import markdown, pdftext, webpage

    return {"markdown": markdown, "pdf": pdftext, "web": webpage}


def __getattr__(name: str):
    if name == "READERS":  # by route: "markdown", "pdf", "web"
        return _readers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def detect_reader(text: str) -> str:
    """The route a text took: the reader whose signs it shows most (ties go to the web page)."""
    scores = {name: module.looks_like(text) for name, module in _readers().items()}
    best = max(scores.values())
    if best == 0:
        return "web"  # plain text with no sign of a route: the simplest reader
    for name in ("markdown", "pdf", "web"):
        if scores[name] == best:
            return name
    return "web"


# Longer ids make file names (id + ".xml", and the writer's temporary names) too long for
# common file systems (255 bytes).
MAX_ID_LENGTH = 200


def document_id(path: Path) -> str:
    """The document's id from its file name: ASCII letters, digits, `-`, `_` and `.`.

    Accents are dropped (`Gespräch` → `Gesprach`), other scripts transliterated (`Беседа` →
    `Beseda`, `毛泽东` → `Mao-Ze-Dong`), anything else becomes `-`.
    """
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_fold(path.stem)).strip("-._")
    if len(value) > MAX_ID_LENGTH:
        value = value[:MAX_ID_LENGTH].rstrip("-._")
    if not value:
        raise SourceError(path, "the file name gives no usable document id (it has no letters or digits the edition "
                                "can spell in ASCII); rename it with Latin letters or digits")
    return value


def _archives_are_no_speakers(profile, archives) -> None:
    """`APRF: F. 3, Op. 65 …`, `NAA: A1838 …`: an archive's abbreviation before a colon opens a
    shelfmark, not a turn; the archive register names them."""
    from edition.archives import default_archives
    from edition.readers.profiles import label_key

    for archive in archives if archives is not None else default_archives():
        profile.not_labels.update(label_key(abbreviation) for abbreviation in archive.abbreviations
                                  if abbreviation.isupper() and len(abbreviation) > 1)


LABEL_LINE = re.compile(r"(?m)^\W{0,3}[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,4}\W{0,3}:\W{0,3}\s")


def _second_opinion(extracted, route: str, text: str, profile, name: str):
    """A record read by the wrong route must not lose its turns: when the route's reader finds
    fewer than half as many turns as lines of the text open with a label (two or more: a
    telephone record may be two turns), the other readers are asked and the one that finds the
    most turns is kept, with a warning naming both."""
    from edition.errors import Problem
    from edition.readers.record import Record
    from edition.readers.text import split_lines

    def turns(record) -> int:
        if not isinstance(record, Record):
            return 0
        # every paragraph that opens with a label: who the speakers are is decided later
        return sum(1 for block in record.body if record.matcher.at_start(block.text))

    found = turns(extracted)
    label_lines = len(LABEL_LINE.findall(text[:200000]))
    if label_lines < 2 or found >= label_lines / 2:
        return extracted
    best, best_turns = extracted, found
    for other, reader in _readers().items():
        if other == route:
            continue
        candidate = reader.read(split_lines(text), profile)
        count = turns(candidate)
        if count > best_turns:
            best, best_turns = candidate, count
    if best is not extracted:
        best.problems.append(Problem(name, None, f"read as {best.reader} ({best_turns} turns), not as "
                                     f"{extracted.reader} ({found}), whose signs the text shows more",
                                     "warning"))
    return best


def read_source(path: Path, source_name: str | None = None, register: Register | None = None,
                data: bytes | None = None, archives=None, profiles: Path | None = None, places=None,
                annotations=()) -> Document:
    """archives: the edition's archive register (None: the packaged one); profiles: the edition's
    folder of source profiles (`registers/profiles/`), added to the packaged ones."""
    from edition.readers.profiles import profile_for
    from edition.readers.structure import build_document
    from edition.readers.text import decode_source, split_lines

    data = path.read_bytes() if data is None else data
    name = source_name or path.as_posix()
    text, problems = decode_source(data, name)
    route = detect_reader(text)
    profile = profile_for(text, profiles)
    _archives_are_no_speakers(profile, archives)
    extracted = _readers()[route].read(split_lines(text), profile)
    extracted = _second_opinion(extracted, route, text, profile, name)
    extracted.problems = problems + extracted.problems
    if not extracted.body:
        raise SourceError(name, "no body text found after the page's header; check that the file holds the "
                                "transcript itself", problems=extracted.problems)
    sha256 = hashlib.sha256(data).hexdigest()
    document = build_document(extracted, document_id(path), name, sha256, register, archives=archives, places=places)
    document.annotations = [note for note in annotations if note.document == document.id]
    return document
