"""How to cite a document or a passage: Chicago text, BibTeX, RIS, Highwire meta tags, JSON-LD."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from edition.settings import Settings
from edition.site.document import Document


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + f", and {names[-1]}"


def inverted(name: str) -> str:
    """"Vladislav M. Zubok" -> "Zubok, Vladislav M." (one-word names unchanged)."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def chicago(doc: Document, settings: Settings, url: str = "", passage: str = "") -> tuple[str, Markup]:
    """A Chicago bibliography entry: (plain text, HTML with the edition title in italics).

    passage: a turn/paragraph/note id; appended as a locator and to the URL fragment.
    """
    title = doc.title.rstrip(".")
    pieces_plain: list[str] = [f"“{title}.”"]
    pieces_html: list[Markup] = [Markup("“%s.”") % title]
    date = doc.display_date
    if date and date != "undated":
        pieces_plain.append(f"{date}.")
        pieces_html.append(Markup("%s.") % date)
    if doc.translators:
        text = f"Translated by {_join_names(doc.translators)}."
        pieces_plain.append(text)
        pieces_html.append(escape(text))
    if passage:
        text = f"Passage {passage}."
        pieces_plain.append(text)
        pieces_html.append(escape(text))
    edition_plain = f"In {settings.title}"
    edition_html = Markup("In <cite>%s</cite>") % settings.title
    if settings.editors:
        eds = f", edited by {_join_names(settings.editors)}"
        edition_plain += eds
        edition_html += escape(eds)
    pieces_plain.append(edition_plain + ".")
    pieces_html.append(edition_html + Markup("."))
    if settings.version:
        pieces_plain.append(f"Version {settings.version}.")
        pieces_html.append(Markup("Version %s.") % settings.version)
    publisher = ", ".join(x for x in (settings.publisher, settings.year) if x)
    if publisher:
        pieces_plain.append(publisher + ".")
        pieces_html.append(escape(publisher + "."))
    if url:
        full = f"{url}#{passage}" if passage else url
        pieces_plain.append(full + ".")
        pieces_html.append(Markup('<span class="cite-url">%s</span>.') % full)
    return " ".join(pieces_plain), Markup(" ").join(pieces_html)


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
    meta.append(("citation_publisher", settings.publisher or doc.publisher))
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
