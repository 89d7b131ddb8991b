"""Safe with hostile and careless input (issue 16): each test fed what an attacker or a careless
user would, and checked for what the edition does with it now."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
WOLFF = "1958-07-31_khrushchev-mao_first-conversation_wolff"


def sample_tei(doc_id: str = ZUBOK) -> etree._ElementTree:
    return etree.parse(str(ROOT / "tei" / f"{doc_id}.xml"))


# --- the search index ------------------------------------------------------------------------


def test_filter_values_are_stored_escaped_for_pagefind_ui():
    from edition.site.search import _SAFE_STORED, filter_value

    written = str(filter_value("<img src=x onerror=alert(1)> & 'Co'"))
    assert "<" not in written and ">" not in written
    # what Pagefind stores after decoding the text twice: escaped once, as innerHTML needs it
    import html

    stored = html.unescape(html.unescape(written))
    assert stored == html.escape("<img src=x onerror=alert(1)> & 'Co'")
    assert _SAFE_STORED.fullmatch(stored)
    assert str(filter_value("Mao Zedong")) == "Mao Zedong"


def test_a_bundle_with_markup_in_a_filter_value_is_refused(tmp_path):
    from edition.site.search import _write, check_filter_values

    (tmp_path / "filter").mkdir()
    _write(tmp_path / "filter" / "en_1.pf_filter", ["Participant", [["Mao Zedong", [0]]]])
    check_filter_values(tmp_path)
    _write(tmp_path / "filter" / "en_2.pf_filter", ["Participant", [["<img src=x onerror=alert(1)>", [0]]]])
    with pytest.raises(RuntimeError, match="left out rather than made unsafe"):
        check_filter_values(tmp_path)


def _with_notes(count: int) -> etree._ElementTree:
    """The Zubok record with `count` footnotes in its first paragraph."""
    tree = copy.deepcopy(sample_tei())
    paragraph = tree.find(f".//{TEI}body//{TEI}sp/{TEI}p")
    for index in range(count):
        note = etree.SubElement(paragraph, f"{TEI}note", place="foot", n=f"x{index}", type="editorial")
        note.set(XML_ID, f"n-{9000 + index}")
        note.text = f"Note number {index}."
    return tree


def test_search_view_finds_every_note_in_one_pass(tmp_path, monkeypatch):
    """10,000 footnotes took 351 s to build: one whole-document search per note."""
    import edition.site.search as search
    from edition.site.document import load_document, render_document

    calls = {"find": 0}
    original = search.find

    def counting_find(*args):
        calls["find"] += 1
        return original(*args)

    monkeypatch.setattr(search, "find", counting_find)
    counts = {}
    for notes in (20, 400):
        path = tmp_path / f"{ZUBOK}.xml"
        _with_notes(notes).write(str(path), xml_declaration=True, encoding="UTF-8")
        doc = load_document(path)
        render_document(doc, lambda pid: None)
        calls["find"] = 0
        view = search.search_view(doc)
        counts[notes] = calls["find"]
        assert "Note number 399." in view or notes < 400
    assert counts[400] <= counts[20] + 5, counts
