"""Reader for Markdown exports: an archive's export, a site's source files, an editor's notes.

YAML front matter is read as metadata; `#` headings give the record's heading; bold or plain
speaker labels (`**Mao Zedong (irritated):**`, `**Chennault:**`, `Prof. Chou:`); footnote
markers in any Markdown form (`[^1]`, `<sup>1</sup>`, `<sup>[1]</sup>`, `[(1)](#f1)`, `[1]`)
and their texts as `[^1]: …` definitions or under a `Notes` heading. Inline Markdown
(escapes, emphasis, inline HTML) is parsed with markdown-it-py.
"""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt

from edition.errors import Problem
from edition.readers.base import EM_CLOSE, EM_OPEN
from edition.readers.labels import LabelMatcher
from edition.readers.notes import normalise_markers
from edition.readers.profiles import Profile, label_key, profile_for
from edition.readers.record import Record, RecordState, run_rules
from edition.readers.text import Block, Line, split_blocks

NAME = "Markdown export"

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*)$")
# a label set in bold or italics, the colon inside or after the markup
BOLD_LABEL = re.compile(r"^(?P<mark>\*\*|__|\*|_)(?P<label>[^*_\n]{1,80}?)(?P=mark)\s*:?")
DEFINITION = re.compile(r"^\[\^(?P<n>\d{1,5})\]:\s*(?P<text>.*)$", re.S)
DEFINITION_START = re.compile(r" {0,3}\[\^\d{1,5}\]:")  # indented further, a line continues the note before
_markdown = MarkdownIt("commonmark")


# compiled once (see participants._FIELD)
_BOLD_LABEL = re.compile(r"(?m)^\*\*[^*\n]+:\*\*|^\*\*[^*\n]+\*\*:")
_HEADING = re.compile(r"(?m)^#{1,6} ")
_NOTE_DEFINITION = re.compile(r"(?m)^\[\^\d+\]:")
_NOTE_LINK = re.compile(r"\[\(\d+\)\]\(#")


def looks_like(text: str) -> int:
    score = min(5, len(_BOLD_LABEL.findall(text)))
    score += 2 * bool(_HEADING.search(text))
    score += 2 * ("<sup>" in text) + 3 * text.startswith("---\n") + 2 * bool(_NOTE_DEFINITION.search(text))
    score += 2 * bool(_NOTE_LINK.search(text))
    return score


def inline_text(source: str) -> str:
    """Markdown inline markup → plain text, marking emphasis for the inline rules."""
    out: list[str] = []
    for token in _markdown.parseInline(source)[0].children or []:
        if token.type == "text":
            out.append(token.content)
        elif token.type in ("strong_open", "strong_close"):
            continue
        elif token.type == "em_open":
            out.append(EM_OPEN)
        elif token.type == "em_close":
            out.append(EM_CLOSE)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "html_inline" and re.fullmatch(r"</?sup>", token.content):
            continue
        elif token.type in ("link_open", "link_close"):
            continue  # a link's text is kept, its address is the page's
        else:
            out.append(token.content)
    return "".join(out)


def _unbold_label(text: str) -> str:
    """`**Mao Zedong:** …`, `**Mao Zedong**: …`, `*Kissinger:* …` → `Mao Zedong: …`: the label's
    bold or italics is its print, not its words."""
    match = BOLD_LABEL.match(text)
    if match and (match.group("label").rstrip().endswith(":") or match.group(0).endswith(":")):
        label = match.group("label").rstrip()
        return f"{label if label.endswith(':') else label + ':'} {text[match.end():].lstrip()}"
    return text


def _one_definition_a_block(blocks: list[Block]) -> list[Block]:
    """`[^1]: …` on the line after `[^2]: …`, no blank line between: each definition opens a
    note of its own (as it may interrupt a paragraph in Markdown); the lines after one, up to
    the next, continue it."""
    out: list[Block] = []
    for block in blocks:
        starts = [i for i, line in enumerate(block.lines) if i and DEFINITION_START.match(line.text)]
        for begin, end in zip([0] + starts, starts + [len(block.lines)]):
            out.append(Block(block.lines[begin:end]) if starts else block)
    return out


def front_matter(lines: list[Line]) -> tuple[dict, list[Line], list[Line], list[Problem]]:
    """YAML front matter between `---` lines at the top: (data, the rest, its lines, problems)."""
    if not lines or lines[0].text.strip() != "---":
        return {}, lines, [], []
    end = next((i for i in range(1, min(len(lines), 400)) if lines[i].text.strip() in ("---", "...")), None)
    if end is None:
        return {}, lines, [], []
    block = lines[:end + 1]
    try:
        data = yaml.safe_load("\n".join(line.text for line in lines[1:end])) or {}
    except yaml.YAMLError as error:
        problem = Problem("", 1, f"the front matter is not valid YAML ({str(error).splitlines()[0]}); kept as text",
                          "warning")
        return {}, lines, [], [problem]
    if not isinstance(data, dict):
        return {}, lines, [], []
    return data, lines[end + 1:], block, []


def read(lines: list[Line], profile: Profile | None = None) -> Record:
    profile = profile or profile_for("\n".join(line.text for line in lines))
    data, lines, matter_lines, problems = front_matter(lines)
    blocks: list[Block] = []
    notes: list[Block] = []
    levels: dict[int, int] = {}
    bold_labels: set[str] = set()  # a label set in bold is printed as a label: a speaker's, once is enough
    for block in _one_definition_a_block(split_blocks(lines)):
        first = block.lines[0].text.strip()
        definition = DEFINITION.match(normalise_markers(first) if not first.startswith("[^") else first)
        heading = HEADING.match(first)
        if definition:
            text = " ".join([definition.group("text")] + [line.text.strip() for line in block.lines[1:]])
            notes.append(Block([Line(f"[{definition.group('n')}] {inline_text(text)}", block.number)]))
            continue
        if heading and len(block.lines) == 1:
            levels[block.number] = len(heading.group("hashes"))
            text = heading.group("text").rstrip().rstrip("#").rstrip()  # a closing run of #s is no text
            blocks.append(Block([Line(inline_text(normalise_markers(text)), block.number)]))
            continue
        first_text = normalise_markers(block.lines[0].text.strip())
        unbolded = _unbold_label(first_text)
        if unbolded != first_text:
            bold_labels.add(unbolded.split(":", 1)[0])
        rewritten = [Line(inline_text(_unbold_label(normalise_markers(line.text.strip()))), line.number)
                     for line in block.lines]
        blocks.append(Block(rewritten))
    state = RecordState(profile, blocks, front_matter=data, chrome=list(matter_lines), notes=notes,
                        notes_found=bool(notes), heading_levels=levels, symbol_notes=False)
    state = run_rules(state)
    record = Record.from_state(NAME, state, LabelMatcher(profile))
    record.styled_labels = {label_key(re.sub(r"\s*\([^)]*\)\s*$", "", label)) for label in bold_labels}
    record.problems.extend(problems)
    return record
