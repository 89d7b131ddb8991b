"""Reading text of TEI passages (for word counts, snippets, the search index) and the
plain-text download of a whole document. Each element reads by its search behaviour in
edition/behaviours.py.

The plain-text download comes from `edition.plaintext.tei_to_plaintext` (the lead's module)
when it exists; until then `fallback_plaintext` below renders the same conventions.
"""

from __future__ import annotations

import importlib.util

from edition.behaviours import behaviour
from edition.site.tei import find, findall, first_of, name, normalise, refs, text_of

def reading_text(el, footnotes: bool = False, inline_notes: bool = True) -> str:
    """The text of `el` as a reader sees it, whitespace normalised.

    Footnotes are left out (or given as `[n]` markers when `footnotes`); inline editorial
    notes are kept in brackets unless `inline_notes` is false.
    """
    if name(el) is None:  # a comment or processing instruction: no words
        return ""
    parts: list[str] = []
    _content(el, parts, footnotes, inline_notes)
    return normalise("".join(parts))


def _walk(el, parts: list[str], footnotes: bool, inline_notes: bool) -> None:
    local = name(el)
    if local is None:
        return
    word = behaviour(local).search.of(el)
    if word == "text":
        _content(el, parts, footnotes, inline_notes)
    else:
        _READ[word](el, parts, footnotes, inline_notes)


def _content(el, parts: list[str], footnotes: bool, inline_notes: bool) -> None:
    """The text of `el` and its children by their behaviours, with their tails."""
    if el.text:
        parts.append(el.text)
    for child in el:
        _walk(child, parts, footnotes, inline_notes)
        if child.tail:
            parts.append(child.tail)


def _inner(el, footnotes: bool, inline_notes: bool) -> str:
    parts: list[str] = []
    _content(el, parts, footnotes, inline_notes)
    return normalise("".join(parts))


def _brackets(el, parts, footnotes, inline_notes) -> None:
    parts.append(f"[{_inner(el, footnotes, inline_notes)}]")


def _doubtful(el, parts, footnotes, inline_notes) -> None:
    parts.append(f"{_inner(el, footnotes, inline_notes)} [?]")


def _sic(el, parts, footnotes, inline_notes) -> None:
    parts.append(f"{_inner(el, footnotes, inline_notes)} [sic]")


def _alternate(el, parts, footnotes, inline_notes) -> None:
    chosen = first_of(el, "t:corr", "t:reg", "t:expan", "*")
    if chosen is not None:
        parts.append(_inner(chosen, footnotes, inline_notes))


def _parenthesised(el, parts, footnotes, inline_notes) -> None:
    text = _inner(el, footnotes, inline_notes)
    parts.append(text if text.startswith("(") else f"({text})")


def _space(el, parts, footnotes, inline_notes) -> None:
    parts.append(" ")


def _summary(el, parts, footnotes, inline_notes) -> None:
    desc = find(el, "t:desc")
    parts.append(f"[{_inner(desc, footnotes, inline_notes)}]" if desc is not None else "[…]")


def _inline_note(el, parts, footnotes, inline_notes) -> None:
    if inline_notes:
        parts.append(f"[{_inner(el, footnotes, inline_notes)}]")


def _note_marker(el, parts, footnotes, inline_notes) -> None:
    if footnotes:
        parts.append(f"[{el.get('n', '*')}]")


def _printed_marker(el, parts, footnotes, inline_notes) -> None:
    parts.append(_inner(el, footnotes, inline_notes) or f"[{el.get('n', '')}]")


# The search behaviours of edition/behaviours.py ("text" is `_content`).
_READ = {"brackets": _brackets, "doubtful": _doubtful, "sic": _sic, "alternate": _alternate,
         "parenthesised": _parenthesised, "space": _space, "summary": _summary, "inline note": _inline_note,
         "note marker": _note_marker, "printed marker": _printed_marker}
SEARCH_WORDS = frozenset(_READ) | {"text"}


# --- the plain-text download ---------------------------------------------------------


def plaintext(root) -> str:
    """The plain-text version of a TEI document (the lead's renderer when available)."""
    if importlib.util.find_spec("edition.plaintext") is not None:
        from edition.plaintext import tei_to_plaintext

        return tei_to_plaintext(root)
    return fallback_plaintext(root)


def _wrap(text: str, indent: str = "") -> str:
    """One paragraph a line (readers' tools wrap; grep and diff work on whole paragraphs)."""
    return indent + text


def fallback_plaintext(root) -> str:
    """A plain-text rendering of a TEI document: header facts, the conversation, the notes."""
    out: list[str] = []
    title = text_of(find(root, "t:teiHeader/t:fileDesc/t:titleStmt/t:title"))
    out.append(title)
    out.append("=" * min(len(title), 78))
    creation = find(root, "t:teiHeader/t:profileDesc/t:creation")
    if creation is not None:
        date = text_of(find(creation, "t:date"))
        place = text_of(find(creation, "t:placeName"))
        out.append(", ".join(x for x in (date, place) if x))
    for resp in findall(root, "t:teiHeader/t:fileDesc/t:titleStmt/t:respStmt"):
        what = text_of(find(resp, "t:resp"))
        who = [text_of(n) for n in findall(resp, "t:persName|t:name|t:orgName")]
        if what and who and not what.startswith("encoded"):
            out.append(f"{what[:1].upper()}{what[1:]} {', '.join(who)}")
    citation = find(root, "t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl")
    if citation is not None:
        out += ["", _wrap("Source: " + text_of(citation))]
    abstract = find(root, "t:teiHeader/t:profileDesc/t:abstract")
    if abstract is not None:
        out += ["", _wrap("Summary: " + text_of(abstract))]
    out += ["", "-" * 78, ""]
    notes: list = []
    for div in findall(root, "t:text/t:body//t:div[not(t:div)]"):
        for block in div:
            local = name(block)
            if local is None:
                continue
            notes += findall(block, ".//t:note[not(@place='inline')]")
            if local == "sp":
                label = text_of(find(block, "t:speaker"))
                first = True
                for child in block:
                    if name(child) == "speaker" or name(child) is None:
                        continue
                    text = reading_text(child, footnotes=True)
                    if name(child) == "stage" and not text.startswith("("):
                        text = f"({text})"
                    if name(child) == "stage" and first:
                        label = f"{label} {text}"
                        continue
                    out.append(_wrap(f"{label}: {text}" if first else text))
                    out.append("")
                    first = False
            elif local == "closer" or local == "opener":
                for child in block:
                    if name(child):
                        out += [_wrap(reading_text(child, footnotes=True)), ""]
            else:
                out += [_wrap(reading_text(block, footnotes=True)), ""]
    if notes:
        out += ["-" * 78, "Notes", ""]
        for note in notes:
            out += [_wrap(f"[{note.get('n', '*')}] " + reading_text(note)), ""]
    availability = find(root, "t:teiHeader/t:fileDesc/t:publicationStmt/t:availability")
    if availability is not None:
        out += ["-" * 78, _wrap("Rights: " + text_of(availability))]
    return "\n".join(out).rstrip() + "\n"


def speaker_ids(sp) -> list[str]:
    return refs(sp.get("who"))
