"""The full-text search index (Pagefind, run offline: the program of PyPI `pagefind[bin]`).

Pagefind makes sub-results only at headings that carry an id. A turn is not a heading on
the reading page, so the index is fed a search view of each document: the same text from
the same TEI, where every turn, narration paragraph, omission and note is a heading whose
id is the passage's xml:id. A result therefore links to `documents/<id>.html#sp-12`, the
passage's permanent URL. Filters: Participant and Year.

Pagefind writes its filter indexes in hash-map order, which changes from run to run
(Pagefind issue #638); `normalise_bundle` sorts them and renames the files they are
referred by, so two builds of the same inputs give a byte-identical bundle.
"""

from __future__ import annotations

import gzip
import html
import hashlib
import json
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from markupsafe import Markup, escape

from edition.behaviours import behaviour
from edition.files import fast_temporary_folder, install_tree
from edition.site.document import Document
from edition.site.render import format_html
from edition.site.tei import find, findall, name, text_of, xml_id
from edition.site.text import reading_text, running_text


def search_view(doc: Document, language: str = "en") -> str:
    """The HTML that Pagefind indexes for one document (never written to the site)."""
    parts: list[Markup] = [
        Markup('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8"><title>%s</title></head><body>') % (
            language, doc.title),
        Markup('<main data-pagefind-body><h1>%s</h1>') % doc.title,
        Markup('<p data-pagefind-meta="date">%s</p>') % doc.display_date,
    ]
    for person in doc.persons:
        parts.append(Markup('<span data-pagefind-filter="Participant">%s</span>') % filter_value(person.name))
    # Speaker: who speaks in the document; the search page then shows only that speaker's passages
    for person in doc.speakers:
        parts.append(Markup('<span data-pagefind-filter="Speaker">%s</span>') % filter_value(person.name))
    if doc.year:
        parts.append(Markup('<span data-pagefind-filter="Year">%s</span>') % filter_value(doc.year))
        parts.append(Markup('<span data-pagefind-sort="date">%s</span>') % doc.when)
    if doc.summary_text:
        parts.append(Markup("<p>%s</p>") % doc.summary_text)
    body = find(doc.root, "t:text/t:body")
    if body is not None:
        _passages(doc, body, parts)
    # One pass for every note: a search per note made a document of 10,000 notes take minutes.
    notes_by_id = {xml_id(el): el for el in findall(doc.root, "t:text//t:note[@xml:id]")}
    for note in doc.notes:
        note_el = notes_by_id.get(note.xml_id) if note.xml_id else None
        # a note without an xml:id: its words as the page shows them
        text = reading_text(note_el) if note_el is not None else Markup(note.html).striptags()
        parts.append(_section(note.xml_id, f"Note {note.n}", text))
    parts.append(Markup("</main></body></html>"))
    return "\n".join(parts)  # every part is Markup: joined without escaping each again


# The passages of the search view (edition/behaviours.py, search_passage); a note's ("apart") is
# written after the text from the notes the page lists.
PASSAGES = frozenset({"division", "turn", "label", "narration", "in turn", "omission", "heading", "apart",
                      "within"})


def _passages(doc: Document, division, parts: list[Markup]) -> None:
    """The passages of a division (or the body) into `parts`: a turn, a narration paragraph and
    an omission a sub-result each; any other words (a heading, an opener, a closer, a stage
    direction) with the document, so that no words of the text are left out of the index."""
    for el in division:
        local = name(el)
        if local is None:  # a comment or processing instruction: no words
            continue
        role = behaviour(local).search_passage
        ident = xml_id(el)
        if role == "division":
            _passages(doc, el, parts)
        elif role == "turn":
            speaker = _speaker_name(doc, el)
            label = f"{speaker}, turn {ident.removeprefix('sp-')}" if ident else speaker
            parts.append(_section(ident, label, _turn_words(el)))
        elif role == "narration":
            parts.append(_section(ident, "Narration", reading_text(el)))
        elif role == "omission":
            parts.append(_section(ident, "Omitted passage (editorial summary)", reading_text(el)))
        elif words := running_text(el):
            parts.append(format_html("<p>%s</p>", words))


