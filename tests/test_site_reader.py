"""The reader's edition, built from the repository's tei/ (issue 13): aligned comparison rows,
counterpart links, persons by family name and per conversation, CSL citations without
placeholders, one date style, the quality page's build warnings, print settings."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from lxml import html

from edition.settings import Settings, load_settings
from edition.site.build import build_site, css_string
from edition.site.collection import family_name
from edition.site.document import format_date, load_document, set_date_style
from edition.site.render import name_translations, passage_name, passages_label

ROOT = Path(__file__).resolve().parent.parent
WOLFF = "1958-07-31_khrushchev-mao_first-conversation_wolff"
ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"
COMPARE = f"compare/{WOLFF}--{ZUBOK}.html"
PLACEHOLDERS = ("Edition Team", "Sample Edition", "example.org", "{passage", "February 3, 1901")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tei = tmp_path_factory.mktemp("tei") / "tei"
    shutil.copytree(ROOT / "tei", tei)
    out = tmp_path_factory.mktemp("site") / "site"
    return out, build_site(tei, out, load_settings(ROOT / "edition.toml"), progress=False, jobs=1)


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built[0]


def page(site: Path, rel: str):
    return html.fromstring((site / rel).read_bytes())


def test_each_wolff_turn_shares_a_row_with_its_zubok_counterpart(site):
    rows = page(site, COMPARE).xpath("//div[contains(@class,'aligned-row') and not(contains(@class,'headers'))]")
    row_of = {el.get("id"): n for n, row in enumerate(rows) for el in row.xpath(".//*[@id]")}
    assert row_of["a-sp-32"] == row_of["b-sp-112"]
    assert row_of["a-sp-47"] == row_of["b-sp-144"]
    # an omission's row holds every turn it stands for, and nothing of Wolff's but the summary
    gap_row = rows[row_of["a-gap-3"]]
    assert [t.get("id") for t in gap_row.xpath(".//div[@data-column='b-']/div[contains(@class,'turn')]")] == \
        ["b-sp-95", "b-sp-96", "b-sp-97", "b-sp-98"]
    assert gap_row.xpath(".//div[@data-column='a-']//div[contains(@class,'turn')]") == []
    # rows never cross: the order of both texts is kept
    wolff = [row_of[f"a-sp-{n}"] for n in range(1, 57)]
    zubok = [row_of[f"b-sp-{n}"] for n in range(1, 269)]
    assert wolff == sorted(wolff) and zubok == sorted(zubok)
    # a passage without counterpart gets a row of its own, marked
    assert rows[row_of["b-p-4"]].xpath(".//p[@class='no-counterpart']")


def test_document_pages_link_each_passage_to_its_counterpart(site):
    wolff = page(site, f"documents/{WOLFF}.html")
    link = wolff.xpath("//div[@id='sp-32']//a[@class='counterpart']")[0]
    assert link.get("href") == f"{ZUBOK}.html#sp-112"
    assert link.text_content().strip() == "Zubok: turn 112"
    assert link.get("title") == "This passage in Zubok’s translation"
    zubok = page(site, f"documents/{ZUBOK}.html")
    assert zubok.xpath("//div[@id='sp-60']//a[@class='counterpart']/@href") == [f"{WOLFF}.html#gap-2"]
    assert zubok.xpath("//div[@id='sp-65']//a[@class='speaker']/@href") == ["../persons/deng-xiaoping.html"]
    albania = page(site, "documents/1960-06-07_mao-zedong_albanian-delegation.html")
    assert albania.xpath("//a[@class='counterpart']") == []


def test_a_counterpart_in_a_translation_the_edition_does_not_publish_is_dropped():
    from markupsafe import Markup

    body = Markup('<p>x<span class="counterparts"><a class="counterpart" href="gone.html#sp-1" data-translation="gone">'
                  '<span class="counterpart-in"><span class="translation-name" data-for="gone"></span></span> turn 1'
                  '</a></span></p>')
    assert str(name_translations(body, {})) == "<p>x</p>"
    named = str(name_translations(body, {"gone": "Wolff’s translation"}))
    assert "Wolff:" in named and 'title="This passage in Wolff’s translation"' in named


def test_passages_are_named_as_the_reader_sees_them():
    assert passage_name("sp-131") == "turn 131" and passage_name("fn-3") == "note 3"
    assert passage_name("p-2") == "paragraph 2" and passage_name("odd") == "odd"
    assert passages_label(("sp-22", "sp-23", "p-36", "sp-91")) == "turns 22–91 (4 passages)"
    assert passages_label(("gap-2",)) == "omitted passage (summary)"


@pytest.mark.parametrize("name, family", [("Nikita S. Khrushchev", "Khrushchev"), ("Mao Zedong", "Mao"),
                                          ("Deng Xiaoping", "Deng"), ("Kim Il Sung", "Kim"), ("Liri Belishova", "Belishova"),
                                          ("Mihal", "Mihal"), ("Ho Chi Minh", "Ho")])
def test_family_names(name, family):
    assert family_name(name) == family


def test_a_surname_the_tei_gives_is_followed():
    assert family_name("Zhou Enlai", surname="Zhou") == "Zhou"
    assert family_name("Kim Sung-ae", surname="Sung-ae") == "Sung-ae"


def test_persons_index_by_family_name_counting_each_conversation_once(site):
    rows = page(site, "persons/index.html").xpath("//table[contains(@class,'persons')]/tbody/tr")
    names = [r.xpath("string(td[1]/a)") for r in rows]
    assert names.index("Khrushchev, Nikita S.") < names.index("Lleshi, Haxhi") < names.index("Mao Zedong") \
        < names.index("Ponomarev, Boris N.")
    mao = rows[names.index("Mao Zedong")]
    assert mao.xpath("string(td[2])") == "2"  # two conversations, though three documents


def test_person_page_shows_register_facts_and_silent_presence(site):
    mao = page(site, "persons/mao-zedong.html")
    facts = " ".join(mao.xpath("//dl[contains(@class,'person-facts')]//text()"))
    assert "December 26, 1893" in facts and "Chairman of the Chinese Communist Party" in facts
    assert mao.xpath("//a[contains(@class,'authority-wikidata')]/@href") == ["https://www.wikidata.org/wiki/Q5816"]
    assert len(mao.xpath("//section[contains(@class,'conversation-appearance')]")) == 2


def test_citations_come_from_csl_and_name_nothing_unknown(site):
    doc = page(site, f"documents/{ZUBOK}.html")
    citation = doc.xpath("string(//p[@id='citation'])")
    assert citation.startswith("“First Conversation")
    assert "translated by Vladislav M. Zubok" in citation and "Conversations with Mao Zedong" in citation
    template = doc.xpath("string(//section[@id='cite']/@data-passage-template)")
    assert "{passage_name}" in template
    for text in (citation, doc.xpath("string(//p[@id='passage-citation'])")):
        for placeholder in PLACEHOLDERS:
            assert placeholder not in text
    assert "turn 1." in doc.xpath("string(//p[@id='passage-citation'])")
    csl = json.loads((site / f"cite/{ZUBOK}.json").read_text("utf-8"))
    assert csl[0]["type"] == "manuscript" and csl[0]["archive_location"].startswith("fond 52")
    assert "editor" not in csl[0] and "publisher" not in csl[0]
    for rel in (f"cite/{ZUBOK}.bib", f"cite/{ZUBOK}.ris", f"cite/{ZUBOK}.json", f"documents/{ZUBOK}.html"):
        text = (site / rel).read_text("utf-8")
        for placeholder in ("Edition Team", "Sample Edition", "example.org"):
            assert placeholder not in text, (rel, placeholder)


def test_what_the_settings_leave_out_is_a_build_warning_listed_on_the_quality_page(built):
    site, report = built
    messages = [w.message for w in report.warnings]
    for key in ("editors", "publisher", "licence", "base_url"):
        assert any(f"no `{key}` setting" in m for m in messages), key
    quality = page(site, "quality.html")
    listed = quality.xpath("string(//section[contains(@class,'build-warnings')])")
    assert "no `publisher` setting" in listed and "no `editors` setting" in listed


def test_one_date_style_across_the_edition(tmp_path):
    try:
        set_date_style("day-month-year")
        assert format_date("1958-07-31") == "31 July 1958"
        set_date_style("iso")
        assert format_date("1958-07-31") == "1958-07-31"
    finally:
        set_date_style("month-day-year")
    tei = tmp_path / "tei"
    shutil.copytree(ROOT / "tei", tei)
    settings = dataclasses.replace(load_settings(ROOT / "edition.toml"), date_style="day-month-year")
    build_site(tei, tmp_path / "site", settings, progress=False, jobs=1)
    set_date_style("month-day-year")
    doc = page(tmp_path / "site", f"documents/{ZUBOK}.html")
    assert doc.xpath("string(//p[@class='doc-kicker']/time)") == "31 July 1958"
    assert doc.xpath("string(//footer//time[contains(@class,'build-date')])") == "15 January 2025"


def test_an_unknown_date_style_is_refused(tmp_path):
    from edition.errors import EditionError

    with pytest.raises(EditionError, match="date_style"):
        build_site(ROOT / "tei", tmp_path / "site", Settings(date_style="lunar"), progress=False)


def test_print_settings_carry_the_title_safely():
    assert str(css_string('A "b" </style>')) == '"A \\22 b\\22  \\3c /style\\3e "'


def test_the_alignment_is_read_from_the_tei():
    doc = load_document(ROOT / "tei" / f"{WOLFF}.xml")
    assert doc.alignments[ZUBOK]["sp-32"] == ("sp-112",)
    assert len(doc.alignments[ZUBOK]["gap-3"]) == 4
