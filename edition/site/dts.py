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

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

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


def _structure(element: etree._Element) -> CiteStructure:
    return CiteStructure(element.get("unit", ""), element.get("match", ""), element.get("use", ""),
                         element.get("delim", ""),
                         [_structure(child) for child in element.findall(f"{{{TEI_NS}}}citeStructure")])


def citable_units(tei_bytes: bytes, root: etree._Element | None = None) -> list[CitableUnit]:
    """Every citable unit of a TEI file, as a tree in document order."""
    from edition.schematron import _processor

    root = etree.fromstring(tei_bytes, _own_parser()) if root is None else root
    structures = cite_structures(root)
    if not structures:
        return []
    processor = _processor()
    document = processor.parse_xml(xml_text=tei_bytes.decode("utf-8"))
    xpath = processor.new_xpath_processor()
    xpath.declare_namespace("", TEI_NS)
    return _units(xpath, root, document, structures, None, 1)


def _units(xpath, root, context, structures: list[CiteStructure], parent: CitableUnit | None,
           level: int) -> list[CitableUnit]:
    found = []
    for structure in structures:
        for node in _evaluate(xpath, context, structure.match):
            value = _string(xpath, node, structure.use)
            where = tuple(int(step) for step in _string(xpath, node, _WHERE).split("/"))
            found.append((where, structure, node, value))
    found.sort(key=lambda item: item[0])  # document order across the kinds of one level
    units = []
    for where, structure, node, value in found:
        ref = value if parent is None else f"{parent.ref}{structure.delim}{value}"
        unit = CitableUnit(ref, structure.unit, level, parent.ref if parent else None, _element_at(root, where))
        unit.children = _units(xpath, root, node, structure.children, unit, level + 1)
        units.append(unit)
    return units


def _evaluate(xpath, context, expression: str) -> list:
    xpath.set_context(xdm_item=context)
    value = xpath.evaluate(expression)
    return [] if value is None else list(value)


def _string(xpath, context, expression: str) -> str:
    xpath.set_context(xdm_item=context)
    value = xpath.evaluate_single(f"string(({expression})[1])")
    return "" if value is None else value.string_value


def _element_at(root: etree._Element, where: tuple[int, ...]) -> etree._Element:
    element = root
    for step in where[1:]:
        element = [child for child in element if isinstance(child.tag, str)][step - 1]
    return element


# ---------------------------------------------------------------------------------------------
# Endpoints as files
# ---------------------------------------------------------------------------------------------


@dataclass
class Resource:
    """What the DTS files of one document are made from."""

    id: str
    title: str
    description: str
    when: str
    languages: list[str]
    tei_bytes: bytes
    units: list[CitableUnit]
    structures: list[CiteStructure]

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

    def collection(self, title: str, resources: list[Resource]) -> dict:
        return {"@context": CONTEXT, "@id": ROOT_COLLECTION, "@type": "Collection", "dtsVersion": DTS_VERSION,
                "title": title, "totalParents": 0, "totalChildren": len(resources),
                "collection": self.url("collection{/id}.json"),
                "member": [self.resource(resource, full=False) for resource in resources]}

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


def navigation_files(resource: Resource, endpoints: Endpoints) -> dict[str, dict]:
    """Every navigation file of a resource: rel path (under dts/) → JSON object."""
    files = {}
    rid = resource.id

    def down_to(units: list[CitableUnit], depth: int) -> list[CitableUnit]:
        # depth -1: to the bottom of the tree; pre-order, depth first, as the spec orders them
        out = []
        for unit in units:
            out.append(unit)
            if depth != 1:
                out.extend(down_to(unit.children, depth - 1 if depth > 0 else -1))
        return out

    for down in (1, -1):
        rel = f"navigation/{rid};down={down}.json"
        files[rel] = endpoints.navigation(resource, rel, None, down_to(resource.units, down))
    for unit in resource.all_units():
        rel = f"navigation/{rid}/{unit.ref}.json"
        files[rel] = endpoints.navigation(resource, rel, unit, None)
        if unit.children:
            for down in (1, -1):
                rel = f"navigation/{rid}/{unit.ref};down={down}.json"
                files[rel] = endpoints.navigation(resource, rel, unit, [unit, *down_to(unit.children, down)])
    return files


def passage(unit: CitableUnit) -> bytes:
    """The document endpoint's answer for one reference: the unit in dts:wrapper inside TEI."""
    tei = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    wrapper = etree.SubElement(tei, f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS})
    copy = etree.fromstring(etree.tostring(unit.element, with_tail=False), _own_parser())
    wrapper.append(copy)
    etree.cleanup_namespaces(tei)
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8") + b"\n"


def document_files(resource: Resource) -> dict[str, bytes]:
    files = {f"document/{resource.id}.xml": resource.tei_bytes}
    for unit in resource.all_units():
        files[f"document/{resource.id}/{unit.ref}.xml"] = passage(unit)
    return files


def _own_parser() -> etree.XMLParser:
    """The options load_document reads the edition's files with: a paragraph of 12 MB is
    accepted (libxml2 stops at 10 MB by default), entities are never expanded."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def resource_for(doc) -> Resource:
    """A site Document (edition.site.document) as a DTS resource, from its TEI file."""
    tei_bytes = doc.tei_bytes or Path(doc.path).read_bytes()
    root = etree.fromstring(tei_bytes, _own_parser())
    return Resource(doc.id, doc.title or doc.id, doc.summary_text, doc.when,
                    [lang for lang in root.xpath("//t:langUsage/t:language/@ident", namespaces={"t": TEI_NS})],
                    tei_bytes, citable_units(tei_bytes, root), cite_structures(root))


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def write_dts(docs, settings, write, reuse) -> dict[str, int]:
    """The DTS files of the whole edition under ``dts/``; a document's files are reused from
    the previous site when neither it nor this module changed. Returns refs per document."""
    endpoints = Endpoints(settings.base_url)
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    resources, counts = [], {}
    for doc in sorted(docs, key=lambda d: d.id):
        resource = resource_for(doc)
        resources.append(resource)
        counts[doc.id] = len(resource.all_units())
        key = hashlib.sha256(f"{doc.cache_key}|{settings.base_url}|{code}".encode()).hexdigest()
        if not _reused(doc.id, key, write.out, reuse):
            for rel, value in navigation_files(resource, endpoints).items():
                write.text(f"dts/{rel}", _json(value))
            for rel, data in document_files(resource).items():
                write.bytes(f"dts/{rel}", data)
            write.text(f"dts/collection/{doc.id}.json", _json(endpoints.resource_document(resource)))
    write.text("dts/index.json", _json(endpoints.entry()))
    write.text("dts/collection.json", _json(endpoints.collection(settings.title, resources)))
    return counts


def _reused(doc_id: str, key: str, out: Path, reuse) -> bool:
    """Link a document's DTS files from the previous site when all of them are still current."""
    folders = [f"dts/navigation/{doc_id}", f"dts/document/{doc_id}"]
    files = [f"dts/navigation/{doc_id};down=1.json", f"dts/navigation/{doc_id};down=-1.json",
             f"dts/document/{doc_id}.xml", f"dts/collection/{doc_id}.json"]
    if all(reuse.try_reuse_folder(rel, key) for rel in folders) and all(reuse.try_reuse(rel, key) for rel in files):
        return True
    for rel in folders + files:  # a part was linked: drop it, so writing never reaches the old site's files
        reuse.keys[rel + "/" if rel in folders else rel] = key
        target = out / rel
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    return False
