"""Static DTS 1.0 endpoints: the edition as Distributed Text Services, without a server.

A DTS client (https://dtsapi.org/specifications/versions/v1.0/) reads an entry point, walks
collections, lists a document's citable units (navigation) and fetches any of them (document).
A static site cannot read query strings, so the URI templates the entry point publishes are
path templates (RFC 6570) that expand to files this module writes:

    entry point   dts/index.json
    collection    dts/collection{/id}.json                     dts/collection.json: the edition
    navigation    dts/navigation/{resource}{/ref}{;down}.json   down: absent, 1 or -1
    document      dts/document/{resource}{/ref}.xml             TEI; a passage in dts:wrapper

The citable units come from each TEI file's own ``refsDecl/citeStructure`` (the first tree),
evaluated as the TEI Guidelines define it: ``@match`` selects the units (absolute on the
outer level, relative to the parent unit below it), ``@use`` gives the value, and a unit's
reference is its parent's reference, ``@delim`` and the value. The XPath is evaluated by
Saxon (XPath 3.1, TEI as the default namespace, as unprefixed citeStructure paths require).
The last part of every reference is an xml:id, so it is also the passage's anchor on the page.

A Level 0 server in the spec's terms: ``start``/``end`` ranges are not published.
URLs are absolute under the ``base_url`` setting; without one they are root-relative (``/dts/…``),
right for a site served at the root of its host (``edition serve``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edition.site.outputs import DTS

TEI_NS = "http://www.tei-c.org/ns/1.0"
DTS_NS = "https://w3id.org/api/dts#"
CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_VERSION = "1.0"
ROOT_COLLECTION = "edition"
# Child-element indexes from the root: where Saxon found a node, in a form lxml can follow.
_WHERE = "string-join(for $e in ancestor-or-self::* return string(count($e/preceding-sibling::*) + 1), '/')"


@dataclass
class CiteStructure:
    unit: str
    match: str
    use: str
    delim: str
    children: list["CiteStructure"] = field(default_factory=list)

    def json(self) -> dict:
        out = {"@type": "CiteStructure", "citeType": self.unit}
        if self.children:
            out["citeStructure"] = [child.json() for child in self.children]
        return out


@dataclass
class CitableUnit:
    ref: str
    cite_type: str
    level: int
    parent: str | None
    element: etree._Element
    children: list["CitableUnit"] = field(default_factory=list)

    def json(self) -> dict:
        return {"identifier": self.ref, "@type": "CitableUnit", "level": self.level, "parent": self.parent,
                "citeType": self.cite_type}

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


# ---------------------------------------------------------------------------------------------
# The citation tree of one TEI file
# ---------------------------------------------------------------------------------------------


def cite_structures(root: etree._Element) -> list[CiteStructure]:
    """The default citation tree: the first refsDecl with a citeStructure, its first one."""
    for refs_decl in root.iter(f"{{{TEI_NS}}}refsDecl"):
        first = refs_decl.find(f"{{{TEI_NS}}}citeStructure")
        if first is not None:
            return [_structure(first)]
    return []


def cite_structures_of(tei_bytes: bytes) -> list[CiteStructure]:
    """`cite_structures` of a TEI file read only as far as it takes to find them, a few kB of
    its header (the edition's collection lists every document by its citation tree, including
    the many whose files are reused and need no more of their TEI)."""
    for refs_decl in _ends_of(tei_bytes, f"{{{TEI_NS}}}refsDecl"):
        first = refs_decl.find(f"{{{TEI_NS}}}citeStructure")
        if first is not None:
            return [_structure(first)]
    return []


def _ends_of(data: bytes, tag: str, step: int = 4096):
    """Each `tag` element of `data` as soon as it is parsed, the data fed a few kB at a time."""
    parser = etree.XMLPullParser(events=("end",), tag=tag, resolve_entities=False, no_network=True, huge_tree=True)
    for start in range(0, len(data), step):
        parser.feed(data[start:start + step])
        for _, element in parser.read_events():
            yield element
    parser.close()
    for _, element in parser.read_events():
        yield element


def _structure(element: etree._Element) -> CiteStructure:
    return CiteStructure(element.get("unit", ""), element.get("match", ""), element.get("use", ""),
                         element.get("delim", ""),
                         [_structure(child) for child in element.findall(f"{{{TEI_NS}}}citeStructure")])


def citable_units(tei_bytes: bytes, root: etree._Element | None = None) -> list[CitableUnit]:
    """Every citable unit of a TEI file, as a tree in document order.

    The whole citation tree is one XPath expression, evaluated by Saxon once per file: each
    structure's @match in the context of its parent unit, its @use and the unit's place in the
    tree in the context of the unit, exactly as a per-node evaluation would see them, without a
    round trip from Python per node (100 files of 500 units each: 7 s before, 0.9 s, most of it
    Saxon reading the files). A file with the edition's own tree is walked by lxml instead
    (`_edition_tree_units`)."""
    root = etree.fromstring(tei_bytes, _own_parser()) if root is None else root
    structures = cite_structures(root)
    if not structures:
        return []
    if structures == _edition_structures():
        return _edition_tree_units(root, structures)
    return _saxon_units(tei_bytes, root, structures)


def _saxon_units(tei_bytes: bytes, root: etree._Element, structures: list[CiteStructure]) -> list[CitableUnit]:
    from edition.schematron import _processor

    processor = _processor()
    document = processor.parse_xml(xml_text=tei_bytes.decode("utf-8"))
    xpath = processor.new_xpath_processor()
    xpath.declare_namespace("", TEI_NS)
    numbered: list[tuple[CiteStructure, int]] = []
    expression = _tree_expression(structures, numbered, 1)
    xpath.set_context(xdm_item=document)
    rows = json.loads(xpath.evaluate_single(f"serialize(array {{ {expression} }}, map {{ 'method': 'json' }})")
                      .string_value)
    return _tree(rows, numbered, _ElementFinder(root))


@functools.cache
def _edition_structures() -> list[CiteStructure]:
    from edition.tei import citation_tree

    return [_structure(citation_tree())]


# The @match paths of the edition's own citation tree (edition.tei.citation_tree) with the TEI
# prefix lxml's XPath 1.0 needs (unprefixed names mean no namespace there): a file that declares
# exactly that tree, as every file the converter writes does, is walked by lxml, ~6x faster than
# handing it to Saxon. Any other tree, or a change to the edition's, takes the general way.
_EDITION_MATCHES = {
    "/TEI/text/body/div": "/t:TEI/t:text/t:body/t:div",
    "sp": "t:sp",
    "p": "t:p",
    ".//note": ".//t:note",
    "speaker//note": "t:speaker//t:note",
    "gap": "t:gap",
    ".//note[not(ancestor::p or ancestor::sp)]": ".//t:note[not(ancestor::t:p or ancestor::t:sp)]",
}
_EDITION_USES = {"string(@xml:id)", "@type"}


@functools.cache
def _edition_paths() -> tuple[dict[str, etree.XPath], dict[str, etree.XPath]]:
    """The paths of `_EDITION_MATCHES` and `_EDITION_USES`, compiled once."""
    namespaces = {"t": TEI_NS}
    return ({match: etree.XPath(path, namespaces=namespaces) for match, path in _EDITION_MATCHES.items()},
            {use: etree.XPath(use) for use in _EDITION_USES})


def _edition_tree_units(root: etree._Element, structures: list[CiteStructure]) -> list[CitableUnit]:
    """`citable_units` of a file with the edition's own citation tree, by lxml: the same units,
    references and order as the general way gives (tests/test_dts_speed.py compares them)."""
    def known(structure: CiteStructure) -> bool:
        return (structure.match in _EDITION_MATCHES and structure.use in _EDITION_USES
                and all(known(child) for child in structure.children))

    if not all(known(structure) for structure in structures):
        return _saxon_units(etree.tostring(root), root, structures)
    order = {element: index for index, element in enumerate(root.iter())}
    matches, uses = _edition_paths()

    def units(context, kinds: list[CiteStructure], parent: CitableUnit | None, level: int) -> list[CitableUnit]:
        found = []
        for structure in kinds:
            for element in matches[structure.match](context):
                used = uses[structure.use](element)
                value = str(used[0]) if isinstance(used, list) and used else "" if isinstance(used, list) else str(used)
                ref = value if parent is None else f"{parent.ref}{structure.delim}{value}"
                unit = CitableUnit(ref, structure.unit, level, parent.ref if parent else None, element)
                unit.children = units(element, structure.children, unit, level + 1)
                found.append((order[element], unit))
        # across the kinds of one level in document order (stable: one node matched twice keeps both)
        return [unit for _, unit in sorted(found, key=lambda item: item[0])]

    return units(root, structures, None, 1)


def _tree_expression(structures: list[CiteStructure], numbered: list[tuple[CiteStructure, int]], level: int) -> str:
    """XPath giving, for every unit under the context node, [structure number, place, value], a
    unit's descendants right after it (pre-order over the structures, in the order of @match).
    `numbered` receives each structure and its level, in the order of their numbers."""
    # a name no citeStructure path can mean: it cannot declare a variable, and a free one is an error
    unit = f"$dts-unit-{level}"
    parts = []
    for structure in structures:
        numbered.append((structure, level))
        row = f"[{len(numbered) - 1}, {_WHERE}, string(({structure.use})[1])]"
        below = _tree_expression(structure.children, numbered, level + 1)
        body = f"{unit} ! ({row}, {below})" if below else f"{unit} ! {row}"
        parts.append(f"(for {unit} in ({structure.match}) return {body})")
    return ", ".join(parts)


def _tree(rows: list, numbered: list[tuple[CiteStructure, int]], find: "_ElementFinder") -> list[CitableUnit]:
    """The units of `rows` as a tree: a unit's parent is the last unit one level up before it.
    The units under one parent are in document order across the kinds of one level (a stable
    sort, so one node matched by two structures keeps their order)."""
    top: list[tuple[tuple[int, ...], CitableUnit]] = []
    children: dict[int, list[tuple[tuple[int, ...], CitableUnit]]] = {}
    last: list[CitableUnit] = []  # the last unit seen at each level above the current row
    for number, where_text, value in rows:
        structure, level = numbered[number]
        where = tuple(int(step) for step in where_text.split("/"))
        del last[level - 1:]
        parent = last[-1] if level > 1 else None
        ref = value if parent is None else f"{parent.ref}{structure.delim}{value}"
        unit = CitableUnit(ref, structure.unit, level, parent.ref if parent else None, find(where))
        (top if parent is None else children.setdefault(id(parent), [])).append((where, unit))
        last.append(unit)
    for _, unit in top:
        _adopt(unit, children)
    return _in_document_order(top)


def _adopt(unit: CitableUnit, children: dict[int, list[tuple[tuple[int, ...], CitableUnit]]]) -> None:
    found = children.get(id(unit), [])
    unit.children = _in_document_order(found)
    for _, child in found:
        _adopt(child, children)


def _in_document_order(found: list[tuple[tuple[int, ...], CitableUnit]]) -> list[CitableUnit]:
    return [unit for _, unit in sorted(found, key=lambda item: item[0])]


class _ElementFinder:
    """The lxml element at a place given as child-element indexes from the root (where Saxon
    found the node); each element's list of child elements is made once."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.children: dict[etree._Element, list[etree._Element]] = {}

    def __call__(self, where: tuple[int, ...]) -> etree._Element:
        element = self.root
        for step in where[1:]:
            if element not in self.children:
                self.children[element] = [child for child in element if isinstance(child.tag, str)]
            element = self.children[element][step - 1]
        return element


