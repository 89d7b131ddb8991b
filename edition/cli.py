"""The `edition` command: init, build, check, convert, validate, serve.

Every command works on one edition folder (`--project DIR`, else the current folder or the
nearest one above it with an `edition.toml`). Errors a user can act on are raised as
`EditionError` anywhere in the package and reported here once, as a message, never as a
traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from edition import __version__
from edition.errors import EditionError


class _InOrder(click.Group):
    """Lists the commands in the order an editor meets them, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


PROJECT_HELP = ("The edition folder, the one holding edition.toml (default: the current folder, "
                "or the nearest folder above it with an edition.toml).")
JOBS_HELP = "Worker processes (or threads) for converting, checking and rendering (default: one per core)."
EXECUTOR_HELP = ("Where the documents are processed: process (worker processes, the default), thread, serial "
                 "(this process only), or dask://HOST:PORT, a running Dask scheduler whose workers see this "
                 "edition's folders at the same paths.")


def _checked_executor(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from edition.executor import parse_spec

    try:
        return None if value is None else parse_spec(value)
    except EditionError as error:
        raise click.BadParameter(str(error)) from None


def executor_option(function):
    return click.option("--executor", "executor", default=None, metavar="SPEC", callback=_checked_executor,
                        help=EXECUTOR_HELP)(function)


def project_option(function):
    return click.option("--project", "-C", "project_dir", type=click.Path(path_type=Path, file_okay=False),
                        default=None, metavar="DIR", help=PROJECT_HELP)(function)


def _project(project_dir: Path | None, settings_path: Path | None = None):
    from edition.project import open_project

    return open_project(project_dir, settings_path)


@click.group(cls=_InOrder, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog="""\b
Examples:
  edition init my-edition       start a new edition in the folder my-edition
  cd my-edition && edition build
  edition serve                 read it at http://127.0.0.1:8000/
  edition check new-record.txt  see what a record would become before adding it

Run `edition COMMAND --help` for a command's options and examples.""")
@click.version_option(__version__, "--version", "-V", prog_name="edition", message="%(prog)s %(version)s")
def cli() -> None:
    """Turn plain-text transcripts of historical records into a TEI P5 edition and a static website."""


@cli.command(short_help="Start a new edition in a folder.", epilog="""\b
Examples:
  edition init my-edition
  edition init my-edition --title "Conversations with Chiang Kai-shek, 1943-1949"
  edition init .                  make the current folder an edition (keeps what is there)""")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), metavar="DIR")
@click.option("--title", default="", help="The edition's title (default: the folder's name); edit it later in "
                                          "edition.toml.")
def init(folder: Path, title: str) -> None:
    """Start a new edition in DIR: settings, an example record, registers, a GitHub Pages workflow.

    DIR may exist; nothing in it is overwritten, and a folder that already holds an
    edition.toml is refused. Then `cd DIR && edition build` builds the example edition.
    """
    from edition.init import init_edition

    created = init_edition(folder, title=title)
    click.echo(f"Created the edition {folder}/ ({_count(len(created.files), 'file')}):")
    for path in created.files:
        click.echo(f"  {path.relative_to(folder).as_posix()}")
    for note in created.notes:
        click.echo(f"To do: {note}")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    click.echo(f"\nNext: {where}edition build, then edition serve to read the site at http://127.0.0.1:8000/.\n"
               f"The edition's README.md says how to add records and publish the site.")


@cli.command(short_help="Build the edition: records -> TEI -> checks -> website.", epilog="""\b
Examples:
  edition build                   the edition in the current folder
  edition build -C my-edition     the edition in my-edition/
  edition build --no-tei-all      faster while editing: leaves out the tei_all check
  edition build --force           also replace TEI files that were edited by hand
  edition build --executor dask://scheduler:8786
                                  on the workers of a Dask cluster""")
@project_option
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="The plain-text records (default: folders.corpus in edition.toml, `corpus`).")
@click.option("--tei", "tei_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Where the TEI files are written (default: folders.tei, `tei`).")
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Where the website is built (default: folders.site, `site`).")
@click.option("--settings", "settings_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE", help="Another settings file instead of the edition folder's edition.toml; its folder "
                                   "is then the edition folder.")
@click.option("--base-url", default=None, metavar="URL",
              help="The site's public address, instead of base_url in edition.toml (the GitHub Pages workflow "
                   "passes the one GitHub gives).")
@click.option("--force", is_flag=True, help="Overwrite TEI files that were edited by hand since they were converted.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N", help=JOBS_HELP)
@executor_option
@click.option("--tei-all/--no-tei-all", default=True, show_default=True,
              help="Also validate changed TEI files against the official TEI P5 tei_all schema.")
def build(project_dir: Path | None, corpus_dir: Path | None, tei_dir: Path | None, site_dir: Path | None,
          settings_path: Path | None, base_url: str | None, force: bool, jobs: int, executor: str | None,
          tei_all: bool) -> None:
    """Build the whole edition: records -> TEI files -> checks -> website.

    Incremental: only what changed since the last build is converted, checked and rendered,
    and a build with nothing changed does no work. A record that cannot be converted or
    fails the edition's schema is reported (file:line: message) and left out; the rest is
    published. Exit status 1 when a record could not be published.
    """
    from edition.build import build_edition

    project = _project(project_dir, settings_path)
    if base_url is not None:
        project.settings = with_base_url(project.settings, base_url)
    ok = build_edition(project, corpus_dir=corpus_dir, tei_dir=tei_dir, site_dir=site_dir, force=force, jobs=jobs,
                       tei_all=tei_all, executor=executor)
    sys.exit(0 if ok else 1)


