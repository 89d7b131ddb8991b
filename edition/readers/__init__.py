"""Source readers, one per route a transcript took to us, detected automatically.

`read_source` is the only entry point: bytes on disk → the document model.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from edition.errors import SourceError
from edition.model import Document
from edition.persons import Register, ascii_fold
from edition.readers import markdown, pdftext, webpage
from edition.readers.profiles import profile_for
from edition.readers.structure import build_document
from edition.readers.text import decode_source, split_lines

READERS = {"markdown": markdown, "pdf": pdftext, "web": webpage}


def detect_reader(text: str) -> str:
    """The route a text took: the reader whose signs it shows most (ties go to the web page)."""
    scores = {name: module.looks_like(text) for name, module in READERS.items()}
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


def read_source(path: Path, source_name: str | None = None, register: Register | None = None,
                data: bytes | None = None, archives=None, profiles: Path | None = None) -> Document:
    """archives: the edition's archive register (None: the packaged one); profiles: the edition's
    folder of source profiles (`registers/profiles/`), added to the packaged ones."""
    data = path.read_bytes() if data is None else data
    name = source_name or path.as_posix()
    text, problems = decode_source(data, name)
    reader = READERS[detect_reader(text)]
    profile = profile_for(text, profiles)
    _archives_are_no_speakers(profile, archives)
    extracted = reader.read(split_lines(text), profile)
    extracted.problems = problems + extracted.problems
    if not extracted.body:
        raise SourceError(name, "no body text found after the page's header; check that the file holds the "
                                "transcript itself", problems=extracted.problems)
    sha256 = hashlib.sha256(data).hexdigest()
    return build_document(extracted, document_id(path), name, sha256, register, archives=archives)
