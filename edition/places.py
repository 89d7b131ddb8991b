"""The place register: one normalised name and id a place, the forms the records print kept.

A record prints the place of a meeting its own way (`Huairan Hall`, `Huairen Hall`, `Hall of
Huaizhentan` for one hall; `Peking`, `Peiping`, `Beijing`). The register (packaged
`edition/data/places.toml`, an edition's `registers/places.toml` added over it) names each
place once; the converter links every printed form it finds in a dateline or a title to its
entry (`placeName/@ref`), and lists the places in the header (`settingDesc/listPlace`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    variants: tuple[str, ...] = ()
    settlement: str = ""
    country: str = ""
    wikidata: str = ""
    note: str = ""

    def forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.variants)))


@dataclass
class PlaceIndex:
    """Every printed form of every place, matched longest first at word boundaries."""

    places: tuple[Place, ...]
    pattern: re.Pattern | None = field(default=None, repr=False)
    by_form: dict[str, Place] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for place in self.places:
            for form in place.forms():
                self.by_form.setdefault(form.casefold(), place)
        forms = sorted(self.by_form, key=len, reverse=True)
        if forms:
            self.pattern = re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(re.escape(f) for f in forms), re.I)

    def find(self, text: str) -> list[tuple[int, int, Place]]:
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), self.by_form[m.group(0).casefold()]) for m in self.pattern.finditer(text)]


def _table(data: dict) -> dict[str, Place]:
    return {key: Place(key, entry.get("name", key), tuple(entry.get("variants", [])), entry.get("settlement", ""),
                       entry.get("country", ""), entry.get("wikidata", ""), entry.get("note", ""))
            for key, entry in data.items() if isinstance(entry, dict)}


@cache
def _packaged() -> dict[str, Place]:
    return _table(tomllib.loads(resources.files("edition.data").joinpath("places.toml").read_text("utf-8")))


def load_places(path: Path | None = None) -> PlaceIndex:
    """The packaged places, with an edition's register (registers/places.toml) merged over them."""
    places = dict(_packaged())
    if path is not None and Path(path).is_file():
        places.update(_table(tomllib.loads(Path(path).read_text("utf-8"))))
    return PlaceIndex(tuple(places.values()))


@cache
def default_places() -> PlaceIndex:
    return load_places(None)
