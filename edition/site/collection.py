"""What the edition's documents say together: persons across documents, translations of the
same conversation, archives, the chronology."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from edition.persons import ascii_fold
from edition.site.document import Document, Turn


# A document's turns and mentions: (turns, mentions). The site's light records leave them out
# (they are most of a record, and only a person's own page shows them); the site builder reads
# them from the rendered document when that page is written.
Details = Callable[[Document], tuple[list[Turn], list]]


def own_details(doc: Document) -> tuple[list[Turn], list]:
    return doc.turns, doc.mentions


@dataclass
class Appearance:
    doc: Document
    role: str
    turn_count: int
    words: int
    person: str  # the person's id
    details: Details = own_details

    @property
    def turns(self) -> list[Turn]:
        """The person's turns in the document, in order."""
        return [t for t in self.details(self.doc)[0] if self.person in t.who]

    @property
    def mentions(self) -> list:
        """Where the document names the person (Mention)."""
        return [m for m in self.details(self.doc)[1] if m.person == self.person]


@dataclass
class Conversation:
    """One conversation a person took part in: the documents that record it (its translations)."""

    appearances: list[Appearance]

    @property
    def first(self) -> Document:
        return self.appearances[0].doc

    @property
    def speaks(self) -> bool:
        return any(a.turn_count for a in self.appearances)

    @property
    def turns(self) -> int:
        """Turns in the fullest record: two translations of one talk are one talk."""
        return max(a.turn_count for a in self.appearances)

    @property
    def words(self) -> int:
        return max(a.words for a in self.appearances)


# Family names that come first in the name as written (Chinese, Korean, Vietnamese): "Mao Zedong"
# is sorted under Mao, "Kim Il Sung" under Kim. A register that spells the family name out (TEI
# persName/surname) is followed instead.
FAMILY_NAME_FIRST = frozenset("""an bai bo cai cao chen cheng chu cui dai deng ding dong du duan fan fang feng fu gao
geng gong gu guo han hao he hong hou hu hua huang ji jia jiang jin kang kong lei li liang liao lin ling liu long lu
luo lü ma mao meng mo ni nie pan peng qi qian qiao qin qu rao ren rong shen sheng shi song su sun tan tang tao teng
tian wan wang wei wen wu xi xia xiang xiao xie xiong xu xue yan yang yao ye yi yin yu yuan zeng zhang zhao zheng
zhou zhu zhuang zou chiang chou hsu kuo soong sung teng tsai tseng
kim pak park choe choi chong jong ri rhee yi yun kang ho nguyen pham tran le vo vu dang bui do hoang""".split())


def family_name(name: str, surname: str = "") -> str:
    """The family name by which a person is sorted: the TEI's surname, else the first word of a
    family-name-first name, else the last word ("Nikita S. Khrushchev" → Khrushchev)."""
    if surname:
        return surname
    words = name.replace(",", " ").split()
    if not words:
        return ""
    if len(words) > 1 and words[0].casefold() in FAMILY_NAME_FIRST:
        return words[0]
    return words[-1]


@dataclass
class PersonEntry:
    id: str
    name: str
    note: str = ""
    appearances: list[Appearance] = field(default_factory=list)
    details: object = None  # a document's Person with the register's facts (birth, occupations …)
    conversations: list[Conversation] = field(default_factory=list)

    @property
    def family(self) -> str:
        return family_name(self.name, getattr(self.details, "surname", ""))

    @property
    def sorted_name(self) -> str:
        """The name as an index lists it: "Khrushchev, Nikita S."; "Mao Zedong" as it is."""
        family = self.family
        rest = self.name.replace(family, "", 1).strip() if family else ""
        if not rest or self.name.startswith(family):
            return self.name
        return f"{family}, {rest}"

    @property
    def turns(self) -> int:
        """Turns across the edition, each conversation counted once (in its fullest record)."""
        return sum(c.turns for c in self.conversations)

    @property
    def words(self) -> int:
        return sum(c.words for c in self.conversations)

    @property
    def speaking(self) -> list[Conversation]:
        return [c for c in self.conversations if c.speaks]

    @property
    def silent(self) -> list[Conversation]:
        """Conversations where the person is present but never speaks."""
        return [c for c in self.conversations if not c.speaks]

    @property
    def sort_key(self) -> tuple:
        return (ascii_fold(self.family).casefold(), ascii_fold(self.name).casefold(), self.id)


