"""`edition convert`: source files → TEI files, one bad source never stopping the others.

Steps: find the sources; read each into the document model (in parallel); relate documents
that translate the same conversation; write each TEI file, keeping the ids of the file it
replaces, atomically, and only when its bytes change. A manifest beside the TEI files
(`tei/.manifest.json`) records what each file was made from, so that an unchanged source is
not converted again and a hand-edited TEI file is never overwritten silently.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import msgspec
from lxml import etree

from edition import __version__
from edition.align import align_pair, load_corrections
from edition.errors import EditionError, Problem, SourceError
from edition.executor import LARGE_EDITION, ExecutorSpec, map_work
from edition.files import remove_leftovers, write_atomic
from edition.hashes import FileHashes, seal, written_by_converter
from edition.ids import carry_forward_ids
from edition.lock import locked
from edition.model import Document
from edition.project import RegisterFiles
from edition.readers import document_id, read_source
from edition.tei import document_to_tei, serialize, translation_stand_off

SOURCE_SUFFIXES = {".txt", ".md", ".text"}
MANIFEST = ".manifest.json"


@dataclass
class Result:
    source: str
    doc_id: str = ""
    status: str = "failed"  # written, unchanged, failed, refused
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ConvertReport:
    results: list[Result] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)  # about the TEI folder: manifest, removed files

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status in ("failed", "refused")]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.results for p in r.problems] + self.notices

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def find_sources(source: Path, follow_links: bool = False, refused: list[Result] | None = None) -> list[Path]:
    """The source files of a folder (or the one file given). A link to a file outside the
    folder is refused (into `refused`) unless `follow_links`: it would publish whatever it
    points to."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise EditionError(f"{source}: no such file or folder of sources")
    # one listing of the folder, whose entries know their kind (no stat of each of 10,000 files)
    with os.scandir(source) as entries:
        listed = sorted(((entry.name, entry.is_symlink()) for entry in entries
                         if entry.is_file() and os.path.splitext(entry.name)[1].lower() in SOURCE_SUFFIXES))
    found = [(source / name, link) for name, link in listed]
    if follow_links:
        return [path for path, _ in found]
    inside = os.path.realpath(source) + os.sep
    kept = []
    for path, link in found:
        if link and not os.path.realpath(path).startswith(inside):
            if refused is not None:
                refused.append(Result(source_name(path), "", "failed", [Problem(
                    source_name(path), None, f"is a link to {os.path.realpath(path)}, outside the corpus folder: "
                    "not converted (set follow_corpus_links = true in edition.toml to read such links)")]))
            continue
        kept.append(path)
    return kept


def today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.date().isoformat()


def load_manifest(out: Path, problems: list[Problem] | None = None) -> dict:
    """The record of what each TEI file was made from; a damaged one is reported (into
    `problems`) and read as empty: the TEI files' own checksums still tell a hand edit."""
    path = out / MANIFEST
    if not path.exists():
        return {"files": {}}
    try:
        manifest = msgspec.json.decode(path.read_bytes())  # 5 MB at 10,000 records: read every build
        damage = _manifest_damage(manifest)
    except (OSError, ValueError) as error:
        damage = f"cannot be read ({getattr(error, 'strerror', None) or error})"
    if not damage:
        return manifest
    if problems is not None:
        problems.append(Problem(path.as_posix(), None, f"the conversion manifest is damaged: {damage}; it is "
                                "ignored and written anew (hand-edited TEI files are still recognised by the "
                                "checksum each converted file carries)", "warning"))
    return {"files": {}}


def _manifest_bytes(manifest: dict) -> bytes:
    """The manifest as it is kept: JSON, keys sorted, indented for a reader and for line-by-line
    diffs in version control, UTF-8 (msgspec: six times faster than the standard library's
    indented output, 0.07 s at 10,000 records, on every build that changes a record)."""
    return msgspec.json.format(msgspec.json.encode(manifest, order="sorted"), indent=1) + b"\n"