# ---------------------------------------------------------------------------------------------
# Endpoints as files
# ---------------------------------------------------------------------------------------------


@dataclass
class Resource:
    """What the DTS files of one document are made from. Each part is read from the TEI when a
    file needs it: the collection lists a document by its title and citation tree alone, so a
    document whose files are reused is neither parsed whole nor evaluated."""

    id: str
    title: str
    description: str
    when: str
    tei_bytes: bytes

    @functools.cached_property
    def root(self) -> etree._Element:
        return etree.fromstring(self.tei_bytes, _own_parser())

    @functools.cached_property
    def languages(self) -> list[str]:
        return [lang for lang in self.root.xpath("//t:langUsage/t:language/@ident", namespaces={"t": TEI_NS})]

    @functools.cached_property
    def structures(self) -> list[CiteStructure]:
        return cite_structures_of(self.tei_bytes)

    @functools.cached_property
    def units(self) -> list[CitableUnit]:
        return citable_units(self.tei_bytes, self.root)

    def all_units(self) -> list[CitableUnit]:
        return [unit for top in self.units for unit in top.walk()]


class Endpoints:
    """URLs and URI templates of the static DTS files (absolute under ``base``)."""

    def __init__(self, base_url: str = ""):
        self.base = (base_url.rstrip("/") + "/") if base_url else "/"

    def url(self, rel: str) -> str:
        return f"{self.base}dts/{rel}"

    def entry(self) -> dict:
        return {"@context": CONTEXT, "@id": self.url("index.json"), "@type": "EntryPoint", "dtsVersion": DTS_VERSION,
                "collection": self.url("collection{/id}.json"),
                "navigation": self.url("navigation/{resource}{/ref}{;down}.json"),
                "document": self.url("document/{resource}{/ref}.xml")}

    def resource(self, resource: Resource, full: bool = True) -> dict:
        out = {"@id": resource.id, "@type": "Resource", "title": resource.title, "totalParents": 1,
               "totalChildren": 0,
               "collection": self.url(f"collection/{resource.id}.json"),
               "navigation": self.url(f"navigation/{resource.id}{{/ref}}{{;down}}.json"),
               "document": self.url(f"document/{resource.id}{{/ref}}.xml"),
               "citationTrees": [{"@type": "CitationTree",
                                  "citeStructure": [s.json() for s in resource.structures]}],
               "mediaTypes": ["application/tei+xml"],
               "download": self.base + f"tei/{resource.id}.xml"}
        if full:
            if resource.description:
                out["description"] = resource.description
            out["dublinCore"] = {key: value for key, value in (
                ("title", [{"lang": "en", "value": resource.title}]),
                ("date", resource.when), ("language", resource.languages)) if value}
        return out

    def collection(self, title: str, members: list[dict]) -> dict:
        """The edition's collection; `members`: each resource as `resource(…, full=False)` gives it."""
        return {"@context": CONTEXT, "@id": ROOT_COLLECTION, "@type": "Collection", "dtsVersion": DTS_VERSION,
                "title": title, "totalParents": 0, "totalChildren": len(members),
                "collection": self.url("collection{/id}.json"), "member": members}

    def resource_document(self, resource: Resource) -> dict:
        return {"@context": CONTEXT, "dtsVersion": DTS_VERSION, **self.resource(resource)}

    def navigation(self, resource: Resource, rel: str, ref: CitableUnit | None, members: list[CitableUnit] | None):
        out = {"@context": CONTEXT, "@id": self.url(rel), "@type": "Navigation", "dtsVersion": DTS_VERSION,
               "resource": self.resource(resource, full=False)}
        if ref is not None:
            out["ref"] = ref.json()
        if members is not None:
            out["member"] = [unit.json() for unit in members]
        return out


