"""A build tunes Python's cycle collector (edition/collector.py) and puts it back as it was:
a process that builds many times (a test run, a watch loop, a notebook) keeps its own settings,
and nothing the build held stays out of the collector's reach once it ends."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

import edition.site.build as site_build
from edition.collector import BUILD_THRESHOLD, collector_paused, fewer_collections, held_for_the_build
from edition.settings import load_settings

from conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "site"


def test_a_site_build_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "tei")
    before = gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()
    site_build.build_site(tmp_path / "tei", tmp_path / "site", load_settings(ROOT / "edition.toml"), progress=False,
                          jobs=1)
    assert (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()) == before


def test_the_collector_is_put_back_when_the_build_fails() -> None:
    before = gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()
    with pytest.raises(RuntimeError):
        with fewer_collections(), collector_paused(), held_for_the_build():
            assert gc.get_threshold()[0] == BUILD_THRESHOLD and not gc.isenabled()
            assert gc.get_freeze_count() > 0
            raise RuntimeError("a build stopped by an error")
    assert (gc.get_threshold(), gc.isenabled(), gc.get_freeze_count()) == before


def _thresholds(_item) -> tuple[int, int, int]:
    return gc.get_threshold()


@pytest.mark.parametrize("executor", ["serial", "thread", "process"])
def test_documents_are_worked_on_with_the_usual_collections_during_a_build(executor: str) -> None:
    """Converting and rendering leave cycles that keep parsed trees alive: collected at the
    build's rare passes, they made the rendering of 1,000 documents four times slower. Each
    executor's work, forked workers included, runs with the thresholds of outside the build."""
    from edition.executor import map_work

    usual = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == BUILD_THRESHOLD
        seen = set(map_work(_thresholds, list(range(40)), jobs=2, executor=executor, in_process_below=0))
        assert gc.get_threshold()[0] == BUILD_THRESHOLD
    assert seen == {usual}


def test_what_is_made_while_the_collector_is_paused_in_a_build_is_held_and_let_go_after() -> None:
    """Objects made in a pause of the collector within a build (the light records) are held
    with the rest (frozen) before the collector runs again, so that its next pass does not walk
    them all; the build's end lets them go back to it."""
    before = gc.get_freeze_count()
    with held_for_the_build():
        held = gc.get_freeze_count()
        with collector_paused():
            records = [{"id": str(i), "persons": [i]} for i in range(20_000)]
        assert gc.get_freeze_count() >= held + 2 * len(records)
        assert gc.isenabled()
    assert gc.get_freeze_count() == before
    with collector_paused():  # outside a build nothing is frozen
        more = [[i] for i in range(1_000)]
    assert gc.get_freeze_count() == before and len(more) == 1_000


def test_the_console_command_leaves_the_builds_records_to_its_end_and_a_library_call_keeps_nothing(
        tmp_path: Path, monkeypatch) -> None:
    """The console command ends without freeing its heap: the site builder's records and
    bookkeeping are held to its end rather than freed one by one when it returns; called as a
    library (the tests, an editor's script) the builder holds nothing once it returns."""
    import weakref

    from edition import collector
    from edition.site.document import Document

    tei = tmp_path / "tei"
    shutil.copytree(ROOT / "tei", tei, ignore=shutil.ignore_patterns(".*"))
    settings = load_settings(ROOT / "edition.toml")
    made: list = []
    real_init = Document.__init__

    def tracked(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(Document, "__init__", tracked)
    monkeypatch.setattr(collector, "_left", [])
    for leave, site in ((False, tmp_path / "library"), (True, tmp_path / "console")):
        monkeypatch.setattr(collector, "LEAVE_TO_EXIT", leave)
        made.clear()
        site_build.build_site(tei, site, settings, progress=False, jobs=1)
        gc.collect()
        assert made, "the build made no documents: nothing was tested"
        alive = [ref for ref in made if ref() is not None]
        assert bool(alive) == leave, f"{len(alive)} of the build's documents alive after it (left to exit: {leave})"
    assert collector._left
