"""Knowing that a build has nothing to do, before any of the heavy modules is imported.

At the end of a build that published everything it had, the inputs are recorded in one state
file (`.edition/noop.json`): each input folder's files by name, size and modification time, as
the build listed them before it began (one `scandir` per folder), the TEI folder's with the
files the build wrote asked about again (`relisted`), together with the settings, the options
and the lines the build printed. A build whose inputs are recorded so prints those lines again and stops; any
difference (a file added, removed, touched, a setting changed, another release of the
edition) makes it the full build, whose own checks decide what to redo.

A file modified within SETTLE_NS of the end of the build could change again in the same
clock tick without its time changing: such a state is not recorded (as `edition.hashes`
does for checksums), and the next build checks everything.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import msgspec  # light (already loaded by edition.hashes); the record is 2 MB at 10,000 records

from edition.hashes import SETTLE_NS

NAME = "noop.json"
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent


def folder_listing(folder: Path, recursive: bool = False) -> list | None:
    """[name, size, mtime_ns] of each entry of `folder` (dot files, the build's own caches,
    left out), sub-folders' listings nested when recursive; None when there is no folder."""
    entries = _scanned(folder)
    return None if entries is None else _entries(entries, recursive)


def _scanned(folder: Path) -> list[os.DirEntry] | None:
    """The entries of `folder` that a listing holds, by name; None when there is no folder."""
    try:
        with os.scandir(folder) as found:
            return sorted((entry for entry in found if _listed(entry.name)), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return None


# From this many files a folder's files are asked about by two threads: a stat waits on the file
# system, which answers two at once (20,000 files that the system has not read lately: 0.7 s
# against 0.5 s; 0.06 s either way when it has).
TWO_THREADS_FROM = 2_000


def _entries(entries: list[os.DirEntry], recursive: bool) -> list:
    if len(entries) < TWO_THREADS_FROM:
        return [_entry(entry, recursive) for entry in entries]
    listing: list = [None] * len(entries)
    failed: list[BaseException] = []

    def every_other(start: int) -> None:
        try:
            for index in range(start, len(entries), 2):
                listing[index] = _entry(entries[index], recursive)
        except BaseException as error:  # raised again by the caller's thread, not lost with the helper
            failed.append(error)

    helper = threading.Thread(target=every_other, args=(1,), daemon=True)
    helper.start()
    every_other(0)
    helper.join()
    if failed:
        raise failed[0]
    return listing


def _listed(name: str) -> bool:
    return not name.startswith(".") and name != "__pycache__"


def _entry(entry: os.DirEntry, recursive: bool) -> list:
    try:
        if entry.is_dir():
            return [entry.name, folder_listing(Path(entry.path), True) if recursive else "dir"]
        info = entry.stat()
    except OSError:
        return [entry.name, "unreadable"]
    return [entry.name, info.st_size, info.st_mtime_ns]


def relisted(folder: Path, before: list | None, changed: set[str]) -> list | None:
    """`folder_listing(folder)` (not recursive) of a folder listed as `before`, whose files
    have since been written only as `changed` names them: the entries of the others are taken
    from `before`, and only the files changed or new are asked about (the build's TEI folder:
    a stat of each of 10,000 files to find the one the build wrote). A file changed by someone
    else meanwhile keeps its earlier entry, so the next build sees that it differs."""
    if before is None:
        return folder_listing(folder)
    known = {entry[0]: entry for entry in before if len(entry) == 3}
    changed = {name.casefold() for name in changed}  # as the build spelt them: Foo.xml on disk may be foo.xml
    entries = _scanned(folder)
    return None if entries is None else [
        known[entry.name] if entry.name in known and entry.name.casefold() not in changed else _entry(entry, False)
        for entry in entries]


def file_stats(recorded: dict, folders) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of each file listed in the named folders of `inputs`' record, by
    absolute path (for edition.hashes.listed)."""
    found = {}
    for name in folders:
        folder, listing = recorded["folders"][name]
        prefix = os.path.join(folder, "")  # os.path.join of folder and name, without a call for each
        found.update((prefix + entry[0], (entry[1], entry[2]))
                     for entry in listing or () if len(entry) == 3)  # a folder or an unreadable entry has two
    return found


def file_listing(path: Path) -> list | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def inputs(version: str, settings, options: dict, folders: dict[str, tuple[Path, bool]],
           files: dict[str, Path]) -> dict:
    """What a build's result depends on, as recorded: folders as {name: (path, recursive)}."""
    return {"format": FORMAT, "version": version, "settings": repr(settings), "options": options,
            "package": folder_listing(PACKAGE, recursive=True),
            "folders": {name: [os.path.abspath(path), folder_listing(path, recursive)]
                        for name, (path, recursive) in sorted(folders.items())},
            "files": {name: [os.path.abspath(path), file_listing(path)] for name, path in sorted(files.items())}}


def recorded_output(state_folder: Path, current: dict) -> dict | None:
    """The last build's printed lines and result when its inputs equal `current`, else None."""
    try:
        state = msgspec.json.decode((state_folder / NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("inputs") != current:
        return None
    return state.get("output")


def record(state_folder: Path, current: dict, lines: list[str], ok: bool) -> bool:
    """Keep `current` with the build's output; False (and any old record removed, so that it
    cannot be taken for these inputs) when a file is too recent to trust its time."""
    from edition.files import write_atomic

    path = state_folder / NAME
    if _newest_time(current) > time.time_ns() - SETTLE_NS:
        path.unlink(missing_ok=True)
        return False
    state = {"inputs": current, "output": {"lines": lines, "ok": ok}}
    write_atomic(path, msgspec.json.encode(state), durable=False)
    return True


def forget(state_folder: Path) -> None:
    (state_folder / NAME).unlink(missing_ok=True)


def _newest_time(value) -> int:
    """The largest modification time in a recorded listing."""
    if isinstance(value, dict):
        return max((_newest_time(item) for item in value.values()), default=0)
    if isinstance(value, list):
        if len(value) == 3 and isinstance(value[0], str) and isinstance(value[2], int):
            return value[2]
        if len(value) == 2 and all(isinstance(item, int) for item in value):
            return value[1]
        return max((_newest_time(item) for item in value), default=0)
    return 0