def _manifest_damage(manifest) -> str:
    """What is wrong with a manifest's shape ("" when nothing)."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
        return "not a table of files"
    for doc_id, entry in manifest.get("files", {}).items():
        if not isinstance(entry, dict) or not all(isinstance(entry.get(key, ""), str) for key in
                                                  ("source", "source_sha256", "tei_sha256", "relation")):
            return f"the entry for {doc_id!r} is not a record of a conversion"
        if not isinstance(entry.get("problems", []), list):
            return f"the entry for {doc_id!r} has no list of problems"
    return ""


def spelling_difference(a: str, b: str) -> str:
    """Why two names that print alike are two files: Unicode spells "ä" as one character (NFC)
    or as "a" and a combining mark (NFD); macOS makes the second."""
    import unicodedata

    if a == b or unicodedata.normalize("NFC", a) != unicodedata.normalize("NFC", b):
        return ""

    def form(name: str) -> str:
        return "composed, NFC" if unicodedata.is_normalized("NFC", name) else "decomposed, NFD"

    return (f" (the two names look alike but are spelt with different characters: {ascii(a)} ({form(a)}) and "
            f"{ascii(b)} ({form(b)}))")


def source_name(path: Path) -> str:
    # abspath, not resolve, and strings, not path objects: this names each of 10,000 sources
    # on every build, whose resolving cost seconds and whose path objects a tenth of a second.
    absolute = os.path.abspath(path)
    folder = os.getcwd().rstrip(os.sep) + os.sep
    inside = absolute[len(folder):] if absolute.startswith(folder) else absolute
    return inside.replace(os.sep, "/") if os.sep != "/" else inside


@dataclass(frozen=True)
class Packed:
    """A document read by a worker, kept compressed until it is written. Every document read is
    held until all are read (a document's translations may come later in the corpus); as
    objects, the 10,000 documents of a large edition made the build's largest process (770 MB),
    packed they are about 6 KB each. What relating documents needs is kept beside the packed
    form. The pickle goes only from the build's own worker to the build, never to a file."""
    id: str
    date_when: str
    relation_key: str
    source_sha256: str
    data: bytes

    @classmethod
    def of(cls, document: Document) -> "Packed":
        return cls(document.id, document.metadata.date_when or "", relation_key(document), document.source_sha256,
                   zlib.compress(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL), 1))

    def opened(self) -> Document:
        return pickle.loads(zlib.decompress(self.data))


def _read(paths: tuple[str, str], **registers) -> tuple[str, Packed | None, list[Problem]]:
    """paths: the source's absolute path and its name as `source_name` gives it in this process
    (a worker elsewhere, such as a Dask worker, has another current folder).
    registers: the edition's registers, as `RegisterFiles.reader_options` gives them."""
    path, name = Path(paths[0]), paths[1]
    try:
        document = read_source(path, name, **registers)
        return name, Packed.of(document), document.problems
    except SourceError as error:
        return name, None, error.problems
    except OSError as error:
        return name, None, [Problem(name, None, f"cannot read the file: {error.strerror}")]
    except RecursionError:
        return name, None, [Problem(name, None, "the text is nested too deeply to convert")]


def _for_workers(options: dict) -> dict:
    """The readers' options with the folder of profiles as an absolute path, which a worker with
    another current folder can open too."""
    profiles = options.get("profiles")
    return {**options, "profiles": Path(os.path.abspath(profiles))} if profiles else options


def relation_key(document: Document) -> str:
    """What relates a document to its translations: its date, then the archival file it records
    (the date first: a changed document's translations are found by it)."""
    return f"{document.metadata.date_when}|{_archival_file(document)}" if document.metadata.date_when else ""


