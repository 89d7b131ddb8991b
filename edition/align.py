"""Two translations of one conversation aligned passage by passage (turns, narration, omissions).

Two English translations of one Russian record say the same things in other words, in the same
order, by the same speakers; an abridged one (Wolff's) leaves runs of turns out and puts an
editorial summary (`gap`) in their place. The evidence, in the order it is weighed:

1. the order: passages correspond in the order both texts give them (a monotone alignment);
2. the speaker: a turn corresponds only to a turn of the same person (`@who`);
3. the words: a fuzzy match of the two texts (rapidfuzz), on the words that carry meaning;
4. what lies between: turns left between two aligned pairs whose speakers follow each other in
   the same order on both sides (a short "Yes." against "Correct.") are paired by position;
   a summary stands for everything the other side has between its neighbours' counterparts.

The result is archival data: `edition.tei.translation_stand_off` writes it into each TEI file as
`standOff/linkGrp[@type='translation']`, and an editor's corrections (registers/alignments.toml,
read by `load_corrections`) replace what the computation says of the passages they name. See
docs/encoding.md, "Translations aligned".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
KINDS = {"sp": "turn", "p": "narration", "gap": "omission"}

# Below this score (0-100) two turns are not taken to say the same thing by their words alone.
MATCH_FROM = 38.0
# Scores from here up are "high" certainty (cert="high" in the TEI), below it "medium".
CERTAIN_FROM = 60.0
# An abridged turn is compared with the opening words of the full one, which it keeps; a match
# of openings alone counts for a little less than a match of the whole.
OPENING_WORDS = 12
OPENING_WEIGHT = 0.9
# Words too common to be evidence that two translations say the same thing.
_COMMON = frozenset("""a an and are as at be been but by can could did do does for from had has have he her him his
i if in into is it its me my no not now of on one or our she so such than that the their them then there these they
this those to too us was we were what when which who will with would you your yes""".split())


@dataclass(frozen=True)
class Unit:
    """A passage of the body: a turn, a paragraph of narration or an omission's summary."""

    id: str
    kind: str  # turn, narration, omission
    who: str  # the speakers' ids ("" for narration and omissions)
    text: str


@dataclass(frozen=True)
class Link:
    """Passages of one side (`ours`) and their counterpart on the other (`theirs`)."""

    ours: tuple[str, ...]
    theirs: tuple[str, ...]
    kind: str  # turn, narration, omission (the kind of the first of ours)
    evidence: str  # words, position, summary, editor
    score: float = 0.0

    @property
    def cert(self) -> str:
        if self.evidence == "editor":
            return ""
        if self.evidence == "words" and self.score >= CERTAIN_FROM:
            return "high"
        return "medium" if self.evidence in ("words", "position") else "low"


@dataclass
class Alignment:
    """The alignment of document `a` with document `b`, as links from a's passages."""

    a: str
    b: str
    links: list[Link] = field(default_factory=list)
    a_units: list[Unit] = field(default_factory=list)
    b_units: list[Unit] = field(default_factory=list)

    def reversed(self) -> Alignment:
        """The same alignment seen from b: omission runs of b become one link each."""
        by_theirs: dict[tuple[str, ...], list[str]] = {}
        kinds: dict[tuple[str, ...], Link] = {}
        for link in self.links:
            by_theirs.setdefault(link.theirs, []).extend(link.ours)
            kinds.setdefault(link.theirs, link)
        b_kind = {u.id: u.kind for u in self.b_units}
        links = [Link(theirs, tuple(ours), b_kind.get(theirs[0], "turn"), kinds[theirs].evidence, kinds[theirs].score)
                 for theirs, ours in by_theirs.items() if theirs]
        order = {u.id: i for i, u in enumerate(self.b_units)}
        links.sort(key=lambda link: order.get(link.ours[0], 0))
        return Alignment(self.b, self.a, links, self.b_units, self.a_units)

    def counterparts(self) -> dict[str, tuple[str, ...]]:
        """Each of a's passages → the passages of b that correspond to it."""
        return {unit: link.theirs for link in self.links for unit in link.ours}

    def figures(self) -> dict[str, int]:
        """How many turns of each side are aligned with a turn, covered by a summary, left alone."""
        a_turns = [u.id for u in self.a_units if u.kind == "turn"]
        b_turns = [u.id for u in self.b_units if u.kind == "turn"]
        b_kind = {u.id: u.kind for u in self.b_units}
        a_kind = {u.id: u.kind for u in self.a_units}
        paired_a = {o for link in self.links if any(b_kind.get(t) == "turn" for t in link.theirs) for o in link.ours}
        paired_b = {t for link in self.links if any(a_kind.get(o) == "turn" for o in link.ours) for t in link.theirs}
        summarised_b = {t for link in self.links if any(a_kind.get(o) == "omission" for o in link.ours)
                        for t in link.theirs}
        summarised_a = {o for link in self.links if any(b_kind.get(t) == "omission" for t in link.theirs)
                        for o in link.ours}
        return {
            "a_turns": len(a_turns), "b_turns": len(b_turns),
            "a_turns_paired": sum(1 for t in a_turns if t in paired_a),
            "b_turns_paired": sum(1 for t in b_turns if t in paired_b),
            "a_turns_summarised": sum(1 for t in a_turns if t in summarised_a and t not in paired_a),
            "b_turns_summarised": sum(1 for t in b_turns if t in summarised_b and t not in paired_b),
            "a_turns_alone": sum(1 for t in a_turns if t not in paired_a and t not in summarised_a),
            "b_turns_alone": sum(1 for t in b_turns if t not in paired_b and t not in summarised_b),
        }


