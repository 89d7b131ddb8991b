"""A rebuild never changes the live site before the swap.

Files whose inputs did not change are hard-linked from the live site into the folder being
built; a file rendered again over such a link used to be written through it, so the live site
changed (and, killed mid-write, was left half-written) while the build was still running.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import edition.site.build as site_build
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


def test_a_rebuild_leaves_the_live_site_untouched_until_the_swap(tmp_path: Path, monkeypatch) -> None:
    tei, site = tmp_path / "tei", tmp_path / "site"
    shutil.copytree(FIXTURES, tei)
    settings = load_settings(ROOT / "edition.toml")
    site_build.build_site(tei, site, settings, progress=False, jobs=1)
    before = _snapshot(site)

    # A new title: the document's own files change, and so do its neighbours' pages (they name
    # it), while the neighbours' downloads are linked from the live site and then rendered again.
    path = tei / ALBANIAN
    path.write_text(path.read_text("utf-8").replace("in Hangzhou (7 June 1960)", "at Hangzhou (7 June 1960)"), "utf-8")
    at_swap = {}
    real_swap = site_build._swap

    def swap_after_looking(building, site_dir, report):
        at_swap.update(_snapshot(site_dir))
        real_swap(building, site_dir, report)

    monkeypatch.setattr(site_build, "_swap", swap_after_looking)
    report = site_build.build_site(tei, site, settings, progress=False, jobs=1)
    assert report.reused > 0, "nothing was linked from the live site: nothing was tested"
    changed = sorted(rel for rel in before if at_swap.get(rel) != before[rel])
    assert changed == [], f"the live site changed before the swap: {changed[:5]}"
    assert "at Hangzhou" in (site / "documents" / f"{Path(ALBANIAN).stem}.html").read_text("utf-8")