@locked("out", "conversion")
def convert_corpus(source: Path, out: Path, *, force: bool = False, jobs: int = 0, publisher: str = "",
                   progress: bool = True, registers: RegisterFiles | None = None,
                   follow_links: bool = False, executor: ExecutorSpec = None) -> ConvertReport:
    """registers: the edition's register files (None: the packaged registers alone).
    follow_links: read links in the corpus to files outside it (the `follow_corpus_links` setting).
    executor: where the records are read (edition.executor: process, serial, thread, dask://HOST:PORT
    or an Executor; None: `jobs` worker processes)."""
    report = ConvertReport()
    sources = find_sources(Path(source), follow_links, report.results)
    out = Path(out)
    remove_leftovers(out)  # half-written files of a run that was killed
    manifest = load_manifest(out, report.notices)
    # Keyed case-insensitively: Doc.xml and doc.xml are one file on macOS and Windows.
    by_id: dict[str, Path] = {}
    readable: list[Path] = []
    id_of: dict[Path, str] = {}  # each file's id made once (10,000 a build)
    for path in sources:
        doc_id = _safe_id(path)
        if doc_id.casefold() in by_id:
            report.results.append(Result(source_name(path), doc_id, "failed", [Problem(
                source_name(path), None, f"gives the same document id '{doc_id}' as "
                                         f"{source_name(by_id[doc_id.casefold()])}"
                                         f"{spelling_difference(path.name, by_id[doc_id.casefold()].name)}; "
                                         "rename one of the two files")]))
            continue
        if doc_id:
            by_id[doc_id.casefold()] = path
            readable.append(path)
            id_of[path] = doc_id
        else:
            report.results.append(Result(source_name(path), "", "failed", [Problem(
                source_name(path), None, "the file name gives no usable document id; rename it")]))

    fingerprint = converter_fingerprint(publisher or "edition", registers.fingerprint() if registers else "")
    read_one = functools.partial(_read, **_for_workers(registers.reader_options() if registers else {}))
    hashes = FileHashes(out)
    unchanged, changed, dates = _split_unchanged(readable, out, manifest, fingerprint, hashes, id_of)
    documents: list[Packed] = []
    large = len(readable) >= LARGE_EDITION

    def read(paths: list[Path]) -> None:
        named = [(os.path.abspath(path), source_name(path)) for path in paths]
        for path, (name, packed, problems) in zip(paths, _map(read_one, named, jobs, executor, progress, "reading",
                                                               apart=large)):
            if packed is None:
                report.results.append(Result(name, "", "failed", problems))
            else:
                hashes.remember_read(path, packed.source_sha256)
                documents.append(packed)
                report.results.append(Result(name, packed.id, "pending", problems))

    # An unchanged document of the same date as a changed (or removed) one may be its translation:
    # it is converted again so that both list each other (listBibl) correctly. Those of the dates
    # the manifest knows are read with the changed ones, in one batch (a second batch waited on
    # the side worker behind the loading of the schemas); those of a date a changed record now
    # gives, after them.
    declared = declared_translations(registers.translations if registers else None)

    def same_date_or_declared(dates: set[str], ids: Iterable[str], taken: set[Path]) -> list[Path]:
        partners = {partner for doc_id in ids for partner in declared.get(doc_id, ())}
        return [path for path, entry in unchanged.items() if path not in taken
                and (entry.get("relation", "").split("|")[0] in dates or entry["doc_id"] in partners)]

    again = same_date_or_declared(dates, [id_of[path] for path in changed], set())
    read(changed + again)
    changed_ids = {id_of[path] for path in changed}  # their declared partners are in `again` already
    new_dates = {packed.date_when for packed in documents if packed.id in changed_ids and packed.date_when} - dates
    later = same_date_or_declared(new_dates, (), set(again))
    read(later)
    again += later
    read_again = set(again)
    skipped = [(path, entry) for path, entry in unchanged.items() if path not in read_again]
    for path, entry in skipped:
        report.results.append(Result(source_name(path), entry["doc_id"], "unchanged",
                                     [Problem(source_name(path), line, message, severity)
                                      for line, message, severity in entry.get("problems", [])]))
    report.results.sort(key=lambda r: r.source)

    related = _candidates(documents, declared)  # opened: the documents that may have translations
    _relate_translations(list(related.values()), declared)
    _reconcile_folios(list(related.values()))
    when = today()
    publisher = publisher or "edition"
    results = {r.doc_id: r for r in report.results if r.status == "pending"}
    new_manifest = {"version": __version__, "fingerprint": fingerprint, "files": dict(manifest.get("files", {}))}
    corrections = load_corrections(registers.alignments if registers else None)
    aligned = _aligned_trees(list(related.values()), out, publisher, when, corrections, results)

    def written(doc_id: str, outcome: tuple[str, dict | None, Problem | None]) -> None:
        status, entry, problem = outcome
        result = results[doc_id]
        if status in ("written", "unchanged") and entry:
            hashes.remember(out / f"{doc_id}.xml", entry["tei_sha256"])
        result.status = status
        if entry:
            entry["problems"] = [[p.line, p.message, p.severity] for p in result.problems]
            new_manifest["files"][doc_id] = entry
        if problem:
            result.problems.append(problem)

    for document in related.values():
        current = _current(out, document.id)
        made = _made(document, current, publisher, when, aligned.get(document.id))
        written(document.id, _put(made, current, out, manifest, force))
    # The documents with no translation are made into TEI by the workers (the TEI writer takes
    # 2 ms a document: 22 s at 10,000, one core idle, when the build's own process made them
    # all); each file is written here, where the manifest is. A few are made here too: the side
    # worker that read them is loading the schemas by now, and they waited 0.15 s behind it.
    alone = [packed for packed in documents if packed.id not in related]
    jobs_to_make = [(packed, os.path.abspath(out / f"{packed.id}.xml"), publisher, when) for packed in alone]
    for packed, made in zip(alone, _map(_made_alone, jobs_to_make, jobs, executor, progress, "writing",
                                        apart=large and len(jobs_to_make) >= READ_IN_PROCESS_BELOW)):
        current = _current(out, packed.id)
        if current is not None and not made.replacing:  # a worker that does not see the TEI folder
            made = _made(_opened_alone(packed), current, publisher, when)
        written(packed.id, _put(made, current, out, manifest, force))
    # TEI files whose sources are gone from the corpus: only when converting a whole folder.
    if Path(source).is_dir():
        _remove_orphans(out, new_manifest["files"], set(by_id), report.notices)
    out.mkdir(parents=True, exist_ok=True)
    if new_manifest != manifest:  # a run with nothing to do writes nothing
        write_atomic(out / MANIFEST, _manifest_bytes(new_manifest))
    hashes.save()
    return report


