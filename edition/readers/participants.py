"""Participants lists, and speaker labels resolved to the persons they list.

`PARTICIPANTS:` / `Present:` / `Participants:` / `Others present:` with one person a line and
their function after a comma (`Dean Rusk, Assistant Secretary of State`), or all on one line
(`Minister T. V. Soong and Maj. Gen. Patrick Hurley`, `Coms. B.N. Ponomarev, Deng Xiaoping`),
or run together with only the honorifics between them (`Dr. Evatt Sir Frederic Eggleston
Dr. Burton`). A label then names a listed person by their surname (`Kissinger:`, `Dr.
Kissinger:`), by a title their name or function carries (`The President:`), by a misprint of
it (`General Marshal:`), or by its first letter where one participant's surname starts so
(`K:`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from edition.readers.profiles import Profile, label_key
from edition.readers.text import Block

MAX_PEOPLE = 400  # a list longer than this is read as text, not as persons


@dataclass
class Participant:
    name: str  # as printed, less honorifics
    printed: str  # as printed
    function: str = ""  # the words after the name: "Assistant Secretary of State"
    line: int = 0

    def words(self, profile: Profile) -> list[str]:
        prefix = {w for key in profile.honorifics | profile.titles for w in key.split()}
        return [w for w in label_key(self.name).split() if w not in prefix]


# Compiled here, not by re.match's cache: the records' own patterns (their persons' names) fill
# that cache and pushed this one out, to be compiled again hundreds of times a run.
_FIELD = re.compile(r"^\W{0,3}(?P<field>[A-Za-z][A-Za-z &]{2,40}?)[\s*_]{0,3}:(?:\s*\[\d+\])?[\s*_]*(?P<rest>.*)$", re.S)


def participants_field(text: str, profile: Profile) -> tuple[str, str] | None:
    """(field as printed, the rest) if a paragraph opens with a participants field."""
    match = _FIELD.match(text)
    if not match or label_key(match.group("field")) not in profile.participant_fields:
        return None
    return match.group("field"), match.group("rest")


def read_participants(block: Block, following: list[Block], profile: Profile) -> tuple[list[Participant], int]:
    """The persons of a participants field: those on its own line(s), then those of the short
    name-only paragraphs after it (a PDF prints one a line). Returns them and how many of the
    following paragraphs the list took."""
    found = participants_field(block.lines[0].text.strip(), profile)
    if not found:
        return [], 0
    entries: list[tuple[str, int]] = []
    first = found[1].strip()
    if first:
        entries.append((first, block.lines[0].number))
    entries += [(line.text.strip(), line.number) for line in block.lines[1:] if line.text.strip()]
    taken = 0
    for other in following:
        # a name a line, as a paragraph of its own or as the lines of one (PDF text runs them on)
        if all(is_name_line(line.text, profile) for line in other.lines if line.text.strip()):
            entries += [(line.text.strip(), line.number) for line in other.lines if line.text.strip()]
            taken += 1
        else:
            break
    people: list[Participant] = []
    one_per_line = len(entries) > 1 and not any(_list_line(text) for text, _ in entries)
    if len(entries) > 1 and not one_per_line:
        # a list of names wrapped over lines (`… Vyshinskii, [Soviet` / `translator N.T.] Fedorenko …`)
        entries = [(" ".join(text for text, _ in entries), entries[0][1])]
    for text, line in entries:
        text = re.sub(r"^[-•*–]\s+", "", text)
        people += [p for p in _people_of(text, line, profile, one_per_line) if plausible(p)]
        if len(people) > MAX_PEOPLE:
            return [], 0
    return people, taken


def _list_line(text: str) -> bool:
    """A line of several names run on with commas, not one person and their function."""
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    return len(pieces) >= 3 and sum(len(p.split()) <= 3 for p in pieces) >= len(pieces) - 1 or text.rstrip().endswith(
        (",", "[")) or text.count("[") != text.count("]")


TITLE_PERSON = re.compile(r"(?:^|\b(?:[Bb]etween|[Aa]nd|[Ww]ith|,)\s+)(?P<function>(?:the\s+)?[^(),]{3,120}?)\s+"
                          r"\((?P<name>[A-Z][\w’'-]+(?:[ -][A-Z][\w’'-]+){0,2})\)")


def title_participants(title: str) -> list[Participant]:
    """A record with no participants list names them in its title, the surname in parentheses
    after the office (FRUS: `… Between the President's Assistant for National Security Affairs
    (Kissinger) and the Soviet Ambassador (Dobrynin)`)."""
    from edition.readers.pages import without_marks

    title = without_marks(title)
    between = re.search(r"\b(?:[Bb]etween|[Cc]onversation [Ww]ith|[Mm]eeting [Ww]ith)\s", title)
    if between is None:
        return []  # "The Ambassador in China (Gauss) to the Secretary": an author, not a participant
    title = "between " + title[between.end():]
    people = []
    for match in TITLE_PERSON.finditer(title):
        function = re.sub(r"^(?:the|The)\s+", "", match.group("function")).strip()
        function = re.sub(r"^.*\b(?:[Bb]etween|[Oo]f a [Cc]onversation)\s+(?:the\s+)?", "", function)
        people.append(Participant(match.group("name"), match.group("name"), function))
    if people:
        return people
    # "… Between President Chiang Kai-shek and Mr. Donald Nelson": the names themselves
    names = re.match(r"between (?P<names>[^,;:()]{3,160}?)(?:,|;|\.$| on | at | in |$)", title)
    if not names:
        return []
    parts = [part.strip() for part in re.split(r"\s+and\s+", names.group("names")) if part.strip()]
    if len(parts) < 2 or not all(re.fullmatch(r"(?:[A-Z][\w.’'-]*\s*){1,6}", part) for part in parts):
        return []
    return [Participant(part, part) for part in parts]


def is_name_line(text: str, profile: Profile) -> bool:
    """A short line that is a name (and function), not a sentence or a speaker's turn."""
    text = re.sub(r"^[-•*–]\s+", "", text.strip())
    if not text or len(text) > 120 or ":" in text or text.endswith((".", "?", "!")) and not re.search(
            r"\b[A-Z]\.$", text):
        return False
    words = text.split(",")[0].split()
    return 1 <= len(words) <= 7 and all(w[:1].isupper() or label_key(w) in profile.particles for w in words)