def navigation_listing(resource: Resource) -> list[tuple[str, CitableUnit | None, list[CitableUnit] | None]]:
    """Every navigation file of a resource: (rel path under dts/, its ref, its members)."""
    rid = resource.id

    def down_to(units: list[CitableUnit], depth: int) -> list[CitableUnit]:
        # depth -1: to the bottom of the tree; pre-order, depth first, as the spec orders them
        out = []
        for unit in units:
            out.append(unit)
            if depth != 1:
                out.extend(down_to(unit.children, depth - 1 if depth > 0 else -1))
        return out

    listing = [(f"navigation/{rid};down={down}.json", None, down_to(resource.units, down)) for down in (1, -1)]
    for unit in resource.all_units():
        listing.append((f"navigation/{rid}/{unit.ref}.json", unit, None))
        if unit.children:
            for down in (1, -1):
                listing.append((f"navigation/{rid}/{unit.ref};down={down}.json", unit,
                                [unit, *down_to(unit.children, down)]))
    return listing


def navigation_files(resource: Resource, endpoints: Endpoints) -> dict[str, dict]:
    """Every navigation file of a resource: rel path (under dts/) → JSON object."""
    return {rel: endpoints.navigation(resource, rel, ref, members)
            for rel, ref, members in navigation_listing(resource)}