def converter_fingerprint(publisher: str, registers: str = "") -> str:
    """What a TEI file depends on besides its source: this converter, its tables, the edition's
    registers (their fingerprint), the publisher."""
    package = Path(__file__).resolve().parent
    modules = ["convert.py", "model.py", "tei.py", "align.py", "ids.py", "persons.py", "archives.py", "errors.py", "__init__.py"]
    files = sorted([*(package / name for name in modules), *(package / "readers").glob("*.py"),
                    *(p for p in (package / "data").rglob("*") if p.is_file())])
    hasher = hashlib.sha256(f"{__version__}|{publisher}".encode() + (f"|{registers}".encode() if registers else b""))
    for path in files:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def _split_unchanged(readable: list[Path], out: Path, manifest: dict, fingerprint: str, hashes: FileHashes,
                     id_of: dict[Path, str]):
    """Sources whose TEI file is already what converting them would give, the others, and the
    dates of the documents that changed or went away.

    A source is unchanged when it, the converter and its TEI file are all as the manifest
    recorded them.
    """
    files = manifest.get("files", {})
    fresh = manifest.get("fingerprint") == fingerprint
    unchanged: dict[Path, dict] = {}
    dates_touched: set[str] = set()
    ids = set()
    folder = os.path.join(out, "")  # strings, not paths, for each of 10,000 files (0.1 s a build)
    for path in readable:
        doc_id = id_of[path]
        ids.add(doc_id)
        entry = files.get(doc_id)
        # The file name, not the path: a build run from another folder names the sources differently.
        if (fresh and entry and _file_name(entry.get("source", "")) == path.name
                and _still(path, f"{folder}{doc_id}.xml", entry, hashes)):
            unchanged[path] = {**entry, "doc_id": doc_id}
        else:
            dates_touched.add((entry or {}).get("relation", "").split("|")[0])
    for doc_id, entry in files.items():
        if doc_id not in ids:  # a source that is gone: its translations lose a link
            dates_touched.add(entry.get("relation", "").split("|")[0])
    dates_touched.discard("")
    return unchanged, [path for path in readable if path not in unchanged], dates_touched


def _file_name(recorded: str) -> str:
    """The file name of a path recorded as a string: `Path(recorded).name` without a path object."""
    return os.path.basename(recorded.rstrip(os.sep + (os.altsep or "")))


def _still(source: Path, target: Path | str, entry: dict, hashes: FileHashes) -> bool:
    try:
        # no is_file() first: the checksum's own stat fails for a missing file (10,000 stats fewer)
        return (hashes.sha256(source) == entry.get("source_sha256")
                and hashes.sha256(target) == entry.get("tei_sha256"))
    except OSError:
        return False


