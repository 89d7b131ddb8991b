"""Where the build's work runs: one function, `map_work`, for every step that maps a function
over documents (reading records, validating TEI files, rendering pages).

The executor is named by a spec (`edition build --executor SPEC`):

- ``process`` (the default): ``jobs`` worker processes on this machine (0: one per core);
  a batch too small to repay starting them runs in this process.
- ``serial``: everything in this process, one item after another (profiling, debugging).
- ``thread``: ``jobs`` threads of this process.
- ``dask://HOST:PORT`` (or ``dask://tls://HOST:PORT``): the workers of a running Dask
  distributed scheduler, through ``Client.get_executor()``. Every worker must have this
  version of edition installed and see the edition's folders at the same paths (one machine,
  or a shared file system), since the workers read and write the files themselves.

Python callers may also pass any ``concurrent.futures.Executor``. Items are sent in chunks,
so that a worker (or the Dask scheduler) handles one task per few dozen documents rather than
one per document; results come back in the items' order whatever the executor.
"""

from __future__ import annotations

import math
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar, Union

from edition.collector import usual_collections
from edition.errors import EditionError

Item = TypeVar("Item")
Result = TypeVar("Result")
ExecutorSpec = Union[str, Executor, None]

DEFAULT = "process"
SPECS = ("process", "serial", "thread", "dask://HOST:PORT")
DASK_PREFIX = "dask://"
DASK_INSTALL = 'pip install "dask[distributed]"'
# Below this many items, the default worker processes cost more than they save (each one
# imports the package and loads what the step needs again).
IN_PROCESS_BELOW = 64
# A chunk is one task: large enough that a task's overhead (pickling, a round trip to the Dask
# scheduler, ~1 ms) is small beside its documents' ~20-50 ms each, small enough that every
# worker gets several chunks to even out documents of different lengths.
MAX_CHUNK = 256
CHUNKS_PER_WORKER = 4
# Chunks submitted ahead of the one being read: keeps every worker busy while results wait
# in order, without holding the results of a whole archive in memory.
AHEAD_PER_WORKER = 2
# How long to wait for a Dask scheduler to answer, and for it to have a worker.
DASK_CONNECT_TIMEOUT = 10.0


# From this many records an edition's build keeps out of its own process what converting and
# checking a record load (the readers' word lists, the Schematron processor: about 150 MB),
# however few records changed: that process holds the site's records and state afterwards, and
# is the build's largest (the one-document rebuild of 10,000 documents peaked at 533 MB).
LARGE_EDITION = 1000

# The side worker of a rebuild (`side_worker`): started when the build of a large edition
# begins, while the build's own process is still small, it loads what reading and checking
# records need (about a second: the readers, the word list, the schemas) on the other core
# while the build works out what changed; the few changed records are then read and checked
# there, with no process to start and nothing to load. The innermost open one is used.
_side_workers: list[ProcessPoolExecutor] = []


def map_work(function: Callable[[Item], Result], items: Iterable[Item], *, jobs: int = 0,
             executor: ExecutorSpec = None, in_process_below: int = IN_PROCESS_BELOW,
             apart: bool = False) -> Iterator[Result]:
    """`map(function, items)` on the executor `executor` names (see the module's docstring),
    the results in the items' order.

    `function` must be a module-level function (or a functools.partial of one) and the items
    and results picklable, for any executor but ``serial`` and ``thread``. `jobs`: processes
    or threads (0: one per core); a Dask cluster has as many as it has worker threads.
    `in_process_below`: the default process pool runs smaller batches here instead; an
    executor asked for by name or given always gets the work. `apart`: the default pool gets
    the work however small (see LARGE_EDITION), the build's side worker (`side_worker`) a
    batch that small when one is open.
    """
    items = list(items)
    if isinstance(executor, Executor):
        return _chunked(executor, function, items, _worker_count(executor, jobs))
    spec = parse_spec(executor)
    if spec == "serial":
        return _here(function, items)
    if spec.startswith(DASK_PREFIX):
        return _on_dask(spec, function, items)
    workers = jobs or os.cpu_count() or 1
    if spec == "thread":
        return _on_new_pool(ThreadPoolExecutor(max_workers=workers), function, items, workers)
    workers = min(workers, len(items))
    side = _side_workers[-1] if _side_workers else None
    if items and apart and side is not None and len(items) < in_process_below and not getattr(side, "_broken", False):
        return _on_side_worker(side, function, items)
    if not items or not apart and (workers <= 1 or len(items) < in_process_below):
        return _here(function, items)
    return _on_new_pool(ProcessPoolExecutor(max_workers=workers), function, items, workers)


