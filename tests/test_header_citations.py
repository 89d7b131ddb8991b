"""Archival citations: found by convention on real records, parsed into msIdentifier parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.archives import default_archives, find_citation, load_archives, parse_citation

from header_support import TRUTH, front_matter, notes_of, paragraphs_of, record_text

# record → (where the citation is, archive, (idno type, value) parts, locus as printed)
EXPECTED = {
    "wilson-111240_stalin-mao-record": ("block", "APRF", [("fond", "45"), ("opis", "1"), ("delo", "329")],
                                        "listy (ll.) 9-17"),
    "wilson-113318_mikoyan-mao-1949-02-04": ("block", "APRF", [("fond", "39"), ("opis", "1"), ("delo", "39")],
                                             "Ll. 54-62"),
    "docslib-112436_mikoyan-mao-1949-01-31": ("block", "APRF", [("fond", "39"), ("opis", "1"), ("delo", "39")],
                                              "Ll. 7-16"),
    "dfat-v12-d332_evatt-conference-canberra": ("bracket", "NAA", [("series", "A4311"), ("accession", "1"),
                                                                   ("box", "453")], ""),
    "dfat-v19-d212_australia-japan-sixth-plenary": ("bracket", "NAA", [("series", "A1838"), ("accession", "283"),
                                                                       ("control symbol", "759/1/7"),
                                                                       ("part", "vii")], ""),
    "dfat-v23-d96_commonwealth-state-meeting": ("bracket", "NAA", [("series", "A1838"),
                                                                   ("control symbol", "370/1119/18"),
                                                                   ("part", "xvii")], ""),
    "frus1944v06-d243_chiang-nelson-conversations": ("source-line", "NARA", [("record group", "59"),
                                                                             ("decimal file", "893.00/10–1244")], ""),
    "frus1949v09-d550_chennault-rusk-transcript": ("source-line", "NARA", [("record group", "59"),
                                                                           ("decimal file", "893.24/5–1149")], ""),
    "frus1946v09-d458_marshall-chou-minutes": ("source-line", "NARA", [("record group", "59"), ("lot", "54–D270")], ""),
    "frus1946v09-d585_committee-of-three-june22": ("source-line", "NARA", [("record group", "59"),
                                                                           ("lot", "54–D270")], ""),
    "frus1946v10-d276_marshall-chou-tsien-chung": ("source-line", "NARA", [("record group", "59"),
                                                                           ("lot", "54–D270")], ""),
    "frus1969-76v12-d188_kissinger-dobrynin-telcon": ("footnote", "LOC", [("box", "364")], ""),
}
SAMPLES = {
    "1958-07-31_khrushchev-mao_first-conversation_wolff": ("APRF", [("fond", "52"), ("opis", "1"), ("delo", "498")],
                                                           "ll. 44-77"),
    "1958-07-31_khrushchev-mao_first-conversation_zubok": ("APRF", [("fond", "52"), ("opis", "1"), ("delo", "498")],
                                                           "ll. 44-477"),
    "1960-06-07_mao-zedong_albanian-delegation": ("AQSH", [("fond", "14/AP"), ("year", "1960"), ("dossier", "3")],
                                                  "Fl. 1-9"),
}


def found(name: str):
    text = record_text(name)
    finding = find_citation(paragraphs_of(text), notes_of(text), front_matter(text))
    return finding, parse_citation(finding.text, finding=finding) if finding else None


def test_every_variety_record_is_listed() -> None:
    assert set(EXPECTED) == set(TRUTH)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_variety_record_gets_its_citation_with_the_repository_named(name) -> None:
    where, abbreviation, idnos, locus = EXPECTED[name]
    finding, source = found(name)
    assert finding.where == where
    assert (source.abbreviation, source.idnos, source.locus_text) == (abbreviation, idnos, locus)
    assert source.repository and source.country and source.settlement
    assert not source.warnings and not source.unparsed
    assert abbreviation in TRUTH[name]["archive"] or source.repository.split()[0] in TRUTH[name]["archive"] \
        or abbreviation == "NARA" and "NARA" in TRUTH[name]["archive"]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_samples_keep_their_archival_location(name) -> None:
    abbreviation, idnos, locus = SAMPLES[name]
    finding, source = found(name)
    assert (source.abbreviation, source.idnos, source.locus_text) == (abbreviation, idnos, locus)
    assert not source.warnings


def test_the_frus_source_note_is_the_citation_and_its_classification_is_split_off() -> None:
    finding, source = found("frus1969-76v12-d188_kissinger-dobrynin-telcon")
    assert (finding.note_n, finding.classification) == ("1", "No classification marking.")
    assert (source.institution, source.repository) == ("Library of Congress", "Manuscript Division")
    assert source.collections == ["Kissinger Papers", "Telephone Conversations", "Chronological File"]
    assert "classification" not in finding.text


def test_a_frus_file_line_names_no_archive_so_the_edition_supplies_it() -> None:
    finding, source = found("frus1946v09-d458_marshall-chou-minutes")
    assert finding.text == "Marshall Mission Files, Lot 54–D270" and finding.convention == "file-line"
    assert source.repository_supplied and source.collections == ["Marshall Mission Files"]
    assert source.citation == "Marshall Mission Files, Lot 54–D270"  # what the record prints, nothing added


def test_a_classification_line_of_the_record_is_found() -> None:
    finding, _ = found("dfat-v12-d332_evatt-conference-canberra")
    assert finding.classification == "TOP SECRET"


@pytest.mark.parametrize("paragraphs, notes, expected", [
    ([], [("1", 9, "Source: National Archives, RG 59, Central Files 1970-73, POL 7 CHICOM. Secret; Nodis. "
                   "Drafted by John H. Holdridge on August 3."), ("2", 11, "Source: not the first.")],
     ("footnote", "1", "National Archives, RG 59, Central Files 1970-73, POL 7 CHICOM", "Secret; Nodis.",
      "Drafted by John H. Holdridge on August 3.")),
    ([(1, "Source: TNA, PREM 11/2898. Top Secret.")], [],
     ("source-line", "", "TNA, PREM 11/2898", "Top Secret.", "")),
    ([(1, "**Citation:**"), (2, "get citation"), (3, "“A talk,” May 3, 1961, History and Public Policy Program "
                                                 "Digital Archive, GARF, f. 5446, op. 1, d. 2. Translated by X.")], [],
     ("block", "", "“A talk,” May 3, 1961, History and Public Policy Program Digital Archive, GARF, f. 5446, op. 1, "
                   "d. 2. Translated by X.", "", "")),
    ([(1, "Body."), (2, "_[NAA: A1838, 3016/11/161]_")], [], ("bracket", "", "NAA: A1838, 3016/11/161", "", "")),
    ([(1, "Body.")], [], None),
])
def test_citation_conventions_on_purpose_made_inputs(paragraphs, notes, expected) -> None:
    finding = find_citation(paragraphs, notes)
    if expected is None:
        assert finding is None
        return
    assert (finding.where, finding.note_n, finding.text, finding.classification, finding.rest) == expected


def test_front_matter_serves_when_the_text_prints_no_citation() -> None:
    finding = find_citation([(1, "Body.")], [], {"naa_refs": [{"reference": "[AA : A4311/1, BOX 453]"}]})
    assert (finding.where, finding.text, finding.line) == ("front-matter", "AA : A4311/1, BOX 453", None)


@pytest.mark.parametrize("citation, abbreviation, idnos, locus", [
    ("National Archives, RG 59, Central Files 1970-73, POL 7 CHICOM", "NARA",
     [("record group", "59"), ("file", "POL 7 CHICOM")], ""),
    ("The National Archives, Kew, FO 371/135920, ff. 12-14", "TNA", [("series", "FO 371"), ("piece", "135920")],
     "ff. 12-14"),
    ("National Archives of Australia: A1838, 3016/11/161", "NAA", [("series", "A1838"),
                                                                    ("control symbol", "3016/11/161")], ""),
    ("RGANI, f. 5, op. 30, d. 335, ll. 1-3", "RGANI", [("fond", "5"), ("opis", "30"), ("delo", "335")], "ll. 1-3"),
    ("AVP RF, f. 0100, op. 46, pap. 362, d. 12", "AVPRF", [("fond", "0100"), ("opis", "46"), ("folder", "362"),
                                                          ("delo", "12")], ""),
    ("SAPMO-BArch, DY 30/3386, Bl. 1-12", "SAPMO-BArch", [("signature", "DY 30/3386")], "Bl. 1-12"),
    ("MNL OL, XIX-J-1-j, 4. doboz, 5/b tétel", "MNL-OL", [("series", "XIX-J-1-j"), ("box", "4"), ("item", "5/b")], ""),
    ("PRC FMA 204-00007-01, 1-5", "PRCFMA", [("file", "204-00007-01")], "1-5"),
    ("Central State Archive, Sofia, Fond 1-B, Opis 51, a.e. 320", "TsDA",
     [("fond", "1-B"), ("opis", "51"), ("archival unit", "320")], ""),
    ("Arkivi i Ministrisë së Punëve të Jashtme, V. 1961, Dos. 12", "AMPJ", [("year", "1961"), ("dossier", "12")], ""),
    ("Library of Congress, Manuscript Division, Harriman Papers, Box 5, Folder 3", "LOC",
     [("box", "5"), ("folder", "3")], ""),
])
def test_parse_citation_types_the_parts_of_many_archives(citation, abbreviation, idnos, locus) -> None:
    source = parse_citation(citation)
    assert (source.abbreviation, source.idnos, source.locus_text) == (abbreviation, idnos, locus)
    assert not source.warnings


def test_an_unknown_archive_is_kept_as_printed_with_a_warning_naming_the_entry_to_add() -> None:
    source = parse_citation("Hoover Institution Archives, Box 5, Folder 3")
    assert source.repository == "Hoover Institution Archives" and source.abbreviation == ""
    assert source.idnos == [("box", "5"), ("folder", "3")]
    assert "[HIA]" in source.warnings[0] and "registers/archives.toml" in source.warnings[0]


def test_what_cannot_be_parsed_is_kept_whole_as_the_shelfmark() -> None:
    source = parse_citation("Archive of the President of the Russian Federation, 3/45/17 bis")
    assert source.idnos == [("shelfmark", "3/45/17 bis")] and source.unparsed == ["3/45/17 bis"]


def test_longest_archive_name_wins() -> None:
    assert parse_citation("National Archives of Australia, A1838, 1/2").abbreviation == "NAA"
    assert parse_citation("National Archives, RG 59").abbreviation == "NARA"


def test_the_register_covers_the_archives_a_cold_war_historian_meets() -> None:
    keys = {archive.abbreviation for archive in default_archives()}
    assert {"NARA", "HSTL", "DDEL", "JFKL", "LBJL", "RNL", "GRFL", "JCL", "RRL", "LOC", "TNA", "NAA", "APRF",
            "AVPRF", "RGANI", "RGASPI", "GARF", "RGAE", "RGVA", "PRCFMA", "BArch", "SAPMO-BArch", "BStU", "PA-AA",
            "MNL-OL", "AAN", "AMSZ", "NA-CZ", "ANIC", "TsDA", "AQSH", "AMPJ"} <= keys
    assert all(archive.country and archive.settlement for archive in default_archives())


def test_an_editions_register_is_merged_over_the_packaged_one(tmp_path: Path) -> None:
    register = tmp_path / "archives.toml"
    register.write_text('[HIA]\nname = "Hoover Institution Library & Archives"\nnames = ["Hoover Institution Archives"]\n'
                        'country = "United States"\nsettlement = "Stanford, CA"\n\n[APRF]\nsettlement = "Moskva"\n',
                        "utf-8")
    archives = load_archives(register)
    source = parse_citation("Hoover Institution Archives, Box 5", archives)
    assert (source.abbreviation, source.settlement, source.warnings) == ("HIA", "Stanford, CA", [])
    aprf = next(a for a in archives if a.abbreviation == "APRF")
    assert (aprf.settlement, aprf.country) == ("Moskva", "Russia")  # merged, not replaced
    assert load_archives(None) == default_archives()
