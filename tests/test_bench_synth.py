"""The benchmark's synthetic corpus (bench/synth.py, bench/families.py): every family converts
with the turns, notes and date its plan gives, and document i does not depend on N."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from edition.model import Turn
from edition.project import open_project
from edition.readers import read_source

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

SEED = 1958
FIRST = 30  # the first documents of every corpus, and at least one of each family


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> list[tuple[Path, dict]]:
    pools = synth.load_pools(ROOT / "corpus")
    persons = synth.person_pool(SEED)
    indices = list(range(FIRST))
    missing = set(synth.FAMILIES) - {synth.plan(i, SEED, persons).family for i in indices}
    index = FIRST
    while missing:
        family = synth.plan(index, SEED, persons).family
        if family in missing:
            indices.append(index)
            missing.discard(family)
        index += 1
    folder = tmp_path_factory.mktemp("synth")
    made = []
    for i in indices:
        name, data, meta = synth.document(i, SEED, pools, persons)
        (folder / name).write_bytes(data)
        made.append((folder / name, meta))
    return made


def test_every_family_converts_with_the_planned_turns_notes_and_date(sample):
    options = open_project(ROOT).registers.reader_options()
    wrong = []
    for path, meta in sample:
        doc = read_source(path, path.name, **options)
        found = (sum(isinstance(block, Turn) for block in doc.body), len(doc.notes), doc.metadata.date_when)
        planned = (meta["turns"], meta["notes"], meta["date"])
        if found != planned:
            wrong.append(f"{path.name} ({meta['family']}, {meta['styles']}): found {found}, planned {planned}")
    assert not wrong, "\n".join(wrong)
    assert {meta["family"] for _, meta in sample} == set(synth.FAMILIES)


def test_families_differ_in_label_and_note_styles(sample):
    labels = {meta["styles"]["labels"] for _, meta in sample}
    assert {"honorific", "caps", "bold", "none"} <= labels
    assert len(labels) >= 6
    assert len({meta["styles"]["notes"] for _, meta in sample}) >= 5


def test_document_i_is_the_same_whatever_n(tmp_path):
    small = synth.generate(tmp_path / "small", 12, SEED)
    large = synth.generate(tmp_path / "large", 20, SEED)
    assert small["documents"] == large["documents"][:12]
    for meta in small["documents"]:
        assert (tmp_path / "small" / meta["file"]).read_bytes() == (tmp_path / "large" / meta["file"]).read_bytes()
    assert small["generator"] == synth.GENERATOR_VERSION


def test_lengths_are_those_of_real_records():
    """Most records have 5-80 turns; the corpus is not made of 200-turn giants or one-liners."""
    import families

    counts = [families.turn_count(synth.random.Random(f"lengths:{i}")) for i in range(2000)]
    within = sum(5 <= n <= 80 for n in counts) / len(counts)
    assert 0.8 <= within <= 0.9
    assert max(counts) <= 220 and min(counts) >= 1


def test_the_benchmark_measures_the_machines_speed_and_leaves_nothing_behind(tmp_path: Path) -> None:
    import run

    sticks = run.yardsticks(tmp_path)
    assert sticks["python_loop_ms"] > 0 and sticks["small_file_us"] > 0
    assert list(tmp_path.iterdir()) == []
    text = run.target_table([{"n": 100, "yardsticks_before": sticks, "yardsticks_after": sticks}])
    assert f"{sticks['python_loop_ms']:.0f} ms / {sticks['small_file_us']:.0f} µs" in text


def test_the_benchmark_says_why_the_render_comparison_failed() -> None:
    """The table says only "failed": the console line names the exception and Saxon's message."""
    import run  # bench/run.py

    stderr = ("Traceback (most recent call last):\n  File \"bench/run.py\", line 674, in render_worker\n"
              "saxonc.PySaxonApiError: Error at char 10 in expression in xsl:variable/@select on line 594:\n"
              "  FODC0002  I/O error reported by XML parser processing file:/tmp/stylesheets/i18n.xml.\n"
              "  Found while atomizing the result of a call to tei:i18n#1\n")
    summary = run._error_summary(stderr)
    assert summary.startswith("saxonc.PySaxonApiError: Error at char 10") and "i18n.xml" in summary
    assert "Found while" not in summary
    assert run._error_summary("") == "no output"
    assert run._error_summary("Killed\n") == "Killed"


def test_the_comparison_of_two_commits_holds_their_code_fingerprint(tmp_path: Path) -> None:
    """bench/ab.py replaces the one call that makes the site's code fingerprint: in a copy of
    today's edition/site/cache.py the fingerprint no longer reads the code; code made another
    way is refused, not compared by rendering everything."""
    import ab  # bench/ab.py

    cache_py = tmp_path / "cache.py"
    cache_py.write_text((ROOT / "edition" / "site" / "cache.py").read_text("utf-8"), "utf-8")
    ab.hold_code_digest(cache_py)
    held = cache_py.read_text("utf-8")
    assert ab.CODE_DIGEST_CALL not in held and held.count(ab.HELD_DIGEST) == 1
    with pytest.raises(SystemExit, match="not once"):
        ab.hold_code_digest(cache_py)
