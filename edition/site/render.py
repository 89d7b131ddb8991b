"""TEI -> HTML for the text of a document: one small method per TEI element, named by the
element's page behaviour in edition/behaviours.py.

Every string from the TEI goes through `escape`; the result is `Markup`, which the
templates (autoescaping) insert as is. Each `sp`, `p`, `note` and `gap` keeps its TEI
`xml:id` as its HTML id (plus an optional prefix on comparison pages), with a visible
permanent link beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import markupsafe
from markupsafe import Markup

from edition.behaviours import page_methods
from edition.site.tei import TEI_NS, XML_LANG, find, name, normalise, refs, text_of, xml_id
from edition.site.text import reading_text


@dataclass
class Footnote:
    id: str  # the HTML id (TEI xml:id, prefixed on comparison pages)
    xml_id: str
    n: str
    type: str  # "editorial", "translator", ...
    html: Markup
    ref_id: str  # the id of the marker in the text, for the way back


@dataclass
class Rendered:
    html: Markup
    notes: list[Footnote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


LANGUAGE_NAMES = {
    "ru": "Russian", "ru-Latn": "Russian, transliterated", "zh": "Chinese", "zh-Latn": "Chinese, romanised",
    "sq": "Albanian", "de": "German", "fr": "French", "en": "English", "pl": "Polish", "cs": "Czech",
    "hu": "Hungarian", "ko": "Korean", "ko-Latn": "Korean, romanised", "vi": "Vietnamese", "ja": "Japanese",
    "ja-Latn": "Japanese, romanised", "it": "Italian", "es": "Spanish", "bg": "Bulgarian", "ro": "Romanian",
}

_STABLE_NUMBER = re.compile(r"^sp-(\d+)$")

MANNER_WORDS = {"editorial": "Editorial note", "translator": "Translator’s note"}


class Renderer:
    """Renders the body of one TEI document.

    person_href: person id -> relative URL of their page (None: no page).
    id_prefix: prefixed to every HTML id (comparison pages show two documents at once).
    anchor_base: where permanent links point ("" for the page itself, or the document's
    page from a comparison page).
    """

    def __init__(self, person_href: Callable[[str], str | None], id_prefix: str = "", anchor_base: str = "",
                 counterparts: dict[str, dict[str, tuple[str, ...]]] | None = None):
        self.person_href = person_href
        self.prefix = id_prefix
        self.anchor_base = anchor_base
        # other translation's id → this document's passage → its counterparts there (standOff)
        self.counterparts = counterparts or {}
        self.notes: list[Footnote] = []
        self.warnings: list[str] = []
        self._unknown: set[str] = set()
        self._note_count = 0

    # --- ids and links -----------------------------------------------------------

    def hid(self, el) -> str:
        value = xml_id(el)
        return f"{self.prefix}{value}" if value else ""

    def id_attr(self, el) -> Markup:
        value = self.hid(el)
        return format_html(' id="%s"', value) if value else Markup("")

    def permalink(self, el, label: str, text: str = "¶", extra_class: str = "") -> Markup:
        value = xml_id(el)
        if not value:
            return Markup("")
        href = f"{self.anchor_base}#{value}" if self.anchor_base else f"#{self.prefix}{value}"
        cls = f"permalink {extra_class}".strip()
        return format_html('<a class="%s" href="%s" aria-label="%s" title="%s">%s</a>',
            cls, href, f"{label}: permanent link", f"Permanent link to {label[:1].lower()}{label[1:]} (click to copy)", text)

    def counterpart_links(self, el) -> Markup:
        """"This passage in the other translation": a link to each counterpart the alignment
        gives (standOff/linkGrp[@type='translation']). The translation is named when the page is
        written (`name_translations`): its translator may change without this document changing."""
        own = xml_id(el)
        links = []
        for other in sorted(self.counterparts):
            theirs = self.counterparts[other].get(own)
            if not theirs:
                continue
            links.append(format_html('<a class="counterpart" href="%s.html#%s" data-translation="%s">'
                                '<span class="counterpart-in">%s</span> %s</a>',
                other, theirs[0], other, Markup(COUNTERPART_SLOT) % other, passages_label(theirs)))
        if not links:
            return Markup("")
        return format_html('<span class="counterparts">%s</span>', Markup(" ").join(links))

    def need_id(self, el, what: str) -> None:
        if not xml_id(el):
            self.warnings.append(f"{what} without xml:id (no permanent anchor): “{text_of(el)[:60]}”")

    # --- blocks --------------------------------------------------------------------

    def body(self, body) -> Rendered:
        out = [self.block(child) for child in body]
        return Rendered(joined(out), self.notes, self.warnings)

    def block(self, el) -> Markup:
        local = name(el)
        if local is None:
            return Markup("")
        method = _BLOCK.get(local)
        if method is not None:
            return method(self, el)
        self.unknown(local)
        return format_html('<div class="tei-%s"%s>%s</div>\n', local, self.id_attr(el), self.inline_content(el))

    def block_div(self, el) -> Markup:
        kind = el.get("type", "")
        inner = joined(self.block(child) for child in el)
        return format_html('<div class="text-division%s"%s>\n%s</div>\n',
            f" division-{kind}" if kind else "", self.id_attr(el), inner)

    def block_head(self, el) -> Markup:
        return format_html('<h3 class="record-head"%s>%s</h3>\n', self.id_attr(el), self.inline_content(el))

    def block_opener(self, el) -> Markup:
        inner = joined(
            format_html('<p class="%s"%s>%s</p>\n', name(c), self.id_attr(c), self.inline_content(c))
            for c in el if name(c))
        return format_html('<div class="opener">\n%s</div>\n', inner)

    def block_closer(self, el) -> Markup:
        lines = []
        for child in el:
            local = name(child)
            if local is None:
                continue
            kind = child.get("type") or local
            lines.append(format_html('<p class="closer-line closer-%s"%s>%s</p>\n',
                kind, self.id_attr(child), self.inline_content(child)))
        return format_html('<div class="closer">\n%s</div>\n', joined(lines))

    def block_p(self, el) -> Markup:
        """A paragraph directly in the division: the record's own voice (narration)."""
        self.need_id(el, "paragraph")
        return format_html('<p class="narration"%s>%s\u00a0%s%s</p>\n',
            self.id_attr(el), self.inline_content(el).rstrip(), self.permalink(el, f"Paragraph {xml_id(el)}"),
            self.counterpart_links(el))

    def block_ab(self, el) -> Markup:
        return self.block_p(el)

    def block_gap(self, el) -> Markup:
        desc = find(el, "t:desc")
        summary = self.inline_content(desc) if desc is not None else Markup("…")
        reason = el.get("reason", "omitted")
        return format_html(
            '<div class="omission"%s role="note">'
            '<p><span class="omission-label">%s</span> '
            '<span class="omission-summary"><span class="bracket">[</span>%s<span class="bracket">]</span></span>\u00a0%s%s</p>'
            '</div>\n',
            self.id_attr(el),
            "Passage omitted in the source; editorial summary:" if reason == "omitted" else f"Gap ({reason}):",
            summary, self.permalink(el, f"Omission {xml_id(el)}"), self.counterpart_links(el))

    def block_stage(self, el) -> Markup:
        return format_html('<p class="stage stage-block"%s>%s</p>\n', self.id_attr(el), self.stage_text(el))

    def block_note(self, el) -> Markup:
        if el.get("place") == "inline":
            return format_html('<p class="narration">%s</p>\n', self.inline(el))
        return format_html('<p class="narration">%s</p>\n', self.inline(el))

    def block_lb(self, el) -> Markup:
        return Markup("")

    def block_pb(self, el) -> Markup:
        return format_html('<p class="page-break">[page %s]</p>\n', el.get("n", ""))

    def block_sp(self, el) -> Markup:
        self.need_id(el, "turn")
        who = refs(el.get("who"))
        number = xml_id(el)
        match = _STABLE_NUMBER.match(number)
        label_number = match.group(1) if match else number.removeprefix("sp-")
        speaker = find(el, "t:speaker")
        head: list[Markup] = []
        if label_number:
            head.append(self.permalink(el, f"Turn {label_number}" + (f" ({number})" if number != f"sp-{label_number}" else ""),
                                       label_number, "turn-link"))
        if speaker is not None:
            href = self.person_href(who[0]) if len(who) == 1 else None
            label = isolated(self.inline_content(speaker), text_of(speaker))
            head.append(format_html('<a class="speaker" href="%s">%s</a>', href, label) if href
                        else format_html('<span class="speaker">%s</span>', label))
        elif who:
            # a turn the source prints without a label (announced in the narration): the speaker named
            href = self.person_href(who[0]) if len(who) == 1 else None
            persons = {xml_id(p): p for p in el.getroottree().getroot().iter(f"{{{TEI_NS}}}person")}
            shown = " / ".join(text_of(find(persons[w], "t:persName")) if w in persons else w for w in who)
            head.append(format_html('<a class="unlabelled-speaker" href="%s" title="no label in the source">[%s]</a>',
                              href, shown) if href else format_html('<span class="unlabelled-speaker">[%s]</span>', shown))
        if el.get("cert"):
            head.append(format_html(' <span class="cert" title="The edition identifies this speaker with %s '
                               'certainty">(identification uncertain)</span>', el.get("cert")))
        body: list[Markup] = []
        # a turn of one paragraph is cited by its number: a ¶ of its own would only repeat it
        paragraphs = [child for child in el if name(child) == "p"]
        for child in el:
            local = name(child)
            if local in (None, "speaker"):
                continue
            if local == "stage" and not body:
                head.append(format_html(' <span class="stage manner"%s>%s</span>',
                    self.id_attr(child), self.stage_text(child)))
            elif local == "p":
                self.need_id(child, "paragraph")
                body.append(format_html('<p%s>%s%s</p>\n',
                    self.id_attr(child), self.inline_content(child).rstrip(),
                    Markup("\u00a0") + self.permalink(child, f"Paragraph {xml_id(child)}")
                    if len(paragraphs) > 1 else Markup("")))
            else:
                body.append(self.block(child))
        head.append(self.counterpart_links(el))
        return format_html(
            '<div class="turn" %s data-who="%s">\n<p class="turn-head">%s</p>\n<div class="turn-body">\n%s</div>\n</div>\n',
            Markup(self.id_attr(el).strip()), " ".join(who), joined(head), joined(body))

    # --- inline ----------------------------------------------------------------------

    def inline_content(self, el) -> Markup:
        """The mixed content of `el`: its text, its children rendered, their tails."""
        if el is None:
            return Markup("")
        # escaped and joined as plain strings: a Markup object and an escape() per fragment
        # were a quarter of the site's CPU
        out: list[str] = [escape_text(el.text or "")]
        for child in el:
            out.append(self.inline(child))
            out.append(escape_text(child.tail or ""))
        return Markup("".join(out))

    def inline(self, el) -> Markup:
        local = name(el)
        if local is None:
            return Markup("")
        method = _INLINE.get(local)
        if method is not None:
            return method(self, el)
        self.unknown(local)
        return format_html('<span class="tei-%s">%s</span>', local, self.inline_content(el))

    def unknown(self, local: str) -> None:
        if local not in self._unknown:
            self._unknown.add(local)
            self.warnings.append(f"TEI element <{local}> has no special rendering; shown as plain text")

    def bracketed(self, cls: str, title: str, inner: Markup) -> Markup:
        return format_html('<span class="%s" title="%s"><span class="bracket">[</span>%s<span class="bracket">]</span></span>',
            cls, title, inner)

    def inline_supplied(self, el) -> Markup:
        reason = el.get("reason", "implicit")
        who = "the edition" if el.get("resp") == "#edition" else \
            "the translator" if (el.get("resp") or "").startswith("#translator") else "the source"
        title = f"Punctuation supplied by {who}" if reason == "punctuation" else f"Words supplied by {who}"
        return self.bracketed(f"supplied supplied-{reason}", title, self.inline_content(el))

    def inline_unclear(self, el) -> Markup:
        return format_html('<span class="unclear" title="Doubtful reading">%s <span class="editorial-mark">[?]</span></span>',
            self.inline_content(el))

    def inline_sic(self, el) -> Markup:
        return format_html('<span class="sic" title="Reproduced as found in the source">%s <span class="editorial-mark">[sic]</span></span>',
            self.inline_content(el))

    def inline_seg(self, el) -> Markup:
        kind = el.get("type", "")
        if kind == "original-wording":
            foreign = find(el, "t:foreign")
            lang = foreign.get(XML_LANG, "") if foreign is not None else el.get(XML_LANG, "")
            language = LANGUAGE_NAMES.get(lang, lang or "the original language")
            return self.bracketed("original-wording", f"The original wording ({language})", self.inline_content(el))
        if kind == "alternative-name":
            return self.bracketed("alt-name", "Another form of the name", self.inline_content(el))
        return format_html('<span class="seg%s">%s</span>', f" seg-{kind}" if kind else "", self.inline_content(el))

    def inline_foreign(self, el) -> Markup:
        lang = el.get(XML_LANG, "")
        attr = format_html(' lang="%s"', lang) if lang else Markup("")
        return format_html('<i class="foreign"%s>%s</i>', attr, self.inline_content(el))

    def inline_choice(self, el) -> Markup:
        corr = find(el, "t:corr")
        sic = find(el, "t:sic")
        reg = find(el, "t:reg")
        orig = find(el, "t:orig")
        expan = find(el, "t:expan")
        abbr = find(el, "t:abbr")
        if corr is not None:
            original = text_of(sic) if sic is not None else ""
            return format_html('<span class="repair" tabindex="0" data-original="%s" title="Repaired text-extraction damage; the source reads “%s”">%s</span>',
                original, original, self.inline_content(corr))
        if reg is not None:
            original = text_of(orig) if orig is not None else ""
            return format_html('<span class="regularised" tabindex="0" data-original="%s" title="Regularised; the source reads “%s”">%s</span>',
                original, original, self.inline_content(reg))
        if expan is not None:
            original = text_of(abbr) if abbr is not None else ""
            return format_html('<span class="expansion" title="Abbreviation in the source: %s">%s</span>',
                original, self.inline_content(expan))
        first = next((c for c in el if name(c)), None)
        return self.inline_content(first) if first is not None else Markup("")

    def inline_note(self, el) -> Markup:
        if el.get("place") == "inline":
            letter = el.get("n", "")
            if el.get("resp") == "#edition":  # the editor's own note (registers/annotations.toml)
                link = self.permalink(el, "Editor's note", "Editor's note:", "note-letter")
                return format_html('<span class="inline-note editors-note"%s role="note">%s %s</span>',
                    self.id_attr(el), link, self.inline_content(el))
            link = self.permalink(el, f"Note {letter or xml_id(el)}", letter or "✱", "note-letter")
            return format_html('<span class="inline-note"%s role="note">%s<span class="bracket">[</span>%s<span class="bracket">]</span></span>',
                self.id_attr(el), link, self.inline_content(el))
        self.need_id(el, "note")
        self._note_count += 1
        n = el.get("n") or str(self._note_count)
        note_id = self.hid(el) or f"{self.prefix}note-{self._note_count}"
        ref_id = f"{self.prefix}noteref-{xml_id(el) or self._note_count}"
        kind = el.get("type", "editorial")
        self.notes.append(Footnote(note_id, xml_id(el), n, kind, self.note_body(el), ref_id))
        return format_html('<a class="note-ref" id="%s" href="#%s" role="doc-noteref" aria-label="Note %s">'
                      '<sup>%s</sup></a>', ref_id, note_id, n, n)

    def note_body(self, el) -> Markup:
        return self.inline_content(el)

    def inline_ptr(self, el) -> Markup:
        """A pointer to another passage of the document: a link to its anchor."""
        target = (el.get("target") or "").lstrip("#")
        if not re.fullmatch(r"[\w.-]+", target):
            return Markup("")
        return format_html(' <a class="see" href="#%s">(see the passage)</a>', target)

    def inline_label(self, el) -> Markup:
        return format_html('<span class="note-label">%s</span>', self.inline_content(el))

    def inline_ref(self, el) -> Markup:
        if el.get("type") == "noteref":
            n = el.get("n", "")
            self.warnings.append(f"note marker [{n}] has no note text in the source")
            return format_html('<span class="note-ref orphan" title="The source prints a note marker here but gives no note">%s</span>',
                self.inline_content(el) or f"[{n}]")
        target = el.get("target", "")
        if target.startswith(("http://", "https://")):
            return format_html('<a class="external" href="%s">%s</a>', target, self.inline_content(el))
        return format_html('<span class="ref">%s</span>', self.inline_content(el))

    def stage_text(self, el) -> Markup:
        inner = self.inline_content(el)
        text = text_of(el)
        if text.startswith("("):
            return inner
        return format_html("(%s)", inner)

    def inline_stage(self, el) -> Markup:
        return format_html('<span class="stage"%s>%s</span>', self.id_attr(el), self.stage_text(el))

    def inline_persName(self, el) -> Markup:
        ids = refs(el.get("ref"))
        href = self.person_href(ids[0]) if ids else None
        content = isolated(self.inline_content(el), text_of(el))
        if href:
            return format_html('<a class="person" href="%s">%s</a>', href, content)
        return format_html('<span class="person">%s</span>', content)

    def inline_placeName(self, el) -> Markup:
        """A place as printed; where the place register normalises it, its name is shown on hover
        ("Huairan Hall" → Huairen Hall, Beijing)."""
        ref = (el.get("ref") or "").lstrip("#")
        places = {xml_id(p): p for p in el.getroottree().getroot().iter(f"{{{TEI_NS}}}place")} if ref else {}
        place = places.get(ref)
        if place is None:
            return format_html('<span class="place">%s</span>', self.inline_content(el))
        where = [text_of(find(place, "t:location/t:settlement")), text_of(find(place, "t:location/t:country"))]
        label = ", ".join(part for part in [text_of(find(place, "t:placeName")), *where] if part)
        return format_html('<span class="place" title="%s">%s</span>', label, self.inline_content(el))

    def inline_orgName(self, el) -> Markup:
        return format_html('<span class="org">%s</span>', self.inline_content(el))

    def inline_name(self, el) -> Markup:
        return format_html('<span class="name">%s</span>', self.inline_content(el))

    def inline_date(self, el) -> Markup:
        when = el.get("when", "")
        if when:
            return format_html('<time datetime="%s">%s</time>', when, self.inline_content(el))
        return self.inline_content(el)

    def inline_anchor(self, el) -> Markup:
        """A retired id (anchor type="former-id"): an empty element with that id, so an old link
        lands here even without JavaScript; edition.js then moves the address to the new id."""
        former, current = self.hid(el), (el.get("corresp") or "").removeprefix("#")
        if el.get("type") != "former-id" or not former or not current:
            return Markup("")
        return format_html('<span class="former-id" id="%s" data-moved-to="%s"></span>', former, f"{self.prefix}{current}")

    def inline_lb(self, el) -> Markup:
        return Markup("<br>")

    def inline_pb(self, el) -> Markup:
        # the printed page's number is its anchor: a passage is cited by page as in print (#page-1140)
        n = el.get("n", "")
        anchor = re.sub(r"[^\w.-]", "-", n)
        return format_html('<span class="page-break" id="page-%s">[page %s]</span>', anchor, n)

    def inline_hi(self, el) -> Markup:
        rend = el.get("rend", "italic")
        tag = {"italic": "i", "bold": "b", "sup": "sup", "superscript": "sup", "sub": "sub", "underline": "u",
               "smallcaps": "span"}.get(rend, "em")
        return format_html("<%s>%s</%s>", Markup(tag), self.inline_content(el), Markup(tag))

    def inline_title(self, el) -> Markup:
        return format_html("<cite>%s</cite>", self.inline_content(el))

    def inline_q(self, el) -> Markup:
        return format_html("<q>%s</q>", self.inline_content(el))

    inline_quote = inline_q

    def inline_gap(self, el) -> Markup:
        if el.get("reason") == "lost":  # text the source lost (cut off by extraction): nothing to show
            return format_html('<span class="gap-lost" title="%s">…</span>', text_of(find(el, "t:desc")))
        desc = find(el, "t:desc")
        inner = self.inline_content(desc) if desc is not None else Markup("…")
        return format_html('<span class="omission omission-inline"%s title="Omitted in the source">[%s]</span>',
            self.id_attr(el), inner)

    def inline_desc(self, el) -> Markup:
        return self.inline_content(el)

    def inline_add(self, el) -> Markup:
        return self.bracketed("supplied", "Added", self.inline_content(el))

    def inline_del(self, el) -> Markup:
        return format_html("<del>%s</del>", self.inline_content(el))

    def inline_term(self, el) -> Markup:
        return format_html('<span class="term">%s</span>', self.inline_content(el))

    def inline_num(self, el) -> Markup:
        return self.inline_content(el)

    inline_measure = inline_num
    inline_rs = inline_name

    def inline_forename(self, el) -> Markup:  # a name's part: the name it is in shows it as a name
        return self.inline_content(el)

    def inline_time(self, el) -> Markup:  # a time of day within a date: the date's words show it
        return self.inline_content(el)

    def inline_emph(self, el) -> Markup:
        return format_html("<em>%s</em>", self.inline_content(el))

    def inline_p(self, el) -> Markup:  # a p inside a note
        return format_html('<span class="note-p">%s</span> ', self.inline_content(el))


