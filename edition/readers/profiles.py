"""Source profiles: what one family of sources prints, as data an editor reads and extends.

A profile (a TOML file in `edition/data/profiles/`, or in an edition's own
`registers/profiles/`) names a family's chrome, field labels, honorifics and titles, and the
signs by which a record shows it belongs to the family. The rules of the readers are
general; they ask the profile, never spell a family's words themselves. The generic profile
always applies; each other profile applies to a record that shows one of its signs, and adds
to the generic lists.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path


_KEY_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """A label or field name folded for comparison: `DR.EVATT`, `Dr. Evatt` → `DR EVATT`.
    Remembered: the label rules fold the same few hundred words of a record ~3,000 times."""
    return " ".join(_KEY_WORD.findall(text.replace("’", "'").replace("'", "").upper()))


@dataclass
class Profile:
    names: list[str] = field(default_factory=list)
    honorifics: set[str] = field(default_factory=set)  # label keys
    titles: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    particles: set[str] = field(default_factory=set)
    joiners: set[str] = field(default_factory=set)
    not_labels: set[str] = field(default_factory=set)
    question_answer: set[str] = field(default_factory=set)
    participant_fields: set[str] = field(default_factory=set)
    note_headings: set[str] = field(default_factory=set)
    chrome_lines: set[str] = field(default_factory=set)
    chrome_patterns: list[re.Pattern] = field(default_factory=list)
    fields: dict[str, set[str]] = field(default_factory=dict)  # role → field label keys
    record_ids: list[tuple[str, re.Pattern]] = field(default_factory=list)
    header_ends: set[str] = field(default_factory=set)
    rights: tuple[str, str, str] | None = None  # (statement, availability status, profile) a family states
    funder_patterns: list[re.Pattern] = field(default_factory=list)
    speech_announcements: set[str] = field(default_factory=set)  # "gives an answer": a turn follows, unlabelled

    def is_chrome(self, line: str) -> bool:
        text = line.strip()
        return text in self.chrome_lines or any(pattern.fullmatch(text) for pattern in self.chrome_patterns)

    def honorific_pattern(self) -> str:
        """A regular expression for one honorific before a name ("Comrade ", "Cde. ", "Dr. ")."""
        words = sorted(self.honorifics, key=len, reverse=True)
        alternatives = "|".join(re.escape(word).replace("\\ ", r"\.?\s+") for word in words) or "(?!)"
        return rf"(?i:{alternatives})\.?\s+"

    def honorific_words(self) -> set[str]:
        return {word for key in self.honorifics | self.titles for word in key.split()}

    def field_role(self, name: str) -> str | None:
        key = label_key(name)
        return next((role for role, keys in self.fields.items() if key in keys), None)

    def add(self, data: dict) -> None:
        self.names.append(data.get("profile", {}).get("name", "?"))
        labels = data.get("labels", {})
        for attribute, key in (("honorifics", "honorifics"), ("titles", "titles"), ("not_labels", "not_labels"),
                               ("question_answer", "question_answer")):
            getattr(self, attribute).update(label_key(value) for value in labels.get(key, []))
        for attribute in ("articles", "particles", "joiners"):
            getattr(self, attribute).update(labels.get(attribute, []))
        self.participant_fields.update(label_key(v) for v in data.get("participants", {}).get("fields", []))
        self.note_headings.update(label_key(v) for v in data.get("notes", {}).get("headings", []))
        chrome = data.get("chrome", {})
        self.chrome_lines.update(chrome.get("lines", []))
        self.chrome_patterns.extend(re.compile(pattern) for pattern in chrome.get("patterns", []))
        for role, names in data.get("fields", {}).items():
            self.fields.setdefault(role, set()).update(label_key(name) for name in names)
        rights = data.get("rights")
        if rights and rights.get("statement"):
            self.rights = (rights["statement"], rights.get("status", "restricted"),
                           data.get("profile", {}).get("name", "?"))
        header = data.get("header", {})
        self.header_ends.update(header.get("ends_after", []))
        self.funder_patterns.extend(re.compile(p, re.I) for p in header.get("funder", []))
        self.speech_announcements.update(data.get("narration", {}).get("announces_speech", []))
        record = data.get("profile", {}).get("record_id")
        if record and record.get("pattern"):
            self.record_ids.append((record["type"], re.compile(record["pattern"])))


@dataclass(frozen=True)
class ProfileFile:
    name: str
    signs: tuple[str, ...]
    data: dict


def _read(path_text: str, name: str) -> ProfileFile:
    data = tomllib.loads(path_text)
    header = data.get("profile", {})
    return ProfileFile(header.get("name", name), tuple(header.get("signs", [])), data)


@cache
def packaged_profiles() -> tuple[ProfileFile, ...]:
    folder = resources.files("edition.data").joinpath("profiles")
    files = sorted((entry for entry in folder.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
    return tuple(_read(entry.read_text("utf-8"), entry.name[:-5]) for entry in files)


@cache
def edition_profiles(folder: Path | None) -> tuple[ProfileFile, ...]:
    """An edition's own profiles (`registers/profiles/*.toml`); a file named like a packaged
    profile adds to it."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple(_read(path.read_text("utf-8"), path.stem) for path in sorted(folder.glob("*.toml")))


def profile_for(text: str, folder: Path | None = None) -> Profile:
    """The generic profile plus every family profile whose signs the record shows."""
    profile = Profile()
    sample = text[:20000] + text[-20000:]
    for entry in packaged_profiles() + edition_profiles(folder):
        if entry.name == "generic" or any(sign in sample for sign in entry.signs):
            profile.add(entry.data)
    for key in profile.question_answer:
        profile.not_labels.discard(key)
    return profile
