"""Source families for the benchmark's corpus, templated on the real records in tests/fixtures/variety/.

Each family writes a document the way one kind of real record is printed (see SOURCES.md in
that folder): its page chrome, title and date style, participants, label style, note markers
and note list, page breaks and citation. The words spoken are paragraphs of the same family's
real records (and, for the Wilson Center families, of the samples in corpus/), cleaned of their
labels, note markers and page marks and drawn at random; names, dates, numbers and lengths are
drawn from the document's own seeded generator.

| family | template | labels | notes | pages |
|---|---|---|---|---|
| frus-web | frus1944v06-d243 (history.state.gov saved as text) | plain, titled (`Mr. Nelson:`, `President:`) | digits after the word, `  33. …` list | `[Page N]` |
| frus-pdf | frus1946v09-d585, frus1969-76v12-d188 (printed volume) | capitals, one letter (`K:`) | digits after the word, at the page's foot; source note 1 | running heads, form feeds |
| frus-markdown | frus1949v09-d550, frus1946v10-d276 | bold surname, plain titled | `[^87]` or `[20]` + `## Notes` | `[Page N]` |
| dfat-markdown | dfat-v12-d332 (YAML front matter) | capitals (`DR. EVATT:`, `MR USHIBA:`) | ` [1]`, list after ` _` | none |
| dfat-web | dfat-v19-d212 (Jekyll page saved as text) | capitals | ` [1]`, `_1 …` list | none |
| wilson-pdf-citation | wilson-111240 (pdftotext of the archive's PDF) | honorific (`Comrade Stalin:`) | `[1]`, list at the end | form feeds |
| narrative | frus1946v09-d458, wilson-113318 | none: a memorandum in the third person | as its template | as its template |
| question-answer | dfat-v23-d96 | delegations and `Response:`, or `Q:` / `A:` | ` [1]` | none |
"""

from __future__ import annotations

import math
import random
import re
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import synth

VARIETY = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "variety"

# --- pools of real text, by archive ----------------------------------------------------------

# the records each pool is read from: their body paragraphs, as labelled turns or narration
POOL_SOURCES = {
    "frus": ["frus1944v06-d243_chiang-nelson-conversations", "frus1949v09-d550_chennault-rusk-transcript",
             "frus1946v10-d276_marshall-chou-tsien-chung", "frus1946v09-d458_marshall-chou-minutes"],
    "dfat": ["dfat-v12-d332_evatt-conference-canberra", "dfat-v19-d212_australia-japan-sixth-plenary",
             "dfat-v23-d96_commonwealth-state-meeting"],
    "wilson": ["wilson-111240_stalin-mao-record", "wilson-113318_mikoyan-mao-1949-02-04",
               "docslib-112436_mikoyan-mao-1949-01-31"],
}
# a label at the start of a block (bold or plain), taken off to leave the words spoken
LEADING_LABEL = re.compile(r"^(?:\*\*[^*\n]{1,60}:\*\*|[A-Z][\w.’' ,-]{0,50}:)\s+(?=\S)")
SPEAKER_LINE = re.compile(r"^(?:Comrade [A-Z][\w ]{1,30}|[A-Z][A-Z. ]{1,30}):\s")
# anything that could read as a second label inside a paragraph, or as a note or page mark
RISKY = re.compile(r"[A-Z][\w.’'-]*\)?:(?:\s|$)|(?:^|[.?!]\s+)[A-Z][^.?!:;\n]{0,60}:\s|:\S|Page \d|\[\^|^\d|"
                   r"\bPg\.|\bDoc\.|https?:|#|\*|_|\|")
NOTE_LINE = re.compile(r"^\s*(?:\[\^?\d+\]:?|\d{1,3}\.?)\s+(?P<text>[A-Z(“\"].{15,})$")


@dataclass
class TextPool:
    speech: list[str] = field(default_factory=list)  # what one speaker says
    narration: list[str] = field(default_factory=list)  # a memorandum's third-person paragraphs
    questions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _clean_words(text: str) -> str | None:
    """A paragraph of a real record without its note markers, page marks and emphasis; None
    when what is left could be read as anything but plain words."""
    text = re.sub(r"\[Page \d+\]", "", text)
    text = re.sub(r"\[\^?\d+\]|\[\(\d+\)\]\(#f\d+\)|</?sup>", "", text)
    text = re.sub(r"(?<=[a-z.,;”’)])\d{1,3}(?=\s|$)", "", text)  # a note number after a word
    text = " ".join(text.replace("**", "").split())
    if not 40 <= len(text) <= 1600 or not text[:1].isupper() or not re.search(r"[.?!”’)]$", text):
        return None
    if RISKY.search(text) or text.count("[") != text.count("]") or text.count("(") != text.count(")"):
        return None
    return text