# The page behaviours of edition/behaviours.py: element -> the method that shows it.
_BLOCK = {local: getattr(Renderer, method) for local, method in page_methods("block").items()}
_INLINE = {local: getattr(Renderer, method) for local, method in page_methods("inline").items()}


def joined(parts) -> Markup:
    """Markup fragments joined without escaping each again (`Markup("").join` calls escape()
    on every part; these parts are all Markup already)."""
    return Markup("".join(parts))


def _escape_text(text: str) -> str:
    """markupsafe's escape of a plain string, as a plain string (no Markup object)."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
            .replace('"', "&#34;"))


# markupsafe's own C function where it has one (the same five replacements)
escape_text = getattr(markupsafe, "_escape_inner", _escape_text)


def format_html(template: str, *args) -> Markup:
    """`Markup(template) % args` as plain string formatting: each argument that is not Markup
    escaped once, as markupsafe does (its wrapper object per argument cost a third of the page)."""
    return Markup(template % tuple([a if isinstance(a, Markup) else escape_text(str(a)) for a in args]))


# Where the page names the other translation ("Zubok’s translation"), filled in when the page is written.
COUNTERPART_SLOT = '<span class="translation-name" data-for="%s"></span>'


_COUNTERPART = re.compile(r'<a class="counterpart" href="[^"]*" data-translation="([^"]*)">.*?</a>', re.S)


def name_translations(html: Markup, names: dict[str, str]) -> Markup:
    """Fill each counterpart link's slot with the name of its translation; a link to a
    translation the edition does not publish is dropped."""
    def named(match: re.Match) -> str:
        if match.group(1) not in names:
            return ""
        slot = str(Markup(COUNTERPART_SLOT) % match.group(1))
        short = names[match.group(1)].removesuffix("’s translation")
        named_link = match.group(0).replace(slot, str(format_html('<span class="translation-name">%s:</span>', short)))
        return named_link.replace(' data-translation=', str(format_html(' title="This passage in %s" data-translation=',
                                                                  names[match.group(1)])), 1)
    text = _COUNTERPART.sub(named, str(html)).replace('<span class="counterparts"></span>', "")
    return Markup(text)


def passage_name(passage_id: str) -> str:
    """A passage as a reader names it: sp-131 → "turn 131", p-3 → "paragraph 3", fn-3 → "note 3"."""
    kind, _, number = passage_id.partition("-")
    names = {"sp": "turn", "p": "paragraph", "fn": "note", "en": "editorial note", "gap": "omitted passage"}
    return f"{names[kind]} {number}" if kind in names and number else passage_id


def passages_label(ids: tuple[str, ...]) -> str:
    """How a reader names passages: "turn 10", "turns 22–91", "the summary of an omission"."""
    turns = [i.removeprefix("sp-") for i in ids if _STABLE_NUMBER.match(i)]
    if len(ids) == 1:
        if turns:
            return f"turn {turns[0]}"
        return "omitted passage (summary)" if ids[0].startswith("gap-") else "narration"
    if turns:
        span = f"turns {turns[0]}–{turns[-1]}" if len(turns) > 1 else f"turn {turns[0]}"
        return span + (f" ({len(ids)} passages)" if len(ids) != len(turns) else "")
    return f"{len(ids)} passages"


# Characters that change the direction of the text after them (embeddings, overrides, isolates,
# marks): a label holding an unclosed one (U+202E) turns the rest of the line around.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def isolated(html: Markup, text: str) -> Markup:
    """A label or name with direction controls in its own `<bdi>`, which ends whatever they
    open at the label's end (HTML's bidirectional isolation)."""
    return format_html("<bdi>%s</bdi>", html) if _BIDI_CONTROLS.search(text) else html


def snippet(el, words: int = 28) -> str:
    """The first words of a passage, for lists of turns."""
    text = reading_text(el, inline_notes=False)
    tokens = text.split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


def plain_inline(el) -> str:
    return normalise(reading_text(el)) if el is not None else ""
