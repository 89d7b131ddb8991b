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
    written: the build state of 10,000 documents is 21 MB of JSON, which as a string and then
    as bytes was the largest moment of a rebuild's memory. options: json.dump's."""
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
