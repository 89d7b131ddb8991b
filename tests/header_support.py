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
