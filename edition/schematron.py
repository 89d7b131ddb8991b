"""The Schematron rules embedded in TEI P5 tei_all, checked with Saxon (XPath 2 and 3).

tei_all.rng carries 83 ``sch:pattern`` elements (the ODD's constraintSpecs: a citeStructure
inside another needs ``@delim``, ``@spanTo`` must point forward, …). RELAX NG validators,
jing and lxml alike, skip them. Their tests use XPath 2 (``eq``, ``cast as``, ``tokenize``,
``current-date()``), so lxml's ISO Schematron (XSLT 1) cannot run them; SaxonC-HE can.

How: the patterns are extracted from the RELAX NG once per process and translated into one
XSLT 3.0 stylesheet that follows ISO Schematron's semantics (`stylesheet_for`): each pattern
walks the whole document in a mode of its own, where each node is tested by the first rule of
that pattern whose context matches it (earlier rules get higher priority); a failed
``assert`` or a true ``report`` writes one line. Saxon compiles that stylesheet once per
process (`_compiled`, ~0.5 s); a document then takes milliseconds.

A finding comes back with the position of its context node as child-element indexes from the
root (``1/2/1/3``), which lxml turns into the element, and so the line, of the file as read.
``@role`` "warning", "info" or "nonfatal" makes it a warning; anything else is an error.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from edition.errors import EditionError, Problem

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
TEI_ALL_RNG = SCHEMA_DIR / "tei_all.rng"

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
S = "{%s}" % SCH_NS
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
WARNING_ROLES = {"warning", "info", "nonfatal", "information"}
# What a finding line holds: these fields, separated by a character no message contains.
SEPARATOR = "\u241f"  # SYMBOL FOR UNIT SEPARATOR


@dataclass(frozen=True)
class Finding:
    """One failed assertion or true report, before it is located in a file."""

    position: tuple[int, ...]  # child-element indexes from the root, 1-based
    pattern: str
    severity: str
    message: str


# ---------------------------------------------------------------------------------------------
# Schematron → XSLT 3.0
# ---------------------------------------------------------------------------------------------


def extract_patterns(schema: etree._ElementTree) -> tuple[dict[str, str], list[etree._Element]]:
    """The namespace prefixes the rules use (``sch:ns``) and every ``sch:pattern``, in order."""
    namespaces: dict[str, str] = {}
    for ns in schema.iter(f"{S}ns"):
        namespaces[ns.get("prefix")] = ns.get("uri")
    return namespaces, list(schema.iter(f"{S}pattern"))


def stylesheet_for(schema: etree._ElementTree) -> str:
    """One XSLT 3.0 stylesheet that runs every pattern of ``schema`` over a document."""
    namespaces, patterns = extract_patterns(schema)
    declarations = " ".join(f"xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in sorted(namespaces.items())
                            if prefix not in ("xsl",))
    parts = [f'<xsl:stylesheet version="3.0" xmlns:xsl="{XSL_NS}" {declarations} '
             f'exclude-result-prefixes="#all">',
             '<xsl:output method="text"/>',
             # The position written with each finding: child-element indexes from the root.
             '<xsl:function name="edition-sch:where" xmlns:edition-sch="urn:edition:schematron">'
             '<xsl:param name="node" as="node()"/>'
             '<xsl:sequence select="string-join(for $e in $node/ancestor-or-self::* '
             'return string(count($e/preceding-sibling::*) + 1), \'/\')"/></xsl:function>',
             '<xsl:template match="/">']
    for index, pattern in enumerate(patterns):
        walk = f'<xsl:apply-templates select="/" mode="M{index}"/>'
        guard = context_guard([rule.get("context") or "" for rule in pattern.findall(f"{S}rule")])
        parts.append(f'<xsl:if test={quoteattr(guard)}>{walk}</xsl:if>' if guard else walk)
    parts.append('</xsl:template>')
    for index, pattern in enumerate(patterns):
        parts.extend(_pattern_templates(index, pattern))
    parts.append('</xsl:stylesheet>')
    return "\n".join(parts)


_STEP = re.compile(r"\s*(?P<name>(?:[\w.-]+:)?(?:[\w.-]+|\*))")
_ATTRIBUTE_PREDICATE = re.compile(r"\[\s*@(?P<name>(?:[\w.-]+:)?[\w.-]+)\s*\]")


def context_guard(contexts: list[str]) -> str | None:
    """A test that is true in every document one of `contexts` (a pattern's rule contexts, XSLT
    match patterns) can match a node of, or None when no such test is known: an element the
    context names (`tei:span`, the first step of `tei:rt/@to`), or an attribute of a predicate
    `[@when]` (`tei:*[@when]`). A pattern walks the whole document in a mode of its own; most
    of tei_all's 83 patterns are about elements an edition of conversations never has
    (`tei:elementSpec`, `tei:rt`), and each walk cost ~0.1 ms a document."""
    tests = []
    for context in contexts:
        for alternative in _top_level_split(context, "|"):
            test = _one_context_guard(alternative)
            if test is None:
                return None
            tests.append(test)
    return " or ".join(tests) if tests else None


def _one_context_guard(context: str) -> str | None:
    step = _STEP.match(context)
    if not step or context.lstrip().startswith(("/", "@", "(")):
        return None
    name = step.group("name")
    if not name.endswith("*"):
        return f"exists(//{name})"
    rest = context[step.end():]
    attribute = _ATTRIBUTE_PREDICATE.search(rest)
    # the predicate must be one of the first step's own, before any further step
    if attribute and "/" not in rest[:attribute.start()] and rest[:attribute.start()].count("[") == rest[:attribute.start()].count("]"):
        return f"exists(//@{attribute.group('name')})"
    return None


def _top_level_split(text: str, separator: str) -> list[str]:
    """`text` split at `separator` where it stands outside brackets, parentheses and quotes."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _pattern_templates(index: int, pattern: etree._Element) -> list[str]:
    mode = f"M{index}"
    pattern_id = pattern.get("id") or f"pattern-{index + 1}"
    rules = pattern.findall(f"{S}rule")
    out = []
    for order, rule in enumerate(rules):
        # ISO Schematron: within a pattern a node is tested by the first rule that matches it.
        priority = 1000 - order
        out.append(f'<xsl:template match={quoteattr(rule.get("context"))} priority="{priority}" mode="{mode}">')
        for child in rule:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            if local == "let":
                out.append(f'<xsl:variable name={quoteattr(child.get("name"))} select={quoteattr(child.get("value"))}/>')
            elif local in ("assert", "report"):
                test = child.get("test")
                condition = f"not({test})" if local == "assert" else f"({test})"
                severity = "warning" if (child.get("role") or "").lower() in WARNING_ROLES else "error"
                out.append(f'<xsl:if test={quoteattr(condition)}>'
                           f'<xsl:value-of select="edition-sch:where(.)" xmlns:edition-sch="urn:edition:schematron"/>'
                           f'<xsl:text>{SEPARATOR}{escape(pattern_id)}{SEPARATOR}{severity}{SEPARATOR}</xsl:text>'
                           f'{_message(child)}<xsl:text>&#10;</xsl:text></xsl:if>')
        out.append(f'<xsl:apply-templates select="@*|*" mode="{mode}"/></xsl:template>')
    # Nodes no rule matches: walk on (attributes too: some rules have an attribute as context).
    out.append(f'<xsl:template match="/|*" priority="-10" mode="{mode}"><xsl:apply-templates select="@*|*" mode="{mode}"/></xsl:template>')
    out.append(f'<xsl:template match="@*|text()|comment()|processing-instruction()" priority="-10" mode="{mode}"/>')
    return out


