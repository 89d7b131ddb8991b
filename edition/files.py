"""Writing files so that an interrupted run (Ctrl-C, kill, power cut) never leaves half a file.

Every file the edition writes goes through `write_atomic`: the bytes go to a temporary file
beside the target (`.<name>.<8 random characters>`), which is then renamed over the target.
A reader sees the old file or the new one, never a mixture. A run killed between the two
steps leaves the temporary file behind; `remove_leftovers` clears them on the next run.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
from pathlib import Path

# mkstemp's names: the prefix we give, then 8 characters from [a-z0-9_]
_LEFTOVER = re.compile(r"^\..+\.(?:xml|json|html|bin)\.[a-z0-9_]{8}$")


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` atomically. durable: also wait until the bytes are on disk
    (for the edition's own files; caches that can be rebuilt skip it, it costs a disk flush)."""
    _write_through_temporary(path, durable, lambda stream: stream.write(data))


def write_json_atomic(path: Path, value, durable: bool = True, **options) -> None:
    """`value` as JSON (UTF-8), written atomically as `write_atomic` does, and encoded as it is
    written, never held whole as a string and then as bytes (the site update's journal).
    options: json.dump's."""
    def dump(stream) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8")
        json.dump(value, text, **options)
        text.flush()
        text.detach()  # the binary stream stays open for the flush to disk

    _write_through_temporary(path, durable, dump)


def _write_through_temporary(path: Path, durable: bool, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes 0600; the files are for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_PLAIN_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_plain(path: str, data: bytes) -> None:
    """`data` into the file `path`, made or emptied, in three system calls: a site of 10,000
    documents is 2.4 million small files, and Python's buffered file object around each cost a
    quarter of the time of making it (3.5 of 14 µs). Mode 0666 less the umask, as open() gives."""
    handle = os.open(path, _PLAIN_WRITE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files a killed run left in `folder`; how many there were."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if _LEFTOVER.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


# --- files kept by linking ------------------------------------------------------------------
# Making a file costs far more than linking one on the disks the edition is built on (a new
# inode: 60-90 µs, and 600-1,200 µs on a virtual disk measured; a hard link, 20 µs), and a
# rebuild that remakes a folder whole (a changed document's 225 DTS responses, a search
# bundle) finds most of its files unchanged. Such a file is linked from the live site into the
# staging folder instead of written: the two names share the bytes, which are never written
# again through either (a staged path that is linked is unlinked before anything is written
# to it, see edition.site.build._Writer).


def link_if_identical(live: str, target: str, data: bytes) -> bool:
    """Hard-link the file `live` at `target` when it holds exactly `data`; False (nothing done)
    when it does not, is missing, or the file system cannot link."""
    try:
        with open(live, "rb") as stream:
            if stream.read(len(data) + 1) != data:
                return False
        os.link(live, target)
    except OSError:
        return False
    return True


def install_tree(source: Path, target: Path, alike: Path | None = None) -> int:
    """Copy the folder `source` to `target` (which must not exist); a file whose bytes equal
    those of the file at the same place under `alike` is linked from there instead. Returns the
    number of files."""
    count = 0
    for folder, _, names in os.walk(source):
        rel = os.path.relpath(folder, source)
        into = os.path.normpath(os.path.join(target, rel))
        os.makedirs(into, exist_ok=True)
        for name in names:
            count += 1
            data = Path(folder, name).read_bytes()
            staged = os.path.join(into, name)
            if alike is not None and link_if_identical(os.path.normpath(os.path.join(alike, rel, name)), staged, data):
                continue
            with open(staged, "wb") as stream:
                stream.write(data)
    return count


def fast_temporary_folder() -> str | None:
    """A folder for short-lived working files kept in memory (/dev/shm, a tmpfs, where Linux
    has one that can be written), else None: the system's temporary folder is often on the
    same disk as the site, where each file made costs a new inode."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None


class Listings:
    """The names of the files and of the folders in folders, each folder listed once (a rebuild
    of 10,000 documents asks about 120,000 paths; a listing reads a folder's entries without a
    call per path). For folders that do not change while the asker lives: the live site during
    a build, the cache's folders before the build writes into them, the TEI folder validated."""

    def __init__(self):
        self._entries: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def names(self, folder: str) -> frozenset[str]:
        """The files in `folder` (none when it is missing)."""
        return self._listing(folder)[0]

    def folders(self, folder: str) -> frozenset[str]:
        """The folders in `folder`."""
        return self._listing(folder)[1]

    def holds_folder(self, root: str | Path, rel: str) -> bool:
        """Whether the folder `rel` (a path relative to `root`) is there, from its parent's listing."""
        parent, _, name = rel.rpartition("/")
        root = os.fspath(root)
        return name in self.folders(f"{root}/{parent}" if parent else root)

    def _listing(self, folder: str) -> tuple[frozenset[str], frozenset[str]]:
        found = self._entries.get(folder)
        if found is None:
            files, folders = [], []
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_file():
                            files.append(entry.name)
                        elif entry.is_dir():
                            folders.append(entry.name)
            except OSError:
                pass
            found = self._entries[folder] = (frozenset(files), frozenset(folders))
        return found
