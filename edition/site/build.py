"""Build the static site from the TEI files: a short function calling named steps.

read TEI -> render documents -> indexes (persons, chronology, archives, translations)
-> pages -> downloads (TEI byte-identical, plain text, BibTeX, RIS, zip) -> sitemap
-> search index -> put what changed into the live site.

What changed since the last build is rendered into a staging folder next to `site_dir`; on a
first build (or when nothing is kept) that folder is renamed into place whole, otherwise its
files replace the live ones in place behind a journal (edition/site/update.py). Either way a
failed or killed build leaves every file of the site whole. Nothing depends on the clock: the
build date printed on every page is `settings.date`, so two builds of the same inputs
are byte-identical.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import re
import shutil
import struct
import sys
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from edition import __version__
from edition.errors import EditionError, Problem
from edition.files import link_if_identical, write_plain
from edition.hashes import FileHashes
from edition.lock import locked, state_folder
from edition.settings import Settings
from edition.site import cite
from edition.site.collection import (
    archives_index,
    by_year,
    conversations,
    missing_translation_refs,
    persons_index,
    translation_groups,
)
from edition.site import lists, outputs, update
from edition.collector import held_for_the_build, leave_to_exit, usual_collections
from edition.site.cache import STATE_FORMAT, BuildCache, CacheDamaged, Listings, Reuse, digest, software_fingerprint
from edition.site.dts import Endpoints, StaticDts, resource_for, write_document_dts
from edition.site.compare import compare
from edition.site.document import (AUTHORITY_URLS, DATE_STYLES, Document, format_date, load_document,
                                   render_document, set_date_style, translation_name, turn_texts)
from edition.site.render import name_translations, passage_name

# The packaged templates and static assets; an edition's own `templates/` folder overrides them
# file by file (see `template_folders`).
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEI = "{http://www.tei-c.org/ns/1.0}"


@dataclass
class SiteReport:
    site_dir: Path
    pages: list[str] = field(default_factory=list)  # HTML pages written, relative to site_dir
    files: list[str] = field(default_factory=list)  # every other file written (downloads, assets)
    warnings: list[Problem] = field(default_factory=list)
    documents: int = 0
    search_pages: int = 0  # documents in the search index (0: search not built)
    up_to_date: bool = False  # nothing changed since the last build: nothing was written
    rendered: int = 0  # pages and files made by this build (the others were kept from the last one)
    reused: int = 0
    # files inside folders made in one piece (a document's DTS passages), counted, not listed:
    # a large edition has millions of them
    folder_files: dict[str, int] = field(default_factory=dict)
    # a part failed for a reason the inputs do not hold (Pagefind crashed): the next build of the
    # same inputs is not taken as having nothing to do, and makes it again
    retry: bool = False

    @property
    def file_count(self) -> int:
        """Every file of the site but the pages."""
        return len(self.files) + sum(self.folder_files.values())

    def summary(self) -> str:
        if self.up_to_date:
            return (f"site: up to date ({len(self.pages)} pages for {self.documents} documents in {self.site_dir}; "
                    f"nothing changed since the last build)")
        search = f", search index of {self.search_pages} documents" if self.search_pages else ", no search index"
        return (f"site: {len(self.pages)} pages and {self.file_count} other files for {self.documents} documents"
                f"{search} in {self.site_dir}; {len(self.warnings)} warnings")


class _Writer:
    """Writes files into the staging folder (made empty for each build, so a file is always new
    there and nothing written can reach the live site) and remembers what it wrote. A large
    edition writes hundreds of thousands of small files (the DTS passages): each folder is made
    once, and each file is one open, write and close."""

    def __init__(self, out: Path, report: SiteReport, keys: dict[str, str] | None = None, live: Path | None = None,
                 whole: set[str] | None = None):
        self.out = out
        self.report = report
        self.keys = keys if keys is not None else {}  # the build's keys: "folder/" for folders made whole
        self.whole = whole if whole is not None else set()  # and the documents' folders made whole (Reuse.whole)
        self._folders: set[str] = set()
        # live: the live site, from which a file of a folder made whole is linked when its bytes
        # are unchanged (edition.files.link_if_identical)
        self.live = None if live is None else str(live)
        self._live = Listings()
        self._linked: set[str] = set()

    def text(self, rel: str, text: str) -> None:
        self._write(rel, text.encode("utf-8"))
        self._list(rel)

    def bytes(self, rel: str, data: bytes) -> None:
        self._write(rel, data)
        self._list(rel)

    def _list(self, rel: str) -> None:
        folder = self._whole_folder(rel)
        if folder is not None:
            self.report.folder_files[folder] = self.report.folder_files.get(folder, 0) + 1
        else:
            (self.report.pages if rel.endswith(".html") else self.report.files).append(rel)

    def _whole_folder(self, rel: str) -> str | None:
        """The folder made whole ("x/") that holds `rel`, or None."""
        return update.keyed_folder(rel, self.keys) or (update.keyed_folder(rel, self.whole) if self.whole else None)

    def _write(self, rel: str, data: bytes) -> None:
        folder, _, name = rel.rpartition("/")
        if folder not in self._folders:
            os.makedirs(os.path.join(self.out, folder), exist_ok=True)
            self._folders.add(folder)
        target = os.path.join(self.out, rel)
        if rel in self._linked:  # never written through: the live site holds these bytes too
            os.unlink(target)
            self._linked.discard(rel)
        if self.live is not None and self._whole_folder(rel) is not None:
            live_folder = os.path.join(self.live, folder)
            if name in self._live.names(live_folder) and link_if_identical(os.path.join(live_folder, name), target, data):
                self._linked.add(rel)
                return
        write_plain(target, data)


@locked("tei_dir", "site build")
def build_site(tei_dir: Path, site_dir: Path, settings: Settings, validation=None, progress: bool = True,
               exclude: Iterable[str | Path] = (), jobs: int = 0, cache_dir: Path | None = None,
               executor=None) -> SiteReport:
    """Render the TEI files in `tei_dir` into a static site at `site_dir`.

    validation: an `edition.validate.ValidationReport` (or None), shown on the quality page.
    exclude: TEI files (names, stems or paths) to leave out, e.g. those that failed validation;
    they are listed on the quality page.
    jobs: worker processes for rendering documents (0: one per core).
    executor: where documents are rendered instead (edition/executor.py: a name such as
    "serial" or "dask://HOST:PORT", or a concurrent.futures.Executor).
    cache_dir: where the last build's state and the rendered documents are kept
    (default: in the edition's state folder, `.edition/` beside the TEI folder, one per site
    folder). Only what changed since then is rendered.
    """
    tei_dir, site_dir = Path(tei_dir), followed(Path(site_dir))
    set_date_style(settings.date_style)
    if settings.date_style not in DATE_STYLES:
        raise EditionError(f"edition.toml: date_style = {settings.date_style!r}: use one of {', '.join(DATE_STYLES)}")
    _recover(site_dir)
    _check_folders(tei_dir, site_dir)
    cache = BuildCache(Path(cache_dir) if cache_dir else site_cache_folder(tei_dir, site_dir))
    update.replay(site_dir, cache.folder, cache)  # finish an update a killed build committed to
    report = SiteReport(site_dir=site_dir)
    if not settings.date:
        report.warnings.append(Problem("edition.toml", None, "no `date` setting: pages show no build date", "warning"))
    if not settings.base_url:
        report.warnings.append(Problem("edition.toml", None,
                                       "no `base_url` setting: no canonical URLs, no sitemap.xml, citations carry "
                                       "no permanent URL", "warning"))
    for message in cite.missing_for_citations(settings):
        report.warnings.append(Problem("edition.toml", None, message, "warning"))

    excluded = sorted({Path(str(x)).name if str(x).endswith(".xml") else f"{Path(str(x)).name}.xml" for x in exclude})
    fingerprint = digest(software_fingerprint(TEMPLATES, settings), _own_templates_digest(settings))
    sources = _list_sources(tei_dir, set(excluded), fingerprint, report, getattr(validation, "checksums", None))
    overall = digest(fingerprint, [(path.name, key) for path, key in sources], excluded, _validation_key(validation))
    if cache.state.get("overall") == overall and (site_dir / "index.html").is_file():
        return _unchanged(report, cache.state)

    _refuse_read_only(site_dir)  # here, not before: a build with nothing to do walks no folders
    with held_for_the_build():  # the light records too, as they are read
        kept, rendered = _render_new(sources, cache, jobs, progress, report, settings.language, executor)
        docs = _build_and_publish(site_dir, settings, validation, report, progress, excluded,
                                  (sources, kept, rendered), cache, jobs, fingerprint, overall, executor)
    cache.prune({doc.cache_key for doc in docs})
    cache.stamp_documents()
    leave_to_exit(docs, sources, cache.state)
    return report


def _build_and_publish(site_dir: Path, settings: Settings, validation, report: SiteReport,
                       progress: bool, excluded: list[str], prepared: tuple, cache: BuildCache, jobs: int,
                       fingerprint: str, overall: str, executor) -> list[Document]:
    """Build the site in the staging folder and put it in place of the live one; the documents.

    prepared: the sources, those of them whose light records are still to be read, and the
    documents rendered (`_render_new`). A rebuild's search bundle or two are begun before the
    light records are read: Pagefind's program is the longest of what a one-document rebuild
    of a large edition does."""
    sources, kept, rendered = prepared
    staging = update.staging_folder(site_dir)
    remove_tree(staging, what="a staging folder left by an earlier build")
    staging.mkdir(parents=True)
    reuse = Reuse(site_dir, staging, cache.state.get("keys", {}), cache.state.get("document_keys", {}),
                  cache.folder_stamps())
    members = [_Member(path.stem, key) for path, key in kept] + [_Member(d.id, d.cache_key) for d in rendered]
    search = _SearchIndex(staging, members, settings, report, reuse, cache, fingerprint, progress,
                          _worth_apart(len(members), jobs, executor))
    try:
        if search.few:
            search.start()
        docs = _light_records(sources, kept, rendered, cache, jobs, progress, report, settings.language, executor)
        _build_into(staging, docs, settings, validation, report, progress, excluded, reuse, cache, jobs,
                    fingerprint, search, executor)
        report.pages.sort()
        report.files.sort()
        report.rendered, report.reused = reuse.rendered, reuse.reused
        kept = cache.state.get("folder_files", {})
        for folder in reuse.reused_folders:
            if folder not in report.folder_files and folder in kept:
                report.folder_files[folder] = kept[folder]
        # the documents' own files are not listed: they are named by the documents' ids, keyed by part
        state = {"format": STATE_FORMAT, "overall": None if report.retry else overall, "keys": reuse.keys,
                 "document_keys": reuse.documents,
                 "pages": [rel for rel in report.pages if not outputs.of_a_document(rel)],
                 "files": [rel for rel in report.files if not outputs.of_a_document(rel)],
                 "documents": report.documents, "search_pages": report.search_pages,
                 "folder_files": report.folder_files,
                 "warnings": [[str(w.path), w.line, w.message, w.severity] for w in report.warnings]}
        if site_dir.is_dir() and (reuse.reused or _has_foreign_files(site_dir, staging, cache.state)):
            _update_in_place(site_dir, staging, reuse, cache, state)
        else:  # nothing to keep from the live site: the new one is whole in the staging folder
            _swap(staging, site_dir, report)
            cache.save_state(state)
        cache.stamp_folders(site_dir, outputs.FOLDERS)
    except BaseException:
        search.stop()
        if not (cache.folder / update.JOURNAL).exists():  # not committed: the live site is the old one
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return docs


def _update_in_place(site_dir: Path, staging: Path, reuse: Reuse, cache: BuildCache, state: dict) -> None:
    """Put what this build made into the live site, file by file, behind a journal
    (edition/site/update.py): the files kept from the last build are not touched."""
    old = cache.state
    # a document's files have the same names in both builds: only those of documents gone are compared
    gone = outputs.files_of(doc_id for doc_id in old.get("document_keys", {}) if doc_id not in state["document_keys"])
    old_outputs = {*old.get("pages", []), *old.get("files", []), *old.get("keys", {}), *gone[0], *gone[1], *gone[2]}
    new_outputs = {*state["pages"], *state["files"], *state["keys"]}
    staged = Listings()  # the staging folder is finished: list each of its folders once, not a stat per key
    replaced = {rel.rstrip("/") for rel in state["keys"] if rel.endswith("/")
                and (rel not in reuse.reused_folders or staged.holds_folder(staging, rel.rstrip("/")))}
    replaced |= {rel.rstrip("/") for rel in reuse.whole}
    plan = update.plan_update(staging, old_outputs, new_outputs, replaced)
    # the last build's state is not needed again: let it go before the new one is written (at
    # 10,000 documents each holds 3,000 file keys and 10,000 documents' keys; this is the rebuild's fullest moment)
    del old, old_outputs, new_outputs
    cache.state, reuse.old_keys, reuse.old_documents = {}, {}, {}
    touched = [*plan.files, *plan.deletions, *plan.folders]
    _refuse_read_only(site_dir, {os.path.dirname(rel) for rel in touched} | set(plan.folders))
    update.apply(site_dir, cache.folder, plan, state, cache)
    leave_to_exit(reuse, plan)


def _unchanged(report: SiteReport, state: dict) -> SiteReport:
    """Nothing changed since the last build: report what that build wrote and warned."""
    report.up_to_date = True
    pages, files, _ = outputs.files_of(state.get("document_keys", {}))
    report.pages, report.files = sorted([*state["pages"], *pages]), sorted([*state["files"], *files])
    report.documents, report.search_pages = state["documents"], state["search_pages"]
    report.folder_files = dict(state.get("folder_files", {}))
    report.warnings = [Problem(Path(path) if path not in ("edition.toml", "search") else path, line, message,
                               severity) for path, line, message, severity in state["warnings"]]
    return report


def _validation_key(validation) -> str:
    """What the quality page shows of the validation run."""
    if validation is None:
        return "none"
    files = getattr(validation, "files", None) or []
    # the name by basename of the path's text, not a Path made per file (10,000 of them a rebuild)
    return digest([(os.path.basename(os.fspath(getattr(f, "path", ""))), getattr(f, "passed_edition_schema", None),
                    getattr(f, "passed_tei_all", None), getattr(f, "passed_rules", None),
                    [str(p) for p in getattr(f, "problems", None) or []]) for f in files],
                  [str(p) for p in getattr(validation, "problems", None) or []], getattr(validation, "ok", None))


def followed(site_dir: Path) -> Path:
    """A site folder given as a symbolic link is built where the link points (replacing the
    link with a folder broke every later build); the link stays."""
    if site_dir.is_symlink():
        target = site_dir.resolve()
        if target.exists() and not target.is_dir():
            raise EditionError(f"{site_dir}: links to {target}, which is not a folder")
        return target
    return site_dir


def site_cache_folder(tei_dir: Path, site_dir: Path) -> Path:
    """The site builder's cache for one site folder, in the edition's private state folder."""
    where = os.path.abspath(site_dir)
    return state_folder(tei_dir) / "site" / f"{_slug(site_dir.name) or 'site'}-{digest(where)[:12]}"


def _check_folders(tei_dir: Path, site_dir: Path) -> None:
    if not tei_dir.is_dir():
        raise EditionError(f"{tei_dir}: no such folder of TEI files")
    if not os.access(site_dir.parent if site_dir.parent.exists() else ".", os.W_OK):
        raise EditionError(f"{site_dir.parent}: cannot write here (no permission); the site is built beside "
                           "its folder: choose another --site")
    if site_dir.exists():
        if not site_dir.is_dir():
            raise EditionError(f"{site_dir}: exists and is not a folder")
        if any(site_dir.iterdir()) and not (site_dir / "index.html").exists():
            raise EditionError(f"{site_dir}: exists, is not empty and is not a built site; refusing to replace it")

    site, tei = site_dir.resolve(), tei_dir.resolve()
    if site == tei or site in tei.parents:
        raise EditionError(f"{site_dir}: the site folder must not contain the TEI folder {tei_dir}")
    if not TEMPLATES.is_dir():
        raise EditionError(f"{TEMPLATES}: the site templates are missing")


def _list_sources(tei_dir: Path, excluded: set[str], fingerprint: str, report: SiteReport,
                  checked: dict[str, str] | None = None) -> list[tuple[Path, str]]:
    """The TEI files to publish, each with the key of its rendered form. checked: the
    checksums the validation run of this build took (by absolute path), used as they are."""
    sources = []
    checked = checked or {}
    hashes = FileHashes(tei_dir) if not checked else None  # loaded only for a file validation did not see
    folder = os.path.abspath(tei_dir)
    for path in sorted(tei_dir.glob("*.xml"), key=lambda p: p.name):
        if path.name in excluded:
            report.warnings.append(Problem(path, None, "left out of the site (excluded by the build)", "warning"))
            continue
        try:
            checksum = checked.get(os.path.join(folder, path.name))
            if checksum is None:
                hashes = hashes or FileHashes(tei_dir)
                checksum = hashes.sha256(path)
            sources.append((path, digest(fingerprint, path.name, checksum)))
        except OSError as error:
            report.warnings.append(Problem(path, None, f"left out of the site: cannot read: {error}", "warning"))
    if hashes is not None:
        hashes.save()
    return sources


# Below this many documents to render, worker processes cost more than they save.
PARALLEL_FROM = 16


def _render_new(sources: list[tuple[Path, str]], cache: BuildCache, jobs: int, progress: bool,
                report: SiteReport, language: str, executor=None) -> tuple[list[tuple[Path, str]], list[Document]]:
    """The sources whose rendered form the cache holds (their light records are read later, by
    `_light_records`), and the others, rendered now: a rebuild's search bundle can then be
    begun before the light records of 10,000 documents are read (0.2 s)."""
    held = cache.catalogue.keys()
    kept, todo = [], []
    for path, key in sources:
        (kept if key in held and cache.has_document(key) else todo).append((path, key))
    return kept, _render(todo, cache, jobs, progress, report, language, executor)


def _light_records(sources: list[tuple[Path, str]], kept: list[tuple[Path, str]], rendered: list[Document],
                   cache: BuildCache, jobs: int, progress: bool, report: SiteReport, language: str,
                   executor=None) -> list[Document]:
    """The light records of the documents kept, read from the catalogue, and those rendered."""
    try:
        known = cache.records([key for _, key in kept])
    except (ValueError, KeyError, TypeError):
        known = {}  # a record that cannot be read back: the document is rendered again
    docs = [known[key] for _, key in kept if key in known]
    docs += _render([(path, key) for path, key in kept if key not in known], cache, jobs, progress, report,
                    language, executor)
    docs += rendered
    if not docs:
        report.warnings.append(Problem(sources[0][0].parent if sources else "tei", None,
                                       "no TEI files: the site has no documents", "warning"))
    return docs


def _render(todo: list[tuple[Path, str]], cache: BuildCache, jobs: int, progress: bool, report: SiteReport,
            language: str, executor=None) -> list[Document]:
    """The documents of `todo` rendered, kept in the cache and the catalogue; their light forms."""
    from tqdm import tqdm

    rendered = []
    bar = tqdm(total=len(todo), desc="render TEI", unit="doc", file=sys.stderr, leave=False,
               disable=not progress or len(todo) < 20 or not sys.stderr.isatty())
    with bar:
        # absolute paths: a worker elsewhere (a Dask cluster) has another current folder
        work = [(str(p), os.path.abspath(p), k, os.path.abspath(cache.folder), language) for p, k in todo]
        for (path, key), outcome in zip(todo, _map(_prepare_one, work, jobs, executor)):
            bar.update()
            if isinstance(outcome, str):
                report.warnings.append(Problem(path, None, f"left out of the site: {outcome}", "warning"))
            else:
                rendered.append(outcome)
    if rendered:
        cache.keep_records(rendered)
    return rendered


# What only the document's own page and downloads show: kept with its text (the `full` part),
# not in the light record every build decodes for all documents (a third of its bytes: the
# revision notes and the rights statement of each document).
PAGE_ONLY_FIELDS = ("funder", "uri", "idnos", "availability_html", "availability_text", "changes")


def _prepare_one(job: tuple[str, str, str]) -> Document | str:
    """Parse and render one TEI file, keep both forms in the cache; the light form, or an error."""
    from edition.site.search import search_view

    path, absolute, key, cache_folder, language = job
    try:
        doc = dataclasses.replace(load_document(Path(absolute)), path=Path(path))
    except EditionError as error:
        return str(error).removeprefix(f"{path}: ")
    known = {p.id for p in doc.persons} | {who.lstrip("#") for sp in doc.root.iter(f"{TEI}sp")
                                             for who in (sp.get("who") or "").split()}
    render_document(doc, lambda pid: f"../persons/{pid}.html" if pid in known else None)
    doc.cache_key = key
    full = {"body_html": doc.body_html, "notes": doc.notes, "plaintext": doc.plaintext,
            "page_fields": {name: getattr(doc, name) for name in PAGE_ONLY_FIELDS}}
    # what a person's page shows of the document, apart from its text: the page of a person
    # in 2,000 documents reads 2,000 of these, a quarter of the size of the full parts
    turns = {"turns": turn_texts(doc.root), "turn_list": doc.turns, "mentions": doc.mentions}
    # the lists need neither the text nor the turns (most of a record: 1.4 million objects to
    # decode on every rebuild of 10,000 documents); a person's page reads them from `turns`
    light = dataclasses.replace(doc, root=None, tei_bytes=b"", body_html=Markup(""), plaintext="", notes=[],
                                turns=[], mentions=[],
                                **{name: type(getattr(doc, name))() for name in PAGE_ONLY_FIELDS})
    light.cache_key = key
    cache = BuildCache.__new__(BuildCache)
    cache.folder = Path(cache_folder)
    cache.store(key, "full", full)
    cache.store(key, "turns", turns)
    cache.store(key, "search", search_view(doc, language))
    cache.store(key, "zip", _deflate(doc.tei_bytes))
    return light  # the build keeps it in the catalogue


def _map(function, items: list, jobs: int, executor=None) -> Iterable:
    """`map`, on the build's executor (edition/executor.py): worker processes when there is
    enough work to share, or the executor the build was given."""
    from edition.executor import map_work

    return map_work(function, items, jobs=jobs, executor=executor, in_process_below=PARALLEL_FROM)


def _refuse_read_only(site_dir: Path, folders: Iterable[str] | None = None) -> None:
    """A built site this user cannot write is refused before anything in it changes (a
    read-only one left a build folder behind that broke every later build). folders: the
    folders (relative) an update writes into; None: the site and its top folders, before any
    work (an update then checks the folders it writes, not all 10,000 of a large edition)."""
    if not site_dir.is_dir():
        return
    if folders is None:
        candidates = [site_dir, *(Path(entry.path) for entry in os.scandir(site_dir) if entry.is_dir())]
    else:
        candidates = [site_dir / rel for rel in sorted(set(folders))]
    found = [os.path.relpath(folder, site_dir.parent) for folder in candidates
             if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK)]
    if found:
        raise EditionError(f"{site_dir}: read-only ({', '.join(found[:3])}{' ...' if len(found) > 3 else ''} "
                           f"cannot be written), so the previous site could not be replaced; make it writable "
                           f"(chmod -R u+w {site_dir}) or choose another --site")


# What a site folder may hold besides the files of the last build: the layout the edition
# writes. Anything else (CNAME, photos/) was put there by someone else and is never deleted.
def _has_foreign_files(site_dir: Path, building: Path, state: dict) -> bool:
    if not site_dir.is_dir():
        return False
    doc_pages, doc_files, _ = outputs.files_of(state.get("document_keys", {}))
    known = {*state.get("pages", []), *state.get("files", []), *doc_pages, *doc_files}
    ours = {entry.name for entry in os.scandir(building)}
    for folder, subfolders, files in os.walk(site_dir):
        rel_folder = os.path.relpath(folder, site_dir)
        top = Path(rel_folder).parts[0] if rel_folder != "." else ""
        if top in ours:
            continue  # a folder the edition writes (documents/, tei/ ...): its old files are the edition's
        for name in files:
            rel = name if rel_folder == "." else f"{Path(rel_folder).as_posix()}/{name}"
            if name not in ours and rel not in known:
                return True
        if rel_folder == "." and any(name not in ours for name in subfolders):
            return True
        subfolders[:] = [name for name in subfolders if name in ours]
    return False


def remove_tree(path: Path, what: str) -> None:
    """Remove a folder the edition made; a clear error when it cannot."""
    if not path.exists() and not path.is_symlink():
        return
    try:
        if path.is_symlink():
            path.unlink()
        else:
            shutil.rmtree(path)
    except OSError as error:
        raise EditionError(f"{path}: {what} cannot be removed ({error.strerror}); remove it by hand") from None


def _swap(building: Path, site_dir: Path, report: SiteReport) -> None:
    """Put the finished site in place of the old one. On Linux the two folders are exchanged
    in one step (a reader, or a kill, sees the old site or the new one, never none); elsewhere
    by two renames, and a kill between them is undone by `_recover`."""
    if site_dir.exists() and _exchange(building, site_dir):
        _remove_old_site(building, report)
        return
    old = _old_site(site_dir)
    remove_tree(old, what="a previous site left by an interrupted build")
    if site_dir.exists():
        site_dir.rename(old)
    building.rename(site_dir)
    _remove_old_site(old, report)


def _remove_old_site(old: Path, report: SiteReport) -> None:
    if not old.exists():
        return  # the first build: there was no site to replace
    try:
        shutil.rmtree(old)
    except OSError as error:
        report.warnings.append(Problem(old, None, f"the previous site could not be removed ({error.strerror}); "
                                                  "the next build will say so until it is removed", "warning"))


def _old_site(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.old"


def _recover(site_dir: Path) -> None:
    """A build killed between the two renames of `_swap` left no site: put the old one back."""
    old = _old_site(site_dir)
    if not site_dir.exists() and (old / "index.html").is_file():
        old.rename(site_dir)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where the
    system cannot (another OS, an old kernel or C library, a file system without it)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


# --- the steps ---------------------------------------------------------------------------


def _build_into(out: Path, docs: list[Document], settings: Settings, validation, report: SiteReport,
                progress: bool, excluded: list[str], reuse: Reuse, cache: BuildCache, jobs: int,
                fingerprint: str, search: "_SearchIndex", executor=None) -> None:
    from tqdm import tqdm

    write = _Writer(out, report, reuse.keys, live=reuse.old_site, whole=reuse.whole)
    env = environment_for(settings, cache.folder)
    person_ids = {p.id for d in docs for p in d.persons}

    def person_href(pid: str) -> str | None:
        return f"../persons/{pid}.html" if pid in person_ids else None

    docs.sort(key=lambda d: d.sort_key)
    report.documents = len(docs)
    for doc in docs:
        for message in doc.warnings:
            report.warnings.append(Problem(doc.path, None, message, "warning"))

    groups = translation_groups(docs)
    turns_part = _turns_parts(cache)
    for doc, target in missing_translation_refs(docs):
        report.warnings.append(Problem(doc.path, None, f"the translation {target}.xml (listRelation) is not in the edition",
                                       "warning"))
    group_of = {d.id: g for g in groups for d in g}
    zip_name = f"downloads/tei-{_slug(settings.version) or 'edition'}.zip"

    site = _Site(env, settings, write, zip_name=zip_name, documents=docs)
    compare_pages = {d.id: comparison_page(g) for g in groups for d in g}
    listed = conversations(docs, groups)
    years = by_year(listed)
    # the persons' pages: in a child of this process while this one makes the rest
    persons_half = functools.partial(_persons, site, reuse, docs, groups, fingerprint, turns_part)
    with contextlib.ExitStack() as steps:
        persons_done = steps.enter_context(_made_apart(persons_half, site, reuse,
                                                       _worth_apart(len(docs), jobs, executor)))
        if search.few:  # a rebuild's bundle or two: begun already, they are made while everything else is
            steps.enter_context(search)
        site.list_page(lists.home_page(listed, years, len(docs), settings.title, fingerprint, zip_name,
                                       {"compare_pages": compare_pages, "translation_name": translation_name}), reuse)

        dts = StaticDts(settings, write, reuse, cache.catalogue)  # static DTS 1.0 endpoints (edition/site/dts.py)
        dts_to_make = dts.plan(docs)
        # Document pages: a page changes with its document, its neighbours and its translations.
        # of its neighbours and translations a page shows only these (each document's date
        # formatted once, not once for each of its two neighbours)
        shown = [(d.id, d.title, d.display_date) for d in docs]
        others_of = [[d for d in group_of.get(doc.id, []) if d.id != doc.id] for doc in docs]
        page_keys = [_page_key(doc.cache_key, others_of[i], [shown[j] for j in (i - 1, i + 1) if 0 <= j < len(shown)],
                               i == 0, zip_name)
                     for i, doc in enumerate(docs)]
        ids = [d.id for d in docs]
        page_current = reuse.try_reuse_documents("page", ids, page_keys)
        files_current = reuse.try_reuse_documents("files", ids, [d.cache_key for d in docs])
        report.pages += outputs.PAGE.names_of(ids)
        report.files += outputs.DOWNLOADS.names_of(ids)
        stale_of = {}  # by the index of each document whose page, downloads or DTS files are to be made
        for i, (doc, page_ok, files_ok) in enumerate(zip(docs, page_current, files_current)):
            if not (page_ok and files_ok and doc.id not in dts_to_make):
                stale_of[i] = frozenset([*([] if page_ok else outputs.PAGE.file_names(doc.id)),
                                         *([] if files_ok else outputs.DOWNLOADS.file_names(doc.id))])
        citations = _Citations(cache.catalogue, [docs[i].id for i in stale_of])
        jobs_to_render = [(os.path.abspath(out), settings, zip_name, os.path.abspath(cache.folder), docs[i],
                           os.path.abspath(docs[i].path), others_of[i], docs[i - 1] if i else None,
                           docs[i + 1] if i + 1 < len(docs) else None, stale, docs[i].id in dts_to_make,
                           os.path.abspath(reuse.old_site), fingerprint, citations.remembered(docs[i].id))
                          for i, stale in stale_of.items()]
        bar = tqdm(total=len(jobs_to_render), desc="write pages", unit="doc", file=sys.stderr, leave=False,
                   disable=not progress or len(jobs_to_render) < 20 or not sys.stderr.isatty())
        with bar:
            for doc_id, made_citations, made in _map(_write_document_files, jobs_to_render, jobs, executor):
                citations.made(doc_id, made_citations)
                if made is not None:
                    dts.made_by_worker(*made)
                bar.update()
        citations.keep({d.id for d in docs})

        if not search.few:  # many: begun after the document pages, whose workers keep the cores busy
            steps.enter_context(search)
        # One comparison page per conversation, all its translations side by side: pages grow with
        # the translations, not with their pairs (a group of 60 gave 1,770 pages).
        for group in groups:
            rel = comparison_page(group)
            if reuse.try_reuse(rel, digest(*[d.cache_key for d in group])):
                report.pages.append(rel)
            else:  # the comparison renders the texts again, from the TEI files
                with usual_collections():
                    site.comparison([_with_tree(d) for d in group], person_href)

        for page in _edition_pages(docs, groups, fingerprint, zip_name):
            site.list_page(page, reuse)

        _copy_static(out, write, template_folders(settings))
        if reuse.try_reuse(zip_name, digest(fingerprint, [d.cache_key for d in sorted(docs, key=lambda d: d.id)])):
            report.files.append(zip_name)
        else:
            _zip_tei(out / zip_name, docs, settings, write, zip_name, cache, reuse)
        with usual_collections():  # a document no worker made files for is parsed here
            dts.finish(docs)
        _lists(site, reuse, docs, years, compare_pages, fingerprint)
        # what the quality page shows of the documents, found while a large edition's persons'
        # child finishes (at 10,000 documents this process waited 0.1-0.2 s for it)
        quality = _quality(docs, validation)
        doc_paths = {str(d.path) for d in docs}
        persons_done()  # last in the block: made here, they overlap the search index; apart, the rest
    # last, so that it lists every warning of the build (the search index's too)
    site.page("quality.html", "quality.html", "quality", title="Quality report", quality=quality,
              excluded=excluded, build_warnings=[w for w in report.warnings if str(w.path) not in doc_paths])
    if settings.base_url:
        write.text("sitemap.xml", _sitemap(sorted(report.pages), settings))
        write.text("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {settings.absolute_url('sitemap.xml')}\n")


def _edition_pages(docs: list[Document], groups: list[list[Document]], fingerprint: str,
                   zip_name: str) -> list["lists.ListPage"]:
    """The pages about the edition as a whole, each kept from the last build while what it
    shows stands (the settings and templates are in `fingerprint`): rendering the about page
    loads the Markdown of the introduction, 0.05 s of a one-document rebuild."""
    bundles = _search_bundles(len(docs))
    translations = [[(d.id, d.title, d.translators) for d in group] for group in groups]
    return [lists.ListPage("about.html", "about.html", "about", "About this edition", {"groups": groups},
                           key=digest(fingerprint, "about", len(docs), translations, zip_name)),
            lists.ListPage("conventions.html", "conventions.html", "about", "Editorial conventions",
                           key=digest(fingerprint, "conventions", zip_name)),
            lists.ListPage("search.html", "search.html", "search", "Search", {"search_bundles": bundles},
                           key=digest(fingerprint, "search", bundles, zip_name))]


def _lists(site: "_Site", reuse: Reuse, docs: list[Document], years: list, compare_pages: dict[str, str],
           fingerprint: str) -> None:
    """The lists of every document: the chronology and the archives (each page kept from the
    last build when what it shows did not change)."""
    common = {"compare_pages": compare_pages, "translation_name": translation_name}
    for page in lists.chronology_pages(years, sum(len(entries) for _, entries in years), fingerprint, common):
        site.list_page(page, reuse)
    for page in lists.archive_pages(archives_index(docs), len(docs), fingerprint, anchor_slug):
        site.list_page(page, reuse)


def _persons(site: "_Site", reuse: Reuse, docs: list[Document], groups: list[list[Document]], fingerprint: str,
             turns_part) -> None:
    """The index of persons and each person's page (each kept from the last build when what it
    shows did not change). In a large edition they are made in a child process while this one
    makes the rest, the lists among it: at 10,000 documents the child, which did both, was
    the last to finish by half a second."""
    persons = persons_index(docs, groups, _details(turns_part))
    for page in lists.person_pages(list(persons.values()), fingerprint):
        site.list_page(page, reuse)
    words_of = _turn_words(turns_part)
    for entry in persons.values():
        rel = f"persons/{entry.id}.html"
        # the appearances as one string (a repr of 50,000 pairs at 10,000 documents took 0.1 s)
        key = digest(fingerprint, entry.id, entry.name, entry.note,
                     "\x1d".join("\x1f".join(f"{a.doc.cache_key}\x1e{a.role}" for a in c.appearances)
                                  for c in entry.conversations))
        if reuse.try_reuse(rel, key):
            site.write.report.pages.append(rel)
        else:
            site.page(rel, "person.html", "persons", title=entry.name, person=entry, turn_text=words_of,
                      translation_name=translation_name)


# From this many documents the persons' pages are made in a child process while the build's own
# makes the rest (edition.executor.Forked): at 10,000 documents they and the lists were 0.7 s of a
# one-document rebuild's 2.3 s of bookkeeping in one process, the other core idle.
APART_FROM = 1000


def _worth_apart(documents: int, jobs: int, executor) -> bool:
    """Whether `_Apart` is used: a large edition, built by worker processes of this machine."""
    from edition.executor import can_fork, parse_spec

    if documents < APART_FROM or jobs == 1 or executor is not None and (
            not isinstance(executor, str) or parse_spec(executor) != "process"):
        return False
    return can_fork()


@contextlib.contextmanager
def _made_apart(work, site: "_Site", reuse: Reuse, apart: bool):
    """A function that makes `work`'s pages: done in a child begun now when `apart` (_Apart),
    waited for when called; else done when called. A build that fails stops the child."""
    if not apart:
        yield work
        return
    child = _Apart(work, site, reuse)
    try:
        yield child.join
    except BaseException:
        child.cancel()
        raise


class _Apart:
    """`work()`'s pages made in a forked child (edition.executor.Forked), which sends back what
    the build must know of them: the keys, pages, files, folders kept and warnings it added, and
    its counts. `join` takes them into this process's `reuse` and report, or does the work here
    when the child failed (the error, if any, is then raised here)."""

    def __init__(self, work, site: "_Site", reuse: Reuse):
        from edition.executor import Forked

        self.work, self.site, self.reuse = work, site, reuse
        self.child = Forked(self._in_child)

    def _in_child(self) -> tuple:
        _yield_to_the_build()
        report, reuse = self.site.write.report, self.reuse
        keys, kept, counted = dict(reuse.keys), set(reuse.reused_folders), dict(report.folder_files)
        pages, files, warnings = len(report.pages), len(report.files), len(report.warnings)
        reused, rendered = reuse.reused, reuse.rendered
        self.work()
        return ({rel: key for rel, key in reuse.keys.items() if keys.get(rel) != key}, report.pages[pages:],
                report.files[files:], report.warnings[warnings:], reuse.reused_folders - kept,
                {folder: count - counted.get(folder, 0) for folder, count in report.folder_files.items()
                 if count != counted.get(folder, 0)},
                reuse.reused - reused, reuse.rendered - rendered)

    def join(self) -> None:
        done, made = self.child.result()
        if not done:
            self.work()
            return
        keys, pages, files, warnings, kept, counted, reused, rendered = made
        report = self.site.write.report
        self.reuse.keys.update(keys)
        self.reuse.reused_folders |= kept
        for folder, count in counted.items():
            report.folder_files[folder] = report.folder_files.get(folder, 0) + count
        report.pages.extend(pages)
        report.files.extend(files)
        report.warnings.extend(warnings)
        self.reuse.reused += reused
        self.reuse.rendered += rendered

    def cancel(self) -> None:
        self.child.cancel()


# The child that makes the persons' pages runs at this lower priority (os.nice). Its pages are
# wanted only at the end of the build, whose own process and Pagefind's bundle are the longest
# paths: on two cores the three had shared them, and each of the two took longer. At 10,000
# documents a one-document rebuild took 2.61 s against 2.76 s, and 2.57 s against 2.65 s in
# another set (medians of nine); the child finishes with the build's own work or soon after,
# when it has the cores to itself.
APART_NICENESS = 10


def _yield_to_the_build() -> None:
    try:
        os.nice(APART_NICENESS)
    except OSError:  # no lower priority to be had: the child runs as it is
        pass


class _Member(NamedTuple):
    """A document as a search bundle needs it before its light record is read: its id (the
    name of its page) and its key (that of its search view in the cache)."""
    id: str
    cache_key: str


# Pagefind's program keeps about 1.4 cores busy on a bundle: two bundles at a time use both
# cores of a small machine (10,000 documents: 50 bundles, 36 s one after another).
SEARCH_RUNS_AT_ONCE = 2


class _SearchIndex:
    """The Pagefind bundles: each one rebuilt only when one of its documents changed. Made, it
    decides which (in the build's thread: the keys are the build's); begun (`start`, or entering
    the block), it makes them in a thread of its own while the build renders the person and list
    pages (Pagefind's programs run outside the interpreter, so the two overlap); leaving the
    block waits for them and reports.

    A rebuild's bundle or two (`few`) are begun before the light records are read, from the
    documents' ids and keys alone (`_Member`), and in a large edition (`apart`) they are made in
    a forked child (edition.executor.Forked), not a thread: the thread read 157 search views and
    linked the bundle one call at a time, each call waiting for the interpreter while the build
    read its records, and Pagefind, begun 1.3-1.4 s into a one-document rebuild of 10,000
    documents, was the last to finish. Begun at 1.1 s in a child, it is done 0.3-0.5 s before
    the build (2.56 s against 2.66 s, medians of nine)."""

    def __init__(self, out: Path, docs: "list[Document | _Member]", settings: Settings, report: SiteReport,
                 reuse: Reuse, cache: BuildCache, fingerprint: str, progress: bool, apart: bool = False):
        self.out, self.settings, self.report, self.reuse, self.cache = out, settings, report, reuse, cache
        self.progress = progress
        from edition.site.search import bundle_name, shard_count, shard_of

        self.count = shard_count(len(docs))
        shards: list[list[Document]] = [[] for _ in range(self.count)]
        for doc in sorted(docs, key=lambda d: d.id):
            shards[shard_of(doc.id, self.count) if self.count > 1 else 0].append(doc)
        self.indexed = 0
        self.stale: list[tuple[str, list[Document]]] = []
        for shard, members in enumerate(shards):
            bundle = bundle_name(shard)
            if reuse.try_reuse_folder(bundle, digest(fingerprint, self.count, [d.cache_key for d in members])):
                self.indexed += len(members)
            else:
                self.stale.append((bundle, members))
        # a bundle or two to make (a rebuild): begun before the document pages, not after them
        self.few = len(self.stale) <= SEARCH_RUNS_AT_ONCE
        self.apart = apart and self.few
        self._child = None
        self._thread: threading.Thread | None = None
        self._started = False
        self._outcomes: list[tuple[str, int, Exception | None]] = []
        self._stopping = threading.Event()

    def start(self) -> None:
        """Begin the bundles (once): entering the block begins them if this was not called."""
        if self._started:
            return
        self._started = True
        if self.stale and self.apart:
            from edition.executor import Forked

            self._child = Forked(self._made_in_child)
        elif self.stale:
            self._thread = threading.Thread(target=self._make_all, name="search index", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """The build failed: no bundle is begun from now on, and those running are waited for."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        if self._child is not None:
            self._child.cancel()
            self._child = None

    def _made_in_child(self) -> list[tuple[str, int, str | None]]:
        """The bundles, made in the forked child: each outcome's error as its message (an
        exception need not pickle); the child prints nothing, not even a progress bar."""
        self.progress = False
        self._make_all()
        return [(bundle, indexed, None if error is None else str(error)) for bundle, indexed, error in self._outcomes]

    def _child_outcomes(self) -> None:
        """The child's outcomes taken in; the bundles made here when the child failed."""
        done, outcomes = self._child.result()
        self._child = None
        if not done:
            self._outcomes = []
            self._make_all()
            return
        self._outcomes = [(bundle, indexed, None if error is None else RuntimeError(error))
                          for bundle, indexed, error in outcomes]

    def __enter__(self) -> "_SearchIndex":
        self.start()
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self._finish()
        else:
            self.stop()

    def _make_all(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from tqdm import tqdm

        with tqdm(total=len(self.stale), desc="search index", unit="bundle", file=sys.stderr, leave=False,
                  disable=not self.progress or len(self.stale) < 2 or not sys.stderr.isatty()) as bar, \
                ThreadPoolExecutor(SEARCH_RUNS_AT_ONCE, thread_name_prefix="pagefind") as pool:
            for outcome in pool.map(self._make, self.stale):
                self._outcomes.append(outcome)
                bar.update()

    def _make(self, stale: tuple[str, list[Document]]) -> tuple[str, int, Exception | None]:
        from edition.site.search import build_index

        bundle, members = stale
        if self._stopping.is_set():
            return bundle, 0, RuntimeError("the build stopped")
        try:
            return bundle, build_index(self.out, members, self.settings.language,
                                       views=(self.cache.load(d.cache_key, "search") for d in members),
                                       bundle=bundle, live=self.reuse.old_site), None
        except Exception as error:  # noqa: BLE001 - whatever breaks the search, the site is still useful
            return bundle, 0, error

    def _finish(self) -> None:
        """Wait for the bundles and report them."""
        from edition.site.search import bundle_name

        if self._thread is not None:
            self._thread.join()
        if self._child is not None:
            self._child_outcomes()
        if len(self._outcomes) != len(self.stale):  # the thread itself failed: no bundle is known good
            self._outcomes = [(bundle, 0, RuntimeError("the search index's thread stopped"))
                              for bundle, _ in self.stale]
        for bundle, indexed, error in self._outcomes:
            self.indexed += indexed
            if error is not None:
                self.report.warnings.append(Problem("search", None, f"search index not built: {error}", "warning"))
                self.reuse.keys.pop(bundle + "/", None)
                self.report.retry = True
        self.report.search_pages = self.indexed
        # Counted by folder, as a document's DTS files are: a bundle kept from the last build is not
        # walked again (50 bundles, 16,000 files at 10,000 documents).
        kept = self.cache.state.get("folder_files", {})
        for shard in range(self.count):
            bundle = bundle_name(shard)
            if bundle + "/" in self.reuse.reused_folders and bundle + "/" in kept:
                continue  # counted from the last build's state with the other kept folders
            self.report.folder_files[bundle + "/"] = sum(
                len(names) for _, _, names in os.walk(self.reuse.live_or_new(bundle)))


def _page_key(cache_key: str, others: list[Document], neighbours: list[tuple[str, str, str]], first: bool,
              zip_name: str) -> str:
    """What a document's page shows besides its document: its translations' ids, titles and
    translators, its neighbours' ids, titles and dates. One string of them, hashed (a digest
    of their reprs took 0.1-0.2 s at 10,000 documents); the separators are characters XML
    does not allow, so no value can hold one."""
    parts = [cache_key, zip_name, "first" if first else ""]
    for other in others:
        parts += (other.id, other.title, "\x1e".join(other.translators))
    parts.append("\x1d")
    for neighbour in neighbours:
        parts += neighbour
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _json_or_none(text: str | None):
    try:
        return json.loads(text) if text else None
    except ValueError:  # a damaged row: the citations are made again
        return None


class _Citations:
    """The citations of document pages, remembered from build to build in the catalogue (by
    document id; `cite.remembered_page_citations` decides whether one stands)."""

    KIND = "citations"

    def __init__(self, catalogue, doc_ids: list[str]):
        self.catalogue = catalogue
        if len(doc_ids) <= 64:  # a rebuild: a look-up each
            texts = {doc_id: catalogue.text(self.KIND, doc_id) for doc_id in doc_ids}
        else:
            texts = catalogue.texts(self.KIND)
        self.known = {doc_id: text for doc_id, text in texts.items() if text}
        self.new: dict[str, str] = {}

    def remembered(self, doc_id: str) -> str | None:
        """The last build's citations of the document's page (as the catalogue holds them, JSON),
        given once: a rebuild of every page holds no second copy of 10,000 of them."""
        return self.known.pop(doc_id, None)

    # Written in batches: a full build of 10,000 makes 15 MB of them, which the build's process
    # held until the end.
    BATCH = 500

    def made(self, doc_id: str, citations: list | None) -> None:
        if citations is not None:
            self.new[doc_id] = json.dumps(citations, ensure_ascii=False)
            if len(self.new) >= self.BATCH:
                self.catalogue.replace_texts(self.KIND, self.new, [])
                self.new = {}

    def keep(self, doc_ids: set[str]) -> None:
        """The new ones written; those of documents no longer in the edition forgotten."""
        gone = [doc_id for doc_id in self.catalogue.text_keys(self.KIND) if doc_id not in doc_ids]
        if self.new or gone:
            self.catalogue.replace_texts(self.KIND, self.new, gone)
        self.new = {}


def _turns_parts(cache: BuildCache):
    """key → a rendered document's turns and mentions, read from the cache a document at a time
    (a person's page reads the documents the person appears in); {} for a damaged one."""
    @functools.lru_cache(maxsize=32)
    def turns(key: str) -> dict:
        try:
            return cache.load(key, "turns")
        except CacheDamaged:
            return {}

    return turns


def _turn_words(full):
    """(document, turn id) → the turn's words."""
    return lambda doc, turn_id: full(doc.cache_key).get("turns", {}).get(turn_id, "")


def _details(full):
    """A light document's turns and mentions (edition.site.collection.Details)."""
    def details(doc: Document) -> tuple[list, list]:
        part = full(doc.cache_key)
        return part.get("turn_list", []), part.get("mentions", [])

    return details


def _search_bundles(documents: int) -> list[str]:
    """The Pagefind bundles the search page merges with the first one (`pagefind/`)."""
    from edition.site.search import bundle_name, shard_count

    return [f"{bundle_name(shard)}/" for shard in range(1, shard_count(documents))]


def _with_tree(doc: Document) -> Document:
    """The light document with its TEI tree again (comparison pages render the text anew)."""
    loaded = load_document(Path(doc.path))
    return dataclasses.replace(doc, root=loaded.root, tei_bytes=loaded.tei_bytes)


def _write_document_files(job) -> tuple[str, list | None, tuple[str, str, int, dict[str, int]] | None]:
    """A document's page and downloads, and its DTS files when they are stale (in a worker
    process when there are many). Returns the document's id, the citations its page made (None:
    the remembered ones stood) and, when the DTS files were made, its DTS collection entry, its
    number of citable units and its files by DTS folder, for StaticDts.made_by_worker."""
    (out, settings, zip_name, cache_folder, doc, tei_path, others, prev, next_, stale, make_dts, live,
     fingerprint, citations) = job
    set_date_style(settings.date_style)  # a worker process has its own module state
    cache = BuildCache.__new__(BuildCache)
    cache.folder = Path(cache_folder)
    full, turns = cache.load(doc.cache_key, "full"), cache.load(doc.cache_key, "turns")
    doc = dataclasses.replace(doc, body_html=full["body_html"], notes=full["notes"], plaintext=full["plaintext"],
                              turns=turns["turn_list"], mentions=turns["mentions"], tei_bytes=Path(tei_path).read_bytes(),
                              **full["page_fields"])
    doc.cache_key = job[4].cache_key
    report = SiteReport(site_dir=Path(out))
    site = _Site(environment_for(settings, cache_folder), settings, _Writer(Path(out), report), zip_name=zip_name,
                 documents=[], fingerprint=fingerprint, citations={doc.id: _json_or_none(citations)})
    site.document(doc, others, prev=prev, next=next_, only=stale)
    made_citations = site.made_citations.get(doc.id)
    if not make_dts:
        return doc.id, made_citations, None
    resource = resource_for(doc)
    folders = {folder: "" for folder in outputs.DTS.folder_names(doc.id)}  # the files are counted by folder
    dts_report = SiteReport(site_dir=Path(out))
    member = write_document_dts(resource, Endpoints(settings.base_url), _Writer(Path(out), dts_report, folders,
                                                                                 live=Path(live)))
    return doc.id, made_citations, (doc.id, member, len(resource.all_units()), dts_report.folder_files)


def template_folders(settings: Settings) -> list[Path]:
    """Where templates are looked up, first match wins: the edition's own, then the packaged ones."""
    own = settings.folder("templates")
    return [own, TEMPLATES] if own.is_dir() and own.resolve() != TEMPLATES else [TEMPLATES]


def _own_templates_digest(settings: Settings) -> str:
    """The edition's template overrides, read afresh each build (an editor changes them between builds)."""
    folders = template_folders(settings)
    if len(folders) == 1:
        return ""
    files = sorted(p for p in folders[0].rglob("*") if p.is_file() and not p.name.startswith("."))
    return digest(*[(p.relative_to(folders[0]).as_posix(), p.read_bytes()) for p in files])


def environment_for(settings: Settings, cache_folder: Path | str | None = None) -> Environment:
    """The templates of the edition (its own before the packaged ones). cache_folder: the build
    cache, where the compiled templates are kept (Jinja2's bytecode cache, keyed by each
    template's source), so that a rebuild and each worker process do not compile them again
    (~0.25 s a process)."""
    bytecode = str(Path(cache_folder) / "templates") if cache_folder is not None else None
    return _environment(tuple(str(folder) for folder in template_folders(settings)), bytecode)


@functools.cache
def _environment(folders: tuple[str, ...], bytecode: str | None = None) -> Environment:
    from jinja2 import FileSystemBytecodeCache

    if bytecode is not None:
        os.makedirs(bytecode, exist_ok=True)
    env = Environment(
        bytecode_cache=FileSystemBytecodeCache(bytecode) if bytecode is not None else None,
        # One loader per folder, so that an edition's template replaces the packaged one of the same
        # name while every other template still comes from the package.
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["ld_json"] = to_json
    env.filters["slug"] = anchor_slug
    env.filters["edition_date"] = format_date
    env.globals["translation_name"] = translation_name
    env.filters["css_string"] = css_string
    env.filters["breakable"] = lambda text: Markup("<wbr>").join(
        escape(part) for part in re.split(r"(?<=[_\-./])", str(text)))
    env.filters["passage_name"] = passage_name
    env.globals["authority_url"] = lambda kind, value: AUTHORITY_URLS[kind][1].format(value)
    env.globals["authority_name"] = lambda kind: AUTHORITY_URLS[kind][0]
    return env


class _Site:
    """Renders pages with the shared context: relative root, canonical URL, settings."""

    def __init__(self, env: Environment, settings: Settings, write: _Writer, zip_name: str, documents: list[Document],
                 fingerprint: str = "", citations: dict[str, list] | None = None):
        self.env = env
        self.settings = settings
        self.write = write
        self.zip_name = zip_name
        self.documents = documents
        self.fingerprint = fingerprint  # with `citations`: the last build's citations of pages, by document id
        self.citations = citations or {}
        self.made_citations: dict[str, list] = {}  # those this one made, to remember

    def page(self, path: str, template: str, section: str, title: str, **context) -> None:
        root = "../" * path.count("/")
        html = self.env.get_template(template).render(
            settings=self.settings, root=root, page_path=path, section=section, page_title=title,
            canonical=self.settings.absolute_url(path), zip_name=self.zip_name, documents=self.documents,
            software_version=__version__, **context)
        self.write.text(path, html)

    def list_page(self, page: "lists.ListPage", reuse: Reuse) -> None:
        """A page of a list; kept from the last build when what it shows did not change."""
        if page.key is not None and reuse.try_reuse(page.rel, page.key):
            self.write.report.pages.append(page.rel)
            return
        self.page(page.rel, page.template, page.section, title=page.title, **page.context)

    def document(self, doc: Document, others: list[Document], prev: Document | None, next: Document | None,
                 only: frozenset[str] | None = None) -> None:
        """The document's page and downloads; only: those of them to write (the others are current)."""
        s = self.settings
        page = f"documents/{doc.id}.html"
        wanted = (lambda rel: True) if only is None else only.__contains__
        url = s.absolute_url(page)
        tei_url, text_url = s.absolute_url(f"tei/{doc.id}.xml"), s.absolute_url(f"text/{doc.id}.txt")
        if wanted(page):
            self._document_page(doc, others, prev, next, page, url, tei_url, text_url)
        downloads = {f"tei/{doc.id}.xml": lambda: doc.tei_bytes,  # byte-identical: what is read is what is downloaded
                     f"text/{doc.id}.txt": lambda: doc.plaintext,
                     f"cite/{doc.id}.bib": lambda: cite.bibtex(doc, s, url),
                     f"cite/{doc.id}.ris": lambda: cite.ris(doc, s, url).encode("utf-8"),
                     f"cite/{doc.id}.json": lambda: cite.csl_json(doc, s, url)}
        for rel, make in downloads.items():
            if wanted(rel):
                content = make()
                (self.write.bytes if isinstance(content, bytes) else self.write.text)(rel, content)

    def _document_page(self, doc: Document, others: list[Document], prev: Document | None, next: Document | None,
                       page: str, url: str, tei_url: str, text_url: str) -> None:
        s = self.settings
        (cite_plain, cite_html, passage_plain), made = cite.remembered_page_citations(
            doc, s, url, self.fingerprint, self.citations.get(doc.id))
        if made is not None:
            self.made_citations[doc.id] = made
        compare = {o.id: f"../{comparison_page([doc, *others])}" for o in others}
        doc = dataclasses.replace(doc, body_html=name_translations(doc.body_html,
                                                                   {o.id: translation_name(o) for o in others}))
        self.page(page, "document.html", "documents", title=doc.title, doc=doc, others=others, compare=compare,
                  prev=prev, next=next, cite_plain=cite_plain, cite_html=cite_html, passage_template=passage_plain,
                  access_sentinel=cite.access_date_text(cite.ACCESS_SENTINEL),
                  meta=cite.highwire(doc, s, url, tei_url),
                  json_ld=cite.json_ld(doc, s, url, tei_url, text_url))

    def comparison(self, members: list[Document], person_href) -> None:
        """The translations of one conversation in aligned rows (edition/site/compare.py)."""
        docs = sorted(members, key=lambda d: d.id)
        prefixes = [f"{chr(ord('a') + index)}-" if index < 26 else f"t{index + 1}-" for index in range(len(docs))]
        compared = compare(docs, person_href, prefixes, [f"../documents/{doc.id}.html" for doc in docs])
        columns = [{"doc": doc, "notes": notes, "prefix": prefix, "name": translation_name(doc)}
                   for doc, notes, prefix in zip(docs, compared.notes, prefixes)]
        heading = ("Two translations" if len(columns) == 2 else f"{len(columns)} translations") + " of one conversation"
        self.page(comparison_page(members), "compare.html", "documents", heading=heading,
                  title="Comparison: " + " / ".join(column["doc"].title for column in columns), columns=columns,
                  rows=compared.rows, aligned=compared.aligned)


def comparison_page(members: list[Document]) -> str:
    """The comparison page of the translations of one conversation (the pair's page for two)."""
    ids = sorted(d.id for d in members)
    more = f"--and-{len(ids) - 2}-more" if len(ids) > 2 else ""
    return f"compare/{ids[0]}--{ids[1]}{more}.html"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "-" for c in text).strip("-")


def _copy_static(out: Path, write: _Writer, folders: list[Path]) -> None:
    """The static assets; an edition's `templates/static/` file replaces the packaged one of its name."""
    chosen: dict[str, Path] = {}
    for folder in reversed(folders):
        static = folder / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else []:
            if path.is_file() and not path.name.startswith("."):
                chosen[path.relative_to(static).as_posix()] = path
    for rel in sorted(chosen):
        write.bytes(f"static/{rel}", chosen[rel].read_bytes())


def _zip_tei(path: Path, docs: list[Document], settings: Settings, write: _Writer, rel: str,
             cache: BuildCache, reuse: Reuse) -> None:
    """All TEI files in one zip, deterministic: sorted entries, fixed timestamps and permissions.

    Each member is deflated once, when its document is rendered (in parallel), and kept in the
    cache. A member whose document did not change since the last build is copied, header and
    data, from the live site's zip by the kernel (copy_file_range), without reading the cache:
    a one-document change writes one member anew, not the edition.
    """
    year, month, day = 1980, 1, 1
    if settings.date:
        year, month, day = (int(x) for x in settings.date.split("-"))
        year = max(year, 1980)
    dos_time, dos_date = 0, (year - 1980) << 9 | month << 5 | day
    folder = f"tei-{_slug(settings.version) or 'edition'}"
    old_zip = reuse.old_site / rel
    old_members = _zip_members(old_zip, dos_time, dos_date)
    central = bytearray()
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out, (open(old_zip, "rb") if old_members else contextlib.nullcontext()) as old:
        offset = 0
        run = _KeptRun(old, out)
        for doc in sorted(docs, key=lambda d: d.id):
            name = f"{folder}/{doc.id}.xml".encode("utf-8")
            kept = old_members.get(name) if reuse.old_document_key(doc.id, "files") == doc.cache_key else None
            if kept is not None:
                crc, size, compressed, old_offset = kept
                length = 30 + len(name) + compressed
                run.add(old_offset, length)
            else:
                run.copy()
                crc, size, data = cache.load(doc.cache_key, "zip")
                compressed = len(data)
                # local header: version 2.0, UTF-8 names (bit 11), deflate, DOS time, crc, sizes
                member = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, 8, dos_time, dos_date, crc, compressed,
                                     size, len(name), 0) + name + data
                out.write(member)
                length = len(member)
            if offset + compressed > 0xFFFFFFFF or count >= 0xFFFF:
                raise EditionError(f"{path}: the edition's TEI is too large for a zip without ZIP64")
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 3 << 8 | 20, 20, 0x0800, 8, dos_time, dos_date,
                                   crc, compressed, size, len(name), 0, 0, 0, 0, 0o100644 << 16, offset) + name
            offset += length
            count += 1
        run.copy()
        start = out.tell()
        if start != offset:
            raise EditionError(f"{path}: the TEI zip was not written whole ({start} bytes of {offset})")
        out.write(bytes(central))
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0))
    write.report.files.append(rel)


