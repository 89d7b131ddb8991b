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
    written, in pieces (`json_pieces`): the build state of 10,000 documents is 21 MB of JSON,
    which as a string and then as bytes was the largest moment of a rebuild's memory.
    options: json.dumps's; the bytes are those json.dumps would give."""
    def dump(stream) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8")
        for piece in json_pieces(value, **options):
            text.write(piece)
        text.flush()
        text.detach()  # the binary stream stays open for the flush to disk

    _write_through_temporary(path, durable, dump)


# Items encoded in one call of the C encoder. json.dump encodes in Python (the C encoder serves
# only json.dumps), four to five times slower: 0.4 s for the state of a 10,000-document site.
PIECE_ITEMS = 4096


def json_pieces(value, **options):
    """The text of json.dumps(value, **options) in pieces of at most about PIECE_ITEMS items of a
    mapping or list (two levels deep), each made by json.dumps."""
    if options.get("indent") is not None or not _splittable(value):
        yield json.dumps(value, **options)
        return
    yield from _pieces(value, options, depth=0)


def _splittable(value) -> bool:
    return isinstance(value, list) or isinstance(value, dict) and all(isinstance(key, str) for key in value)


def _pieces(value, options: dict, depth: int):
    if depth >= 2 or not _splittable(value) or len(value) <= PIECE_ITEMS and depth:
        yield json.dumps(value, **options)
        return
    item_separator, key_separator = options.get("separators") or (", ", ": ")
    is_dict = isinstance(value, dict)
    items = (sorted(value.items()) if options.get("sort_keys") else list(value.items())) if is_dict else value
    yield "{" if is_dict else "["
    batch: list = []
    written = False

    def flush():
        nonlocal written
        if batch:
            text = json.dumps(dict(batch) if is_dict else batch, **options)[1:-1]
            yield (item_separator if written else "") + text
            written = True
            batch.clear()

    for item in items:
        inner = item[1] if is_dict else item
        if _splittable(inner) and len(inner) > PIECE_ITEMS:
            yield from flush()
            yield item_separator if written else ""
            if is_dict:
                yield json.dumps(item[0], **options) + key_separator
            yield from _pieces(inner, options, depth + 1)
            written = True
            continue
        batch.append(item)
        if len(batch) >= PIECE_ITEMS:
            yield from flush()
    yield from flush()
    yield "}" if is_dict else "]"


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