def _message(assertion: etree._Element) -> str:
    """The assertion's text as XSLT: ``sch:name`` and ``sch:value-of`` evaluated, the rest as text
    (whitespace collapsed, since the message is one line)."""
    pieces = [_text(assertion.text)]
    for child in assertion:
        if isinstance(child.tag, str) and child.tag == f"{S}name":
            path = child.get("path") or "."
            pieces.append(f'<xsl:value-of select={quoteattr(f"name({path})")}/>')
        elif isinstance(child.tag, str) and child.tag == f"{S}value-of":
            pieces.append(f'<xsl:value-of select={quoteattr(child.get("select"))} separator=" "/>')
        elif isinstance(child.tag, str):
            pieces.append(_text("".join(child.itertext())))
        pieces.append(_text(child.tail))
    return "".join(pieces)


def _text(text: str | None) -> str:
    if not text:
        return ""
    collapsed = " ".join(text.split())
    if text[:1].isspace():
        collapsed = " " + collapsed
    if text[-1:].isspace() and collapsed.strip():
        collapsed += " "
    return f"<xsl:text>{escape(collapsed)}</xsl:text>" if collapsed else ""


# ---------------------------------------------------------------------------------------------
# Compiled once per process
# ---------------------------------------------------------------------------------------------


@functools.cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@functools.cache
def _compiled(rng: Path = TEI_ALL_RNG):
    """The compiled stylesheet for ``rng``'s Schematron (once per process and schema)."""
    try:
        schema = etree.parse(str(rng))
    except (OSError, etree.XMLSyntaxError) as error:
        raise EditionError(f"{rng}: cannot read the Schematron rules of TEI P5 tei_all: {error}") from error
    xslt = _processor().new_xslt30_processor()
    try:
        return xslt.compile_stylesheet(stylesheet_text=stylesheet_for(schema))
    except Exception as error:  # SaxonApiError: a rule Saxon cannot compile
        raise EditionError(f"{rng}: cannot compile its Schematron rules: {error}") from error


