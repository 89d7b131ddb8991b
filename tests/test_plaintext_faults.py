"""No text is silently dropped: every word of a record's body is in its plain-text download and
in its search view, and each fault a review found in them stays fixed.

The word-coverage tests read the body's text nodes (never comments), less the readings a choice
does not show (a repaired record shows `corr`/`reg`, not the damaged `sic`/`orig`; the source's
forms show the reverse), and require each word as often in the output as in the body.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree, html

from edition.plaintext import body_words_text, tei_to_plaintext
from edition.site.document import load_document, render_document
from edition.site.search import search_view
from edition.tei import TEI_NS
from test_variety import TRUTH, converted  # noqa: F401  (the variety records converted as there, once)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "tei").glob("*.xml")) + sorted((ROOT / "tests" / "fixtures" / "site").glob("*.xml"))
VARIETY_NAMES = sorted(TRUTH)
TEI = f"{{{TEI_NS}}}"
# a small record's header, for purpose-made bodies
HEADER_SOURCE = ROOT / "tei" / "1960-06-07_mao-zedong_albanian-delegation.xml"


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.replace("’", "'").replace("'", "").lower())


def _local(el) -> str:
    return el.tag.rpartition("}")[2] if isinstance(el.tag, str) else ""


def _shown_elsewhere(el, original: bool) -> bool:
    """Whether `el` is the reading of a choice that the output does not show."""
    parent = el.getparent()
    if parent is None or _local(parent) != "choice":
        return False
    siblings = {_local(child) for child in parent}
    if original:
        return _local(el) in ("corr", "reg") and bool(siblings & {"sic", "orig"})
    return _local(el) in ("sic", "orig") and bool(siblings & {"corr", "reg"})


def body_words(root, original: bool = False, without: frozenset[str] = frozenset()) -> Counter:
    """The words of the body's text nodes (comments are not text nodes), less the unshown
    readings of choices and the elements named in `without`."""
    body = root.find(f".//{TEI}text/{TEI}body")
    counted: Counter = Counter()
    for node in body.xpath(".//text()"):
        holder = node.getparent()
        owner = holder.getparent() if node.is_tail else holder  # the element whose content it is
        chain = [owner, *owner.iterancestors()]
        if any(_shown_elsewhere(el, original) or _local(el) in without for el in chain):
            continue
        counted.update(words(str(node)))
    return counted


def missing_from(expected: Counter, output: str) -> dict[str, int]:
    return dict(expected - Counter(words(output)))


def _search_text(path: Path) -> str:
    doc = load_document(path)
    render_document(doc, lambda pid: None)
    return " ".join(html.fromstring(search_view(doc)).itertext())


def added_words(root, plain: str) -> dict[str, int]:
    """Words of the plain text's text and notes that are not the body's: only the edition's own
    ([sic], the "Notes" heading, each note's number at its marker and in the list) may be."""
    text = "\n".join(plain.split("-" * 72)[1:-1])
    own = Counter({"notes": 1, "sic": sum(1 for _ in root.iter(f"{TEI}sic"))})
    for note in root.iter(f"{TEI}note"):
        own.update(words(note.get("n") or "") * 2)
    return dict(Counter(words(text)) - body_words(root) - own)


def _spaced(el) -> str:
    return " ".join("".join(el.itertext()).split())


def conventions_kept(root, plain: str) -> Counter:
    """Check the plain text's bracket and line conventions against each construct of the body;
    returns how many of each it checked."""
    body = root.find(f".//{TEI}text/{TEI}body")
    text = plain.split("-" * 72)[1]
    checked: Counter = Counter()
    for seg in body.iter(f"{TEI}seg"):
        if seg.get("type") == "alternative-name":  # bracketed, as the page and the search show it
            assert f"[{_spaced(seg)}]" in plain
            checked["alternative name"] += 1
    for choice in body.iter(f"{TEI}choice"):
        abbr, expan = choice.find(f"{TEI}abbr"), choice.find(f"{TEI}expan")
        if abbr is not None and expan is not None:
            assert f"{_spaced(abbr)} [{_spaced(expan)}]" in plain
            checked["abbreviation"] += 1
    for stage in body.iter(f"{TEI}stage"):
        words_of = _spaced(stage)
        assert (words_of if words_of.startswith("(") else f"({words_of})") in plain
        checked["stage direction"] += 1
    printed = "".join(body.xpath(".//text()"))
    assert text.count("((") <= printed.count("((") and text.count("))") <= printed.count("))")
    # one space between words; a new line within a paragraph only where the body has an lb
    assert not re.search(r"[ \t]{2}|\t| \n|\n ", text)
    paragraphs = text.strip().split("\n\n")
    assert sum(p.count("\n") for p in paragraphs) == sum(1 for lb in body.iter(f"{TEI}lb")
                                                       if not any(_local(a) == "note" for a in lb.iterancestors()))
    checked["line break"] += sum(p.count("\n") for p in paragraphs)
    return checked


def _coverage(path: Path) -> Counter:
    root = etree.parse(str(path)).getroot()
    plain = tei_to_plaintext(root)
    assert not missing_from(body_words(root), plain), "plain text"
    assert not added_words(root, plain), "plain text: words that are not the body's"
    assert not missing_from(body_words(root, original=True), body_words_text(root, original=True)), "source forms"
    # a turn's label is its heading in the search view, where the edition names the speaker
    assert not missing_from(body_words(root, without=frozenset({"speaker"})), _search_text(path)), "search view"
    return conventions_kept(root, plain)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_word_of_a_sample_body_is_in_its_plain_text_and_search_view(path: Path) -> None:
    _coverage(path)


@pytest.mark.parametrize("name", VARIETY_NAMES)
def test_every_word_of_a_variety_record_is_in_its_plain_text_and_search_view(converted, name: str) -> None:
    _coverage(converted[name])


def test_every_word_of_a_record_with_each_fault_is_in_its_plain_text_and_search_view(tmp_path) -> None:
    """A record holding each construct the review found dropped or added: the check that would
    have caught them."""
    path = tmp_path / "record.xml"
    path.write_bytes(_record(TURN_WITH_EVERYTHING.replace(
        "<p xml:id=\"p-3\">A division within.</p>",
        "<p xml:id=\"p-3\">A <!-- unseen remark --> division within the <choice><expan>Central State Archives"
        "</expan><abbr>AQSH</abbr></choice> <seg type=\"alternative-name\">Shqipëria</seg>,<lb/>and more.</p>")))
    assert set(_coverage(path)) == {"alternative name", "abbreviation", "stage direction", "line break"}


def test_the_coverage_check_finds_a_dropped_word() -> None:
    root = etree.fromstring(_record('<div><p xml:id="p-1">Kept <!-- a comment -->words '
                                    '<choice><sic>Yugosla via</sic><corr>Yugoslavia</corr></choice></p></div>'))
    expected = body_words(root)
    assert expected == Counter({"kept": 1, "words": 1, "yugoslavia": 1})
    assert missing_from(expected, "Kept Yugoslavia") == {"words": 1}
    assert missing_from(expected, "Kept words words Yugoslavia") == {}
    plain = "\n".join(["Title", "-" * 72, "Kept a comment words Yugoslavia", "-" * 72, "Source: a comment"])
    assert added_words(root, plain) == {"a": 1, "comment": 1}


# --- purpose-made records, one fault each ---------------------------------------------------


def _record(body: str) -> bytes:
    """A record with the sample's header and `body` as its body's content."""
    source = HEADER_SOURCE.read_bytes()
    start, end = source.index(b"<body>") + len(b"<body>"), source.index(b"</body>")
    return source[:start] + body.encode("utf-8") + source[end:]


def _plain(body: str) -> str:
    return tei_to_plaintext(etree.fromstring(_record(body)))


def _text_part(plain: str) -> str:
    """The plain text between the header's rule and the notes' or the source's."""
    return plain.split("-" * 72)[1].strip()


def _search(tmp_path: Path, body: str) -> str:
    path = tmp_path / "record.xml"
    path.write_bytes(_record(body))
    return _search_text(path)


def test_an_abbreviation_is_printed_with_its_expansion() -> None:
    plain = _plain('<div><p xml:id="p-1">Held in the <choice><expan>Archive of the President of the Russian '
                   'Federation</expan><abbr>APRF</abbr></choice>.</p></div>')
    assert _text_part(plain) == "Held in the APRF [Archive of the President of the Russian Federation]."


def test_an_abbreviation_is_searchable_as_printed_and_expanded(tmp_path) -> None:
    view = _search(tmp_path, '<div><p xml:id="p-1">the <choice><expan>Central Committee</expan>'
                             '<abbr>CC</abbr></choice> met</p></div>')
    assert "the CC [Central Committee] met" in view


def test_another_form_of_a_name_is_bracketed_as_on_the_page() -> None:
    plain = _plain('<div><p xml:id="p-1">Then Jiang Jieshi <seg type="alternative-name">Chiang Kai-shek</seg> '
                   'left.</p></div>')
    assert _text_part(plain) == "Then Jiang Jieshi [Chiang Kai-shek] left."


def test_words_the_edition_added_are_bracketed_as_on_the_page() -> None:
    plain = _plain('<div><p xml:id="p-1">The talks <add>were</add> resumed.</p></div>')
    assert _text_part(plain) == "The talks [were] resumed."


def test_a_stage_direction_keeps_the_parentheses_the_source_printed() -> None:
    plain = _plain('<div><sp xml:id="sp-1" who="#mao-zedong"><speaker>MAO</speaker><stage>(laughs)</stage>'
                   '<p xml:id="p-1">Good <stage>(pause)</stage> and <stage>shrugs</stage>.</p></sp></div>')
    assert _text_part(plain) == "MAO (laughs): Good (pause) and (shrugs)."


def test_a_line_break_of_the_source_is_a_space_and_an_lb_a_new_line() -> None:
    plain = _plain('<div><p xml:id="p-1">one\n      two\tthree<lb/>four\n  five</p></div>')
    assert _text_part(plain) == "one two three\nfour five"


def test_a_comment_is_not_text() -> None:
    plain = _plain('<div><p xml:id="p-1">before <!-- editor: check this --> after<?pi not text?>.</p>'
                   '<!-- between paragraphs --></div>')
    assert _text_part(plain) == "before after."
    assert "editor" not in plain and "between" not in plain and "pi not" not in plain


TURN_WITH_EVERYTHING = (
    '<div xml:id="d-1"><p xml:id="p-1">First division.</p></div>'
    '<div xml:id="d-2"><head>Second division</head>'
    '<sp xml:id="sp-1" who="#mao-zedong"><speaker>MAO</speaker><stage>smiling</stage>'
    '<p xml:id="p-2">Words one.</p>'
    '<gap reason="omitted" xml:id="gap-1"><desc>talk of the harvest</desc></gap>'
    '<gap reason="omitted" xml:id="gap-2"/>'
    '<note n="7" xml:id="fn-7" place="foot">A note in the turn.</note>'
    '<ab xml:id="ab-1">An anonymous block.</ab>'
    '<stage xml:id="stage-2">leaves the room</stage>'
    '<stage xml:id="stage-3">(returns)</stage>'
    '</sp>'
    '<div xml:id="d-3"><p xml:id="p-3">A division within.</p></div>'
    '</div>')


def test_every_division_and_every_child_of_a_turn_is_in_the_plain_text() -> None:
    plain = _plain(TURN_WITH_EVERYTHING)
    assert _text_part(plain).split("\n\n") == [
        "First division.", "Second division", "MAO (smiling): Words one.", "[talk of the harvest]", "[…]",
        "[7]", "An anonymous block.", "(leaves the room)", "(returns)", "A division within."]
    assert "Notes\n\n[7] A note in the turn.\n" in plain


def test_a_note_without_a_number_is_numbered_as_the_page_numbers_it() -> None:
    plain = _plain('<div><p xml:id="p-1">One<note place="foot" xml:id="fn-a">First.</note> two'
                   '<note place="foot" xml:id="fn-b">Second.</note>.</p></div>')
    assert _text_part(plain).startswith("One[1] two[2].")
    assert "[1] First.\n[2] Second.\n" in plain


def test_the_search_view_indexes_a_turns_omission_and_the_opener_and_closer(tmp_path) -> None:
    view = _search(tmp_path,
                   '<div><opener><dateline><date when="1960-06-07">7 June 1960</date> in Beijing</dateline></opener>'
                   '<sp xml:id="sp-1" who="#mao-zedong"><speaker>MAO</speaker><p xml:id="p-1">Words.</p>'
                   '<gap reason="omitted" xml:id="gap-1"><desc>talk of the harvest</desc></gap></sp>'
                   '<closer><seg type="recorder">Recorded by the interpreter.</seg></closer></div>')
    assert "7 June 1960 in Beijing" in view
    assert "Words. [talk of the harvest]" in view
    assert "Recorded by the interpreter." in view


def test_the_search_view_reads_every_division_and_child_of_a_turn(tmp_path) -> None:
    view = _search(tmp_path, TURN_WITH_EVERYTHING)
    for passage in ("First division.", "Second division", "(smiling) Words one. [talk of the harvest] […] "
                    "An anonymous block. (leaves the room) (returns)", "A division within.", "A note in the turn."):
        assert passage in view
    assert view.count("A note in the turn.") == 1  # a footnote is a passage of its own, not a turn's words


def test_each_line_of_a_closer_is_a_paragraph_of_the_plain_text_as_on_the_page() -> None:
    """A closer of several parts (who recorded, who typed, how many copies) is one line each on
    the page; the plain text ran them into one paragraph."""
    plain = _plain('<div><p xml:id="p-1">The meeting ends here.</p>'
                   '<closer><seg type="recorder">The protocol was kept by Myfit Mushi.</seg> '
                   '<seg type="typist">It was typed by M. Mushi and F.K.</seg> <seg type="copies">3 copies.</seg>'
                   '</closer></div>')
    assert _text_part(plain).split("\n\n") == ["The meeting ends here.", "The protocol was kept by Myfit Mushi.",
                                               "It was typed by M. Mushi and F.K.", "3 copies."]