def navigation_texts(resource: Resource, endpoints: Endpoints, member_text: str | None = None) -> dict[str, str]:
    """Every navigation file of a resource as its text: the same as `_json` of
    `navigation_files`, made without serialising the resource once per file (a document of 500
    units has about 750 files, each with the whole resource and its citation tree).
    member_text: the resource's entry as `_MemberTexts` gives it, when the caller has it."""
    text = _NavigationText(member_text or _MemberTexts(endpoints)(resource), endpoints)
    return {rel: text(rel, ref, members) for rel, ref, members in navigation_listing(resource)}


_ENCODER = json.JSONEncoder(ensure_ascii=False)
# A string no TEI file can hold (XML has no NUL character), so no title or id: json.dumps writes
# it "\u0000", which marks the place of a part serialised beforehand.
_SLOT = "\x00"
_SLOT_JSON = _ENCODER.encode(_SLOT)


def _json_with(value: dict, part: str, level: int) -> str:
    """`_json(value)` without its last line break, where the one _SLOT string in `value`, `level`
    levels in, stands for `part` (a JSON text as json.dumps(indent=1) writes it)."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace(_SLOT_JSON, _indented(part, level), 1)


class _MemberTexts:
    """Each resource's entry (Endpoints.resource(…, full=False), as the collection lists it and
    every navigation file repeats it) as JSON text. Its citation tree, most of it and the same for
    every document that shares a refsDecl, is serialised once per distinct tree."""

    def __init__(self, endpoints: Endpoints):
        self.endpoints = endpoints
        self.trees: dict[str, str] = {}

    def __call__(self, resource: Resource) -> str:
        value = self.endpoints.resource(resource, full=False)
        trees = value["citationTrees"]
        key = _ENCODER.encode(trees)
        if key not in self.trees:
            self.trees[key] = json.dumps(trees, ensure_ascii=False, indent=1)
        value["citationTrees"] = _SLOT
        return _json_with(value, self.trees[key], 1)


def collection_text(endpoints: Endpoints, title: str, member_texts: list[str]) -> str:
    """dts/collection.json: `_json` of Endpoints.collection, from the members' texts."""
    return listed_collection_text(endpoints, title, [as_listed(text) for text in member_texts])


