"""Dates: every printed form, and the record's date chosen by convention on real records."""

from __future__ import annotations

import pytest

from edition.dates import CONVENTIONS, find_dates, parse_date

from header_support import TRUTH, front_matter, opening_lines, record_text


@pytest.mark.parametrize("text, when, printed, time_from, time_to", [
    ("July 31, 1958", "1958-07-31", "July 31, 1958", "", ""),
    ("on 31 July 1958 in Huairen Hall", "1958-07-31", "31 July 1958", "", ""),
    ("14th June, 1957", "1957-06-14", "14th June, 1957", "", ""),
    ("February 04, 1949", "1949-02-04", "February 04, 1949", "", ""),
    ("31.VII.1958", "1958-07-31", "31.VII.1958", "", ""),
    ("[signature illegible 31/XII/1949]", "1949-12-31", "31/XII/1949", "", ""),
    ("16 December 1949", "1949-12-16", "16 December 1949", "", ""),
    ("Sept. 19, 1944", "1944-09-19", "Sept. 19, 1944", "", ""),
    ("1958-07-31", "1958-07-31", "1958-07-31", "", ""),
    ("31.07.1958", "1958-07-31", "31.07.1958", "", ""),
    ("Friday, February 25, 1972 - 9:34 a.m. - 10:58 a.m.", "1972-02-25",
     "Friday, February 25, 1972 - 9:34 a.m. - 10:58 a.m.", "09:34:00", "10:58:00"),
    ("September 19, 1944, 10–12 a.m.", "1944-09-19", "September 19, 1944, 10–12 a.m.", "10:00:00", "12:00:00"),
    ("June 3, 1950, 11–1 p.m.", "1950-06-03", "June 3, 1950, 11–1 p.m.", "11:00:00", "13:00:00"),
    ("September 16, 1976, 4 p.m.", "1976-09-16", "September 16, 1976, 4 p.m.", "16:00:00", ""),
    ("May 17, 1946, 10 a.m.", "1946-05-17", "May 17, 1946, 10 a.m.", "10:00:00", ""),
    ("December 24, 1945, 9:00 a.m.", "1945-12-24", "December 24, 1945, 9:00 a.m.", "09:00:00", ""),
    ("May 11, 1949, 12 noon", "1949-05-11", "May 11, 1949, 12 noon", "12:00:00", ""),
    ("In January, 1948, at the earliest", "1948-01", "January, 1948", "", ""),
])
def test_every_common_form_is_read(text, when, printed, time_from, time_to) -> None:
    parsed = parse_date(text)
    assert (parsed.when, parsed.text, parsed.time_from, parsed.time_to) == (when, printed, time_from, time_to)
    assert text[parsed.start:parsed.end].rstrip(" ,") == printed


@pytest.mark.parametrize("text", [
    "1958", "CHINA 1139", "p. 12, 1958", "pp. 66-72", "[signature illegible 31/XII]", "June 31, 1950",
    "on 15th August [1]", "Volume 12: 1947", "1946-13-01", "see Document 213, section 4",
])
def test_no_date_is_made_of_a_year_a_page_or_an_impossible_day(text) -> None:
    assert parse_date(text) is None


def test_a_number_after_a_date_is_no_time_without_a_colon_or_a_m_p_m() -> None:
    assert parse_date("June 22, 1946 3 copies").text == "June 22, 1946"
    assert parse_date("May 11, 1949, 87 Chennault").time_from == ""


@pytest.mark.parametrize("lines, when, place, time_from, time_to, convention", [
    (["Lusaka, September 16, 1976, 4 p.m."], "1976-09-16", "Lusaka", "16:00:00", "", "dateline"),
    (["[Washington,] May 11, 1949."], "1949-05-11", "Washington", "", "", "dateline"),
    (["Chungking, December 24, 1945, 9:00 a.m."], "1945-12-24", "Chungking", "09:00:00", "", "dateline"),
    (["Nanking, May 17, 1946, 10 a.m."], "1946-05-17", "Nanking", "10:00:00", "", "dateline"),
    (["Extracts CANBERRA, 8 July 1947"], "1947-07-08", "CANBERRA", "", "", "dateline"),
    (["No. 3053 Chungking, October 12, 1944. [Received November 1.]"], "1944-10-12", "Chungking", "", "",
     "dateline"),
    (["MEMORANDUM OF CONVERSATION", "DATE & TIME: Friday, February 25, 1972 - 9:34 a.m. - 10:58 a.m.",
      "PLACE: Great Hall of the People, Peking"], "1972-02-25", "", "09:34:00", "10:58:00", "field"),
    (["**Date:** 3 March 1961"], "1961-03-03", "", "", "", "field"),
    (["14th June, 1957", "", "CANBERRA"], "1957-06-14", "CANBERRA", "", "", "date line"),
    (["31 July 1958 in Huairen Hall [in Zhongnanhai]"], "1958-07-31", "Huairen Hall", "", "", "dateline"),
    (["Present: A, B", "they met on 3 May 1950 and again later"], "1950-05-03", "", "", "", "mentioned"),
])
def test_date_conventions_on_purpose_made_openings(lines, when, place, time_from, time_to, convention) -> None:
    finding = find_dates(list(enumerate(lines, start=1)))
    assert (finding.when, finding.place, finding.time_from, finding.time_to, finding.convention) == (
        when, place, time_from, time_to, convention)
    assert bool(finding.warnings) == (convention == "mentioned")