def _blocks(text: str) -> list[str]:
    """Paragraphs: blank-line separated; in PDF text without blank lines, a speaker's line
    starts a new one."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\f", "\n\n")):
        current: list[str] = []
        for line in block.splitlines():
            if SPEAKER_LINE.match(line.strip()) and current:
                blocks.append(" ".join(current))
                current = []
            current.append(line.strip())
        if current:
            blocks.append(" ".join(current))
    return [b for b in blocks if b]


@cache
def text_pool(archive: str) -> TextPool:
    pool = TextPool()
    for name in POOL_SOURCES[archive]:
        blocks = _blocks((VARIETY / f"{name}.txt").read_text("utf-8"))
        for position, block in enumerate(blocks):
            note = NOTE_LINE.match(block)
            if note and position > len(blocks) / 2:  # the notes follow the text (a title may look like one)
                cleaned = _clean_words(note.group("text"))
                if cleaned:
                    pool.notes.append(cleaned)
                continue
            label = LEADING_LABEL.match(block)
            cleaned = _clean_words(block[label.end():] if label else block)
            if not cleaned:
                continue
            (pool.speech if label else pool.narration).append(cleaned)
            if label and cleaned.endswith("?") and len(cleaned) < 400:
                pool.questions.append(cleaned)
    if archive == "wilson":  # the samples in corpus/ speak too
        samples = synth.load_pools(Path(__file__).resolve().parents[1] / "corpus")
        pool.speech += [t for t in samples.speech if not RISKY.search(t)]
        pool.notes += [t for t in samples.notes if not RISKY.search(t)]
    pool.questions = pool.questions or [t for t in pool.speech if t.endswith("?")]
    return pool


# --- persons of the English-language records ---------------------------------------------------

SURNAMES = ["Marshall", "Nelson", "Rusk", "Sprouse", "Caughey", "Hurley", "Gauss", "Stuart", "Acheson", "Butterworth",
            "Merchant", "Hammond", "Forsyth", "Plimsoll", "Critchley", "Burton", "Westerman", "Lind", "Corkery",
            "Meere", "Oakley", "Dexter", "Bailey", "Whitlock", "Pennington", "Harcourt", "Ellison", "Fairbank",
            "Gilmore", "Holloway", "Kendrick", "Langley", "Morrow", "Norcross", "Prescott", "Radford", "Sheridan",
            "Thornton", "Upton", "Vance", "Walsh", "Yardley", "Abbott", "Brennan", "Calloway", "Drummond", "Everett",
            "Fletcher", "Garrison", "Hadley", "Ingram", "Jessup", "Keating", "Lockhart", "Mansfield", "Nolan",
            "Osgood", "Pryor", "Quincy", "Rowe", "Sterling", "Talbot", "Underhill", "Vickers", "Whitman",
            "Chou", "Hsu", "Yu", "Wu", "Soong", "Kuo", "Tung", "Ushiba", "Uyama", "Kosugi", "Okazaki", "Tanaka",
            "Dobrynin", "Gromyko", "Menshikov", "Zarubin"]
GIVEN_NAMES = ["John", "George", "Dean", "Philip", "Walter", "Henry", "Robert", "Frederic", "Arthur", "Thomas",
               "Charles", "William", "Edward", "James", "Harold", "Richard", "Leonard", "Claire", "Patrick", "Donald"]
TITLES = ["General", "Mr.", "Dr.", "Ambassador", "Minister", "Secretary", "Colonel", "Admiral", "Professor",
          "Senator", "Mrs.", "Sir", "Major", "Captain"]
OFFICES = ["President", "The Secretary", "The Ambassador", "The Prime Minister", "Generalissimo"]


@dataclass(frozen=True)
class Speaker:
    given: str
    surname: str
    title: str
    office: str = ""  # labelled by office alone ("President:")

    @property
    def full(self) -> str:
        return f"{self.given} {self.surname}"

    @property
    def titled(self) -> str:
        if self.title == "Sir":
            return f"Sir {self.given} {self.surname}"
        return f"{self.title} {self.surname}"


def speakers(rng: random.Random, count: int, one_letter: bool = False, office: bool = False) -> list[Speaker]:
    """Distinct surnames (and initials, for one-letter labels); perhaps one labelled by office."""
    chosen: list[Speaker] = []
    while len(chosen) < count:
        surname = rng.choice(SURNAMES)
        if any(s.surname == surname or (one_letter and s.surname[0] == surname[0]) for s in chosen):
            continue
        chosen.append(Speaker(rng.choice(GIVEN_NAMES), surname, rng.choice(TITLES)))
    if office and not one_letter and rng.random() < 0.3:
        first = chosen[0]
        chosen[0] = Speaker(first.given, first.surname, first.title, rng.choice(OFFICES))
    return chosen


def label_text(person: Speaker, style: str) -> str:
    """The label as the family prints it, without the colon."""
    if person.office:
        return person.office.upper() if style == "caps" else person.office
    if style == "caps":
        return person.titled.upper()
    if style == "caps-nodot":  # DFAT's later volumes: "MR USHIBA", "DR WESTERMAN"
        return person.titled.upper().replace(".", "")
    if style == "letter":
        return person.surname[0]
    if style == "surname":
        return person.surname
    return person.titled


# --- the body: who speaks, what, where the notes fall ---------------------------------------------


def turn_count(rng: random.Random) -> int:
    """Most records have 5-80 turns (log-uniform); a few are a short exchange, a few long minutes."""
    r = rng.random()
    if r < 0.07:
        return rng.randint(1, 4)
    if r < 0.92:
        return int(round(math.exp(rng.uniform(math.log(5), math.log(80)))))
    return rng.randint(81, 220)


@dataclass
class Block:
    speaker: Speaker | None  # None: narration
    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)  # note numbers marked in the first paragraph


def dialogue(rng: random.Random, persons: list[Speaker], turns: int, pool: TextPool,
             narration: float = 0.04) -> list[Block]:
    blocks: list[Block] = []
    last = None
    while sum(1 for b in blocks if b.speaker) < turns:
        if blocks and rng.random() < narration and pool.narration:
            blocks.append(Block(None, [rng.choice(pool.narration)]))
            continue
        if len(persons) > 2 and rng.random() < 0.2:
            who = rng.choice(persons[2:])
        else:
            who = persons[1] if last is persons[0] else persons[0]
        last = who
        paragraphs = [rng.choice(pool.speech)]
        while rng.random() < 0.15:
            paragraphs.append(rng.choice(pool.narration or pool.speech))
        blocks.append(Block(who, paragraphs))
    return blocks


def narrative(rng: random.Random, paragraphs: int, pool: TextPool) -> list[Block]:
    return [Block(None, [rng.choice(pool.narration)]) for _ in range(paragraphs)]


def place_notes(rng: random.Random, blocks: list[Block], count: int, first: int) -> list[tuple[str, str]]:
    """Marks `count` notes, numbered from `first`, in blocks chosen in order; (number, text)."""
    pool = [i for i, b in enumerate(blocks) if b.speaker or not any(x.speaker for x in blocks)]
    chosen = sorted(rng.sample(pool, min(count, len(pool))))
    notes = []
    for n, i in enumerate(chosen, start=first):
        blocks[i].notes.append(str(n))
        notes.append((str(n), ""))
    return notes


def note_count(rng: random.Random, blocks: list[Block], mean_per_block: float) -> int:
    return min(15, max(0, int(rng.gauss(len(blocks) * mean_per_block, 1.2))))


# the end of a sentence, not of an abbreviation before a name ("Mr. Nelson", "Gen. Yu")
SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bGen)(?<!\bCol)(?<!\bAdm)(?<!\bCapt)(?<!\bProf)(?<!\bSen)"
                          r"(?<!\bSt)(?<!\bNo)(?<!\bvs)(?<!\betc)(?<=[a-z])[.?!](?= [A-Z])")


def with_marker(text: str, n: str, style: str, rng: random.Random) -> str:
    """A note marker after a sentence of the paragraph (or at its end), printed as the family prints it."""
    marker = {"glued": n, "caret": f"[^{n}]", "bracket": f"[{n}]", "spaced": f" [{n}]", "sup": f"<sup>[{n}]</sup>"}[style]
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    at = rng.choice(ends) if ends and rng.random() < 0.6 else len(text)
    return text[:at] + marker + text[at:]


def fill_note_texts(rng: random.Random, notes: list[tuple[str, str]], pool: TextPool) -> list[tuple[str, str]]:
    return [(n, rng.choice(pool.notes)) for n, _ in notes]


def opening(block: Block, label: str, marker: str, rng: random.Random, bold: bool = False) -> str:
    """A block's first paragraph: its note markers, and its speaker's label in `label` style
    (or "honorific": `Comrade Stalin:`)."""
    text = block.paragraphs[0]
    for n in block.notes:
        text = with_marker(text, n, marker, rng)
    if block.speaker:
        name = f"Comrade {block.speaker.surname}" if label == "honorific" else label_text(block.speaker, label)
        text = f"**{name}:** {text}" if bold else f"{name}: {text}"
    return text


def body_paragraphs(blocks: list[Block], label_style: str, marker: str, rng: random.Random,
                    bold: bool = False) -> list[str]:
    return [paragraph for block in blocks
            for paragraph in (opening(block, label_style, marker, rng, bold), *block.paragraphs[1:])]


# --- dates, places, archives -----------------------------------------------------------------

PLACES_US = ["Washington", "Nanking", "Chungking", "Peiping", "Shanghai", "Tokyo", "Moscow", "New York", "Paris",
             "London", "Geneva", "Saigon", "Seoul", "Taipei"]
PLACES_AU = ["CANBERRA", "SYDNEY", "MELBOURNE", "LONDON", "TOKYO", "WASHINGTON", "JAKARTA", "WELLINGTON"]
FRUS_VOLUMES = [("The Far East: China", "CHINA"), ("Western Europe", "WESTERN EUROPE"), ("Soviet Union", "SOVIET UNION"),
                ("Korea", "KOREA"), ("Japan", "JAPAN"), ("The Near East", "THE NEAR EAST")]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
# the source line under a FRUS document's title: a lot file (or the decimal file, frus_decimal)
FRUS_LOTS = ["Marshall Mission Files, Lot 54–D270", "Conference Files, Lot 60–D627", "Rusk Files, Lot 72–D192"]
# the source note (footnote 1) of the later volumes
SOURCE_NOTES = ["Library of Congress, Manuscript Division, Kissinger Papers, Box 364, Telephone Conversations, "
                "Chronological File. No classification marking",
                "National Archives, Nixon Presidential Materials, NSC Files, Box 1025"]
AA_SERIES = ["A1838", "A4311", "A1209", "A5954", "A3092", "A10299"]


def date_time(rng: random.Random) -> str:
    return rng.choice(["10 a.m", "11 a.m", "3 p.m", "4:30 p.m", "8:45 a.m", "10:30 a.m", "noon"]) + "."


def ordinal(day: int) -> str:
    return f"{day}{'th' if 10 <= day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def frus_decimal(rng: random.Random, date) -> str:
    return f"{rng.choice(['893.00', '793.00', '611.93', '761.00', '893.24'])}/{date.month}–{date.day}{date.year % 100:02d}"


def naa_reference(rng: random.Random) -> str:
    return (f"[AA : {rng.choice(AA_SERIES)}/{rng.randint(1, 300)}, {rng.randint(100, 999)}/{rng.randint(1, 9)}/"
            f"{rng.randint(1, 20)}, {rng.choice(ROMAN[:8]).lower()}]")


def wrap(text: str, width: int = 82) -> list[str]:
    """Lines as pdftotext gives a printed paragraph; no line may open with a number, which would
    read as a note at the page's foot."""
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    out: list[str] = []
    for line in lines:
        if out and line[:1].isdigit():
            word, _, rest = line.partition(" ")
            out[-1] += " " + word
            line = rest
        if line:
            out.append(line)
    return out


