"""A build with nothing to do stops after one look at each input folder.

The last build's inputs are recorded by name, size and modification time (edition/noop.py);
a build that finds them unchanged prints what a full check would print, without importing the
converter, the validator or the site builder. Any change to an input makes it a real build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import edition.build as edition_build
from edition import noop
from edition.build import build_edition
from edition.project import open_project

from conftest import CORPUS, ROOT

DOCUMENT = "1960-06-07_mao-zedong_albanian-delegation"


@pytest.fixture
def edition_folder(tmp_path: Path) -> Path:
    (tmp_path / "corpus").mkdir()
    shutil.copyfile(CORPUS / f"{DOCUMENT}.txt", tmp_path / "corpus" / f"{DOCUMENT}.txt")
    (tmp_path / "edition.toml").write_text('title = "A test edition"\nversion = "1"\ndate = 2025-01-15\n', "utf-8")
    return tmp_path


def _build(folder: Path, **options) -> bool:
    return build_edition(open_project(folder), progress=False, jobs=1, **options)


def _lines(text: str) -> list[str]:
    """The printed lines, less the timing."""
    return [line.split(": ", 1)[1] if line.startswith("done in ") else line for line in text.splitlines()]


def _checks_everything(monkeypatch) -> list[bool]:
    """Records each time a build goes past the record to the full check."""
    calls = []
    real = edition_build._build_edition

    def spy(*args, **kwargs):
        calls.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(edition_build, "_build_edition", spy)
    return calls


def test_nothing_changed_imports_no_heavy_module_and_says_what_a_full_check_says(edition_folder, monkeypatch, capsys):
    monkeypatch.setattr(noop, "SETTLE_NS", 10**18)  # every file is too recent to trust its time
    assert _build(edition_folder)
    assert not (edition_folder / ".edition" / noop.NAME).exists()
    monkeypatch.setattr(noop, "SETTLE_NS", 0)  # every file is old enough (rather than wait two seconds)
    capsys.readouterr()
    assert _build(edition_folder)  # the full check: nothing to do
    checked = _lines(capsys.readouterr().out)
    assert "convert   0 written, 1 unchanged, 0 failed" in checked
    assert (edition_folder / ".edition" / noop.NAME).is_file()

    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "edition", "build"], cwd=edition_folder,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"})
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == checked
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    heavy = {"lxml.etree", "jinja2", "edition.convert", "edition.validate", "edition.site.build", "edition.readers"}
    assert imported & heavy == set()
    assert "edition.noop" in imported  # the listing really is in stderr


def _edit_corpus(folder: Path) -> None:
    path = folder / "corpus" / f"{DOCUMENT}.txt"
    path.write_text(path.read_text("utf-8").replace("Comrade Mao Zedong", "Comrade Mao Tse-tung", 1), "utf-8")


def _touch_tei(folder: Path) -> None:
    path = folder / "tei" / f"{DOCUMENT}.xml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**9))


def _add_register(folder: Path) -> None:
    (folder / "registers").mkdir(exist_ok=True)
    (folder / "registers" / "annotations.toml").write_text("", "utf-8")


def _change_settings(folder: Path) -> None:
    (folder / "edition.toml").write_text('title = "Another title"\nversion = "1"\ndate = 2025-01-15\n', "utf-8")


def _remove_site(folder: Path) -> None:
    shutil.rmtree(folder / "site")


def _add_template(folder: Path) -> None:
    (folder / "templates" / "static").mkdir(parents=True)
    (folder / "templates" / "static" / "extra.css").write_text("body { color: black }\n", "utf-8")


@pytest.mark.parametrize("change", [_edit_corpus, _touch_tei, _add_register, _change_settings, _remove_site,
                                    _add_template, None])
def test_any_change_to_an_input_makes_a_real_build(edition_folder, monkeypatch, change):
    monkeypatch.setattr(noop, "SETTLE_NS", 0)
    assert _build(edition_folder)
    calls = _checks_everything(monkeypatch)
    if change is None:
        assert _build(edition_folder, force=True)  # --force: never the record
    else:
        change(edition_folder)
        assert _build(edition_folder)
    assert calls == [True]
    assert (edition_folder / "site" / "index.html").is_file()
    assert _build(edition_folder) and calls == [True]  # and then nothing to do again


def test_a_build_whose_search_index_failed_is_not_recorded_and_the_next_one_makes_it(edition_folder, monkeypatch):
    import edition.site.search as search_module

    monkeypatch.setattr(noop, "SETTLE_NS", 0)  # every file old enough to trust its time
    made = search_module.build_index

    def crashed(*args, **kwargs):
        raise RuntimeError("Pagefind crashed")

    monkeypatch.setattr(search_module, "build_index", crashed)
    assert _build(edition_folder)  # the records are published; the search is a warning
    monkeypatch.setattr(search_module, "build_index", made)
    calls = _checks_everything(monkeypatch)
    assert _build(edition_folder)
    assert calls == [True]  # not taken for a build with nothing to do
    if not (edition_folder / "site" / "pagefind" / "pagefind-entry.json").is_file():
        pytest.skip("pagefind not available")
    assert _build(edition_folder) and calls == [True]  # now complete: the next one is a no-op


def _built_then_edited(folder: Path, monkeypatch, path: Path) -> None:
    """A build during which, once the site is made, `path` is edited (a sentence of the
    document changed), as an editor saving a file while the build runs would."""
    import edition.site as site_module

    real_site = site_module.build_site

    def site_then_edit(*args, **kwargs):
        made = real_site(*args, **kwargs)
        text = path.read_text("utf-8")
        assert "the entire socialist camp is behind you" in text
        path.write_text(text.replace("the entire socialist camp is behind you",
                                     "the entire socialist camp stands behind you"), "utf-8")
        return made

    monkeypatch.setattr(site_module, "build_site", site_then_edit)
    assert _build(folder)
    monkeypatch.setattr(site_module, "build_site", real_site)


def test_a_source_edited_while_the_build_runs_makes_the_next_build_a_real_one(edition_folder, monkeypatch):
    """The record holds the sources as the build listed them before reading them: one edited
    after it was read (while the site is made) differs from the record, and the next build
    converts it, rather than taking the new text for published."""
    monkeypatch.setattr(noop, "SETTLE_NS", 0)
    _built_then_edited(edition_folder, monkeypatch, edition_folder / "corpus" / f"{DOCUMENT}.txt")
    calls = _checks_everything(monkeypatch)
    assert _build(edition_folder)
    assert calls == [True], "the edited source was taken for published"
    assert "camp stands behind you" in (edition_folder / "tei" / f"{DOCUMENT}.xml").read_text("utf-8")


def test_a_tei_file_edited_while_the_site_is_made_makes_the_next_build_a_real_one(edition_folder, monkeypatch):
    """The record holds the TEI files the build wrote as it left them and the others as they
    were listed before the build: a TEI file edited by hand after it was checked differs from
    the record, and the next build publishes the edit."""
    monkeypatch.setattr(noop, "SETTLE_NS", 0)
    assert _build(edition_folder)  # converts: the TEI file is written
    (edition_folder / "corpus" / f"{DOCUMENT}.txt").touch()  # a real build that writes no TEI file
    _built_then_edited(edition_folder, monkeypatch, edition_folder / "tei" / f"{DOCUMENT}.xml")
    calls = _checks_everything(monkeypatch)
    _build(edition_folder)
    assert calls == [True], "the TEI file edited during the build was taken for published"
    page = (edition_folder / "site" / "documents" / f"{DOCUMENT}.html").read_text("utf-8")
    assert "camp stands behind you" in page


def test_a_folder_listed_again_asks_only_about_the_files_written_added_or_removed(tmp_path, monkeypatch):
    for name in ("a.xml", "b.xml", "c.xml"):
        (tmp_path / name).write_text(name)
    (tmp_path / "sub").mkdir()
    before = noop.folder_listing(tmp_path)
    (tmp_path / "b.xml").write_text("written again, longer")
    (tmp_path / "c.xml").unlink()
    (tmp_path / "d.xml").write_text("new")
    (tmp_path / ".hidden").write_text("left out")
    (tmp_path / "a.xml").write_text("changed by someone else")
    listing = noop.relisted(tmp_path, before, {"b.xml"})
    assert [entry[0] for entry in listing] == ["a.xml", "b.xml", "d.xml", "sub"]
    fresh = {entry[0]: entry for entry in noop.folder_listing(tmp_path)}
    assert listing[1] == fresh["b.xml"] and listing[2] == fresh["d.xml"] and listing[3] == ["sub", "dir"]
    assert listing[0] == before[0] != fresh["a.xml"]  # not asked about: it still differs from the folder
    assert noop.relisted(tmp_path / "gone", None, set()) is None
    assert noop.relisted(tmp_path / "gone", before, set()) is None


def test_a_large_folder_is_listed_by_two_threads_as_by_one(tmp_path, monkeypatch):
    files = noop.TWO_THREADS_FROM + 1
    for index in range(files):
        (tmp_path / f"{index:05d}.txt").write_text("x" * (index % 7))
    (tmp_path / "sub").mkdir()
    by_two = noop.folder_listing(tmp_path)
    monkeypatch.setattr(noop, "TWO_THREADS_FROM", 10**9)
    assert by_two == noop.folder_listing(tmp_path)
    assert len(by_two) == files + 1 and by_two[-1] == ["sub", "dir"] and by_two[3][1] == 3


def test_an_error_in_the_second_listing_thread_is_raised_not_lost(tmp_path, monkeypatch):
    for index in range(noop.TWO_THREADS_FROM + 1):
        (tmp_path / f"{index:05d}.txt").write_text("x")
    real = noop._entry

    def breaks_on_odd(entry, recursive):
        if int(entry.name[:5]) == 7:  # an entry the helper thread asks about
            raise RuntimeError("the file system broke")
        return real(entry, recursive)

    monkeypatch.setattr(noop, "_entry", breaks_on_odd)
    with pytest.raises(RuntimeError, match="file system broke"):
        noop.folder_listing(tmp_path)


def test_a_file_the_build_wrote_is_asked_about_again_whatever_the_case_of_its_name(tmp_path):
    (tmp_path / "Doc.xml").write_text("before")
    before = noop.folder_listing(tmp_path)
    (tmp_path / "Doc.xml").write_text("written again")
    assert noop.relisted(tmp_path, before, {"doc.xml"}) == noop.folder_listing(tmp_path) != before
