"""One build at a time per edition, and the edition's own state folder.

Two builds of one edition at once deleted each other's half-built site and published half of
it. A build therefore holds a lock on the edition for as long as it runs: an exclusive
`flock` on `.edition/build.lock` beside the TEI folder, which also records the holder's
process id, host and start time so that a second build can say who holds it.

The operating system releases a `flock` when its holder dies, so the lock of a killed build
is taken over by the next one without anyone deleting a file. One case remains: worker
processes of a killed build that are still alive share its lock; when the recorded holder no
longer runs, the lock file is replaced and the new one taken.

The state folder (`.edition/`) also keeps the site builder's cache. It must belong to the
user running the build and be writable by no one else: a cache that another local user can
write into could put content into the next build's pages.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from edition.errors import EditionError

STATE_FOLDER = ".edition"
LOCK_NAME = "build.lock"

try:
    import fcntl
except ImportError:  # Windows: the lock is the file's existence and the process id in it
    fcntl = None


class BuildRunning(EditionError):
    """Another build of the same edition holds the lock."""


def state_folder(tei_dir: Path) -> Path:
    """The edition's state folder (lock, site cache): `.edition/` beside the TEI folder,
    made private to the current user, refused when someone else could write to it."""
    folder = Path(os.path.abspath(tei_dir)).parent / STATE_FOLDER
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as error:
        raise EditionError(f"{folder}: cannot make the edition's state folder: {error.strerror}") from None
    if not os.path.isdir(folder) or os.path.islink(folder):
        raise EditionError(f"{folder}: the edition's state folder is not a folder (a link or a file); remove it")
    if hasattr(os, "getuid"):
        if info.st_uid != os.getuid():
            raise EditionError(f"{folder}: the edition's state folder belongs to another user; the build "
                               "will not read a cache someone else can write. Remove it, or build as its owner")
        if info.st_mode & 0o022:
            raise EditionError(f"{folder}: the edition's state folder can be written by other users; "
                               f"make it private (chmod 700 {folder}) or remove it")
    return folder


# Locks this process holds, by lock file: a build that converts and then builds the site takes
# the lock once and its steps take it again without waiting on themselves.
_held: dict[str, list] = {}
_guard = threading.Lock()


@contextmanager
def edition_lock(tei_dir: Path, what: str = "build"):
    """Hold the edition's lock for the `with` block; BuildRunning (naming the process that
    holds it) when another build runs."""
    path = state_folder(tei_dir) / LOCK_NAME
    key = os.path.abspath(path)
    with _guard:
        if key in _held:
            _held[key][1] += 1
        else:
            _held[key] = [_acquire(path, what), 1]
    try:
        yield path
    finally:
        with _guard:
            _held[key][1] -= 1
            if not _held[key][1]:
                _release(path, _held.pop(key)[0])


def _acquire(path: Path, what: str) -> int:
    for _attempt in range(20):
        fd = _open(path)
        if fd is None:  # Windows, and the file exists: someone holds it
            holder = read_holder(path)
            if holder and not _alive(holder):
                _remove_if_same(path, None)
                continue
            raise BuildRunning(_running_message(path, holder))
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _settled_holder(path)
                if holder and not _alive(holder):
                    # workers of a killed build keep its lock: the file is replaced, not shared
                    _remove_if_same(path, fd)
                    os.close(fd)
                    continue
                os.close(fd)
                raise BuildRunning(_running_message(path, holder)) from None
            if not _same_file(path, fd):  # replaced while we waited for it: take the new one
                os.close(fd)
                continue
        _write_holder(fd, what)
        return fd
    raise EditionError(f"{path}: could not take the edition's lock (it keeps being replaced)")


def _open(path: Path) -> int | None:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    if fcntl is None:
        try:
            return os.open(path, flags | os.O_EXCL, 0o600)
        except FileExistsError:
            return None
    try:
        return os.open(path, flags, 0o600)
    except OSError as error:
        raise EditionError(f"{path}: cannot open the edition's lock: {error.strerror}") from None


def _write_holder(fd: int, what: str) -> None:
    record = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
              "what": what, "command": " ".join(sys.argv[:3])}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(record).encode("utf-8"), 0)


def _release(path: Path, fd: int) -> None:
    try:
        os.ftruncate(fd, 0)  # the file stays: removing it would let two builds lock two files
    except OSError:
        pass
    if fcntl is None:
        os.close(fd)
        Path(path).unlink(missing_ok=True)
        return
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def read_holder(path: Path) -> dict | None:
    """What the lock file says about the build that holds it (None when it says nothing)."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("pid"), int) else None


def _settled_holder(path: Path) -> dict | None:
    """The holder, read twice a moment apart: a build that has just taken the lock may not
    have written its process id yet, and the file still names the killed build before it."""
    first = read_holder(path)
    if first is None or _alive(first):
        return first
    time.sleep(0.2)
    return read_holder(path)


def _alive(holder: dict) -> bool:
    """Whether the recorded holder still runs; a holder on another host is taken to be alive."""
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(holder["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _same_file(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except OSError:
        return False


def _remove_if_same(path: Path, fd: int | None) -> None:
    try:
        if fd is None or _same_file(path, fd):
            os.unlink(path)
    except OSError:
        pass


def _running_message(path: Path, holder: dict | None) -> str:
    if holder is None:
        return f"another build of this edition is running (it holds {path}); wait for it to finish"
    where = "" if holder.get("host") == socket.gethostname() else f" on {holder.get('host')}"
    return (f"another {holder.get('what', 'build')} of this edition is running: process {holder['pid']}{where}, "
            f"started {holder.get('started', '?')} ({holder.get('command', '').strip() or 'edition'}); "
            "wait for it to finish, or stop that process")


def locked(folder_argument: str, what: str):
    """Decorate a step that writes the edition (convert, the site) to run under its lock;
    `folder_argument` names the parameter that holds the TEI folder."""
    import functools
    import inspect

    def decorate(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def run(*args, **kwargs):
            folder = signature.bind(*args, **kwargs).arguments[folder_argument]
            with edition_lock(Path(folder), what):
                return function(*args, **kwargs)

        return run

    return decorate
