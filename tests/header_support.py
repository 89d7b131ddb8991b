"""Helpers shared by the header tests: the variety records, their truth, their front matter."""

from __future__ import annotations

import json
import re
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
VARIETY = FIXTURES / "variety"
CORPUS = Path(__file__).parent.parent / "corpus"
TRUTH = json.loads((VARIETY / "truth.json").read_text("utf-8"))
OPENING = 60  # lines the readers pass as a record's opening region


def front_matter(text: str) -> dict | None:
    """The few YAML forms the DFAT front matter uses (`key: 'value'`, a list of mappings), read
    as YAML would give them; enough for the tests, which must not depend on a YAML library."""
    if not text.startswith("---\n"):
        return None
    block = text[4:text.index("\n---", 4)]
    data: dict = {}
    current_list: list | None = None
    for line in block.splitlines():
        if match := re.match(r"^(\w+):\s*(.*)$", line):
            key, value = match.groups()
            current_list = [] if value == "" else None
            data[key] = current_list if value == "" else value.strip("'")
        elif (match := re.match(r"^[- ] (\w+):\s*(.*)$", line)) and current_list is not None:
            if line.startswith("- "):
                current_list.append({})
            current_list[-1][match.group(1)] = match.group(2).strip("'")
    return data


def record_text(name: str) -> str:
    folder = VARIETY if (VARIETY / f"{name}.txt").exists() else CORPUS
    return (folder / f"{name}.txt").read_text("utf-8")


def opening_lines(text: str, count: int = OPENING) -> list[tuple[int, str]]:
    return list(enumerate(text.splitlines()[:count], start=1))


def paragraphs_of(text: str) -> list[tuple[int, str]]:
    """Blank-line-separated paragraphs (their lines kept, joined by newlines), with the number of their first line
    (how the readers hand paragraphs on); a front matter is not a paragraph."""
    lines = text.splitlines()
    start = text[:text.index("\n---", 4) + 4].count("\n") + 1 if text.startswith("---\n") else 0
    paragraphs, current, first = [], [], 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if line.strip():
            first = first or number
            current.append(line.strip())
        elif current:
            paragraphs.append((first, "\n".join(current)))
            current, first = [], 0
    if current:
        paragraphs.append((first, "\n".join(current)))
    return paragraphs


_NOTE = re.compile(r"^\s*(?:\[\^?(?P<a>\d+)\]:?|\[(?P<b>\d+)\]|(?P<c>\d{1,3})\.?|_(?P<d>\d{1,3}))\s+(?P<text>\S.*)$")


def notes_of(text: str) -> list[tuple[str, int, str]]:
    """Lines that open a note (`[^87]: …`, `[1] …`, `20. …`, `1 Source: …`), with the next line
    when the note runs on (a note at a PDF page's foot): enough for the citation tests."""
    lines = text.splitlines()
    notes = []
    for index, line in enumerate(lines):
        match = _NOTE.match(line)
        if match:
            n = next(match.group(g) for g in "abcd" if match.group(g))
            body = match.group("text")
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if following and not _NOTE.match(lines[index + 1]) and not body.endswith((".", "]")):
                body += " " + following
            notes.append((n, index + 1, body))
    return notes
