"""The validator: the edition schema, TEI P5 tei_all, the edition's rules, and the CLI."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import edition.validate as validate_module
from edition.cli import cli
from edition.errors import EditionError
from edition.validate import (
    check_rules,
    load_edition_schema,
    load_edition_xmlschema,
    load_tei_all,
    parse_bytes,
    print_validation,
    validate_paths,
    validate_tree,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tei"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"
VALID_FILES = sorted(VALID.glob("*.xml"))
MINIMAL = VALID / "minimal.xml"


@pytest.fixture(scope="session")
def tei_all():
    """TEI P5 tei_all, loaded once for the whole session (it takes seconds)."""
    return load_tei_all()


def line_of(path: Path, marker: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing ``marker``."""
    hits = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line]
    assert len(hits) >= occurrence, f"{marker!r} not in {path}"
    return hits[occurrence - 1]


def errors(result) -> list:
    return [problem for problem in result.problems if problem.severity == "error"]


def variant(tmp_path: Path, name: str, *replacements: tuple[str, str], source: Path = MINIMAL) -> Path:
    """A copy of a valid fixture named ``name``.xml (ids follow the name), with replacements."""
    text = source.read_text(encoding="utf-8")
    text = text.replace(f'xml:id="doc-{source.stem}"', f'xml:id="doc-{name}"', 1)
    text = text.replace(f'<idno type="edition">{source.stem}</idno>', f'<idno type="edition">{name}</idno>', 1)
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"{name}.xml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the valid fixtures ----------------------------------------------------------------------


def test_fixture_set_is_complete():
    assert [path.name for path in VALID_FILES] == ["full.xml", "minimal.xml"]


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda path: path.stem)
def test_valid_fixture_passes_tei_all_itself(path, tei_all):
    tree = etree.parse(str(path))
    assert tei_all.validate(tree), tei_all.error_log


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda path: path.stem)
def test_valid_fixture_passes_both_schemas_and_rules(path, tei_all):
    report = validate_paths([path], tei_all=True)
    assert report.problems == []
    assert report.ok
    [result] = report.files
    assert result.well_formed
    assert result.passed_edition_schema
    assert result.passed_tei_all is True
    assert result.passed_rules


WELL_FORMED = VALID_FILES + sorted(set(BROKEN.glob("*.xml")) - {BROKEN / "not-well-formed.xml"})


@pytest.mark.parametrize("path", WELL_FORMED, ids=lambda path: path.stem)
def test_lxml_and_xmlschema_agree_on_the_edition_schema(path):
    """The XSD is portable: both implementations give the same verdict."""
    tree, problems = parse_bytes(path.read_bytes(), path)
    assert tree is not None, problems
    assert load_edition_schema().validate(tree) == load_edition_xmlschema().is_valid(tree)


def test_folder_of_files_and_clean_summary(tei_all):
    report = validate_paths([VALID], tei_all=True)
    assert [result.path.name for result in report.files] == ["full.xml", "minimal.xml"]
    out = io.StringIO()
    print_validation(report, out)
    assert out.getvalue() == "2 files valid: edition schema, TEI P5 tei_all, edition rules\n"


def test_summary_says_when_tei_all_was_not_checked():
    report = validate_paths([MINIMAL], tei_all=False)
    assert report.ok and report.files[0].passed_tei_all is None
    out = io.StringIO()
    print_validation(report, out)
    assert out.getvalue() == "1 file valid: edition schema, edition rules (TEI P5 tei_all not checked)\n"


def test_validate_tree_for_an_already_parsed_file(tei_all):
    tree = etree.parse(str(MINIMAL))
    result = validate_tree(tree, MINIMAL)
    assert result.ok and result.passed_edition_schema and result.passed_tei_all and result.passed_rules
    tree.getroot().find("{http://www.tei-c.org/ns/1.0}text//{http://www.tei-c.org/ns/1.0}sp").set("who", "#ghost")
    result = validate_tree(tree, MINIMAL, tei_all=False)
    assert not result.ok
    assert any("points to nothing" in problem.message for problem in result.problems)