def as_listed(member_text: str) -> str:
    """A member's text as the collection lists it, two levels in."""
    return _indented(member_text, 2)


def listed_collection_text(endpoints: Endpoints, title: str, listed: list[str]) -> str:
    """`collection_text` from the members' texts as they are listed (`as_listed`): the build
    keeps them so, and joins 10,000 of them (15 MB) without indenting each again."""
    head, tail = _collection_ends(endpoints, title, len(listed))
    members = _MEMBERS_OPEN + _MEMBERS_BETWEEN.join(listed) + _MEMBERS_CLOSE if listed else "[]"
    return head + members + tail


_MEMBERS_OPEN, _MEMBERS_BETWEEN, _MEMBERS_CLOSE = "[\n  ", ",\n  ", "\n ]"


def _collection_ends(endpoints: Endpoints, title: str, count: int) -> tuple[str, str]:
    """The collection's text before and after its list of `count` members."""
    value = endpoints.collection(title, [None] * count)
    value["member"] = _SLOT
    head, tail = json.dumps(value, ensure_ascii=False, indent=1).split(_SLOT_JSON, 1)
    return head, tail + "\n"


class _NavigationText:
    """The text json.dumps(indent=1) gives a navigation object (Endpoints.navigation), from parts
    serialised once per resource and once per unit. JSON strings never hold a raw line break, so
    a part is moved one level in by indenting each of its line breaks."""

    def __init__(self, member_text: str, endpoints: Endpoints):
        self.endpoints = endpoints
        self.head = '{\n "@context": ' + _ENCODER.encode(CONTEXT) + ',\n "@id": '
        self.middle = (',\n "@type": "Navigation",\n "dtsVersion": ' + _ENCODER.encode(DTS_VERSION)
                       + ',\n "resource": ' + _indented(member_text, 1))
        self.units: dict[int, tuple[str, str]] = {}

    def unit(self, unit: CitableUnit) -> tuple[str, str]:
        """The unit's JSON as the value of "ref" (one level in) and as a member (two levels in)."""
        if id(unit) not in self.units:
            flat = "{\n" + ",\n".join(f" {_ENCODER.encode(key)}: {_ENCODER.encode(value)}"
                                       for key, value in unit.json().items()) + "\n}"
            self.units[id(unit)] = (_indented(flat, 1), _indented(flat, 2))
        return self.units[id(unit)]

    def __call__(self, rel: str, ref: CitableUnit | None, members: list[CitableUnit] | None) -> str:
        parts = [self.head, _ENCODER.encode(self.endpoints.url(rel)), self.middle]
        if ref is not None:
            parts += [',\n "ref": ', self.unit(ref)[0]]
        if members is not None:
            listed = ",\n  ".join(self.unit(member)[1] for member in members)
            parts += [',\n "member": ', f"[\n  {listed}\n ]" if members else "[]"]
        parts.append("\n}\n")
        return "".join(parts)


