"""`edition build`: the whole edition, step by step, as a table of contents.

convert (corpus → tei) → validate (schemas and rules) → render the site from the TEI files
→ index for search → report. A document that cannot be converted or does not validate is
reported and left out; the rest of the edition is still built.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from edition.convert import convert_corpus
from edition.errors import EditionError, Problem
from edition.lock import edition_lock
from edition.project import Project

# tei_all results keyed by file checksum: a rebuild re-checks only what changed (git-ignored).
VALIDATION_CACHE = ".validation-cache.json"


def build_edition(project: Project, *, corpus_dir: Path | None = None, tei_dir: Path | None = None,
                  site_dir: Path | None = None, force: bool = False, jobs: int = 0, tei_all: bool = True,
                  progress: bool = True) -> bool:
    """Build `project`; the folders given override those of its settings. True when every
    record was published. One build of an edition at a time (edition.lock): a second one
    stops, naming the process that is building."""
    with edition_lock(Path(tei_dir or project.tei), "build"):
        return _build_edition(project, corpus_dir=corpus_dir, tei_dir=tei_dir, site_dir=site_dir, force=force,
                              jobs=jobs, tei_all=tei_all, progress=progress)


def _build_edition(project: Project, *, corpus_dir: Path | None, tei_dir: Path | None, site_dir: Path | None,
                   force: bool, jobs: int, tei_all: bool, progress: bool) -> bool:
    from edition.site import build_site
    from edition.validate import validate_paths

    started = time.perf_counter()
    settings = project.settings
    corpus_dir, tei_dir = Path(corpus_dir or project.corpus), Path(tei_dir or project.tei)
    site_dir = Path(site_dir or project.site)
    say(f"edition: {settings.title} (version {settings.version})"
        + ("" if project.has_settings else f"; no {project.settings_path}: every setting has its default"))

    report = convert_corpus(corpus_dir, tei_dir, force=force, jobs=jobs, publisher=settings.publisher,
                            progress=progress, registers=project.registers,
                            follow_links=settings.follow_corpus_links)
    say(f"convert   {report.count('written')} written, {report.count('unchanged')} unchanged, "
        f"{len(report.failed)} failed")

    tei_files = sorted(tei_dir.glob("*.xml"), key=lambda p: p.name)
    if not tei_files:
        raise EditionError(f"{tei_dir}: no TEI files to publish; add records to {corpus_dir}")
    validation = validate_paths(tei_files, tei_all=tei_all, cache=tei_dir / VALIDATION_CACHE, jobs=jobs,
                                progress=progress)
    invalid = {Path(f.path).name for f in validation.files if not f.passed_edition_schema}
    say(f"validate  {len(tei_files) - len(invalid)} of {count(len(tei_files), 'TEI file')} valid"
        + ("" if tei_all else " (tei_all skipped)"))

    site = build_site(tei_dir, site_dir, settings, validation=validation, progress=progress, exclude=invalid,
                      jobs=jobs)
    say(f"site      {site_summary(site)}")

    findings = unique([*report.problems, *validation.problems, *site.warnings])
    for finding in findings:
        say(f"  {finding}")
    published = len(tei_files) - len(invalid)
    left_out = len(report.failed) + len(invalid)
    say(f"done in {time.perf_counter() - started:.1f} s: {count(published, 'document')} published"
        + (f", {left_out} not published" if left_out else "") + _tally(findings))
    return not report.failed and not invalid


def site_summary(site) -> str:
    """What the site builder did, in one line."""
    where = f"in {site.site_dir}"
    if site.up_to_date:
        return (f"up to date ({count(len(site.pages), 'page')} for {count(site.documents, 'document')} {where}; "
                f"nothing changed since the last build)")
    search = (f", search index of {count(site.search_pages, 'document')}" if site.search_pages
              else ", no search index")
    return (f"{count(len(site.pages), 'page')} and {count(len(site.files), 'other file')} for "
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