# --- one document ------------------------------------------------------------------------------


@dataclass
class Made:
    text: str
    turns: int
    notes: int
    date: str
    speakers: list[str]
    styles: dict  # what this document shows: labels, notes, dates, pages


def make(family: str, index: int, seed: int, date) -> Made:
    rng = random.Random(f"{seed}:{index}:{family}")
    return MAKERS[family](rng, index, date)


def frus_web(rng: random.Random, index: int, date, narrative_record: bool = False) -> Made:
    pool = text_pool("frus")
    volume, _ = rng.choice(FRUS_VOLUMES)
    vol = f"Foreign Relations of the United States, {date.year}, {volume}, Volume {rng.choice(ROMAN)}"
    number = rng.randint(20, 700)
    place = rng.choice(PLACES_US)
    persons = speakers(rng, rng.choices([2, 3], weights=[75, 25])[0], office=True)
    a, b = persons[0], persons[1]
    label_style = rng.choice(["titled", "titled", "surname"])
    if narrative_record:
        blocks = narrative(rng, max(3, turn_count(rng)), pool)
        title = f"{number}. Minutes of Meeting Between {a.titled} and {b.titled}, {place}, {synth.date_us(date)}"
    else:
        blocks = dialogue(rng, persons, turn_count(rng), pool)
        title = f"{number}. Memorandum of Conversation, by {rng.choice(['the Ambassador in China', 'the Secretary of State', 'the Counselor of Embassy'])} ({a.surname})"
    notes = fill_note_texts(rng, place_notes(rng, blocks, note_count(rng, blocks, 0.04), rng.randint(1, 80)), pool)
    paragraphs = body_paragraphs(blocks, label_style, "glued", rng)
    paragraphs = page_marks(rng, paragraphs, rng.randint(100, 1200))
    source = rng.choice([frus_decimal(rng, date), rng.choice(FRUS_LOTS)])
    head = ["Skip to main content", "Office of the Historian", "Search", "Menu", "Home", "Historical Documents",
            "Department History", "Guide to Countries", "More Resources", "About Us", "Search", "", "Home",
            "Historical Documents", vol, f"Document {number}", "", vol, "", "Previous", "Next", "", title, "", source, ""]
    opening = rng.choice([f"{place}, {synth.date_us(date)}, {date_time(rng)}",
                          f"[{place},] {synth.date_us(date)}.", f"Time: {synth.date_us(date)}, {date_time(rng)}"])
    head += [opening, ""]
    if not narrative_record:
        present = ", ".join(p.titled for p in persons)
        head += [rng.choice(["Present: ", "Participants: ", "Others present: "]) + present, ""]
    lines = head + [line for p in paragraphs for line in (p, "")]
    lines += [f"  {n}. {text}" for n, text in notes]
    lines += ["", "Previous", "Next", "", "Download", "PDF", "", "Office of the Historian, Shared Knowledge Services, "
              "Bureau of Administration", "United States Department of State", "history@state.gov",
              "Report an issue on this page"]
    return Made("\n".join(lines) + "\n", _turns(blocks), len(notes), date.isoformat(), _names(persons, blocks),
                {"labels": "none" if narrative_record else label_style, "notes": "glued digits, list at the end",
                 "dates": opening.split(",")[0], "pages": "[Page N]"})


