"""Dates of a record: every common printed form → ISO, and the record's own date chosen by convention.

API for the readers:

    parse_date(text) -> ParsedDate | None
        The first date in `text` with its time or time range, if printed with it.
        `July 31, 1958`, `Friday, February 25, 1972`, `31 July 1958`, `14th June, 1957`, `Sept. 19, 1944`,
        `31.VII.1958`, `31/XII/1949`, `1958-07-31`, `31.07.1958`, a month and year (`July 1958` → `1958-07`).
        A bare year, a page number or a day without its year (`31/XII`) is never a date.

    find_dates(lines, front_matter=None, title="") -> DateFinding
        `lines` are (line number, text) of the record's opening region. The conversation's date is
        chosen by the first convention of CONVENTIONS that finds one (see there); the record's own
        date, where it differs (a despatch written weeks after the talk it encloses), is
        `record_when`. `when == ""` when the record prints no date: the caller warns and publishes it
        undated.

python-dateutil checks and normalises what the patterns find (it knows the calendar, abbreviated
month names and ordinals); finding a date inside running text is left to the patterns, because a
fuzzy parser takes any number for a day or a year.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace

from dateutil import parser as dateutil_parser

MONTH_NAMES = ("January February March April May June July August September October November December").split()
# "Sept." and "Sept" as well as dateutil's three-letter forms.
_MONTH = (r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
          r"|January|February|March|April|June|July|August|September|October|November|December)")
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)"
ROMAN_MONTHS = {name: index for index, name in enumerate("I II III IV V VI VII VIII IX X XI XII".split(), start=1)}
_ROMAN = r"(?P<roman>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"

# Each form: a pattern with named groups day/month/year (or roman, or numeric month `mm`).
_FORMS = [
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),            # July 31, 1958 / Friday, February 25, 1972
    re.compile(rf"\b{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),  # 31 July 1958 / 14th June, 1957
    re.compile(rf"\b{_DAY}\s*[./]\s*{_ROMAN}\s*[./]\s*{_YEAR}\b"),           # 31.VII.1958 / 31/XII/1949
    re.compile(rf"\b{_YEAR}-(?P<mm>[01]\d)-(?P<day>[0-3]\d)\b"),             # 1958-07-31
    re.compile(rf"\b(?P<day>[0-3]?\d)\.(?P<mm>[01]?\d)\.{_YEAR}\b"),         # 31.07.1958
]
_DIGITS = re.compile(r"\d{3}")
_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b")                       # July 1958 → 1958-07

_CLOCK = r"(?P<{n}h>[012]?\d)(?:[:.](?P<{n}m>[0-5]\d))?\s*(?P<{n}ap>[ap]\.\s?m\.|[ap]m\b|noon\b|hours?\b)?"
_TIME = re.compile(r"^(?:,|\s|-|–|—|at|\()*\s*" + _CLOCK.format(n="a")
                   + r"(?:\s*(?:-|–|—|to|until)\s*" + _CLOCK.format(n="b") + r")?"
                   + r"(?:\s*(?:-|–|—|to|until)\s*" + _CLOCK.format(n="c") + r")?")


@dataclass(frozen=True)
class ParsedDate:
    when: str  # ISO: YYYY-MM-DD, or YYYY-MM for a month
    text: str  # the date (and time) as printed
    start: int
    end: int
    time_from: str = ""  # HH:MM:SS
    time_to: str = ""
    time_text: str = ""  # the time as printed ("10–12 a.m."), a part of `text`


def parse_date(text: str) -> ParsedDate | None:
    """The first full date in `text` (a month with its year only if no full date is there)."""
    if not _DIGITS.search(text):  # every form has its year in digits: most lines have none
        return None
    found = [parsed for parsed in (_parse_form(form, text) for form in _FORMS) if parsed]
    if found:
        return _with_time(min(found, key=lambda parsed: parsed.start), text)
    match = _MONTH_YEAR.search(text)
    if match:
        month = _month_number(match.group("month"))
        return ParsedDate(f"{match.group('year')}-{month:02d}", match.group(0), match.start(), match.end())
    return None


def all_dates(text: str) -> list[ParsedDate]:
    """Every full date in `text`, in order."""
    dates, position = [], 0
    while (parsed := parse_date(text[position:])) and len(parsed.when) == 10:
        dates.append(replace(parsed, start=parsed.start + position, end=parsed.end + position))
        position += parsed.end
    return dates


def _parse_form(form: re.Pattern, text: str) -> ParsedDate | None:
    for match in form.finditer(text):
        groups = match.groupdict()
        if groups.get("roman"):
            month = ROMAN_MONTHS[groups["roman"]]
        elif groups.get("mm"):
            month = int(groups["mm"])
        else:
            month = _month_number(groups["month"])
        when = _checked(int(groups["year"]), month, int(groups["day"]))
        if when:
            return ParsedDate(when, match.group(0), match.start(), match.end())
    return None


def _month_number(name: str) -> int:
    # dateutil knows the English month names and their abbreviations ("Sept." included).
    return dateutil_parser.parserinfo().month(name.rstrip(".")[:3]) or 0


def _checked(year: int, month: int, day: int) -> str:
    """ISO date, or "" when the calendar has no such day (February 30, a 13th month)."""
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _with_time(parsed: ParsedDate, text: str) -> ParsedDate:
    """Extend a date with the time or time range printed right after it."""
    match = _TIME.match(text[parsed.end:])
    if not match or not _is_time(match):
        return parsed
    clocks = [_clock(match, n) for n in "abc" if match.group(f"{n}h")]
    meridiem = [match.group(f"{n}ap") for n in "abc" if match.group(f"{n}h")]
    times = _apply_meridiem(clocks, meridiem)
    if any(t is None for t in times):
        return parsed
    end = parsed.end + match.end()
    time_from, time_to = times[0], times[-1] if len(times) > 1 else ""
    printed = text[parsed.start:end].rstrip(" ,-–—(")
    time_start = parsed.end - parsed.start + len(match.group(0)) - len(match.group(0).lstrip(" ,-–—(at"))
    return replace(parsed, text=printed, end=end, time_from=time_from, time_to=time_to,
                   time_text=printed[time_start:])


def _is_time(match: re.Match) -> bool:
    """A number after a date is a time only with a colon or a.m./p.m./hours (else it is a page
    number or a note marker)."""
    return bool(match.group("am") or match.group("aap") or match.group("bap") or match.group("cap"))


def _clock(match: re.Match, n: str) -> tuple[int, int]:
    return int(match.group(f"{n}h")), int(match.group(f"{n}m") or 0)


def _apply_meridiem(clocks: list[tuple[int, int]], meridiem: list[str | None]) -> list[str | None]:
    """`10–12 a.m.` is ten until noon; `11–1 p.m.` is eleven in the morning until one; a time
    without a.m./p.m. takes the next one's."""
    marks = [(mark or "").replace(" ", "").lower() for mark in meridiem]
    for index in range(len(marks) - 2, -1, -1):
        if not marks[index]:
            marks[index] = marks[index + 1]
    hours: list[tuple[int, int] | None] = []
    for (hour, minute), mark in zip(clocks, marks):
        if mark.startswith("p") and hour < 12:
            hour += 12
        elif mark.startswith("a") and hour == 12 and hours:  # "10–12 a.m.": the end is noon
            pass
        elif mark.startswith("a") and hour == 12:
            hour = 0
        if hour > 23:
            return [None]
        hours.append((hour, minute))
    for index in range(len(hours) - 1):  # "11–1 p.m.": the start is before the end
        (h1, m1), (h2, m2) = hours[index], hours[index + 1]
        if (h1, m1) > (h2, m2) and h1 >= 12:
            hours[index] = (h1 - 12, m1)
    return [f"{hour:02d}:{minute:02d}:00" for hour, minute in hours]