def parse_spec(spec: str | None) -> str:
    """The spec, checked: one of SPECS (None: the default). An EditionError names the choices."""
    spec = DEFAULT if spec is None else str(spec).strip()
    if spec in ("process", "serial", "thread"):
        return spec
    if spec.startswith(DASK_PREFIX) and _dask_address(spec).rpartition(":")[2].isdigit():
        return spec
    raise EditionError(f"unknown executor {spec!r}: use one of {', '.join(SPECS)} "
                       f"(for example dask://127.0.0.1:8786, the address of a running `dask scheduler`)")


@contextmanager
def opened(executor: ExecutorSpec = None, *, shared: Iterable[Path] = ()) -> Iterator[ExecutorSpec]:
    """The executor for a whole build: a Dask scheduler is connected once, checked (it has
    workers, they run this edition version and see the folders `shared`), and let go at the
    end; any other spec or executor is passed through as it is (the default pool starts
    afresh for each step, so that its memory is given back between steps)."""
    if isinstance(executor, Executor) or not parse_spec(executor).startswith(DASK_PREFIX):
        yield executor
        return
    client = _connect(executor)
    try:
        _check_workers(client, executor, [Path(folder) for folder in shared])
        yield client.get_executor(pure=False)  # pure=False: no hashing of arguments, no merging of tasks
    finally:
        client.close()


@contextmanager
def side_worker(*preparations: tuple[str, ...], later: Iterable[tuple[str, ...]] = ()) -> Iterator[None]:
    """While open, `map_work(..., apart=True)` runs a batch too small for a pool of its own on
    one worker process started now, which runs `preparations` first: ("module:function",
    argument, ...), named so that this process need not import the module to start the
    worker. `later`: preparations for a later step, run just after the first batch of work (a
    rebuild's changed record is read before the schemas for checking it are loaded: it waited
    0.3 s behind them, while the build's own process had its bookkeeping to do). Closed, the
    worker is let go without waiting for a preparation no work came for."""
    pool = ProcessPoolExecutor(max_workers=1)
    try:
        for name, *arguments in preparations:
            pool.submit(call_named, name, *arguments)
        pool.later = list(later)  # taken by the first batch (_on_side_worker)
        _side_workers.append(pool)
        yield
    finally:
        if pool in _side_workers:
            _side_workers.remove(pool)
        pool.shutdown(wait=False, cancel_futures=True)


def _on_side_worker(side: ProcessPoolExecutor, function: Callable, items: list) -> Iterator:
    """A small batch on the side worker, in one task; its `later` preparations queued behind
    the first batch it gets."""
    future = side.submit(run_chunk, function, items)
    later, side.later = getattr(side, "later", []), []
    for name, *arguments in later:
        side.submit(call_named, name, *arguments)
    try:
        yield from future.result()
    finally:
        future.cancel()  # a caller that stopped reading


def call_named(name: str, *arguments):
    """The function `name` ("module:function") called with `arguments`, in a worker."""
    import importlib

    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)(*arguments)


def _chunked(executor: Executor, function: Callable, items: list, workers: int) -> Iterator:
    """The results of `function` over `items`, computed in chunks on `executor`, in order."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * CHUNKS_PER_WORKER))))
    pending: deque = deque()
    try:
        for chunk in (items[start:start + size] for start in range(0, len(items), size)):
            pending.append(executor.submit(run_chunk, function, chunk))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:  # a failed chunk, or a caller that stopped reading: the rest is not needed
        for future in pending:
            future.cancel()


def run_chunk(function: Callable, chunk: list) -> list:
    """One task: a function over a chunk of items, in the worker."""
    with usual_collections():
        return [function(item) for item in chunk]


def _here(function: Callable, items: list) -> Iterator:
    """The results of `function` over `items`, one by one in this process."""
    for item in items:
        with usual_collections():
            result = function(item)
        yield result


def _on_new_pool(pool: Executor, function: Callable, items: list, workers: int) -> Iterator:
    with pool:
        try:
            yield from _chunked(pool, function, items, workers)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _on_dask(spec: str, function: Callable, items: list) -> Iterator:
    with opened(spec) as executor:
        yield from _chunked(executor, function, items, _worker_count(executor, 0))


def _worker_count(executor: Executor, jobs: int) -> int:
    """How many items the executor runs at once, for the chunk size."""
    client = getattr(executor, "_client", None)  # distributed's ClientExecutor
    if client is not None:
        return max(1, sum(client.nthreads().values()))
    return getattr(executor, "_max_workers", None) or jobs or os.cpu_count() or 1


def _dask_address(spec: str) -> str:
    """dask://HOST:PORT -> tcp://HOST:PORT; dask://tls://HOST:PORT is kept as tls://HOST:PORT."""
    rest = spec[len(DASK_PREFIX):]
    return rest if "://" in rest else f"tcp://{rest}"