def test_missing_path_is_an_edition_error(tmp_path):
    with pytest.raises(EditionError, match="no such file or folder"):
        validate_paths([tmp_path / "nowhere"])
    with pytest.raises(EditionError, match=r"no TEI files"):
        validate_paths([tmp_path])


# --- the broken fixtures: each fails with the right file:line message -------------------------

BROKEN_CASES = [
    # fixture, a marker on the offending line (and which occurrence), the message, errors in all
    ("dangling-who", 'who="#nobody"', 1, r'sp/@who="#nobody" points to nothing', 2),
    ("note-without-n", 'xml:id="en-2"', 1, r"edition schema: missing required attribute 'n' \(at /TEI/text/body/div/sp\[2\]/p/note\)", 1),
    ("p-without-id", "<p>This was the end", 1, r"edition schema: missing required attribute 'xml:id' \(at /TEI/text/body/div/p\[3\]\)", 1),
    ("duplicate-id", '<p xml:id="p-3"', 2, r"duplicate xml:id 'p-3' \(first used on line (\d+)\)", 3),
    ("stranded-note", 'place="foot" n="1"', 1, r'footnote n="1" stands loose in <div>: move it to its marker', 2),
    ("not-well-formed", "end of the meeting.</sp>", 1, r"not well-formed XML: Opening and ending tag mismatch", 1),
]


@pytest.mark.parametrize("name, marker, occurrence, message, count", BROKEN_CASES, ids=[case[0] for case in BROKEN_CASES])
def test_broken_fixture_fails_with_file_line_message(name, marker, occurrence, message, count, tei_all):
    path = BROKEN / f"{name}.xml"
    line = line_of(path, marker, occurrence)
    report = validate_paths([path], tei_all=True)
    assert not report.ok
    hits = [problem for problem in report.problems if re.search(message, problem.message)]
    assert hits, [str(problem) for problem in report.problems]
    assert hits[0].line == line
    assert len(errors(report.files[0])) == count, [str(problem) for problem in report.problems]
    out = io.StringIO()
    print_validation(report, out)
    assert f"{path}:{line}: error: " in out.getvalue()
    assert out.getvalue().splitlines()[-1].startswith("1 of 1 file invalid (")


def test_duplicate_id_names_the_first_use(tei_all):
    path = BROKEN / "duplicate-id.xml"
    report = validate_paths([path], tei_all=False)
    [hit] = [problem for problem in report.problems if problem.message.startswith("duplicate xml:id")]
    first = line_of(path, '<p xml:id="p-3"', 1)
    assert hit.message.endswith(f"(first used on line {first})")


def test_stranded_note_is_also_refused_by_the_schema():
    report = validate_paths([BROKEN / "stranded-note.xml"], tei_all=False)
    assert not report.files[0].passed_edition_schema
    assert not report.files[0].passed_rules


def test_not_well_formed_stops_before_the_schemas():
    [result] = validate_paths([BROKEN / "not-well-formed.xml"], tei_all=True).files
    assert not result.well_formed and not result.passed_edition_schema and result.passed_tei_all is None


# --- the rules, one by one (copies of the minimal fixture) ------------------------------------


def rule_messages(path: Path) -> list[tuple[int | None, str]]:
    tree = etree.parse(str(path), etree.XMLParser(recover=True))
    return [(problem.line, problem.message) for problem in check_rules(tree, path)]


def test_rules_pass_on_the_valid_fixtures():
    for path in VALID_FILES:
        assert rule_messages(path) == []


def test_root_id_and_edition_idno_must_equal_the_file_stem(tmp_path):
    path = tmp_path / "renamed.xml"
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    messages = rule_messages(path)
    assert (line_of(path, "<TEI "), "TEI/@xml:id is 'doc-minimal' but the file is renamed.xml: it must be 'doc-renamed'") in messages
    assert (line_of(path, '<idno type="edition">'), "idno[@type='edition'] is 'minimal' but the file is renamed.xml") in messages