# --- the record's date ------------------------------------------------------------------------

@dataclass(frozen=True)
class DateCandidate:
    convention: str
    parsed: ParsedDate
    line: int
    place: str = ""


@dataclass
class DateFinding:
    when: str = ""
    text: str = ""
    line: int | None = None
    time_from: str = ""
    time_to: str = ""
    time_text: str = ""
    place: str = ""
    convention: str = ""  # which convention of CONVENTIONS gave the date
    record_when: str = ""  # the record's own date, where it differs from the conversation's
    record_text: str = ""
    record_line: int | None = None
    others: list[DateCandidate] = field(default_factory=list)  # further dates the conventions found
    warnings: list[str] = field(default_factory=list)


# In order of precedence: the first convention that finds a date gives the conversation's date.
CONVENTIONS = (
    "title",        # a date in the record's title: "Minutes of Meeting …, Nanking, May 17, 1946, 10 a.m."
    "field",        # a Time:/Date:/DATE & TIME: field: "Time: September 19, 1944, 10–12 a.m."
    "dateline",     # place and date: "Lusaka, September 16, 1976, 4 p.m.", "[Washington,] May 11, 1949."
    "date line",    # a line that is a date (the Wilson Center prints it above the title)
    "front matter",  # a Markdown front matter's date: doc_date: '1947-07-08'
    "mentioned",    # any other date of the opening lines: the first serves, with a warning
)
# A date the record itself is dated by; the conversation's date comes first when they differ.
RECORD_DATE_CONVENTIONS = ("dateline", "front matter", "date line")