def rules_version(rng: Path = TEI_ALL_RNG) -> str:
    """What a cached Schematron result depends on: the schema and this translation."""
    return hashlib.sha256(rng.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Checking a document
# ---------------------------------------------------------------------------------------------


def findings(data: bytes, rng: Path = TEI_ALL_RNG) -> list[Finding]:
    """Run the Schematron rules of ``rng`` over a document given as bytes."""
    processor = _processor()
    executable = _compiled(rng)
    try:
        document = processor.parse_xml(xml_text=data.decode("utf-8"))
        output = executable.transform_to_string(xdm_node=document)
    except Exception as error:  # SaxonApiError: a dynamic error in a rule, or unparsable input
        raise EditionError(f"Schematron check failed: {error}") from error
    results = []
    for line in (output or "").splitlines():
        if not line.strip():
            continue
        where, pattern, severity, message = line.split(SEPARATOR, 3)
        position = tuple(int(step) for step in where.split("/") if step)
        results.append(Finding(position, pattern, severity, message.strip()))
    return results


def element_at(root: etree._Element, position: tuple[int, ...]) -> etree._Element | None:
    """The element at child-element indexes ``position`` (the first index is the root itself)."""
    element = root
    for step in position[1:]:
        children = [child for child in element if isinstance(child.tag, str)]
        if step > len(children):
            return None
        element = children[step - 1]
    return element


def check_schematron(tree, path: Path | str, rng: Path = TEI_ALL_RNG) -> list[Problem]:
    """tei_all's Schematron over a parsed document: one Problem (``file:line``) per finding."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    data = etree.tostring(root, encoding="UTF-8")
    problems = []
    for finding in findings(data, rng):
        element = element_at(root, finding.position)
        line = element.sourceline if element is not None else None
        rule = _rule_name(finding.pattern)
        problems.append(Problem(path, line or None, f"TEI P5 tei_all Schematron ({rule}): {finding.message}",
                                finding.severity))
    return sorted(problems, key=lambda problem: problem.line or 0)


def _rule_name(pattern_id: str) -> str:
    """``tei_all-citeStructure-delim-citestructure-inner-delim-constraint-rule-12`` →
    ``citeStructure-delim-citestructure-inner-delim``: the element, the attribute and the
    constraint's ident as the Guidelines name them, less the schema name and the counter."""
    name = pattern_id.removeprefix("tei_all-")
    return re.sub(r"-constraint-(rule|assert|report)-\d+$", "", name)
