"""The static website, rendered from the TEI files alone.

`build_site(tei_dir, site_dir, settings, validation=None, progress=True) -> SiteReport`

Modules: `document` (a TEI file read into what a page shows), `render` (TEI -> HTML, one
method per element), `text` (reading text and the plain-text download), `collection`
(persons, translations, archives, chronology across documents), `cite` (Chicago, BibTeX,
RIS, Highwire, JSON-LD), `search` (the Pagefind index), `build` (the steps).
"""

from edition.site.build import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