def _connect(spec: str):
    address = _dask_address(spec)
    try:
        from distributed import Client
    except ImportError:
        raise EditionError(f"the executor {spec} needs Dask, which is not installed: {DASK_INSTALL} "
                           f"(or pip install \"edition[dask]\")") from None
    try:
        return Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise EditionError(f"cannot connect to the Dask scheduler at {address} (executor {spec}) within "
                           f"{DASK_CONNECT_TIMEOUT:g} s ({error}); is one running there? Start it with "
                           f"`dask scheduler`, then `dask worker {address}` on each machine") from None


def _check_workers(client, spec: str, shared: list[Path]) -> None:
    """Refuses a cluster whose work would fail or hang: no workers, workers without this
    version of edition, or workers that cannot see the folders `shared` that exist here."""
    address = _dask_address(spec)
    try:
        client.wait_for_workers(1, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError):
        raise EditionError(f"the Dask scheduler at {address} has no workers; start one with "
                           f"`dask worker {address}`") from None
    from edition import __version__

    try:
        versions = client.run(worker_version)
    except Exception as error:  # the worker could not even unpickle the call
        raise EditionError(f"the Dask workers of {address} cannot run edition ({type(error).__name__}: {error}); "
                           f"install it on every worker (pip install edition=={__version__})") from None
    wrong = sorted(worker for worker, version in versions.items() if version != __version__)
    if wrong:
        raise EditionError(f"the Dask workers {', '.join(wrong)} of {address} run edition "
                           f"{versions[wrong[0]]}, not {__version__}; install the same version on every worker")
    for folder in (folder for folder in shared if folder.is_dir()):  # one not made yet says nothing
        blind = sorted(worker for worker, seen in client.run(os.path.isdir, str(folder.resolve())).items()
                       if not seen)
        if blind:
            raise EditionError(f"the Dask workers {', '.join(blind)} of {address} do not see the folder "
                               f"{folder.resolve()}; they read and write the edition's files, so it must be on a "
                               f"file system they share, at the same path")


def worker_version() -> str:
    """The edition version a worker imports (run on each Dask worker)."""
    from edition import __version__

    return __version__


# --- half of the build's own work on the other core -------------------------------------------


class Forked:
    """`function()` run in a child forked from this process, which holds (shared, copied only
    where written) everything this one does: the light records of 10,000 documents and the
    build state, which no worker could be sent in less time than the work takes. The build's
    own bookkeeping is one core's work while the other core idles (a one-document rebuild);
    half of it done in a child overlaps the other half.

    `function` returns something picklable, writes only files no one else writes, and prints
    nothing. `result()` waits for the child and gives (True, its value), or (False, None) when
    it failed or could not be forked: the caller then does the work itself, so that an error
    is raised where it happens, with its traceback. The child dies with its parent (a killed
    build leaves no child writing into the next build's files); where that cannot be arranged
    (not Linux), nothing is forked."""

    def __init__(self, function: Callable[[], Result]):
        self._pid = 0
        if not can_fork():
            return
        parent = os.getpid()
        try:
            read, write = os.pipe()
        except OSError:  # no descriptor left: the caller does the work
            return
        try:
            pid = os.fork()
        except OSError:  # no process or memory to be had: the caller does the work
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: never returns
            os.close(read)
            _run_forked(function, write, parent)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> tuple[bool, Result | None]:
        if not self._pid:
            return False, None
        import pickle

        chunks = []
        try:
            while chunk := os.read(self._read, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self._read)
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        if status != 0 or not chunks:
            return False, None
        try:
            return True, pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a result that cannot be read back: the work is done again
            return False, None

    def cancel(self) -> None:
        """Stop the child (the build failed): killed and reaped."""
        if not self._pid:
            return
        import signal

        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self._read)
        os.waitpid(self._pid, 0)
        self._pid = 0


def _run_forked(function: Callable, write: int, parent: int) -> None:
    import pickle

    code = 1
    try:
        if _die_with_parent() and os.getppid() == parent:  # else the parent died before the call
            data = memoryview(pickle.dumps(function(), protocol=pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(write, data):]
            code = 0
    except BaseException:  # noqa: BLE001 - the parent does the work again and meets the error itself
        code = 1
    finally:
        os._exit(code)  # no interpreter teardown, no atexit, no flush of the parent's buffers


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> bool:
    """Linux's prctl(PR_SET_PDEATHSIG, SIGKILL) for this process; False where it is not to be had."""
    import ctypes
    import signal

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    except (OSError, AttributeError):
        return False


def can_fork() -> bool:
    """Whether `Forked` forks here: Linux (the child is made to die with its parent) with more
    than one core."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
