"""From bytes on disk to numbered lines and paragraphs, whatever route the text took.

Decoding is where archives' files differ most (UTF-8 with or without BOM, Windows-1252
from old word processors, form feeds from PDF tools), so it is done once, here, and every
assumption is reported rather than made silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from edition.errors import Problem, SourceError

# XML 1.0 forbids these characters outright; PDF tools leave form feeds (\x0c) between pages.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BINARY_SIGNS = (b"\x00", b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


@dataclass
class Line:
    text: str
    number: int  # 1-based line number in the source file


@dataclass
class Block:
    """Consecutive non-blank lines: one paragraph of the source."""

    lines: list[Line]

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines).strip()


def decode_source(data: bytes, path: Path | str) -> tuple[str, list[Problem]]:
    """Decode a source file, reporting every assumption made on the way."""
    problems: list[Problem] = []
    if not data.strip():
        raise SourceError(path, "the file is empty: there is no text to convert; add the transcript or remove the file")
    if any(data.startswith(sign) for sign in _BINARY_SIGNS[1:]) or b"\x00" in data[:8192]:
        raise SourceError(path, "this is a binary file, not plain text; export the document as text (UTF-8) first")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        problems.append(Problem(path, 1, "UTF-8 byte-order mark removed", "warning"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        text = data.decode("cp1252", errors="replace") if _looks_cp1252(data) else data.decode("latin-1")
        encoding = "Windows-1252" if _looks_cp1252(data) else "Latin-1 (ISO-8859-1)"
        problems.append(Problem(path, line, f"not valid UTF-8 (first bad byte at line {line}); read as {encoding}; "
                                "check the accented letters, or save the file as UTF-8", "warning"))
        if "\ufffd" in text:
            raise SourceError(path, "the file is neither UTF-8 nor Windows-1252 text; save it as UTF-8", line)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        problems.append(Problem(path, None, "Windows (CRLF) line ends read as plain line ends", "warning"))
    text = unicodedata.normalize("NFC", text)
    text, forbidden = _replace_forbidden(text, path)
    problems.extend(forbidden)
    return text, problems


def _looks_cp1252(data: bytes) -> bool:
    # Bytes 0x80-0x9f are control characters in Latin-1 but curly quotes and dashes in
    # Windows-1252, which is what word processors on Windows wrote.
    return any(0x80 <= byte <= 0x9F for byte in data)


def _replace_forbidden(text: str, path: Path | str) -> tuple[str, list[Problem]]:
    problems = []
    if not _XML_FORBIDDEN.search(text):
        return text, problems
    lines = text.split("\n")
    for index, line in enumerate(lines):
        found = _XML_FORBIDDEN.findall(line)
        if found:
            names = ", ".join(sorted({f"U+{ord(char):04X}" for char in found}))
            problems.append(Problem(path, index + 1, f"control characters that XML forbids ({names}) replaced by spaces",
                                    "warning"))
            lines[index] = _XML_FORBIDDEN.sub(" ", line)
    return "\n".join(lines), problems


def split_lines(text: str) -> list[Line]:
    return [Line(text, number) for number, text in enumerate(text.split("\n"), start=1)]


def split_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into paragraphs separated by blank lines."""
    blocks: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            blocks.append(Block(current))
            current = []
    if current:
        blocks.append(Block(current))
    return blocks


def collapse_spaces(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()