def _indented(text: str, levels: int) -> str:
    return text.replace("\n", "\n" + " " * levels)


def passage(unit: CitableUnit) -> bytes:
    """The document endpoint's answer for one reference: the unit in dts:wrapper inside TEI."""
    tei = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    wrapper = etree.SubElement(tei, f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS})
    copy = etree.fromstring(etree.tostring(unit.element, with_tail=False), _own_parser())
    wrapper.append(copy)
    etree.cleanup_namespaces(tei)
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8") + b"\n"


_PASSAGE_HEAD = (b"<?xml version='1.0' encoding='UTF-8'?>\n"
                 b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><dts:wrapper xmlns:dts="https://w3id.org/api/dts#">')
_PASSAGE_TAIL = b"</dts:wrapper></TEI>\n"
_TEI_DECLARATION = f' xmlns="{TEI_NS}"'.encode()


def _plain_passage(unit: CitableUnit) -> bytes:
    """`passage` for a file whose only namespace declaration is TEI's on its root: the unit's
    own serialisation between a fixed head and tail, without the declaration lxml repeats on
    it (the wrapper's TEI root declares it). No copy, no second parse, no clean-up."""
    own = etree.tostring(unit.element, encoding="UTF-8", xml_declaration=False, with_tail=False)
    return _PASSAGE_HEAD + own.replace(_TEI_DECLARATION, b"", 1) + _PASSAGE_TAIL


def _only_tei_namespace(resource: Resource) -> bool:
    """No namespace but TEI's is declared, once, and no DTD could give entities: a passage is
    then its element's serialisation as it stands (other files take the general way, `passage`)."""
    data = resource.tei_bytes
    return (data.count(b"xmlns") == 1 and _TEI_DECLARATION in data and b"<!DOCTYPE" not in data
            and bool(resource.units) and resource.units[0].element.getroottree().getroot().nsmap == {None: TEI_NS})


def document_files(resource: Resource) -> dict[str, bytes]:
    files = {f"document/{resource.id}.xml": resource.tei_bytes}
    one = _plain_passage if _only_tei_namespace(resource) else passage
    for unit in resource.all_units():
        files[f"document/{resource.id}/{unit.ref}.xml"] = one(unit)
    return files


def _own_parser() -> etree.XMLParser:
    """The options load_document reads the edition's files with: a paragraph of 12 MB is
    accepted (libxml2 stops at 10 MB by default), entities are never expanded."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def resource_for(doc) -> Resource:
    """A site Document (edition.site.document) as a DTS resource, from its TEI file."""
    return Resource(doc.id, doc.title or doc.id, doc.summary_text, doc.when,
                    doc.tei_bytes or Path(doc.path).read_bytes())


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


class StaticDts:
    """The DTS files of the edition in one build. `plan` finds the documents whose files in the
    live site are current (they stay there) and those to be made; a document's files are made
    by the worker that renders its page (`write_document_dts`: a large edition's 230 files a
    document were the one part of the site stage made in the build's own process, one document
    after another), or here by `finish`, which then writes the entry point and the collection.

    store: where each document's collection entry (as the collection lists it, `as_listed`) is
    kept from one build to the next, by its key (edition.site.catalogue.Catalogue; None: nowhere):
    a document kept from the last build is then not read at all (at 10,000 documents, reading
    them for their entries took 5 s of a one-document rebuild), and when a few documents changed
    the live collection is taken with only their entries replaced (`_spliced`)."""

    def __init__(self, settings, write, reuse, store=None):
        self.settings, self.write, self.reuse, self.store = settings, write, reuse, store
        self.endpoints = Endpoints(settings.base_url)
        self.code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
        self.keys: dict[str, str] = {}
        self.stale: set[str] = set()
        self.made: dict[str, tuple[str, int]] = {}  # by the workers: document id → its entry, its units

    def plan(self, docs) -> set[str]:
        """The ids of the documents whose DTS files are to be made; the others are listed as kept.
        A document's files are kept only all together, each file and folder current."""
        ids = [doc.id for doc in docs]
        keys = [hashlib.sha256(f"{doc.cache_key}|{self.settings.base_url}|{self.code}".encode()).hexdigest()
                for doc in docs]
        self.keys.update(zip(ids, keys))
        current = self.reuse.try_reuse_documents("dts", ids, keys)
        self.stale.update(doc_id for doc_id, ok in zip(ids, current) if not ok)
        self.write.report.files += DTS.names_of([doc_id for doc_id, ok in zip(ids, current) if ok])
        return set(self.stale)

    def made_by_worker(self, doc_id: str, member_text: str, units: int, folder_files: dict[str, int]) -> None:
        """A worker made the document's files (`write_document_dts`): they are listed as this build's."""
        self.made[doc_id] = (member_text, units)
        self.write.report.files.extend(DTS.file_names(doc_id))
        for folder, count in folder_files.items():
            self.write.report.folder_files[folder] = self.write.report.folder_files.get(folder, 0) + count

    def finish(self, docs) -> dict[str, int]:
        """The files of the stale documents no worker made, the entry point and the collection.
        Returns the number of references of each document whose files were made."""
        member_text = _MemberTexts(self.endpoints)
        ordered = sorted(docs, key=lambda d: d.id)
        counts: dict[str, int] = {}
        made: dict[str, str] = {}  # the entries of the documents whose files this build made, as listed
        for doc in ordered:
            if doc.id in self.made:
                text, counts[doc.id] = self.made[doc.id]
                made[doc.id] = as_listed(text)
            elif doc.id in self.stale:
                resource = resource_for(doc)
                made[doc.id] = as_listed(write_document_dts(resource, self.endpoints, self.write, member_text))
                counts[doc.id] = len(resource.all_units())
        self.write.text("dts/index.json", _json(self.endpoints.entry()))
        collection = self._spliced(ordered, made)
        if collection is None:
            collection = self._whole(ordered, made, member_text)
        self.write.text("dts/collection.json", collection)
        if self.store is not None:  # what the live file will be (a rename keeps a file's time)
            self.store.set_value(COLLECTION_STAMP, _stamp(os.stat(self.write.out / "dts" / "collection.json")))
        return counts

    def _whole(self, ordered, made: dict[str, str], member_text: "_MemberTexts") -> str:
        """The collection from every document's entry: made by this build, kept from the last
        one, or made now from the document (one kept from a build of an earlier version)."""
        old = self.store.texts(ENTRY) if self.store is not None else {}
        entries: dict[str, str] = {}  # the collection keeps each document's entry, not its parsed tree
        for doc in ordered:
            key = self.keys[doc.id]
            entries[key] = made.get(doc.id) or old.get(key) or as_listed(member_text(resource_for(doc)))
        if self.store is not None:
            self.store.keep_texts(ENTRY, entries, known=old)
        return listed_collection_text(self.endpoints, self.settings.title, list(entries.values()))

    def _spliced(self, ordered, made: dict[str, str]) -> str | None:
        """The live collection with the entries of the documents this build made replaced, when
        the edition holds the same documents as the last build, few of them changed, and the live
        collection is the one the last build wrote (its size and time); otherwise None. At 10,000
        documents this reads one 15 MB file rather than 10,000 entries from the catalogue."""
        old_documents = self.reuse.old_documents
        if self.store is None or len(made) > SPLICED_AT_MOST or len(old_documents) != len(ordered) \
                or any(doc.id not in old_documents for doc in ordered):
            return None
        path = self.reuse.old_site / "dts" / "collection.json"
        try:
            if _stamp(os.stat(path)) != self.store.value(COLLECTION_STAMP):
                return None
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        head, tail = _collection_ends(self.endpoints, self.settings.title, len(ordered))
        if not ordered or not text.startswith(head + _MEMBERS_OPEN) or not text.endswith(_MEMBERS_CLOSE + tail):
            return None
        spans, gone = [], []
        for doc_id, entry in made.items():
            old_key = self.reuse.old_document_key(doc_id, "dts")
            old = self.store.text(ENTRY, old_key) if old_key else None
            at = _member_at(text, old, len(head)) if old else -1
            if at < 0:
                return None
            spans.append((at, at + len(old), entry))
            gone.append(old_key)
        parts, end = [], 0
        for start, stop, entry in sorted(spans):
            parts += [text[end:start], entry]
            end = stop
        parts.append(text[end:])
        self.store.replace_texts(ENTRY, {self.keys[doc_id]: entry for doc_id, entry in made.items()}, gone)
        return "".join(parts)


ENTRY = "dts-entry"  # the kind of text a document's collection entry is in the store
COLLECTION_STAMP = "dts-collection-stamp"  # the store's value: the size and time of the collection last written
SPLICED_AT_MOST = 16  # documents whose entries change: beyond, the collection is made whole


def _stamp(info: os.stat_result) -> str:
    return f"{info.st_size} {info.st_mtime_ns}"


def _member_at(text: str, member: str, start: int) -> int:
    """Where `member` (a whole entry as listed, with its unique @id) is in the collection's
    list of members, from `start`; -1 when it is not there as a member."""
    at = text.find(member, start)
    if at < 0:
        return -1
    before, end = at - len(_MEMBERS_BETWEEN), at + len(member)  # the opening and the separator are as long
    if not (text.startswith(_MEMBERS_BETWEEN, before) or text.startswith(_MEMBERS_OPEN, before)) \
            or not (text.startswith(_MEMBERS_BETWEEN, end) or text.startswith(_MEMBERS_CLOSE, end)):
        return -1
    return at


def write_document_dts(resource: Resource, endpoints: Endpoints, write, member_text: "_MemberTexts | None" = None) -> str:
    """Every DTS file of one document (its navigation, its passages, its collection entry);
    returns its entry as the collection lists it."""
    member = (member_text or _MemberTexts(endpoints))(resource)
    for folder in DTS.folder_names(resource.id):  # made even when empty: a folder there is a folder current
        (write.out / folder).mkdir(parents=True, exist_ok=True)
    for rel, text in navigation_texts(resource, endpoints, member).items():
        write.text(f"dts/{rel}", text)
    for rel, data in document_files(resource).items():
        write.bytes(f"dts/{rel}", data)
    write.text(f"dts/collection/{resource.id}.json", _json(endpoints.resource_document(resource)))
    return member