def test_a_field_gives_the_conversation_and_the_dateline_the_record() -> None:
    finding = find_dates(list(enumerate([
        "No. 3053 Chungking, October 12, 1944. [Received November 1.]",
        "Subject: Conversations of September 19, 1944 between President Chiang Kai-shek and Mr. Donald Nelson",
        "Time: September 19, 1944, 10–12 a.m."], start=1)))
    assert (finding.when, finding.line, finding.record_when, finding.record_line) == ("1944-09-19", 3, "1944-10-12", 1)


def test_a_dated_title_comes_first_and_an_agreeing_dateline_adds_the_place() -> None:
    title = "Record of Conversation between I.V. Stalin and Mao Zedong on 16 December 1949"
    finding = find_dates([(1, "Moscow, December 16, 1949, 10 p.m."), (2, title)], title=title)
    assert (finding.convention, finding.when, finding.place, finding.time_from) == (
        "title", "1949-12-16", "Moscow", "22:00:00")


def test_front_matter_serves_when_the_text_prints_no_date() -> None:
    finding = find_dates([(1, "Record of a conversation")], {"doc_date": "1947-07-08"})
    assert (finding.when, finding.convention, finding.line) == ("1947-07-08", "front matter", None)
    import datetime
    assert find_dates([], {"date": datetime.date(1958, 7, 31)}).when == "1958-07-31"  # as a YAML loader gives it


def test_a_record_without_any_date_is_undated_with_a_warning() -> None:
    finding = find_dates([(1, "Memorandum of Conversation"), (2, "CHINA 1139")])
    assert finding.when == "" and finding.warnings


def test_conventions_are_one_ordered_list() -> None:
    assert CONVENTIONS[:4] == ("title", "field", "dateline", "date line")


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_every_variety_record_gets_its_date(name) -> None:
    text = record_text(name)
    finding = find_dates(opening_lines(text), front_matter(text))
    truth = TRUTH[name]
    assert finding.when == truth["date"]
    if finding.line:  # the date as printed, on its line (a wrapped title: on its line and the next)
        assert finding.text in " ".join(text.splitlines()[finding.line - 1:finding.line + 1])
    found_elsewhere = {finding.record_when} | {other.parsed.when for other in finding.others}
    assert set(truth.get("date_alternatives", [])) <= found_elsewhere
    assert not finding.warnings


@pytest.mark.parametrize("name, when, place", [
    ("1958-07-31_khrushchev-mao_first-conversation_wolff", "1958-07-31", "Huairen Hall"),
    ("1958-07-31_khrushchev-mao_first-conversation_zubok", "1958-07-31", "Huairan Hall"),
    ("1960-06-07_mao-zedong_albanian-delegation", "1960-06-07", ""),
])
def test_the_sample_records_keep_their_dates(name, when, place) -> None:
    finding = find_dates(opening_lines(record_text(name)))
    assert (finding.when, finding.place) == (when, place)


def test_times_and_places_of_the_variety_records() -> None:
    def found(name):
        text = record_text(name)
        return find_dates(opening_lines(text), front_matter(text))
    telcon = found("frus1969-76v12-d188_kissinger-dobrynin-telcon")
    assert (telcon.place, telcon.time_from) == ("Washington", "08:45:00")
    d243 = found("frus1944v06-d243_chiang-nelson-conversations")
    assert (d243.time_from, d243.time_to, d243.record_when) == ("10:00:00", "12:00:00", "1944-10-12")
    assert found("frus1946v09-d585_committee-of-three-june22").place == "Nanking"
    assert found("dfat-v19-d212_australia-japan-sixth-plenary").place == "CANBERRA"