# --- reading the passages ---------------------------------------------------------------


def units(root: etree._Element) -> list[Unit]:
    """The passages of a TEI document's body in order: its turns, narration and omissions."""
    found = []
    for div in root.iterfind(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body//{{{TEI_NS}}}div"):
        for element in div:
            if not isinstance(element.tag, str):
                continue
            kind = KINDS.get(etree.QName(element).localname)
            if kind and element.get(XML_ID):
                found.append(Unit(element.get(XML_ID), kind, " ".join(sorted((element.get("who") or "").split())),
                                  _text(element)))
    return found


def _text(element: etree._Element) -> str:
    """The words of a passage, less its speaker label and footnotes (the translators' own)."""
    parts: list[str] = []

    def walk(node, top=False):
        local = etree.QName(node).localname if isinstance(node.tag, str) else None
        if local is None:
            return
        if not top and (local == "speaker" or (local == "note" and node.get("place") != "inline")):
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element, top=True)
    return " ".join(" ".join(parts).split())


# --- scoring --------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def meaningful(text: str) -> str:
    """The words that carry meaning, folded and cut to a crude stem (translators inflect
    differently: "eliminated" / "eliminate", "colonies" / "colony")."""
    words = [w.casefold() for w in _WORD.findall(text)]
    return " ".join(w[:6] for w in words if w not in _COMMON)