def test_an_xml_id_must_be_an_xml_name(tmp_path):
    """A document id that starts with a digit (a date) cannot be an xml:id: hence the "doc-" prefix."""
    assert validate_paths([variant(tmp_path, "1960-06-07_x")], tei_all=False).ok
    path = variant(tmp_path, "1960-06-07_y", ('xml:id="doc-1960-06-07_y"', 'xml:id="1960-06-07_y"'))
    report = validate_paths([path], tei_all=False)
    assert report.files[0].well_formed  # libxml2 reports it while parsing, but it is well-formed XML
    assert any(problem.line == line_of(path, "<TEI ") and "is not an XML name" in problem.message
               for problem in report.problems)
    assert not report.files[0].passed_edition_schema


def test_speaker_without_a_turn(tmp_path):
    path = variant(tmp_path, "silent", ('<person xml:id="mao-zedong" role="speaker"><persName>Mao Zedong</persName></person>',
                                        '<person xml:id="mao-zedong" role="speaker"><persName>Mao Zedong</persName></person>\n'
                                        '          <person xml:id="deng-xiaoping" role="speaker"><persName>Deng Xiaoping</persName></person>'))
    assert rule_messages(path) == [(line_of(path, "deng-xiaoping"),
                                    "person 'deng-xiaoping' has role=\"speaker\" but no sp/@who points to it")]


def test_present_person_who_speaks(tmp_path):
    path = variant(tmp_path, "present", ('role="speaker"', 'role="present"'))
    assert rule_messages(path) == [(line_of(path, 'role="present"'),
                                    "person 'mao-zedong' has role=\"present\" but speaks (sp/@who=\"#mao-zedong\")")]


def test_name_must_point_to_a_person(tmp_path):
    path = variant(tmp_path, "pointer", ("You have many", 'You, <persName ref="#p-1">Mao</persName>, have many'))
    line = line_of(path, 'ref="#p-1"')
    assert rule_messages(path) == [(line, f'persName/@ref="#p-1" must point to a person, not to <p> (line {line})')]


def test_every_pointer_resolves(tmp_path):
    path = variant(tmp_path, "software", ('<application xml:id="edition" ', "<application "))
    assert rule_messages(path) == [(line_of(path, 'who="#edition"'),
                                    "change/@who=\"#edition\" points to nothing: no element has xml:id 'edition'")]


def test_conversion_must_record_the_sha256(tmp_path):
    path = variant(tmp_path, "nohash", ("0" * 64, "…"))
    assert rule_messages(path) == [(line_of(path, "<revisionDesc>"),
                                    "no revisionDesc/change records the source's sha256 (expected 'sha256' and 64 hex digits)")]


def test_body_ids_follow_the_scheme(tmp_path):
    path = variant(tmp_path, "scheme", ('<sp xml:id="sp-1"', '<sp xml:id="turn-1"'))
    assert rule_messages(path) == [(line_of(path, "turn-1"), "<sp> xml:id 'turn-1' does not follow the sp-N scheme")]


# --- the edition schema is stricter than tei_all ---------------------------------------------

STRICTER = [
    ("note-type", ("You have many", 'You<note type="author" place="foot" n="1" xml:id="fn-1">x</note> have many'),
     r"attribute type='author'"),
    ("no-who", (' who="#mao-zedong"', ""), r"missing required attribute 'who'"),
    ("role", ('role="speaker"', 'role="interpreter"'), r"attribute role='interpreter'"),
    ("no-abstract", ("<abstract><p>Mao Zedong receives an Albanian delegation.</p></abstract>", ""), r"Unexpected child with tag 'creation'"),
    ("no-shelfmark-idno", ('<idno type="fond">14/AP</idno>', ""), r"msIdentifier"),
    ("stage-no-id", ('<p xml:id="p-1">You', '<stage type="manner">Laughs.</stage><p xml:id="p-1">You'),
     r"missing required attribute 'xml:id' \(at /TEI/text/body/div/sp/stage\)"),
]


