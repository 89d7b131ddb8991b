"""Reader for the archive's Markdown export.

Labelled blocks at the top (`**Citation:**`, `**Summary:**`, `**Original Language:**`),
the record's heading as `## …`, speaker labels in bold (`**Mao Zedong (irritated):**`),
footnote markers as `<sup>[1]</sup>` and the notes as `[1] …` paragraphs at the end.
Inline Markdown (escapes, emphasis, inline HTML) is parsed with markdown-it-py.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from edition.model import Metadata
from edition.readers.base import EM_CLOSE, EM_OPEN, Extracted, LabelMatch, parse_date, split_notes
from edition.readers.text import Block, Line, split_blocks

NAME = "Markdown export"

LABEL = re.compile(r"^\*\*(?P<label>[^*()]+?)\s*(?:\((?P<manner>[^)]+)\))?\s*:\s*\*\*\s*(?P<rest>.*)$", re.S)
FIELD = re.compile(r"^\*\*(?P<name>[A-Z][\w ]+):\*\*$")
BOLD_LINE = re.compile(r"^\*\*(?P<text>.+)\*\*$")
URL_LINE = re.compile(r"^<(https?://[^>]+)>$")
_markdown = MarkdownIt("commonmark")


def looks_like(text: str) -> int:
    score = min(5, len(re.findall(r"(?m)^\*\*[^*\n]+:\*\*", text)))
    score += 2 * bool(re.search(r"(?m)^#{1,6} ", text))
    score += 2 * ("<sup>" in text)
    return score


class MarkdownExport(Extracted):
    def match_label(self, text: str) -> LabelMatch | None:
        match = LABEL.match(text)
        if not match:
            return None
        return LabelMatch(match.group("label").strip(), match.group("manner"), match.group("rest"))


def inline_text(source: str) -> str:
    """Markdown inline markup → plain text, keeping bold (labels) and marking emphasis."""
    out: list[str] = []
    for token in _markdown.parseInline(source)[0].children or []:
        if token.type == "text":
            out.append(token.content)
        elif token.type in ("strong_open", "strong_close"):
            out.append("**")
        elif token.type == "em_open":
            out.append(EM_OPEN)
        elif token.type == "em_close":
            out.append(EM_CLOSE)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "html_inline" and re.fullmatch(r"</?sup>", token.content):
            continue  # superscript markup around a footnote marker `[1]`: the marker stays
        elif token.type in ("link_open", "link_close"):
            continue  # an autolink's text is the URL itself
        else:
            out.append(token.content)
    return "".join(out)


def _rewrite(block: Block) -> Block:
    return Block([Line(inline_text(line.text.strip()), line.number) for line in block.lines])


def read(lines: list[Line]) -> MarkdownExport:
    blocks = split_blocks(lines)
    metadata = Metadata()
    chrome: list[Line] = []
    citation = ""
    head: list[str] = []
    index = 0
    current_field = None
    # The labelled header blocks, up to the record's heading (or, without one, the first turn).
    header_end = next((i for i, b in enumerate(blocks) if b.text.startswith("#")), None)
    if header_end is None:
        header_end = next((i for i, b in enumerate(blocks) if LABEL.match(inline_text(b.text))), 0)
    while index < header_end:
        block = blocks[index]
        text = block.text
        field = FIELD.match(text)
        if field:
            current_field = field.group("name").lower()
            chrome.extend(block.lines)  # the field's label; its value is kept below
        elif current_field == "citation":
            for line in block.lines:
                url = URL_LINE.match(line.text.strip())
                if url:
                    metadata.url = url.group(1)
                else:
                    citation = (citation + " " + line.text.strip()).strip()
        elif current_field == "summary":
            metadata.summary = (metadata.summary + " " + inline_text(text)).strip()
        elif current_field == "original language":
            metadata.original_language = text
        elif current_field == "contents":
            chrome.extend(block.lines)  # the page's table of contents ("- English Translation")
        else:
            for line in block.lines:
                bold = BOLD_LINE.match(line.text.strip())
                value = bold.group("text") if bold else line.text.strip()
                date = parse_date(value)
                if date and not metadata.date_when and len(value) < 40:
                    metadata.date_when, metadata.date_text = date
                elif not metadata.title:
                    metadata.title = value
        index += 1
    citation = inline_text(citation)
    if index < len(blocks) and blocks[index].text.startswith("#"):
        head = [blocks[index].text.lstrip("#").strip()]
        index += 1
        # A short line straight after the heading, without a full stop, is its second line.
        if index < len(blocks) and len(blocks[index].text) < 80 and not re.search(r"[.:;!?]$", blocks[index].text) \
                and not parse_date(blocks[index].text) and "**" not in blocks[index].text \
                and index + 1 < len(blocks):  # never the record's only paragraph, never a speaker's turn
            head.append(blocks[index].text)
            index += 1
    body, notes, _ = split_notes([_rewrite(block) for block in blocks[index:]], at_end=True)
    return MarkdownExport(NAME, metadata, citation, head, body, notes, chrome=chrome)
