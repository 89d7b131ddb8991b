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


class PlainText:
    def __init__(self, original: bool = False):
        self.original = original
        self.notes: list[tuple[str, str]] = []

    def inline(self, element: etree._Element) -> str:
        """The reading text of an element's content (its own tail excluded)."""
        parts = [element.text or ""]
        for child in element:
            parts.append(self.node(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def node(self, element: etree._Element) -> str:
        """An element as plain text, by its plain behaviour in edition/behaviours.py."""
        word = behaviour(local(element)).plain.of(element)
        return self.inline(element) if word == "text" else getattr(self, _PLAIN[word])(element)

    def brackets(self, element: etree._Element) -> str:
        return f"[{self.inline(element)}]"

    def sic(self, element: etree._Element) -> str:
        return f"{self.inline(element)} [sic]"

    def doubtful(self, element: etree._Element) -> str:
        return f"{self.inline(element)} [?]"

    def alternate(self, element: etree._Element) -> str:
        wanted = ("sic", "orig") if self.original else ("corr", "reg")
        chosen = next((child for child in element if local(child) in wanted), None)
        return self.inline(chosen) if chosen is not None else ""

    def numbered(self, element: etree._Element) -> str:
        self.notes.append((element.get("n", ""), self.inline(element)))
        return f"[{element.get('n', '')}]"

    def parentheses(self, element: etree._Element) -> str:
        return f"({self.inline(element)})"

    def line_break(self, element: etree._Element) -> str:
        return "\n"

    def summary(self, element: etree._Element) -> str:
        desc = element.find(f"{TEI}desc")
        return f"[{self.inline(desc)}]" if desc is not None else "[…]"

    def speaker_line(self, sp: etree._Element) -> str:
        speaker = _first(sp, "speaker")
        label = self.inline(speaker).strip() if speaker is not None else ""
        manner = _first(sp, "manner")
        if manner is not None:
            label += f" ({self.inline(manner).strip()})"
        return f"{label}:"

    def body(self, root: etree._Element) -> list[str]:
        """The body as paragraphs of text."""
        paragraphs: list[str] = []
        div = root.find(".//tei:text/tei:body/tei:div", NS)
        if div is None:
            return paragraphs
        for element in div:
            role = behaviour(local(element)).plain_block
            if role == "turn":
                first = True
                for p in element:
                    if behaviour(local(p)).plain_block != "paragraph":
                        continue
                    text = self.inline(p).strip()
                    paragraphs.append(f"{self.speaker_line(element)} {text}" if first else text)
                    first = False
                if first:
                    paragraphs.append(self.speaker_line(element))
            elif role in ("paragraph", "division paragraph"):
                paragraphs.append(self.node(element).strip())
            elif role == "note":
                self.node(element)
        return [" ".join(p.split()) if "\n" not in p else "\n".join(" ".join(l.split()) for l in p.split("\n"))
                for p in paragraphs]


# The plain behaviours of edition/behaviours.py, by the PlainText method that writes them
# ("text" is `PlainText.inline`).
_PLAIN = {"brackets": "brackets", "sic": "sic", "doubtful": "doubtful", "alternate": "alternate",
          "numbered": "numbered", "parentheses": "parentheses", "line break": "line_break", "summary": "summary"}
PLAIN_WORDS = frozenset(_PLAIN) | {"text"}
PLAIN_BLOCKS = frozenset({"turn", "paragraph", "division paragraph", "speaker", "manner", "note", "skipped"})


def _first(sp: etree._Element, role: str) -> etree._Element | None:
    """The turn's first child with that plain block behaviour (its label, its manner)."""
    return next((child for child in sp if behaviour(local(child)).plain_block == role), None)


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