def _zip_members(path: Path, dos_time: int, dos_date: int) -> dict[bytes, tuple[int, int, int, int]]:
    """The members of a zip this module wrote: name -> (crc, size, compressed size, offset of
    the local header); {} when there is none, it is damaged, or its dates differ."""
    try:
        with open(path, "rb") as stream:
            stream.seek(-22, os.SEEK_END)
            end = stream.read(22)
            signature, _, _, _, count, length, start, _ = struct.unpack("<IHHHHIIH", end)
            if signature != 0x06054B50:
                return {}
            stream.seek(start)
            directory = stream.read(length)
    except (OSError, struct.error):
        return {}
    members, position = {}, 0
    try:
        for _ in range(count):
            (signature, _, _, _, _, time_, date, crc, compressed, size, name_length, extra, comment, _, _, _,
             offset) = struct.unpack_from("<IHHHHHHIIIHHHHHII", directory, position)
            if signature != 0x02014B50 or (time_, date) != (dos_time, dos_date) or extra or comment:
                return {}
            position += 46
            members[directory[position:position + name_length]] = (crc, size, compressed, offset)
            position += name_length
    except struct.error:
        return {}
    return members


class _KeptRun:
    """Members kept from the old zip that lie one after the other there, copied in one call
    (an unchanged edition's members are all one run: 10,000 copies were a third of a second)."""

    def __init__(self, source, target):
        self.source, self.target = source, target
        self.start = self.length = 0

    def add(self, offset: int, length: int) -> None:
        if self.length and offset != self.start + self.length:
            self.copy()
        if not self.length:
            self.start = offset
        self.length += length

    def copy(self) -> None:
        if self.length:
            _copy_range(self.source, self.target, self.start, self.length)
        self.start = self.length = 0


