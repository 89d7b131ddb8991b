"""What makes a rebuild cheap: remembered inputs, rendered documents, and reused files.

Every output file is made from known inputs, summarised as a key (a sha256). The keys of the
last build are kept in a state file in the edition's state folder
(`.edition/site/<site>-<hash>/state.json`, never inside the published folder). A new build
renders only the files whose key changed, into a staging folder, and puts them into the live
site behind a journal (edition/site/update.py): an interrupted build leaves every file whole,
the next build finishes the update, and a build with nothing changed stops after hashing its
inputs.

The rendered form of each TEI file (the text as HTML, turns, counts, the search view) is
kept in the edition's own state folder (`.edition/`, private to its user), named by its key,
so that a document is parsed and rendered once, until its TEI file, the templates, the
settings or this software change. It is kept as JSON, text and raw bytes, never as a pickle:
reading a cache must not be able to run code, whoever wrote the file. The light records and the
build state, read on every rebuild, are encoded and decoded by msgspec: its typed decoder makes
the edition's own classes (and only those) straight from the JSON.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import base64
import dataclasses
import struct
import time
from pathlib import Path

import msgspec
from markupsafe import Markup

from edition import __version__
from edition.collector import collector_paused
from edition.files import Listings, remove_leftovers, write_atomic
from edition.site import outputs

FOLDER_STAMPS = "folders.json"
DOCUMENT_STAMPS = "document-folders.json"  # the times of the cache's folders of rendered documents
STAMP_BEFORE_NS = 5_000_000_000  # how far into the past a folder's time is set before it is recorded
STATE_FORMAT = 2  # 2: the documents' own files keyed by document and part (edition.site.outputs)
# What the pages are made by: the whole package, not only the site builder (the plain text,
# the table of behaviours, the dates and the persons' names are made outside site/; a
# change there left pages made by the old code standing).
CODE = Path(__file__).resolve().parent.parent


def digest(*parts: object) -> str:
    """A sha256 over the parts' reprs (strings and bytes as they are)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8") if isinstance(part, str) else repr(part).encode()
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@functools.cache
def _tree_digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest(*[(p.relative_to(folder).as_posix(), p.read_bytes()) for p in files])


def software_fingerprint(templates: Path, settings) -> str:
    """Everything every page depends on: this software (all its code), the templates, the settings."""
    return digest(__version__, _tree_digest(CODE), _tree_digest(templates), repr(settings))


