"""The pages that list documents, cut into pages of a readable size for a large edition.

An edition of a few hundred conversations is listed on one page each: the home page's table,
the chronology, the archives. Above `PAGE_ROWS` conversations a list is split where readers
look things up (by year, by archive), each part on its own page, and the page that used to
hold the whole list becomes its index: `chronology.html` lists the years and links to
`chronology/1949.html`; `archives.html` lists the archives and links to
`archives/<archive>.html`. The anchors the single page had (`chronology.html#year-1949`,
`archives.html#<archive>`) stay on the index's entries, so an old link still lands on the
right year or archive.

Each page comes with a key made from what it shows (its documents' keys, their translation
groups), so a rebuild rewrites only the pages that show a changed document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edition.site.cache import digest

# Rows (conversations) on one list page; a longer list is split into pages of at most this many.
PAGE_ROWS = 300


@dataclass
class ListPage:
    rel: str  # where the page is written
    template: str
    section: str
    title: str
    context: dict = field(default_factory=dict)
    key: str | None = None  # None: rendered every build (it shows something of every document)


def is_large(rows: int) -> bool:
    return rows > PAGE_ROWS


def parts(items: list, size: int = PAGE_ROWS) -> list[list]:
    """`items` in runs of at most `size` (one run for an empty list)."""
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def part_rel(folder: str, name: str, number: int) -> str:
    """`chronology/1949.html`, then `chronology/1949-2.html` for its second part."""
    return f"{folder}/{name}.html" if number == 1 else f"{folder}/{name}-{number}.html"


def conversation_key(members: list) -> list:
    """What a list row of one conversation depends on: its documents and their grouping."""
    return [(doc.id, doc.cache_key) for doc in members]


def chronology_pages(years: list[tuple[str, list[list]]], total: int, fingerprint: str, common: dict) -> list[ListPage]:
    """The chronology: one page, or an index of years and a page per year (in parts)."""
    if not is_large(total):
        return [ListPage("chronology.html", "chronology.html", "chronology", "Chronology",
                         {**common, "years": years, "year_pages": None})]
    pages, year_pages = [], {}
    for position, (year, entries) in enumerate(years):
        runs = parts(entries)
        year_pages[year] = [part_rel("chronology", year, n) for n in range(1, len(runs) + 1)]
        previous_year, next_year = _neighbour(years, position, -1), _neighbour(years, position, +1)
        for number, run in enumerate(runs, start=1):
            title = f"Chronology: {year}" + (f" (part {number} of {len(runs)})" if len(runs) > 1 else "")
            pages.append(ListPage(part_rel("chronology", year, number), "chronology-year.html", "chronology", title,
                                  {**common, "year": year, "entries": run, "part": number, "parts": len(runs),
                                   "year_parts": year_pages[year], "previous_year": previous_year,
                                   "next_year": next_year},
                                  key=digest(fingerprint, "chronology", year, number, len(runs),
                                             [y for y in (previous_year, next_year) if y],
                                             [conversation_key(m) for m in run])))
    counts = [(year, len(entries), year_pages[year][0]) for year, entries in years]
    pages.insert(0, ListPage("chronology.html", "chronology.html", "chronology", "Chronology",
                             {**common, "years": counts, "year_pages": year_pages},
                             key=digest(fingerprint, "chronology index", counts, total)))
    return pages


def _neighbour(years: list[tuple[str, list]], position: int, step: int) -> str | None:
    other = position + step
    return years[other][0] if 0 <= other < len(years) else None


def archive_pages(archives: list, total: int, fingerprint: str, slug) -> list[ListPage]:
    """The archives: one page, or an index and a page per archive (in parts)."""
    if not is_large(total):
        return [ListPage("archives.html", "archives.html", "archives", "Archives",
                         {"archives": archives, "archive_pages": None})]
    pages, archive_pages_ = [], {}
    for archive in archives:
        runs = parts(archive.docs)
        name = slug(archive.name)
        archive_pages_[archive.name] = [part_rel("archives", name, n) for n in range(1, len(runs) + 1)]
        for number, run in enumerate(runs, start=1):
            title = archive.name + (f" (part {number} of {len(runs)})" if len(runs) > 1 else "")
            pages.append(ListPage(part_rel("archives", name, number), "archive.html", "archives", title,
                                  {"archive": archive, "docs": run, "part": number, "parts": len(runs),
                                   "archive_parts": archive_pages_[archive.name]},
                                  key=digest(fingerprint, "archive", archive.name, archive.place, number, len(runs),
                                             [(d.id, d.cache_key) for d in run])))
    index = [(a.name, a.place, len(a.docs), archive_pages_[a.name][0]) for a in archives]
    pages.insert(0, ListPage("archives.html", "archives.html", "archives", "Archives",
                             {"archives": index, "archive_pages": archive_pages_},
                             key=digest(fingerprint, "archives index", index)))
    return pages


def home_page(conversations: list[list], years: list[tuple[str, list[list]]], documents: int, title: str,
              fingerprint: str, zip_name: str, common: dict) -> ListPage:
    """The home page: every conversation in a small edition; in a large one the number of
    conversations a year, each year linked to its chronology page. That one is kept from the
    last build while those numbers stand (rendering it loads the Markdown of the introduction,
    0.1-0.2 s of a one-document rebuild)."""
    if not is_large(len(conversations)):
        return ListPage("index.html", "home.html", "home", title,
                        {**common, "conversations": conversations, "years_summary": None})
    summary = [(year, len(entries)) for year, entries in years]
    return ListPage("index.html", "home.html", "home", title,
                    {**common, "conversations": conversations, "years_summary": summary},
                    key=digest(fingerprint, "home", summary, len(conversations), documents, zip_name))


def person_pages(persons: list, fingerprint: str) -> list[ListPage]:
    """The index of persons: one page, or an index of initials and a page per initial (in parts)."""
    def row(person) -> tuple:
        return (person.id, person.sorted_name, person.note, len(person.conversations), person.turns, person.words)

    if not is_large(len(persons)):
        return [ListPage("persons/index.html", "persons.html", "persons", "Persons",
                         {"persons": persons, "letter_pages": None},
                         key=digest(fingerprint, "persons", [row(p) for p in persons]))]
    by_letter: dict[str, list] = {}
    for person in persons:  # already in family-name order
        by_letter.setdefault(initial(person.sort_key[0]), []).append(person)
    pages, letter_pages = [], {}
    for letter, members in by_letter.items():
        runs = parts(members)
        name = "other" if letter == "#" else letter.lower()
        letter_pages[letter] = [part_rel("persons", f"letter-{name}", n) for n in range(1, len(runs) + 1)]
        for number, run in enumerate(runs, start=1):
            title = f"Persons: {letter}" + (f" (part {number} of {len(runs)})" if len(runs) > 1 else "")
            pages.append(ListPage(part_rel("persons", f"letter-{name}", number), "persons.html", "persons", title,
                                  {"persons": run, "letter_pages": None, "letter": letter, "part": number,
                                   "letter_parts": letter_pages[letter]},
                                  key=digest(fingerprint, "persons letter", letter, number, [row(p) for p in run])))
    index = [(letter, len(members), letter_pages[letter][0]) for letter, members in by_letter.items()]
    pages.insert(0, ListPage("persons/index.html", "persons.html", "persons", "Persons",
                             {"persons": [], "letter_pages": index}, key=digest(fingerprint, "persons index", index)))
    return pages


def initial(family: str) -> str:
    """The letter a family name is listed under ("#" for one that starts otherwise)."""
    first = family[:1].upper()
    return first if "A" <= first <= "Z" else "#"
