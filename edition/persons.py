"""Who is who: speaker labels as printed → one edition-wide person each.

API: `load_register(path=None)` reads the packaged register (`edition/data/persons.toml`) with an
edition's own register (`registers/persons.toml`, passed in by the CLI) merged over it, key by
key; `attach_details(persons, register)` gives each model Person its register entry (roles,
dates of life, affiliation, Wikidata/VIAF/GND ids), which the TEI writer puts in `person`.

Transcripts name the same person in many ways ("Comrade Liri", "Comrade Liri Belishova";
"KHRUSHCHEV N.S.", "N.S. Khrushchev"). A label is matched by its words, ignoring case,
order, honorifics and the full stops of initials, first against the edition's register
(`edition/data/persons.toml`), then against the other labels of the same document.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

HONORIFICS = {"comrade", "comrades", "cde", "cdes", "com", "coms", "mr", "mrs", "comr"}


AUTHORITIES = ("wikidata", "viaf", "gnd")  # in this order in person/idno


@dataclass(frozen=True)
class RegisteredPerson:
    id: str
    name: str
    variants: tuple[str, ...]
    note: str = ""
    roles: tuple[str, ...] = ()  # offices held, as TEI occupation: "Chairman of the Chinese Communist Party"
    birth: str = ""  # ISO date or year
    death: str = ""
    affiliation: str = ""
    wikidata: str = ""  # Q-number
    viaf: str = ""
    gnd: str = ""
    probable: tuple[str, ...] = ()  # labels that name this person only probably (the edition's guess)
    forename_only: bool = False  # known by one name only

    def authority_ids(self) -> list[tuple[str, str]]:
        return [(kind, getattr(self, kind)) for kind in AUTHORITIES if getattr(self, kind)]


@dataclass
class Register:
    persons: list[RegisteredPerson] = field(default_factory=list)

    def find(self, label: str) -> RegisteredPerson | None:
        words = name_words(label)
        if not words - INITIAL_WORDS(words):
            return None
        exact = [p for p in self.persons if any(name_words(v) == words for v in (p.name, *p.variants, *p.probable))]
        if exact:
            return exact[0]
        # "Comrade Liri" names Liri Belishova when no other registered person is a Liri.
        partial = [p for p in self.persons if any(words <= name_words(v) for v in (p.name, *p.variants))]
        return partial[0] if len(partial) == 1 else None


def INITIAL_WORDS(words: frozenset[str]) -> frozenset[str]:
    return frozenset(word for word in words if len(word) == 1)


# Remembered: the register's names are folded again for every label looked up in it (a tenth
# of the converter's time went here).
@lru_cache(maxsize=16384)
def name_words(label: str) -> frozenset[str]:
    """The words of a name, folded: `KHRUSHCHEV N.S.` and `N.S. Khrushchev` give the same set."""
    folded = unicodedata.normalize("NFKD", label.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    words = re.findall(r"[a-z0-9]+", folded.replace("’", "").replace("'", ""))
    return frozenset(word for word in words if word not in HONORIFICS)


# Letters that lose nothing but accents are folded by Unicode decomposition (ä → a); these
# have no decomposition, and Cyrillic names are common in Soviet-era collections.
_LETTERS = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
            "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "ĸ": "k"}
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
                     "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia i i ie g u".split()))
_CYRILLIC = {key: ("" if value == "-" else value) for key, value in _CYRILLIC.items()}
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω", "a b g d e z i th i k l m n x o p r s s t y f ch ps o".split()))


def _ascii_letters(char: str) -> str:
    if char in _LETTERS:
        return _LETTERS[char]
    lower = char.lower()
    for table in (_CYRILLIC, _GREEK):
        if lower in table:
            value = table[lower]
            return value.capitalize() if char != lower else value
    return char


def ascii_fold(text: str) -> str:
    """Latin letters without accents (`Gespräch` → `Gesprach`, `Łódź` → `Lodz`), Cyrillic and
    Greek transliterated (`Беседа` → `Beseda`) by our table; other scripts by text-unidecode's
    (`毛泽东` → `Mao Ze Dong`); what has no ASCII spelling (`★`) is dropped."""
    if text.isascii():
        return text
    from text_unidecode import unidecode

    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text))
    folded = "".join(_ascii_letters(char) for char in folded if not unicodedata.combining(char))
    folded = unicodedata.normalize("NFKD", folded)
    return "".join(char if char.isascii() else unidecode(char) for char in folded if not unicodedata.combining(char))


def slug(text: str) -> str:
    folded = ascii_fold(text).casefold()
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in HONORIFICS]
    if not words:  # a name with nothing to spell in ASCII (★): one id per name
        return "person-" + hashlib.sha256(text.strip().encode()).hexdigest()[:8]
    value = "-".join(words)
    return value if value[0].isalpha() else f"p-{value}"


@cache
def default_register() -> Register:
    return register_from_table(_packaged_table())


@cache
def _packaged_table() -> dict:
    return tomllib.loads(resources.files("edition.data").joinpath("persons.toml").read_text("utf-8"))


def load_register(path: Path | None = None) -> Register:
    """The packaged register, with the entries of an edition's file merged over it."""
    if path is None:
        return default_register()
    table = dict(_packaged_table())
    own = tomllib.loads(path.read_text("utf-8"))
    check_register_keys(own, path)
    for key, entry in own.items():
        table[key] = {**table.get(key, {}), **entry}
    return register_from_table(table)


