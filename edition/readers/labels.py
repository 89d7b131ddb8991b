"""Speaker labels in every style a record of conversation prints them.

`Mao Zedong:`, `MAO:`, `Comrade Stalin:`, `Dr. Kissinger:`, `VM Chiao:`, `The President:`,
`LT. COL. COLE:`, `DR.EVATT:`, `K:`, `Q:`, `QLD AND NSW:`, `Mao Zedong (irritated):`. A label
is a short run of name words, honorifics and titles before a colon at the start of a
paragraph (or glued after the end of the previous turn's sentence). Which words are
honorifics, titles, fields that merely look like labels ("SUBJECT:", "Copies to:") and
question-and-answer labels comes from the source profile, not from this module.

Every test here is linear in the paragraph: a label is looked for only in the 80 characters
before a colon, and validated word by word in Python, not by a backtracking pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from edition.readers.base import LabelMatch
from edition.readers.profiles import Profile, label_key

MAX_LABEL = 64  # characters: "Minister of Foreign Affairs of the People's Republic of China" is about the longest
MAX_WORDS = 8
_WORD_START = re.compile(r"(?:(?<=\s)|^)\S")  # compiled once (see participants._FIELD)
REMEMBERED_OPENINGS = 20_000  # paragraphs: a record has a few thousand at most
# the colon may be a full-width one (`毛泽东：`), which needs no space after it
_START = re.compile(r"(?P<label>[^:;：()\n]{1,%d}?)\s*(?:\((?P<manner>[^()\n]{1,60})\)\s*)?(?P<sep>[:;]|：)(?=\s|$|(?<=：))"
                    % MAX_LABEL)
# a name word, also one whose parts a full stop joins ("DR.EVATT", "N.S."); no part may be
# matched two ways, so the pattern cannot backtrack
_CAPITALISED = re.compile(r"[^\W\d_][^\W\d_’'\-]*(?:[’'\-][^\W\d_]+)*(?:\.[^\W\d_][^\W\d_’'\-]*(?:[’'\-][^\W\d_]+)*)*\.?",
                          re.U)
_ONE_LETTER = re.compile(r"[^\W\d_]", re.U)  # one capital letter, no full stop: `K`, `M`
_LEADING_MARKS = re.compile("(?:\ue010[^\ue011]*\ue011)*")
_TERMINAL_BEFORE = re.compile(r"[.?!…\]\)”\"’*]$")  # matched against text.rstrip(): linear


@dataclass(frozen=True)
class Candidate:
    label: str
    key: str
    strength: str  # "caps", "titled", "qa", "letter" or "plain"


def _capital(word: str) -> bool:
    """A capital letter first, or a letter of a script without capitals (毛泽东, 김일성)."""
    first = word[:1]
    return first.isupper() or (first.isalpha() and not first.islower())


class LabelMatcher:
    """Finds and judges speaker labels by the conventions of a profile."""

    def __init__(self, profile: Profile, separators: str = ":："):
        self.profile = profile
        self.separators = separators
        self.prefix_words = {label_key(w) for w in profile.honorifics | profile.titles}
        self.prefix_words |= {w for key in self.prefix_words for w in key.split()}
        self.small = {label_key(w) for w in profile.articles | profile.particles | profile.joiners}
        self._judged: dict[str, Candidate | None] = {}
        self._at_start: dict[str, tuple[LabelMatch, Candidate] | None] = {}

    # --- one label -----------------------------------------------------------------------

    def candidate(self, label: str) -> Candidate | None:
        """Judge a label as printed: None if it cannot be a speaker's name. Remembered: the rules
        ask about the same few labels of a record hundreds of times."""
        if label in self._judged:
            return self._judged[label]
        judged = self._judge(label)
        self._judged[label] = judged
        return judged

    def _judge(self, label: str) -> Candidate | None:
        label = label.strip()
        key = label_key(label)
        if not key or len(label) > MAX_LABEL or key in self.profile.not_labels:
            return None
        if key in self.profile.question_answer:
            return Candidate(label, key, "qa")
        if _ONE_LETTER.fullmatch(label) and _capital(label):
            # `M:`, `H:`, `Y:` are a speaker's initial even where the letter is also an honorific
            # (`M.` Monsieur, `H.E.`) or a particle (`y`): an honorific stands before a name, and
            # here nothing follows the letter but the colon
            return Candidate(label, key, "letter")
        words = label.replace(",", " , ").split()
        if len(words) > MAX_WORDS or not _capital(words[0]):
            return None
        # capitals: a label with cased letters, all upper (a script without capitals is never "caps")
        caps = label.upper() == label and sum(char.isupper() for char in label) >= 2
        named = False
        for word in words:
            folded = label_key(word)
            if word == ",":
                if not caps:
                    return None  # a comma belongs in a joint label of capitals only ("WA, QLD AND SA")
                continue
            if any(char.isdigit() for char in word) or not folded:
                return None
            if folded in self.small:
                continue
            if not _CAPITALISED.fullmatch(word) or not _capital(word):
                return None
            if folded not in self.prefix_words or folded in self.profile.titles:
                named = True
        if not named:
            # only honorifics: "Mr.:" is no label, but a title alone is ("President:", "The Secretary:")
            return None
        if self._not_label_after_prefix(words):
            return None
        if len(key) == 1:
            return Candidate(label, key, "letter")
        if caps:
            return Candidate(label, key, "caps")
        first = label_key(words[0])
        if first in self.prefix_words or first in self.small:
            return Candidate(label, key, "titled")
        return Candidate(label, key, "plain")

    def _not_label_after_prefix(self, words: list[str]) -> bool:
        """`The Subject:` or `Secret:` are fields even with an article or a title before them."""
        rest = [w for w in words if label_key(w) not in self.small]
        return label_key(" ".join(rest)) in self.profile.not_labels

    def is_field(self, text: str) -> bool:
        """A paragraph opening with a field that looks like a label (`Note:`, `Copies to:`)."""
        match = _START.match(text)
        return bool(match) and label_key(match.group("label")) in self.profile.not_labels

    def at_start(self, text: str) -> tuple[LabelMatch, Candidate] | None:
        """The label that opens a paragraph, if it opens with one. Remembered: the rules ask
        about each paragraph of a record a few hundred times over (4.2 million questions for
        10,000 records, 8% of the converter's time); the answers are not to be changed."""
        if text in self._at_start:
            return self._at_start[text]
        if len(self._at_start) >= REMEMBERED_OPENINGS:  # a matcher shared by many records
            self._at_start.clear()
        found = self._at_start[text] = self._opening(text)
        return found

    def _opening(self, text: str) -> tuple[LabelMatch, Candidate] | None:
        marks = _LEADING_MARKS.match(text)
        if marks.end():
            found = self.at_start(text[marks.end():])
            if found:  # a page break before the label belongs to the turn's words
                label, candidate = found
                return replace(label, rest=marks.group() + label.rest), candidate
            return found
        match = _START.match(text)
        if not match or match.group("sep") not in self.separators:
            return None
        candidate = self.candidate(match.group("label"))
        if candidate is None:
            return None
        rest = text[match.end():].lstrip()
        manner = match.group("manner")
        return LabelMatch(match.group("label").strip(), manner.strip() if manner else None, rest,
                          match.group("sep")), candidate

    # --- a label glued inside a paragraph ---------------------------------------------------

    def glued(self, text: str, accepted: set[str], start: int = 1) -> int | None:
        """Where a second turn's label starts inside a paragraph: a label this document prints
        elsewhere at the start of a paragraph (`accepted`), after the end of a sentence, or a
        label in capitals the document knows, anywhere after a space."""
        colon = text.find(":", start)
        while colon != -1:
            cut = self._label_before(text, colon, accepted)
            if cut is not None and cut >= start:
                return cut
            colon = text.find(":", colon + 1)
        return None

    def _label_before(self, text: str, colon: int, accepted: set[str]) -> int | None:
        if colon + 1 < len(text) and not text[colon + 1].isspace():
            return None
        window_start = max(0, colon - MAX_LABEL)
        starts = [m.start() for m in _WORD_START.finditer(text[window_start:colon])]
        for offset in starts:  # farthest first: the longest label
            begin = window_start + offset
            if begin == 0:
                if self.candidate(text[:colon].strip()) is not None:
                    return None  # the paragraph's own opening label ("DR. EVATT:"), not a glued one
                continue
            label = text[begin:colon].strip()
            manner = re.search(r"\s*\([^()]{1,60}\)$", label)
            if manner:
                label = label[: manner.start()]
            candidate = self.candidate(label)
            if candidate is None:
                continue
            before = text[:begin]
            after_sentence = bool(_TERMINAL_BEFORE.search(before.rstrip()))
            if candidate.key in accepted and (after_sentence or candidate.strength == "caps" and before.endswith(" ")):
                return begin
            if after_sentence and candidate.strength == "caps" and len(candidate.key) > 2:
                return begin  # "… Manchuria. KHRUS HCHEV N.S.: The abnormal …"
        return None


def matcher_for(profile: Profile) -> LabelMatcher:
    """The profile's matcher with the usual separators, made once per profile (a record's
    profile is complete before its reader starts, and its judgements are remembered)."""
    matcher = profile.__dict__.get("_label_matcher")
    if matcher is None:
        matcher = profile.__dict__["_label_matcher"] = LabelMatcher(profile)
    return matcher