def _safe_id(path: Path) -> str:
    try:
        return document_id(path)
    except SourceError:
        return ""


def _archival_file(document: Document) -> str:
    """The archive and shelfmark of the original ("" when the citation names no file)."""
    archive = document.archive
    if archive is None or not archive.repository or not archive.idnos:
        return ""
    return f"{archive.repository}: " + ", ".join(f"{kind} {value}" for kind, value in archive.idnos)


def _folios(document: Document) -> tuple[int, int] | None:
    """The first and last folio (or page) cited, as numbers; None when there are none."""
    archive = document.archive
    numbers = [re.match(r"\d+", value or "") for value in (archive.locus_from, archive.locus_to)] if archive else []
    if not numbers or numbers[0] is None:
        return None
    first = int(numbers[0][0])
    return first, max(first, int(numbers[1][0])) if numbers[1] else first


def same_conversation(a: Document, b: Document) -> bool:
    """Two records of one conversation, by evidence, never by date and speakers alone (sixty
    small records of one day would all be taken for translations of one another): the same
    day, the same archival file, and folios that overlap; or, where neither cites folios,
    both credited to a translator (two translations of one original)."""
    if not a.metadata.date_when or a.metadata.date_when != b.metadata.date_when:
        return False
    if not _archival_file(a) or _archival_file(a) != _archival_file(b):
        return False
    folios_a, folios_b = _folios(a), _folios(b)
    if folios_a and folios_b:
        return folios_a[0] <= folios_b[1] and folios_b[0] <= folios_a[1]
    return not folios_a and not folios_b and bool(a.metadata.translators and b.metadata.translators)


def _candidates(documents: list[Packed], declared: dict[str, set[str]]) -> dict[str, Document]:
    """The documents that may be translations of others, opened: those that share a date and
    an archival file with another (`_relate_translations` asks whether they record one
    conversation) and those the editor declares."""
    by_key: dict[str, list[Packed]] = defaultdict(list)
    for packed in documents:
        if packed.relation_key.partition("|")[2]:
            by_key[packed.relation_key].append(packed)
    present = {packed.id for packed in documents}
    wanted = {packed.id for group in by_key.values() if len(group) > 1 for packed in group}
    for doc_id, partners in declared.items():
        if doc_id in present and partners & present - {doc_id}:
            wanted |= {doc_id, *(partners & present)}
    return {packed.id: packed.opened() for packed in documents if packed.id in wanted}


def _opened_alone(packed: Packed) -> Document:
    """A document with no translation, opened to be written; its folios read on their own."""
    from edition.archives import reconcile_folios

    document = packed.opened()
    if document.archive is not None:
        reconcile_folios([document.archive])
    return document


def _relate_translations(documents: list[Document], declared: dict[str, set[str]] | None = None) -> None:
    """Each document's translations: those the editor declares (registers/translations.toml)
    and those the evidence shows (`same_conversation`)."""
    by_file: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        if relation_key(document).partition("|")[2]:
            by_file[relation_key(document)].append(document)
    related: dict[str, set[str]] = defaultdict(set)
    for group in by_file.values():
        for document in group:
            related[document.id] |= {other.id for other in group
                                     if other is not document and same_conversation(document, other)}
    by_id = {document.id: document for document in documents}
    for doc_id, partners in (declared or {}).items():
        if doc_id in by_id:
            related[doc_id] |= {partner for partner in partners if partner in by_id and partner != doc_id}
    for document in documents:
        document.translations = [(other, by_id[other].metadata.title) for other in sorted(related[document.id])]


def declared_translations(path: Path | None) -> dict[str, set[str]]:
    """The editor's declarations of records that translate one conversation, by record id:

        [[conversation]]
        records = ["1958-07-31_khrushchev-mao_wolff", "1958-07-31_khrushchev-mao_zubok"]
    """
    import tomllib

    if path is None or not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise EditionError(f"{path}: not valid TOML: {error}") from None
    partners: dict[str, set[str]] = defaultdict(set)
    for index, entry in enumerate(data.get("conversation", [])):
        records = entry.get("records") if isinstance(entry, dict) else None
        if not isinstance(records, list) or len(records) < 2 or not all(isinstance(r, str) for r in records):
            raise EditionError(f"{path}: conversation {index + 1} must list two or more record ids: "
                               'records = ["first-record", "second-record"]')
        for record in records:
            partners[record] |= set(records) - {record}
    return dict(partners)