FIELD_NAMES = r"(?:DATE\s*(?:&|and|/)\s*TIME|Date\s+and\s+time|Date/time|Date|Time|Datum|When)"
_FIELD = re.compile(rf"^\W*{FIELD_NAMES}\W*?:\s*(?P<value>.+)$", re.I)
FRONT_MATTER_KEYS = ("date", "doc_date", "created", "when")
# "Chungking, October 12, 1944", "[Washington,] May 11, 1949", "CANBERRA, 8 July 1947": a place of
# one to four capitalised words (in brackets when the editor supplied it) and a comma before the date.
_PLACE = re.compile(r"(?P<place>\[?(?:[A-Z][\w’'.-]*)(?:\s+(?:[A-Z][\w’'.-]*|on|upon|de|am|an|sur|del?))*\]?)"
                    r"\s*,?\s*\]?\s*$")
_IN_PLACE = re.compile(r"^\s+(?:in|at)\s+(?P<place>(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)")
_NUMBERED_HEADING = re.compile(r"^(?:#+\s*)?\d{1,4}\.\s+[A-Z]")
_MARKUP = re.compile(r"^[\s*_#>]+")  # the trailing markup is stripped with str.rstrip: linear
_PLACE_ONLY = re.compile(r"^[A-Z][A-Za-z’'.-]+(?:\s+[A-Z][A-Za-z’'.-]+){0,2}$")


def find_dates(lines: list[tuple[int, str]], front_matter: dict | None = None, title: str = "") -> DateFinding:
    """The conversation's date, time and place, and the record's own date, by CONVENTIONS."""
    lines = [(number, _MARKUP.sub("", text).rstrip(" \t*_")) for number, text in lines]
    title = title or _title_of(lines, front_matter)
    candidates = (_in_title(title, lines) + _in_fields(lines) + _in_datelines(lines) + _date_lines(lines)
                  + _in_front_matter(front_matter) + _mentioned(lines))
    if not candidates:
        return DateFinding(warnings=["no date found in the record's opening lines or its front matter"])
    rank = {convention: index for index, convention in enumerate(CONVENTIONS)}
    ordered = sorted(candidates, key=lambda c: (rank[c.convention], c.line))
    chosen = ordered[0]
    finding = DateFinding(chosen.parsed.when, chosen.parsed.text, chosen.line or None, chosen.parsed.time_from,
                          chosen.parsed.time_to, chosen.parsed.time_text, chosen.place, chosen.convention)
    _complete_from_agreeing(finding, ordered)
    record = next((c for c in ordered if c.convention in RECORD_DATE_CONVENTIONS
                   and c.parsed.when != finding.when and len(c.parsed.when) == 10), None)
    if record and chosen.convention in ("title", "field"):
        finding.record_when, finding.record_text, finding.record_line = (record.parsed.when, record.parsed.text,
                                                                         record.line or None)
    seen = {finding.when, finding.record_when}
    for candidate in ordered[1:]:
        if candidate.parsed.when not in seen:
            seen.add(candidate.parsed.when)
            finding.others.append(candidate)
    if chosen.convention == "mentioned":
        finding.warnings.append(f"no dated title, date field or dateline; the first date of the opening lines "
                                f"('{chosen.parsed.text}', line {chosen.line}) is taken as the record's date")
    return finding


def _complete_from_agreeing(finding: DateFinding, ordered: list[DateCandidate]) -> None:
    """A dateline with the same date gives the place and the time a title or field leaves out."""
    for candidate in ordered:
        if candidate.parsed.when != finding.when:
            continue
        finding.place = finding.place or candidate.place
        if not finding.time_from and candidate.parsed.time_from:
            finding.time_from, finding.time_to = candidate.parsed.time_from, candidate.parsed.time_to
            finding.time_text = ""  # printed elsewhere (the dateline), not in this date's text


