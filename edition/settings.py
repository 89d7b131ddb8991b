"""An edition's settings: one TOML file (`edition.toml`) with documented defaults.

```toml
title = "Conversations with Mao Zedong"
subtitle = "Soviet and Albanian records, 1958-1960"
introduction = '''Markdown, shown on the home page.'''
editors = ["A. Editor", "B. Editor"]
publisher = "Example University Library"
licence = { name = "CC BY 4.0", url = "https://creativecommons.org/licenses/by/4.0/" }
base_url = "https://example.org/edition/"   # canonical URLs and sitemap.xml; "" for none
version = "1.0"                             # the edition's release, printed on every page
date = 2025-01-15                           # the release date, printed as the build date
language = "en"
date_style = "month-day-year"               # or "day-month-year" (31 July 1958), "iso" (1958-07-31)
follow_corpus_links = false                 # read links in corpus/ to files outside it

[folders]                                   # relative to the folder of edition.toml
corpus = "corpus"                           # the plain-text records
tei = "tei"                                 # the TEI files (the edition's archival deliverable)
site = "site"                               # the built website
registers = "registers"                     # persons.toml, archives.toml, places.toml, profiles/
templates = "templates"                     # the edition's own templates, overriding the packaged ones
```

`edition init` writes this file with every key explained (edition/init.py). The build date comes from here and never from the clock, so two builds of the same
inputs are byte-identical.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from markupsafe import Markup

from edition.errors import EditionError


@dataclass(frozen=True)
class Licence:
    """The licence of the edition's own work (the encoding, notes, site)."""

    name: str = ""
    url: str = ""


@dataclass(frozen=True)
class Folders:
    """Where an edition keeps its parts, relative to the folder of its settings file."""

    corpus: str = "corpus"
    tei: str = "tei"
    site: str = "site"
    registers: str = "registers"
    templates: str = "templates"


@dataclass
class Settings:
    title: str = "Untitled edition"
    subtitle: str = ""
    introduction: str = ""  # Markdown
    editors: list[str] = field(default_factory=list)
    publisher: str = ""
    licence: Licence = field(default_factory=Licence)
    base_url: str = ""
    version: str = "0.0.0"
    date: str = ""  # ISO 8601 (YYYY-MM-DD): the release/build date shown on every page
    language: str = "en"
    # How dates are written across the site: "month-day-year" (July 31, 1958), "day-month-year"
    # (31 July 1958) or "iso" (1958-07-31).
    date_style: str = "month-day-year"
    # A link in the corpus to a file outside it is refused unless this is true: a link can
    # bring any file of the machine into the published edition.
    follow_corpus_links: bool = False
    folders: Folders = field(default_factory=Folders)
    # The folder of edition.toml, which the folders are relative to. Not a setting, and not part
    # of the settings' repr (the site cache's key): moving an edition does not change its pages.
    root: Path = field(default=Path("."), repr=False, compare=False)

    def folder(self, name: str) -> Path:
        """One of the edition's folders (`corpus`, `tei`, `site`, `registers`, `templates`)."""
        return self.root / getattr(self.folders, name)

    @property
    def introduction_html(self) -> Markup:
        """The introduction rendered from Markdown; raw HTML in it is escaped, not passed through."""
        return render_markdown(self.introduction)

    @property
    def year(self) -> str:
        return self.date[:4]

    def absolute_url(self, path: str) -> str:
        """`path` (relative to the site root) under base_url; "" when there is no base_url."""
        if not self.base_url:
            return ""
        if path == "index.html":
            path = ""
        elif path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return self.base_url.rstrip("/") + "/" + path


def render_markdown(text: str) -> Markup:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "replacements", "smartquotes"])
    return Markup(md.render(text))


# Keys of the settings file; `root` is where the file was found, never written in it.
_NOT_KEYS = {"root"}
_STRING_KEYS = {"title", "subtitle", "introduction", "publisher", "base_url", "version", "language"}


