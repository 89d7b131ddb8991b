"""A rebuild updates the live site in place: nothing changes before the journal is written,
then only the files whose inputs changed are replaced (edition/site/update.py).

(Files used to be hard-linked from the live site into a new folder that was swapped in; a file
rendered again over such a link was written through it, so the live site changed, and killed
mid-write was left half-written, while the build was still running.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
from pathlib import Path

import edition.site.build as site_build
from edition.site import update
from edition.settings import load_settings

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "site"
ALBANIAN = "1960-06-07_mao-zedong_albanian-delegation.xml"


def _snapshot(site: Path) -> dict[str, tuple[int, int, str]]:
    """Each file's inode, modification time and content."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(site).as_posix()] = (info.st_ino, info.st_mtime_ns,
                                                        hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def test_a_rebuild_changes_the_live_site_only_after_its_commit_point_and_only_what_changed(
        tmp_path: Path, monkeypatch) -> None:
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    before = _snapshot(site)

    # A new title: the document's own files change, and so do its neighbours' pages (they name
    # it), while the neighbours' downloads stay as they are.
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    at_commit = {}
    real_apply = update.apply

    def apply_after_looking(site_dir, state_dir, plan, state, states):
        at_commit.update(_snapshot(site_dir))
        real_apply(site_dir, state_dir, plan, state, states)

    monkeypatch.setattr(update, "apply", apply_after_looking)
    report = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert report.reused > 0, "nothing was kept from the live site: nothing was tested"
    assert at_commit, "the site was not updated in place: nothing was tested"
    changed = sorted(rel for rel in before if at_commit.get(rel) != before[rel])
    assert changed == [], f"the live site changed before the commit point: {changed[:5]}"
    assert "at Hangzhou" in (site / "documents" / f"{Path(ALBANIAN).stem}.html").read_text("utf-8")

    after = _snapshot(site)
    stem = Path(ALBANIAN).stem
    untouched = [rel for rel in before if after.get(rel) == before[rel]]
    assert f"tei/{stem}.xml" not in untouched and f"cite/{stem}.bib" not in untouched
    # a neighbour's downloads did not change: the very same files (inode and time) are still there
    neighbour = next(rel for rel in before if rel.startswith("tei/") and stem not in rel)
    assert neighbour in untouched
    assert not (tmp_path / ".site.staging").exists() and not (tmp_path / ".site.trash").exists()

    # and the updated site is what a build from nothing makes
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    assert {rel: digest for rel, (_, _, digest) in after.items()} == \
        {rel: digest for rel, (_, _, digest) in _snapshot(fresh).items()}


# --- the journal, step by step --------------------------------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _old_and_new(tmp_path: Path):
    """A live site, and a staging folder holding a rebuild's changes: a page rewritten, a
    folder made anew (one file fewer), a file no longer made; CNAME is someone else's."""
    site, staging = tmp_path / "site", update.staging_folder(tmp_path / "site")
    old = {"index.html": b"old home", "documents/a.html": b"old a", "documents/b.html": b"b",
           "gone.html": b"old page", "dts/navigation/a/1.json": b"1 old", "dts/navigation/a/2.json": b"2 old",
           "CNAME": b"edition.example.org"}
    staged = {"index.html": b"new home", "documents/a.html": b"new a", "dts/navigation/a/1.json": b"1 new",
              "documents/c.html": b"new c"}
    for root, files in ((site, old), (staging, staged)):
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
    new = {**{k: v for k, v in old.items() if k not in ("gone.html", "dts/navigation/a/2.json")}, **staged}
    old_outputs = {"index.html", "documents/a.html", "documents/b.html", "gone.html", "dts/navigation/a/"}
    new_outputs = {"index.html", "documents/a.html", "documents/b.html", "documents/c.html", "dts/navigation/a/"}
    plan = update.plan_update(staging, old_outputs, new_outputs, {"dts/navigation/a"})
    return site, staging, old, new, plan


class _States:
    """update.States as BuildCache keeps them, with what was adopted as the build state."""

    def __init__(self, folder: Path):
        from edition.site.cache import BuildCache

        self.cache = BuildCache(folder)
        self.adopted: list[dict] = []

    def write_state(self, state, name, durable=False):
        self.cache.write_state(state, name, durable)

    def adopt_state(self, name, state=None):
        self.cache.adopt_state(name, state)
        self.adopted.append({k: v for k, v in self.cache.state.items() if k != "format"})


class _NoStates:
    def write_state(self, state, name, durable=False):
        pass

    def adopt_state(self, name, state=None):
        pytest.fail("nothing was committed")