def _reconcile_folios(documents: list[Document]) -> None:
    """Folios that cannot be right, or that two translations of one file print differently, are
    read once for the group and noted in each file (edition.archives.reconcile_folios)."""
    from edition.archives import reconcile_folios

    by_id = {document.id: document for document in documents}
    for document in documents:
        group = [document] + [by_id[other] for other, _ in document.translations if other in by_id]
        reconcile_folios([member.archive for member in group if member.archive is not None])


def _tree(document: Document, current: bytes | None, publisher: str, when: str) -> etree._Element:
    """The document's TEI, with the ids of the file it replaces."""
    old_root = _parse_own(current) if current is not None else None
    root = document_to_tei(document, publisher, when)
    if old_root is not None:
        carry_forward_ids(root, old_root)
        _keep_conversion_date(root, old_root, document)
    return root


def _aligned_trees(documents: list[Document], out: Path, publisher: str, when: str, corrections: dict,
                   results: dict[str, Result]) -> dict[str, etree._Element]:
    """The TEI of each document that has translations, with its alignment to each of them
    (standOff; edition.align), computed on the final ids (after they are carried forward)."""
    by_id = {document.id: document for document in documents}
    trees: dict[str, etree._Element] = {}
    for document in documents:
        if document.translations:
            target = out / f"{document.id}.xml"
            trees[document.id] = _tree(document, target.read_bytes() if target.exists() else None, publisher, when)
    seen: dict[str, list] = {doc_id: [] for doc_id in trees}
    for doc_id in sorted(trees):
        for other, _title in by_id[doc_id].translations:
            if other not in trees or other < doc_id:
                continue
            alignment, problems = align_pair(trees[doc_id], trees[other], doc_id, other, corrections)
            seen[doc_id].append(alignment)
            seen[other].append(alignment.reversed())
            for message in problems:
                results[doc_id].problems.append(Problem(by_id[doc_id].source_name, None, message, "warning"))
    for doc_id, alignments in seen.items():
        stand_off = translation_stand_off(sorted(alignments, key=lambda a: a.b))
        if stand_off is not None:
            trees[doc_id].append(stand_off)
    return trees


@dataclass
class Made:
    """A document's TEI file as the converter makes it, before it is written."""
    doc_id: str
    data: bytes  # sealed
    entry: dict  # its manifest entry
    replacing: bool = False  # made with the ids of the file it replaces (carried forward)


def _current(out: Path, doc_id: str) -> bytes | None:
    """The TEI file of `doc_id` as it is now, None when there is none."""
    return _bytes_or_none(out / f"{doc_id}.xml")


def _bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _made(document: Document, current: bytes | None, publisher: str, when: str,
          root: etree._Element | None = None) -> Made:
    """root: the document's TEI when it is already made (with its alignments); else made here."""
    if root is None:
        root = _tree(document, current, publisher, when)
    data = seal(serialize(root))
    entry = {"source": document.source_name, "source_sha256": document.source_sha256,
             "tei_sha256": hashlib.sha256(data).hexdigest(), "relation": relation_key(document)}
    return Made(document.id, data, entry, current is not None)


def _made_alone(job: tuple[Packed, str, str, str]) -> Made:
    """In a worker: a document with no translation, opened and made into TEI; the file it
    replaces (the absolute path given: its ids are carried forward) is read here, not sent."""
    packed, target, publisher, when = job
    return _made(_opened_alone(packed), _bytes_or_none(Path(target)), publisher, when)


def _put(made: Made, current: bytes | None, out: Path, manifest: dict,
         force: bool) -> tuple[str, dict | None, Problem | None]:
    """The TEI file written, unless it is `current` (the file there now) or was edited by hand;
    its status, manifest entry and problem."""
    target = out / f"{made.doc_id}.xml"
    entry_before = manifest.get("files", {}).get(made.doc_id)
    data, entry = made.data, made.entry
    if current == data:  # also after an interrupted run that wrote the file but not the manifest
        return "unchanged", entry, None
    if current is not None and not force and not converter_made(current, entry_before):
        return "refused", entry_before, Problem(
            target.as_posix(), None, "this TEI file was edited by hand since it was converted (or was not made "
            "by the converter); it was not overwritten. Move the edit into the source, or convert with --force "
            "to replace it")
    write_atomic(target, data)
    return "written", entry, None