def load_settings(path: Path) -> Settings:
    """Read the settings file at `path`; a missing file gives the defaults.

    Raises EditionError (naming the file and the key) for a TOML syntax error, an
    unknown key or a value of the wrong type.
    """
    path = Path(path)
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise EditionError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise EditionError(f"{path}: not UTF-8 text") from None
    settings = settings_from_dict(data, source=str(path))
    settings.root = path.parent
    return settings


def setting_keys() -> list[str]:
    """Every key a settings file may hold, `folders.corpus` and the like included."""
    keys = [f.name for f in fields(Settings) if f.name not in _NOT_KEYS]
    return [*keys, "licence.name", "licence.url", *(f"folders.{f.name}" for f in fields(Folders))]


def settings_from_dict(data: dict, source: str = "settings") -> Settings:
    known = [f.name for f in fields(Settings) if f.name not in _NOT_KEYS]
    values: dict = {}
    for key, value in data.items():
        if key not in known:
            raise EditionError(f"{source}: unknown setting `{key}`{_suggest(key, known)}")
        if key in _STRING_KEYS:
            values[key] = _string(value, key, source)
        elif key == "editors":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise EditionError(f"{source}: `editors` must be a list of names, e.g. editors = [\"A. Editor\"]")
            values[key] = [v.strip() for v in value if v.strip()]
        elif key == "licence":
            values[key] = _licence(value, source)
        elif key == "date":
            values[key] = _date(value, source)
        elif key == "folders":
            values[key] = _folders(value, source)
        elif key == "follow_corpus_links":
            if not isinstance(value, bool):
                raise EditionError(f"{source}: `{key}` must be true or false")
            values[key] = value
    settings = Settings(**values)
    if settings.base_url and not settings.base_url.startswith(("http://", "https://")):
        raise EditionError(f"{source}: `base_url` must start with http:// or https:// (got {settings.base_url!r})")
    return settings


def _suggest(key: str, known: list[str]) -> str:
    if key == "license":
        return " (the setting is spelt `licence`)"
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean `{close[0]}`?)" if close else f"; known settings: {', '.join(sorted(known))}"


def _string(value, key: str, source: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise EditionError(f"{source}: `{key}` must be a string")
    return str(value).strip() if key != "introduction" else str(value)


def _licence(value, source: str) -> Licence:
    if isinstance(value, str):
        return Licence(name=value.strip())
    if not isinstance(value, dict):
        raise EditionError(f"{source}: `licence` must be a table: licence = {{ name = \"…\", url = \"…\" }}")
    for key in value:
        if key not in ("name", "url"):
            raise EditionError(f"{source}: unknown setting `licence.{key}` (known: licence.name, licence.url)")
    url = _string(value.get("url", ""), "licence.url", source)
    if url and not is_safe_link(url):
        raise EditionError(f"{source}: `licence.url` must be an http:// or https:// address or a relative one "
                           f"(got {url!r}); it becomes a link on every page")
    return Licence(name=_string(value.get("name", ""), "licence.name", source), url=url)


def is_safe_link(url: str) -> bool:
    """Whether a URL may become a link: http(s), or relative (no scheme such as javascript:)."""
    import re
    from urllib.parse import urlsplit

    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)  # browsers drop these before reading a scheme
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in ("http", "https") or (not scheme and not cleaned.startswith("//") and ":" not in cleaned.split("/")[0])


def _folders(value, source: str) -> Folders:
    if not isinstance(value, dict):
        raise EditionError(f"{source}: `folders` must be a table: [folders] with corpus = \"corpus\" and the like")
    known = [f.name for f in fields(Folders)]
    for key, folder in value.items():
        if key not in known:
            raise EditionError(f"{source}: unknown setting `folders.{key}`{_suggest(key, known)}")
        if not isinstance(folder, str) or not folder.strip():
            raise EditionError(f"{source}: `folders.{key}` must be a folder name, e.g. {key} = \"{key}\"")
    return Folders(**{key: folder.strip() for key, folder in value.items()})


def _date(value, source: str) -> str:
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            _dt.date.fromisoformat(text)
        except ValueError:
            raise EditionError(f"{source}: `date` must be an ISO date like 2025-01-15 (got {text!r})") from None
        return text
    raise EditionError(f"{source}: `date` must be an ISO date like 2025-01-15")
