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
import json
import os
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from edition import __version__
from edition.errors import EditionError, Problem, SourceError
from edition.files import remove_leftovers, write_atomic
from edition.hashes import FileHashes
from edition.ids import carry_forward_ids
from edition.model import Document, Turn
from edition.project import RegisterFiles
from edition.readers import document_id, read_source
from edition.tei import document_to_tei, serialize

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

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.status in ("failed", "refused")]

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.results for p in r.problems]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


def find_sources(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise EditionError(f"{source}: no such file or folder of sources")
    return sorted((p for p in source.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES),
                  key=lambda p: p.name)


def today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.date().isoformat()


def load_manifest(out: Path) -> dict:
    path = out / MANIFEST
    if not path.exists():
        return {"files": {}}
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"files": {}}


def source_name(path: Path) -> str:
    # abspath, not resolve: resolving every path costs seconds in a corpus of 10,000 files.
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.getcwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _read(path: Path, **registers) -> tuple[str, Document | None, list[Problem]]:
    """registers: the edition's registers, as `RegisterFiles.reader_options` gives them."""
    name = source_name(path)
    try:
        document = read_source(path, name, **registers)
        return name, document, document.problems
    except SourceError as error:
        return name, None, error.problems
    except OSError as error:
        return name, None, [Problem(name, None, f"cannot read the file: {error.strerror}")]
    except RecursionError:
        return name, None, [Problem(name, None, "the text is nested too deeply to convert")]


def relation_key(document: Document) -> str:
    """Documents with the same date and speakers record the same conversation."""
    speakers = sorted({block.person_id for block in document.body if isinstance(block, Turn)})
    return f"{document.metadata.date_when}|{','.join(speakers)}" if document.metadata.date_when else ""


def convert_corpus(source: Path, out: Path, *, force: bool = False, jobs: int = 0, publisher: str = "",
                   progress: bool = True, registers: RegisterFiles | None = None) -> ConvertReport:
    """registers: the edition's register files (None: the packaged registers alone)."""
    sources = find_sources(Path(source))
    out = Path(out)
    remove_leftovers(out)  # half-written files of a run that was killed
    manifest = load_manifest(out)
    report = ConvertReport()
    # Keyed case-insensitively: Doc.xml and doc.xml are one file on macOS and Windows.
    by_id: dict[str, Path] = {}
    readable: list[Path] = []
    for path in sources:
        doc_id = _safe_id(path)
        if doc_id.casefold() in by_id:
            report.results.append(Result(source_name(path), doc_id, "failed", [Problem(
                source_name(path), None, f"gives the same document id '{doc_id}' as "
                                         f"{source_name(by_id[doc_id.casefold()])}; rename one of the two files")]))
            continue
        if doc_id:
            by_id[doc_id.casefold()] = path
            readable.append(path)
        else:
            report.results.append(Result(source_name(path), "", "failed", [Problem(
                source_name(path), None, "the file name gives no usable document id; rename it")]))

    fingerprint = converter_fingerprint(publisher or "edition", registers.fingerprint() if registers else "")
    read_one = functools.partial(_read, **(registers.reader_options() if registers else {}))
    hashes = FileHashes(out)
    unchanged, changed, dates = _split_unchanged(readable, out, manifest, fingerprint, hashes)
    documents: list[Document] = []

    def read(paths: list[Path]) -> None:
        for path, (name, document, problems) in zip(paths, _map(read_one, paths, jobs, progress, "reading")):
            if document is None:
                report.results.append(Result(name, "", "failed", problems))
            else:
                hashes.remember_read(path, document.source_sha256)
                documents.append(document)
                report.results.append(Result(name, document.id, "pending", problems))

    read(changed)
    # An unchanged document of the same date as a changed (or removed) one may be its translation:
    # it is converted again so that both list each other (listBibl) correctly.
    dates |= {document.metadata.date_when for document in documents if document.metadata.date_when}
    again = [path for path, entry in unchanged.items() if entry.get("relation", "").split("|")[0] in dates]
    read(again)
    skipped = [(path, entry) for path, entry in unchanged.items() if path not in set(again)]
    for path, entry in skipped:
        report.results.append(Result(source_name(path), entry["doc_id"], "unchanged",
                                     [Problem(source_name(path), line, message, severity)
                                      for line, message, severity in entry.get("problems", [])]))
    report.results.sort(key=lambda r: r.source)

    _relate_translations(documents)
    when = today()
    publisher = publisher or "edition"
    results = {r.doc_id: r for r in report.results if r.status == "pending"}
    new_manifest = {"version": __version__, "fingerprint": fingerprint, "files": dict(manifest.get("files", {}))}
    for document in documents:
        result = results[document.id]
        status, entry, problem = _write(document, out, manifest, force, publisher, when)
        if status in ("written", "unchanged") and entry:
            hashes.remember(out / f"{document.id}.xml", entry["tei_sha256"])
        result.status = status
        if entry:
            entry["problems"] = [[p.line, p.message, p.severity] for p in result.problems]
            new_manifest["files"][document.id] = entry
        if problem:
            result.problems.append(problem)
    # Forget TEI files whose sources are gone from this corpus only when converting a whole folder.
    if Path(source).is_dir():
        for doc_id in list(new_manifest["files"]):
            if doc_id.casefold() not in by_id:
                del new_manifest["files"][doc_id]
    out.mkdir(parents=True, exist_ok=True)
    if new_manifest != manifest:  # a run with nothing to do writes nothing
        write_atomic(out / MANIFEST, (json.dumps(new_manifest, indent=1, sort_keys=True) + "\n").encode())
    hashes.save()
    return report


