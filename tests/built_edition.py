"""The sample edition converted and built in a temporary folder, as `edition build` makes it:
the corpus converted over a copy of tei/ (so ids carry forward from the committed files),
then the site. Shared by the id and DTS tests."""

import shutil
from pathlib import Path

from edition.convert import convert_corpus
from edition.settings import Settings
from edition.site.build import build_site

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/edition/"


def build_edition(base: Path) -> tuple[Path, Path]:
    tei = base / "tei"
    shutil.copytree(ROOT / "tei", tei)
    convert_corpus(ROOT / "corpus", tei, force=True, progress=False)
    site = base / "site"
    build_site(tei, site, Settings(base_url=BASE_URL), progress=False, jobs=1)
    return tei, site
