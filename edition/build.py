"""`edition build`: the whole edition, step by step, as a table of contents.

convert (corpus → tei) → validate (schemas and rules) → render the site from the TEI files
→ index for search → report. A document that cannot be converted or does not validate is
reported and left out; the rest of the edition is still built.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from concurrent.futures import Executor
from pathlib import Path

from edition import __version__, noop
from edition.collector import fewer_collections
from edition.errors import EditionError, Problem
from edition.executor import LARGE_EDITION, ExecutorSpec, opened, parse_spec, side_worker
from edition.hashes import listed
from edition.lock import edition_lock, state_folder
from edition.project import Project

# tei_all results keyed by file checksum: a rebuild re-checks only what changed (git-ignored).
VALIDATION_CACHE = ".validation-cache.json"


def build_edition(project: Project, *, corpus_dir: Path | None = None, tei_dir: Path | None = None,
                  site_dir: Path | None = None, force: bool = False, jobs: int = 0, tei_all: bool = True,
                  progress: bool = True, executor: ExecutorSpec = None) -> bool:
    """Build `project`; the folders given override those of its settings. True when every
    record was published. One build of an edition at a time (edition.lock): a second one
    stops, naming the process that is building.

    executor: where the documents are converted, checked and rendered (edition.executor:
    "process", "serial", "thread", "dask://HOST:PORT" or a concurrent.futures.Executor;
    None: `jobs` worker processes on this machine). A Dask scheduler is connected once
    for the build, and only when there is work."""
    tei_dir = Path(tei_dir or project.tei)
    with edition_lock(tei_dir, "build"):
        started = time.perf_counter()
        folder = state_folder(tei_dir)
        current = _noop_inputs(project, Path(corpus_dir or project.corpus), tei_dir, Path(site_dir or project.site),
                               tei_all)
        recorded = None if force else noop.recorded_output(folder, current)
        if recorded is not None:  # nothing changed since the last build: say what it said
            *lines, outcome = recorded["lines"]
            for line in lines:
                say(line)
            say(f"done in {time.perf_counter() - started:.1f} s: {outcome}")
            return recorded["ok"]
        noop.forget(folder)  # a build killed from here on must not leave the old record standing
        lines: list[str] = []
        written: set[str] = set()  # the names of the TEI files the build wrote
        retry: list[bool] = []  # a part of the site failed (Pagefind crashed): the next build tries again
        with opened(executor, shared=[Path(corpus_dir or project.corpus), folder]) as work, fewer_collections(), \
                contextlib.ExitStack() as records_checked:  # folder: the site cache
            if _a_rebuild_of_a_large_edition(current, force, executor):
                records_checked.enter_context(side_worker(("edition.workers:prepare_reading",),
                                                          later=[("edition.workers:prepare_checking",
                                                                  _first_tei_file(current, tei_dir), tei_all)]))
            with listed(noop.file_stats(current, ("corpus", "tei"))):  # the checksums of unchanged files without a stat each
                ok = _build_edition(project, corpus_dir=corpus_dir, tei_dir=tei_dir, site_dir=site_dir, force=force,
                                    jobs=jobs, tei_all=tei_all, progress=progress, executor=work, said=lines.append,
                                    wrote=written.update, records_checked=records_checked.close,
                                    retry_next_time=lambda: retry.append(True))
        if ok and not retry:
            noop.record(folder, _as_left(current, tei_dir, Path(site_dir or project.site), written), lines, ok)
        return ok


def _a_rebuild_of_a_large_edition(current: dict, force: bool, executor: ExecutorSpec) -> bool:
    """Whether the build will likely read and check a few records of a large edition (a site
    was built; no --force; worker processes of this machine): then a side worker is worth
    starting at once (edition.executor.side_worker)."""
    if force or not current["options"]["site built"] or isinstance(executor, Executor) \
            or parse_spec(executor) != "process":
        return False
    corpus = current["folders"]["corpus"][1] or []
    return sum(1 for entry in corpus if entry[1] != "dir") >= LARGE_EDITION


def _first_tei_file(current: dict, tei_dir: Path) -> str:
    """A TEI file of the edition, for the side worker to check first (what that loads is what
    checking the changed ones needs); "" when there is none yet."""
    tei = current["folders"]["tei"][1] or []
    return next((str(tei_dir / entry[0]) for entry in tei if entry[0].endswith(".xml") and entry[1] != "dir"), "")


def _as_left(current: dict, tei_dir: Path, site_dir: Path, written: set[str]) -> dict:
    """The inputs to record for the next build (noop.record): the sources, settings and code as
    this build listed them before reading them, so that one edited during the build differs from
    the record and the next build is a real one (listing them again cost a stat of each of
    10,000 sources); the TEI files as the build left them (those it wrote, `written`, and any
    added or removed, asked about again), and whether the site is built."""
    folders = dict(current["folders"])
    folders["tei"] = [folders["tei"][0], noop.relisted(tei_dir, folders["tei"][1], written)]
    return {**current, "folders": folders,
            "options": {**current["options"], "site built": (site_dir / "index.html").is_file()}}


def _noop_inputs(project: Project, corpus_dir: Path, tei_dir: Path, site_dir: Path, tei_all: bool) -> dict:
    """Everything the result of `edition build` depends on, by size and modification time."""
    settings = project.settings
    folders = {"corpus": (corpus_dir, False), "tei": (tei_dir, False),
               "registers": (project.registers.folder, True),
               "templates": (settings.folder("templates"), True)}
    files = {"settings": Path(project.settings_path)}
    # the site is the build's output: that it is there is what counts, not when it was written
    options = {"site": os.path.abspath(site_dir), "site built": (site_dir / "index.html").is_file(), "tei_all": tei_all}
    return noop.inputs(__version__, settings, options, folders, files)


def _build_edition(project: Project, *, corpus_dir: Path | None, tei_dir: Path | None, site_dir: Path | None,
                   force: bool, jobs: int, tei_all: bool, progress: bool, executor: ExecutorSpec = None,
                   said=lambda line: None, records_checked=lambda: None, retry_next_time=lambda: None,
                   wrote=lambda names: None) -> bool:
    """said: given the lines a build of the same inputs with nothing to do would print.
    wrote: given the names of the TEI files the build wrote.
    records_checked: called once the records are converted and checked (lets the side worker go).
    retry_next_time: called when a part of the site failed for a reason the inputs do not hold
    (the search index's program crashed): a build of the same inputs is then not a no-op."""
    from dataclasses import replace

    from edition.convert import convert_corpus
    from edition.site import build_site
    from edition.validate import validate_paths

    started = time.perf_counter()
    settings = project.settings
    corpus_dir, tei_dir = Path(corpus_dir or project.corpus), Path(tei_dir or project.tei)
    site_dir = Path(site_dir or project.site)
    heading = (f"edition: {settings.title} (version {settings.version})"
               + ("" if project.has_settings else f"; no {project.settings_path}: every setting has its default"))
    say(heading)

    report = convert_corpus(corpus_dir, tei_dir, force=force, jobs=jobs, publisher=settings.publisher,
                            progress=progress, registers=project.registers,
                            follow_links=settings.follow_corpus_links, executor=executor)
    wrote({f"{result.doc_id}.xml" for result in report.results if result.status == "written"})
    say(f"convert   {report.count('written')} written, {report.count('unchanged')} unchanged, "
        f"{len(report.failed)} failed")

    tei_files = sorted(tei_dir.glob("*.xml"), key=lambda p: p.name)
    if not tei_files:
        raise EditionError(f"{tei_dir}: no TEI files to publish; add records to {corpus_dir}")
    validation = validate_paths(tei_files, tei_all=tei_all, cache=tei_dir / VALIDATION_CACHE, jobs=jobs,
                                progress=progress, executor=executor)
    invalid = {Path(f.path).name for f in validation.files if not f.passed_edition_schema}
    validated = (f"validate  {len(tei_files) - len(invalid)} of {count(len(tei_files), 'TEI file')} valid"
                 + ("" if tei_all else " (tei_all skipped)"))
    say(validated)
    records_checked()

    site = build_site(tei_dir, site_dir, settings, validation=validation, progress=progress, exclude=invalid,
                      jobs=jobs, executor=executor)
    say(f"site      {site_summary(site)}")
    if site.retry:
        retry_next_time()

    findings = unique([*report.problems, *validation.problems, *site.warnings])
    for finding in findings:
        say(f"  {finding}")
    published = len(tei_files) - len(invalid)
    left_out = len(report.failed) + len(invalid)
    outcome = (f"{count(published, 'document')} published" + (f", {left_out} not published" if left_out else "")
               + _tally(findings))
    say(f"done in {time.perf_counter() - started:.1f} s: {outcome}")
    for line in [heading, f"convert   0 written, {len(report.results) - len(report.failed)} unchanged, "
                          f"{len(report.failed)} failed", validated,
                 f"site      {site_summary(replace(site, up_to_date=True))}", *[f"  {f}" for f in findings]]:
        said(line)
    said(outcome)
    return not report.failed and not invalid


def site_summary(site) -> str:
    """What the site builder did, in one line."""
    where = f"in {site.site_dir}"
    if site.up_to_date:
        return (f"up to date ({count(len(site.pages), 'page')} for {count(site.documents, 'document')} {where}; "
                f"nothing changed since the last build)")
    search = (f", search index of {count(site.search_pages, 'document')}" if site.search_pages
              else ", no search index")
    return (f"{count(len(site.pages), 'page')} and {count(site.file_count, 'other file')} for "
            f"{count(site.documents, 'document')}{search} {where}")


def count(number: int, noun: str) -> str:
    """`1 warning`, `2 warnings`, `1,000 documents` (nouns whose plural adds an s)."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def unique(problems: list[Problem]) -> list[Problem]:
    """Each finding once, in the order first seen (a warning can reach the report by two routes)."""
    seen: dict[str, Problem] = {}
    for problem in problems:
        seen.setdefault(str(problem), problem)
    return list(seen.values())


def _tally(findings: list[Problem]) -> str:
    errors = sum(1 for finding in findings if finding.severity == "error")
    warnings = len(findings) - errors
    parts = [count(errors, "error")] * bool(errors) + [count(warnings, "warning")] * bool(warnings)
    return f"; {' and '.join(parts)} listed above" if parts else ""


def say(message: str) -> None:
    print(message, file=sys.stderr if message.startswith("  ") else sys.stdout, flush=True)
