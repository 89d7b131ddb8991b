"""A synthetic corpus for the benchmark, drawn from the families of records the converter reads.

Every document is built from a plan drawn from its own seeded random generator
(`random.Random(f"{seed}:{index}")`), so document i is the same whatever N is: the corpus
of 100 is the first 100 documents of the corpus of 10,000, and a corpus can be extended.

Families (FAMILIES: name, share of the corpus, template):
- the three routes of the samples in corpus/ (Wilson Center Digital Archive): a web page
  saved as text (`Comrade Liri Belishova:`), the Markdown export (`**Mao Zedong:**`,
  `<sup>[1]</sup>`), a PDF extraction (`MAO ZEDONG:`, `KHRUSHCHEV N.S.:`), each with the
  header and trailer of its sample; built here;
- the families templated on the real records of tests/fixtures/variety/ (bench/families.py):
  FRUS web pages (`[Page N]`, source line, notes listed at the end), FRUS printed volumes as
  PDF text (running heads, notes at the page's foot, capitals or one-letter labels), FRUS
  Markdown (`[^87]` or `## Notes`), DFAT Markdown (front matter, `DR. EVATT:`, ` [1]`), DFAT web
  pages, Wilson Center PDF text with its `Citation:` block, narrative memoranda without
  labels, and question-and-answer records.

What varies, document by document: the family, the speakers (2-5, invented, sometimes Mao
Zedong, who is in the edition's register), label, note, date and page styles within the
family, the length (TURNS: most records 5-80 turns, a few 1-4, a few up to 220), the notes;
some documents of the sample routes are a second translation of the one before (same date,
same speakers, another route), so that translation groups and comparison pages occur;
quirks: bracketed insertions, [sic], [?], Windows-1252 files, CRLF files, a BOM, form feeds,
a duplicated footnote number, `<`, `&` and `]]>` in the text.

Each document's description (`generate`'s result, written next to the corpus as JSON) gives
its family, its styles and the turns and notes planned, which the converter must find.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 6

# --- pools taken from the samples ------------------------------------------------------------

LABEL_MD = re.compile(r"^\*\*(?P<label>[^*()]+?)\s*(?:\((?P<manner>[^)]+)\))?\s*:\s*\*\*\s*(?P<rest>.*)$", re.S)
LABEL_WEB = re.compile(r"^Comrade [A-Z][\w’'-]*(?: [A-Z][\w’'-]*){0,3}\s*:\s*(?P<rest>.*)$", re.S)
_PDF_BODY = r"[A-Z][A-Z’'-]+(?: [A-Z][A-Z’'-]+){0,3}(?: (?:[A-Z]\.){1,3})?"
LABEL_PDF = re.compile(rf"^{_PDF_BODY}\s*[:;]\s*(?P<rest>.*)$", re.S)
GLUED_PDF = re.compile(rf"(?<=[.?!…\]])\s+{_PDF_BODY}\s*:\s")
TERMINAL = re.compile(r"[.?!…”\"’)\]]$")
NOTE = re.compile(r"^\[(\d+)\]\s+(.*)$", re.S)


@dataclass
class Pools:
    speech: list[str] = field(default_factory=list)  # what a speaker says (first paragraph of a turn)
    continuation: list[str] = field(default_factory=list)  # further paragraphs of a turn
    omissions: list[str] = field(default_factory=list)  # bracketed editorial summaries, without brackets
    notes: list[str] = field(default_factory=list)  # footnote texts


def _blocks(text: str) -> list[str]:
    return [" ".join(line.strip() for line in block.splitlines()).strip()
            for block in re.split(r"\n\s*\n", text) if block.strip()]


def _clean(text: str) -> str | None:
    text = re.sub(r"</?sup>", "", text)
    text = re.sub(r"\s*\[\d+\]", "", text)
    text = text.replace("*", "")
    text = re.sub(r"\\(.)", r"\1", text)
    glued = GLUED_PDF.search(text)
    if glued:
        text = text[:glued.start()]
    text = " ".join(text.split())
    if len(text) < 2 or text.count("[") != text.count("]") or text.count("(") != text.count(")"):
        return None
    if not TERMINAL.search(text):
        text += "."
    return text


def load_pools(corpus_dir: Path) -> Pools:
    pools = Pools()
    narration_start = re.compile(r"^(?:Comrade|Cde|He |She |They |Mao|N\.S\.|Khrushchev|KHRUSHCHEV|MAO|Present|"
                                 r"This was|The meeting|The conversation|The protocol|It was typed|Then |At the )")
    for path in sorted(Path(corpus_dir).glob("*.txt")):
        blocks = _blocks(path.read_text("utf-8"))
        labelled = [i for i, b in enumerate(blocks)
                    if (LABEL_MD.match(b) and LABEL_MD.match(b).group("rest")) or LABEL_WEB.match(b) or LABEL_PDF.match(b)]
        if not labelled:
            continue
        first, last = labelled[0], labelled[-1]
        for i, block in enumerate(blocks):
            note = NOTE.match(block)
            if note:
                text = re.sub(r"^Translator[’'`]?s? note:\s*", "", note.group(2))
                if _clean(text):
                    pools.notes.append(_clean(text))
                continue
            if not first <= i <= last + 1:
                continue
            match = LABEL_MD.match(block) or LABEL_WEB.match(block) or LABEL_PDF.match(block)
            if match and match.group("rest"):
                text = _clean(match.group("rest"))
                if text and len(text) > 1:
                    pools.speech.append(text)
            elif block.startswith("[") and block.endswith("]") and len(block.split()) >= 4:
                text = _clean(block[1:-1])
                if text:
                    pools.omissions.append(text)
            elif len(block) >= 40 and not narration_start.match(block) and block[:1].isupper():
                text = _clean(block)
                if text and TERMINAL.search(block):
                    pools.continuation.append(text)
    if not pools.speech:
        raise SystemExit(f"{corpus_dir}: no speaker turns found in the samples")
    return pools


# --- invented persons --------------------------------------------------------------------

GIVEN = ["Liri", "Vasil", "Boris", "Andrei", "Pavel", "Anna", "Nikolai", "Dmitri", "Elena", "Fedor", "Gjergj",
         "Hysni", "Ramiz", "Mehmet", "Nexhmije", "Petro", "Spiro", "Koço", "Zhang", "Wang", "Li", "Chen", "Liu",
         "Zhao", "Kang", "Huang", "Wu", "Otto", "Walter", "Erich", "Janos", "Imre", "Todor", "Gheorghe", "Nicolae",
         "Kim", "Pham", "Tran", "Jiri", "Antonin", "Wladyslaw", "Edward", "Yumjaagiin", "Ernesto", "Raul",
         "Josip", "Milovan", "Dolores", "Palmiro"]
SURNAME_A = ["Bel", "Nath", "Kap", "Shu", "Ali", "Bal", "Mar", "Kov", "Dim", "Pet", "Zhel", "Gor", "Lisi", "Tar",
             "Vor", "Mik", "Sok", "Hox", "Ples", "Deng", "Qiao", "Xue", "Dub", "Hav", "Ul", "Nov", "Gom", "Kad",
             "Zhiv", "Rak", "Tsed", "Vuk", "Mih", "Ste", "Bor", "Lan", "Fen", "Gu", "Han", "Yan"]
SURNAME_B = ["ishova", "anaili", "o", "ku", "ia", "aku", "ev", "enko", "itrov", "rov", "ov", "ski", "ichi", "ani",
             "ovic", "kin", "olov", "ha", "hi", "ming", "lin", "zhou", "cek", "lik", "bricht", "otny", "ulka", "ar",
             "kov", "osi", "enbal", "manovic", "ailescu", "ica", "tes", "yuan", "eng", "wei", "an", "tai"]
DIACRITIC = {"o": "ö", "a": "ä", "e": "ë", "c": "ç", "u": "ü"}
HONORIFIC_MANNERS = ["laughing", "smiling", "irritated", "ironically", "joking"]


@dataclass(frozen=True)
class Person:
    given: str
    surname: str
    initials: str  # "N.S."

    @property
    def full(self) -> str:
        return f"{self.given} {self.surname}"


MAO = Person("Mao", "Zedong", "M.Z.")


def person_pool(seed: int, size: int = 200) -> list[Person]:
    rng = random.Random(f"{seed}:persons")
    persons: list[Person] = []
    seen: set[str] = set()
    while len(persons) < size:
        given = rng.choice(GIVEN)
        surname = rng.choice(SURNAME_A) + rng.choice(SURNAME_B)
        if rng.random() < 0.08:  # a letter Windows-1252 has but ASCII has not
            index = next((i for i in range(1, len(surname)) if surname[i] in DIACRITIC), None)
            if index is not None:
                surname = surname[:index] + DIACRITIC[surname[index]] + surname[index + 1:]
        if surname in seen:
            continue
        seen.add(surname)
        middle = rng.choice("ABDEFGIKMNPSTV")
        persons.append(Person(given, surname, f"{ascii_fold(given)[0]}.{middle}."))
    return persons


TRANSLATORS = ["Vladislav M. Zubok", "David Wolff", "Elidor Mëhilli", "Sergey Radchenko", "Christian Ostermann",
               "Ana Lalaj", "Gary Goldberg", "Danny Rozen", "Mark Kramer", "Lorenz Lüthi", "Csaba Békés",
               "Jordan Baev", "Mircea Munteanu", "Balázs Szalontai", "James Person", "Charles Kraus"]
RECORDERS = ["N. Fedorenko", "A. Filev", "M. Mushi", "S. Antonov", "P. Kapitsa", "I. Shcherbakov", "L. Sokoli",
             "T. Dimov", "F.K.", "V. Pavlov", "K. Kurti"]
PLACES = ["Beijing", "Moscow", "Tirana", "Hangzhou", "Warsaw", "Berlin", "Hanoi", "Pyongyang", "Prague", "Budapest",
          "Sofia", "Bucharest", "Ulaanbaatar", "Havana", "Belgrade", "Shanghai", "Wuhan", "Yalta", "Sochi"]
HALLS = ["Huairen Hall", "the Kremlin", "the Great Hall of the People", "the Party guest house", "the embassy",
         "the Council of Ministers", "Yiheyuan", "the Central Committee building"]
FUNDERS = ["the Leon Levy Foundation", "The Woodrow Wilson International Center for Scholars",
           "the Carnegie Corporation of New York", "the MacArthur Foundation", "the Henry Luce Foundation"]
TOPICS = ["a joint navy", "the radar station", "the Taiwan question", "the situation in Europe", "Soviet advisers",
          "the harvest", "the Warsaw Pact", "the Yugoslav question", "trade agreements", "the Middle East",
          "the nuclear question", "border questions", "the economic plan", "the international situation",
          "credits and loans", "the communiqué", "the party congress"]
KINDS = ["conversation", "memorandum", "record", "talk", "minutes"]
NARRATION = [
    "{a} thanks him and says that cooperation between the two parties makes world problems easier to solve.",
    "{a} agrees.",
    "{a} asks about {topic} and about the situation in {place}.",
    "Then {a} asks how many delegates came to {place}.",
    "{a} passes on greetings and best wishes from the members of the Presidium.",
    "After that {a} asks about {topic}.",
    "He then asks about the latitude of {place} and its sea borders.",
    "{a} suggests moving to the discussion of {topic}.",
    "{a} laughs and says that this is a contradiction, not a conflict.",
]
SUMMARIES = ["{a} and {b} discuss {topic} and {topic2}.",
             "Conversation between {a} and {b}, mainly on {topic}; {b} raises {topic2}.",
             "{a} receives {b} in {place}. They review {topic}, {topic2} and the international situation."]
SUPPLIED = ["the", "Soviet", "Chinese", "of the", "a", "comrade", "also", "it", "that", "our"]


def ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(char for char in folded if not unicodedata.combining(char))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


# --- archives and citations --------------------------------------------------------------

ARCHIVES = [
    ("APRF", "Archive of the President of the Russian Federation", "russian"),
    ("APRF", "Arkhiv Prezidenta Rossiiskoi Federatsii", "russian"),
    ("RGANI", "Russian State Archive of Contemporary History", "russian"),
    ("GARF", "State Archive of the Russian Federation", "russian"),
    ("AVPRF", "Archive of Foreign Policy of the Russian Federation", "russian"),
    ("RGASPI", "Russian State Archive of Socio-Political History", "russian"),
    ("AQSH", "Arkivi Qendror Shtetëror", "albanian"),
]


def archival_reference(rng: random.Random) -> str:
    abbreviation, name, kind = rng.choice(ARCHIVES)
    if kind == "albanian":
        return (f"{name} (Central State Archives, Tirana, Albania), Fondi {rng.randint(10, 20)}/AP, "
                f"Marrëdhëniet me Partinë Komuniste të Kinës, V. {rng.randint(1950, 1970)}, Dos. {rng.randint(1, 40)}, "
                f"Fl. {(f := rng.randint(1, 60))}-{f + rng.randint(2, 30)}")
    folio = rng.randint(1, 300)
    spelt = rng.random() < 0.5
    parts = ([f"fond {rng.randint(2, 99)}", f"opis {rng.randint(1, 9)}", f"delo {rng.randint(1, 999)}"] if spelt else
             [f"f. {rng.randint(2, 99)}", f"op. {rng.randint(1, 9)}", f"d. {rng.randint(1, 999)}"])
    reference = f"{name} ({abbreviation}), " + ", ".join(parts) + f", ll. {folio}-{folio + rng.randint(2, 40)}"
    if rng.random() < 0.3:
        reference += ", copy in Dmitrii Volkogonov Collection, Library of Congress, Washington, DC"
    return reference


# --- the plan of one document ------------------------------------------------------------

START, END = dt.date(1945, 1, 1), dt.date(1991, 12, 31)
MONTHS = "January February March April May June July August September October November December".split()


# family: share of the corpus in per cent. The first three are the routes of the samples in
# corpus/ (built here); the others are templated on tests/fixtures/variety/ (bench/families.py).
FAMILIES = {"wilson-web": 12, "wilson-markdown": 10, "wilson-pdf": 10, "wilson-pdf-citation": 9, "frus-web": 14,
            "frus-pdf": 10, "frus-markdown": 10, "dfat-markdown": 8, "dfat-web": 4, "narrative": 8,
            "question-answer": 5}
ROUTE_OF = {"wilson-web": "web", "wilson-markdown": "markdown", "wilson-pdf": "pdf"}
# the years each family's records come from
YEARS = {"frus": (1941, 1976), "dfat": (1937, 1983), "question-answer": (1947, 1983)}


@dataclass
class Plan:
    index: int
    style: str  # the route of a sample family (web, markdown, pdf), or the family's name
    date: dt.date
    speakers: list[Person]
    present: list[Person]
    place: str
    translator: str
    translation_of: int | None = None
    family: str = ""


def random_date(rng: random.Random, family: str) -> dt.date:
    first, last = YEARS.get(family, YEARS.get(family.split("-")[0], (START.year, END.year)))
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def plan(index: int, seed: int, persons: list[Person]) -> Plan:
    rng = random.Random(f"{seed}:{index}:plan")
    family = rng.choices(list(FAMILIES), weights=list(FAMILIES.values()))[0]
    style = ROUTE_OF.get(family, family)
    if family in ROUTE_OF and index % 2 == 1 and rng.random() < 0.35:  # a second translation of the one before
        before = plan(index - 1, seed, persons)
        if before.family in ROUTE_OF:
            others = [s for s in ROUTE_OF if s != before.family]
            translators = [t for t in TRANSLATORS if t != before.translator]
            family = rng.choice(others)
            return Plan(index, ROUTE_OF[family], before.date, before.speakers, before.present, before.place,
                        rng.choice(translators), translation_of=index - 1, family=family)
    date = random_date(rng, family)
    count = rng.choices([2, 3, 4], weights=[60, 30, 10])[0]
    chosen: list[Person] = []
    if rng.random() < 0.25:
        chosen.append(MAO)
    while len(chosen) < count:
        person = rng.choice(persons)
        # distinct given names and surnames: "Comrade Liri" must name one speaker only
        if all(person.given != p.given and person.surname != p.surname for p in chosen):
            chosen.append(person)
    present = []
    for _ in range(rng.choice([0, 0, 1, 2])):
        person = rng.choice(persons)
        if all(person.given != p.given and person.surname != p.surname for p in chosen + present):
            present.append(person)
    return Plan(index, style, date, chosen, present, rng.choice(PLACES), rng.choice(TRANSLATORS), family=family)


def date_us(date: dt.date) -> str:
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


def date_eu(date: dt.date) -> str:
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


# --- labels as each route prints them ---------------------------------------------------------


def label(person: Person, style: str, rng: random.Random, first: bool) -> str:
    if style == "markdown":
        name = person.full if person is MAO or rng.random() < 0.6 else f"{person.initials} {person.surname}"
        manner = f" ({rng.choice(HONORIFIC_MANNERS)})" if rng.random() < 0.03 else ""
        return f"**{name}{manner}:**"
    if style == "pdf":
        if person is MAO:
            return "MAO ZEDONG:"
        surname, given = ascii_fold(person.surname).upper(), ascii_fold(person.given).upper()
        # one form per person and document, as a typist would: "SURNAME N.S." or "GIVEN SURNAME"
        return f"{surname} {person.initials}:" if hash_choice(person.surname) else f"{given} {surname}:"
    # web: the full name first, then often the first name alone
    if first or person is MAO or rng.random() < 0.5:
        return f"Comrade {person.full}:"
    return f"Comrade {person.given}:"


def hash_choice(text: str) -> bool:
    return sum(map(ord, text)) % 2 == 0


def pdf_name(person: Person) -> str:
    return "MAO ZEDONG" if person is MAO else (
        f"{ascii_fold(person.surname).upper()} {person.initials}" if hash_choice(person.surname)
        else f"{ascii_fold(person.given).upper()} {ascii_fold(person.surname).upper()}")


# --- the document ------------------------------------------------------------------------


@dataclass
class Quirks:
    bom: bool = False
    crlf: bool = False
    cp1252: bool = False
    form_feed: bool = False
    duplicate_note: bool = False
    markup_chars: bool = False
    no_notes: bool = False


# documents that show each quirk whatever N is (at least once in every corpus of 16 or more)
FORCED = {1: "bom", 2: "crlf", 3: "cp1252", 4: "form_feed", 5: "duplicate_note", 6: "markup_chars", 7: "crlf",
          8: "cp1252", 9: "markup_chars", 11: "bom", 13: "form_feed", 15: "cp1252"}


def quirks_for(index: int, style: str, rng: random.Random) -> Quirks:
    q = Quirks(bom=rng.random() < 0.02, crlf=rng.random() < 0.05, cp1252=rng.random() < 0.03,
               form_feed=style == "pdf" and rng.random() < 0.15, duplicate_note=rng.random() < 0.005,
               markup_chars=rng.random() < 0.06)
    forced = FORCED.get(index)
    if forced:
        setattr(q, forced, True)
    if q.cp1252:
        q.bom = False  # a BOM says UTF-8
    return q


def _insert_quirks(text: str, rng: random.Random, q: Quirks) -> str:
    words = text.split(" ")
    if len(words) < 6:
        return text
    r = rng.random()
    at = rng.randrange(1, len(words) - 1)
    if r < 0.04:  # a bracketed insertion the translator supplied
        words.insert(at, f"[{rng.choice(SUPPLIED)}]")
    elif r < 0.07:  # [sic] after a word
        if words[at - 1][-1:].isalpha():
            words[at - 1] += " [sic]"
    elif r < 0.10:  # [?]: an unclear word, or a missing question mark
        if words[at - 1][-1:].isalpha():
            words[at - 1] += " [?]" if rng.random() < 0.7 else "[?]"
    if q.markup_chars and rng.random() < 0.08:
        words.insert(at, rng.choice(["(costs < 5 per cent & falling)", "“]]>”", "A & B", "<b>not bold</b>",
                                     "x < y", "[see the annex & the map]"]))
    return " ".join(words)


def _note_marker(text: str, n: int, style: str, rng: random.Random) -> str:
    marker = f"<sup>[{n}]</sup>" if style == "markdown" else f"[{n}]"
    sentences = [m.end() for m in re.finditer(r"[.?!](?= [A-Z])", text)]
    if sentences and rng.random() < 0.6:
        at = rng.choice(sentences)
        return text[:at] + marker + text[at:]
    if text[-1:] in ".?!…":
        return text + marker
    return text + marker


def compose(p: Plan, seed: int, pools: Pools) -> tuple[str, Quirks, dict]:
    rng = random.Random(f"{seed}:{p.index}:text")
    q = quirks_for(p.index, p.style, rng)
    style = p.style
    a, b = p.speakers[0], p.speakers[1]
    display = {person: person.full for person in p.speakers}
    topic, topic2 = rng.sample(TOPICS, 2)
    kind = rng.choice(KINDS)
    title = rng.choice([f"Memorandum of Conversation between {a.full} and {b.full} in {p.place}",
                        f"Record of Conversation of {a.full} with {b.full}",
                        f"Minutes of a Meeting between {a.full} and {b.full} in {p.place}",
                        f"Conversation of {a.full} with the delegation of {b.full}"])
    if p.translation_of is not None:
        title = f"{title} (another translation)"
    summary = rng.choice(SUMMARIES).format(a=a.full, b=b.full, topic=topic, topic2=topic2, place=p.place)
    reference = archival_reference(rng)
    record_id = 110000 + p.index

    # --- the body: turns, narration, omissions ---
    import families

    planned = families.turn_count(rng)
    blocks: list[tuple[str, object]] = []  # ("turn", (person, [paragraphs])) | ("narration", text) | ("omission", text)
    size, turns = 0, 0
    order = list(range(len(pools.speech)))
    rng.shuffle(order)
    cursor = 0
    labelled: set[Person] = set()
    last = None
    while turns < planned:
        r = rng.random()
        if r < 0.05 and turns:
            who = rng.choice(p.speakers)
            text = rng.choice(NARRATION).format(a=display[who], topic=rng.choice(TOPICS), place=p.place)
            blocks.append(("narration", text))
            size += len(text)
            continue
        if r < 0.08 and turns and pools.omissions:
            text = rng.choice(pools.omissions)
            blocks.append(("omission", text))
            size += len(text)
            continue
        # mostly the first two speakers in turn, sometimes another one
        if len(p.speakers) > 2 and rng.random() < 0.15:
            who = rng.choice(p.speakers[2:])
        else:
            who = b if last is a else a
        last = who
        paragraphs = [pools.speech[order[cursor % len(order)]]]
        cursor += 1
        while rng.random() < 0.18 and pools.continuation:
            paragraphs.append(rng.choice(pools.continuation))
        paragraphs = [_insert_quirks(text, rng, q) for text in paragraphs]
        blocks.append(("turn", (who, paragraphs)))
        size += sum(len(t) for t in paragraphs)
        turns += 1

    # --- footnotes: markers in order of the text, then the notes block ---
    # The web page's reader finds the summary and citation after the notes: a web page without
    # notes is rare here (5%; see the report: its summary and citation end up in the body).
    note_count = min(12, max(0, int(rng.gauss(size / 7000, 1.5))))
    if style == "web":
        q.no_notes = rng.random() < 0.05
        note_count = 0 if q.no_notes else max(1, note_count)
    turn_slots = [i for i, (k, _) in enumerate(blocks) if k == "turn"]
    marked = sorted(rng.sample(turn_slots, min(note_count, len(turn_slots))))
    notes: list[tuple[str, str]] = []
    for n, slot in enumerate(marked, start=1):
        who, paragraphs = blocks[slot][1]
        paragraphs[0] = _note_marker(paragraphs[0], n, style, rng)
        notes.append((str(n), rng.choice(pools.notes)))
    if q.duplicate_note and notes:
        n, _ = rng.choice(notes)
        position = [m for m, _ in notes].index(n) + 1
        notes.insert(position, (n, rng.choice(pools.notes)))
    elif q.duplicate_note:
        q.duplicate_note = False
    if style == "web" and rng.random() < 0.5:
        notes = [(n, f"Translator’s note: {text}") for n, text in notes]

    # --- the text, as the route prints it ---
    lines: list[str] = []
    dateline = f"{date_eu(p.date)} in {rng.choice(HALLS)} [{p.place}]" if rng.random() < 0.6 else ""
    present = ", ".join(person.full if style != "pdf" else
                        (f"{person.initials} {person.surname}") for person in p.present)
    closer = []
    if rng.random() < 0.5:
        recorders = rng.sample(RECORDERS, rng.choice([1, 2]))
        closer.append(rng.choice(["The conversation was recorded by", "The protocol was kept by", "Recorded by"])
                      + " " + " and ".join(recorders) + ".")
        if rng.random() < 0.5:
            closer.append(f"It was typed by {rng.choice(RECORDERS)}. {rng.randint(1, 5)} copies.")

    def body_lines() -> list[str]:
        out: list[str] = []
        for kind_, content in blocks:
            if kind_ == "narration":
                out += [content, ""]
            elif kind_ == "omission":
                out += [f"[{content}]", ""]
            else:
                who, paragraphs = content
                out += [f"{label(who, style, rng, who not in labelled)} {paragraphs[0]}", ""]
                labelled.add(who)
                for extra in paragraphs[1:]:
                    out += [extra, ""]
            if q.form_feed and rng.random() < 0.03:
                out += ["\f"]
        return out

    if style == "web":
        head = f"{title}\n({date_eu(p.date)})"
        lines += ["Skip to content", "", date_us(p.date), "", f"{title} ({date_eu(p.date)})", "",
                  f"This document was made possible with support from {rng.choice(FUNDERS)}", "", "",
                  head, ""]
        if dateline:
            lines += [dateline, ""]
        if present:
            lines += [f"Present: Comrades {present}.", ""]
        lines += body_lines()
        if closer:
            lines += ["The meeting ends here.", "", "\n".join(closer), "", ""]
        lines += [f"[{n}] {text}" + "\n" for n, text in notes]
        lines += [summary, "", "Document Information", "", "",
                  f"{reference}. Contributed and translated by {p.translator}.", "", "",
                  "The History and Public Policy Program welcomes reuse of Digital Archive materials for research "
                  "and educational purposes. Some documents may be subject to copyright, which is retained by the "
                  "rights holders in accordance with US and international copyright laws. When possible, rights "
                  "holders have been contacted for permission to reproduce their materials.", "",
                  "To enquire about this document's rights status or request permission for commercial use, please "
                  "contact the History and Public Policy Program at [email protected].", "",
                  "Original Uploaded Date", "", "", "", "Memorandum of Conversation", "", "", "Record ID", "", "",
                  "Original Classification", "", "", "", "The Woodrow Wilson International Center for Scholars"]
    elif style == "markdown":
        lines += ["", "", f"**{date_us(p.date)}**  ", f"**{title}**", "", "**Citation:**", "",
                  f"“{title},” {date_us(p.date)}, History and Public Policy Program Digital Archive, {reference}. "
                  f"Translated by {p.translator}.  ",
                  f"<http://digitalarchive.wilsoncenter.org/document/{record_id}>", "",
                  "**Summary:**", "", summary, "", "**Original Language:**", "",
                  rng.choice(["Russian", "Albanian", "Chinese", "German"]), "", "**Contents:**", "",
                  "- English Translation", "", f"## {kind.upper()} {p.index}", "",
                  f"Of {a.full.upper()} with {b.full.upper()}", ""]
        if dateline:
            lines += [dateline, ""]
        if present:
            lines += [f"Present at the meeting: Cdes. {present}.", ""]
        lines += body_lines()
        if closer:
            lines += ["This was the end of the meeting.", ""] + [c + "\n" for c in closer]
        lines += [f"[{n}] {text}" + "\n" for n, text in notes]
    else:  # pdf
        citation = (f"\"{title},\" {date_us(p.date)}, History and Public Policy Program Digital Archive, "
                    f"{reference}; translation from Russian by {p.translator}.")
        lines += ["Search in", "", "Digital Archive International History Declassified", "", date_us(p.date), "",
                  "", f"This document was made possible with support from {rng.choice(FUNDERS)}", "",
                  "  • Citation", "", "    get citation", "", f"    {summary}", f"    {citation}",
                  "  • share document", "", "", "English HTML", "", "", ""]
        if dateline:
            lines += [dateline, ""]
        if present:
            lines += [f"Present: Coms. {present}", ""]
        lines += body_lines()
        if closer:
            lines += [c + "\n" for c in closer]
        lines += [f"[{n}] {text}" + "\n" for n, text in notes]
    text = "\n".join(lines).rstrip("\n") + "\n"
    meta = {"index": p.index, "style": style, "date": p.date.isoformat(), "speakers": [s.full for s in p.speakers],
            "translation_of": p.translation_of, "notes": len(notes), "turns": turns,
            "quirks": [name for name, value in vars(q).items() if value]}
    return text, q, meta


def encode(text: str, q: Quirks) -> bytes:
    if q.crlf:
        text = text.replace("\n", "\r\n")
    if q.cp1252:
        out = []
        for char in text:
            try:
                out.append(char.encode("cp1252"))
            except UnicodeEncodeError:
                out.append(ascii_fold(char).encode("cp1252", errors="replace"))
        data = b"".join(out)
        if not any(0x80 <= byte <= 0x9F for byte in data):  # make it unmistakably Windows-1252
            data = data.replace(b"'", b"\x92", 1)
        return data
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if q.bom else data


def file_name(index: int, date: str, surnames: list[str], markdown: bool) -> str:
    names = "-".join(slug(name) for name in surnames[:2]) or "memorandum"
    suffix = ".md" if markdown and index % 3 == 0 else ".txt"
    return f"{date}_{names}_{index:05d}{suffix}"


def encoding_quirks(index: int, seed: int) -> Quirks:
    """The quirks of the file itself (not of its text), for the families of bench/families.py."""
    rng = random.Random(f"{seed}:{index}:file")
    q = Quirks(bom=rng.random() < 0.02, crlf=rng.random() < 0.04, cp1252=rng.random() < 0.02)
    if FORCED.get(index) in ("bom", "crlf", "cp1252"):
        setattr(q, FORCED[index], True)
    if q.cp1252:
        q.bom = False
    return q


def document(index: int, seed: int, pools: Pools, persons: list[Person]) -> tuple[str, bytes, dict]:
    """Document `index`: its file name, its bytes and its description."""
    import families

    p = plan(index, seed, persons)
    if p.family in ROUTE_OF:
        text, q, meta = compose(p, seed, pools)
        surnames = [person.surname for person in p.speakers]
        meta["styles"] = {"labels": {"web": "honorific", "markdown": "bold", "pdf": "caps"}[p.style],
                          "notes": {"web": "[n]", "markdown": "<sup>[n]</sup>", "pdf": "[n]"}[p.style],
                          "dates": "US and EU", "pages": "form feeds" if q.form_feed else "none"}
    else:
        made = families.make(p.family, index, seed, p.date)
        q = encoding_quirks(index, seed)
        surnames = [name.split()[-1] for name in made.speakers]
        meta = {"index": index, "style": p.family, "date": made.date, "speakers": made.speakers,
                "translation_of": None, "notes": made.notes, "turns": made.turns, "styles": made.styles,
                "quirks": [name for name, value in vars(q).items() if value]}
        text = made.text
    meta["family"] = p.family
    name = file_name(index, meta["date"], surnames, "markdown" in p.family)
    data = encode(text, q)
    meta.update(file=name, bytes=len(data))
    return name, data, meta


def generate(corpus_dir: Path, count: int, seed: int = 1958, samples: Path | None = None) -> dict:
    """Write `count` documents into corpus_dir (made empty first); returns a description."""
    samples = samples or Path(__file__).resolve().parents[1] / "corpus"
    pools = load_pools(samples)
    persons = person_pool(seed)
    corpus_dir = Path(corpus_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for old in corpus_dir.iterdir():
        old.unlink()
    documents = []
    total = 0
    for index in range(count):
        name, data, meta = document(index, seed, pools, persons)
        (corpus_dir / name).write_bytes(data)
        documents.append(meta)
        total += len(data)
    return {"generator": GENERATOR_VERSION, "seed": seed, "count": count, "bytes": total, "documents": documents}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic corpus.")
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1958)
    args = parser.parse_args()
    info = generate(args.out, args.n, args.seed)
    (args.out.parent / f"{args.out.name}.json").write_text(json.dumps(info, indent=1, ensure_ascii=False))
    print(f"{info['count']} documents, {info['bytes'] / 1e6:.1f} MB in {args.out}")