def page_marks(rng: random.Random, paragraphs: list[str], first: int) -> list[str]:
    """`[Page N]` inside a word run where the printed page turned, every ~2,500 characters."""
    out, page, since = [], first, 0
    for text in paragraphs:
        since += len(text)
        if since > 2500 and len(text) > 200:
            spaces = [m.start() + 1 for m in re.finditer(r" (?=[a-z])", text)]
            if spaces:
                at = rng.choice(spaces)
                page += 1
                text = f"{text[:at]}[Page {page}]{text[at:]}"
                since = 0
        out.append(text)
    return out


def frus_markdown(rng: random.Random, index: int, date) -> Made:
    pool = text_pool("frus")
    volume, _ = rng.choice(FRUS_VOLUMES)
    number = rng.randint(20, 700)
    persons = speakers(rng, rng.choices([2, 3], weights=[70, 30])[0])
    bold = rng.random() < 0.5
    label_style = "surname" if bold else "titled"
    blocks = dialogue(rng, persons, turn_count(rng), pool)
    first = rng.randint(1, 90)
    notes = fill_note_texts(rng, place_notes(rng, blocks, note_count(rng, blocks, 0.04), first), pool)
    paragraphs = page_marks(rng, body_paragraphs(blocks, label_style, "caret" if bold else "bracket", rng, bold=bold),
                            rng.randint(100, 1200))
    kind = rng.choice(["Transcript of Conversation", "Memorandum of Conversation", "Minutes of Meeting"])
    title = f"# {number}. {kind}" if bold else f"# {kind} Between {persons[0].titled} and {persons[1].titled}"
    place = rng.choice(PLACES_US)
    lines = [title, "", f"Foreign Relations of the United States, {date.year}, {volume}, Volume {rng.choice(ROMAN)}"
             + (f", Document {number}" if bold else f" — Document {number}"), "", "",
             f"*{rng.choice([frus_decimal(rng, date), rng.choice(FRUS_LOTS)])}*", "",
             f"*[{place},] {synth.date_us(date)}.*" if bold else f"*{place}, {synth.date_us(date)}, {date_time(rng)}*",
             ""]
    others = persons[1:]
    if bold:
        lines += [f"**Participants:** {persons[0].title} {persons[0].full}"] + [f"- {p.full}" for p in others] + [""]
    else:
        lines += [f"**Also present:** Col. {rng.choice(SURNAMES)}", ""]
    lines += [line for p in paragraphs for line in (p, "")]
    if bold:
        lines += [line for n, text in notes for line in (f"[^{n}]: {text}", "")]
    elif notes:
        lines += ["## Notes", ""] + [line for n, text in notes for line in (f"{n}. {text}", "")]
    return Made("\n".join(lines).rstrip("\n") + "\n", _turns(blocks), len(notes), date.isoformat(),
                _names(persons, blocks), {"labels": "bold surname" if bold else "titled",
                                          "notes": "[^n]" if bold else "[n] + ## Notes", "dates": "US",
                                          "pages": "[Page N]"})