def _people_of(text: str, line: int, profile: Profile, one_per_line: bool) -> list[Participant]:
    text = re.sub(r"\[\d+\]", "", text).strip().rstrip(".;")
    if not text:
        return []
    if one_per_line or ";" in text:
        parts = [part for part in re.split(r";\s*", text) if part.strip()]
        return [_participant(part, line, profile) for part in parts]
    # one line: "A, B and C" — or "A and B" — or run together with only honorifics between
    pieces = [p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()]
    if all(_name_like(p, profile) for p in pieces):
        if len(pieces) == 1:
            return [_participant(p, line, profile) for p in _split_at_honorifics(pieces[0], profile)]
        return [_participant(p, line, profile) for p in pieces]
    return [_participant(text, line, profile)]


def _name_like(text: str, profile: Profile) -> bool:
    """A name, perhaps with the editor's gloss in brackets before it (`[Soviet translator N.T.]
    Fedorenko`) or another form between slashes after it (`Shi Zhe /Karskii/`)."""
    words = [w for w in re.sub(r"\[[^\]]*\]|/[^/]*/", " ", text).split() if label_key(w)]
    return 1 <= len(words) <= 12 and all(w[:1].isupper() or label_key(w) in profile.particles
                                         or label_key(w) in profile.honorifics for w in words)


def _split_at_honorifics(text: str, profile: Profile) -> list[str]:
    """`Dr. Evatt Sir Frederic Eggleston Dr. Burton` → three names, cut before each honorific
    that follows a name word."""
    words = text.split()
    honorific = {label_key(h) for h in profile.honorifics} | {label_key(t) for t in profile.titles
                                                                if " " not in t}
    if len(words) < 4:
        return [text]
    names: list[list[str]] = [[]]
    for word in words:
        if names[-1] and label_key(word) in honorific and label_key(names[-1][-1]) not in honorific:
            names.append([])
        names[-1].append(word)
    return [" ".join(name) for name in names if name]


