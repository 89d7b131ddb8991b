"""Small helpers for reading the edition's TEI with lxml (namespaces, ids, plain text)."""

from __future__ import annotations

import functools
import re

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
NS = {"t": TEI_NS}


def name(el) -> str | None:
    """The local name of an element; None for comments and processing instructions."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2]  # `{namespace}local`: as etree.QName(el).localname, without the object


def xml_id(el) -> str:
    return el.get(XML_ID) or ""


@functools.lru_cache(maxsize=1024)
def compiled(path: str) -> etree.XPath:
    """An XPath compiled once: `el.xpath(path)` compiles it again on every call (a tenth of the
    time spent rendering a page)."""
    return etree.XPath(path, namespaces=NS)


def find(el, path: str):
    """First match of an XPath (prefix `t:` for TEI) or None."""
    found = compiled(path)(el)
    return found[0] if found else None


def findall(el, path: str) -> list:
    return compiled(path)(el)


def text_of(el, skip: frozenset[str] = frozenset()) -> str:
    """All text under `el` with whitespace normalised, leaving out elements named in `skip`."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            local = name(child)
            if local is not None and local not in skip:
                if local == "lb":
                    parts.append(" ")
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return normalise("".join(parts))


def normalise(text: str) -> str:
    """Each run of white space one space, none at the ends: what `re.sub(r"\\s+", " ", text).strip()`
    gives (str.split splits at the characters the pattern's \\s matches, the same Unicode white
    space), four times faster: the site's text views call it for every passage and turn."""
    return " ".join(text.split())


def refs(value: str | None) -> list[str]:
    """`#a #b` -> ["a", "b"] (also accepts bare ids)."""
    return [token.lstrip("#") for token in (value or "").split() if token.lstrip("#")]


# a word: letters/digits joined by inner hyphens or apostrophes; numbers keep their separators (10,000)
WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:[-'’][^\W_]+)*")


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def first_of(el, *paths: str):
    """The first match of the first path that matches (XPath unions keep document order)."""
    if el is None:
        return None
    for path in paths:
        found = find(el, path)
        if found is not None:
            return found
    return None