def frus_pdf(rng: random.Random, index: int, date) -> Made:
    """The printed volume as pdftotext gives it: wrapped lines, running heads, notes at the page's foot."""
    pool = text_pool("frus")
    volume, head_name = rng.choice(FRUS_VOLUMES)
    telcon = rng.random() < 0.3
    persons = speakers(rng, 2 if telcon else rng.choices([2, 3, 4], weights=[50, 35, 15])[0], one_letter=telcon)
    label_style = "letter" if telcon else "caps"
    number = rng.randint(20, 700)
    page = rng.randint(100, 1200)
    roman = rng.choice(ROMAN)
    blocks = dialogue(rng, persons, turn_count(rng), pool, narration=0.02)
    first = 2 if telcon else rng.randint(1, 90)
    notes = dict(fill_note_texts(rng, place_notes(rng, blocks, note_count(rng, blocks, 0.04), first), pool))
    place = rng.choice(PLACES_US)
    if telcon:
        a, b = persons
        title = (f"{number}. Transcript of Telephone Conversation Between the President's Assistant ({a.surname}) "
                 f"and the Ambassador ({b.surname})1")
        heading = wrap(title) + [f"{place}, {synth.date_us(date)}, {date_time(rng)}"]
        foot = {"1": f"Source: {rng.choice(SOURCE_NOTES)}."}
    else:
        title = f"{number}. Minutes of Meeting at {rng.randint(1, 40)} {rng.choice(['Ning Hai Road', 'Pennsylvania Avenue', 'the Embassy'])}, {place}, {synth.date_us(date)}, {date_time(rng)}"
        heading = wrap(title, 64) + [rng.choice(FRUS_LOTS), f"{place}, {synth.date_us(date)}, {date_time(rng)}"]
        heading += ["Present: " + persons[0].titled] + [p.titled for p in persons[1:]]
        foot = {}
    body: list[str] = []
    for block in blocks:
        body += [(line, _markers(line, block.notes)) for line in wrap(opening(block, label_style, "glued", rng))]
        body += [(line, []) for extra in block.paragraphs[1:] for line in wrap(extra)]
    lines = _printed_pages(rng, heading, body, notes, foot, page, date.year, roman, head_name, bool(foot))
    return Made("\n".join(lines) + "\n", _turns(blocks), len(notes), date.isoformat(), _names(persons, blocks),
                {"labels": label_style, "notes": "glued digits, page foot" + ("; source note 1" if foot else ""),
                 "dates": "US", "pages": "running heads, form feeds"})


