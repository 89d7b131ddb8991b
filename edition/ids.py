"""Stable ids: a re-conversion keeps the ids the edition has already published.

The writer numbers `sp`, `p`, `stage` and `gap` in document order (`sp-1`, `p-1` …) and
gives each note an id that says which note it is: `fn-N` for the footnote the source prints
as N, `en-N` for the edition's own series of editorial notes.
When a TEI file for the document exists, each new element is matched against the old ones
of its kind (by text, in order, as `difflib` aligns two sequences): an unchanged element,
or an edited one standing where the old one stood, takes the old id; an inserted element
gets a number above every number in use. So editing, adding or removing a paragraph never
moves another passage's id, and converting an unchanged source gives the same file.
A footnote's `fn-N` is never carried: it is the printed number's.

A note whose published id the new file no longer uses (the `n-N` ids before 1.0) keeps it as
`<anchor xml:id="n-2" type="former-id" corresp="#fn-1"/>` at its start: the TEI's id map,
which every later conversion carries forward, and which the site turns into a redirect.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml import etree

from edition.tei import TEI_NS, XML_ID

# Per element: the id prefix whose numbers are carried forward.
KINDS = {"sp": "sp", "p": "p", "note": "en", "stage": "stage", "gap": "gap"}
ANCHOR = f"{{{TEI_NS}}}anchor"
FORMER_ID = "former-id"


def _key(element: etree._Element) -> str:
    # pieces joined with spaces: indentation in the old file must not make texts differ
    text = " ".join(" ".join(element.itertext()).split())
    return f"{element.get('who', '')}|{text}"


def _elements(root: etree._Element, tag: str) -> list[etree._Element]:
    return [element for element in root.iter(f"{{{TEI_NS}}}{tag}")
            if element.get(XML_ID) and _in_text(element)]


def _in_text(element: etree._Element) -> bool:
    return any(etree.QName(ancestor).localname == "text" for ancestor in element.iterancestors())


def _align(old_keys: list[str], new_keys: list[str]) -> dict[int, int]:
    """new index → old index, for the elements that are the same passage (same text, or an
    edited one standing where the old one stood)."""
    assigned: dict[int, int] = {}
    # The unchanged start and end are matched directly: SequenceMatcher is quadratic on
    # long runs of repeated texts, and most re-conversions change little or nothing.
    head = 0
    while head < min(len(old_keys), len(new_keys)) and old_keys[head] == new_keys[head]:
        assigned[head] = head
        head += 1
    tail = 0
    while (tail < min(len(old_keys), len(new_keys)) - head
           and old_keys[len(old_keys) - 1 - tail] == new_keys[len(new_keys) - 1 - tail]):
        assigned[len(new_keys) - 1 - tail] = len(old_keys) - 1 - tail
        tail += 1
    matcher = SequenceMatcher(None, old_keys[head:len(old_keys) - tail], new_keys[head:len(new_keys) - tail],
                              autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for offset in range(j2 - j1):
                assigned[head + j1 + offset] = head + i1 + offset
    return assigned


def carry_forward_ids(new_root: etree._Element, old_root: etree._Element) -> None:
    for tag, prefix in KINDS.items():
        scheme = re.compile(rf"{prefix}-(\d+)")
        old = _elements(old_root, tag)
        new = _elements(new_root, tag)
        if tag == "note":  # only the editorial series is numbered by the edition
            old = [element for element in old if scheme.fullmatch(element.get(XML_ID))]
            new = [element for element in new if scheme.fullmatch(element.get(XML_ID))]
        old_ids = [element.get(XML_ID) for element in old]
        numbers = [int(m.group(1)) for i in old_ids if (m := scheme.fullmatch(i or ""))]
        next_number = max(numbers, default=0) + 1
        assigned = _align([_key(e) for e in old], [_key(e) for e in new])
        for index, element in enumerate(new):
            if index in assigned:
                element.set(XML_ID, old_ids[assigned[index]])
            else:
                element.set(XML_ID, f"{prefix}-{next_number}")
                next_number += 1
    keep_former_note_ids(new_root, old_root)


def keep_former_note_ids(new_root: etree._Element, old_root: etree._Element) -> None:
    """Every note id the old file published and the new one does not use stays, as an anchor
    in the note that is now that note (see the module's docstring)."""
    old_notes, new_notes = _elements(old_root, "note"), _elements(new_root, "note")
    in_use = {element.get(XML_ID) for element in new_root.iter() if element.get(XML_ID)}
    moved: dict[str, str] = {}  # former id → the id of the note that is now that note
    for new_index, old_index in _align([_key(e) for e in old_notes], [_key(e) for e in new_notes]).items():
        old_id, new_id = old_notes[old_index].get(XML_ID), new_notes[new_index].get(XML_ID)
        if old_id != new_id:
            moved[old_id] = new_id
        for anchor in old_notes[old_index].iter(ANCHOR):  # ids retired by earlier conversions
            if anchor.get("type") == FORMER_ID and anchor.get(XML_ID):
                moved[anchor.get(XML_ID)] = new_id
    by_id = {note.get(XML_ID): note for note in new_notes}
    for former, current in sorted(moved.items(), key=lambda item: _natural(item[0]), reverse=True):
        if former not in in_use:
            _insert_first(by_id[current], etree.Element(ANCHOR, {XML_ID: former, "type": FORMER_ID,
                                                                 "corresp": f"#{current}"}))
            in_use.add(former)


def former_ids(root: etree._Element) -> dict[str, str]:
    """The retired ids of a TEI file and the ids that now stand for them."""
    return {anchor.get(XML_ID): (anchor.get("corresp") or "").removeprefix("#")
            for anchor in root.iter(ANCHOR) if anchor.get("type") == FORMER_ID and anchor.get(XML_ID)}


def _insert_first(parent: etree._Element, child: etree._Element) -> None:
    child.tail, parent.text = parent.text, None
    parent.insert(0, child)


def _natural(identifier: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", identifier))
