"""What the build's side worker (edition.executor.side_worker) loads before any work comes:
reading a record and checking a TEI file each load about half a second of code and data on
first use, which a rebuild of one record would otherwise wait for.

Here, not in edition/convert.py, so that the converter's fingerprint (its own modules) does
not change with what a worker prepares.
"""

from __future__ import annotations

from pathlib import Path


def prepare_reading() -> None:
    """The readers (imported on first use: edition/readers/__init__.py), and the word list that
    judges a word broken at a line end."""
    import importlib

    from edition import readers
    from edition.readers import inline

    readers._readers()
    for module in ("profiles", "structure", "text"):  # what reading the first record loads
        importlib.import_module(f"edition.readers.{module}")
    inline._zipf("edition")


def prepare_checking(example: str, tei_all: bool) -> None:
    """The schemas and the compiled rules, loaded by checking `example` (a TEI file of the
    edition, "" for none); the result is not used."""
    from edition import validate

    if not example:
        validate.load_edition_schema()
        return
    try:
        validate._validate_file(Path(example), tei_all)
    except Exception:  # noqa: BLE001 - a file that breaks the check is reported when it is checked for real
        pass
