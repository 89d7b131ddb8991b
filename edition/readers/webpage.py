"""Reader for a web page saved as text (the browser's "Save as text", or a page's text view).

Around the record stand the site's chrome (navigation, breadcrumbs, Previous/Next, footers,
cookie lines), found by the source profile's lines and by its shape: a run of short lines
at the top of the page, before the record's first sentence. The notes follow the record.
"""

from __future__ import annotations

import re

from edition.readers.labels import LabelMatcher
from edition.readers.profiles import Profile, profile_for
from edition.readers.record import Record, RecordState, run_rules
from edition.readers.text import Block, Line, split_blocks

NAME = "web page saved as text"
NAV_WORDS = 5  # a navigation line is a few words


def looks_like(text: str) -> int:
    head = text[:3000].split("\n")[:60]
    short = sum(1 for line in head if line.strip() and len(line.split()) <= NAV_WORDS and not line.strip()[-1:] in ".?!")
    return min(5, short // 4) + 3 * bool(re.search(r"(?im)^skip to (?:main )?content$", text[:500]))


def _navigation_lines(blocks: list[Block], profile: Profile) -> set[int]:
    """The run of short lines opening the page (menus, breadcrumbs, buttons): the lines
    before the first line that reads as part of a record, in runs of three or more."""
    lines = [line for block in blocks for line in block.lines]
    run: list[Line] = []
    nav: set[int] = set()
    for line in lines:
        text = line.text.strip()
        if _record_like(text):
            break
        if len(text.split()) <= NAV_WORDS and not re.search(r"\d{4}", text):
            run.append(line)
            continue
        if len(run) >= 3:
            nav.update(l.number for l in run)
        run = []
    if len(run) >= 3:
        nav.update(l.number for l in run)
    if len(nav) == len(lines):
        return set()  # a text of short lines only is no menu: nothing is dropped
    return nav


def _record_like(text: str) -> bool:
    """A line of the record: a sentence, a date, a label, or a heading in capitals."""
    return bool(re.search(r"[^\W\d_]{2,}[.?!。！？](?:\s|$)", text)  # a sentence's end, in any script
                or re.search(r"\b1[5-9]\d\d\b|\b20\d\d\b", text)
                or re.match(r"^[^:：]{1,40}[:：]\s*\S", text)  # a label or a field before its value
                or re.match(r"^[\w’' &/*]{2,40}:\**$", text))  # a field's label on a line of its own


def read(lines: list[Line], profile: Profile | None = None) -> Record:
    profile = profile or profile_for("\n".join(line.text for line in lines))
    blocks = split_blocks(lines)
    nav = _navigation_lines(blocks, profile)
    chrome = [line for block in blocks for line in block.lines if line.number in nav]
    blocks = [Block(kept) for block in blocks if (kept := [l for l in block.lines if l.number not in nav])]
    state = run_rules(RecordState(profile, blocks, chrome=chrome))
    return Record.from_state(NAME, state, LabelMatcher(profile))
