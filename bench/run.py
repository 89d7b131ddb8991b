#!/usr/bin/env python3
"""Benchmark of the edition pipeline on synthetic corpora of N documents (figures only).

    python3 bench/run.py                                # N = 100, 1,000 and 10,000, all cores
    python3 bench/run.py --sizes 100,1000 --jobs 2
    python3 bench/run.py --sizes 1000 --profile all     # also profile each stage at N = 1,000 (one process)

For each N, in bench/out/n<N>/ (git-ignored):

1. corpus/: N synthetic sources (bench/synth.py; seeded, reused when already generated);
2. stages: one subprocess calls the public stage functions one after the other on an empty
   tei/ and site/: `edition.convert.convert_corpus`, `edition.validate.validate_paths`
   (edition schema + rules + tei_all, no result cache; the schemas are loaded first, timed
   on their own, so that the worker processes forked by validate_paths inherit them), and
   `edition.site.build_site` (with `edition.site.search.build_index` wrapped to time the
   search index: render = site build - index);
3. builds: `python -m edition build ...` as a subprocess, from an empty tei/ and site/ (full),
   again with nothing changed (no-op), after one paragraph of one source was changed
   (one-doc), and after the same paragraph was changed again, five times in turn (one-doc,
   warm: the table gives their median and range; --again). Wall time, the
   time at which each stage line is printed, and the memory of
   the process tree: the peak of the summed PSS of the build process and its children,
   sampled every 0.1 s or more (the sampler keeps to ~10% of a core), and the largest max RSS of one process (wait4 rusage).

Results: bench/out/n<N>/results.json, and a Markdown table of every size measured so far
in bench/out/results.md (also printed). Profiles (--profile): bench/out/profile/.
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import tempfile
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import synth  # noqa: E402

STAGES = ("convert", "validate", "render", "index")
# issue 14's targets at 10,000 documents on 2 cores
TARGETS = {"full": 90.0, "noop": 0.5, "onedoc": 1.5, "peak_mb": 500.0, "render_ratio": 3.0}
TABLE_SIZES = (100, 1000, 10000)  # the columns of the target table, with any other size measured
STYLESHEETS_RELEASE = "https://api.github.com/repos/TEIC/Stylesheets/releases/latest"


# --- small helpers -------------------------------------------------------------------------


def snapshot_code(out: Path) -> Path:
    """A copy of the working tree's code and templates, measured for the whole run.

    Others edit edition/ while a run lasts; a build whose code changed under it converts and
    renders everything again (the code is part of every cache key), which measures nothing.
    """
    code = out / "code"
    shutil.rmtree(code, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")
    shutil.copytree(ROOT / "edition", code / "edition", ignore=ignore)
    # compiled once, as an installed package is (pip compiles at install): a machine that sets
    # PYTHONDONTWRITEBYTECODE would otherwise compile 50 modules from source on every build
    # (0.25 s of each rebuild); the caches' fingerprints leave __pycache__ out
    compileall.compile_dir(code / "edition", quiet=1)
    return code



def now() -> float:
    return time.perf_counter()


def folder_size(folder: Path) -> tuple[int, int]:
    total, count = 0, 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
                count += 1
            except OSError:
                pass
    return total, count


def normalise(message: str) -> str:
    """A problem message with its particulars removed, to count kinds of problems."""
    message = re.sub(r"'[^']*'", "'…'", message)
    message = re.sub(r"\"[^\"]*\"", "\"…\"", message)
    message = re.sub(r"\[\d+\]", "[n]", message)
    message = re.sub(r"\d+", "N", message)
    return message[:200]


def problem_kinds(problems, limit: int = 40) -> list[dict]:
    """Problems counted by kind and severity, with the first example of each."""
    counts: Counter = Counter()
    examples: dict = {}
    for problem in problems:
        severity = getattr(problem, "severity", "error")
        key = (severity, normalise(str(getattr(problem, "message", problem))))
        counts[key] += 1
        examples.setdefault(key, str(problem))
    return [{"severity": s, "kind": k, "count": n, "example": examples[(s, k)][:400]}
            for (s, k), n in counts.most_common(limit)]


def machine_info() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, AttributeError):
        pass
    versions = {}
    for module in ("lxml", "jinja2", "pagefind", "markdown_it", "wordfreq"):
        try:
            from importlib.metadata import version
            versions[module] = version(module.replace("_", "-") if module != "markdown_it" else "markdown-it-py")
        except Exception:  # noqa: BLE001
            versions[module] = "?"
    try:
        from lxml import etree
        versions["libxml2"] = ".".join(map(str, etree.LIBXML_VERSION))
    except ImportError:
        pass
    return {"cores": os.cpu_count(), "cpu": model or platform.processor(), "memory": memory,
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "loadavg": os.getloadavg()}


def yardsticks(folder: Path) -> dict:
    """How fast the machine is now, by two measures no change of the edition's touches: a fixed
    Python loop (ms) and the writing of small files like the site's DTS passages (µs a file, in
    a new folder beside the output, then removed). A shared machine's speed varies through a
    day two- to tenfold; a build's figures are read against these, taken just before and
    just after."""
    started = time.perf_counter()
    total = 0
    for number in range(2_000_000):
        total += number * number
    loop_ms = (time.perf_counter() - started) * 1000
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="yardstick-", dir=folder))
    data = b"x" * 800
    try:
        started = time.perf_counter()
        for number in range(2000):
            handle = os.open(scratch / f"{number}.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            os.write(handle, data)
            os.close(handle)
        file_us = (time.perf_counter() - started) / 2000 * 1e6
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"python_loop_ms": round(loop_ms, 1), "small_file_us": round(file_us, 1)}


def yardstick_text(sticks: dict | None) -> str:
    if not sticks:
        return "–"
    return f"{sticks['python_loop_ms']:.0f} ms / {sticks['small_file_us']:.0f} µs"


def git_state() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "edition"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


# --- memory of a process tree --------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                stat = stream.read()
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_memory_kb(root: int) -> tuple[int, int, int, int]:
    """(summed PSS, summed RSS, processes, PSS of the largest process) of a process and all its descendants."""
    children = _children_map()
    todo, pids = [root], []
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    pss = rss = largest = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as stream:
                for line in stream:
                    if line.startswith("Pss:"):
                        own = int(line.split()[1])
                        pss += own
                        largest = max(largest, own)
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss, len(pids), largest


def run_measured(command: list[str], log: Path, cwd: Path, interval: float = 0.1,
                 timeout: float | None = None) -> dict:
    """Run a command; wall time, times of its output lines, peak tree memory, max RSS.

    After `timeout` seconds the command and its children (its own process group) are stopped.
    """
    started = now()
    stderr = open(log.with_suffix(".stderr"), "w")
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(cwd)},
                               start_new_session=True)
    peak = {"pss": 0, "rss": 0, "processes": 0, "largest": 0}
    done = threading.Event()
    timed_out = threading.Event()

    def sample() -> None:
        while not done.is_set():
            began = now()
            pss, rss, count, largest = tree_memory_kb(process.pid)
            # reading smaps of a large process costs milliseconds: the sampler keeps to ~10% of
            # one core, or it would slow down the build it measures (it took half a core at 10,000)
            cost = now() - began
            peak["pss"], peak["rss"] = max(peak["pss"], pss), max(peak["rss"], rss)
            peak["processes"] = max(peak["processes"], count)
            peak["largest"] = max(peak["largest"], largest)
            if timeout is not None and now() - started > timeout and not timed_out.is_set():
                timed_out.set()
                try:
                    os.killpg(process.pid, signal.SIGTERM)  # the group of the process started here
                except OSError:
                    pass
            done.wait(max(interval, 9 * cost))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout:
        lines.append((round(now() - started, 3), line.rstrip("\n")))
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = now() - started
    done.set()
    sampler.join()
    stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    log.write_text("\n".join(f"{t:8.2f}  {text}" for t, text in lines) + "\n")
    return {"seconds": round(elapsed, 3), "exit": process.returncode, "lines": lines,
            "timed_out": timed_out.is_set(),
            "peak_pss_mb": round(peak["pss"] / 1024, 1), "peak_rss_sum_mb": round(peak["rss"] / 1024, 1),
            # wait4's ru_maxrss: the high-water mark of the largest single process among the
            # command and the children it waited for (exact, not sampled)
            "max_rss_mb": round(usage.ru_maxrss / 1024, 1), "max_processes": peak["processes"],
            "largest_pss_mb": round(peak["largest"] / 1024, 1),
            "user_s": round(usage.ru_utime, 2), "system_s": round(usage.ru_stime, 2)}


# --- the stage worker (a subprocess: a fresh interpreter, as `edition build` would be) ------


def stage_worker(args: argparse.Namespace) -> None:
    import multiprocessing

    sys.path.insert(0, args.code)  # the snapshot of the code this run measures
    import edition
    from edition.settings import load_settings

    work = Path(args.work)
    set_aside(work, work.parent.parent / ".trash")  # work: out/n<N>/stages
    work.mkdir(parents=True)
    tei, site = work / "tei", work / "site"
    jobs = args.jobs
    result: dict = {"jobs": jobs, "start_method": multiprocessing.get_start_method(), "errors": [],
                    "code": str(Path(edition.__file__).parent)}
    profiler = cProfile.Profile() if args.profile_stage else None
    out = Path(args.result)

    def save() -> None:
        out.write_text(json.dumps(result, indent=1, default=str))

    def timed(stage: str, function):
        if profiler is not None and stage == args.profile_stage:
            profiler.enable()
        started = now()
        try:
            return function(), now() - started
        finally:
            if profiler is not None and stage == args.profile_stage:
                profiler.disable()
                profiler.dump_stats(args.profile_out)

    def crashed(stage: str) -> None:
        result["errors"].append({"stage": stage, "traceback": traceback.format_exc()})
        save()

    settings = load_settings(Path(args.settings))
    import_started = now()
    from edition.convert import convert_corpus
    from edition.site import build_site
    import edition.site.search as search
    import edition.validate as validate
    result["import_s"] = round(now() - import_started, 3)

    # convert (or, when profiling a later stage, the TEI files of an earlier run)
    if args.reuse_tei and args.profile_stage not in (None, "convert"):
        shutil.copytree(args.reuse_tei, tei)
        result["convert"] = {"reused": args.reuse_tei}
    else:
        try:
            report, seconds = timed("convert", lambda: convert_corpus(Path(args.corpus), tei, jobs=jobs,
                                                                     publisher=settings.publisher, progress=False))
        except Exception:  # noqa: BLE001 - a crash is a finding
            return crashed("convert")
        result["convert"] = {"seconds": round(seconds, 3), "written": report.count("written"),
                             "failed": len(report.failed), "documents": len(report.results),
                             "problems": problem_kinds(report.problems),
                             "failures": [[r.source, [str(p) for p in r.problems][:3]] for r in report.failed][:20]}
        save()
    files = sorted(tei.glob("*.xml"))
    result["tei_bytes"] = sum(f.stat().st_size for f in files)
    result["tei_files"] = len(files)

    # the schemas, loaded once in this process (forked workers inherit them)
    only = set((args.only or "convert,validate,site").split(","))
    if "validate" not in only and args.profile_stage is None:
        return save()
    if args.profile_stage in (None, "validate", "render", "index"):
        try:
            _, load_tei_all = timed("load", getattr(validate, "load_tei_all_restricted", validate.load_tei_all))
            _, load_xsd = timed("load", validate.load_edition_schema)
        except Exception:  # noqa: BLE001
            return crashed("load schemas")
        result["load"] = {"tei_all_s": round(load_tei_all, 3), "edition_xsd_s": round(load_xsd, 3)}
        try:
            validation, seconds = timed("validate", lambda: validate.validate_paths(
                files, tei_all=True, cache=None, jobs=jobs, progress=False))
        except Exception:  # noqa: BLE001
            return crashed("validate")
        invalid = {Path(f.path).name for f in validation.files if not f.passed_edition_schema}
        errors = [p for p in validation.problems if p.severity == "error"]
        result["validate"] = {
            "seconds": round(seconds, 3), "documents": len(validation.files), "invalid_edition_schema": len(invalid),
            "failed_tei_all": sum(1 for f in validation.files if f.passed_tei_all is False),
            "failed_rules": sum(1 for f in validation.files if not f.passed_rules),
            "problems": problem_kinds(errors)}
        save()
    else:
        validation, invalid = None, set()
    if "site" not in only and args.profile_stage is None:
        return save()

    # the site, with the search index timed on its own
    index_seconds: list[float] = []
    original = search.build_index

    def build_index(*a, **k):
        if profiler is not None and args.profile_stage == "index":
            profiler.enable()
        started = now()
        try:
            return original(*a, **k)
        finally:
            index_seconds.append(now() - started)
            if profiler is not None and args.profile_stage == "index":
                profiler.disable()
                profiler.dump_stats(args.profile_out)

    search.build_index = build_index
    try:
        site_report, seconds = timed("render", lambda: build_site(tei, site, settings, validation=validation,
                                                                  progress=False, exclude=invalid, jobs=jobs))
    except Exception:  # noqa: BLE001
        return crashed("site")
    finally:
        search.build_index = original
    index = sum(index_seconds)
    site_bytes, site_files = folder_size(site)
    result["site"] = {"seconds": round(seconds, 3), "index_seconds": round(index, 3) if index_seconds else None,
                      "render_seconds": round(seconds - index, 3), "documents": site_report.documents,
                      "search_pages": site_report.search_pages, "pages": len(site_report.pages),
                      "files": len(site_report.files), "bytes": site_bytes,
                      "warnings": problem_kinds(site_report.warnings)}
    if not index_seconds:
        result["errors"].append({"stage": "index", "traceback": "edition.site.search.build_index was not called"})
    save()


def run_stages(code: Path, corpus: Path, work: Path, jobs: int, settings: Path, log: Path,
               profile_stage: str | None = None,
               profile_out: Path | None = None, reuse_tei: Path | None = None, only: str | None = None) -> dict:
    result_file = work.parent / f"{work.name}.json"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--stage-worker", "--corpus", str(corpus),
               "--work", str(work), "--jobs", str(jobs), "--settings", str(settings), "--result", str(result_file),
               "--code", str(code)]
    if profile_stage:
        command += ["--profile-stage", profile_stage, "--profile-out", str(profile_out)]
    if reuse_tei:
        command += ["--reuse-tei", str(reuse_tei)]
    if only:
        command += ["--only", only]
    measured = run_measured(command, log, cwd=code)
    result = json.loads(result_file.read_text()) if result_file.exists() else {"errors": [
        {"stage": "worker", "traceback": log.with_suffix(".stderr").read_text()[-3000:]}]}
    if measured["exit"] != 0 and not result.get("errors"):
        result.setdefault("errors", []).append(
            {"stage": "worker", "traceback": log.with_suffix(".stderr").read_text()[-3000:]})
    result["process"] = {k: v for k, v in measured.items() if k != "lines"}
    return result


# --- the builds through the CLI --------------------------------------------------------------


def build_command(corpus: Path, build: Path, settings: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "edition", "build", "--corpus", str(corpus), "--tei", str(build / "tei"),
            "--site", str(build / "site"), "--settings", str(settings), "--jobs", str(jobs)]


def stage_marks(lines: list[tuple[float, str]]) -> dict:
    """Seconds spent in each stage, from the times the CLI printed its stage lines."""
    marks = {}
    for t, text in lines:
        for key, prefix in (("start", "edition:"), ("convert", "convert "), ("validate", "validate "),
                            ("site", "site "), ("done", "done in")):
            if text.startswith(prefix) and key not in marks:
                marks[key] = t
    split = {}
    previous = None
    for key in ("start", "convert", "validate", "site"):
        if key in marks:
            split[key if key != "start" else "startup"] = round(marks[key] - (marks[previous] if previous else 0), 2)
            previous = key
    summary = [text for _, text in lines if text.startswith(("convert ", "validate ", "site ", "done in"))]
    return {"split": split, "summary": summary}


def one_doc_change(corpus: Path, documents: list[dict] | None = None,
                   sentence: str = "The benchmark added this sentence to one paragraph.",
                   published: set[str] | None = None) -> tuple[Path, bytes]:
    """Change one paragraph of one source in the middle of the corpus; its path and old bytes.

    The source is a plain one (UTF-8, no quirk, not one of a pair of translations) whose page the
    full build published (`published`: names without suffix), so that its TEI file stays valid
    and the change reaches the site.
    """
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md"))
    if documents:
        paired = {d["translation_of"] for d in documents if d.get("translation_of") is not None}
        plain = {d["file"] for d in documents
                 if not d["quirks"] and d.get("translation_of") is None and d["index"] not in paired}
        files = [p for p in files if p.name in plain] or files
    if published:
        files = [p for p in files if p.stem in published] or files
    label = re.compile(r"^(?:\*\*[^*\n]+:\*\*|Comrade [A-Z][^:\n]{1,40}:|[A-Z][A-Z’'-]+(?: [A-Z][A-Z’'.-]+){0,3}:) \S")
    for path in files[len(files) // 2:] + files[:len(files) // 2]:
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        lines = text.split("\n")
        candidates = [i for i, line in enumerate(lines) if label.match(line)]
        if len(candidates) < 4:
            continue
        i = candidates[len(candidates) // 2]
        lines[i] = lines[i].rstrip() + " " + sentence
        path.write_bytes("\n".join(lines).encode("utf-8"))
        return path, data
    raise SystemExit(f"{corpus}: no source to change")


def set_aside(path: Path, trash: Path) -> None:
    """Move the last run's output out of the way, to be deleted at the end of the run
    (`empty_trash`), not now: ext4 does not give a new file an inode freed in the last minute
    (five when its block is still dirty), and checks each such inode as it looks for a free one
    (`recently_deleted`, seen with perf: a third of a new file's time). Deleting the 2.4 million
    files of a 10,000-document site just before the full build slowed its file making several
    times over, and by an amount that varied from run to run."""
    if not path.exists():
        return
    trash.mkdir(parents=True, exist_ok=True)
    path.rename(trash / f"{path.parent.name}-{path.name}-{time.time_ns()}")


def empty_trash(out: Path) -> None:
    """Delete what the run set aside (after every timed build)."""
    shutil.rmtree(out / ".trash", ignore_errors=True)


# The sentence each warm one-document rebuild adds to the same paragraph (the source is put back
# after each build): a new one each time, so that no rebuild finds its TEI file checked already
# (two sentences in turn let every rebuild from the third take its validation from the cache:
# 0.02 s against 0.15 s at 1,000 documents).
def again_sentence(turn: int) -> str:
    return f"The benchmark added sentence {turn + 1} of its warm rebuilds to the paragraph."


def run_builds(code: Path, corpus: Path, folder: Path, jobs: int, settings: Path, documents: list[dict] | None = None,
               timeout: float | None = None, again: int = 5) -> dict:
    build = folder / "build"
    set_aside(build, folder.parent / ".trash")
    os.sync()  # what earlier steps wrote is on disk before anything is timed
    build.mkdir(parents=True)
    command = build_command(corpus, build, settings, jobs)
    results = {"command": " ".join(command)}
    # onedoc is the first rebuild after the full build, whose output has pushed much of the rest
    # out of the system's page cache; onedoc_warm and the rebuilds after it change the same
    # paragraph again, as an editor correcting one record after another does: `again` of them,
    # whose median the table gives (the same rebuild took 2.39-2.83 s in 24 runs within minutes)
    names = ["full", "noop", "onedoc", *(["onedoc_warm"] if again else []),
             *(f"onedoc_again{i}" for i in range(1, again))]
    for name in names:
        changed = None
        if name.startswith("onedoc"):
            published = {page.stem for page in (build / "site" / "documents").glob("*.html")}
            turn = 0 if name in ("onedoc", "onedoc_warm") else int(name.removeprefix("onedoc_again"))
            sentence = ("The benchmark added this sentence to one paragraph." if name == "onedoc"
                        else again_sentence(turn))
            changed = one_doc_change(corpus, documents, sentence=sentence, published=published)
            results["changed_file"] = changed[0].name
        try:
            print(f"  build ({name}) ...", flush=True)
            measured = run_measured(command, folder / f"build-{name}.log", cwd=code, timeout=timeout)
        finally:
            if changed:
                changed[0].write_bytes(changed[1])
        measured.update(stage_marks(measured.pop("lines")))
        measured["stderr_tail"] = [line for line in
                                   (folder / f"build-{name}.stderr").read_text(errors="replace").splitlines()
                                   if "Traceback" in line or "Error" in line or line.startswith("error")][-10:]
        results[name] = measured
        print(f"    {measured['seconds']:.1f} s, exit {measured['exit']}, peak {measured['peak_pss_mb']:.0f} MB "
              f"(PSS), stages {measured['split']}" + (" - STOPPED (--build-timeout)" if measured["timed_out"] else ""),
              flush=True)
        if measured["timed_out"]:
            break  # the rebuilds of an unfinished build measure nothing
    warm = [results[name]["seconds"] for name in names if name.startswith(("onedoc_warm", "onedoc_again"))
            and name in results and results[name].get("exit") in (0, 1)]
    if warm:
        results["onedoc_again"] = {"seconds": warm, "median": statistics.median(warm)}
    site_bytes, site_files = folder_size(build / "site")
    results["site_bytes"], results["site_files"] = site_bytes, site_files
    return results


# --- the page renderer against the TEI Stylesheets -------------------------------------------


def find_html_xsl(folder: Path) -> Path | None:
    """html/html.xsl in a copy of the TEI Stylesheets: a source tree (html/html.xsl), the release
    zip unpacked (xml/tei/stylesheet/html/html.xsl) or Debian's tei-xsl (/usr/share/xml/tei/stylesheet)."""
    for candidate in (folder / "html" / "html.xsl", folder / "xml" / "tei" / "stylesheet" / "html" / "html.xsl"):
        if candidate.is_file():
            return candidate
    return None


def stylesheets(given: str | None, out: Path) -> Path:
    """The Stylesheets' html.xsl: --stylesheets DIR (or $TEI_STYLESHEETS), else bench/out/stylesheets/,
    fetched there from the TEI Consortium's latest release the first time."""
    if given:
        found = find_html_xsl(Path(given).expanduser())
        if found is None:
            raise SystemExit(f"{given}: no html/html.xsl (nor xml/tei/stylesheet/html/html.xsl) in it")
        return found
    folder = out / "stylesheets"
    return find_html_xsl(folder) or fetch_stylesheets(folder)


def fetch_stylesheets(folder: Path) -> Path:
    """Download the latest release's tei-xsl-VERSION.zip from GitHub and unpack it into `folder`."""
    import urllib.request
    import zipfile

    print(f"  fetching the TEI Stylesheets ({STYLESHEETS_RELEASE}) ...", flush=True)
    try:
        request = urllib.request.Request(STYLESHEETS_RELEASE, headers={"Accept": "application/vnd.github+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            release = json.load(response)
        asset = next(a for a in release["assets"] if re.fullmatch(r"tei-xsl-[\d.]+\.zip", a["name"]))
        archive = folder.parent / asset["name"]
        urllib.request.urlretrieve(asset["browser_download_url"], archive)
    except (OSError, ValueError, KeyError, StopIteration) as error:
        raise SystemExit(f"could not fetch the TEI Stylesheets ({error}); give a local copy with --stylesheets DIR "
                         "(e.g. `git clone --depth 1 --branch v7.57.0 https://github.com/TEIC/Stylesheets DIR`, "
                         "or Debian's tei-xsl: /usr/share/xml/tei/stylesheet), or --skip-render") from None
    partial = folder.with_name(folder.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(partial)
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    found = find_html_xsl(folder)
    if found is None:
        raise SystemExit(f"{archive}: no html/html.xsl in the release")
    return found


def stylesheets_version(html_xsl: Path) -> str:
    version = html_xsl.parent.parent / "VERSION"
    return version.read_text().strip() if version.is_file() else "?"


def render_sample(tei: Path, count: int) -> list[Path]:
    """`count` TEI files spread evenly over the folder's sorted files (all when fewer)."""
    files = sorted(tei.glob("*.xml"))
    if len(files) <= count:
        return files
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


def render_worker(args: argparse.Namespace) -> None:
    """One process, one core: each TEI file rendered by Saxon with the Stylesheets' html.xsl, then
    by the edition's page renderer (parse, header, body, notes, turns), one after the other."""
    sys.path.insert(0, args.code)
    from saxonche import PySaxonProcessor

    from edition.site.document import load_document, render_document

    files = [Path(name) for name in json.loads(Path(args.files).read_text())]
    href = lambda pid: f"../persons/{pid}.html"  # noqa: E731 - as the site links a speaker's page
    times: dict[str, list[float]] = {"stylesheets": [], "edition": []}
    sizes = {"stylesheets": 0, "edition": 0}
    cpu = {"stylesheets": 0.0, "edition": 0.0}
    failed = []
    with PySaxonProcessor(license=False) as saxon:
        started = now()
        executable = saxon.new_xslt30_processor().compile_stylesheet(stylesheet_file=args.stylesheets)
        compile_s = now() - started
        for path in files[:3]:  # warm both up: first calls load code and fill caches
            executable.transform_to_string(source_file=str(path.resolve()))
            render_document(load_document(path), href)
        for path in files:
            try:
                started, started_cpu = now(), time.process_time()
                html = executable.transform_to_string(source_file=str(path.resolve()))
                middle, middle_cpu = now(), time.process_time()
                doc = load_document(path)
                render_document(doc, href)
                ended, ended_cpu = now(), time.process_time()
            except Exception as error:  # noqa: BLE001 - a file one renderer refuses is a finding
                failed.append(f"{path.name}: {error}"[:300])
                continue
            times["stylesheets"].append(middle - started)
            times["edition"].append(ended - middle)
            # CPU time of the process (all its threads: Saxon's collector too), less moved by the
            # other work of a shared machine than wall time
            cpu["stylesheets"] += middle_cpu - started_cpu
            cpu["edition"] += ended_cpu - middle_cpu
            sizes["stylesheets"] += len(html or "")
            sizes["edition"] += len(doc.body_html)
        saxon_version = saxon.version
    done = len(times["edition"])
    result = {"documents": done, "failed": failed, "compile_s": round(compile_s, 3), "saxon": saxon_version,
              "stylesheets_version": stylesheets_version(Path(args.stylesheets))}
    for name, values in times.items():
        if values:
            ordered = sorted(values)
            result[f"{name}_ms"] = round(1000 * sum(values) / done, 2)
            result[f"{name}_median_ms"] = round(1000 * ordered[done // 2], 2)
            result[f"{name}_html_kb"] = round(sizes[name] / done / 1024, 1)
            result[f"{name}_cpu_ms"] = round(1000 * cpu[name] / done, 2)
    if done:
        result["ratio"] = round(result["stylesheets_ms"] / result["edition_ms"], 2)
    Path(args.result).write_text(json.dumps(result, indent=1))


def compare_renderers(args: argparse.Namespace, folder: Path) -> dict:
    """The page renderer against the TEI Stylesheets on the same TEI files of this size."""
    tei = next((f for f in (folder / "build" / "tei", folder / "stages" / "tei") if any(f.glob("*.xml"))), None)
    if tei is None:
        return {"error": "no TEI files: run the builds or the stages first"}
    files = render_sample(tei, args.render_sample)
    listing, result_file = folder / "render-files.json", folder / "render.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    result_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--render-worker", "--files", str(listing),
               "--stylesheets", str(args.html_xsl), "--result", str(result_file), "--code", str(args.code)]
    print(f"  page render against the TEI Stylesheets ({len(files)} documents) ...", flush=True)
    measured = run_measured(command, folder / "render.log", cwd=args.code)
    if not result_file.exists():
        error = (folder / "render.stderr").read_text(errors="replace")[-2000:]
        # the table says only "failed": the reason (a copy of the Stylesheets without its i18n.xml,
        # say) is said here, and kept in results.json
        print(f"    failed: {_error_summary(error)} (whole: {folder / 'render.stderr'})", flush=True)
        return {"error": error}
    result = json.loads(result_file.read_text())
    result["seconds"] = measured["seconds"]
    print(f"    edition {result.get('edition_ms')} ms, Stylesheets {result.get('stylesheets_ms')} ms a document "
          f"(ratio {result.get('ratio')}; {len(result['failed'])} failed)", flush=True)
    return result


def _error_summary(stderr: str) -> str:
    """The exception a worker's stderr ends with, and the line after it (Saxon's message runs on)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    at = next((i for i, line in enumerate(lines) if re.match(r"[\w.]+(?:Error|Exception)\b", line)), None)
    if at is None:
        return lines[-1][:300] if lines else "no output"
    return " ".join(lines[at:at + 2])[:300]


# --- one size --------------------------------------------------------------------------------


def ensure_corpus(folder: Path, count: int, seed: int) -> dict:
    corpus = folder / "corpus"
    stamp = folder / "corpus.json"
    if stamp.exists() and corpus.is_dir():
        info = json.loads(stamp.read_text())
        if (info.get("generator") == synth.GENERATOR_VERSION and info.get("seed") == seed
                and info.get("count") == count and len(list(corpus.iterdir())) == count):
            return info
    started = now()
    info = synth.generate(corpus, count, seed)
    info["generate_s"] = round(now() - started, 1)
    stamp.write_text(json.dumps(info, indent=1, ensure_ascii=False))
    return info


def run_size(count: int, args: argparse.Namespace) -> dict:
    folder = Path(args.out) / f"n{count}"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\n== N = {count:,} ==", flush=True)
    info = ensure_corpus(folder, count, args.seed)
    families = Counter(d.get("family", d["style"]) for d in info["documents"])
    quirks = Counter(q for d in info["documents"] for q in d["quirks"])
    print(f"  corpus: {count:,} sources, {info['bytes'] / 1e6:.1f} MB ({dict(families)}; quirks {dict(quirks)})",
          flush=True)
    previous = {}
    if (folder / "results.json").exists() and (args.skip_stages or args.skip_builds or args.skip_render):
        previous = json.loads((folder / "results.json").read_text())  # keep what this run does not measure
        if previous.get("generator") != synth.GENERATOR_VERSION:
            previous = {}  # measured on another corpus
    result = {**previous, "n": count, "jobs": args.jobs, "seed": args.seed, "commit": args.commit,
              "generator": synth.GENERATOR_VERSION,
              "date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine_info(),
              "yardsticks_before": yardsticks(Path(args.out)),
              "corpus": {"bytes": info["bytes"], "families": dict(families), "quirks": dict(quirks)}}
    settings = Path(args.settings).resolve()
    if not args.skip_stages:
        print("  stages (convert, validate, site) ...", flush=True)
        stages = run_stages(args.code, folder / "corpus", folder / "stages", args.jobs, settings, folder / "stages.log",
                            only=args.stages)
        result["stages"] = stages
        for error in stages.get("errors", []):
            print(f"  !! {error['stage']} crashed:\n{error['traceback']}", flush=True)
        print(f"    {json.dumps(rates(stages, count))}", flush=True)
    if not args.skip_builds:
        result["builds"] = run_builds(args.code, folder / "corpus", folder, args.jobs, settings, info["documents"],
                                      args.build_timeout, again=args.again)
    if not args.skip_render:
        result["render_compare"] = compare_renderers(args, folder)
    result["machine"]["loadavg_end"] = os.getloadavg()
    result["yardsticks_after"] = yardsticks(Path(args.out))
    print(f"  machine speed: Python loop / small file {yardstick_text(result['yardsticks_before'])} before, "
          f"{yardstick_text(result['yardsticks_after'])} after", flush=True)
    (folder / "results.json").write_text(json.dumps(result, indent=1, default=str))
    return result


def rates(stages: dict, count: int) -> dict:
    """Documents per second of each stage (None when not measured)."""
    def rate(documents, seconds):
        return round(documents / seconds, 1) if documents and seconds else None

    convert, validate, site = stages.get("convert", {}), stages.get("validate", {}), stages.get("site", {})
    return {"convert": rate(convert.get("documents"), convert.get("seconds")),
            "validate": rate(validate.get("documents"), validate.get("seconds")),
            "render": rate(site.get("documents"), site.get("render_seconds")),
            "index": rate(site.get("search_pages"), site.get("index_seconds")),
            "tei_all_load_s": stages.get("load", {}).get("tei_all_s")}


# --- profiles --------------------------------------------------------------------------------


def profile(args: argparse.Namespace, results: dict[int, dict]) -> None:
    count = args.profile_size
    folder = Path(args.out) / f"n{count}"
    ensure_corpus(folder, count, args.seed)
    stages = [*STAGES, "noop", "onedoc"] if args.profile == "all" else [s.strip() for s in args.profile.split(",")]
    if stages == ["slowest"]:
        measured = results.get(count) or json.loads((folder / "results.json").read_text())
        r = rates(measured["stages"], count)
        stages = [min((s for s in STAGES if r.get(s)), key=lambda s: r[s])]
    out = Path(args.out) / "profile"
    out.mkdir(parents=True, exist_ok=True)
    reuse = folder / "stages" / "tei"
    for stage in stages:
        target = out / f"{stage}-n{count}.prof"
        if stage in ("noop", "onedoc"):
            if not profile_rebuild(args, folder, stage, target):
                continue
            summarise_profile(target, out / f"{stage}-n{count}")
            continue
        print(f"\n== profile {stage} at N = {count:,} (--jobs {args.profile_jobs}) ==", flush=True)
        result = run_stages(args.code, folder / "corpus", out / f"work-{stage}", args.profile_jobs, Path(args.settings).resolve(),
                            out / f"{stage}-n{count}.log", profile_stage=stage, profile_out=target,
                            reuse_tei=reuse if reuse.is_dir() and stage != "convert" else None)
        for error in result.get("errors", []):
            print(f"  !! {error['stage']} crashed:\n{error['traceback']}", flush=True)
        if not target.exists():
            print("  no profile written", flush=True)
            continue
        summarise_profile(target, out / f"{stage}-n{count}")
        shutil.rmtree(out / f"work-{stage}", ignore_errors=True)


def summarise_profile(target: Path, stem: Path) -> None:
    text = io.StringIO()
    stats = pstats.Stats(str(target), stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    stem.with_suffix(".txt").write_text(text.getvalue())
    top = top_functions(target, 15) + "\n" + top_functions(target, 15, own=True)
    stem.with_suffix(".top.md").write_text(top)
    print(top, flush=True)


def profile_rebuild(args: argparse.Namespace, folder: Path, kind: str, target: Path) -> bool:
    """`python -m cProfile -m edition build` on the built edition of this size: no-op or one-doc.

    The main process only (with --jobs > 1 the work done in worker processes is not in the profile).
    """
    build = folder / "build"
    if not (build / "site").is_dir():
        print(f"  {build}: no built edition to rebuild; run this size first", flush=True)
        return False
    settings = Path(args.settings).resolve()
    command = build_command(folder / "corpus", build, settings, args.jobs)
    info = json.loads((folder / "corpus.json").read_text())
    print(f"\n== profile {kind} rebuild at N = {info['count']:,} (--jobs {args.jobs}, main process) ==", flush=True)
    # bring the edition in line with the corpus first (the last one-doc build left its change in it)
    run_measured(command, folder / "profile-sync.log", cwd=args.code)
    changed = one_doc_change(folder / "corpus", info["documents"], "The profiler added another sentence.") \
        if kind == "onedoc" else None
    try:
        profiled = [sys.executable, "-m", "cProfile", "-o", str(target), *command[1:]]
        measured = run_measured(profiled, folder / f"profile-{kind}.log", cwd=args.code)
    finally:
        if changed:
            changed[0].write_bytes(changed[1])
    print(f"  {measured['seconds']:.1f} s under the profiler, exit {measured['exit']}", flush=True)
    return target.exists()


def top_functions(path: Path, count: int, own: bool = False) -> str:
    """The functions with the most cumulative (or own) time, as a Markdown table."""
    stats = pstats.Stats(str(path))
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2 if own else 3], reverse=True)
    lines = [f"{'own' if own else 'cumulative'} time; total {total:.1f} s (profiled, one process)", "",
             "| # | function | file:line | calls | cumulative s | own s |", "|---|---|---|---|---|---|"]
    shown = 0
    for (filename, line, function), (cc, nc, tt, ct, callers) in rows:
        if filename == "~" and function.startswith("<built-in method builtins.exec"):
            continue
        if filename.endswith(("bench/run.py", "cProfile.py", "runpy.py", "edition/__main__.py", "edition/cli.py")) \
                or "/click/" in filename or filename in ("<string>", "<frozen runpy>"):
            continue  # wrappers: the benchmark, the profiler, the command line
        where = re.sub(r"^.*/code/(?=edition/)", "", filename)
        for prefix in (str(ROOT) + "/", sys.prefix + "/lib/", "/usr/lib/"):
            where = where.replace(prefix, "")
        lines.append(f"| {shown + 1} | `{function}` | {where}:{line} | {nc} | {ct:.2f} | {tt:.2f} |")
        shown += 1
        if shown == count:
            break
    return "\n".join(lines) + "\n"


# --- the report ------------------------------------------------------------------------------


def fmt(value, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def largest_process_mb(builds: dict) -> float | None:
    """The peak memory of the largest single process over the three builds (wait4's max RSS)."""
    return max((builds.get(k, {}).get("max_rss_mb") or 0) for k in ("full", "noop", "onedoc")) or None


def render_cell(compare: dict | None) -> str:
    if not compare or not compare.get("documents"):
        return "–" if not compare or not compare.get("error") else "failed"
    return (f"{compare['edition_ms']:.1f} vs {compare['stylesheets_ms']:.1f} ms "
            f"({compare['ratio']:.1f}x as fast)")


def target_table(results: list[dict]) -> str:
    """Issue 14's table: one column per size (100, 1,000, 10,000 and any other measured), the target."""
    by_size = {r["n"]: r for r in results}
    sizes = sorted(set(TABLE_SIZES) | set(by_size))
    rows = [
        ("full build (convert, validate, render, search)", lambda r: build_cell(r.get("builds", {}), "full", 1, " s"),
         f"< {TARGETS['full']:.0f} s"),
        ("no-op rebuild", lambda r: build_cell(r.get("builds", {}), "noop", 2, " s"), f"< {TARGETS['noop']} s"),
        ("one-document rebuild (the first after the full build; those after it)",
         lambda r: build_cell(r.get("builds", {}), "onedoc", 2, " s") + again_cell(r.get("builds", {})),
         f"< {TARGETS['onedoc']} s"),
        ("peak memory (largest process)", lambda r: fmt(largest_process_mb(r.get("builds", {})), 0, " MB"),
         f"< {TARGETS['peak_mb']:.0f} MB"),
        ("page render per document, against the TEI Stylesheets on the same files in one run",
         lambda r: render_cell(r.get("render_compare")), f">= {TARGETS['render_ratio']:.0f}x as fast"),
    ]
    lines = ["| | " + " | ".join(f"N = {n:,}" for n in sizes) + " | target (10,000 documents, 2 cores) |",
             "|---|" + "---:|" * (len(sizes) + 1)]
    for name, cell, target in rows:
        lines.append(f"| {name} | " + " | ".join(cell(by_size[n]) if n in by_size else "–" for n in sizes)
                     + f" | {target} |")
    lines.append("| machine speed before / after the size's runs (a Python loop; a small file written) | "
                 + " | ".join(f"{yardstick_text(by_size[n].get('yardsticks_before'))} / "
                              f"{yardstick_text(by_size[n].get('yardsticks_after'))}" if n in by_size else "–"
                              for n in sizes) + " | – |")
    compares = [r["render_compare"] for r in results if (r.get("render_compare") or {}).get("documents")]
    notes = ["", "Builds: `python -m edition build` as a subprocess, wall time; full = from empty tei/ and site/; "
             "no-op = again, nothing changed; one-document = after one paragraph of one source changed: the "
             "first rebuild after the full build, then (after the semicolon) the median and range of the rebuilds "
             "after it, each changing the same paragraph again. "
             "Peak memory: "
             "the high-water mark (max RSS, wait4) of the largest single process over the three builds. Page render: "
             "ms a document in one process, the edition's page renderer (`load_document` + `render_document`: "
             "parse, header, body, notes, turns) against Saxon with the TEI Stylesheets' html/html.xsl "
             "(`transform_to_string` from the file: parse and the whole HTML page), the same files one after the "
             "other; the ratio is Stylesheets / edition."]
    if compares:
        c = compares[-1]
        notes[-1] += f" TEI Stylesheets {c.get('stylesheets_version')}, {c.get('saxon')}."
    return "\n".join(lines + notes) + "\n"


def table(results: list[dict]) -> str:
    results = sorted(results, key=lambda r: r["n"])
    machine = results[-1]["machine"] if results else machine_info()
    lines = [
        "# Benchmark results", "",
        f"Machine: {machine['cores']} cores, {machine['cpu']}, {machine.get('memory', '')} RAM; Python "
        f"{machine['python']}; lxml {machine['versions'].get('lxml')} (libxml2 {machine['versions'].get('libxml2')}), "
        f"pagefind {machine['versions'].get('pagefind')}; {machine['platform']}.", "",
        "## Targets (issue 14)", "", target_table(results),
        "## Stages and builds", "",
        "| N | convert docs/s | validate docs/s | render docs/s | index docs/s | full build s | no-op rebuild s "
        "| one-doc rebuild s | peak MB (tree, summed PSS) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rate = rates(r.get("stages", {}), r["n"])
        b = r.get("builds", {})
        peak = max((b.get(k, {}).get("peak_pss_mb") or 0) for k in ("full", "noop", "onedoc")) or None
        lines.append(f"| {r['n']:,} | {fmt(rate['convert'])} | {fmt(rate['validate'])} | {fmt(rate['render'])} | "
                     f"{fmt(rate['index'])} | {build_cell(b, 'full', 1)} | {build_cell(b, 'noop', 2)} | "
                     f"{build_cell(b, 'onedoc', 2)} | {fmt(peak, 0)} |")
    extrapolated = extrapolate(results)
    if extrapolated:
        lines.append(extrapolated)
    lines += ["", "docs/s: documents per second of wall time, each stage called on its own through the public "
              "functions (convert_corpus, validate_paths without cache and with tei_all already loaded, build_site "
              "less build_index; index = build_index). Peak MB (tree): the largest summed PSS of the build process "
              "and its children (sampled every 0.1 s or more, the sampler keeping to ~10% of a core) over the "
              "three builds.", ""]
    lines += ["## Details", "",
              "| N | jobs | corpus MB | TEI KB/doc | tei_all load s | full: startup / convert / validate / site s "
              "| one-doc: convert / validate / site s | no-op: convert / validate / site s | invalid docs "
              "| largest process MB: max RSS / PSS sampled | render: documents, median ms edition / Stylesheets, "
              "HTML KB | build exit codes | commit | date |",
              "|---:|---:|---:|---:|---:|---|---|---|---:|---:|---|---|---|---|"]
    for r in results:
        s, b = r.get("stages", {}), r.get("builds", {})

        def split(name: str, keys=("convert", "validate", "site")) -> str:
            parts = b.get(name, {}).get("split", {})
            return " / ".join(fmt(parts.get(k), 1) for k in keys)

        tei_kb = (s.get("tei_bytes") or 0) / max(1, s.get("tei_files") or 1) / 1024
        largest_pss = max((b.get(k, {}).get("largest_pss_mb") or 0) for k in ("full", "noop", "onedoc")) or None
        exits = "/".join(str(b.get(k, {}).get("exit", "–")) for k in ("full", "noop", "onedoc"))
        c = r.get("render_compare") or {}
        render = (f"{c['documents']}, {c['edition_median_ms']:.1f} / {c['stylesheets_median_ms']:.1f}, "
                  f"{c['edition_html_kb']:.0f} / {c['stylesheets_html_kb']:.0f}" if c.get("documents") else "–")
        lines.append(f"| {r['n']:,} | {r['jobs']} | {r['corpus']['bytes'] / 1e6:.1f} | {tei_kb:.0f} | "
                     f"{fmt(s.get('load', {}).get('tei_all_s'))} | "
                     f"{split('full', ('startup', 'convert', 'validate', 'site'))} | {split('onedoc')} | "
                     f"{split('noop')} | {s.get('validate', {}).get('invalid_edition_schema', '–')} | "
                     f"{fmt(largest_process_mb(b), 0)} / {fmt(largest_pss, 0)} | {render} | {exits} | "
                     f"{r['commit']} | {r['date']} |")
    lines += ["", "Build exit code 1 means that some documents were not published (invalid or not converted); "
              "the stage split is read from the times at which `edition build` printed its stage lines.", ""]
    return "\n".join(lines)


def again_cell(builds: dict) -> str:
    """The warm one-document rebuilds: "; median s (lowest-highest, of n)", or the one of an
    older run (onedoc_warm alone), or nothing."""
    again = builds.get("onedoc_again")
    if again and len(again["seconds"]) > 1:
        low, high = min(again["seconds"]), max(again["seconds"])
        return (f"; {fmt(again['median'], 2, ' s')} ({fmt(low, 2)}-{fmt(high, 2)} s, "
                f"median of {len(again['seconds'])})")
    if "onedoc_warm" in builds:
        return f"; {build_cell(builds, 'onedoc_warm', 2, ' s')}"
    return ""


def build_cell(builds: dict, name: str, digits: int, suffix: str = "") -> str:
    build = builds.get(name, {})
    if build.get("timed_out"):
        reached = [key for key in ("convert", "validate", "site") if key in build.get("split", {})]
        return f"> {build['seconds']:.0f}{suffix} (stopped; done: {', '.join(reached) or 'nothing'})"
    return fmt(build.get("seconds"), digits, suffix)


def extrapolate(results: list[dict]) -> str | None:
    """A row for 10,000 documents from the two largest sizes measured, when 10,000 was not."""
    def finished(r: dict) -> bool:
        full = r.get("builds", {}).get("full")
        return bool(full) and not full.get("timed_out")

    if any(r["n"] >= 10000 and finished(r) for r in results):
        return None
    measured = [r for r in results if finished(r) and r["n"] < 10000]
    if len(measured) < 2 or measured[-1]["n"] < 1000:
        return None  # from small sizes, start-up dominates: a line through them says nothing of 10,000
    a, b = measured[-2], measured[-1]
    n = 10000

    def line(key: str):
        ya, yb = a["builds"].get(key, {}).get("seconds"), b["builds"].get(key, {}).get("seconds")
        if ya is None or yb is None:
            return None
        return ya + (yb - ya) * (n - a["n"]) / (b["n"] - a["n"])

    peaks = [max((r["builds"].get(k, {}).get("peak_pss_mb") or 0) for k in ("full", "noop", "onedoc"))
             for r in (a, b)]
    peak = peaks[0] + (peaks[1] - peaks[0]) * (n - a["n"]) / (b["n"] - a["n"])
    return (f"| ~10,000 (extrapolated, linear from {a['n']:,} and {b['n']:,}) | | | | | ~{fmt(line('full'))} | "
            f"~{fmt(line('noop'), 2)} | ~{fmt(line('onedoc'), 2)} | ~{fmt(peak, 0)} |")


def collect(out: Path) -> list[dict]:
    """The results of every size measured on the present generator's corpus."""
    results = []
    for path in sorted(out.glob("n*/results.json")):
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if result.get("generator") == synth.GENERATOR_VERSION:
            results.append(result)
    return results


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000", help="corpus sizes (default: 100,1000,10000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--seed", type=int, default=1958)
    parser.add_argument("--out", default=str(BENCH / "out"))
    parser.add_argument("--settings", default=str(ROOT / "edition.toml"))
    parser.add_argument("--skip-stages", action="store_true", help="only the builds through the CLI")
    parser.add_argument("--skip-builds", action="store_true", help="only the stage functions")
    parser.add_argument("--stages", default="convert,validate,site",
                        help="stage functions to time, in order (default: convert,validate,site)")
    parser.add_argument("--skip-render", action="store_true",
                        help="no side-by-side of the page renderer and the TEI Stylesheets")
    parser.add_argument("--stylesheets", default=os.environ.get("TEI_STYLESHEETS"), metavar="DIR",
                        help="a local copy of the TEI Stylesheets (default: $TEI_STYLESHEETS, else "
                             "bench/out/stylesheets/, fetched from the latest release the first time)")
    parser.add_argument("--render-sample", type=int, default=300,
                        help="TEI files of each size rendered both ways (default 300; all when fewer)")
    parser.add_argument("--setup", action="store_true", help="fetch the TEI Stylesheets if needed, and stop")
    parser.add_argument("--again", type=int, default=5, metavar="N",
                        help="warm one-document rebuilds after the first (default 5; the table gives their median)")
    parser.add_argument("--build-timeout", type=float, default=None,
                        help="stop a build after this many seconds (and report how far it got)")
    parser.add_argument("--profile", default=None,
                        help="profile with cProfile: all, slowest, or a list of convert,validate,render,index "
                             "(stage functions, --profile-jobs workers) and noop,onedoc (`edition build` rebuilds)")
    parser.add_argument("--profile-size", type=int, default=1000)
    parser.add_argument("--profile-jobs", type=int, default=1,
                        help="workers while profiling (default 1: all the work in the profiled process)")
    parser.add_argument("--profile-only", action="store_true", help="profile without measuring the sizes first")
    # the stage worker (internal)
    parser.add_argument("--stage-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--profile-stage", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--reuse-tei", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--only", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--code", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--render-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--live", action="store_true",
                        help="run the working tree's code itself, not a snapshot taken at the start of the run "
                             "(edits made during the run then change what is measured)")
    args = parser.parse_args()
    if args.stage_worker:
        stage_worker(args)
        return
    if args.render_worker:
        render_worker(args)
        return

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.skip_render or args.setup:
        args.html_xsl = stylesheets(args.stylesheets, out)
        print(f"TEI Stylesheets {stylesheets_version(args.html_xsl)}: {args.html_xsl}", flush=True)
        if args.setup:
            return
    args.commit = git_state()
    if args.live:
        args.code = ROOT
    elif args.profile_only and (out / "code" / "edition").is_dir():
        args.code = out / "code"  # profile the code the last run measured
    else:
        args.code = snapshot_code(out)
    sizes = [int(size.replace("_", "")) for size in re.split(r"[,\s]+", args.sizes) if size.strip()]
    info = machine_info()
    print(f"machine: {info['cores']} cores, {info['cpu']}, {info['memory']}, Python {info['python']}, "
          f"load average {', '.join(f'{x:.2f}' for x in info['loadavg'])}; commit {args.commit}; code {args.code}",
          flush=True)
    results: dict[int, dict] = {}
    try:
        if not args.profile_only:
            for count in sizes:
                results[count] = run_size(count, args)
                report = table(collect(out))
                (out / "results.md").write_text(report)
            print("\n" + table(collect(out)), flush=True)
        if args.profile:
            profile(args, results)
    finally:
        empty_trash(out)  # the earlier runs' output, set aside (set_aside): deleted once nothing is timed


if __name__ == "__main__":
    main()
