"""Every element the edition schema admits in a record's text has a behaviour for each output:
the page, the search and the plain text (edition/behaviours.py), and each walker does what the
table says.

The elements are read from edition/schema/edition.xsd (those reachable from `body` through its
element declarations, types and groups). An element added to the schema without a behaviour for
one of the outputs fails here, not on a reader's page as "no special rendering", in a search
result or in a downloaded text.
"""

from __future__ import annotations

from lxml import etree

import dataclasses

import pytest

from edition import plaintext
from edition.behaviours import BEHAVIOURS, Behaviour, Rule
from edition.site import search, text
from edition.site.render import Renderer, Rendered
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


# What each output's walker knows how to do (the vocabularies of edition/behaviours.py).
KNOWN = {
    "page": lambda word, local: all(hasattr(Renderer, f"{kind}_{local}") for kind in word.split()
                                    if kind in ("block", "inline"))
    and (set(word.split()) <= {"block", "inline"} or (word.startswith("in ") and len(word.split()) == 2)),
    "search": lambda word, local: word in text.SEARCH_WORDS,
    "search_passage": lambda word, local: word in search.PASSAGES,
    "plain": lambda word, local: word in plaintext.PLAIN_WORDS,
    "plain_block": lambda word, local: word in plaintext.PLAIN_BLOCKS,
}


def _without_behaviour(table: dict[str, Behaviour], elements: set[str]) -> list[tuple[str, str]]:
    """(element, output) for each output an element has no behaviour for, or one its walker lacks."""
    missing = []
    for local in sorted(elements):
        entry = table.get(local)
        for output, known in KNOWN.items():
            value = getattr(entry, output, None) if entry is not None else None
            words = value.words() if isinstance(value, Rule) else [value]
            if not all(word and known(word, local) for word in words):
                missing.append((local, output))
    return missing


def test_every_element_admitted_in_the_text_has_a_behaviour_for_each_output():
    missing = _without_behaviour(BEHAVIOURS, _elements_in_text())
    assert missing == [], f"the schema admits these in the text without a behaviour (element, output): {missing}"


def test_every_behaviour_in_the_table_is_one_its_walker_has():
    assert _without_behaviour(BEHAVIOURS, set(BEHAVIOURS)) == []


def test_the_check_finds_an_element_or_an_output_without_a_behaviour():
    elements = _elements_in_text()
    table = dict(BEHAVIOURS)
    del table["unclear"]
    table["seg"] = dataclasses.replace(table["seg"], plain=Rule(""))
    table["gap"] = dataclasses.replace(table["gap"], search=Rule("brackets if @reason=lost else shouted"))
    table["hi"] = dataclasses.replace(table["hi"], page="block")  # no block_hi method
    table["sp"] = dataclasses.replace(table["sp"], search_passage="")
    assert _without_behaviour(table, elements) == [
        ("gap", "search"), ("hi", "page"), ("seg", "plain"), ("sp", "search_passage"),
        *[("unclear", output) for output in KNOWN]]


def test_a_behaviour_can_depend_on_an_attribute_or_the_parent():
    rule = Rule("brackets if @type=original-wording|alternative-name else sic if parent!=choice else text")
    seg = etree.fromstring(f'<choice xmlns="{TEI}"><seg type="alternative-name"/><sic/></choice>')
    assert [rule.of(seg[0]), rule.of(seg[1]), rule.of(seg)] == ["brackets", "text", "sic"]
    assert rule.words() == ["brackets", "sic", "text"]
    with pytest.raises(ValueError):
        Rule("brackets if type=x")


FOOTNOTED = f"""<TEI xmlns="{TEI}"><text><body><div type="conversation">
<sp xml:id="sp-1" who="#a"><speaker>MAO</speaker><stage>laughing</stage><p xml:id="p-1">Yudin<note xml:id="fn-1" n="1" \
place="foot">The ambassador.</note> said <seg type="alternative-name">Iudin</seg> <seg type="original-wording"><foreign \
xml:lang="ru">nakrucheno</foreign></seg>.</p></sp>
</div></body></text></TEI>"""


def test_a_note_is_a_marker_and_a_list_on_the_page_a_passage_apart_in_search_numbered_in_plain_text():
    root = etree.fromstring(FOOTNOTED)
    rendered = Renderer(lambda pid: None).body(root.find(f".//{{{TEI}}}body"))
    assert 'href="#fn-1" role="doc-noteref"' in rendered.html and "The ambassador" not in rendered.html
    assert [(n.n, str(n.html)) for n in rendered.notes] == [("1", "The ambassador.")]
    p = root.find(f".//{{{TEI}}}p")
    assert text.reading_text(p) == "Yudin said [Iudin] [nakrucheno]."
    assert text.reading_text(p, footnotes=True) == "Yudin[1] said [Iudin] [nakrucheno]."
    plain = plaintext.tei_to_plaintext(root)
    # the plain text brackets another form of the name as the page and the search do
    assert "MAO (laughing): Yudin[1] said [Iudin] [nakrucheno]." in plain
    assert "Notes\n\n[1] The ambassador.\n" in plain


def test_no_element_of_the_text_falls_back_to_plain_text():
    """A paragraph holding each inline element once renders without the "no special rendering" warning."""
    inline = sorted(local for local, behaviour in BEHAVIOURS.items() if "inline" in behaviour.page.split()
                    and local not in ("p", "note", "lb", "pb", "gap", "stage", "anchor"))
    paragraph = "".join(f"<{local}>{local} text</{local}>" for local in inline)
    body = etree.fromstring(f'<body xmlns="{TEI}"><div><p xml:id="p-1">{paragraph}</p></div></body>')
    rendered: Rendered = Renderer(lambda pid: None).body(body)
    assert not [w for w in rendered.warnings if "no special rendering" in w], rendered.warnings


def test_the_walkers_do_what_the_table_says(monkeypatch):
    """Change a row and the outputs change with it: the walkers keep no tag lists of their own."""
    root = etree.fromstring(FOOTNOTED)
    seg, stage = BEHAVIOURS["seg"], BEHAVIOURS["stage"]
    monkeypatch.setitem(BEHAVIOURS, "seg", dataclasses.replace(seg, plain=Rule("brackets if @type=original-wording else text")))
    monkeypatch.setitem(BEHAVIOURS, "stage", dataclasses.replace(stage, search=Rule("text"), plain_block="paragraph"))
    assert "MAO: (laughing)\n\nYudin[1] said Iudin [nakrucheno]." in plaintext.tei_to_plaintext(root)
    assert text.reading_text(root.find(f".//{{{TEI}}}stage")) == "laughing"


def test_the_page_shows_each_element_by_the_method_its_row_names():
    from edition.behaviours import page_methods
    from edition.site import render

    for kind, methods in (("block", render._BLOCK), ("inline", render._INLINE)):
        assert methods == {local: getattr(Renderer, method) for local, method in page_methods(kind).items()}
    assert {"sp", "div", "gap"} <= set(render._BLOCK) and {"persName", "choice", "gap"} <= set(render._INLINE)