def converter_fingerprint(publisher: str, registers: str = "") -> str:
    """What a TEI file depends on besides its source: this converter, its tables, the edition's
    registers (their fingerprint), the publisher."""
    package = Path(__file__).resolve().parent
    modules = ["convert.py", "model.py", "tei.py", "ids.py", "persons.py", "archives.py", "errors.py", "__init__.py"]
    files = sorted([*(package / name for name in modules), *(package / "readers").glob("*.py"),
                    *(package / "data").glob("*")])
    hasher = hashlib.sha256(f"{__version__}|{publisher}".encode() + (f"|{registers}".encode() if registers else b""))
    for path in files:
        hasher.update(path.name.encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def _split_unchanged(readable: list[Path], out: Path, manifest: dict, fingerprint: str, hashes: FileHashes):
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
    for path in readable:
        doc_id = document_id(path)
        ids.add(doc_id)
        entry = files.get(doc_id)
        # The file name, not the path: a build run from another folder names the sources differently.
        if (fresh and entry and Path(entry.get("source", "")).name == path.name
                and _still(path, out / f"{doc_id}.xml", entry, hashes)):
            unchanged[path] = {**entry, "doc_id": doc_id}
        else:
            dates_touched.add((entry or {}).get("relation", "").split("|")[0])
    for doc_id, entry in files.items():
        if doc_id not in ids:  # a source that is gone: its translations lose a link
            dates_touched.add(entry.get("relation", "").split("|")[0])
    dates_touched.discard("")
    return unchanged, [path for path in readable if path not in unchanged], dates_touched


def _still(source: Path, target: Path, entry: dict, hashes: FileHashes) -> bool:
    try:
        return (hashes.sha256(source) == entry.get("source_sha256")
                and target.is_file() and hashes.sha256(target) == entry.get("tei_sha256"))
    except OSError:
        return False


def _safe_id(path: Path) -> str:
    try:
        return document_id(path)
    except SourceError:
        return ""


def _speakers(document: Document) -> set[str]:
    return {block.person_id for block in document.body if isinstance(block, Turn)}


def same_conversation(a: Document, b: Document) -> bool:
    """Two records of one conversation: the same day, and the same two (or more) people talking.

    Translations differ in who else is heard (an abridged one drops minor speakers), so
    the test is that they share at least two speakers, or all of them when fewer.
    """
    if not a.metadata.date_when or a.metadata.date_when != b.metadata.date_when:
        return False
    shared = _speakers(a) & _speakers(b)
    return len(shared) >= min(2, len(_speakers(a)), len(_speakers(b))) and bool(shared)


def _relate_translations(documents: list[Document]) -> None:
    by_date: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_date[document.metadata.date_when].append(document)
    for group in by_date.values():
        for document in group:
            document.translations = [(other.id, other.metadata.title) for other in group
                                     if other is not document and same_conversation(document, other)]


def _write(document: Document, out: Path, manifest: dict, force: bool, publisher: str, when: str):
    target = out / f"{document.id}.xml"
    entry_before = manifest.get("files", {}).get(document.id)
    old_root = None
    current = target.read_bytes() if target.exists() else None
    if current is not None:
        try:
            old_root = etree.fromstring(current)
        except etree.XMLSyntaxError:
            old_root = None
    root = document_to_tei(document, publisher, when)
    if old_root is not None:
        carry_forward_ids(root, old_root)
        _keep_conversion_date(root, old_root, document)
    data = serialize(root)
    entry = {"source": document.source_name, "source_sha256": document.source_sha256,
             "tei_sha256": hashlib.sha256(data).hexdigest(), "relation": relation_key(document)}
    if current == data:  # also after an interrupted run that wrote the file but not the manifest
        return "unchanged", entry, None
    if current is not None and entry_before and hashlib.sha256(current).hexdigest() != entry_before.get(
            "tei_sha256") and not force:
        return "refused", entry_before, Problem(
            target.as_posix(), None, "this TEI file was edited by hand since it was converted; it was not "
            "overwritten. Move the edit into the source, or convert with --force to replace it")
    write_atomic(target, data)
    return "written", entry, None


def _keep_conversion_date(root: etree._Element, old_root: etree._Element, document: Document) -> None:
    """An unchanged source keeps the date of its conversion, so the file stays byte-identical."""
    ns = {"tei": "http://www.tei-c.org/ns/1.0"}
    old_changes = old_root.findall(".//tei:revisionDesc/tei:change", ns)
    if old_changes and document.source_sha256 in "".join(old_changes[0].itertext()):
        old_when = old_changes[0].get("when")
        for change in root.findall(".//tei:revisionDesc/tei:change", ns):
            change.set("when", old_when)


def _map(function, items: list, jobs: int, progress: bool, what: str):
    """Apply a function to many items, across processes when it pays, in the items' order."""
    workers = jobs or os.cpu_count() or 1
    bar = _progress(len(items), what, progress)
    if workers == 1 or len(items) < 8:
        for item in items:
            yield function(item)
            bar.update(1)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(function, items, chunksize=max(1, len(items) // (workers * 8))):
                yield result
                bar.update(1)
    bar.close()


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