def _remove_orphans(out: Path, files: dict, present: set[str], notices: list[Problem]) -> None:
    """A source deleted or renamed leaves its TEI file (and so its page) behind. A file the
    converter made is removed, and the manifest forgets it; a file edited by hand is kept and
    reported; a TEI file the converter never made (no manifest entry, no checksum of its own)
    is the editor's and left alone."""
    try:  # names, not paths: 10,000 files, one or two of them orphans ("*.xml" as glob matches it here)
        with os.scandir(out) as entries:
            stems = [(entry.name[:-4], entry.name) for entry in entries
                     if os.path.normcase(entry.name).endswith(".xml")]
    except (FileNotFoundError, NotADirectoryError):
        stems = []
    candidates = {stem: out / name for stem, name in stems if stem.casefold() not in present}
    for doc_id in sorted(set(candidates) | {d for d in files if d.casefold() not in present}):
        entry = files.pop(doc_id, None)
        path = candidates.get(doc_id)
        if path is None:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        made = converter_made(data, entry)
        source = (entry or {}).get("source") or _recorded_source(data) or "its source"
        if made:
            path.unlink()
            notices.append(Problem(path.as_posix(), None, f"removed: its source {source} is no longer in the corpus "
                                   "(deleted or renamed)", "warning"))
        elif entry is not None:
            notices.append(Problem(path.as_posix(), None, f"its source {source} is no longer in the corpus, but "
                                   "the file was edited by hand, so it is kept (and published); delete it if it "
                                   "is no longer wanted", "warning"))


_CONVERTED_FROM = re.compile(rb"Converted by edition \S+ from (.+?) \(sha256")


def _recorded_source(data: bytes) -> str:
    found = _CONVERTED_FROM.search(data)
    return found[1].decode("utf-8", "replace") if found else ""


def converter_made(data: bytes, entry: dict | None) -> bool:
    """Whether a TEI file is exactly as the converter wrote it: by the checksum it carries, or
    (a file from before the checksum was written into each file) by the manifest's record."""
    return written_by_converter(data) or bool(entry and hashlib.sha256(data).hexdigest() == entry.get("tei_sha256"))


def _parse_own(data: bytes) -> etree._Element | None:
    """The previous TEI file, to carry its ids forward; a file the converter wrote may hold a
    text node longer than libxml2's default limit (10 MB), so it is read without that limit."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=written_by_converter(data))
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None


def _keep_conversion_date(root: etree._Element, old_root: etree._Element, document: Document) -> None:
    """An unchanged source keeps the date of its conversion, so the file stays byte-identical."""
    ns = {"tei": "http://www.tei-c.org/ns/1.0"}
    old_changes = old_root.findall(".//tei:revisionDesc/tei:change", ns)
    if old_changes and document.source_sha256 in "".join(old_changes[0].itertext()):
        old_when = old_changes[0].get("when")
        for change in root.findall(".//tei:revisionDesc/tei:change", ns):
            change.set("when", old_when)


# Reading a record needs only the readers, not the schemas: worker processes repay themselves
# from fewer records than for the other steps.
READ_IN_PROCESS_BELOW = 8


def _map(function, items: list, jobs: int, executor: ExecutorSpec, progress: bool, what: str, apart: bool = False):
    """Apply a function to many items on the build's executor, in the items' order (apart: in
    a worker however few, see edition.executor.LARGE_EDITION)."""
    with _progress(len(items), what, progress) as bar:
        for result in map_work(function, items, jobs=jobs, executor=executor,
                               in_process_below=READ_IN_PROCESS_BELOW, apart=apart):
            yield result
            bar.update(1)


def _progress(total: int, what: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="doc", disable=not enabled or total < 20 or not sys.stderr.isatty(),
                leave=False)


def print_report(report: ConvertReport) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"converted: {report.count('written')} written, {report.count('unchanged')} unchanged, "
          f"{len(report.failed)} failed" + (f" ({report.count('refused')} hand-edited, not overwritten)"
                                            if report.count('refused') else ""))
