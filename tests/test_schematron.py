"""tei_all's embedded Schematron rules: extracted from tei_all.rng, compiled once, run by Saxon."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from edition import schematron
from edition.cli import cli as main
from edition.tei import citation_tree

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests/fixtures/tei/valid/minimal.xml"
OLD_REFS_DECL = ('<refsDecl><citeStructure unit="turn" match="//tei:sp" use="@xml:id">'
                 '<citeStructure unit="paragraph" match="tei:p" use="@xml:id"/></citeStructure></refsDecl>')


def with_refs_decl(refs_decl: str) -> bytes:
    """The minimal valid document with another refsDecl, the rest unchanged (lines included)."""
    text = MINIMAL.read_text(encoding="utf-8")
    start, end = text.index("<refsDecl>"), text.index("</refsDecl>") + len("</refsDecl>")
    return (text[:start] + refs_decl + text[end:]).encode("utf-8")


def problems_of(data: bytes, name: str = "x.xml"):
    return schematron.check_schematron(etree.fromstring(data).getroottree(), name)


def test_every_pattern_of_tei_all_is_compiled():
    namespaces, patterns = schematron.extract_patterns(etree.parse(str(schematron.TEI_ALL_RNG)))
    assert len(patterns) == 83 and namespaces["tei"] == "http://www.tei-c.org/ns/1.0"
    assert schematron._compiled() is schematron._compiled()  # compiled once per process


def test_a_nested_citestructure_without_delim_is_reported_at_its_line():
    data = with_refs_decl(OLD_REFS_DECL)
    line = data.decode().count("\n", 0, data.decode().index('unit="paragraph"')) + 1
    problems = problems_of(data)
    assert [(p.line, p.severity) for p in problems] == [(line, "error")]
    assert "citestructure-inner-delim" in problems[0].message
    assert "A citeStructure with a parent citeStructure must have a @delim attribute." in problems[0].message


def test_the_editions_citation_tree_passes():
    refs_decl = etree.Element("{http://www.tei-c.org/ns/1.0}refsDecl", nsmap={None: "http://www.tei-c.org/ns/1.0"})
    refs_decl.append(citation_tree())
    text = etree.tostring(refs_decl).decode().replace(' xmlns="http://www.tei-c.org/ns/1.0"', "", 1)
    assert problems_of(with_refs_decl(text)) == []


def test_outer_match_must_be_absolute():
    problems = problems_of(with_refs_decl('<refsDecl><citeStructure unit="turn" match="sp" use="@xml:id"/></refsDecl>'))
    assert len(problems) == 1 and "citestructure-outer-match" in problems[0].message


def test_xpath_2_rules_and_roles():
    text = MINIMAL.read_text(encoding="utf-8")
    # "string-length(.) gt 0" is XPath 2; the @when rule has role="nonfatal": a warning
    text = text.replace("</p>", '<date calendar="#julian"/><date when="1958" notBefore="1957">x</date></p>', 1)
    problems = problems_of(text.encode())
    kinds = sorted((p.severity, p.message.split(":")[0]) for p in problems)
    assert kinds == [("error", "TEI P5 tei_all Schematron (att.datable-calendar-calendar)"),
                     ("warning", "TEI P5 tei_all Schematron (att.datable.w3c-att-datable-w3c-when)")]


def test_edition_validate_reports_schematron_errors_as_file_line(tmp_path):
    bad = tmp_path / MINIMAL.name
    bad.write_bytes(with_refs_decl(OLD_REFS_DECL))
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output and "error: TEI P5 tei_all Schematron (citeStructure-delim-citestructure-inner-delim)" in result.output
    ok = CliRunner().invoke(main, ["validate", "--no-tei-all", str(bad)])
    assert "Schematron" not in ok.output  # the Schematron rules belong to tei_all


@pytest.mark.parametrize("path", sorted((ROOT / "tests/fixtures/tei/valid").glob("*.xml")), ids=lambda p: p.stem)
def test_valid_fixtures_pass(path):
    assert schematron.check_schematron(etree.parse(str(path)), path) == []


@pytest.mark.parametrize("contexts, guard", [
    (["tei:span"], "exists(//tei:span)"),
    (["tei:rt/@to"], "exists(//tei:rt)"),
    (["tei:*[@when]"], "exists(//@when)"),
    (["tei:*[not(self::tei:schemaSpec)][@targetLang]"], "exists(//@targetLang)"),
    (["tei:schemaSpec|teix:schemaSpec"], "exists(//tei:schemaSpec) or exists(//teix:schemaSpec)"),
    (["tei:attDef[@usage eq 'req']", "tei:attDef"], "exists(//tei:attDef) or exists(//tei:attDef)"),
    (["*[ @minOccurs  and  @maxOccurs ]"], None),  # no single attribute the context needs
    (["tei:*[a/b][@x]"], None),
    (["/tei:TEI"], None),
    (["@xml:id"], None),
    (["tei:p", "*[@a and @b]"], None),  # one rule without a guard: the pattern always walks
])
def test_a_patterns_guard_names_what_its_contexts_need(contexts, guard):
    assert schematron.context_guard(contexts) == guard


VIOLATIONS = [
    with_refs_decl(OLD_REFS_DECL),
    with_refs_decl('<refsDecl><citeStructure unit="turn" match="sp" use="@xml:id"/></refsDecl>'),
    MINIMAL.read_text(encoding="utf-8").replace(
        "</p>", '<date calendar="#julian"/><date when="1958" notBefore="1957">x</date></p>', 1).encode(),
    MINIMAL.read_text(encoding="utf-8").replace(
        "</p>", '<anchor xml:id="a1"/><span from="#a1" to="#nowhere">x</span><delSpan spanTo="#a1"/></p>', 1).encode(),
]


def test_guarded_patterns_find_what_every_pattern_walking_finds(monkeypatch):
    """The guards only skip walks that could find nothing: on the valid fixtures and on
    documents that break rules of guarded patterns, the findings are those of a stylesheet whose
    83 patterns all walk every document."""
    schema = etree.parse(str(schematron.TEI_ALL_RNG))
    guarded = schematron.stylesheet_for(schema)
    monkeypatch.setattr(schematron, "context_guard", lambda contexts: None)
    walking = schematron.stylesheet_for(schema)
    assert guarded.count("<xsl:if test=\"exists(") == 82 and "exists(//" not in walking
    every = schematron._processor().new_xslt30_processor().compile_stylesheet(stylesheet_text=walking)
    documents = VIOLATIONS + [path.read_bytes() for path in sorted((ROOT / "tests/fixtures/tei/valid").glob("*.xml"))]
    found_any = 0
    for data in documents:
        node = schematron._processor().parse_xml(xml_text=data.decode("utf-8"))
        expected = sorted((every.transform_to_string(xdm_node=node) or "").splitlines())
        assert sorted((schematron._compiled().transform_to_string(xdm_node=node) or "").splitlines()) == expected
        found_any += bool(expected)
    assert found_any >= len(VIOLATIONS)
