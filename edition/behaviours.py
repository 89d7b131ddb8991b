"""What each TEI element of a record's text means for each output of the edition: one table.

Three walkers read the TEI back: the page (edition/site/render.py), the words of passages for
the search view, snippets and word counts (edition/site/text.py, edition/site/search.py) and the
plain-text download (edition/plaintext.py). Each looks an element up here and does what its
behaviour says, as CETEIcean's behaviours or TEI Publisher's processing model drive one
rendering from a table per element; none keeps a list of tag names of its own.
tests/test_behaviours.py fails when edition/schema/edition.xsd admits an element in the text
that lacks a behaviour for any one output, or when a behaviour names a word its walker lacks.

A behaviour may depend on the element's attributes or its parent, written as
"brackets if @type=original-wording|alternative-name else text" (the first test that holds
decides), so the table also shows where the outputs differ on purpose, or by history.

The vocabularies, output by output:

page (Renderer)
  "block", "inline": the Renderer's block_<name> / inline_<name> method shows it, as a child of
  a division or turn / within running text; "in <parent>": its parent's method reads it.

search: within a passage's words (reading_text)
  "text"             its words as they stand (children by their own behaviours)
  "brackets"         [words], as the page's editorial brackets
  "doubtful"         words [?]
  "sic"              words [sic]
  "alternate"        one reading of a choice: corr, else reg, else the printed abbreviation with its
                     expansion ("APRF [Archive of the President …]"), else its first child
  "parenthesised"    (words), unless the source printed the parentheses
  "space"            a space (a line break within a paragraph)
  "summary"          [the editorial summary (desc)], or […]
  "inline note"      [words], unless the caller leaves inline notes out (snippets, word counts)
  "note marker"      [n] where the caller asks for note markers, else nothing (the note is indexed apart)
  "printed marker"   the marker as printed ([n]) for a note the source does not give
search: as a passage of the search view (search_view)
  "division"         its children are passages (the body, a division, a division within one)
  "turn"             a sub-result headed by the speaker; its words: every child but its "label",
                     each by its behaviour within a passage (a stage direction in parentheses, an
                     omission as its [summary], an inline note in brackets)
  "label"            a turn's speaker label: the sub-result's heading names the speaker instead
  "narration"        in a division, a sub-result "Narration"; in a turn, part of the turn's words
  "omission"         in a division, a sub-result with the editorial summary; in a turn, its words
  "heading"          in a division, indexed with the document, no sub-result of its own
  "in turn"          part of its turn's words; in a division, indexed with the document
  "apart"            a sub-result of its own after the text (a note the page lists, by its xml:id);
                     one the page does not list (an inline note) is words where it stands
  "within"           words of the passage it stands in; in a division, indexed with the document

plain: within a paragraph's text (PlainText.node)
  "text", "brackets", "doubtful", "sic", "summary" as for the search
  "alternate"        corr or reg (sic or orig when the source's own forms are asked for), else the
                     printed abbreviation with its expansion, else its first child
  "parentheses"      (words), unless the source printed the parentheses
  "line break"       a new line (other whitespace of the source is a space)
  "numbered"         [n] here, the note's words numbered at the end
plain: as a block of the body (PlainText.body)
  "division"         its children are blocks (the body, a division, a division within one)
  "turn"             "Speaker (manner):" before its first paragraph, then every other child a paragraph
  "speaker"          a turn's label
  "manner"           in a turn before any paragraph: the manner of speaking, after the label; else
                     a paragraph
  "paragraph"        one paragraph: the element by its behaviour within text (an empty one is left out)

Comments and processing instructions are not text: no output reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class Rule:
    """A behaviour word, or a choice of words by tests on the element ("X if TEST else Y")."""

    def __init__(self, text: str):
        self.text = text
        then, test, otherwise = text.partition(" if ")
        if not test:
            self.word, self.test, self.otherwise = text, None, None
            return
        condition, _, rest = otherwise.partition(" else ")
        self.word, self.test, self.otherwise = then, _test(condition), Rule(rest or "text")

    def of(self, el) -> str:
        """The behaviour word for `el`."""
        if self.test is None or self.test(el):
            return self.word
        return self.otherwise.of(el)

    def words(self) -> list[str]:
        """Every word the rule can give (for the test that each walker knows them)."""
        return [self.word] + (self.otherwise.words() if self.otherwise is not None else [])

    def __repr__(self) -> str:
        return f"Rule({self.text!r})"


def _test(condition: str) -> Callable[[object], bool]:
    """`@attr=a|b` (the attribute has one of the values), `@attr` (it has the attribute),
    `parent=name` / `parent!=name` (the parent element's local name)."""
    if condition.startswith("@"):
        attribute, _, values = condition[1:].partition("=")
        if not values:
            return lambda el: el.get(attribute) is not None
        allowed = frozenset(values.split("|"))
        return lambda el: el.get(attribute) in allowed
    if condition.startswith("parent"):
        negated = condition.startswith("parent!=")
        wanted = condition.split("=", 1)[1]

        def parent_is(el) -> bool:
            parent = el.getparent()
            return parent is not None and isinstance(parent.tag, str) and parent.tag.rpartition("}")[2] == wanted

        return (lambda el: not parent_is(el)) if negated else parent_is
    raise ValueError(f"a behaviour's test must be @attr, @attr=v|w, parent=name or parent!=name: {condition!r}")


@dataclass(frozen=True)
class Behaviour:
    page: str            # the page: "block", "inline", "block inline", "in <parent>"
    search: Rule         # within a passage's words (reading_text)
    search_passage: str  # as a passage of the search view
    plain: Rule          # within a paragraph of the plain text
    plain_block: str     # as a child of the division in the plain text


def _b(page: str, search: str, search_passage: str, plain: str, plain_block: str) -> Behaviour:
    return Behaviour(page, Rule(search), search_passage, Rule(plain), plain_block)


# One row per element the edition schema admits in a record's text (tests/test_behaviours.py).
#   element        page              search (words)                       search (passage)  plain (text)                        plain (block)
BEHAVIOURS: dict[str, Behaviour] = {
    "body":      _b("in text",      "text",                                "division",     "text",                              "division"),
    "div":       _b("block",        "text",                                "division",     "text",                              "division"),
    "head":      _b("block",        "text",                                "heading",    "text",                              "paragraph"),
    "opener":    _b("block",        "text",                                "heading",     "text",                              "paragraph"),
    "closer":    _b("block",        "text",                                "heading",     "text",                              "division"),
    "dateline":  _b("in opener",    "text",                                "within",     "text",                              "paragraph"),
    "p":         _b("block inline", "text",                                "narration",  "text",                              "paragraph"),
    "sp":        _b("block",        "text",                                "turn",       "text",                              "turn"),
    "speaker":   _b("in sp",        "text",                                "label",     "text",                              "speaker"),
    "stage":     _b("block inline", "parenthesised",                       "in turn",    "parentheses",                       "manner"),
    "note":      _b("block inline", "inline note if @place=inline else note marker",
                                                                           "apart",      "brackets if @place=inline else numbered",
                                                                                                                              "paragraph"),
    "gap":       _b("block inline", "summary",                             "omission",   "summary",                           "paragraph"),
    "desc":      _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "lb":        _b("block inline", "space",                               "within",     "line break",                        "paragraph"),
    "pb":        _b("block inline", "text",                                "within",     "text",                              "paragraph"),
    "anchor":    _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "choice":    _b("inline",       "alternate",                           "within",     "alternate",                         "paragraph"),
    "corr":      _b("in choice",    "text",                                "within",     "text",                              "paragraph"),
    "sic":       _b("inline",       "sic",                                 "within",     "sic if parent!=choice else text",   "paragraph"),
    "reg":       _b("in choice",    "text",                                "within",     "text",                              "paragraph"),
    "orig":      _b("in choice",    "text",                                "within",     "text",                              "paragraph"),
    "expan":     _b("in choice",    "text",                                "within",     "text",                              "paragraph"),
    "abbr":      _b("in choice",    "text",                                "within",     "text",                              "paragraph"),
    "supplied":  _b("inline",       "brackets",                            "within",     "brackets",                          "paragraph"),
    "unclear":   _b("inline",       "doubtful",                            "within",     "doubtful",                          "paragraph"),
    "seg":       _b("inline",       "brackets if @type=original-wording|alternative-name else text",
                                                                           "within",     "brackets if @type=original-wording|alternative-name else text",
                                                                                                                              "paragraph"),
    "foreign":   _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "hi":        _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "label":     _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "ptr":       _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "ref":       _b("inline",       "printed marker if @type=noteref else text",
                                                                           "within",     "text",                              "paragraph"),
    "persName":  _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "forename":  _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "placeName": _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "date":      _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "time":      _b("inline",       "text",                                "within",     "text",                              "paragraph"),
}

# Elements the schema does not admit in the text that the page still shows: in the header's
# citations, summary and licence (read with the Renderer's inline content), and in TEI from
# elsewhere.
BEHAVIOURS.update({
    "ab":        _b("block",        "text",                                "narration",  "text",                              "paragraph"),
    "orgName":   _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "name":      _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "rs":        _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "title":     _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "q":         _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "quote":     _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "add":       _b("inline",       "text",                                "within",     "brackets",                          "paragraph"),
    "del":       _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "term":      _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "num":       _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "measure":   _b("inline",       "text",                                "within",     "text",                              "paragraph"),
    "emph":      _b("inline",       "text",                                "within",     "text",                              "paragraph"),
})

# An element that is in no row: its words as they stand in the search and the plain text (in a
# division, words of the document and a paragraph of its own); the page shows its words and warns.
UNKNOWN = _b("unknown", "text", "within", "text", "paragraph")


def behaviour(local: str) -> Behaviour:
    return BEHAVIOURS.get(local, UNKNOWN)


def page_methods(kind: str) -> dict[str, str]:
    """Element -> the name of the Renderer method that shows it as `kind` ("block" or "inline")."""
    return {local: f"{kind}_{local}" for local, b in BEHAVIOURS.items() if kind in b.page.split()}
