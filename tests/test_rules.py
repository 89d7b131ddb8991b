"""One fixture a convention (tests/fixtures/rules/*.txt): a record in that convention beside
the body it must give, compactly (`sp #who | label | words`, `p | words`, `note n | words`,
`pb n`, `head | …`, `dateline | …`). Each fails when its rule breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.readers import read_source
from edition.tei import TEI_NS, XML_ID, document_to_tei

RULES = Path(__file__).parent / "fixtures" / "rules"
T = f"{{{TEI_NS}}}"


def _text(element, limit: int | None = None) -> str:
    text = " ".join("".join(element.itertext()).split())
    return text[:limit] if limit else text


def compact(root) -> list[str]:
    """The body as one line a unit: what a reader sees of each turn, paragraph, note, page."""
    out: list[str] = []
    for element in root.find(f".//{T}body").iter(f"{T}sp", f"{T}div", f"{T}p", f"{T}note", f"{T}pb",
                                                    f"{T}head", f"{T}dateline"):
        name = element.tag[len(T):]
        if name == "sp":
            speaker = element.find(f"{T}speaker")
            first = element.find(f"{T}p")
            label = _text(speaker) if speaker is not None else ""  # a turn narration announces has none
            out.append(f"sp {element.get('who')} | {label} | {_text(first, 120) if first is not None else ''}")
        elif name == "p" and element.getparent().tag != f"{T}sp":
            out.append(f"p | {_text(element, 120)}")
        elif name == "note":
            out.append(f"note {element.get('n')} | {_text(element)}")
        elif name == "pb" and element.getparent().getparent().tag != f"{T}sp" or name == "pb" and \
                element.getparent().getparent().find(f"{T}p") is not element.getparent():
            out.append(f"pb {element.get('n')}")
        elif name in ("head", "dateline"):
            out.append(f"{name} | {_text(element)}")
    return out


def fixtures() -> list:
    cases = []
    for path in sorted(RULES.glob("*.txt")):
        text = path.read_text("utf-8")
        source = text.split("--- input\n", 1)[1].split("--- expected\n", 1)[0]
        expected_text, _, persons_text = text.split("--- expected\n", 1)[1].partition("--- persons\n")
        expected = [line for line in expected_text.splitlines() if line.strip()]
        persons = [line for line in persons_text.splitlines() if line.strip()]
        cases.append(pytest.param(source, expected, persons, id=path.stem))
    return cases


def persons_of(root) -> list[str]:
    """`id | name | occupation …` of each person the header lists."""
    out = []
    for person in root.iterfind(f".//{T}person"):
        occupations = [o.text for o in person.iterfind(f"{T}occupation")]
        out.append(" | ".join([person.get(XML_ID), person.findtext(f"{T}persName"), *occupations]))
    return out


@pytest.mark.parametrize("source, expected, persons", fixtures())
def test_rule(tmp_path: Path, source: str, expected: list[str], persons: list[str]) -> None:
    path = tmp_path / "record.txt"
    path.write_text(source, "utf-8")
    root = document_to_tei(read_source(path, "record.txt"))
    assert compact(root) == expected
    if persons:
        assert persons_of(root) == persons


def test_a_record_read_by_the_wrong_route_keeps_its_turns(tmp_path: Path, monkeypatch) -> None:
    """PDF text (wrapped lines, no blank lines) taken for a web page would be one paragraph:
    the other readers are asked, and the one that finds the turns is kept, with a warning."""
    import edition.readers as readers

    source = ("Memorandum of Conversation\nWashington, July 27, 1970\n"
              "KISSINGER: We should meet again soon, and we should meet\nin Washington.\n"
              "DOBRYNIN: That is the right way to put it.\nKISSINGER: Then it is settled.\n"
              "DOBRYNIN: It is settled.\n")
    path = tmp_path / "record.txt"
    path.write_text(source, "utf-8")
    monkeypatch.setattr(readers, "detect_reader", lambda text: "web")
    document = readers.read_source(path, "record.txt")
    from edition.model import Turn
    assert sum(isinstance(block, Turn) for block in document.body) == 4
    assert any("not as web page saved as text" in problem.message for problem in document.problems)


def test_a_two_turn_record_read_by_the_wrong_route_keeps_both_turns(tmp_path: Path) -> None:
    """A printed telephone transcript of two turns (a FRUS page with its running head, initials
    for labels), which the route detection takes for a web page: two label lines are enough to
    ask the other readers."""
    source = ("690 FOREIGN RELATIONS, 1943, VOLUME XIII\n"
              "131. Transcript of Telephone Conversation Between the President's Assistant\n"
              "(Whitman) and the Ambassador (Bailey)\nSeoul, July 2, 1943, noon.\n"
              "W: Besides, there should be a Wartime Production Advisory Committee to\n"
              "coordinate the work of the various ministries concerned.\n"
              "B: The manufacture of automobiles requires many kinds of special products such as\n"
              "a special kind of steel, glass and textile.\n")
    path = tmp_path / "record.txt"
    path.write_text(source, "utf-8")
    document = read_source(path, "record.txt")
    from edition.model import Turn
    turns = [block for block in document.body if isinstance(block, Turn)]
    assert [turn.person_id for turn in turns] == ["whitman", "bailey"]
    assert "Transcript of Telephone Conversation" in str(document.head)  # its title, not a turn
