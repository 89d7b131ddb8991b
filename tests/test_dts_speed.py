"""The quick ways to the DTS files give the bytes of the plain ones: the citation tree from one
Saxon call per file, navigation texts spliced from parts serialised once, passages of a file that
declares only the TEI namespace from the unit's own serialisation."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from lxml import etree

from edition.site.dts import (Endpoints, _json, _MemberTexts, _only_tei_namespace, _plain_passage, cite_structures,
                              cite_structures_of, citable_units, collection_text, document_files, navigation_files,
                              navigation_texts, passage, resource_for)

ROOT = Path(__file__).resolve().parent.parent
EDITION_FILES = sorted((ROOT / "tei").glob("*.xml"))

# Two kinds of unit on one level, in document order across the kinds; one node matched by two
# structures (the turn and the speech), which keep the order of their structures; a @use that is
# an expression; three levels; a namespace besides TEI's (the passages take the general way).
CRAFTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"%s>
  <teiHeader>
    <fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>
      <sourceDesc><p>s</p></sourceDesc></fileDesc>
    <encodingDesc>
      <refsDecl>
        <citeStructure unit="part" match="/TEI/text/body/div" use="@n">
          <citeStructure unit="turn" match="sp" use="string(@xml:id)" delim=".">
            <citeStructure unit="note" match=".//note" use="string(@xml:id)" delim="."/>
          </citeStructure>
          <citeStructure unit="omission" match="gap" use="string(@xml:id)" delim="~"/>
          <citeStructure unit="speech" match="sp[@who]" use="concat('who-', substring-after(@who, '#'))" delim=":"/>
        </citeStructure>
      </refsDecl>
    </encodingDesc>
  </teiHeader>
  <text>
    <body>
      <div n="one"%s>
        <sp xml:id="sp-1" who="#a"><p>Caf\xc3\xa9 &amp; &lt;tea&gt;<note xml:id="n-1" place="foot">A "note"</note></p></sp>
        <gap xml:id="g-1" reason="illegible"/>
        <sp xml:id="sp-2"><p%s>Two</p></sp>
      </div>
      <div n="two"><gap xml:id="g-2"/></div>
    </body>
  </text>
</TEI>
"""
TEI_ONLY = CRAFTED % (b"", b"", b"")
TWO_NAMESPACES = CRAFTED % (b' xmlns:xi="http://www.w3.org/2001/XInclude"', b"", b' xmlns:x="urn:x" x:kind="y"')
# declared below the root and used nowhere: lxml repeats it on a unit inside, the passage drops it
DEEP_NAMESPACE = CRAFTED % (b"", b' xmlns:u="urn:unused"', b"")


def document(path: Path | None = None, data: bytes | None = None, title: str = "") -> SimpleNamespace:
    """What resource_for reads of a site Document."""
    data = data if data is not None else path.read_bytes()
    return SimpleNamespace(id=path.stem if path else "crafted", title=title or "A title", summary_text="",
                           when="1958-07-31", tei_bytes=data, path=path)


def test_the_citation_tree_in_one_call_follows_each_structure_in_its_parent_unit():
    walked = [(unit.ref, unit.cite_type, unit.level, unit.parent, unit.element.get("{http://www.w3.org/XML/1998/namespace}id"))
              for top in citable_units(TEI_ONLY) for unit in top.walk()]
    assert walked == [
        ("one", "part", 1, None, None),
        ("one.sp-1", "turn", 2, "one", "sp-1"),
        ("one.sp-1.n-1", "note", 3, "one.sp-1", "n-1"),
        ("one:who-a", "speech", 2, "one", "sp-1"),
        ("one~g-1", "omission", 2, "one", "g-1"),
        ("one.sp-2", "turn", 2, "one", "sp-2"),
        ("two", "part", 1, None, None),
        ("two~g-2", "omission", 2, "two", "g-2"),
    ]


@pytest.mark.parametrize("base_url", ["", "https://example.org/edition/"])
@pytest.mark.parametrize("path", EDITION_FILES, ids=lambda path: path.stem)
def test_navigation_texts_are_the_json_of_the_navigation_objects(path, base_url):
    resource = resource_for(document(path, title='A "quoted" title \u2014 caf\u00e9\n<b>\\'))
    endpoints = Endpoints(base_url)
    expected = {rel: _json(value) for rel, value in navigation_files(resource, endpoints).items()}
    assert len(expected) > 100
    assert navigation_texts(resource, endpoints) == expected


def test_navigation_texts_of_a_file_without_units_list_no_members():
    resource = resource_for(document(data=TEI_ONLY.replace(b"<refsDecl>", b"<refsDecl><!--").replace(
        b"</refsDecl>", b"--></refsDecl>")))
    assert resource.units == []
    texts = navigation_texts(resource, Endpoints(""))
    assert texts == {rel: _json(value) for rel, value in navigation_files(resource, Endpoints("")).items()}
    assert '"member": []' in texts["navigation/crafted;down=1.json"]