@pytest.mark.parametrize("name, replacement, message", STRICTER, ids=[case[0] for case in STRICTER])
def test_edition_schema_refuses_what_the_contract_does_not_allow(tmp_path, name, replacement, message):
    path = variant(tmp_path, name, replacement)
    [result] = validate_paths([path], tei_all=False).files
    assert not result.passed_edition_schema
    assert any(re.search(message, problem.message) for problem in result.problems), \
        [str(problem) for problem in result.problems]


# --- the tei_all result cache ----------------------------------------------------------------


def test_cache_skips_tei_all_for_unchanged_files(tmp_path, tei_all, monkeypatch):
    cache = tmp_path / "cache" / "validate.json"
    path = variant(tmp_path, "cached")
    first = validate_paths([path], tei_all=True, cache=cache)
    assert first.ok and not first.files[0].tei_all_cached and cache.is_file()

    def no_tei_all(*args, **kwargs):
        raise AssertionError("tei_all ran for an unchanged file")

    monkeypatch.setattr(validate_module, "check_tei_all", no_tei_all)
    second = validate_paths([path], tei_all=True, cache=cache)
    assert second.ok and second.files[0].tei_all_cached and second.files[0].passed_tei_all

    path.write_text(path.read_text(encoding="utf-8").replace("sea resources", "sea"), encoding="utf-8")
    with pytest.raises(AssertionError, match="unchanged"):
        validate_paths([path], tei_all=True, cache=cache)


def test_cache_keeps_tei_all_failures(tmp_path, tei_all):
    cache = tmp_path / "validate.json"
    path = BROKEN / "duplicate-id.xml"
    first = validate_paths([path], tei_all=True, cache=cache)
    second = validate_paths([path], tei_all=True, cache=cache)
    assert second.files[0].tei_all_cached and second.files[0].passed_tei_all is False
    assert [str(problem) for problem in second.problems] == [str(problem) for problem in first.problems]


# --- the command line ------------------------------------------------------------------------


def test_cli_good_file_exits_0(tei_all):
    result = CliRunner().invoke(cli, ["validate", str(MINIMAL)])
    assert result.exit_code == 0, result.output
    assert result.output == "1 file valid: edition schema, TEI P5 tei_all, edition rules\n"


def test_cli_broken_file_exits_1_with_file_line(tei_all):
    path = BROKEN / "dangling-who.xml"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    line = line_of(path, 'who="#nobody"')
    assert f'{path}:{line}: error: sp/@who="#nobody" points to nothing' in result.output