def _markers(line: str, numbers: list[str]) -> list[str]:
    return [n for n in numbers if re.search(rf"(?<=[a-z.?!,;”’]){n}(?=\s|$)", line)]


def _printed_pages(rng, heading, body, notes, foot, page, year, roman, head_name, title_note) -> list[str]:
    """Pages of ~44 lines; each note at the foot of the page where its marker falls."""
    lines: list[str] = []
    per_page = 44
    page_lines = [*heading]
    page_notes: list[str] = list(foot)  # the source note is marked on the title

    def running_head(n: int) -> str:
        return f"{n} FOREIGN RELATIONS, {year}, VOLUME {roman}" if n % 2 == 0 else f"{head_name} {n}"

    def close(last: bool) -> None:
        nonlocal page, page_lines, page_notes
        lines.extend(page_lines)
        for n in page_notes:
            text = foot.get(n) or notes[n]
            lines.extend(wrap(f"{n} {text}", 90))
        page += 1
        if not last:
            lines.append("\f" + running_head(page))
        page_lines, page_notes = [], []

    lines.append(running_head(page))
    for line, markers in body:
        page_lines.append(line)
        page_notes += markers
        if len(page_lines) >= per_page:
            close(False)
    close(True)
    return lines


def dfat_markdown(rng: random.Random, index: int, date) -> Made:
    pool = text_pool("dfat")
    persons = speakers(rng, rng.choices([2, 3, 4, 5], weights=[30, 35, 20, 15])[0])
    style = rng.choice(["caps", "caps-nodot"])
    blocks = dialogue(rng, persons, turn_count(rng), pool)
    notes = fill_note_texts(rng, place_notes(rng, blocks, note_count(rng, blocks, 0.06), 1), pool)
    paragraphs = body_paragraphs(blocks, style, "spaced", rng)
    volume = rng.randint(1, 28)
    number = rng.randint(1, 500)
    reference = naa_reference(rng)
    title = rng.choice(["Record of Conference in Secretary's Room, Department of External Affairs",
                        "Record of Meeting", f"Record of Conversation with {persons[1].titled}"])
    lines = ["---", f"doc_date: '{date.isoformat()}'", f"doc_num: {number}", f"doc_order: {number}", "naa_refs:",
             "- naa_barcode: 0", "  naa_control_symbol: ''", f"  naa_series: {reference[6:11]}",
             f"  reference: '{reference}'", f"title: {title}", f"vol_full_title: 'Volume {volume}: Australia and the "
             f"World, {date.year}'", f"vol_id: {volume}", f"vol_title: 'Volume {volume}: {date.year}'", "---", "",
             f"Extracts {rng.choice(PLACES_AU)}, {synth.date_eu(date)}", "", rng.choice(["TOP SECRET", "SECRET",
                                                                                        "CONFIDENTIAL"]), "",
             "Present: " + " ".join(p.titled for p in persons), ""]
    lines += [line for p in paragraphs for line in (p, "")]
    lines += dfat_markdown_end(notes, reference)
    return Made("\n".join(lines) + "\n", _turns(blocks), len(notes), date.isoformat(), _names(persons, blocks),
                {"labels": style, "notes": " [n], list after _", "dates": "EU", "pages": "none"})