def _turn_words(sp) -> str:
    """A turn's words: every child but its label, each as it reads in the turn (a stage direction
    in parentheses, an omission's [summary]); a footnote is a passage of its own."""
    words = [running_text(child) for child in sp
             if name(child) is not None and behaviour(name(child)).search_passage != "label"]
    return " ".join(word for word in words if word)


def _speaker_name(doc: Document, sp) -> str:
    """A result's heading names the speaker as the edition does ("Nikita S. Khrushchev"), not as
    the label is printed ("KHRUSHCHEV N.S."); a joint turn names each."""
    names = [person.name for who in (sp.get("who") or "").split()
             if (person := doc.person(who.lstrip("#"))) is not None]
    return " and ".join(names) or text_of(find(sp, "t:speaker"))


# Characters that have a meaning in HTML text or attributes; control characters, which no name has.
_HTML_SPECIAL = re.compile(r"[&<>\"']")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What a stored filter value may hold: text with every special character escaped.
_SAFE_STORED = re.compile(r"(?:[^&<>\"']|&(?:amp|lt|gt|quot|#x27);)*")


def filter_value(text: str) -> Markup:
    """A search filter value, written so that Pagefind UI shows it as text.

    Pagefind UI inserts filter values into the search page as raw HTML (`innerHTML`): a
    participant called `<img src=x onerror=…>` would run as script there. The value Pagefind
    stores must therefore be HTML-escaped already (`&lt;img …`), so that the UI shows the name
    as it is spelt. Pagefind decodes the text of a filter element twice (the HTML, then
    entities again), so the HTML written here escapes the special characters three times;
    `check_filter_values` verifies what Pagefind stored.
    """
    value = _CONTROL.sub("", str(text))
    return Markup(_HTML_SPECIAL.sub(lambda m: html.escape(html.escape(html.escape(m[0]))), value))


def check_filter_values(bundle: Path) -> None:
    """Refuse a bundle whose filter values would be markup in Pagefind UI (a Pagefind release
    that decodes them differently): the search is then left out, never made unsafe."""
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = _read(path)[:2]
        for value, _pages in values:
            if not isinstance(value, str) or not _SAFE_STORED.fullmatch(value):
                raise RuntimeError(f"Pagefind stored the {name} filter value {value!r} as HTML; "
                                   "the search index is left out rather than made unsafe")


def _section(ident: str, label: str, text: str) -> Markup:
    if ident:
        return format_html('<h2 id="%s">%s</h2><p>%s</p>', ident, label, text)
    return format_html("<h2>%s</h2><p>%s</p>", label, escape(text))


# Pagefind indexes ~100 documents a second and cannot update an index, so a large edition's
# index is split into bundles of 100 to 200 documents (a power of two of them), each rebuilt only
# when one of its documents changes: a one-document change re-indexes about 150 documents, ~1.5 s.
# The search page merges them (Pagefind's mergeIndex): 64 bundles at 10,000 documents, each
# loading only the index chunks a search needs. A small edition has one bundle, `pagefind/`.
SHARD_SIZE = 200


def shard_count(documents: int) -> int:
    """A power of two, so that the bundles are re-dealt only when the edition doubles in size."""
    count = 1
    while count * SHARD_SIZE < documents:
        count *= 2
    return count


def shard_of(doc_id: str, count: int) -> int:
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) % count


def bundle_name(shard: int) -> str:
    return "pagefind" if shard == 0 else f"pagefind-{shard}"