# A register key becomes the person's xml:id in every TEI file and the name of their page.
_PERSON_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def check_register_keys(table: dict, source) -> None:
    """A key that cannot be an XML id is reported once, with the register's name (it gave a
    schema error in every document that names the person)."""
    from edition.errors import EditionError

    for key, entry in table.items():
        if not _PERSON_KEY.fullmatch(key):
            raise EditionError(f"{source}: the person key [{key}] cannot be an id (it must start with a letter or "
                               "'_' and hold only letters, digits, '-', '_' and '.'), e.g. [mao-zedong]")
        if not isinstance(entry, dict) or not isinstance(entry.get("name", ""), str):
            raise EditionError(f"{source}: [{key}] must be a table with name = \"...\"")


def register_from_table(data: dict) -> Register:
    return Register([RegisteredPerson(key, entry["name"], tuple(entry.get("variants", [])), entry.get("note", ""),
                                      tuple(entry.get("roles", [])), str(entry.get("birth", "")),
                                      str(entry.get("death", "")), entry.get("affiliation", ""),
                                      entry.get("wikidata", ""), str(entry.get("viaf", "")), entry.get("gnd", ""),
                                      tuple(entry.get("probable", [])), bool(entry.get("forename_only", False)))
                     for key, entry in data.items()])


def attach_details(persons: list, register: Register) -> None:
    """Give each model Person the register's entry for their id (None for a person the register
    does not know)."""
    entries = {entry.id: entry for entry in register.persons}
    for person in persons:
        person.details = entries.get(person.id)


def strip_honorific(label: str) -> str:
    return re.sub(r"^(?:Comrades?|Cdes?\.|Coms?\.)\s+", "", label.strip(), flags=re.I)


def display_form(label: str) -> str:
    """A name for readers from a label printed in capitals: `MAO ZEDONG` → `Mao Zedong`."""
    name = strip_honorific(label)
    if name.isupper():
        name = " ".join(word if re.fullmatch(r"(?:[A-Z]\.)+", word) else word.capitalize() for word in name.split())
    return name


class PersonResolver:
    """Gives each label of one document its person id, the same for every variant."""

    def __init__(self, register: Register):
        self.register = register
        self.ids: dict[str, str] = {}  # label → id
        self.names: dict[str, str] = {}  # id → name shown to readers
        self.labels: dict[str, list[str]] = {}  # id → labels as printed, in order
        self.probable: set[str] = set()  # labels the register says name their person only probably

    def resolve(self, label: str) -> str:
        if label in self.ids:
            return self.ids[label]
        registered = self.register.find(label)
        if registered:
            person_id, name = registered.id, registered.name
            if any(name_words(v) == name_words(label) for v in registered.probable):
                self.probable.add(label)
        else:
            person_id, name = self._local(label)
        self.ids[label] = person_id
        self.names.setdefault(person_id, name)
        self.labels.setdefault(person_id, [])
        if label not in self.labels[person_id]:
            self.labels[person_id].append(label)
        return person_id

    def _local(self, label: str) -> tuple[str, str]:
        words = name_words(label)
        for other, other_id in self.ids.items():
            other_words = name_words(other)
            if words and (words <= other_words or other_words <= words):
                if len(words) > len(other_words):  # the fuller form names the person
                    self.names[other_id] = display_form(label)
                return other_id, self.names[other_id]
        return slug(display_form(label)), display_form(label)