def _scores(a_units: list[Unit], b_units: list[Unit]):
    """0-100 for every pair of passages: how far they say the same thing in words; 0 for pairs
    that cannot correspond (another kind of passage, other speakers, an omission).

    token_set_ratio rewards a shared vocabulary whatever the order, weighed down by the
    difference in length (a two-word turn must not match every long turn holding its words);
    token_sort_ratio adds how far the texts run alike."""
    import numpy as np
    from rapidfuzz import fuzz, process

    a_text = [meaningful(u.text) for u in a_units]
    b_text = [meaningful(u.text) for u in b_units]
    as_set = process.cdist(a_text, b_text, scorer=fuzz.token_set_ratio, dtype=np.float32)
    as_sorted = process.cdist(a_text, b_text, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    a_len = np.array([max(1, len(t.split())) for t in a_text], dtype=float)[:, None]
    b_len = np.array([max(1, len(t.split())) for t in b_text], dtype=float)[None, :]
    balance = np.sqrt(np.minimum(a_len, b_len) / np.maximum(a_len, b_len))
    whole = as_set * balance * 0.6 + as_sorted * 0.4
    # An abridged turn keeps the start of the full one: the opening words compared alone.
    a_start = [" ".join(t.split()[:OPENING_WORDS]) for t in a_text]
    b_start = [" ".join(t.split()[:OPENING_WORDS]) for t in b_text]
    opening = process.cdist(a_start, b_start, scorer=fuzz.token_set_ratio, dtype=np.float32) * 0.6 \
        + process.cdist(a_start, b_start, scorer=fuzz.token_sort_ratio, dtype=np.float32) * 0.4
    scores = np.maximum(whole, opening * OPENING_WEIGHT)
    empty = (np.array([not t for t in a_text])[:, None]) | (np.array([not t for t in b_text])[None, :])
    comparable = np.array([[_comparable(x, y) for y in b_units] for x in a_units], dtype=bool)
    return np.where(comparable & ~empty, scores, 0.0)


def _comparable(a: Unit, b: Unit) -> bool:
    return a.kind == b.kind and a.who == b.who and a.kind != "omission"


# --- the alignment --------------------------------------------------------------------------


def align(a_units: list[Unit], b_units: list[Unit], a: str = "a", b: str = "b") -> Alignment:
    """Align two translations: pairs by words in order, then pairs by position between them,
    then each omission with what it stands for."""
    found: dict[int, tuple[int, str, float]] = {i: (j, "words", score)
                                                for i, j, score in _monotone_pairs(a_units, b_units)}
    _pair_by_position(a_units, b_units, found)
    links = [Link((a_units[i].id,), (b_units[j].id,), a_units[i].kind, evidence, round(score, 1))
             for i, (j, evidence, score) in sorted(found.items())]
    links += _summaries(a_units, b_units, links)
    links += [_swap(link) for link in _summaries(b_units, a_units, [_swap(link) for link in links])]
    order = {u.id: n for n, u in enumerate(a_units)}
    links.sort(key=lambda link: order[link.ours[0]])
    return Alignment(a, b, links, list(a_units), list(b_units))


def _swap(link: Link) -> Link:
    return Link(link.theirs, link.ours, link.kind, link.evidence, link.score)


# What leaving out a passage costs the alignment, in score points, where no omission of the
# other text stands for it: an abridgement marks what it leaves out, so a pair that would
# leave many passages unaccounted for is a pair of different passages sharing words.
UNMARKED_SKIP = 3.0


def _monotone_pairs(a_units: list[Unit], b_units: list[Unit]) -> list[tuple[int, int, float]]:
    """The pairs (i, j), increasing in both, that give the highest total of (score - MATCH_FROM)
    less UNMARKED_SKIP for each passage left out without an omission standing for it: sequence
    alignment by dynamic programming, an omission of either text absorbing a run of the other's
    passages at no cost. Each row is computed at once (numpy): a run of skips is a running maximum."""
    import numpy as np

    rows, cols = len(a_units), len(b_units)
    if not rows or not cols:
        return []
    scores = _scores(a_units, b_units)
    gain = np.where(scores >= MATCH_FROM - 30, scores - MATCH_FROM, -np.inf)
    a_omission = np.array([u.kind == "omission" for u in a_units])
    b_omission = np.array([u.kind == "omission" for u in b_units])
    # skipping b_j after a_i: free behind an omission of a, or when b_j is itself an omission
    skip_b_cost = np.where(b_omission, 0.0, UNMARKED_SKIP)
    best = np.empty((rows + 1, cols + 1))
    best[0, 0] = 0.0
    best[0, 1:] = -np.cumsum(skip_b_cost)
    for i in range(1, rows + 1):
        skip_a = 0.0 if a_omission[i - 1] else UNMARKED_SKIP
        costs = np.zeros(cols) if a_omission[i - 1] else skip_b_cost
        cumulative = np.concatenate(([0.0], np.cumsum(costs)))
        up = best[i - 1] - np.where(np.concatenate(([False], b_omission)), 0.0, skip_a)
        diagonal = np.concatenate(([-np.inf], best[i - 1, :-1] + gain[i - 1]))
        candidate = np.maximum(up, diagonal)
        best[i] = np.maximum.accumulate(candidate + cumulative) - cumulative
    pairs = []
    i, j = rows, cols
    while i > 0 and j > 0:
        if np.isfinite(gain[i - 1, j - 1]) and np.isclose(best[i, j], best[i - 1, j - 1] + gain[i - 1, j - 1]):
            pairs.append((i - 1, j - 1, float(scores[i - 1, j - 1])))
            i, j = i - 1, j - 1
        elif np.isclose(best[i, j], best[i - 1, j] - (0.0 if a_omission[i - 1] or b_omission[j - 1]
                                                       else UNMARKED_SKIP)):
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _pair_by_position(a_text: list[Unit], b_text: list[Unit], found: dict[int, tuple[int, str, float]]) -> None:
    """Between two aligned pairs, runs of the same length whose speakers follow in the same
    order are paired one by one ("Correct." / "This is fair.")."""
    anchors = [(-1, -1)] + sorted((i, j) for i, (j, _e, _s) in found.items()) + [(len(a_text), len(b_text))]
    for (i0, j0), (i1, j1) in zip(anchors, anchors[1:]):
        run_a, run_b = range(i0 + 1, i1), range(j0 + 1, j1)
        if not run_a or len(run_a) != len(run_b):
            continue
        if all(_comparable(a_text[i], b_text[j]) for i, j in zip(run_a, run_b)):
            for i, j in zip(run_a, run_b):
                found[i] = (j, "position", 0.0)


def _summaries(a_units: list[Unit], b_units: list[Unit], links: list[Link]) -> list[Link]:
    """Each omission of a stands for the passages of b between its neighbours' counterparts
    that nothing else of a corresponds to (none: a summary of what the other side also leaves out)."""
    position = {u.id: n for n, u in enumerate(b_units)}
    counterpart = {o: link.theirs for link in links for o in link.ours}
    taken = {t for link in links for t in link.theirs}
    result = []
    for n, unit in enumerate(a_units):
        if unit.kind != "omission":
            continue
        before = next((position[counterpart[u.id][-1]] for u in reversed(a_units[:n]) if u.id in counterpart), -1)
        after = next((position[counterpart[u.id][0]] for u in a_units[n + 1:] if u.id in counterpart),
                     len(b_units))
        run = tuple(u.id for u in b_units[before + 1:after] if u.id not in taken and u.kind != "omission")
        if run:
            result.append(Link((unit.id,), run, "omission", "summary"))
            taken.update(run)
    return result


def align_pair(root_a: etree._Element, root_b: etree._Element, a: str, b: str,
               corrections: dict[str, dict[str, tuple[str, ...]]] | None = None) -> tuple[Alignment, list[str]]:
    """The alignment of two TEI documents (seen from a), with the editor's corrections of the
    pair applied (`load_corrections`), and what in those corrections names no passage."""
    corrections = corrections or {}
    if f"{b}--{a}" in corrections and f"{a}--{b}" not in corrections:
        alignment, problems = align_pair(root_b, root_a, b, a, corrections)
        return alignment.reversed(), problems
    alignment = align(units(root_a), units(root_b), a, b)
    table = corrections.get(f"{a}--{b}")
    if not table:
        return alignment, []
    return corrected(alignment, table)


# --- an editor's corrections ------------------------------------------------------------------


def corrected(alignment: Alignment, corrections: dict[str, tuple[str, ...]]) -> tuple[Alignment, list[str]]:
    """The alignment with each passage of a the editor names given the counterparts named
    (none: no counterpart; "sp-22..sp-91": that run of b's passages). What the computation
    linked to those counterparts is released, so that no passage of b keeps a second, wrong one.
    Also: what in the corrections names no passage (reported, and left out)."""
    a_ids = {u.id for u in alignment.a_units}
    b_order = [u.id for u in alignment.b_units]
    problems: list[str] = []
    table: dict[str, tuple[str, ...]] = {}
    for source, targets in corrections.items():
        if source not in a_ids:
            problems.append(f"registers/alignments.toml: [{alignment.a}--{alignment.b}] {source}: {alignment.a} "
                            "has no such passage; the correction is left out")
            continue
        expanded, unknown = _expand(targets, b_order)
        if unknown:
            problems.append(f"registers/alignments.toml: [{alignment.a}--{alignment.b}] {source}: {alignment.b} "
                            f"has no passage {', '.join(unknown)}; the correction is left out")
            continue
        table[source] = expanded
    claimed = {t for targets in table.values() for t in targets}
    links: list[Link] = []
    for link in alignment.links:
        ours = tuple(o for o in link.ours if o not in table)
        theirs = tuple(t for t in link.theirs if t not in claimed)
        if ours and theirs:
            links.append(Link(ours, theirs, link.kind, link.evidence, link.score))
    kind = {u.id: u.kind for u in alignment.a_units}
    links += [Link((source,), targets, kind[source], "editor") for source, targets in table.items() if targets]
    order = {u.id: n for n, u in enumerate(alignment.a_units)}
    links.sort(key=lambda link: order[link.ours[0]])
    return Alignment(alignment.a, alignment.b, links, alignment.a_units, alignment.b_units), problems


def _expand(targets: tuple[str, ...], order: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Passage ids with runs ("sp-22..sp-91") spelt out in document order; and the unknown ids."""
    position = {passage: n for n, passage in enumerate(order)}
    found: list[str] = []
    unknown: list[str] = []
    for target in targets:
        first, _, last = target.partition("..")
        missing = [p for p in (first, last or first) if p not in position]
        if missing:
            unknown += missing
            continue
        found += order[position[first]:position[last or first] + 1]
    return tuple(found), unknown


def load_corrections(path: Path | None) -> dict[str, dict[str, tuple[str, ...]]]:
    """An editor's corrections (registers/alignments.toml): one table per pair of documents,
    named "A--B" by their ids, each key a passage of A and its value the passages of B that
    correspond to it ([] for none), e.g. `"sp-47" = ["sp-144"]`, `"gap-5" = ["sp-145..sp-222"]`."""
    if path is None or not path.is_file():
        return {}
    from edition.errors import EditionError

    try:
        table = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise EditionError(f"{path}: not a TOML file: {error}") from None
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for pair, passages in table.items():
        if "--" not in pair or not isinstance(passages, dict):
            raise EditionError(f"{path}: [{pair}] must be named by two document ids, \"A--B\", and hold "
                               "passage = [counterparts]")
        result[pair] = {}
        for source, targets in passages.items():
            values = [targets] if isinstance(targets, str) else targets
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise EditionError(f"{path}: [{pair}] {source} must be a passage id or a list of them")
            result[pair][source] = tuple(values)
    return result
