"""TEI → plain text, with the edition's bracket conventions.

Used for the plain-text download of each document and by the test that proves no word of
a source was lost: with `original=True` the text shows damaged forms as printed
(`Yugosla via`), otherwise the repaired reading (`Yugoslavia`).
"""

from __future__ import annotations

import textwrap

from lxml import etree

from edition.behaviours import behaviour

TEI = "{http://www.tei-c.org/ns/1.0}"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}


def local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""  # as etree.QName's localname, without the object


# An `lb` within a paragraph until its whitespace is normalised: every other line break of the
# TEI source is a space (XML text cannot hold a NUL, so the mark is never the source's own).
LINE_BREAK = "\0"


class PlainText:
    def __init__(self, original: bool = False):
        self.original = original
        self.notes: list[tuple[str, str]] = []

    def inline(self, element: etree._Element) -> str:
        """The reading text of an element's content (its own tail excluded; an lb as LINE_BREAK)."""
        parts = [element.text or ""]
        for child in element:
            parts.append(self.node(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def node(self, element: etree._Element) -> str:
        """An element as plain text, by its plain behaviour in edition/behaviours.py."""
        if not isinstance(element.tag, str):  # a comment or processing instruction is not text
            return ""
        word = behaviour(local(element)).plain.of(element)
        return self.inline(element) if word == "text" else getattr(self, _PLAIN[word])(element)

    def brackets(self, element: etree._Element) -> str:
        return f"[{self.inline(element)}]"

    def sic(self, element: etree._Element) -> str:
        return f"{self.inline(element)} [sic]"

    def doubtful(self, element: etree._Element) -> str:
        return f"{self.inline(element)} [?]"

    def alternate(self, element: etree._Element) -> str:
        """One reading of a choice: the repaired or regularised one (the source's own when asked),
        else the abbreviation as printed with its expansion, else the first alternative."""
        wanted = ("sic", "orig") if self.original else ("corr", "reg")
        chosen = _child(element, *wanted)
        if chosen is not None:
            return self.inline(chosen)
        abbr, expan = _child(element, "abbr"), _child(element, "expan")
        if abbr is not None or expan is not None:
            printed = self.inline(abbr).strip() if abbr is not None else ""
            expansion = self.inline(expan).strip() if expan is not None else ""
            return f"{printed} [{expansion}]" if printed and expansion else printed or expansion
        first = _child(element)
        return self.inline(first) if first is not None else ""

    def numbered(self, element: etree._Element) -> str:
        n = element.get("n") or str(len(self.notes) + 1)  # as the page numbers a note without @n
        self.notes.append((n, _one_line(self.inline(element))))
        return f"[{n}]"

    def parentheses(self, element: etree._Element) -> str:
        text = self.inline(element)
        return text if text.lstrip().startswith("(") else f"({text})"  # as the page: printed ones kept

    def line_break(self, element: etree._Element) -> str:
        return LINE_BREAK

    def summary(self, element: etree._Element) -> str:
        desc = _child(element, "desc")
        return f"[{self.inline(desc)}]" if desc is not None else "[…]"

    def body(self, root: etree._Element) -> list[str]:
        """The body as paragraphs of text: every division's blocks in document order."""
        paragraphs: list[str] = []
        body = root.find(".//tei:text/tei:body", NS)
        if body is not None:
            self.blocks(body, paragraphs)
        return [text for text in map(_normalised, paragraphs) if text]

    def blocks(self, division: etree._Element, paragraphs: list[str]) -> None:
        paragraphs.append(division.text or "")  # text the schema does not expect here is still text
        for element in division:
            role = _block(element)
            if role == "division":
                self.blocks(element, paragraphs)
            elif role == "turn":
                paragraphs += self.turn(element)
            else:
                paragraphs.append(self.node(element))
            paragraphs.append(element.tail or "")

    def turn(self, sp: etree._Element) -> list[str]:
        """A turn: "Label (manner): " before its first paragraph, each other child a paragraph
        (a stage direction after the words, an omission, a note, an anonymous block)."""
        speaker = manner = None
        pieces: list[str] = [sp.text or ""]
        for child in sp:
            role = _block(child)
            if role == "speaker" and speaker is None:
                speaker = child
            elif role == "manner" and manner is None and not any(map(_normalised, pieces)):
                manner = child  # as the page: a stage direction before the words is the manner
            else:
                pieces.append(self.node(child))
            pieces.append(child.tail or "")
        paragraphs = [piece for piece in pieces if _normalised(piece)]
        label = self.speaker_line(speaker, manner)
        if not paragraphs:
            return [label]
        return [f"{label} {paragraphs[0]}", *paragraphs[1:]]

    def speaker_line(self, speaker: etree._Element | None, manner: etree._Element | None) -> str:
        label = _one_line(self.inline(speaker)) if speaker is not None else ""
        if manner is not None:
            label += f" {_one_line(self.node(manner))}"
        return f"{label.strip()}:"


# The plain behaviours of edition/behaviours.py, by the PlainText method that writes them
# ("text" is `PlainText.inline`).
_PLAIN = {"brackets": "brackets", "sic": "sic", "doubtful": "doubtful", "alternate": "alternate",
          "numbered": "numbered", "parentheses": "parentheses", "line break": "line_break", "summary": "summary"}
PLAIN_WORDS = frozenset(_PLAIN) | {"text"}
PLAIN_BLOCKS = frozenset({"division", "turn", "speaker", "manner", "paragraph"})


def _block(element: etree._Element) -> str | None:
    """The element's plain block behaviour; None for a comment or processing instruction."""
    return behaviour(local(element)).plain_block if isinstance(element.tag, str) else None


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child element with one of those local names (any element when none are given)."""
    return next((child for child in element if isinstance(child.tag, str)
                 and (not names or local(child) in names)), None)


def _normalised(text: str) -> str:
    """A paragraph's whitespace as one space, its `lb`s as new lines."""
    return "\n".join(" ".join(line.split()) for line in text.split(LINE_BREAK)).strip()


def _one_line(text: str) -> str:
    return " ".join(text.replace(LINE_BREAK, " ").split())


def body_words_text(root: etree._Element, original: bool = False) -> str:
    """The body and its notes as one string (for comparisons)."""
    renderer = PlainText(original)
    paragraphs = renderer.body(root)
    notes = [f"[{n}] {text}" for n, text in renderer.notes]
    return "\n\n".join(paragraphs + notes)


def tei_to_plaintext(root: etree._Element, width: int = 0) -> str:
    """A plain-text edition of one document: header, conversation, notes, source."""
    def text(path: str) -> str:
        found = root.find(path, NS)
        return " ".join("".join(found.itertext()).split()) if found is not None else ""

    renderer = PlainText()
    paragraphs = renderer.body(root)
    lines = [text(".//tei:titleStmt/tei:title"), ""]
    date, place = text(".//tei:creation/tei:date"), text(".//tei:creation/tei:placeName")
    lines.append(", ".join(part for part in (date, place) if part))
    for resp in root.findall(".//tei:titleStmt/tei:respStmt", NS):
        what = " ".join("".join(resp.find("tei:resp", NS).itertext()).split())
        names = [" ".join("".join(n.itertext()).split()) for n in resp if local(n) in ("persName", "name")]
        lines.append(f"{what[:1].upper()}{what[1:]} {', '.join(names)}")
    summary = text(".//tei:abstract")
    if summary:
        lines += ["", f"Summary: {summary}"]
    lines += ["", "-" * 72, ""]
    for paragraph in paragraphs:
        lines += [textwrap.fill(paragraph, width) if width else paragraph, ""]
    if renderer.notes:
        lines += ["-" * 72, "Notes", ""]
        lines += [f"[{n}] {' '.join(note.split())}" for n, note in renderer.notes]
        lines.append("")
    lines += ["-" * 72, f"Source: {text('.//tei:sourceDesc/tei:bibl')}",
              f"Rights: {text('.//tei:publicationStmt/tei:availability')}",
              f"Edition: {text('.//tei:publicationStmt/tei:publisher')}; document "
              f"{text('.//tei:publicationStmt/tei:idno')}"]
    return "\n".join(lines).rstrip() + "\n"