@pytest.mark.parametrize("path", EDITION_FILES, ids=lambda path: path.stem)
def test_passages_of_an_edition_file_are_those_of_the_general_way(path):
    resource = resource_for(document(path))
    assert _only_tei_namespace(resource)
    units = resource.all_units()
    assert len(units) > 100
    for unit in units:
        assert _plain_passage(unit) == passage(unit), unit.ref


def test_passages_of_a_file_with_other_namespaces_take_the_general_way():
    plain, mixed = resource_for(document(data=TEI_ONLY)), resource_for(document(data=TWO_NAMESPACES))
    assert _only_tei_namespace(plain) and not _only_tei_namespace(mixed)
    files = document_files(mixed)
    for unit in mixed.all_units():
        assert files[f"document/crafted/{unit.ref}.xml"] == passage(unit)
    assert b'xmlns:x="urn:x"' in files["document/crafted/one.sp-2.xml"]
    assert b"xmlns:xi" not in files["document/crafted/one.sp-2.xml"]  # declared, unused: cleaned up
    for unit in plain.all_units():
        assert document_files(plain)[f"document/crafted/{unit.ref}.xml"] == passage(unit)
    deep = resource_for(document(data=DEEP_NAMESPACE))
    assert not _only_tei_namespace(deep)
    assert b"urn:unused" not in document_files(deep)["document/crafted/one.sp-1.xml"]


@pytest.mark.parametrize("data", [path.read_bytes() for path in EDITION_FILES] + [TEI_ONLY, TWO_NAMESPACES],
                         ids=[path.stem for path in EDITION_FILES] + ["tei-only", "two-namespaces"])
def test_the_citation_tree_read_from_the_header_is_the_one_of_the_whole_file(data):
    assert cite_structures_of(data) == cite_structures(etree.fromstring(data)) != []


def test_a_file_without_a_citation_tree_has_none_read_from_its_header():
    bare = TEI_ONLY.replace(b"<refsDecl>", b"<refsDecl><!--").replace(b"</refsDecl>", b"--></refsDecl>")
    assert cite_structures_of(bare) == [] == cite_structures(etree.fromstring(bare))


@pytest.mark.parametrize("members", [0, 1, 3])
def test_the_collection_text_is_the_json_of_the_collection_object(members):
    endpoints = Endpoints("https://example.org/edition/")
    resources = [resource_for(document(path, title=f'Title "{index}" \u00e9')) for index, path in
                 enumerate(EDITION_FILES[:members])] + [resource_for(document(data=TEI_ONLY))][:members]
    texts = [_MemberTexts(endpoints)(resource) for resource in resources]
    assert texts == [_json(endpoints.resource(resource, full=False))[:-1] for resource in resources]
    expected = _json(endpoints.collection("An edition", [endpoints.resource(r, full=False) for r in resources]))
    assert collection_text(endpoints, "An edition", texts) == expected


@pytest.fixture(scope="module")
def edition_tree_files(tmp_path_factory):
    """Files that declare the edition's own citation tree: the sample edition's, the twelve
    variety records converted (notes in speakers, omissions, notes outside turns), the test TEI."""
    import shutil

    from edition.convert import convert_corpus

    records, out = tmp_path_factory.mktemp("variety"), tmp_path_factory.mktemp("variety-tei")
    for path in (ROOT / "tests/fixtures/variety").glob("*.txt"):
        shutil.copy(path, records)
    convert_corpus(records, out, jobs=1)
    return EDITION_FILES + sorted(out.glob("*.xml")) + sorted((ROOT / "tests/fixtures/tei/valid").glob("*.xml"))


def _signature(units):
    return [(unit.ref, unit.cite_type, unit.level, unit.parent, unit.element.getroottree().getpath(unit.element))
            for top in units for unit in top.walk()]


def test_the_editions_own_tree_is_walked_by_lxml_with_the_units_saxon_finds(edition_tree_files):
    from edition.site import dts

    walked = 0
    for path in edition_tree_files:
        data = path.read_bytes()
        root = etree.fromstring(data)
        structures = cite_structures(root)
        if structures != dts._edition_structures():
            continue
        walked += 1
        by_lxml = _signature(dts._edition_tree_units(root, structures))
        assert by_lxml == _signature(dts._saxon_units(data, root, structures)), path.name
        assert by_lxml == _signature(citable_units(data)), path.name
    assert walked >= len(EDITION_FILES) + 12
    kinds = {kind for path in edition_tree_files for _, kind, *_ in _signature(citable_units(path.read_bytes()))}
    assert {"conversation", "turn", "paragraph", "note"} <= kinds


def test_another_tree_is_evaluated_by_saxon(monkeypatch):
    from edition.site import dts

    monkeypatch.setattr(dts, "_edition_tree_units", lambda *args: pytest.fail("not the edition's tree"))
    assert citable_units(TEI_ONLY)
