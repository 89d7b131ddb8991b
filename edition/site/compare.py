"""The comparison page's aligned rows: each row holds a passage of one translation and its
counterparts in the others, so that the texts stay level all the way down.

The alignment comes from the TEI files (standOff/linkGrp[@type='translation'], written by the
converter from edition/align.py and an editor's corrections). The fullest translation is the
spine: a row ends between two of its passages only where no other translation has a passage
that spans them (an omission standing for a run of turns keeps the run in one row) and where
nothing the two passages correspond to would come out of order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from edition.site.document import Document
from edition.site.render import Footnote, Renderer
from edition.site.tei import findall, name, xml_id

UNITS = {"sp", "p", "gap"}


@dataclass
class Piece:
    """A passage of one translation (unit) with what stands before it (a heading, a page break)."""

    id: str  # "" for what follows the last passage
    html: Markup


@dataclass
class Row:
    id: str
    cells: list[list[Piece]]  # one list per column, in the order of the columns
    passages: list[str] = field(default_factory=list)  # the spine's passage ids in this row


@dataclass
class Comparison:
    rows: list[Row]
    notes: list[list[Footnote]]  # per column
    aligned: bool  # False: the documents carry no alignment; one row holds each whole text


def pieces(doc: Document, renderer: Renderer) -> list[Piece]:
    """The passages of a document's body in order, each rendered; headings, openers, page
    breaks go with the passage after them, the closer with the last."""
    found: list[Piece] = []
    waiting: list[Markup] = []
    for div in findall(doc.root, "t:text/t:body//t:div[not(t:div)]"):
        for element in div:
            local = name(element)
            if local is None:
                continue
            html = renderer.block(element)
            if local in UNITS and xml_id(element):
                found.append(Piece(xml_id(element), Markup("").join([*waiting, html])))
                waiting = []
            else:
                waiting.append(html)
    if waiting:
        found.append(Piece("", Markup("").join(waiting)))
    return found


def compare(docs: list[Document], person_href: Callable[[str], str | None], prefixes: list[str],
            page_hrefs: list[str]) -> Comparison:
    """Aligned rows for the documents (in the order given, one column each)."""
    rendered, notes = [], []
    for doc, prefix, href in zip(docs, prefixes, page_hrefs):
        renderer = Renderer(person_href, id_prefix=prefix, anchor_base=href)
        rendered.append(pieces(doc, renderer))
        notes.append(renderer.notes)
    spine = max(range(len(docs)), key=lambda i: (len(rendered[i]), -i))
    links = [_links(docs[spine], doc) for doc in docs]
    if any(index != spine and not links[index] for index in range(len(docs))):
        return Comparison([Row("row-1", [list(p) for p in rendered])], notes, aligned=False)
    return Comparison(_rows(rendered, spine, links), notes, aligned=True)


def _links(spine: Document, other: Document) -> dict[str, tuple[str, ...]]:
    """The spine's passages → their counterparts in `other`, from either file's standOff."""
    if spine.id == other.id:
        return {}
    if other.id in spine.alignments:
        return spine.alignments[other.id]
    reverse: dict[str, list[str]] = {}
    for theirs, ours in other.alignments.get(spine.id, {}).items():
        for passage in ours:
            reverse.setdefault(passage, []).append(theirs)
    return {passage: tuple(found) for passage, found in reverse.items()}


def _rows(rendered: list[list[Piece]], spine: int, links: list[dict[str, tuple[str, ...]]]) -> list[Row]:
    spine_pieces = rendered[spine]
    count = len(spine_pieces)
    positions = [{piece.id: n for n, piece in enumerate(column) if piece.id} for column in rendered]
    # for each other column: the positions each spine passage corresponds to
    linked = [[sorted(positions[c][t] for t in links[c].get(piece.id, ()) if t in positions[c])
               for piece in spine_pieces] if c != spine else [] for c in range(len(rendered))]
    breaks = [True] * (count + 1)  # breaks[k]: a row may end before spine piece k
    for c, targets in enumerate(linked):
        if c == spine:
            continue
        before = [-1] * (count + 1)  # the last position linked from pieces before k
        for k in range(count):
            before[k + 1] = max(before[k], targets[k][-1] if targets[k] else -1)
        after = [float("inf")] * (count + 1)  # the first position linked from pieces from k on
        for k in range(count - 1, -1, -1):
            after[k] = min(after[k + 1], targets[k][0] if targets[k] else float("inf"))
        for k in range(1, count):
            if before[k] >= after[k]:
                breaks[k] = False
    starts = [k for k in range(count) if k == 0 or breaks[k]]
    row_of_spine = {}
    for row, start in enumerate(starts):
        end = starts[row + 1] if row + 1 < len(starts) else count
        for k in range(start, end):
            row_of_spine[k] = row
    cells: list[list[list[Piece]]] = [[[] for _ in rendered] for _ in starts]
    for k, piece in enumerate(spine_pieces):
        cells[row_of_spine[k]][spine].append(piece)
    for c, column in enumerate(rendered):
        if c == spine:
            continue
        row_of = {}
        for k, targets in enumerate(linked[c]):
            for position in targets:
                row_of.setdefault(position, row_of_spine[k])
        current = 0
        for position, piece in enumerate(column):
            # a passage with no counterpart stays with the passage before it
            current = max(current, row_of.get(position, current))
            cells[current][c].append(piece)
    return [Row(f"row-{n + 1}", row_cells, [p.id for p in row_cells[spine] if p.id])
            for n, row_cells in enumerate(cells)]
