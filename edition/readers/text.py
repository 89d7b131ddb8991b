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

# XML 1.0 forbids these characters outright. PDF tools leave form feeds (\x0c) between
# pages: they are kept until the text is split into lines, where they mark a new page.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORM_FEED = "\x0c"
_BINARY_SIGNS = (b"\x00", b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


@dataclass(slots=True)
class Line:
    text: str
    number: int  # 1-based line number in the source file
    new_page: bool = False  # a form feed stood before this line: a printed page begins


@dataclass(slots=True)
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
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        problems.append(Problem(path, 1, "UTF-8 byte-order mark removed", "warning"))
    if not data.strip():
        raise SourceError(path, "the file is empty: there is no text to convert; add the transcript or remove the file")
    utf16 = _utf16(data)
    if utf16:
        text = data.decode(utf16).lstrip("\ufeff")
        problems.append(Problem(path, None, f"read as {utf16.upper()} (the Windows 'Unicode' text format); save the "
                                "file as UTF-8", "warning"))
    else:
        if any(data.startswith(sign) for sign in _BINARY_SIGNS[1:]) or b"\x00" in data[:8192]:
            raise SourceError(path, "this is a binary file, not plain text; export the document as text (UTF-8) first")
        text = _decode_8bit(data, path, problems)
    if _looks_binary(text):
        raise SourceError(path, "this is a binary file, not plain text (it is full of control characters); export "
                                "the document as text (UTF-8) first")
    if "\r" in text:
        ends = "Windows (CRLF)" if "\r\n" in text else "old Macintosh (CR)"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        problems.append(Problem(path, None, f"{ends} line ends read as plain line ends", "warning"))
    text = unicodedata.normalize("NFC", text)
    text, forbidden = _replace_forbidden(text, path)
    problems.extend(forbidden)
    return text, problems


def _utf16(data: bytes) -> str:
    """"utf-16" for a file with a UTF-16 byte-order mark, "utf-16-le"/"-be" for one whose every
    other byte is zero (mostly ASCII text saved as UTF-16 without a mark); "" otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and len(data) % 2 == 0 and not data.startswith(b"\xff\xfe\x00\x00"):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            return ""
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 8 and len(data) % 2 == 0:
        for name, zeros, letters in (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2])):
            if zeros.count(0) >= 0.9 * len(zeros) and letters.count(0) <= 0.1 * len(letters):
                try:
                    data.decode(name)
                except UnicodeDecodeError:
                    return ""
                return name
    return ""


_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, kept by surrogateescape
_REAL_NON_ASCII = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")


def _decode_8bit(data: bytes, path: Path | str, problems: list[Problem]) -> str:
    """UTF-8; a byte that is not UTF-8 is read as Windows-1252 (Latin-1 where that has no
    character), one byte at a time, so one stray byte does not garble a UTF-8 file's accents."""
    text = data.decode("utf-8", errors="surrogateescape")
    bad = [match.start() for match in _ESCAPED.finditer(text)]
    if not bad:
        return text
    bad_bytes = {ord(text[i]) - 0xDC00 for i in bad}
    windows = any(0x80 <= byte <= 0x9F for byte in bad_bytes)
    mixed = bool(_REAL_NON_ASCII.search(text))  # valid UTF-8 characters besides the bad bytes
    text = _ESCAPED.sub(lambda m: _byte_char(ord(m.group()) - 0xDC00), text)
    lines = _line_numbers(text, bad)
    encoding = "Windows-1252" if windows else "Latin-1 (ISO-8859-1)"
    where = _list_lines(lines)
    if mixed:
        message = (f"not valid UTF-8 at {where}: those bytes were read as {encoding}, the rest of the file as UTF-8; "
                   "check the accented letters there, or save the file as UTF-8")
    else:
        message = (f"not valid UTF-8 (first bad byte at line {lines[0]}); read as {encoding}; check the accented "
                   "letters, or save the file as UTF-8")
    problems.append(Problem(path, lines[0], message, "warning"))
    return text


def _byte_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no character in Windows-1252
        return bytes([byte]).decode("latin-1")


def _line_numbers(text: str, positions: list[int]) -> list[int]:
    """1-based line numbers of character positions (sorted), each line once."""
    lines: list[int] = []
    line, scanned = 1, 0
    for position in positions:
        line += text.count("\n", scanned, position)
        scanned = position
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _list_lines(lines: list[int], shown: int = 5) -> str:
    listed = ", ".join(str(line) for line in lines[:shown])
    more = f" and {len(lines) - shown} more" if len(lines) > shown else ""
    return f"line{'s' if len(lines) > 1 else ''} {listed}{more}"


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    """Control characters (other than tabs, line and page breaks) in more than 1 in 100 characters."""
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


def _replace_forbidden(text: str, path: Path | str) -> tuple[str, list[Problem]]:
    """Characters XML forbids (form feeds between a PDF's pages ...) become spaces: one warning
    per kind of character, naming the lines."""
    problems: list[Problem] = []
    found = [(match.start(), match.group()) for match in _XML_FORBIDDEN.finditer(text)]
    if not found:
        return text, problems
    by_char: dict[str, list[int]] = {}
    for position, char in found:
        by_char.setdefault(char, []).append(position)
    for char, positions in sorted(by_char.items(), key=lambda item: item[1][0]):
        lines = _line_numbers(text, positions)
        if char == FORM_FEED:
            problems.append(Problem(path, lines[0], f"form feeds (page breaks), which XML forbids, read as page "
                                    f"breaks at {_list_lines(lines)}", "warning"))
            continue
        problems.append(Problem(path, lines[0], f"control characters U+{ord(char):04X}, which XML forbids, replaced "
                                f"by spaces at {_list_lines(lines)}", "warning"))
    # form feeds stay until the text is split into lines: there they mark a printed page
    return _XML_FORBIDDEN.sub(lambda m: m.group() if m.group() == FORM_FEED else " ", text), problems


def split_lines(text: str) -> list[Line]:
    """Numbered lines; a form feed (a PDF's page break) is taken out of the text and kept as
    the `new_page` mark of the line it starts."""
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        if FORM_FEED in line:
            starts_page = line.lstrip(" \t").startswith(FORM_FEED)
            lines.append(Line(line.replace(FORM_FEED, "" if starts_page else " "), number, True))
        else:
            lines.append(Line(line, number))
    return lines


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
