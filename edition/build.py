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
from edition.errors import EditionError


# tei_all results keyed by file checksum: a rebuild re-checks only what changed (git-ignored).
VALIDATION_CACHE = ".validation-cache.json"


def build_edition(corpus_dir: Path, tei_dir: Path, site_dir: Path, settings_path: Path, *, force: bool = False,
                  jobs: int = 0, tei_all: bool = True, progress: bool = True) -> bool:
    from edition.settings import load_settings
    from edition.site import build_site
    from edition.validate import validate_paths

    started = time.perf_counter()
    settings = load_settings(settings_path)
    say(f"edition: {settings.title} (version {settings.version})")

    report = convert_corpus(corpus_dir, tei_dir, force=force, jobs=jobs, publisher=settings.publisher,
                            progress=progress)
    say(f"convert   {report.count('written')} written, {report.count('unchanged')} unchanged, "
        f"{len(report.failed)} failed")

    tei_files = sorted(Path(tei_dir).glob("*.xml"), key=lambda p: p.name)
    if not tei_files:
        raise EditionError(f"{tei_dir}: no TEI files to publish; add sources to {corpus_dir}")
    validation = validate_paths(tei_files, tei_all=tei_all, cache=Path(tei_dir) / VALIDATION_CACHE, jobs=jobs,
                                progress=progress)
    invalid = {Path(f.path).name for f in validation.files if not f.passed_edition_schema}
    say(f"validate  {len(tei_files) - len(invalid)} of {len(tei_files)} valid"
        + ("" if tei_all else " (tei_all skipped)"))

    site = build_site(Path(tei_dir), Path(site_dir), settings, validation=validation, progress=progress,
                      exclude=invalid, jobs=jobs)
    say(f"site      {site.summary()}")

    problems = report.problems + [p for p in validation.problems]
    warnings = [str(w) for w in getattr(site, "warnings", [])]
    for problem in problems:
        say(f"  {problem}")
    for warning in warnings:
        say(f"  {warning}")
    say(f"done in {time.perf_counter() - started:.1f} s: {len(tei_files) - len(invalid)} documents published"
        + (f", {len(report.failed) + len(invalid)} not published" if report.failed or invalid else ""))
    return not report.failed and not invalid


def say(message: str) -> None:
    print(message, file=sys.stderr if message.startswith("  ") else sys.stdout, flush=True)