@cli.command(short_help="Check a record before adding it (writes nothing).", epilog="""\b
Examples:
  edition check corpus/1949-05-11_chennault-rusk.txt
  edition check ~/Downloads/new-record.txt -C my-edition""")
@project_option
@click.argument("record", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="RECORD")
def check(project_dir: Path | None, record: Path) -> None:
    """Check one record before adding it, writing nothing.

    Shows which reader would read RECORD, its date, archival citation, persons, turns and
    notes, the TEI file it would become, and every warning the conversion and the schemas
    would give, using the edition's registers. Exit status 1 when it could not be converted
    or would fail the edition's schema.
    """
    from edition.check import check_record, print_check

    outcome = check_record(_project(project_dir), record)
    print_check(outcome)
    sys.exit(0 if outcome.publishable else 1)


@cli.command(short_help="Convert records into TEI files only.", epilog="""\b
Examples:
  edition convert                 every record in the edition's corpus/
  edition convert corpus/1949-05-11_chennault-rusk.txt
  edition convert --force         also replace TEI files that were edited by hand""")
@project_option
@click.argument("source", type=click.Path(path_type=Path), default=None, required=False, metavar="[SOURCE]")
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="Folder for the TEI files (default: folders.tei in edition.toml, `tei`).")
@click.option("--force", is_flag=True, help="Overwrite TEI files that were edited by hand since they were converted.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N", help=JOBS_HELP)
@executor_option
@click.option("--settings", "settings_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE", help="Another settings file instead of the edition folder's edition.toml.")
def convert(project_dir: Path | None, source: Path | None, out: Path | None, force: bool, jobs: int,
            executor: str | None, settings_path: Path | None) -> None:
    """Convert records (a folder or files; default: the corpus folder) into TEI files.

    A source that is unchanged since its last conversion is not converted again; a TEI file
    edited by hand is never overwritten without --force. Exit status 1 when a record could
    not be converted.
    """
    from edition.convert import convert_corpus, print_report

    project = _project(project_dir, settings_path)
    report = convert_corpus(source or project.corpus, out or project.tei, force=force, jobs=jobs,
                            publisher=project.settings.publisher, registers=project.registers,
                            follow_links=project.settings.follow_corpus_links, executor=executor)
    print_report(report)
    sys.exit(1 if report.failed else 0)


@cli.command(short_help="Check TEI files against the schemas and rules.", epilog="""\b
Examples:
  edition validate                the edition's tei/ folder
  edition validate tei/1949-05-11_chennault-rusk.xml --no-tei-all""")
@project_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATHS]...")
@click.option("--tei-all/--no-tei-all", default=True, show_default=True,
              help="Also validate against the official TEI P5 tei_all schema.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N", help=JOBS_HELP)
@executor_option
def validate(project_dir: Path | None, paths: tuple[Path, ...], tei_all: bool, jobs: int,
             executor: str | None) -> None:
    """Check TEI files (default: the tei folder) against the edition's schema, TEI P5 and the edition's rules.

    Errors are printed as file:line: message, with exit status 1; a clean run says how many
    files passed.
    """
    from edition.validate import print_validation, validate_paths

    targets = list(paths) or [_project(project_dir).tei]
    report = validate_paths(targets, tei_all=tei_all, jobs=jobs, progress=True, executor=executor)
    print_validation(report)
    sys.exit(0 if report.ok else 1)


@cli.command(short_help="Serve the built site at http://127.0.0.1:8000/.", epilog="""\b
Examples:
  edition serve                   http://127.0.0.1:8000/
  edition serve --port 8080
  edition serve --host 0.0.0.0    also to other machines on the network (a preview server only)""")
@project_option
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="The built site (default: folders.site in edition.toml, `site`).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; 0.0.0.0 (or ::) serves to every network this machine is on.")
def serve(project_dir: Path | None, site_dir: Path | None, port: int, host: str) -> None:
    """Serve the built site for reading in a browser, until Ctrl-C.

    The search needs HTTP; every other page also works opened from the file system. This is a
    preview server: publish the site folder with any static web host (see the edition's README).
    """
    from edition.serve import serve_site

    serve_site(site_dir or _project(project_dir).site, port, host)


def with_base_url(settings, base_url: str):
    """The settings with another base URL, checked as the settings file's would be."""
    import dataclasses

    from edition.settings import settings_from_dict

    checked = settings_from_dict({"base_url": base_url}, source="--base-url").base_url
    return dataclasses.replace(settings, base_url=checked)


def _count(number: int, noun: str) -> str:
    from edition.build import count

    return count(number, noun)


def main() -> None:
    from edition import collector

    collector.LEAVE_TO_EXIT = True  # this process ends with _leave, which frees nothing
    try:
        cli(standalone_mode=True)
    except EditionError as error:
        click.echo(f"error: {error}", err=True)
        _leave(2)
    except SystemExit as stop:
        _leave(stop.code)


def _leave(code) -> None:
    """End the process without tearing the interpreter down (the console command only; the
    tests call `cli`): a rebuild of 10,000 documents leaves a heap whose teardown took 0.25 s
    of its 6. Everything the edition writes is closed by now (files in `with` blocks, the
    catalogue's transactions committed); the output is flushed here."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe (`edition build | head`): nothing more can be said
    os._exit(code or 0)


if __name__ == "__main__":
    main()
