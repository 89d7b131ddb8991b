"""edition.hashes: checksums remembered by size and time, and the sizes and times a build listed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from edition import hashes
from edition.hashes import FileHashes, listed


def _old_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    past = time.time_ns() - 10 * hashes.SETTLE_NS  # old enough for its checksum to be remembered
    os.utime(path, ns=(past, past))
    return path


def test_within_a_listing_a_remembered_checksum_needs_no_stat_and_a_written_file_is_asked_again(
        tmp_path: Path, monkeypatch) -> None:
    source = _old_file(tmp_path / "a.txt", "first")
    first = FileHashes(tmp_path).sha256(source)  # remembered by its size and time
    stat = os.stat(source)
    calls = []
    real_stat = os.stat
    monkeypatch.setattr(hashes.os, "stat", lambda *a, **k: calls.append(a[0]) or real_stat(*a, **k))

    cache = FileHashes(tmp_path)
    with listed({os.path.abspath(source): (stat.st_size, stat.st_mtime_ns)}):
        assert cache.sha256(source) == first
        assert calls == [], "the listed file was asked about again"
        source.write_text("second, longer", encoding="utf-8")  # the build writes it
        cache.remember(source, "a checksum of the new bytes")
        assert cache.sha256(source) == "a checksum of the new bytes"
        assert calls, "a file written since it was listed was not asked about again"
    assert hashes._listed == {}, "the listing outlived its build"


def test_a_listed_size_and_time_that_differ_from_the_remembered_ones_read_the_file(tmp_path: Path) -> None:
    source = _old_file(tmp_path / "a.txt", "first")
    cache = FileHashes(tmp_path)
    cache.sha256(source)
    _old_file(source, "edited")
    stat = os.stat(source)
    with listed({os.path.abspath(source): (stat.st_size, stat.st_mtime_ns)}):
        assert cache.sha256(source) == hashes.sha256_file(source)


def test_an_unlisted_file_is_asked_about_as_before(tmp_path: Path) -> None:
    with listed({}):
        with pytest.raises(FileNotFoundError):
            FileHashes(tmp_path).sha256(tmp_path / "missing.txt")
