"""The alignment of two translations of one conversation (edition/align.py), against a hand-made
alignment of the first 40 turns of Wolff's abridged translation with Zubok's full one; its TEI
(standOff/linkGrp[@type='translation']) and an editor's corrections surviving reconversion."""

import shutil
import tomllib
from pathlib import Path

import pytest
from lxml import etree

from edition.align import Unit, align, align_pair, load_corrections, units
from edition.convert import convert_corpus
from edition.errors import EditionError
from edition.project import RegisterFiles
from edition.validate import validate_paths

ROOT = Path(__file__).resolve().parent.parent
WOLFF = "1958-07-31_khrushchev-mao_first-conversation_wolff"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
HAND = ROOT / "tests" / "fixtures" / "align" / "wolff-zubok-first-40.toml"
TEI = "{http://www.tei-c.org/ns/1.0}"


def tree(doc_id: str) -> etree._Element:
    return etree.parse(str(ROOT / "tei" / f"{doc_id}.xml")).getroot()


@pytest.fixture(scope="module")
def alignment():
    return align(units(tree(WOLFF)), units(tree(ZUBOK)), WOLFF, ZUBOK)


def test_the_hand_alignment_covers_the_first_40_wolff_turns():
    hand = tomllib.loads(HAND.read_text("utf-8"))["wolff"]
    assert [f"sp-{n}" for n in range(1, 41)] == [k for k in hand if k.startswith("sp-")]
    assert sum(len(v) for k, v in hand.items() if k.startswith("gap-")) == 7 + 74 + 4 + 20


def test_automatic_alignment_agrees_with_the_hand_alignment(alignment):
    hand = tomllib.loads(HAND.read_text("utf-8"))["wolff"]
    found = alignment.counterparts()
    disagreements = {passage: (sorted(expected), sorted(found.get(passage, ())))
                     for passage, expected in hand.items() if set(found.get(passage, ())) != set(expected)}
    assert disagreements == {}


def test_alignment_figures(alignment):
    """Every Wolff turn has its Zubok turn; every other Zubok turn is under one of Wolff's six
    summaries but the last two (after the end of Wolff's abridgement)."""
    figures = alignment.figures()
    assert figures == {"a_turns": 56, "b_turns": 269, "a_turns_paired": 56, "b_turns_paired": 56,
                       "a_turns_summarised": 0, "b_turns_summarised": 211, "a_turns_alone": 0, "b_turns_alone": 2}
    assert alignment.counterparts()["sp-47"] == ("sp-144",)  # "the radar station", before the summary gap-5
    assert alignment.counterparts()["sp-56"] == ("sp-266",)


def test_reversed_alignment_gives_each_zubok_turn_its_wolff_passage(alignment):
    back = alignment.reversed().counterparts()
    assert back["sp-144"] == ("sp-47",)
    assert back["sp-22"] == back["sp-91"] == back["sp-269"] == ("gap-2",)
    assert "sp-267" not in back and "p-4" not in back


def turn(pid: str, who: str, text: str) -> Unit:
    return Unit(pid, "turn", who, text)


def test_turns_of_other_speakers_are_never_paired_however_alike():
    a = [turn("sp-1", "mao", "We must build the station ourselves"), turn("sp-2", "khr", "Agreed completely")]
    b = [turn("sp-1", "khr", "We must build the station ourselves"), turn("sp-2", "mao", "Agreed completely")]
    assert align(a, b).links == []


def test_short_turns_between_aligned_pairs_are_paired_by_position():
    a = [turn("sp-1", "mao", "The criticism of Stalin's mistakes is correct, within limits"),
         turn("sp-2", "khr", "Correct."),
         turn("sp-3", "mao", "His life was mainly one of merit and accomplishments")]
    b = [turn("sp-1", "mao", "The criticism of the mistakes of Stalin is justified within strict limits"),
         turn("sp-2", "khr", "This is fair."),
         turn("sp-3", "mao", "The essential in his life was merit, his accomplishments")]
    links = {link.ours: (link.theirs, link.evidence) for link in align(a, b).links}
    assert links[("sp-2",)] == (("sp-2",), "position")
    assert links[("sp-1",)][1] == links[("sp-3",)][1] == "words"


def test_an_omission_of_either_side_stands_for_the_run_between_its_neighbours():
    a = [turn("sp-1", "mao", "Our cooperation is assured for ten thousand years"),
         turn("sp-2", "khr", "Then we meet again in 9,999 years"),
         turn("sp-3", "mao", "There are differences of opinion, like one finger of ten")]
    b = [turn("sp-1", "mao", "Our cooperation is assured for 10,000 years"),
         Unit("gap-1", "omission", "", "Khrushchev answers; they agree to meet."),
         turn("sp-2", "mao", "There are differences of opinion, one finger of ten fingers")]
    found = align(a, b).counterparts()
    assert found == {"sp-1": ("sp-1",), "sp-2": ("gap-1",), "sp-3": ("sp-2",)}


