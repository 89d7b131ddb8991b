"""TEI → plain text, with the edition's bracket conventions.

Used for the plain-text download of each document and by the test that proves no word of
a source was lost: with `original=True` the text shows damaged forms as printed
(`Yugosla via`), otherwise the repaired reading (`Yugoslavia`).
"""

from __future__ import annotations

import textwrap

from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


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
        name = local(element)
        if name in ("supplied",):
            return f"[{self.inline(element)}]"
        if name == "seg" and element.get("type") == "original-wording":
            return f"[{self.inline(element)}]"
        if name == "sic" and element.getparent() is not None and local(element.getparent()) != "choice":
            return f"{self.inline(element)} [sic]"
        if name == "unclear":
            return f"{self.inline(element)} [?]"
        if name == "choice":
            wanted = ("sic", "orig") if self.original else ("corr", "reg")
            chosen = next((child for child in element if local(child) in wanted), None)
            return self.inline(chosen) if chosen is not None else ""
        if name == "note":
            if element.get("place") == "inline":
                return f"[{self.inline(element)}]"
            self.notes.append((element.get("n", ""), self.inline(element)))
            return f"[{element.get('n', '')}]"
        if name == "stage":
            return f"({self.inline(element)})"
        if name == "lb":
            return "\n"
        if name == "gap":
            desc = element.find(f"{TEI}desc")
            return f"[{self.inline(desc)}]" if desc is not None else "[…]"
        return self.inline(element)

    def speaker_line(self, sp: etree._Element) -> str:
        speaker = sp.find(f"{TEI}speaker")
        label = self.inline(speaker).strip() if speaker is not None else ""
        manner = sp.find(f"{TEI}stage")
        if manner is not None and manner.getparent() is sp:
            label += f" ({self.inline(manner).strip()})"
        return f"{label}:"

    def body(self, root: etree._Element) -> list[str]:
        """The body as paragraphs of text."""
        paragraphs: list[str] = []
        div = root.find(".//tei:text/tei:body/tei:div", NS)
        if div is None:
            return paragraphs
        for element in div:
            name = local(element)
            if name == "sp":
                first = True
                for p in element.findall(f"{TEI}p"):
                    text = self.inline(p).strip()
                    paragraphs.append(f"{self.speaker_line(element)} {text}" if first else text)
                    first = False
                if first:
                    paragraphs.append(self.speaker_line(element))
            elif name in ("head", "p", "opener", "closer", "gap"):
                paragraphs.append((self.inline(element) if name != "gap" else self.node(element)).strip())
            elif name == "note":
                self.node(element)
        return [" ".join(p.split()) if "\n" not in p else "\n".join(" ".join(l.split()) for l in p.split("\n"))
                for p in paragraphs]


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
