"""Stable ids: a re-conversion keeps the ids the edition has already published.

The writer numbers `sp`, `p`, `note`, `stage` and `gap` in document order (`sp-1`, `p-1` …).
When a TEI file for the document exists, each new element is matched against the old ones
of its kind (by text, in order, as `difflib` aligns two sequences): an unchanged element,
or an edited one standing where the old one stood, takes the old id; an inserted element
gets a number above every number in use. So editing, adding or removing a paragraph never
moves another passage's id, and converting an unchanged source gives the same file.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml import etree

from edition.tei import TEI_NS, XML_ID

KINDS = {"sp": "sp", "p": "p", "note": "n", "stage": "stage", "gap": "gap"}


def _key(element: etree._Element) -> str:
    # pieces joined with spaces: indentation in the old file must not make texts differ
    text = " ".join(" ".join(element.itertext()).split())
    return f"{element.get('who', '')}|{text}"


def _elements(root: etree._Element, tag: str) -> list[etree._Element]:
    return [element for element in root.iter(f"{{{TEI_NS}}}{tag}")
            if element.get(XML_ID) and _in_text(element)]


def _in_text(element: etree._Element) -> bool:
    return any(etree.QName(ancestor).localname == "text" for ancestor in element.iterancestors())


def carry_forward_ids(new_root: etree._Element, old_root: etree._Element) -> None:
    for tag, prefix in KINDS.items():
        old = _elements(old_root, tag)
        new = _elements(new_root, tag)
        old_ids = [element.get(XML_ID) for element in old]
        numbers = [int(m.group(1)) for i in old_ids if (m := re.fullmatch(rf"{prefix}-(\d+)", i or ""))]
        next_number = max(numbers, default=0) + 1
        assigned: dict[int, str] = {}
        old_keys, new_keys = [_key(e) for e in old], [_key(e) for e in new]
        # The unchanged start and end are matched directly: SequenceMatcher is quadratic on
        # long runs of repeated texts, and most re-conversions change little or nothing.
        head = 0
        while head < min(len(old_keys), len(new_keys)) and old_keys[head] == new_keys[head]:
            assigned[head] = old_ids[head]
            head += 1
        tail = 0
        while (tail < min(len(old_keys), len(new_keys)) - head
               and old_keys[len(old_keys) - 1 - tail] == new_keys[len(new_keys) - 1 - tail]):
            assigned[len(new_keys) - 1 - tail] = old_ids[len(old_keys) - 1 - tail]
            tail += 1
        matcher = SequenceMatcher(None, old_keys[head:len(old_keys) - tail], new_keys[head:len(new_keys) - tail],
                                  autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
                for offset in range(j2 - j1):
                    assigned[head + j1 + offset] = old_ids[head + i1 + offset]
        for index, element in enumerate(new):
            if index in assigned:
                element.set(XML_ID, assigned[index])
            else:
                element.set(XML_ID, f"{prefix}-{next_number}")
                next_number += 1