def run_module(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "edition", "validate", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_python_m_edition_validate_good_file():
    # --no-tei-all: a new process would load tei_all again; the in-process tests above check it.
    result = run_module("--no-tei-all", str(MINIMAL))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("1 file valid: edition schema, edition rules")


def test_python_m_edition_validate_broken_file():
    path = BROKEN / "not-well-formed.xml"
    result = run_module("--no-tei-all", str(path))
    assert result.returncode == 1
    assert re.search(rf"^{re.escape(str(path))}:{line_of(path, 'meeting.</sp>')}: error: not well-formed XML", result.stdout, re.M), \
        result.stdout + result.stderr


def test_parallel_validation_gives_the_serial_results(tmp_path):
    """Enough files for worker processes: the same problems, in the same order, as one process."""
    from edition.validate import PARALLEL_FROM

    paths = []
    for index in range(PARALLEL_FROM + 6):
        source = BROKEN / "dangling-who.xml" if index % 7 == 0 else MINIMAL
        paths.append(variant(tmp_path, f"doc{index:03}", source=source))
    serial = validate_paths(paths, tei_all=False, jobs=1)
    parallel = validate_paths(paths, tei_all=False, jobs=2)
    assert [(r.path, r.ok, r.problems) for r in parallel.files] == [(r.path, r.ok, r.problems) for r in serial.files]
    assert sum(1 for r in serial.files if not r.ok) == len(range(0, PARALLEL_FROM + 6, 7))


def test_cache_remembers_every_check_and_knows_the_file_name(tmp_path, monkeypatch):
    cache = tmp_path / "validate.json"
    path = variant(tmp_path, "remembered")
    assert validate_paths([path], tei_all=False, cache=cache).ok

    def not_again(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr(validate_module, "check_edition_schema", not_again)
    monkeypatch.setattr(validate_module, "check_rules", not_again)
    assert validate_paths([path], tei_all=False, cache=cache).ok
    renamed = path.with_name("renamed.xml")
    path.rename(renamed)
    with pytest.raises(AssertionError, match="checked again"):
        validate_paths([renamed], tei_all=False, cache=cache)


# --- tei_all restricted to the edition's elements: the same verdict --------------------------

TEI = "{http://www.tei-c.org/ns/1.0}"


def _mutants(tree, rng, per_document: int = 45):
    """Documents made from `tree` by one small change each, of the kinds that break a schema:
    an element removed, doubled, moved first, renamed, given an unknown attribute or a bad
    date; every element stays one the edition's schema admits."""
    from edition.tei_all_subset import edition_elements

    names = sorted(edition_elements(validate_module.EDITION_XSD))
    count = sum(1 for _ in tree.getroot().iter(f"{TEI}*"))
    for index in sorted(rng.sample(range(1, count), min(per_document, count - 1))):
        for change in ("remove", "double", "first", "rename", "attribute", "date"):
            copy = etree.ElementTree(etree.fromstring(etree.tostring(tree)))
            element = list(copy.getroot().iter(f"{TEI}*"))[index]
            parent = element.getparent()
            if change == "remove":
                parent.remove(element)
            elif change == "double":
                element.addnext(etree.fromstring(etree.tostring(element, with_tail=False)))
            elif change == "first":
                parent.insert(0, element)
            elif change == "rename":
                element.tag = TEI + rng.choice(names)
            elif change == "attribute":
                element.set(rng.choice(["type", "when", "n", "rend", "foo"]), rng.choice(["x", "1958-13-45", ""]))
            else:
                element.set("when", "31 July 1958")
            yield f"{change} element {index} <{etree.QName(element).localname}>", copy


def test_restricted_tei_all_gives_tei_alls_verdict(tei_all):
    """On the sample corpus and 1,350 documents mutated from it, tei_all restricted to the
    edition's elements accepts exactly what the whole tei_all accepts."""
    import random

    from edition.validate import load_tei_all_restricted

    restricted, _ = load_tei_all_restricted()
    rng = random.Random(1958)
    verdicts = {True: 0, False: 0}
    for path in sorted((REPO / "tei").glob("*.xml")) + VALID_FILES:
        tree = etree.parse(str(path))
        assert restricted.validate(tree) and tei_all.validate(tree), path
        for what, mutant in _mutants(tree, rng):
            expected = tei_all.validate(mutant)
            assert restricted.validate(mutant) == expected, f"{path.name}: {what}: tei_all says {expected}"
            verdicts[expected] += 1
    # the mutants test both answers, not only one
    assert verdicts[True] > 100 and verdicts[False] > 100, verdicts


def test_a_document_with_other_elements_is_checked_against_the_whole_tei_all(tmp_path, tei_all):
    """<milestone/> is TEI but not the edition's: tei_all admits it in a paragraph, the edition
    schema does not; the tei_all check must still say what tei_all says."""
    from edition.validate import check_tei_all, load_tei_all_restricted, tei_all_for

    path = variant(tmp_path, "with-milestone", ("<p xml:id=", "<p xml:id="))
    tree = etree.parse(str(path))
    first_p = next(tree.getroot().iter(f"{TEI}p"))
    first_p.insert(0, etree.Element(f"{TEI}milestone", unit="section"))
    assert tei_all_for(tree) is tei_all
    assert tei_all.validate(tree)
    assert check_tei_all(tree, path) == []
    assert not load_tei_all_restricted()[0].validate(tree)  # why the whole grammar is needed
    assert not load_edition_schema().validate(tree)
