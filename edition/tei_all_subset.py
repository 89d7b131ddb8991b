"""TEI P5 tei_all restricted to the elements the edition's schema admits: same verdict, loaded
in a hundredth of a second instead of about ten.

libxml2 spends ~10 s compiling tei_all's 590 element patterns, and a changed TEI file cannot be
checked before that is done: in the editing loop (one paragraph changed, `edition build`) it
was most of the wait. Every file we publish must also pass `edition.xsd`, which admits only
74 of those elements. For a document whose elements are all among them, tei_all and the
grammar below give the same answer:

- the grammar is tei_all with the pattern of every other element replaced by `notAllowed`
  (then simplified by the RELAX NG rules for `notAllowed`: a choice loses that branch, a
  group, interleave, element or attribute that needs it becomes `notAllowed` itself, an
  optional or zeroOrMore of it becomes `empty`), and unreachable definitions are dropped;
- a document valid against tei_all is matched, element by element, by patterns of its own
  elements only, which the grammar keeps unchanged: it is valid against the grammar;
- the grammar admits nothing tei_all does not (`notAllowed` matches nothing).

A document holding any other element gets the whole tei_all (`validate.check_tei_all` decides),
so the answer is tei_all's for every file. `tests/test_validate.py` checks the two agree on the
sample corpus and on hundreds of mutated documents. Error messages may list fewer expected
elements than tei_all's; the verdict and the line are the same.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

RNG = "{http://relaxng.org/ns/structure/1.0}"
XSD = "{http://www.w3.org/2001/XMLSchema}"
TEI_NS = "http://www.tei-c.org/ns/1.0"

# Patterns that need all their children (an implicit group) and those that need none of them.
_NEEDS_ALL = {RNG + t for t in ("group", "interleave", "oneOrMore", "mixed", "list", "element", "attribute", "define")}
_NEEDS_NONE = {RNG + t for t in ("optional", "zeroOrMore")}
# Leaves and name classes: nothing below them refers to an element definition we remove.
_OPAQUE = {RNG + t for t in ("except", "data", "value", "text", "empty", "name", "anyName", "nsName", "param")}
_BLOCKED, _EMPTY = "notAllowed", "empty"


def edition_elements(edition_xsd: Path) -> frozenset[str]:
    """The local names of every element the edition's XSD declares or refers to."""
    tree = etree.parse(str(edition_xsd))
    names = {e.get("name") for e in tree.iter(XSD + "element") if e.get("name")}
    names |= {e.get("ref").split(":")[-1] for e in tree.iter(XSD + "element") if e.get("ref")}
    return frozenset(names)


def restricted_grammar(tei_all_rng: Path, elements: frozenset[str]) -> etree._ElementTree:
    """tei_all with every TEI element not in `elements` made impossible (see the module)."""
    tree = etree.parse(str(tei_all_rng))
    grammar = tree.getroot()
    defines = {d.get("name"): d for d in grammar.findall(RNG + "define")}
    dead = {name for name, define in defines.items()
            if _defined_element(define) not in (None, *elements)}
    # a definition that cannot match once others are gone is dead too: until nothing changes
    changed = True
    while changed:
        changed = False
        for name, define in defines.items():
            if name not in dead and _simplify(define, dead) == _BLOCKED:
                dead.add(name)
                changed = True
    for ref in list(grammar.iter(RNG + "ref")):
        if ref.get("name") in dead:
            _replace(ref, _BLOCKED)
    for name in dead:
        grammar.remove(defines[name])
    _simplify(grammar.find(RNG + "start"), set())
    _drop_unreachable(grammar)
    return tree


def _defined_element(define) -> str | None:
    """The TEI element a definition stands for (`<define name="sp"><element name="sp">`)."""
    children = [c for c in define if isinstance(c.tag, str)]
    if len(children) == 1 and children[0].tag == RNG + "element":
        name = children[0].get("name")
        if name and ":" not in name and (children[0].get("ns") or define.getparent().get("ns")) in (None, TEI_NS):
            return name
    return None


def _patterns(node) -> list:
    children = [c for c in node if isinstance(c.tag, str)]
    if node.tag in (RNG + "element", RNG + "attribute") and not node.get("name"):
        return children[1:]  # the first child is the name class
    return children


def _replace(node, what: str) -> None:
    new = etree.Element(RNG + what)
    new.tail = node.tail
    node.getparent().replace(node, new)


def _simplify(node, dead: set[str]) -> str | None:
    """Apply the `notAllowed` rules below `node`; what `node` itself became (or None)."""
    tag = node.tag
    if tag == RNG + _BLOCKED:
        return _BLOCKED
    if tag == RNG + "ref":
        return _BLOCKED if node.get("name") in dead else None
    if tag in _OPAQUE:
        return None
    outcome = [(child, _simplify(child, dead)) for child in _patterns(node)]
    for child, became in outcome:
        if became == _EMPTY:
            _replace(child, _EMPTY)
    if tag == RNG + "choice":
        for child, became in outcome:
            if became == _BLOCKED:
                node.remove(child)
        return _BLOCKED if not _patterns(node) else None
    blocked = any(became == _BLOCKED for _, became in outcome)
    if tag in _NEEDS_NONE:
        return _EMPTY if blocked else None
    if tag in _NEEDS_ALL:
        return _BLOCKED if blocked else None
    return None


def _drop_unreachable(grammar) -> None:
    defines = {d.get("name"): d for d in grammar.findall(RNG + "define")}
    reached: set[str] = set()
    todo = [ref.get("name") for ref in grammar.find(RNG + "start").iter(RNG + "ref")]
    while todo:
        name = todo.pop()
        if name in reached or name not in defines:
            continue
        reached.add(name)
        todo.extend(ref.get("name") for ref in defines[name].iter(RNG + "ref"))
    for name, define in defines.items():
        if name not in reached:
            grammar.remove(define)


@functools.cache
def load_restricted(tei_all_rng: Path, edition_xsd: Path) -> tuple[etree.RelaxNG, frozenset[str]]:
    """The compiled restricted grammar and the element names it keeps."""
    elements = edition_elements(edition_xsd)
    return etree.RelaxNG(restricted_grammar(tei_all_rng, elements)), elements