def dfat_markdown_end(notes: list[tuple[str, str]], reference: str) -> list[str]:
    """The notes between ` _` and `_`, then the shelfmark in italics (dfat-v12-d332); without
    notes, the shelfmark in italics straight after the text."""
    if not notes:
        return [f" _{reference}_"]
    return [" _", ""] + [line for n, text in notes for line in (f"{n} {text}", "")] + ["_", "", f" _{reference}_"]


@cache
def dfat_chrome() -> tuple[list[str], list[str]]:
    """The DFAT page's navigation (its volume list) and footer, as the real page prints them."""
    lines = (VARIETY / "dfat-v19-d212_australia-japan-sixth-plenary.txt").read_text("utf-8").splitlines()
    nav = lines[:lines.index("Search") + 1]
    footer = lines[lines.index("Previous document"):]
    return nav, footer


def dfat_web(rng: random.Random, index: int, date) -> Made:
    pool = text_pool("dfat")
    persons = speakers(rng, rng.choices([2, 3], weights=[60, 40])[0])
    blocks = dialogue(rng, persons, turn_count(rng), pool)
    notes = fill_note_texts(rng, place_notes(rng, blocks, note_count(rng, blocks, 0.06), 1), pool)
    paragraphs = body_paragraphs(blocks, "caps-nodot", "spaced", rng)
    nav, footer = dfat_chrome()
    volume = rng.randint(1, 28)
    number = rng.randint(1, 500)
    title = rng.choice(["Trade Negotiations: Plenary Meeting", "Record of Meeting", "Record of Discussion"])
    reference = naa_reference(rng)
    footer = [synth.date_eu(date) if line == "14 June 1957" else
              (reference[1:-1].replace("AA : ", "NAA: ") if line.startswith("NAA: ") else line) for line in footer]
    lines = [*nav, "", "Home", nav[3 + volume] if 3 + volume < len(nav) else nav[-2], title[:40] + "...", "",
             str(number), "", title.upper(), "", f"{ordinal(date.day)} {synth.MONTHS[date.month - 1]}, {date.year}",
             "", rng.choice(PLACES_AU), ""]
    lines += [line for p in paragraphs for line in (p, "")]
    for i, (n, text) in enumerate(notes):
        lines += [("_" if i == 0 else "") + f"{n} {text}", ""]
    if notes:
        lines += ["_", ""]
    lines += [reference, "", *footer]
    return Made("\n".join(lines) + "\n", _turns(blocks), len(notes), date.isoformat(), _names(persons, blocks),
                {"labels": "caps-nodot", "notes": " [n], _1 list", "dates": "ordinal", "pages": "none"})