def build_index(site_dir: Path, docs: list[Document], language: str = "en", views=None,
                bundle: str = "pagefind", live: Path | None = None) -> int:
    """Write a Pagefind bundle into site_dir/<bundle>; returns the number of pages indexed.

    views: the documents' search views in the order of their ids, if already made (the build
    keeps them with each rendered document); otherwise they are made from the TEI trees.
    live: the live site, whose copy of the bundle lends the new one every file that is
    unchanged (hard links; a rebuild after one document changed remakes a few files of the
    bundle's hundreds).

    The views are written to a temporary folder that Pagefind's own program indexes: about ten
    times faster than handing them over one by one through Pagefind's Python service (100
    documents: 1 s against 10 s). The views and Pagefind's output are kept in memory where
    the system allows it (edition.files.fast_temporary_folder): both are hundreds of files
    read once.
    """
    from pagefind_bin import get_executable  # ImportError: Pagefind is not installed

    ordered = sorted(docs, key=lambda d: d.id)
    views = views if views is not None else [search_view(d, language) for d in ordered]
    output = (Path(site_dir) / bundle).resolve()
    if not ordered:
        _empty_bundle(output, language)
        return 0
    views = list(views)
    try:
        _index_through(fast_temporary_folder(), ordered, views, language, output, live, bundle, get_executable())
    except OSError:  # the memory folder full or refused: the system's temporary folder
        _index_through(None, ordered, views, language, output, live, bundle, get_executable())
    return len(ordered)


def _index_through(temporary: str | None, ordered: list[Document], views: list[str], language: str, output: Path,
                   live: Path | None, bundle: str, executable) -> None:
    """Pagefind's bundle made in a temporary folder (under `temporary`), then put at `output`."""
    with tempfile.TemporaryDirectory(prefix="edition-search-", dir=temporary) as folder:
        pages = Path(folder) / "site" / "documents"  # the pages' addresses: documents/<id>.html
        pages.mkdir(parents=True)
        for doc, view in zip(ordered, views):
            (pages / f"{doc.id}.html").write_text(view, encoding="utf-8")
        made = Path(folder) / "bundle"
        result = subprocess.run([str(executable), "--site", str(pages.parent), "--output-path", str(made),
                                 "--force-language", language, "--quiet"],
                                capture_output=True, text=True, encoding="utf-8", errors="replace")
        if result.returncode != 0 or not (made / "pagefind-entry.json").is_file():
            raise RuntimeError(f"Pagefind failed (exit {result.returncode}): "
                               f"{(result.stderr or result.stdout).strip()[-500:]}")
        normalise_bundle(made)
        check_filter_values(made)
        load_filters_before_first_search(made)
        shutil.rmtree(output, ignore_errors=True)
        install_tree(made, output, alike=None if live is None else Path(live) / bundle)


# Pagefind UI starts its first search as soon as its index is loaded, without waiting for
# the filter indexes it has begun to load. A search that finishes first reports only the
# filters loaded by then, and the UI keeps that list: on a slow connection (or a busy
# machine) the "Participant" filter disappears until the reader types again. Pagefind UI
# 1.x marks itself ready with `<instance>=<module>,<loadFilters>()` after merging the
# bundles; waiting there for the module's filters() closes the race.
_UI_READY = re.compile(r"await (\w+)\.mergeIndex\((\w+),(\w+)\)\}(\w+)=\1,(\w+)\(\)")


def load_filters_before_first_search(bundle: Path) -> bool:
    """Make the bundle's Pagefind UI load every filter before its first search; True if it
    could (a Pagefind release whose UI reads differently is left as it is)."""
    script = bundle / "pagefind-ui.js"
    if not script.is_file():
        return False
    text = script.read_text(encoding="utf-8")
    patched, count = _UI_READY.subn(
        lambda m: (f"await {m[1]}.mergeIndex({m[2]},{m[3]})}}"
                   f"await {m[1]}.filters().catch(function(){{}}),{m[4]}={m[1]},{m[5]}()"), text)
    if count != 1:
        return False
    script.write_text(patched, encoding="utf-8", newline="")
    return True


