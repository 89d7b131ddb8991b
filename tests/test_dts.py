"""The static DTS endpoints: read by the DTS reference implementation's parser (dapytains),
checked against JSON Schemas of the DTS 1.0 responses, every reference resolved three ways
(dapytains, the static document file, the page anchor) to the same passage."""

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from lxml import etree, html
from referencing import Registry, Resource as SchemaResource

from built_edition import BASE_URL, ROOT, build_edition
from edition.site.dts import DTS_NS, Endpoints, citable_units
from edition.tei import TEI_NS, XML_ID

dapytains_document = pytest.importorskip("dapytains.tei.document")
uritemplate = pytest.importorskip("uritemplate")

DOCUMENTS = sorted(path.stem for path in (ROOT / "corpus").glob("*.txt"))
SCHEMAS = ROOT / "tests/fixtures/dts"
T = f"{{{TEI_NS}}}"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return build_edition(tmp_path_factory.mktemp("dts"))


def local(site: Path, url: str) -> Path:
    """The file of the built site that a published URL stands for (what a web server serves)."""
    assert url.startswith(BASE_URL), url
    return site / unquote(urlsplit(url).path.removeprefix(urlsplit(BASE_URL).path))


def load(site: Path, url: str):
    path = local(site, url)
    assert path.is_file(), f"{url} is published but {path} does not exist"
    return json.loads(path.read_text(encoding="utf-8")) if path.suffix == ".json" else etree.parse(str(path))


def validator(name: str) -> jsonschema.Draft202012Validator:
    registry = Registry().with_resources(
        (path.name, SchemaResource.from_contents(json.loads(path.read_text()))) for path in SCHEMAS.glob("*.json"))
    return jsonschema.Draft202012Validator(json.loads((SCHEMAS / name).read_text()), registry=registry)


def expand(template: str, **values) -> str:
    return uritemplate.URITemplate(template).expand(**values)


def entry(site: Path) -> dict:
    return load(site, BASE_URL + "dts/index.json")


@pytest.fixture(scope="module")
def navigations(edition):
    """resource id → its whole citation tree as the static navigation endpoint lists it."""
    _, site = edition
    resource_template = entry(site)["navigation"]
    return {doc: load(site, expand(resource_template, resource=doc, down=-1)) for doc in DOCUMENTS}


def test_entry_point_and_collections_follow_the_dts_schemas(edition):
    _, site = edition
    point = entry(site)
    validator("entry.schema.json").validate(point)
    root = load(site, expand(point["collection"]))
    validator("collection.schema.json").validate(root)
    assert sorted(member["@id"] for member in root["member"]) == DOCUMENTS
    assert root["totalChildren"] == len(DOCUMENTS)
    for member in root["member"]:
        resource = load(site, expand(point["collection"], id=member["@id"]))
        validator("resource.schema.json").validate(resource)
        assert resource["dtsVersion"] == "1.0" and resource["@context"]
        assert load(site, resource["download"]).getroot().get(XML_ID) == f"doc-{member['@id']}"


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_navigation_lists_every_turn_once_in_document_order(edition, navigations, doc):
    tei, _ = edition
    navigation = navigations[doc]
    validator("navigation.schema.json").validate(navigation)
    units = navigation["member"]
    refs = [unit["identifier"] for unit in units]
    assert len(refs) == len(set(refs)), "references must be unique in a citation tree"
    root = etree.parse(str(tei / f"{doc}.xml")).getroot()
    turns = [sp.get(XML_ID) for sp in root.iter(f"{T}sp")]
    listed_turns = [ref.rsplit(".", 1)[-1] for ref, unit in zip(refs, units) if unit["citeType"] == "turn"]
    assert listed_turns == turns
    # every citable element of the text is listed: turns, paragraphs, notes, omissions
    citable = [e.get(XML_ID) for e in root.find(f"{T}text").iter(f"{T}sp", f"{T}p", f"{T}note", f"{T}gap")
               if e.get(XML_ID)]  # a gap inside a note (its lost text) is no omission
    assert [re.split(r"[._~,]", ref)[-1] for ref in refs[1:]] == citable
    for unit in units:
        assert unit["parent"] is None if unit["level"] == 1 else unit["identifier"].startswith(unit["parent"])


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_dapytains_reads_the_same_tree_from_the_tei(edition, navigations, doc):
    tei, _ = edition
    parsed = dapytains_document.Document(str(tei / f"{doc}.xml"))

    def walk(units):
        for unit in units:
            yield unit.ref, unit.citeType, unit.level, unit.parent
            yield from walk(unit.children)

    theirs = list(walk(parsed.get_reffs()))
    ours = [(u["identifier"], u["citeType"], u["level"], u["parent"]) for u in navigations[doc]["member"]]
    assert theirs == ours
    assert [(u.ref, u.cite_type) for top in citable_units((tei / f"{doc}.xml").read_bytes()) for u in top.walk()] \
        == [(ref, kind) for ref, kind, _, _ in ours]


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_every_reference_resolves_to_the_same_passage_as_the_page_anchor(edition, navigations, doc):
    tei, site = edition
    parsed = dapytains_document.Document(str(tei / f"{doc}.xml"))
    resource = navigations[doc]["resource"]
    page = html.parse(str(site / "documents" / f"{doc}.html"))
    anchors = {element.get("id"): element for element in page.iter() if element.get("id")}
    for unit in navigations[doc]["member"][1:]:
        ref = unit["identifier"]
        xml_id = re.split(r"[._~,]", ref)[-1]
        fragment = load(site, expand(resource["document"], ref=ref)).getroot()
        wrapped = fragment.find(f"{{{DTS_NS}}}wrapper")
        assert fragment.tag == f"{T}TEI" and wrapped is not None and len(wrapped) == 1
        assert wrapped[0].get(XML_ID) == xml_id
        theirs = parsed.get_passage(ref)
        found = theirs.xpath("//*[@xml:id=$id]", id=xml_id)
        assert found and " ".join("".join(found[0].itertext()).split()) == " ".join("".join(wrapped[0].itertext()).split())
        assert xml_id in anchors, f"{ref}: no anchor #{xml_id} on the page"
        one = load(site, expand(resource["navigation"], ref=ref))
        validator("navigation.schema.json").validate(one)
        assert one["ref"]["identifier"] == ref and "member" not in one


def test_a_unit_with_parts_lists_its_children(edition, navigations):
    _, site = edition
    doc = DOCUMENTS[-1]
    resource = navigations[doc]["resource"]
    turn = next(u for u in navigations[doc]["member"] if u["citeType"] == "turn")
    children = load(site, expand(resource["navigation"], ref=turn["identifier"], down=1))
    validator("navigation.schema.json").validate(children)
    assert children["member"][0]["identifier"] == turn["identifier"]
    assert all(u["parent"] == turn["identifier"] for u in children["member"][1:]) and children["member"][1:]


def test_templates_are_relative_to_the_site_root_without_a_base_url():
    point = Endpoints("").entry()
    assert point["navigation"] == "/dts/navigation/{resource}{/ref}{;down}.json"
    assert expand(point["document"], resource="x", ref="conversation,en-1") == "/dts/document/x/conversation%2Cen-1.xml"