def convert_with(tmp_path: Path, corrections: str | None = None):
    tei = tmp_path / "tei"
    shutil.copytree(ROOT / "tei", tei)
    registers = tmp_path / "registers"
    registers.mkdir()
    if corrections is not None:
        (registers / "alignments.toml").write_text(corrections, encoding="utf-8")
    report = convert_corpus(ROOT / "corpus", tei, force=True, progress=False, registers=RegisterFiles(registers))
    return tei, report


def links_of(path: Path) -> dict[str, tuple[str, ...]]:
    root = etree.parse(str(path)).getroot()
    groups = root.findall(f"{TEI}standOff/{TEI}linkGrp[@type='translation']")
    assert len(groups) == 1
    found = {}
    for link in groups[0].iter(f"{TEI}link"):
        tokens = link.get("target").split()
        ours = [t[1:] for t in tokens if t.startswith("#")]
        theirs = tuple(t.split("#")[1] for t in tokens if not t.startswith("#"))
        for passage in ours:
            found[passage] = (theirs, link.get("subtype"), link.get("resp"), link.get("cert"))
    return found


def test_conversion_writes_the_alignment_into_both_files_and_they_validate(tmp_path):
    tei, _report = convert_with(tmp_path)
    wolff, zubok = links_of(tei / f"{WOLFF}.xml"), links_of(tei / f"{ZUBOK}.xml")
    assert wolff["sp-47"] == (("sp-144",), "words", "#edition", "high")
    assert zubok["sp-144"][0] == ("sp-47",)
    assert zubok["sp-100"][0] == ("sp-20",) and wolff["gap-3"][0] == ("sp-95", "sp-96", "sp-97", "sp-98")
    group = etree.parse(str(tei / f"{WOLFF}.xml")).getroot().find(f"{TEI}standOff/{TEI}linkGrp")
    assert group.get("corresp") == f"{ZUBOK}.xml"
    assert etree.parse(str(tei / "1960-06-07_mao-zedong_albanian-delegation.xml")).getroot().find(
        f"{TEI}standOff") is None
    report = validate_paths([tei / f"{WOLFF}.xml", tei / f"{ZUBOK}.xml"], tei_all=False)
    assert report.ok, [str(p) for p in report.problems]


def test_an_editors_correction_survives_reconversion_and_a_wrong_one_is_reported(tmp_path):
    corrections = (f'["{WOLFF}--{ZUBOK}"]\n'
                   '"sp-47" = ["sp-143", "sp-144"]\n'
                   '"gap-5" = ["sp-145..sp-150"]\n'
                   '"sp-99" = ["sp-1"]\n')
    tei, report = convert_with(tmp_path, corrections)
    wolff = links_of(tei / f"{WOLFF}.xml")
    assert wolff["sp-47"] == (("sp-143", "sp-144"), "editor", None, None)
    assert wolff["gap-5"][0] == ("sp-145", "sp-146", "sp-147", "sp-148", "sp-149", "sp-150")
    assert "sp-46" not in wolff  # its counterpart sp-143 is the editor's sp-47's now
    assert any("sp-99" in p.message and "no such passage" in p.message for p in report.problems)
    # a second conversion (nothing changed) keeps the correction: it lives in the register
    again = convert_corpus(ROOT / "corpus", tei, progress=False, registers=RegisterFiles(tmp_path / "registers"))
    assert {r.status for r in again.results} == {"unchanged"}
    assert links_of(tei / f"{WOLFF}.xml")["sp-47"][1] == "editor"
    # the correction read from the other document's side gives the same links
    zubok = links_of(tei / f"{ZUBOK}.xml")
    assert zubok["sp-143"][0] == zubok["sp-144"][0] == ("sp-47",)


def test_corrections_named_from_the_other_side_are_applied_in_that_direction():
    corrections = {f"{ZUBOK}--{WOLFF}": {"sp-267": ("sp-56",)}}
    alignment, problems = align_pair(tree(WOLFF), tree(ZUBOK), WOLFF, ZUBOK, corrections)
    assert problems == []
    assert set(alignment.counterparts()["sp-56"]) == {"sp-267"}


def test_a_register_that_is_not_a_table_of_pairs_is_an_error(tmp_path):
    path = tmp_path / "alignments.toml"
    path.write_text('["no-pair-here"]\n"sp-1" = ["sp-2"]\n', encoding="utf-8")
    with pytest.raises(EditionError, match="two document ids"):
        load_corrections(path)
    path.write_text(f'["{WOLFF}--{ZUBOK}"]\n"sp-1" = 3\n', encoding="utf-8")
    with pytest.raises(EditionError, match="passage id or a list"):
        load_corrections(path)
