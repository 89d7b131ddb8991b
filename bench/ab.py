"""Two commits' one-document rebuilds, compared on one edition in the same minutes (figures only).

    python3 bench/ab.py 7de7db9 HEAD                   # the 10,000-document edition, 4 rounds
    python3 bench/ab.py HEAD~1 HEAD --size 1000 --rounds 6

A shared machine's speed varies two- to tenfold through a day, so two runs of `bench/run.py`
an hour apart compare the hours, not the code. This takes the edition `bench/run.py` built for
the size (bench/out/n<size>/build, its corpus beside it) and rebuilds it after one paragraph of
one source changed, with the code of each commit by turns: two rebuilds with A, two with B,
then B before A in the next round, and so on; each rebuild adds a sentence of its own, so that
none finds its TEI file checked already. It prints each commit's median and every time.

Each commit's `edition/` is taken with `git archive` into bench/out/ab/<commit>/ and compiled,
with the site's code fingerprint (the digest of all the code, part of every page's cache key)
held to one value for both: otherwise every switch of commit would render all documents again.
Files with digests of their own still count (the converter's modules, site/dts.py, validate.py,
schematron.py): a commit that changes them has those parts redone on each switch, and a
rebuild far longer than the others says so. The first rebuild renders everything once under
the held fingerprint (minutes at 10,000); `bench/run.py` builds from nothing, so the edition
needs nothing back afterwards.
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  (bench/run.py: the edition's corpus, the change of one paragraph)

# the call in edition/site/cache.py whose value is every page's code fingerprint
CODE_DIGEST_CALL = "_tree_digest(CODE)"
HELD_DIGEST = '"bench-ab-held-code-digest"'


def snapshot(commit: str, out: Path) -> Path:
    """`commit`'s edition/ in out/<commit's short id>/, compiled, its code fingerprint held."""
    short = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.strip()
    folder = out / short
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", short, "edition"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(folder, filter="data")
        except TypeError:  # a Python 3.11 before 3.11.4 has no extraction filters; our own archive
            tar.extractall(folder)
    hold_code_digest(folder / "edition" / "site" / "cache.py")
    compileall.compile_dir(folder / "edition", quiet=1)
    return folder


def hold_code_digest(cache_py: Path) -> None:
    """The site's code fingerprint one value in every snapshot; an error when the code has no
    such call (the fingerprint made another way: the comparison would render everything)."""
    text = cache_py.read_text("utf-8")
    if text.count(CODE_DIGEST_CALL) != 1:
        raise SystemExit(f"{cache_py}: `{CODE_DIGEST_CALL}` found {text.count(CODE_DIGEST_CALL)} times, not once: "
                         "this tool cannot hold that commit's code fingerprint")
    cache_py.write_text(text.replace(CODE_DIGEST_CALL, HELD_DIGEST), "utf-8")


def rebuild(code: Path, command: list[str], corpus: Path, documents: list, published: set[str], turn: int) -> float:
    """One rebuild with `code` after a paragraph of one source changed (put back after)."""
    path, old = run.one_doc_change(corpus, documents, sentence=f"The comparison added sentence {turn} here.",
                                   published=published)
    try:
        started = time.perf_counter()
        done = subprocess.run(command, cwd=code, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    finally:
        path.write_bytes(old)
    if done.returncode not in (0, 1):  # 1: some documents not published, the build itself finished
        raise SystemExit(f"the build with {code.name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--size", type=int, default=10_000, help="the edition of bench/run.py's size (default 10000)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds of two rebuilds with each commit (default 4)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args()
    out = Path(args.out)
    folder = out / f"n{args.size}"
    build = folder / "build"
    if not (build / "site" / "index.html").is_file():
        raise SystemExit(f"{build}: no built edition; run `python3 bench/run.py --sizes {args.size}` first")
    corpus = folder / "corpus"
    documents = json.loads((folder / "corpus.json").read_text())["documents"]
    published = {page.stem for page in (build / "site" / "documents").glob("*.html")}
    command = run.build_command(corpus, build, ROOT / "edition.toml", args.jobs)
    codes = [snapshot(args.a, out / "ab"), snapshot(args.b, out / "ab")]
    print(f"{args.size:,} documents; {codes[0].name} against {codes[1].name}; the first rebuild renders "
          "everything under the held fingerprint ...", flush=True)
    turn = time.time_ns() % 1_000_000
    print(f"  first rebuild: {rebuild(codes[0], command, corpus, documents, published, turn):.1f} s", flush=True)
    times: dict[str, list[float]] = {code.name: [] for code in codes}
    for round_ in range(args.rounds):
        for code in codes if round_ % 2 == 0 else codes[::-1]:
            for _ in range(2):
                turn += 1
                times[code.name].append(rebuild(code, command, corpus, documents, published, turn))
    everything = [t for values in times.values() for t in values]
    for name, values in times.items():
        print(f"  {name}: median {statistics.median(values):.3f} s  ({' '.join(f'{t:.2f}' for t in values)})")
    if max(everything) > 3 * statistics.median(everything):
        print("  a rebuild far longer than the others: a file with a digest of its own differs between the "
              "commits, and its part was redone")


if __name__ == "__main__":
    main()
