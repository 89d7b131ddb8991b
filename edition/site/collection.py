"""What the edition's documents say together: persons across documents, translations of the
same conversation, archives, the chronology."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from edition.site.document import Document, Turn


@dataclass
class Appearance:
    doc: Document
    role: str
    turns: list[Turn]
    words: int
    mentions: list  # Mention


@dataclass
class PersonEntry:
    id: str
    name: str
    note: str = ""
    appearances: list[Appearance] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return sum(len(a.turns) for a in self.appearances)

    @property
    def words(self) -> int:
        return sum(a.words for a in self.appearances)

    @property
    def sort_key(self) -> tuple:
        return (self.name.split()[-1].casefold() if self.name.split() else "", self.name.casefold(), self.id)


def persons_index(docs: list[Document]) -> dict[str, PersonEntry]:
    """One entry per person id across the edition (ids are edition-wide), sorted by surname."""
    names: dict[str, Counter] = defaultdict(Counter)
    notes: dict[str, str] = {}
    for doc in docs:
        for person in doc.persons:
            names[person.id][person.name] += 1
            if person.note and person.id not in notes:
                notes[person.id] = person.note
    entries = {pid: PersonEntry(pid, min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0], notes.get(pid, ""))
               for pid, c in names.items()}
    for doc in docs:
        for person in doc.persons:
            turns = [t for t in doc.turns if person.id in t.who]
            entries[person.id].appearances.append(Appearance(
                doc, person.role, turns, sum(t.words for t in turns),
                [m for m in doc.mentions if m.person == person.id]))
    for entry in entries.values():
        entry.appearances.sort(key=lambda a: a.doc.sort_key)
    return dict(sorted(entries.items(), key=lambda kv: kv[1].sort_key))


def translation_groups(docs: list[Document]) -> list[list[Document]]:
    """Documents that translate the same conversation: linked by listBibl[@type='translations']
    (which the converter writes from evidence, never from a date and speakers alone). Groups of
    two or more."""
    by_id = {d.id: d for d in docs}
    parent = {d.id: d.id for d in docs}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for doc in docs:
        for target in doc.translation_refs:
            if target in by_id and target != doc.id:
                union(doc.id, target)
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[root(doc.id)].append(doc)
    return sorted((sorted(g, key=lambda d: d.id) for g in groups.values() if len(g) > 1), key=lambda g: g[0].sort_key)


def missing_translation_refs(docs: list[Document]) -> list[tuple[Document, str]]:
    ids = {d.id for d in docs}
    return [(d, t) for d in docs for t in d.translation_refs if t not in ids]


@dataclass
class ArchiveEntry:
    name: str
    place: str
    docs: list[Document]


def archives_index(docs: list[Document]) -> list[ArchiveEntry]:
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[doc.source.archive or "Archive not recorded"].append(doc)
    entries = []
    for name_, items in groups.items():
        items.sort(key=lambda d: (d.source.collection, d.source.shelfmark, d.sort_key))
        place = next((d.source.place for d in items if d.source.place), "")
        entries.append(ArchiveEntry(name_, place, items))
    return sorted(entries, key=lambda e: (e.name == "Archive not recorded", e.name.casefold()))


def chronology(docs: list[Document]) -> list[tuple[str, list[Document]]]:
    years: dict[str, list[Document]] = defaultdict(list)
    for doc in sorted(docs, key=lambda d: d.sort_key):
        years[doc.year or "Undated"].append(doc)
    return sorted(years.items(), key=lambda kv: (kv[0] == "Undated", kv[0]))
