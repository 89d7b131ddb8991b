"""Python's cycle collector, tuned for a build.

A build of 10,000 documents holds a few hundred thousand objects for its whole length (the
light records of the documents, the build state) and makes millions of short-lived ones. With
the collector's default thresholds every 700 new objects start a pass, and the full passes walk
everything the build holds: at 10,000 documents that was a third of a one-document rebuild.
The objects the build holds make no reference cycles, so nothing is lost by collecting less
often; memory is still freed as soon as an object is no longer used (reference counting).
"""

from __future__ import annotations

import contextlib
import gc
import threading

# New objects between two passes of the youngest generation during a build (Python's default: 700).
BUILD_THRESHOLD = 100_000


# The thresholds outside a build, for the work on documents (converting, checking, rendering):
# it holds nothing for long and leaves cycles behind that keep whole parsed trees alive until
# collected; collected late, they made the rendering of 1,000 documents four times slower.
_outside_build = gc.get_threshold()


@contextlib.contextmanager
def fewer_collections():
    """The collector runs less often while a build runs (its bookkeeping: the lists, the state,
    the checks of what changed); its settings are put back after."""
    global _outside_build
    before = _outside_build = gc.get_threshold()
    gc.set_threshold(BUILD_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextlib.contextmanager
def usual_collections():
    """The usual thresholds while documents are worked on, in whatever process does the work
    (a worker forked from the build inherits the build's settings). Threads of one process
    share the settings: the first to start work sets them, the last to finish puts them back."""
    global _working, _during
    with _lock:
        if _working == 0:
            _during = gc.get_threshold()
            gc.set_threshold(*_outside_build)
        _working += 1
    try:
        yield
    finally:
        with _lock:
            _working -= 1
            if _working == 0:
                gc.set_threshold(*_during)


_lock = threading.Lock()
_working = 0  # threads of this process working on documents now
_during = _outside_build  # the thresholds to put back when the last of them is done
_holding = 0  # builds of this process within held_for_the_build now


@contextlib.contextmanager
def collector_paused():
    """No pass while many objects that make no cycles are made at once (the light records of
    10,000 documents: a quarter of a million objects). Within `held_for_the_build` they are
    then held with the rest (frozen) before the collector runs again: otherwise the first new
    object after it starts again begins a pass over all of them (0.15 s of a rebuild)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _holding:
            gc.freeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def held_for_the_build():
    """What the build holds now (the light records) is left out of the collector's later
    passes (`gc.freeze`) until the build ends."""
    global _holding
    gc.freeze()
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        gc.unfreeze()


# --- the heap left to the process's end -----------------------------------------------------

LEAVE_TO_EXIT = False  # set by the console command, which ends without tearing the heap down
_left: list = []


def leave_to_exit(*objects) -> None:
    """Hold `objects` until the process ends, when the process is the console command (which
    ends with os._exit, freeing nothing): freeing a rebuild's records of 10,000 documents and
    its bookkeeping when the site builder returned took a tenth of a second, for memory the
    process never used again. Called from a library or the tests, nothing is held."""
    if LEAVE_TO_EXIT:
        _left.extend(objects)
