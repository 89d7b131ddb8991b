from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TEI_DIR = ROOT / "tei"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
