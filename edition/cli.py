"""The `edition` command: convert, validate, build, serve.

Errors a user can act on are raised as `EditionError` anywhere in the package and
reported here once, as a message, never as a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from edition import __version__
from edition.errors import EditionError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="edition")
def cli() -> None:
    """Turn plain-text transcripts into a TEI P5 edition and a static website."""


@cli.command()
@click.argument("source", type=click.Path(path_type=Path), default=Path("corpus"))
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("tei"), show_default=True,
              help="Folder for the TEI files.")
@click.option("--force", is_flag=True, help="Overwrite TEI files that were edited by hand.")
@click.option("--jobs", "-j", type=int, default=0, help="Parallel workers (default: all cores).")
@click.option("--settings", "settings_path", type=click.Path(path_type=Path), default=Path("edition.toml"),
              show_default=True, help="The edition's settings file (the publisher named in each TEI header).")
def convert(source: Path, out: Path, force: bool, jobs: int, settings_path: Path) -> None:
    """Convert plain-text sources (a folder or files) into TEI files."""
    from edition.convert import convert_corpus, print_report
    from edition.settings import load_settings

    publisher = load_settings(settings_path).publisher
    report = convert_corpus(source, out, force=force, jobs=jobs, publisher=publisher)
    print_report(report)
    sys.exit(1 if report.failed else 0)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--tei-all/--no-tei-all", default=True, show_default=True,
              help="Also validate against the official TEI P5 tei_all schema.")
@click.option("--jobs", "-j", type=int, default=0, help="Parallel workers (default: all cores).")
def validate(paths: tuple[Path, ...], tei_all: bool, jobs: int) -> None:
    """Check TEI files against the edition's schema, TEI P5 and the edition's rules."""
    from edition.validate import print_validation, validate_paths

    report = validate_paths(list(paths) or [Path("tei")], tei_all=tei_all, jobs=jobs, progress=True)
    print_validation(report)
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=Path("corpus"), show_default=True)
@click.option("--tei", "tei_dir", type=click.Path(path_type=Path), default=Path("tei"), show_default=True)
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option("--settings", "settings_path", type=click.Path(path_type=Path), default=Path("edition.toml"),
              show_default=True, help="The edition's settings file (title, editors, base URL ...).")
@click.option("--force", is_flag=True, help="Overwrite TEI files that were edited by hand.")
@click.option("--jobs", "-j", type=int, default=0, help="Parallel workers (default: all cores).")
@click.option("--tei-all/--no-tei-all", default=True, show_default=True,
              help="Also validate changed files against TEI P5 tei_all.")
def build(corpus_dir: Path, tei_dir: Path, site_dir: Path, settings_path: Path, force: bool, jobs: int,
          tei_all: bool) -> None:
    """Build the whole edition: corpus/ -> tei/ -> (validate) -> site/.

    Incremental: only what changed since the last build is converted, checked and rendered.
    """
    from edition.build import build_edition

    ok = build_edition(corpus_dir, tei_dir, site_dir, settings_path, force=force, jobs=jobs, tei_all=tei_all)
    sys.exit(0 if ok else 1)


@cli.command()
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
def serve(site_dir: Path, port: int) -> None:
    """Serve the built site on 127.0.0.1 for preview."""
    from edition.serve import serve_site

    serve_site(site_dir, port)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except EditionError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
