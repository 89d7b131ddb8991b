"""Where the build's work runs (edition/executor.py): the default process pool, this process,
threads, a given concurrent.futures executor, or a Dask cluster (`dask://HOST:PORT`). Whatever
runs it, an edition comes out the same, byte for byte: tested on the sample corpus with the
twelve records of tests/fixtures/variety, built (converted, checked, rendered) once on a pool of
two processes and once on a local Dask cluster of two worker processes."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

import edition.executor as executor_module
from edition.build import build_edition
from edition.cli import cli
from edition.convert import convert_corpus
from edition.errors import EditionError
from edition.executor import map_work, opened, parse_spec
from edition.project import open_project

from conftest import CORPUS, ROOT

VARIETY = Path(__file__).parent / "fixtures" / "variety"
VARIETY_RECORDS = sorted(json.loads((VARIETY / "truth.json").read_text("utf-8")))


def make_project(folder: Path) -> Path:
    """The sample edition (settings, registers, corpus) with the variety records added."""
    (folder / "corpus").mkdir(parents=True)
    shutil.copy(ROOT / "edition.toml", folder / "edition.toml")
    shutil.copytree(ROOT / "registers", folder / "registers")
    for source in sorted(CORPUS.glob("*.txt")):
        shutil.copy(source, folder / "corpus" / source.name)
    for name in VARIETY_RECORDS:
        shutil.copy(VARIETY / f"{name}.txt", folder / "corpus" / f"{name}.txt")
    return folder


def build_in(folder: Path, **options) -> bool:
    """A build as `edition build` in the edition folder runs it: records are named relative to the
    current folder, so both builds compared must run from their own edition folder."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        return build_edition(open_project(folder), progress=False, tei_all=False, **options)
    finally:
        os.chdir(before)


# The cache of file checksums records each file by its absolute path and modification time,
# which differ between two edition folders whatever builds them.
PER_FOLDER = {".hash-cache.json"}


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name not in PER_FOLDER}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """What differs between two folders' files, for the assertion's message."""
    return sorted(set(a) ^ set(b)) + [name for name in sorted(set(a) & set(b)) if a[name] != b[name]]


def tei_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.xml"))}


@pytest.fixture(scope="module")
def pool_build(tmp_path_factory) -> Path:
    """The edition built by the default executor, two worker processes."""
    folder = make_project(tmp_path_factory.mktemp("pool"))
    assert build_in(folder, jobs=2)
    return folder


# --- map_work -----------------------------------------------------------------------------


def square(number: int) -> int:
    return number * number


def pid_of(_item) -> int:
    return os.getpid()


def fail_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven")
    return number


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that counts the tasks it is given."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.tasks = 0

    def submit(self, *args, **kwargs):
        self.tasks += 1
        return super().submit(*args, **kwargs)


@pytest.mark.parametrize("spec", ["serial", "thread", "process", None])
def test_every_spec_gives_the_results_in_the_items_order(spec) -> None:
    numbers = list(range(500, 0, -1))
    assert list(map_work(square, numbers, jobs=2, executor=spec)) == [n * n for n in numbers]


def test_a_given_executor_gets_chunks_not_items_and_the_results_come_back_in_order() -> None:
    numbers = list(range(1000))
    with CountingExecutor() as pool:
        assert list(map_work(square, numbers, executor=pool)) == [n * n for n in numbers]
    # two workers, four chunks each: 8 tasks of 125 numbers, not 1,000 tasks of one
    assert pool.tasks == 8


def test_chunks_are_at_most_256_items() -> None:
    with CountingExecutor() as pool:
        assert list(map_work(square, range(10_000), executor=pool)) == [n * n for n in range(10_000)]
    assert pool.tasks == 40  # 10,000 / 256, rounded up


def test_the_default_pool_runs_a_small_batch_here_and_a_large_one_in_workers() -> None:
    assert set(map_work(pid_of, range(10), jobs=2)) == {os.getpid()}
    assert set(map_work(pid_of, range(10), jobs=2, in_process_below=5)) - {os.getpid()}
    assert set(map_work(pid_of, range(100), jobs=2)) - {os.getpid()}
    assert set(map_work(pid_of, range(100), jobs=2, executor="serial")) == {os.getpid()}


def test_a_failing_item_raises_in_the_caller() -> None:
    for spec in ("serial", "thread", "process"):
        with pytest.raises(ValueError, match="seven"):
            list(map_work(fail_on_seven, range(100), jobs=2, executor=spec))


def test_an_unknown_spec_names_the_choices() -> None:
    for spec in ("processes", "dask://", "dask://host", "dask://host:port", "tcp://127.0.0.1:8786"):
        with pytest.raises(EditionError, match=r"unknown executor .*process, serial, thread, dask://HOST:PORT"):
            parse_spec(spec)
    assert parse_spec(" thread ") == "thread" and parse_spec(None) == "process"
    assert parse_spec("dask://tls://10.0.0.1:8786") == "dask://tls://10.0.0.1:8786"


def test_the_command_line_refuses_an_unknown_executor_before_any_work(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "-C", str(tmp_path), "--executor", "cluster"])
    assert result.exit_code == 2 and "Invalid value for '--executor': unknown executor 'cluster'" in result.output
    assert not (tmp_path / "tei").exists()


def test_without_dask_the_error_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    with pytest.raises(EditionError, match=r'dask://127\.0\.0\.1:8786 needs Dask.*pip install "dask\[distributed\]"'):
        list(map_work(square, [1, 2], executor="dask://127.0.0.1:8786"))


def test_other_executors_pass_through_a_build_unopened() -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        for spec in (None, "serial", "thread", "process", pool):
            with opened(spec) as executor:
                assert executor is spec