def _copy_range(source, target, offset: int, length: int) -> None:
    """`length` bytes of `source` from `offset` appended to `target`, in the kernel where it can."""
    target.flush()
    copied = 0
    try:
        while copied < length:
            done = os.copy_file_range(source.fileno(), target.fileno(), length - copied, offset + copied)
            if done == 0:
                break
            copied += done
    except (AttributeError, OSError):
        pass  # not on this system or file system: copy through Python
    target.seek(0, os.SEEK_END)
    if copied < length:
        source.seek(offset + copied)
        target.write(source.read(length - copied))


def _deflate(data: bytes) -> tuple[int, int, bytes]:
    """A zip member's crc32, size and raw deflate stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush()


def _sitemap(pages: list[str], settings: Settings) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        loc = settings.absolute_url(page).replace("&", "&amp;").replace("<", "&lt;")
        lines.append(f"  <url><loc>{loc}</loc>" + (f"<lastmod>{settings.date}</lastmod>" if settings.date else "")
                     + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


# --- the quality page ------------------------------------------------------------------


@dataclass
class QualityRow:
    doc: Document
    edition_schema: bool | None
    tei_all: bool | None
    rules: bool | None
    problems: list


def _quality(docs: list[Document], validation) -> dict:
    """Validation results (duck-typed `edition.validate.ValidationReport`) joined to the documents."""
    files = list(getattr(validation, "files", None) or []) if validation is not None else []
    by_stem = {_stem(getattr(f, "path", "")): f for f in files}
    # a large edition lists the documents that need attention: no row is made for the others
    attention_only = lists.is_large(len(docs))
    rows, quiet = [], 0
    for doc in docs:
        f = by_stem.get(doc.id)
        problems = (getattr(f, "problems", None) or []) if f is not None else []
        verdicts = (getattr(f, "passed_edition_schema", None), getattr(f, "passed_tei_all", None),
                    getattr(f, "passed_rules", None)) if f is not None else (None, None, None)
        if attention_only and not problems and not doc.warnings and False not in verdicts:
            quiet += 1
            continue
        rows.append(QualityRow(doc, *verdicts, sorted(problems, key=lambda p: (getattr(p, "line", None) or 0,
                                                                               str(getattr(p, "message", ""))))))
    doc_stems = {d.id for d in docs}
    general = [p for p in (getattr(validation, "problems", None) or []) if _stem(getattr(p, "path", ""))
               not in doc_stems] if validation is not None else []
    return {"validated": validation is not None, "ok": getattr(validation, "ok", None), "rows": rows,
            "general": general, "quiet": quiet}


def _stem(path) -> str:
    """A file's name without its suffix (as Path.stem, without making a Path: 10,000 a build)."""
    name = os.path.basename(str(path))
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and stem else name


def to_json(value) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def css_string(text: str) -> Markup:
    """A CSS string literal for a <style> block: quotes, backslashes, line breaks and "<" (which
    could close the style element) escaped as CSS escapes."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\n\r\x0c' or ord(c) < 32 else c for c in str(text))
    return Markup(f'"{escaped}"')


def anchor_slug(text: str) -> str:
    """An HTML id from a name: "Archive of the President (APRF)" -> "archive-of-the-president-aprf"."""
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return "a-" + out.strip("-") if out.strip("-")[:1].isdigit() else out.strip("-") or "unnamed"