def test_an_update_puts_the_new_files_in_place_and_keeps_what_it_did_not_write(tmp_path: Path) -> None:
    site, staging, old, new, plan = _old_and_new(tmp_path)
    states = _States(tmp_path)
    update.apply(site, tmp_path, plan, {"overall": "new"}, states)
    assert _tree(site) == new
    assert states.adopted == [{"overall": "new"}]
    assert not staging.exists() and not (tmp_path / update.JOURNAL).exists()
    assert json.loads((tmp_path / "state.json").read_text())["overall"] == "new"
    assert not (tmp_path / update.NEXT_STATE).exists()


def test_a_journal_of_the_earlier_version_with_the_state_in_it_is_replayed(tmp_path: Path) -> None:
    site, staging, old, new, plan = _old_and_new(tmp_path)
    journal = {"format": update.JOURNAL_FORMAT, "site": os.path.abspath(site), "steps": plan.steps(),
               "state": {"overall": "new"}}
    (tmp_path / update.JOURNAL).write_text(json.dumps(journal))
    states = _States(tmp_path)
    assert update.replay(site, tmp_path, states)
    assert _tree(site) == new and states.adopted == [{"overall": "new"}]
    assert json.loads((tmp_path / "state.json").read_text())["overall"] == "new"


def test_a_journal_of_an_earlier_state_format_is_replayed_and_its_state_is_no_state(tmp_path: Path) -> None:
    """A state of another format (format 1 keyed every file, documents' files too) is not taken
    as this version's: the next update would delete every document's file it no longer lists."""
    from edition.site.cache import STATE_FORMAT

    site, staging, old, new, plan = _old_and_new(tmp_path)
    earlier = {"format": STATE_FORMAT - 1, "overall": "new", "pages": ["documents/a.html"],
               "keys": {"tei/a.xml": "k"}}
    journal = {"format": update.JOURNAL_FORMAT, "site": os.path.abspath(site), "steps": plan.steps(),
               "state": earlier}
    (tmp_path / update.JOURNAL).write_text(json.dumps(journal))
    states = _States(tmp_path)
    assert update.replay(site, tmp_path, states)
    assert _tree(site) == new
    assert states.cache.state["pages"] == [] and states.cache.state["keys"] == {}
    assert states.cache.state["format"] == STATE_FORMAT and states.cache.state["document_keys"] == {}


@pytest.mark.parametrize("kill_after", range(1, 7))
def test_an_update_killed_after_any_step_is_finished_by_the_journal(tmp_path: Path, monkeypatch,
                                                                      kill_after: int) -> None:
    site, staging, old, new, plan = _old_and_new(tmp_path)
    assert len(plan.steps()) == 5
    steps = [f"apply:{n}" for n in range(1, 6)] + ["applied"]

    def killed_at(name: str) -> None:
        if name == steps[kill_after - 1]:
            raise SystemExit("killed")

    monkeypatch.setattr(update, "_checkpoint", killed_at)
    with pytest.raises(SystemExit):
        update.apply(site, tmp_path, plan, {"overall": "new"}, _States(tmp_path))
    now = _tree(site)
    assert all(now[rel] in (old.get(rel), new.get(rel)) for rel in now), "a file is neither old nor new"
    if kill_after < 5:  # after the fifth and last step the files are the new ones; the state is not saved
        assert now != new, "the kill came too late to test the replay"
    monkeypatch.setattr(update, "_checkpoint", lambda name: None)
    states = _States(tmp_path)
    assert update.replay(site, tmp_path, states)
    assert _tree(site) == new and states.adopted == [{"overall": "new"}]
    assert json.loads((tmp_path / "state.json").read_text())["overall"] == "new"
    assert not staging.exists() and not update.trash_folder(site).exists()
    assert not update.replay(site, tmp_path, states)  # done: nothing more to replay
    assert _tree(site) == new


def test_an_update_killed_before_its_journal_leaves_the_old_site(tmp_path: Path) -> None:
    site, staging, old, new, plan = _old_and_new(tmp_path)
    (tmp_path / update.NEXT_STATE).write_text("{}")  # written before the journal that never came
    assert not update.replay(site, tmp_path, _NoStates())
    assert not (tmp_path / update.NEXT_STATE).exists()
    assert _tree(site) == old and not staging.exists()


def _built_then_retitled(tmp_path: Path):
    """The fixture edition built, then one document's title changed (its TEI file only)."""
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    return tei, site, settings


def test_the_tei_zip_of_a_rebuild_copies_unchanged_members_and_equals_a_fresh_one(tmp_path: Path, monkeypatch) -> None:
    import zipfile

    tei, site, settings = _built_then_retitled(tmp_path)
    read = []
    real_load = site_build.BuildCache.load

    def load(self, key, part):
        if part == "zip":
            read.append(key)
        return real_load(self, key, part)

    monkeypatch.setattr(site_build.BuildCache, "load", load)
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert len(read) == 1, "the unchanged members were not copied from the live zip"
    zip_path = next((site / "downloads").glob("*.zip"))
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        members = {Path(name).name: archive.read(name) for name in archive.namelist()}
    assert members == {p.name: p.read_bytes() for p in tei.glob("*.xml")}
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    assert zip_path.read_bytes() == (fresh / "downloads" / zip_path.name).read_bytes()


