"""An edition folder: `edition.toml` and the folders it names.

Every command works on one edition folder: the one given with `--project`, else the current
folder or the nearest folder above it that holds an `edition.toml` (the way git finds its
repository). An edition folder holds

    edition.toml   the settings (edition/settings.py)
    corpus/        the plain-text records
    tei/           the TEI files made from them
    registers/     persons.toml, archives.toml, places.toml, profiles/: the edition's own
                   entries, added to the registers the package ships (an entry with the same
                   key replaces the packaged one)
    templates/     the edition's own templates, each replacing the packaged one of that name
    site/          the built website

The package itself is never edited: an editor's changes live in the edition folder.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from edition.errors import EditionError
from edition.settings import Settings, load_settings

SETTINGS_FILE = "edition.toml"


@dataclass(frozen=True)
class RegisterFiles:
    """The edition's register files; one that does not exist leaves the packaged default as it is."""

    folder: Path

    @property
    def persons(self) -> Path:
        return self.folder / "persons.toml"

    @property
    def archives(self) -> Path:
        return self.folder / "archives.toml"

    @property
    def places(self) -> Path:
        return self.folder / "places.toml"

    @property
    def profiles(self) -> Path:
        return self.folder / "profiles"

    @property
    def alignments(self) -> Path:
        """An editor's corrections of the alignment of translations (edition.align)."""
        return self.folder / "alignments.toml"

    @property
    def annotations(self) -> Path:
        """The editor's own notes on passages (a misplaced marker, a doubtful reading)."""
        return self.folder / "annotations.toml"

    @property
    def translations(self) -> Path:
        """Records the editor declares to be translations of one conversation (edition.convert)."""
        return self.folder / "translations.toml"

    def present(self) -> list[Path]:
        """The register files that exist, profiles included, in a stable order."""
        files = [path for path in (self.persons, self.archives, self.places, self.alignments, self.translations,
                                   self.annotations)
                 if path.is_file()]
        if self.profiles.is_dir():
            files += sorted(path for path in self.profiles.rglob("*.toml") if path.is_file())
        return files

    def fingerprint(self) -> str:
        """Changes when any register file changes: what was converted with the old ones is stale.
        "" for an edition with no register files of its own (the packaged ones are the converter's)."""
        present = self.present()
        if not present:
            return ""
        hasher = hashlib.sha256()
        for path in present:
            hasher.update(path.relative_to(self.folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        return hasher.hexdigest()

    def reader_options(self) -> dict:
        """What the readers take from the registers: `read_source`'s keyword arguments."""
        return {"register": self.person_register(), "archives": self.archive_table(),
                "profiles": self.profiles if self.profiles.is_dir() else None, "places": self.place_index(),
                "annotations": _loaded(load_annotations, _existing(self.annotations))}

    def place_index(self):
        """The places the edition knows: the packaged register with the edition's entries."""
        from edition.places import load_places

        return _loaded(load_places, _existing(self.places))

    def person_register(self):
        """The persons the edition knows: the packaged register with the edition's entries."""
        from edition.persons import load_register

        return _loaded(load_register, _existing(self.persons))

    def archive_table(self):
        """The archives the edition knows: the packaged table with the edition's entries."""
        from edition.archives import load_archives

        return _loaded(load_archives, _existing(self.archives))


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def load_annotations(path: Path | None) -> tuple:
    """The editor's notes (registers/annotations.toml, `[[annotation]]` tables): each names the
    document, the element it follows (`after`, an xml:id), its text and, optionally, the passage
    it points to (`see`)."""
    from edition.model import Annotation

    if path is None:
        return ()
    data = tomllib.loads(Path(path).read_text("utf-8"))
    return tuple(Annotation(entry["document"], entry["after"], entry["text"], entry.get("see", ""))
                 for entry in data.get("annotation", []) if {"document", "after", "text"} <= entry.keys())


def _loaded(loader, path: Path | None):
    """A register loaded by `loader`; an editor's file that is not TOML is an error naming it."""
    try:
        return loader(path)
    except tomllib.TOMLDecodeError as error:
        raise EditionError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise EditionError(f"{path}: not UTF-8 text") from None


@dataclass
class Project:
    """One edition folder and its settings."""

    settings: Settings
    settings_path: Path  # may not exist: then every setting has its default

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def corpus(self) -> Path:
        return self.settings.folder("corpus")

    @property
    def tei(self) -> Path:
        return self.settings.folder("tei")

    @property
    def site(self) -> Path:
        return self.settings.folder("site")

    @property
    def templates(self) -> Path:
        return self.settings.folder("templates")

    @property
    def registers(self) -> RegisterFiles:
        return RegisterFiles(self.settings.folder("registers"))

    @property
    def has_settings(self) -> bool:
        return self.settings_path.is_file()


def open_project(folder: Path | None = None, settings_path: Path | None = None) -> Project:
    """The edition in `folder` (None: the current folder or the nearest above with an edition.toml).

    `settings_path` names another settings file; its folder is then the edition's folder.
    """
    if settings_path is not None:
        settings_path = Path(settings_path)
    else:
        if folder is not None and not Path(folder).is_dir():
            raise EditionError(f"{folder}: no such edition folder (`edition init {folder}` creates one)")
        settings_path = (Path(folder) if folder is not None else _find_root()) / SETTINGS_FILE
    settings = load_settings(settings_path)
    settings.root = settings_path.parent
    return Project(settings, settings_path)


def _find_root() -> Path:
    """The current folder or the nearest one above it with an edition.toml, as a short path."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return Path(os.path.relpath(folder, here))
    return Path(".")
