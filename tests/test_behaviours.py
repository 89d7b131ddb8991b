"""Every element the edition schema admits in a record's text has a way to be shown on its page.

The elements are read from edition/schema/edition.xsd (those reachable from `body` through its
element declarations, types and groups); each must be in `PAGE_BEHAVIOURS`, whose "block" and
"inline" entries must name methods the renderer has. An element added to the schema without a
rendering fails here, not on a reader's page as "no special rendering".
"""

from __future__ import annotations

from lxml import etree

from edition.site.render import PAGE_BEHAVIOURS, Renderer, Rendered
from edition.tei_all_subset import edition_elements

from conftest import ROOT

XSD = ROOT / "edition" / "schema" / "edition.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"
TEI = "http://www.tei-c.org/ns/1.0"


def _local(value: str | None) -> str:
    return (value or "").split(":")[-1]


def _elements_in_text() -> set[str]:
    """The elements the schema admits under `body`, at any depth."""
    root = etree.parse(str(XSD)).getroot()
    types = {e.get("name"): e for e in root.iter(XS + "complexType") if e.get("name")}
    groups = {e.get("name"): e for e in root.iter(XS + "group") if e.get("name")}
    declarations: dict[str, list] = {}
    for element in root.iter(XS + "element"):
        if element.get("name"):
            declarations.setdefault(element.get("name"), []).append(element)

    def contents(definition, seen: set) -> set[str]:
        found = set()
        for node in definition.iter():
            references = []
            if node.tag == XS + "element":
                if node is not definition:
                    found.add(node.get("name") or _local(node.get("ref")))
                elif node.get("type"):
                    references.append(types.get(_local(node.get("type"))))
            elif node.tag == XS + "group" and node.get("ref"):
                references.append(groups.get(_local(node.get("ref"))))
            elif node.tag == XS + "extension":
                references.append(types.get(_local(node.get("base"))))
            for reference in references:
                if reference is not None and id(reference) not in seen:
                    seen.add(id(reference))
                    found |= contents(reference, seen)
        return found

    reached, todo = set(), ["body"]
    while todo:
        local = todo.pop()
        if local not in reached:
            reached.add(local)
            todo += [child for d in declarations.get(local, []) for child in contents(d, set())]
    return reached


def test_the_walk_of_the_schema_finds_the_elements_of_a_record():
    found = _elements_in_text()
    assert {"sp", "speaker", "p", "note", "choice", "corr", "persName", "gap", "desc"} <= found
    assert not {"teiHeader", "titleStmt", "listPerson", "msDesc"} & found  # the header is not the text
    assert found <= edition_elements(XSD)


def test_every_element_admitted_in_the_text_has_a_behaviour():
    missing = sorted(_elements_in_text() - PAGE_BEHAVIOURS.keys())
    assert missing == [], f"the schema admits these in the text, the page has no behaviour for them: {missing}"


def test_each_behaviour_names_a_method_the_renderer_has():
    for local, behaviour in PAGE_BEHAVIOURS.items():
        for kind in ("block", "inline"):
            if kind in behaviour.split():
                assert hasattr(Renderer, f"{kind}_{local}"), f"{local}: {kind} named, no {kind}_{local}"
        if behaviour.startswith("in "):
            assert behaviour.removeprefix("in ") in PAGE_BEHAVIOURS or behaviour == "in text", local


def test_no_element_of_the_text_falls_back_to_plain_text():
    """A paragraph holding each inline element once renders without the "no special rendering" warning."""
    inline = sorted(local for local, behaviour in PAGE_BEHAVIOURS.items() if "inline" in behaviour.split()
                    and local not in ("p", "note", "lb", "pb", "gap", "stage", "anchor"))
    paragraph = "".join(f"<{local}>{local} text</{local}>" for local in inline)
    body = etree.fromstring(f'<body xmlns="{TEI}"><div><p xml:id="p-1">{paragraph}</p></div></body>')
    rendered: Rendered = Renderer(lambda pid: None).body(body)
    assert not [w for w in rendered.warnings if "no special rendering" in w], rendered.warnings