# --- whole editions -------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["serial", "thread"])
def test_serial_and_threads_convert_the_same_tei_as_the_process_pool(pool_build, tmp_path, spec) -> None:
    folder = make_project(tmp_path)
    before = os.getcwd()
    os.chdir(folder)
    try:
        project = open_project(folder)
        report = convert_corpus(project.corpus, project.tei, progress=False, jobs=2, registers=project.registers,
                                executor=spec)
    finally:
        os.chdir(before)
    assert not report.failed
    expected = tei_files(pool_build / "tei")
    assert len(expected) == len(VARIETY_RECORDS) + 3
    assert tei_files(folder / "tei") == expected, differences(tei_files(folder / "tei"), expected)


def test_a_given_executor_builds_the_same_edition(pool_build, tmp_path) -> None:
    folder = make_project(tmp_path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert build_in(folder, jobs=2, executor=pool)
    for part in ("tei", "site"):
        ours, theirs = files_of(folder / part), files_of(pool_build / part)
        assert ours == theirs, differences(ours, theirs)


def test_a_dask_scheduler_that_is_not_there_is_named_within_seconds(tmp_path, monkeypatch) -> None:
    pytest.importorskip("distributed", reason="Dask is not installed (pip install -e '.[test]' installs it)")
    monkeypatch.setattr(executor_module, "DASK_CONNECT_TIMEOUT", 2.0)
    folder = make_project(tmp_path)
    started = time.monotonic()
    with pytest.raises(EditionError, match=r"cannot connect to the Dask scheduler at tcp://127\.0\.0\.1:1 "):
        build_in(folder, executor="dask://127.0.0.1:1")
    assert time.monotonic() - started < 8


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed",
                                      reason="Dask is not installed (pip install -e '.[test]' installs it)")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        yield cluster


def chunks_run(cluster) -> int:
    """How many chunks of work the cluster's workers have finished (its scheduler runs in this
    process and counts each task's passage into each state)."""
    prefix = cluster.scheduler.task_prefixes.get("run_chunk")
    return 0 if prefix is None else prefix.state_counts["memory"]


def test_a_dask_cluster_builds_the_same_tei_and_site_as_the_process_pool(pool_build, dask_cluster, tmp_path) -> None:
    folder = make_project(tmp_path)
    before = chunks_run(dask_cluster)
    # the folders as `edition build --corpus corpus --tei tei --site site` gives them, relative to
    # this process's current folder, which is not the workers' (they started elsewhere)
    assert build_in(folder, jobs=2, executor="dask://" + dask_cluster.scheduler_address.removeprefix("tcp://"),
                    corpus_dir=Path("corpus"), tei_dir=Path("tei"), site_dir=Path("site"))
    # records read, TEI files checked, pages prepared and written: several chunks each, on the workers
    assert chunks_run(dask_cluster) - before >= 8
    assert len(tei_files(folder / "tei")) == len(VARIETY_RECORDS) + 3
    for part in ("tei", "site"):
        ours, theirs = files_of(folder / part), files_of(pool_build / part)
        assert ours == theirs, differences(ours, theirs)


def test_an_opened_dask_scheduler_is_an_executor_for_any_work(dask_cluster, tmp_path) -> None:
    spec = "dask://" + dask_cluster.scheduler_address.removeprefix("tcp://")
    with opened(spec, shared=[tmp_path]) as executor:  # the workers, on this machine, see tmp_path
        assert isinstance(executor, Executor)
        assert list(map_work(square, range(50), executor=executor)) == [n * n for n in range(50)]


# --- Forked: half of the build's own work in a child ------------------------------------------

needs_fork = pytest.mark.skipif(not executor_module.can_fork(), reason="Forked forks on Linux with two cores or more")


@needs_fork
def test_a_forked_child_sees_what_this_process_holds_and_sends_its_result_back() -> None:
    held = {"records": list(range(10_000))}  # not sent: the child has it as the parent does
    child = executor_module.Forked(lambda: (os.getpid(), sum(held["records"]), "x" * 3_000_000))
    done, (pid, total, large) = child.result()
    assert done and pid != os.getpid() and total == sum(range(10_000)) and len(large) == 3_000_000


@needs_fork
def test_a_forked_child_that_fails_says_so_and_leaves_the_work_to_the_caller() -> None:
    def fails():
        raise RuntimeError("a template error")

    assert executor_module.Forked(fails).result() == (False, None)


def test_a_child_that_cannot_be_forked_leaves_the_work_to_the_caller(monkeypatch) -> None:
    def no_process():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(executor_module.os, "fork", no_process)
    monkeypatch.setattr(executor_module, "can_fork", lambda: True)
    assert executor_module.Forked(lambda: "done").result() == (False, None)


@needs_fork
def test_a_forked_child_dies_with_its_parent(tmp_path: Path) -> None:
    """A build killed while its child works must not leave the child writing into the files
    of the next build."""
    import signal
    import subprocess

    marker, pid_file = tmp_path / "written-after-the-kill", tmp_path / "child.pid"
    script = f"""
import os, sys, time
sys.path.insert(0, {str(ROOT)!r})
from edition.executor import Forked
def work():
    open({str(pid_file)!r}, "w").write(str(os.getpid()))
    time.sleep(2)
    open({str(marker)!r}, "w").write("the child outlived its parent")
child = Forked(work)
time.sleep(30)
"""
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child did not start"
            time.sleep(0.05)
        child_pid = int(pid_file.read_text())
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child_pid), "the child still runs after its parent was killed"
        time.sleep(2.5)
        assert not marker.exists()
    finally:
        parent.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"  # a zombie is dead, waiting to be reaped
    except FileNotFoundError:
        return False
