"""SHA-256 of files, remembered by size and modification time.

Convert, validate and the site builder each decide what changed by the checksums of the
source and TEI files. Reading 10,000 files (800 MB) only to find them unchanged takes seconds;
the checksums are therefore kept in `.hash-cache.json` beside the files (local, not shared)
and a file is read again only when its size or modification time differ.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from pathlib import Path

import msgspec

from edition.files import write_atomic

NAME = ".hash-cache.json"
_ENCODER = msgspec.json.Encoder(order="sorted")

# A file modified this recently may be modified again within the same clock tick without its
# time changing; its checksum is not remembered (unless we wrote it ourselves, see `remember`).
SETTLE_NS = 2_000_000_000


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# Files' sizes and modification times as the build listed them a moment before (edition.build:
# its no-op check reads every input folder, one scandir each), by absolute path: a checksum is
# then one look-up, not a stat of each of the 20,000 sources and TEI files of a large edition
# (0.1 s of a rebuild). A file read or written since it was listed is asked about again.
_listed: dict[str, tuple[int, int]] = {}


@contextlib.contextmanager
def listed(stats: dict[str, tuple[int, int]]):
    """Within it, FileHashes takes the size and time of a file in `stats` (absolute path →
    (size, mtime_ns)) from there."""
    before = dict(_listed)
    _listed.update(stats)
    try:
        yield
    finally:
        _listed.clear()
        _listed.update(before)


class FileHashes:
    """The checksums of the files in a folder (keyed by absolute path, so that a corpus and
    its TEI files can share one cache kept in the TEI folder)."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / NAME
        try:  # msgspec: the cache of 20,000 files (3.4 MB) is read twice a build, written once
            self.known: dict[str, list] = msgspec.json.decode(self.path.read_bytes())
        except (OSError, ValueError):
            self.known = {}
        if not isinstance(self.known, dict):
            self.known = {}
        self.changed = False

    def sha256(self, path: Path) -> str:
        key = os.path.abspath(path)
        size_and_time = _listed.get(key)
        if size_and_time is None:
            stat = os.stat(key)
            size_and_time = (stat.st_size, stat.st_mtime_ns)
        remembered = self.known.get(key)
        if remembered and remembered[0] == size_and_time[0] and remembered[1] == size_and_time[1]:
            return remembered[2]
        value = sha256_file(path)
        if time.time_ns() - size_and_time[1] > SETTLE_NS:
            self._store(key, size_and_time, value)
        return value

    def remember_read(self, path: Path, value: str) -> None:
        """The checksum of the bytes just read from a file, if it has not been modified since
        (and not too recently to trust its time)."""
        key = os.path.abspath(path)
        _listed.pop(key, None)
        try:
            stat = os.stat(key)
        except OSError:
            return
        if time.time_ns() - stat.st_mtime_ns > SETTLE_NS:
            self._store(key, (stat.st_size, stat.st_mtime_ns), value)

    def remember(self, path: Path, value: str) -> None:
        """The checksum of a file this process has just written (its bytes are known)."""
        key = os.path.abspath(path)
        _listed.pop(key, None)
        stat = os.stat(key)
        self._store(key, (stat.st_size, stat.st_mtime_ns), value)

    def _store(self, key: str, size_and_time: tuple[int, int], value: str) -> None:
        entry = [size_and_time[0], size_and_time[1], value]
        if self.known.get(key) != entry:
            self.known[key] = entry
            self.changed = True

    def save(self) -> None:
        """Written atomically; a cache that cannot be written is only a slower next run."""
        if not self.changed or not self.path.parent.is_dir():
            return
        try:
            write_atomic(self.path, _ENCODER.encode(self.known), durable=False)
            self.changed = False
        except OSError:
            pass


# --- what the converter wrote ---------------------------------------------------------------
# Each TEI file the converter writes carries the checksum of its own bytes in its conversion
# change ("this file as written: sha256 <64 hex digits>", computed with those digits as
# zeros). A file whose checksum still holds is exactly as the converter wrote it, so losing
# tei/.manifest.json can never make a hand edit look like the converter's work.

WRITTEN_MARK = b"this file as written: sha256 "
UNSEALED = "0" * 64
_SEAL = re.compile(re.escape(WRITTEN_MARK) + rb"([0-9a-f]{64})")


def seal(data: bytes) -> bytes:
    """The converter's bytes with their checksum in place of the zeros after WRITTEN_MARK."""
    placeholder = WRITTEN_MARK + UNSEALED.encode()
    if data.count(placeholder) != 1:
        raise ValueError("the TEI file has no single place for its checksum")
    value = hashlib.sha256(data).hexdigest()
    return data.replace(placeholder, WRITTEN_MARK + value.encode())


def written_by_converter(data: bytes) -> bool:
    """True when `data` carries the converter's checksum and it still holds (no byte changed
    since the converter wrote the file)."""
    matches = list(_SEAL.finditer(data))
    if len(matches) != 1:
        return False
    found = matches[0]
    unsealed = data[:found.start(1)] + UNSEALED.encode() + data[found.end(1):]
    return hashlib.sha256(unsealed).hexdigest() == found[1].decode()
