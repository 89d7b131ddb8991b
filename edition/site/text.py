"""Reading text of TEI passages (for word counts, snippets, the search index); the plain-text
download of a whole document is edition/plaintext.py's. Each element reads by its search
behaviour in edition/behaviours.py.
"""

from __future__ import annotations

from edition.behaviours import behaviour
from edition.site.tei import find, first_of, name, normalise, refs


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


def running_text(el, footnotes: bool = False, inline_notes: bool = True) -> str:
    """The words of `el` as it reads where it stands, its own behaviour included: a stage
    direction in parentheses, an omission as its [summary], an inline note in brackets, a
    footnote as nothing (or its `[n]` marker)."""
    parts: list[str] = []
    _walk(el, parts, footnotes, inline_notes)
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
    chosen = first_of(el, "t:corr", "t:reg")
    abbr, expan = find(el, "t:abbr"), find(el, "t:expan")
    if chosen is None and abbr is not None and expan is not None:
        # the abbreviation as printed, and what it stands for: either is what a reader searches
        parts.append(f"{_inner(abbr, footnotes, inline_notes)} [{_inner(expan, footnotes, inline_notes)}]")
        return
    chosen = chosen if chosen is not None else first_of(el, "t:expan", "t:abbr", "*")
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
    """The plain-text version of a TEI document (edition/plaintext.py)."""
    from edition.plaintext import tei_to_plaintext

    return tei_to_plaintext(root)


def speaker_ids(sp) -> list[str]:
    return refs(sp.get("who"))