def _participant(text: str, line: int, profile: Profile) -> Participant:
    # a plural honorific before the list ("Cdes. B.N. Ponomarev, Deng Xiaoping") names no one
    plural = [h for h in profile.honorifics if h.endswith("S") and h[:-1] in profile.honorifics or h == "MESSRS"]
    if plural:
        text = re.sub(r"^(?:%s)\.?\s+" % "|".join(map(re.escape, plural)), "", text.strip(), flags=re.I)
    printed = text
    function = ""
    bracket = re.match(r"^\[(?P<function>[^\]]+)\]\s*(?P<name>.+)$", text)
    if bracket:
        function, text = bracket.group("function"), bracket.group("name")
    name, _, rest = text.partition(",")
    function = function or rest.strip()
    return Participant(name.strip(), printed, function, line)


def plausible(participant: Participant) -> bool:
    """A name is a few words; a longer 'name' is a list or a sentence the rules misread."""
    return 1 <= len(participant.name.split()) <= 8


class ParticipantIndex:
    """Speaker labels → the listed participant they name."""

    def __init__(self, people: list[Participant], profile: Profile):
        self.people = people
        self.profile = profile
        self.prefix = {w for key in profile.honorifics | profile.titles for w in key.split()}
        self.small_words = {label_key(w) for w in profile.articles | profile.particles | profile.joiners}

    def bare_name(self, name: str) -> str:
        """A name less the honorifics and titles before it: the person's id is made from it."""
        words = name.split()
        while len(words) > 1 and label_key(words[0]) in self.prefix:
            words = words[1:]
        return " ".join(words)

    def find(self, label: str) -> Participant | None:
        if not self.people:
            return None
        key_words = [w for w in label_key(label).split() if w not in self.prefix]
        titles = [w for w in label_key(label).split() if w in self.prefix]
        if not key_words:
            found = self._by_title(titles)
            if found is not None:
                return found
            # a title that is also a name ("Marshal" for Marshall): read the words as a name
            key_words = [w for w in titles if w not in self.small_words][-1:]
            if not key_words:
                return None
        if len(key_words) == 1 and len(key_words[0]) == 1:
            return self._by_initial(key_words[0])
        exact = [p for p in self.people if set(key_words) <= set(p.words(self.profile))]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            same = [p for p in exact if p.words(self.profile) == key_words]
            return same[0] if len(same) == 1 else None
        return self._by_misprint(key_words)

    def _by_title(self, titles: list[str]) -> Participant | None:
        wanted = set(titles) - {"THE"}
        if not wanted:
            return None
        # the title in the person's name ("President Chiang"), or the function it opens ("Premier of …"),
        # never a word inside another's function ("Assistant to the President")
        matches = [p for p in self.people if wanted <= set(label_key(p.printed.split(",")[0]).split())
                   or label_key(p.function).split()[:len(wanted)] == [w for w in label_key(" ".join(titles)).split()
                                                                    if w != "THE"]]
        return matches[0] if len(matches) == 1 else None

    def _by_initial(self, letter: str) -> Participant | None:
        matches = [p for p in self.people if p.words(self.profile) and p.words(self.profile)[-1].startswith(letter)]
        return matches[0] if len(matches) == 1 else None

    def _by_misprint(self, key_words: list[str]) -> Participant | None:
        """`General Marshal` for General Marshall: one word off by a letter or two."""
        surname = key_words[-1]
        if len(surname) < 5:
            return None
        scored = [(max((difflib.SequenceMatcher(None, surname, w).ratio() for w in p.words(self.profile)),
                       default=0), p) for p in self.people]
        good = [p for score, p in scored if score >= 0.85]
        return good[0] if len(good) == 1 else None