def persons_index(docs: list[Document], groups: list[list[Document]] | None = None,
                  read_details: Details = own_details) -> dict[str, PersonEntry]:
    """One entry per person id across the edition (ids are edition-wide), sorted by family name;
    each person's documents grouped by conversation (translations of one talk together).
    The counts come from each document's statistics; `read_details` gives a document's turns
    and mentions when a person's page lists them."""
    names: dict[str, dict[str, int]] = {}  # each person's names as the documents print them, counted
    notes: dict[str, str] = {}
    details: dict[str, tuple[int, object]] = {}  # the record that knows most of each person: (facts, person)
    for doc in docs:
        for person in doc.persons:
            pid = person.id
            counted = names.get(pid)
            if counted is None:
                names[pid] = {person.name: 1}
                details[pid] = (_facts(person), person)
            else:
                counted[person.name] = counted.get(person.name, 0) + 1
                known = _facts(person)
                if known > details[pid][0]:
                    details[pid] = (known, person)
            if person.note and pid not in notes:
                notes[pid] = person.note
    entries = {pid: PersonEntry(pid, min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0], notes.get(pid, ""),
                                details=details[pid][1])
               for pid, c in names.items()}
    # the documents in date order once, so that each person's appearances come in that order
    # (sorting each person's again took a fifth of this at 10,000 documents)
    for doc in sorted(docs, key=lambda d: d.sort_key):
        counts = {stat.person: (stat.turns, stat.words) for stat in doc.stats}
        for person in doc.persons:
            turns, words = counts.get(person.id, (0, 0))
            entries[person.id].appearances.append(Appearance(doc, person.role, turns, words, person.id, read_details))
    group_of = {d.id: min(g, key=lambda x: x.id).id for g in (groups if groups is not None else translation_groups(docs))
                for d in g}
    for entry in entries.values():
        by_conversation: dict[str, list[Appearance]] = {}
        for appearance in entry.appearances:
            doc_id = appearance.doc.id
            by_conversation.setdefault(group_of.get(doc_id, doc_id), []).append(appearance)
        entry.conversations = [Conversation(found if len(found) == 1 else sorted(found, key=lambda a: -a.turn_count))
                               for found in by_conversation.values()]
    return dict(sorted(entries.items(), key=lambda kv: kv[1].sort_key))


def _facts(person) -> int:
    """How many of the register's facts a document's record of a person gives."""
    return (bool(person.birth) + bool(person.death) + bool(person.occupations) + bool(person.affiliation)
            + bool(person.authorities) + bool(person.surname))


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


def conversations(docs: list[Document], groups: list[list[Document]]) -> list[list[Document]]:
    """The edition's conversations in date order, each the documents that record it: its
    translations together (the fullest first), every other document alone."""
    grouped = {d.id: g for g in groups for d in g}
    found, seen = [], set()
    for doc in sorted(docs, key=lambda d: d.sort_key):
        if doc.id in seen:
            continue
        members = sorted(grouped.get(doc.id, [doc]), key=lambda d: (-d.counts.get("turns", 0), d.id))
        seen.update(d.id for d in members)
        found.append(members)
    return found


def chronology(docs: list[Document], groups: list[list[Document]] | None = None) -> list[tuple[str, list[list[Document]]]]:
    """Conversations by year (translations of one conversation are one entry)."""
    return by_year(conversations(docs, groups or []))


def by_year(listed: list[list[Document]]) -> list[tuple[str, list[list[Document]]]]:
    """The conversations `conversations` lists, by year ("Undated" last)."""
    years: dict[str, list[list[Document]]] = defaultdict(list)
    for members in listed:
        years[members[0].year or "Undated"].append(members)
    return sorted(years.items(), key=lambda kv: (kv[0] == "Undated", kv[0]))