def wilson_pdf_citation(rng: random.Random, index: int, date, narrative_record: bool = False) -> Made:
    """The Wilson Center's PDF through pdftotext: the Citation block, then the translation."""
    pool = text_pool("wilson")
    given = rng.sample(synth.GIVEN, 2)
    surnames = rng.sample(["Stalin", "Molotov", "Mikoyan", "Zhou Enlai", "Liu Shaoqi", "Gomułka", "Ulbricht", "Hoxha",
                           "Kim Il Sung", "Ho Chi Minh", "Novotný", "Kádár", "Zhivkov", "Gheorghiu-Dej", "Tito"], 2)
    names = [f"{g[0]}.{rng.choice('ABDEFGIKMNPSV')}. {s}" if " " not in s else s for g, s in zip(given, surnames)]
    persons = [Speaker("", name, "Comrade") for name in names]
    if narrative_record:
        blocks = narrative(rng, max(3, turn_count(rng)), pool)
    else:
        blocks = dialogue(rng, persons, turn_count(rng), pool, narration=0.03)
    notes = fill_note_texts(rng, place_notes(rng, blocks, note_count(rng, blocks, 0.03), 1), pool)
    title = f"Record of Conversation between {names[0]} and {names[1]} on {synth.date_eu(date)}"
    if narrative_record:
        title = f"Memorandum of Conversation between {names[0]} and {names[1]}"
    record = 110000 + index
    reference = synth.archival_reference(rng)
    translator = rng.choice(synth.TRANSLATORS)
    citation = (f"“{title},” {synth.date_us(date)}, History and Public Policy Program Digital Archive, {reference}. "
                f"Translated by {translator}")
    summary = (f"{names[0]} and {names[1]} discuss {rng.choice(synth.TOPICS)} and {rng.choice(synth.TOPICS)}. "
               f"{names[1]} raises {rng.choice(synth.TOPICS)}.")
    lines = ["Digital Archive", "", "International History Declassified", "", "digitalarchive.wilsoncenter.org", "",
             synth.date_us(date), *wrap(title, 60), "Citation:", *wrap(citation, 100),
             f"http://digitalarchive.wilsoncenter.org/document/{record}", "", "Summary:", *wrap(summary, 100), "",
             "Original Language:", "Russian", "", "Contents:", "English Translation", "Scan of Original Document", "",
             "\f" + title.upper()]
    count = 0
    for block in blocks:
        for paragraph in [opening(block, "honorific", "bracket", rng), *block.paragraphs[1:]]:
            lines += wrap(paragraph, 95)
            count += 1
            if count % 9 == 0:
                lines.append("\f")
    if not narrative_record:
        lines += [f"Recorded by comr. {rng.choice(synth.RECORDERS)}."]
    lines += [""] + [f"[{n}] {text}" for n, text in notes]
    return Made("\n".join(lines) + "\n", _turns(blocks), len(notes), date.isoformat(),
                [] if narrative_record else names,
                {"labels": "none" if narrative_record else "honorific", "notes": "[n], list at the end", "dates": "US",
                 "pages": "form feeds"})


def narrative_record(rng: random.Random, index: int, date) -> Made:
    """A memorandum in the third person: no labels at all."""
    if rng.random() < 0.6:
        return frus_web(rng, index, date, narrative_record=True)
    return wilson_pdf_citation(rng, index, date, narrative_record=True)


DELEGATIONS = ["NSW", "QLD", "SA", "VIC.", "TAS.", "WA"]


def question_answer(rng: random.Random, index: int, date) -> Made:
    """Questions and the answers given (dfat-v23-d96): delegations ask, `Response:` answers; or `Q:` and `A:`."""
    pool = text_pool("dfat")
    frus = text_pool("frus")
    delegations = rng.random() < 0.7
    pairs = max(1, turn_count(rng) // 2)
    paragraphs, notes_at = [], []
    note_total = min(4, max(0, int(rng.gauss(pairs / 15, 1))))
    marked = set(rng.sample(range(pairs), min(note_total, pairs)))
    for i in range(pairs):
        asker = rng.choice(DELEGATIONS) if delegations else "Q"
        question = rng.choice(pool.questions + frus.questions)
        answer = rng.choice(pool.speech + frus.speech)
        if i in marked:
            notes_at.append(str(len(notes_at) + 1))
            answer = with_marker(answer, notes_at[-1], "spaced", rng)
        paragraphs += [f"{asker}: {question}", f"{'Response' if delegations else 'A'}: {answer}"]
    notes = [(n, rng.choice(pool.notes)) for n in notes_at]
    reference = naa_reference(rng)
    title = rng.choice(["Record of Meeting between Commonwealth and State Governments", "Record of Press Conference",
                        "Record of Questions and Answers"])
    lines = ["---", f"doc_date: '{date.isoformat()}'", f"doc_num: {rng.randint(1, 400)}", "naa_refs:",
             f"- naa_series: {reference[6:11]}", f"  reference: '{reference}'", f"title: {title}",
             f"vol_id: {rng.randint(1, 28)}", "---", "", f"{rng.choice(PLACES_AU).title()}, {synth.date_eu(date)}", "",
             f"## {title}, {synth.date_eu(date)}", "",
             "A summary of the more substantial questions asked and responses given are set out below.", ""]
    lines += [line for p in paragraphs for line in (p, "")]
    lines += dfat_markdown_end(notes, reference)
    return Made("\n".join(lines) + "\n", 2 * pairs, len(notes), date.isoformat(), [],
                {"labels": "delegations" if delegations else "Q/A", "notes": " [n]", "dates": "EU", "pages": "none"})


def _turns(blocks: list[Block]) -> int:
    return sum(1 for b in blocks if b.speaker)


def _names(persons: list[Speaker], blocks: list[Block]) -> list[str]:
    spoke = {b.speaker for b in blocks if b.speaker}
    return [p.full for p in persons if p in spoke]


MAKERS = {"frus-web": frus_web, "frus-markdown": frus_markdown, "frus-pdf": frus_pdf, "dfat-markdown": dfat_markdown,
          "dfat-web": dfat_web, "wilson-pdf-citation": wilson_pdf_citation, "narrative": narrative_record,
          "question-answer": question_answer}