def _empty_bundle(output: Path, language: str) -> None:
    """A bundle without pages (a shard none of whose ids occur yet), for the search page to
    merge like the others. Pagefind's program refuses to index nothing; its service does not."""
    import asyncio
    import concurrent.futures

    from pagefind.index import IndexConfig, PagefindIndex

    async def write() -> None:
        async with PagefindIndex(config=IndexConfig(force_language=language, output_path=str(output))):
            pass

    shutil.rmtree(output, ignore_errors=True)
    # asyncio.run refuses to run inside a running loop (a notebook, an async server): a thread
    # of its own has none.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, write()).result()


# --- making Pagefind's output reproducible -----------------------------------------------
# Pagefind's files are gzip'd "pagefind_dcd" + CBOR. The codec below handles the CBOR that
# Pagefind writes (integers, strings, arrays, maps, simple values, floats kept as raw bytes)
# and is only used when a file round-trips byte for byte.

_MAGIC = b"pagefind_dcd"


class _Raw(bytes):
    """A CBOR item kept as its encoded bytes (floats and other items we never change)."""


def _cbor_decode(data: bytes, pos: int = 0):
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if major == 7:
        size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info, 0)
        return _Raw(data[pos - 1:pos + size]), pos + size
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite-length CBOR is not expected here")
    if major == 0:
        return value, pos
    if major == 1:
        return -1 - value, pos
    if major == 2:
        return bytes(data[pos:pos + value]), pos + value
    if major == 3:
        return data[pos:pos + value].decode("utf-8"), pos + value
    if major == 4:
        items = []
        for _ in range(value):
            item, pos = _cbor_decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(value):
            key, pos = _cbor_decode(data, pos)
            item, pos = _cbor_decode(data, pos)
            pairs.append((key, item))
        return {"__map__": pairs}, pos
    raise ValueError(f"unsupported CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large")


def _cbor_encode(value) -> bytes:
    if isinstance(value, _Raw):
        return bytes(value)
    if isinstance(value, bool) or value is None:
        raise ValueError("unexpected simple value")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    if isinstance(value, dict):
        pairs = value["__map__"]
        return _head(5, len(pairs)) + b"".join(_cbor_encode(k) + _cbor_encode(v) for k, v in pairs)
    raise ValueError(f"cannot encode {type(value)}")


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MAGIC):
        raise ValueError(f"{path.name}: not a Pagefind file")
    value, end = _cbor_decode(raw, len(_MAGIC))
    if end != len(raw) or _MAGIC + _cbor_encode(value) != raw:
        raise ValueError(f"{path.name}: does not round-trip")
    return value


def _write(path: Path, value) -> None:
    path.write_bytes(gzip.compress(_MAGIC + _cbor_encode(value), compresslevel=9, mtime=0))


def _key(value) -> bytes:
    return _cbor_encode(value)


def normalise_bundle(bundle: Path) -> None:
    """Sort Pagefind's filter indexes and rename them (and the metadata file) by content hash."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        # meta: [version, [index chunks], [filter files: [name, hash]], [sorts], ...]
        renamed: dict[str, str] = {}
        for item in meta:
            if not (isinstance(item, list) and item and all(
                    isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) and isinstance(x[1], str)
                    for x in item)):
                continue
            if not all((bundle / "filter" / f"{x[1]}.pf_filter").exists() for x in item):
                continue
            for pair in item:
                filter_path = bundle / "filter" / f"{pair[1]}.pf_filter"
                content = _read(filter_path)  # [name, [[value, [page numbers]], ...]]
                content[1].sort(key=_key)
                digest = hashlib.sha256(_MAGIC + _cbor_encode(content)).hexdigest()[:7]
                new = f"{language}_{digest}"
                filter_path.unlink()
                _write(bundle / "filter" / f"{new}.pf_filter", content)
                renamed[pair[1]] = new
                pair[1] = new
            item.sort(key=_key)
        if not renamed:
            continue
        digest = hashlib.sha256(_MAGIC + _cbor_encode(meta)).hexdigest()[:10]
        meta_path.unlink()
        _write(bundle / f"pagefind.{language}_{digest}.pf_meta", meta)
        info["hash"] = f"{language}_{digest}"
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