def test_a_rebuild_counts_the_files_it_kept_and_lists_no_passage_file(tmp_path: Path) -> None:
    """The files of folders made whole (a document's DTS passages, millions in a large edition)
    are counted, not listed in the build state; a rebuild reports the same number of files."""
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    first = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    on_disk = sum(1 for p in site.rglob("*") if p.is_file()) - len(first.pages)
    assert first.file_count == on_disk
    assert not [rel for rel in first.files if rel.startswith("dts/document/") and rel.count("/") > 2]
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    second = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert second.file_count == sum(1 for p in site.rglob("*") if p.is_file()) - len(second.pages) == on_disk


def _sample_tei(tmp_path: Path) -> Path:
    """The TEI files of the sample edition (their DTS passages fill their folders)."""
    tei = tmp_path / "tei"
    tei.mkdir()
    for path in (ROOT / "tei").glob("*.xml"):
        shutil.copy(path, tei / path.name)
    return tei


def test_the_state_keys_a_documents_own_files_by_document_and_a_document_removed_takes_them_all(
        tmp_path: Path) -> None:
    """A document's page, downloads and DTS files are named by its id and keyed by part in the
    build state (edition.site.outputs), not file by file; a rebuild without the document removes
    every one of them from the live site, in place, and keeps every other file."""
    from edition.site import outputs
    from edition.site.cache import BuildCache

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    first = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    state = BuildCache(site_build.site_cache_folder(tei, site)).state
    ids = sorted(p.stem for p in tei.glob("*.xml"))
    assert sorted(state["document_keys"]) == ids
    assert all(set(parts) == set(outputs.PARTS) for parts in state["document_keys"].values())
    pages, files, folders = outputs.files_of(ids)
    listed = {*state["pages"], *state["files"], *state["keys"]}
    assert listed and not listed & {*pages, *files, *folders}
    assert not [rel for rel in listed if rel.startswith(("documents/", "tei/", "cite/", "dts/navigation/"))]
    assert set(pages) <= set(first.pages) and set(files) <= set(first.files)
    assert all((site / rel).is_dir() and any((site / rel).iterdir()) for rel in folders)

    gone = Path(ALBANIAN).stem
    before = _snapshot(site)
    (tei / ALBANIAN).unlink()
    report = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert report.reused > 0, "the site was made anew, not updated in place: nothing was tested"
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if gone in p.name)
    assert left == [], f"files of the removed document are still in the site: {left}"
    after = _snapshot(site)
    kept = [rel for rel in before if gone not in rel and after.get(rel) == before[rel]]
    assert f"tei/{ids[0]}.xml" in kept and f"dts/collection/{ids[0]}.json" in kept
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    assert {rel: digest for rel, (_, _, digest) in after.items()} == \
        {rel: digest for rel, (_, _, digest) in _snapshot(fresh).items()}


