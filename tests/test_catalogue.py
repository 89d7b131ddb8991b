"""The catalogue (edition/site/catalogue.py): the light record of every rendered document in
one SQLite file, read with one query by a rebuild; a damaged one is set aside."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import edition.site.build as site_build
from edition.settings import load_settings
from edition.site.catalogue import FILE, Catalogue

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "site"


def _build(tmp_path: Path):
    tei, site, cache = tmp_path / "tei", tmp_path / "site", tmp_path / "cache"
    if not tei.exists():
        shutil.copytree(FIXTURES, tei)
    return site_build.build_site(tei, site, load_settings(ROOT / "edition.toml"), progress=False, jobs=1,
                                 cache_dir=cache)


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_the_catalogue_holds_each_document_with_its_year_archive_and_persons(tmp_path: Path) -> None:
    _build(tmp_path)
    db = sqlite3.connect(tmp_path / "cache" / FILE)
    rows = sorted(db.execute("SELECT id, year, archive FROM documents"))
    assert [row[:2] for row in rows] == [("1958-07-31_khrushchev-mao_first-conversation_wolff", "1958"),
                                         ("1958-07-31_khrushchev-mao_first-conversation_zubok", "1958"),
                                         ("1960-06-07_mao-zedong_albanian-delegation", "1960")]
    assert [archive for _, _, archive in rows] == ["Archive of the President of the Russian Federation (APRF)"] * 2 \
        + ["Arkivi Qendror Shtetëror"]
    catalogue = Catalogue(tmp_path / "cache")
    assert "1960-06-07_mao-zedong_albanian-delegation" in catalogue.documents_of_person("mao-zedong")
    assert len(catalogue.documents_of_person("mao-zedong")) == 3
    assert not list((tmp_path / "cache").rglob("*.meta.json")), "a light record is still a file of its own"


def test_a_rebuild_takes_the_unchanged_documents_from_the_catalogue(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path)
    path = tmp_path / "tei" / "1960-06-07_mao-zedong_albanian-delegation.xml"
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    rendered = []
    real = site_build._prepare_one
    monkeypatch.setattr(site_build, "_prepare_one", lambda job: rendered.append(Path(job[0]).name) or real(job))
    _build(tmp_path)
    assert rendered == [path.name]
    rows = sqlite3.connect(tmp_path / "cache" / FILE).execute("SELECT count(*) FROM documents").fetchone()
    assert rows == (3,), "the old record of the changed document was not pruned"


def test_a_damaged_catalogue_is_replaced_and_the_site_is_the_same(tmp_path: Path) -> None:
    _build(tmp_path)
    before = _pages(tmp_path / "site")
    (tmp_path / "cache" / FILE).write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path / 'cache' / FILE}{suffix}").unlink(missing_ok=True)
    (tmp_path / "cache" / "state.json").unlink()  # so that the site is built again
    _build(tmp_path)
    assert _pages(tmp_path / "site") == before
    assert Catalogue(tmp_path / "cache").keys(), "the catalogue was not rebuilt"


def test_the_light_record_leaves_out_what_only_the_page_shows_and_a_page_made_again_still_shows_it(
        tmp_path: Path) -> None:
    """The catalogue's light record (decoded for every document on every rebuild) holds no
    rights statement, revision notes or identifiers: they go with the document's text. A page
    made again from the cache because its neighbour's title changed must still show them, byte
    for byte as a build from nothing does."""
    import msgspec

    _build(tmp_path)
    db = sqlite3.connect(tmp_path / "cache" / FILE)
    records = [msgspec.msgpack.decode(record) for (record,) in db.execute("SELECT record FROM documents")]
    db.close()
    assert records
    for fields in records:
        for name in site_build.PAGE_ONLY_FIELDS:
            assert fields[name] in ("", []), (name, fields[name])

    neighbour = "documents/1958-07-31_khrushchev-mao_first-conversation_wolff.html"
    first = (tmp_path / "site" / neighbour).read_bytes()
    path = tmp_path / "tei" / "1960-06-07_mao-zedong_albanian-delegation.xml"
    path.write_text(path.read_text("utf-8").replace("with Comrade Mao Zedong in Hangzhou", "with Mao Zedong at Hangzhou"),
                    "utf-8")
    _build(tmp_path)
    again = (tmp_path / "site" / neighbour).read_bytes()
    assert again != first, "the neighbour's page was not made again: nothing was tested"
    assert b"<dt>Rights</dt>" in again and b'<details class="history">' in again
    fresh = tmp_path / "fresh"
    site_build.build_site(tmp_path / "tei", fresh, load_settings(ROOT / "edition.toml"), progress=False, jobs=1,
                          cache_dir=tmp_path / "fresh-cache")
    assert again == (fresh / neighbour).read_bytes()


def test_a_persons_page_reads_the_turns_of_the_other_documents_not_their_text(tmp_path: Path, monkeypatch) -> None:
    """A person's page made again reads each of the person's documents' turns and mentions (the
    cache's `turns` part), not their whole text: the text part is read only for a document
    whose own page is written."""
    from edition.site.cache import BuildCache

    _build(tmp_path)
    path = tmp_path / "tei" / "1960-06-07_mao-zedong_albanian-delegation.xml"
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    loads: list[tuple[str, str]] = []
    original = BuildCache.load

    def load(self, key, part):
        loads.append((key, part))
        return original(self, key, part)

    monkeypatch.setattr(BuildCache, "load", load)
    report = _build(tmp_path)
    assert "persons/mao-zedong.html" in report.pages
    changed = {key for key, part in loads if part == "full"}
    turns = {key for key, part in loads if part == "turns"}
    assert len(turns - changed) >= 1, "no unchanged document's turns were read: nothing was tested"
    written = {p.stem for p in (tmp_path / "site" / "documents").glob("*.html")
               if p.stat().st_mtime_ns >= path.stat().st_mtime_ns}
    db = sqlite3.connect(tmp_path / "cache" / FILE)
    id_of = dict(db.execute("SELECT key, id FROM documents"))
    db.close()
    assert {id_of.get(key) for key in changed} <= written, "a page not written had its text read"


def test_a_light_record_reads_back_as_the_document_it_was_with_its_types(tmp_path: Path) -> None:
    """The records are decoded by type (msgspec): what comes back is the light document that was
    kept, field for field and type for type (Markup stays Markup, or a title with an ampersand
    would be escaped twice on every list; a Path stays a Path), with its cache key."""
    import dataclasses

    from edition.site.cache import BuildCache
    from edition.site.document import Document

    _build(tmp_path)
    cache = BuildCache(tmp_path / "cache")
    keys = sorted(Catalogue(tmp_path / "cache").keys())
    records = cache.records(keys)
    assert sorted(records) == keys
    sources = site_build._list_sources(tmp_path / "tei", set(), "x", site_build.SiteReport(site_dir=tmp_path), None)
    other, report = BuildCache(tmp_path / "other"), site_build.SiteReport(site_dir=tmp_path)
    kept, rendered = site_build._render_new(sources, other, 1, False, report, "en")
    fresh = {doc.cache_key: doc for doc in site_build._light_records(sources, kept, rendered, other, 1, False, report,
                                                                     "en")}
    for key, record in records.items():
        assert record.cache_key == key
        kept = next(doc for doc in fresh.values() if doc.id == record.id)
        for name in (f.name for f in dataclasses.fields(Document)):
            value, expected = getattr(record, name), getattr(kept, name)
            assert value == expected and type(value) is type(expected), name
    assert any(record.summary_html for record in records.values()), "no Markup field was tested"
    assert all(type(record.source.citation_html).__name__ == "Markup" for record in records.values())


def test_a_record_of_another_shape_renders_the_documents_again(tmp_path: Path) -> None:
    """A record that does not decode as a Document (written by an older version, or altered) is
    not trusted: the documents are rendered again and the site is the same."""
    _build(tmp_path)
    before = _pages(tmp_path / "site")
    db = sqlite3.connect(tmp_path / "cache" / FILE)
    with db:
        db.execute("""UPDATE documents SET record = '{"$class":"Document","fields":[]}'""")
    db.close()
    (tmp_path / "cache" / "state.json").unlink()
    _build(tmp_path)
    assert _pages(tmp_path / "site") == before
    records = [record for (record,) in sqlite3.connect(tmp_path / "cache" / FILE).execute("SELECT record FROM documents")]
    assert all(b"$class" not in bytes(record) for record in records)