class BuildCache:
    """The state of the last build and the rendered documents, in `<site>.cache` beside the site."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.state = self._load_state()

    def _load_state(self) -> dict:
        try:
            state = msgspec.json.decode((self.folder / "state.json").read_bytes())
            if isinstance(state, dict) and state.get("format") == STATE_FORMAT:
                return state
        except (OSError, ValueError):
            pass  # no state or a damaged one: a full build
        return {"format": STATE_FORMAT, "overall": None, "keys": {}, "document_keys": {}, "warnings": [], "pages": [],
                "files": [], "documents": 0, "search_pages": 0}

    # --- rendered documents -----------------------------------------------------------------

    # full: the page's text; turns: its turns and mentions (for persons' pages); search: the
    # search view; zip: the deflated TEI. Kept apart so that the zip, a search bundle or a
    # person's page reads only its part of 10,000 documents. The light document that lists
    # need is a row of the catalogue (catalogue.py).
    PARTS = {"full": "json", "turns": "json", "search": "html", "zip": "bin"}

    @functools.cached_property
    def _listings(self) -> "Listings":
        return Listings()

    @functools.cached_property
    def catalogue(self):
        from edition.site.catalogue import Catalogue

        return Catalogue(self.folder)

    def document_path(self, key: str, part: str) -> Path:
        return self.folder / "documents" / key[:2] / f"{key}.{part}.{self.PARTS[part]}"

    def has_document(self, key: str) -> bool:
        """All the parts of a rendered document that the catalogue holds are in the cache: so
        in a folder of the cache that the last build left as it was (`stamp_documents`), else
        by one listing of the folder (not a look-up per part: 40,000 of them for an edition of
        10,000; and at 10,000 the 256 listings of 160 files each cost more than the rest of the
        check)."""
        folder = key[:2]
        if folder in self._folders_as_left:
            return True
        names = self._listings.names(os.path.join(self.folder, "documents", folder))
        return all(f"{key}.{part}.{suffix}" in names for part, suffix in self.PARTS.items())

    @functools.cached_property
    def _folders_as_left(self) -> frozenset[str]:
        """The folders of rendered documents whose time is the one `stamp_documents` recorded."""
        root = os.path.join(self.folder, "documents")
        return frozenset(folder for folder, stamp in _read_stamps(self.folder / DOCUMENT_STAMPS).items()
                         if _time_of(os.path.join(root, folder)) == stamp)

    def stamp_documents(self) -> None:
        """Recorded once each document the catalogue holds has all its parts in the cache (the
        build's end, after `prune`), as `stamp_folders` does for the site."""
        root = self.folder / "documents"
        try:  # the site is published by now: a cache that cannot say so is only listed again next time
            folders = sorted(entry.name for entry in os.scandir(root) if entry.is_dir()) if root.is_dir() else []
            _write_stamps(self.folder / DOCUMENT_STAMPS, root, folders)
        except OSError:
            (self.folder / DOCUMENT_STAMPS).unlink(missing_ok=True)

    def load(self, key: str, part: str):
        """A stored part; CacheDamaged when the file cannot be read back."""
        try:
            data = self.document_path(key, part).read_bytes()
            if part == "search":
                return data.decode("utf-8")
            if part == "zip":
                crc, size = struct.unpack_from("<IQ", data)
                return crc, size, data[12:]
            return json.loads(data, object_hook=_decode)
        except (OSError, ValueError, KeyError, TypeError, struct.error) as error:
            raise CacheDamaged(f"{self.document_path(key, part)}: {error}") from None

    def store(self, key: str, part: str, value) -> None:
        if part == "search":
            data = value.encode("utf-8")
        elif part == "zip":
            crc, size, deflated = value
            data = struct.pack("<IQ", crc, size) + deflated
        else:
            data = json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_atomic(self.document_path(key, part), data, durable=False)

    # --- the state of the last build --------------------------------------------------------

    def folder_stamps(self) -> dict[str, int]:
        """The modification times of the site's folders of documents' files (edition.site.outputs)
        as the last build left them (`stamp_folders`), by folder relative to the site."""
        return _read_stamps(self.folder / FOLDER_STAMPS)

    def stamp_folders(self, site_dir: Path, folders) -> None:
        """Recorded once the live site is what the build state says: each of its documents' files
        is in it. A build killed before this leaves the times of the build before, which its
        update changed, so the next build lists those folders again. A folder's time is first
        set a little into the past (STAMP_BEFORE_NS): a change made to it later, even within the
        file system's clock tick (1 or 2 s on some), then gives it a time other than the one
        recorded (as Git treats a "racy" index entry)."""
        _write_stamps(self.folder / FOLDER_STAMPS, site_dir, folders)

    def save_state(self, state: dict) -> None:
        self.write_state(state, "state.json")
        self.state = {"format": STATE_FORMAT, **state}

    def write_state(self, state: dict, name: str, durable: bool = False) -> None:
        """`state` into the file `name` of the cache folder (edition.site.update writes the next
        state beside the current one, then adopts it). At 10,000 documents the state is 20 MB of
        JSON: json.dump's Python encoder took 0.17 s of a one-document rebuild, msgspec's 0.03 s."""
        write_atomic(self.folder / name, _STATE_ENCODER.encode({"format": STATE_FORMAT, **state}), durable=durable)

    def adopt_state(self, name: str, state: dict | None = None) -> None:
        """The state written as `name` becomes the build state (a rename; done already when the
        file is gone: a replay after a kill that came after the rename). state: what it holds,
        when the caller has it (otherwise it is read back)."""
        path = self.folder / name
        if name != "state.json" and path.exists():
            os.replace(path, self.folder / "state.json")
        if state is not None and state.get("format", STATE_FORMAT) == STATE_FORMAT:
            self.state = {"format": STATE_FORMAT, **state}
        else:  # read back; a state of another format (an earlier version's journal) is no state
            self.state = self._load_state()

    def prune(self, keep: set[str]) -> None:
        """Forget rendered documents no longer in the edition (keeps the cache the corpus's size):
        those the catalogue names, without walking the cache; the whole cache when the catalogue
        is new (a cache left by an older version, or a damaged catalogue)."""
        root = self.folder / "documents"
        if not root.is_dir():
            return
        if self.catalogue.created:
            for path in root.glob("*/*.*"):
                if path.name.split(".", 1)[0] not in keep:
                    path.unlink(missing_ok=True)
            for folder in root.iterdir():
                remove_leftovers(folder)  # half-written entries of a build that was killed
        for key in self.catalogue.prune(keep):
            for part in self.PARTS:
                self.document_path(key, part).unlink(missing_ok=True)
        remove_leftovers(self.folder)

    def records(self, keys: list[str]) -> dict:
        """The light documents of `keys` the catalogue holds (those rendered before)."""
        decoder = _record_codec()[1]
        with collector_paused():
            found = self.catalogue.records(keys, decoder.decode)
        for key, doc in found.items():
            doc.cache_key = key  # the row's key, not a field of the record
        return found

    def keep_records(self, docs: list) -> None:
        """Light documents rendered by this build, into the catalogue in one transaction."""
        encoder = _record_codec()[0]
        self.catalogue.put((doc.cache_key, doc, encoder.encode(doc)) for doc in docs)


def _read_stamps(path: Path) -> dict[str, int]:
    try:
        stamps = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def _write_stamps(path: Path, root: Path, folders) -> None:
    """The times of `folders` (relative to `root`) into the file `path`, each first set a little
    into the past (STAMP_BEFORE_NS)."""
    stamps = {}
    past = time.time_ns() - STAMP_BEFORE_NS
    for rel in sorted(folders):
        folder = os.path.join(root, rel)
        try:
            info = os.stat(folder)
            if info.st_mtime_ns > past:
                os.utime(folder, ns=(info.st_atime_ns, past))
            stamps[rel] = os.stat(folder).st_mtime_ns
        except OSError:
            pass
    write_atomic(path, json.dumps(stamps, indent=1).encode("utf-8"), durable=False)


def _time_of(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


class Reuse:
    """Decides, file by file (a document's files part by part), whether the live site's copy
    of a file stands in the new build.

    A file whose key is unchanged is left where it is (the site is updated in place, see
    edition/site/update.py); the others are written into the staging folder `new_site`."""

    def __init__(self, old_site: Path, new_site: Path, old_keys: dict[str, str],
                 old_documents: dict[str, dict[str, str]] | None = None, stamps: dict[str, int] | None = None):
        self.old_site = old_site
        self._stamps = stamps or {}  # BuildCache.folder_stamps
        self._old_root = os.fspath(old_site)
        self.new_site = new_site
        self.old_keys = old_keys  # by file (folder: "x/"), but for the documents' own files:
        self.old_documents = old_documents or {}  # by document id and part (edition.site.outputs)
        self.keys: dict[str, str] = {}
        self.documents: dict[str, dict[str, str]] = {}
        self.reused_folders: set[str] = set()
        self.whole: set[str] = set()  # the documents' folders ("x/") made anew, whole, by this build
        self._listings = Listings()
        self.reused = 0
        self.rendered = 0

    def try_reuse(self, rel: str, key: str) -> bool:
        """True when the live file is current (nothing to write). Asked 120,000 times by a
        rebuild of 10,000 documents: the key first, then the live folder's listing."""
        self.keys[rel] = key
        if self.old_keys.get(rel) == key:
            folder, _, name = rel.rpartition("/")
            if name in self._listings.names(f"{self._old_root}/{folder}" if folder else self._old_root):
                self.reused += 1
                return True
        self.rendered += 1
        return False

    def try_reuse_folder(self, rel: str, key: str) -> bool:
        """The same for a whole folder made in one step (a search bundle, a document's passages)."""
        self.keys[rel + "/"] = key
        if self.old_keys.get(rel + "/") == key and self._listings.holds_folder(self._old_root, rel):
            self.reused_folders.add(rel + "/")
            self.reused += 1
            return True
        return False

    def try_reuse_documents(self, part: str, ids: list[str], keys: list[str]) -> list[bool]:
        """For each document (ids[i], under keys[i]), whether its files and folders of one part
        (edition.site.outputs.PARTS: its page, its downloads, its DTS files) are all current in
        the live site; a part not current is made anew whole, its folders replacing the live ones."""
        shape = outputs.PARTS[part]
        root = self._old_root
        # a folder as the last build left it holds every file of the documents it kept keys for
        files = [(self._listings.names(f"{root}/{folder}"), ending) for folder, ending in shape.files
                 if not self._as_left(folder)]
        folders = [self._listings.folders(f"{root}/{folder}") for folder in shape.folders if not self._as_left(folder)]
        old, new = self.old_documents, self.documents
        current = []
        for doc_id, key in zip(ids, keys, strict=True):
            new.setdefault(doc_id, {})[part] = key
            was = old.get(doc_id)
            current.append(was is not None and was.get(part) == key
                           and all(f"{doc_id}{ending}" in names for names, ending in files)
                           and all(doc_id in names for names in folders))
        if shape.folders:
            for doc_id, ok in zip(ids, current):
                (self.reused_folders if ok else self.whole).update(shape.folder_names(doc_id))
        reused = sum(current)
        self.reused += reused * len(shape.files)
        self.rendered += (len(current) - reused) * len(shape.files)
        return current

    def _as_left(self, folder: str) -> bool:
        """Whether a folder of the live site is as the last build left it: its time is the one
        recorded then. A file added, removed or renamed in it since changes that time, so its
        listing (30,000 names for a large edition's DTS navigation) is needed only then."""
        stamp = self._stamps.get(folder)
        try:
            return stamp is not None and os.stat(f"{self._old_root}/{folder}").st_mtime_ns == stamp
        except OSError:
            return False

    def old_document_key(self, doc_id: str, part: str) -> str | None:
        """The key of a document's part in the last build."""
        return self.old_documents.get(doc_id, {}).get(part)

    def live_or_new(self, rel: str) -> Path:
        """Where a file or folder of the new site is now: staged, or kept in the live site."""
        staged = self.new_site / rel
        return staged if staged.exists() else self.old_site / rel


class CacheDamaged(Exception):
    """A cached part that cannot be read back: the document is rendered again."""


# --- the light record and the build state (msgspec) ------------------------------------------

_STATE_ENCODER = msgspec.json.Encoder(order="sorted")


@functools.cache
def _record_codec() -> tuple[msgspec.msgpack.Encoder, msgspec.msgpack.Decoder]:
    """The light record's encoder and decoder: a Document as a MessagePack map of its fields,
    read back by type (10,000 records: 0.34 s against 0.44 s as JSON, and 17 MB against 20 MB
    to read from the catalogue on every rebuild; JSON was 0.17 s against 0.29 s with json's
    object hook below)."""
    from edition.site.document import Document

    return (msgspec.msgpack.Encoder(enc_hook=_record_value),
            msgspec.msgpack.Decoder(type=Document, dec_hook=_record_field))


def _record_value(value):
    if isinstance(value, (Markup, Path)):
        return str(value)
    raise NotImplementedError(f"the site cache cannot keep a {type(value).__name__}")


def _record_field(kind: type, value):
    if kind is Markup:
        return Markup(value)
    if kind is Path:
        return Path(value)
    if kind is object:  # Document.root, the parsed tree: never kept (None)
        return None
    raise NotImplementedError(f"a {kind.__name__} in a cached record")


# --- the JSON form of rendered documents ---------------------------------------------------
# Only these classes are ever made from a cache file, each from its fields' values in order.


@functools.cache
def _classes() -> dict[str, type]:
    from edition.site.document import Document, Mention, Person, Resp, Source, Stat, Turn
    from edition.site.render import Footnote

    return {cls.__name__: cls for cls in (Document, Mention, Person, Resp, Source, Stat, Turn, Footnote)}


def _encode(value):
    if isinstance(value, Markup):
        return {"$html": str(value)}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Path):
        return {"$path": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if type(value).__name__ in _classes() and (dataclasses.is_dataclass(value) or isinstance(value, msgspec.Struct)):
        names = value.__struct_fields__ if isinstance(value, msgspec.Struct) else [f.name for f in dataclasses.fields(value)]
        encoded = {"$class": type(value).__name__, "fields": [_encode(getattr(value, name)) for name in names]}
        if getattr(value, "cache_key", None) is not None:
            encoded["cache_key"] = value.cache_key
        return encoded
    raise TypeError(f"the site cache cannot keep a {type(value).__name__}")


def _decode(item: dict):
    """One JSON object back to what it stood for, by its first key (the cache of 10,000
    documents decodes about 1.4 million of them on every rebuild, so this is a table, not a chain of tests)."""
    for marker in item:
        decoder = _DECODERS.get(marker)
        return item if decoder is None else decoder(item)
    return item


def _decode_class(item: dict):
    value = _classes()[item["$class"]](*item["fields"])
    if "cache_key" in item:
        value.cache_key = item["cache_key"]
    return value


_DECODERS = {
    "$html": lambda item: Markup(item["$html"]),
    "$path": lambda item: Path(item["$path"]),
    "$bytes": lambda item: base64.b64decode(item["$bytes"]),
    "$tuple": lambda item: tuple(item["$tuple"]),
    "$dict": lambda item: {key: value for key, value in item["$dict"]},
    "$class": _decode_class,
}