def _title_of(lines: list[tuple[int, str]], front_matter: dict | None) -> str:
    """The front matter's title, else a numbered document heading (FRUS: `243. The Ambassador …`)
    with its wrapped second line (`…, Nanking, June` / `22, 1946, 11 a.m.`)."""
    if front_matter and isinstance(front_matter.get("title"), str):
        return front_matter["title"]
    for index, (_, text) in enumerate(lines):
        if _NUMBERED_HEADING.match(text):
            following = lines[index + 1][1] if index + 1 < len(lines) else ""
            wrapped = following[:1].isdigit() or following[:1].islower()
            return f"{text} {following}" if wrapped else text
    return ""


def _in_title(title: str, lines: list[tuple[int, str]]) -> list[DateCandidate]:
    parsed = parse_date(title)
    if not parsed or len(parsed.when) < 10:
        return []
    opening = title.strip()[:40]
    line = next((number for number, text in lines if opening and text.strip().startswith(opening)), 0)
    return [DateCandidate("title", parsed, line, _place_before(title[:parsed.start]))]


def _in_fields(lines: list[tuple[int, str]]) -> list[DateCandidate]:
    found = []
    for number, text in lines:
        match = _FIELD.match(text)
        if match and (parsed := parse_date(match.group("value"))) and len(parsed.when) == 10:
            found.append(DateCandidate("field", parsed, number))
    return found


def _in_datelines(lines: list[tuple[int, str]]) -> list[DateCandidate]:
    found = []
    for number, text in lines:
        parsed = parse_date(text)
        if not parsed or len(parsed.when) < 10 or len(text) > 160:
            continue
        before, after = text[:parsed.start], text[parsed.end:]
        place = _place_before(before)
        if place and _ends_dateline(after):
            found.append(DateCandidate("dateline", parsed, number, place))
        elif not before.strip() and (in_place := _IN_PLACE.match(after)):
            found.append(DateCandidate("dateline", parsed, number, in_place.group("place")))
    return found


def _place_before(before: str) -> str:
    """`No. 3053 Chungking,` → Chungking; `[Washington,]` → Washington; nothing unless a comma
    (or a closing bracket) separates the place from the date."""
    if not re.search(r"[,\]]\s*$", before):
        return ""
    match = _PLACE.search(before)
    if not match:
        return ""
    words = match.group("place").strip("[], ").split()
    capitals = [word for word in words if word.isupper() and len(word) > 1]
    if capitals and words[-1] in capitals:  # "Extracts CANBERRA": the place is the word in capitals
        words = words[len(words) - next(i for i, w in enumerate(reversed(words)) if w not in capitals):] \
            if any(w not in capitals for w in words) else words
    return " ".join(words)


def _ends_dateline(after: str) -> bool:
    """What may follow the date of a dateline: a full stop, a bracketed note (`[Received November
    1.]`), a note marker, nothing else."""
    return bool(re.fullmatch(r"\s*\.?\s*(?:\[[^\]]*\]|\d{1,3}|\[\^?\d+\])?\s*\.?\s*", after))


def _date_lines(lines: list[tuple[int, str]]) -> list[DateCandidate]:
    """A line that is a date, or starts with one and goes on with the title (`January 31, 1949
    Memorandum of Conversation …`); a place on the next line alone (`CANBERRA`) is its place."""
    found = []
    for index, (number, text) in enumerate(lines):
        parsed = parse_date(text)
        if not parsed or len(parsed.when) < 10 or text[:parsed.start].strip():
            continue
        rest = text[parsed.end:].strip(" .")
        if rest and not rest[:1].isupper():
            continue
        following = next((t.strip() for _, t in lines[index + 1:] if t.strip()), "")
        place = following if not rest and _PLACE_ONLY.match(following) and following.isupper() else ""
        found.append(DateCandidate("date line", parsed, number, place))
    return found


def _in_front_matter(front_matter: dict | None) -> list[DateCandidate]:
    for key in FRONT_MATTER_KEYS:
        value = (front_matter or {}).get(key)
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = value.isoformat()[:10]
        if isinstance(value, str) and (parsed := parse_date(value)):
            return [DateCandidate("front matter", replace(parsed, text=f"{key}: {value}"), 0)]
    return []


def _mentioned(lines: list[tuple[int, str]]) -> list[DateCandidate]:
    return [DateCandidate("mentioned", parsed, number) for number, text in lines for parsed in all_dates(text)]