def test_a_documents_file_deleted_from_the_live_site_is_made_again(tmp_path: Path) -> None:
    """A document's part is kept only when every file and folder of it is in the live site."""
    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    stem = Path(ALBANIAN).stem
    wanted = {rel: (site / rel).read_bytes() for rel in (f"cite/{stem}.ris", f"dts/navigation/{stem};down=1.json")}
    passages = _tree(site / "dts" / "navigation" / stem)
    assert passages, "the document has no passages: nothing was tested"
    shutil.rmtree(site / "dts" / "navigation" / stem)
    for rel in wanted:
        (site / rel).unlink()
    # a change elsewhere, so that the build is not one with nothing to do
    other = next(p for p in tei.glob("*.xml") if p.name != ALBANIAN)
    other.write_text(other.read_text("utf-8").replace("</TEI>", "<!-- touched --></TEI>"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert {rel: (site / rel).read_bytes() for rel in wanted} == wanted
    assert _tree(site / "dts" / "navigation" / stem) == passages


def test_a_rebuild_lists_no_folder_of_documents_files_that_is_as_the_last_build_left_it(tmp_path: Path,
                                                                                         monkeypatch) -> None:
    """The folders of documents' files (30,000 names in a large edition's DTS navigation) are
    listed only when something changed in them since the last build (their time says so)."""
    from edition.files import Listings
    from edition.site import outputs

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    listed = []
    real = Listings._listing
    monkeypatch.setattr(Listings, "_listing", lambda self, folder: listed.append(folder) or real(self, folder))

    def rebuild_listing() -> set[str]:
        other = next(p for p in tei.glob("*.xml") if p.name != ALBANIAN)
        other.write_text(other.read_text("utf-8").replace("</TEI>", "<!-- touched --></TEI>", 1), "utf-8")
        listed.clear()
        site_build.build_site(tei, site, settings, progress=False, jobs=1)
        return {Path(folder).relative_to(site).as_posix() for folder in listed if Path(folder).is_relative_to(site)}

    assert not rebuild_listing() & outputs.FOLDERS
    (site / "cite" / f"{Path(ALBANIAN).stem}.bib").unlink()
    assert "cite" in rebuild_listing()
    assert (site / "cite" / f"{Path(ALBANIAN).stem}.bib").is_file()
    assert not rebuild_listing() & outputs.FOLDERS


def test_folder_times_are_recorded_in_the_past_so_that_a_change_in_the_same_clock_tick_shows(
        tmp_path: Path) -> None:
    """On a file system whose clock ticks in whole seconds, a file deleted just after the build
    would leave its folder's time as recorded: the time recorded is set seconds into the past
    first, so any later change gives the folder another."""
    import time

    from edition.site.cache import STAMP_BEFORE_NS, BuildCache

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    stamps = BuildCache(site_build.site_cache_folder(tei, site)).folder_stamps()
    assert stamps and set(stamps) <= {"documents", "tei", "text", "cite", "dts/navigation", "dts/document",
                                      "dts/collection"}
    now = time.time_ns()
    for rel, stamp in stamps.items():
        assert stamp == (site / rel).stat().st_mtime_ns and stamp <= now - STAMP_BEFORE_NS + 1_000_000_000
    (site / "cite" / f"{Path(ALBANIAN).stem}.ris").unlink()
    assert (site / "cite").stat().st_mtime_ns != stamps["cite"]


def test_a_rebuild_takes_the_kept_documents_dts_entries_from_the_catalogue(tmp_path: Path, monkeypatch) -> None:
    from edition.site import dts

    tei, site, settings = _built_then_retitled(tmp_path)
    read = []
    real = dts.resource_for
    monkeypatch.setattr(dts, "resource_for", lambda doc: read.append(doc.id) or real(doc))
    monkeypatch.setattr(site_build, "resource_for", dts.resource_for)  # where the page's worker makes the files
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert read == [Path(ALBANIAN).stem]
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    assert (site / "dts" / "collection.json").read_bytes() == (fresh / "dts" / "collection.json").read_bytes()


@pytest.mark.parametrize("change", ["one document", "a document removed", "the title", "the live file edited"])
def test_the_dts_collection_of_a_rebuild_is_the_live_one_spliced_or_made_whole_and_equals_a_fresh_one(
        tmp_path: Path, monkeypatch, change: str) -> None:
    """A rebuild that changed a few documents of the same edition replaces their entries in the
    live collection (no entry of the others is read); any other change makes it whole."""
    import dataclasses

    from edition.site.catalogue import Catalogue

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    if change == "a document removed":
        next(p for p in tei.glob("*.xml") if p.name != ALBANIAN).unlink()
    elif change == "the title":
        settings = dataclasses.replace(settings, title="Another title")
    elif change == "the live file edited":
        live = site / "dts" / "collection.json"
        live.write_text(live.read_text("utf-8").replace('"title"', '"title" ', 1), "utf-8")
    read_all = []
    real = Catalogue.texts
    monkeypatch.setattr(Catalogue, "texts", lambda self, kind: read_all.append(kind) or real(self, kind))
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert (read_all == []) == (change == "one document")
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    collection = (site / "dts" / "collection.json").read_bytes()
    assert collection == (fresh / "dts" / "collection.json").read_bytes()
    assert b"at Hangzhou" in collection
    # and the next build, which changes nothing of the collection, splices again from what this one kept
    read_all.clear()
    path.write_text(path.read_text("utf-8").replace("at Hangzhou (7 June 1960)", "in Hangzhou (7 June 1960)"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert read_all == []
    assert b"at Hangzhou" not in (site / "dts" / "collection.json").read_bytes()


def test_a_persons_page_written_again_lists_the_turns_of_the_documents_not_rendered_again(tmp_path: Path) -> None:
    """The light records the site keeps of its documents hold no turns (a person's page reads
    them from the rendered document): a page written again when one of the person's documents
    changed must still list, word for word, the turns of the others, as a build from nothing does."""
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    page = "persons/mao-zedong.html"
    first = (site / page).read_bytes()

    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    report = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert report.reused > 0, "nothing was kept from the last build: nothing was tested"
    rebuilt = (site / page).read_bytes()
    assert rebuilt != first, "the person's page was not written again: nothing was tested"

    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    assert rebuilt == (fresh / page).read_bytes()
    from lxml import html
    speaking = html.fromstring(rebuilt).xpath("//details[@class='appearance']")
    documents = {d.get("data-document") for d in speaking}
    assert len(documents) >= 2 and ALBANIAN.removesuffix(".xml") in documents
    for appearance in speaking:  # each document's turns, each with its words
        turns = appearance.xpath(".//ol[@class='turn-list']/li")
        assert turns and all(li.xpath("string(span[@class='turn-words'])").strip() for li in turns)


def test_the_pages_about_the_edition_are_kept_while_what_they_show_stands(tmp_path: Path, monkeypatch) -> None:
    """The about, conventions and search pages are not rendered again by a rebuild that changed
    nothing they show (rendering the about page loads the Markdown of the introduction); the
    about page is made again when a translation's title or translator changes, as a build from
    nothing makes it."""
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    edition_pages = ("about.html", "conventions.html", "search.html")
    rendered = []
    real_page = site_build._Site.page
    monkeypatch.setattr(site_build._Site, "page", lambda self, path, *a, **k: (rendered.append(path),
                                                                                real_page(self, path, *a, **k)))

    path = tei / ALBANIAN  # a document in no group of translations
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    report = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert f"documents/{ALBANIAN.removesuffix('.xml')}.html" in rendered, "nothing was rebuilt: nothing was tested"
    assert not set(rendered) & set(edition_pages)
    assert set(edition_pages) <= set(report.pages)

    zubok = next(tei.glob("*_zubok.xml"))  # one of two translations, which the about page lists
    zubok.write_text(zubok.read_text("utf-8").replace("Hall of Huaizhentan [Beijing]</title>",
                                                      "Hall of Huaizhentan, Beijing</title>"), "utf-8")
    rendered.clear()
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert "about.html" in rendered and not {"conventions.html", "search.html"} & set(rendered)
    about = (site / "about.html").read_text("utf-8")
    assert "Hall of Huaizhentan, Beijing" in about and "Hall of Huaizhentan [Beijing]" not in about
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    for name in edition_pages:
        assert (site / name).read_bytes() == (fresh / name).read_bytes(), name


def test_pages_are_made_again_when_any_code_that_makes_them_changes(tmp_path: Path) -> None:
    """The plain text, the table of behaviours, dates and names are made outside edition/site/:
    the fingerprint of the rendered documents covers the whole package, so that a change to
    any of them renders the pages again instead of leaving the old code's pages standing."""
    import edition
    from edition.site import cache

    package = Path(edition.__file__).resolve().parent
    assert cache.CODE == package
    copy = tmp_path / "edition"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache._tree_digest.__wrapped__(copy)
    for module in ("plaintext.py", "behaviours.py", "dates.py"):
        changed = copy / module
        text = changed.read_text("utf-8")
        changed.write_text(text + "\n# changed\n", "utf-8")
        assert cache._tree_digest.__wrapped__(copy) != before, f"{module} is not in the pages' fingerprint"
        changed.write_text(text, "utf-8")


def test_kept_zip_members_that_lie_together_are_copied_in_one_call_and_others_apart(tmp_path: Path,
                                                                                     monkeypatch) -> None:
    """A rebuild copies each run of unchanged members of the old zip at once; a changed member
    between two runs, or members out of their old order, start a new copy, and the bytes come out
    as if each member had been copied on its own."""
    old = tmp_path / "old.bin"
    old.write_bytes(bytes(range(256)) * 4)
    calls = []
    real = site_build._copy_range
    monkeypatch.setattr(site_build, "_copy_range",
                        lambda source, target, offset, length: (calls.append((offset, length)),
                                                                real(source, target, offset, length)))
    members = [(0, 10), (10, 20), (30, 5), (100, 7), (107, 3), (50, 4)]
    with open(old, "rb") as source, open(tmp_path / "new.bin", "wb") as target:
        run = site_build._KeptRun(source, target)
        for index, (offset, length) in enumerate(members):
            run.add(offset, length)
            if index == 2:
                run.copy()
                target.write(b"NEW")  # a member written anew between two kept ones
        run.copy()
    data = old.read_bytes()
    expected = b"".join(data[o:o + n] for o, n in members[:3]) + b"NEW" + b"".join(data[o:o + n] for o, n in members[3:])
    assert (tmp_path / "new.bin").read_bytes() == expected
    assert calls == [(0, 35), (100, 10), (50, 4)]


def test_a_folder_made_again_lends_its_unchanged_files_by_link_and_no_file_is_written_through(tmp_path: Path) -> None:
    """A changed document's DTS folders and its search bundle are made whole again; the files
    of them whose bytes did not change are hard-linked from the live site (a file made costs a
    new inode, a link does not), those that changed are new files, and the live copy of a
    linked file is never written through (the site equals a fresh build's)."""
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    before = _snapshot(site)
    stem = "1958-07-31_khrushchev-mao_first-conversation_zubok"  # a record with passages
    path = tei / f"{stem}.xml"
    text = path.read_text("utf-8")
    assert text.count("one can say that") == 1
    path.write_text(text.replace("one can say that", "one may say that"), "utf-8")  # one paragraph
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    after = _snapshot(site)

    remade = [rel for rel in after if rel.startswith("dts/") and f"/{stem}" in rel and rel in before]
    linked = [rel for rel in remade if after[rel][0] == before[rel][0]]
    rewritten = [rel for rel in remade if after[rel][2] != before[rel][2]]
    assert linked and rewritten, (len(linked), len(rewritten))
    assert all(after[rel][2] == before[rel][2] for rel in linked)  # a shared inode holds the old bytes
    assert all(after[rel][0] != before[rel][0] for rel in rewritten)  # changed bytes: a new file
    bundle = [rel for rel in after if rel.startswith("pagefind") and rel in before]
    assert any(after[rel][0] == before[rel][0] for rel in bundle)
    fresh = tmp_path / "fresh"
    site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / "fresh-cache")
    assert {rel: digest for rel, (_, _, digest) in after.items()} == \
        {rel: digest for rel, (_, _, digest) in _snapshot(fresh).items()}


def test_a_staged_path_linked_to_the_live_site_is_unlinked_before_it_is_written(tmp_path: Path) -> None:
    live, staging = tmp_path / "site", tmp_path / "staging"
    (live / "dts" / "a").mkdir(parents=True)
    (live / "dts" / "a" / "one.json").write_bytes(b"old")
    report = site_build.SiteReport(site_dir=staging)
    writer = site_build._Writer(staging, report, {"dts/a/": "k"}, live=live)
    writer.bytes("dts/a/one.json", b"old")
    assert (staging / "dts/a/one.json").stat().st_ino == (live / "dts/a/one.json").stat().st_ino
    writer.bytes("dts/a/one.json", b"new")
    assert (live / "dts/a/one.json").read_bytes() == b"old"
    assert (staging / "dts/a/one.json").read_bytes() == b"new"
    writer.bytes("pages.html", b"old")  # outside a folder made whole: always a file of its own
    assert not (live / "pages.html").exists() and (staging / "pages.html").read_bytes() == b"old"


# --- the persons' pages made in a child (site.build._Apart) ---------------------------------


def _state_of(cache_folder: Path) -> dict:
    import msgspec

    state = msgspec.json.decode((next(cache_folder.glob("**/state.json"))).read_bytes())
    state["warnings"] = [[Path(path).name, *rest] for path, *rest in state["warnings"]]  # built in two folders
    return {k: state[k] for k in ("keys", "pages", "files", "documents", "folder_files", "warnings")}


def _built_here_and_apart(tmp_path: Path, monkeypatch, change=None):
    """The fixture edition built (and, with `change`, changed and built again) with the persons' pages
    made in this process, then likewise with them made in a forked child: (sites, caches, forks)."""
    from edition.executor import Forked

    settings = load_settings(ROOT / "edition.toml")
    forks = []
    real_init = Forked.__init__

    def counted(self, function):
        forks.append(function)
        real_init(self, function)

    monkeypatch.setattr(Forked, "__init__", counted)
    out = {}
    for how, apart_from, jobs in (("here", 10**9, 1), ("apart", 0, 2)):
        monkeypatch.setattr(site_build, "APART_FROM", apart_from)
        tei, site, cache = tmp_path / how / "tei", tmp_path / how / "site", tmp_path / how / "cache"
        shutil.copytree(FIXTURES, tei)
        reports = [site_build.build_site(tei, site, settings, progress=False, jobs=jobs, cache_dir=cache)]
        if change is not None:
            change(tei)
            reports.append(site_build.build_site(tei, site, settings, progress=False, jobs=jobs, cache_dir=cache))
        out[how] = (site, cache, reports)
    return out, forks


def _retitle(tei: Path) -> None:
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")


@pytest.mark.skipif(not __import__("edition.executor").executor.can_fork(), reason="forks on Linux only")
@pytest.mark.parametrize("change", [None, _retitle], ids=["first build", "rebuild after a change"])
def test_lists_made_in_a_child_give_the_same_site_and_state_as_made_here(tmp_path: Path, monkeypatch, change) -> None:
    """The persons' pages and the search bundle, made in forked children (a large edition), give
    the site and state that they give made in the build's own process."""
    built, forks = _built_here_and_apart(tmp_path, monkeypatch, change)
    kinds = [getattr(work, "__func__", work).__qualname__ for work in forks]
    builds = 1 if change is None else 2
    assert kinds.count("_Apart._in_child") == builds, "the lists were not made in a child: nothing was tested"
    assert kinds.count("_SearchIndex._made_in_child") == builds, "the search bundle was not made in a child"
    (here, here_cache, here_reports), (apart, apart_cache, apart_reports) = built["here"], built["apart"]
    assert _tree(apart) == _tree(here)
    assert _state_of(apart_cache) == _state_of(here_cache)
    for mine, theirs in zip(apart_reports, here_reports):
        assert (mine.pages, mine.files, mine.reused, mine.rendered) == (theirs.pages, theirs.files, theirs.reused,
                                                                        theirs.rendered)
        assert [(Path(str(w.path)).name, w.message) for w in mine.warnings] == \
            [(Path(str(w.path)).name, w.message) for w in theirs.warnings]
    assert any(rel.startswith("persons/") for rel in apart_reports[-1].pages)


@pytest.mark.skipif(not __import__("edition.executor").executor.can_fork(), reason="forks on Linux only")
@pytest.mark.parametrize("work", ["_Apart._in_child", "_SearchIndex._made_in_child"],
                         ids=["the persons' pages", "the search bundle"])
def test_work_whose_child_failed_is_made_here_and_the_site_is_whole(tmp_path: Path, monkeypatch, work) -> None:
    def fails(self):
        raise RuntimeError("the child's work broke")

    owner, name = work.split(".")
    monkeypatch.setattr(getattr(site_build, owner), name, fails)
    built, forks = _built_here_and_apart(tmp_path, monkeypatch)
    assert any(getattr(child, "__func__", None) is fails for child in forks), "no child was forked: nothing was tested"
    assert _tree(built["apart"][0]) == _tree(built["here"][0])
    assert _state_of(built["apart"][1]) == _state_of(built["here"][1])
    assert built["apart"][2][0].search_pages == built["here"][2][0].search_pages == 3


@pytest.mark.skipif(not __import__("edition.executor").executor.can_fork(), reason="forks on Linux only")
def test_the_persons_pages_child_runs_at_a_lower_priority_than_the_build(tmp_path: Path, monkeypatch) -> None:
    """The persons' pages are wanted only at the end of the build: their child yields the cores
    to the build's own process and to Pagefind (os.nice), and the build keeps its priority."""
    from edition.errors import Problem

    def persons_pages(site, reuse, *rest):  # the child's work: it reports its priority as a warning
        site.write.report.warnings.append(Problem("persons", None, str(os.nice(0)), "warning"))

    monkeypatch.setattr(site_build, "_persons", persons_pages)
    monkeypatch.setattr(site_build, "APART_FROM", 0)
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    before = os.nice(0)
    report = site_build.build_site(tei, site, load_settings(ROOT / "edition.toml"), progress=False, jobs=2)
    seen = [w.message for w in report.warnings if str(w.path) == "persons"]
    assert seen == [str(min(before + site_build.APART_NICENESS, 19))], "the work was not done in a child"
    assert os.nice(0) == before


def test_a_rebuilds_search_bundle_is_begun_before_the_light_records_are_read(tmp_path: Path, monkeypatch) -> None:
    """Pagefind's program is the longest of what a one-document rebuild of a large edition does:
    the bundle of the changed document is begun from the documents' ids and keys, before the
    light records of the others are read from the catalogue, and it holds every document."""
    from edition.site.cache import BuildCache

    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    steps = []
    real_start, real_records = site_build._SearchIndex.start, BuildCache.records
    monkeypatch.setattr(site_build._SearchIndex, "start",
                        lambda self: (steps.append(("search", [d.id for _, members in self.stale for d in members])),
                                      real_start(self)))
    monkeypatch.setattr(BuildCache, "records", lambda self, keys: (steps.append(("records", len(keys))),
                                                                   real_records(self, keys))[1])
    _retitle(tei)
    report = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert [step for step, _ in steps][:2] == ["search", "records"]
    assert sorted(steps[0][1]) == sorted(path.stem for path in tei.glob("*.xml"))  # one bundle: all three
    assert steps[1][1] == 2  # the two documents that did not change
    assert report.search_pages == 3 and not [w for w in report.warnings if str(w.path) == "search"]


def test_a_rebuild_lists_no_folder_of_the_cache_left_as_it_was_and_renders_a_document_whose_part_was_deleted(
        tmp_path: Path, monkeypatch) -> None:
    """The cache's folders of rendered documents are listed (to see that each document has all
    its parts) only when their time differs from the one the last build recorded."""
    from edition.files import Listings
    from edition.site.cache import BuildCache

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    cache_folder = site_build.site_cache_folder(tei, site)
    listed = []
    real_listing = Listings._listing
    monkeypatch.setattr(Listings, "_listing", lambda self, folder: listed.append(folder) or real_listing(self, folder))
    rendered = []
    real_prepare = site_build._prepare_one
    monkeypatch.setattr(site_build, "_prepare_one", lambda job: rendered.append(Path(job[0]).name) or real_prepare(job))
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert rendered == [ALBANIAN]
    assert not [folder for folder in listed if folder.startswith(os.fspath(cache_folder))]

    other = next(p for p in sorted(tei.glob("*.xml")) if p.name != ALBANIAN)
    key = next(key for key, doc in BuildCache(cache_folder).records(
        list(BuildCache(cache_folder).catalogue.keys())).items() if doc.id == other.stem)
    BuildCache(cache_folder).document_path(key, "turns").unlink()  # a part lost: its folder's time changes
    rendered.clear()
    path.write_text(path.read_text("utf-8").replace("at Hangzhou (7 June 1960)", "in Hangzhou (7 June 1960)"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert sorted(rendered) == sorted([ALBANIAN, other.name])
    assert BuildCache(cache_folder).document_path(key, "turns").is_file()


def test_a_page_whose_record_stands_keeps_its_citations_and_one_whose_record_changed_makes_them_again(
        tmp_path: Path, monkeypatch) -> None:
    """A page's citations are remembered with what they were made from (the CSL record, the URL,
    the software): a change to the text keeps them, a change to the title makes them again; the
    page equals a fresh build's either way."""
    from edition.site import cite

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    made = []
    real = cite.page_citations
    monkeypatch.setattr(cite, "page_citations", lambda doc, s, url: made.append(doc.id) or real(doc, s, url))
    path, page = tei / ALBANIAN, f"documents/{Path(ALBANIAN).stem}.html"

    def fresh_page(name: str) -> bytes:
        fresh = tmp_path / name
        site_build.build_site(tei, fresh, settings, progress=False, jobs=1, cache_dir=tmp_path / f"{name}-cache")
        return (fresh / page).read_bytes()

    path.write_text(path.read_text("utf-8").replace("camp is behind you", "camp stands behind you"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert made == []
    assert "camp stands behind you" in (site / page).read_text("utf-8")
    assert (site / page).read_bytes() == fresh_page("fresh")

    made.clear()  # citeproc-py or its styles upgraded: what they made is made again
    monkeypatch.setattr(cite, "_formatter_files", lambda: [["__init__.py", 1, 2]])
    path.write_text(path.read_text("utf-8").replace("camp stands behind you", "camp is behind you"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert made[:1] == [Path(ALBANIAN).stem]

    made.clear()
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert Path(ALBANIAN).stem in made
    citation = html_of(site / page).xpath("string(//p[@id='citation'])")
    assert "at Hangzhou" in citation
    assert (site / page).read_bytes() == fresh_page("fresh-2")


def html_of(path: Path):
    from lxml import html

    return html.fromstring(path.read_bytes())


def test_the_citations_a_build_makes_are_written_in_batches_and_all_kept(tmp_path: Path, monkeypatch) -> None:
    from edition.site.catalogue import Catalogue

    monkeypatch.setattr(site_build._Citations, "BATCH", 2)
    written = []
    real = Catalogue.replace_texts
    monkeypatch.setattr(Catalogue, "replace_texts",
                        lambda self, kind, texts, gone: (written.append(len(texts)) if kind == "citations" else None)
                        or real(self, kind, texts, gone))
    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    site_build.build_site(tei, site, load_settings(ROOT / "edition.toml"), progress=False, jobs=1)
    documents = len(list(tei.glob("*.xml")))
    assert written[0] == 2 and sum(written) == documents
    cache = site_build.BuildCache(site_build.site_cache_folder(tei, site))
    assert len(cache.catalogue.text_keys("citations")) == documents


def test_a_damaged_remembered_citation_is_made_again(tmp_path: Path, monkeypatch) -> None:
    from edition.site import cite
    from edition.site.cache import BuildCache

    tei, site = _sample_tei(tmp_path), tmp_path / "site"
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    catalogue = BuildCache(site_build.site_cache_folder(tei, site)).catalogue
    catalogue.replace_texts("citations", {Path(ALBANIAN).stem: "{not json"}, [])
    made = []
    real = cite.page_citations
    monkeypatch.setattr(cite, "page_citations", lambda doc, s, url: made.append(doc.id) or real(doc, s, url))
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("camp is behind you", "camp stands behind you"), "utf-8")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert made == [Path(ALBANIAN).stem]
    assert catalogue.text("citations", Path(ALBANIAN).stem).startswith("[")
