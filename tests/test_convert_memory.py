"""The converter holds the documents it has read packed (edition.convert.Packed) until it writes
them, and opens them one at a time: 10,000 documents held as objects made the build's largest
process (770 MB). Only documents that may translate one another are open together."""

from __future__ import annotations

import gc
import shutil
import sys
from pathlib import Path

import edition.convert as convert_module
from edition.model import Document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402


def _open_documents() -> int:
    return sum(isinstance(obj, Document) for obj in gc.get_objects())


def test_documents_are_written_one_at_a_time_and_translations_together(tmp_path: Path, monkeypatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)  # the sample: two translations of one conversation, and one more
    pools, persons = synth.load_pools(ROOT / "corpus"), synth.person_pool(1958)
    for index in range(12):  # records of other families, dates and archives
        name, data, _ = synth.document(index, 1958, pools, persons)
        (corpus / name).write_bytes(data)
    sources = len(list(corpus.iterdir()))

    seen = []
    real_made = convert_module._made

    def counting_made(document, *args, **kwargs):
        gc.collect()
        seen.append((document.id, bool(document.translations), _open_documents()))
        return real_made(document, *args, **kwargs)

    monkeypatch.setattr(convert_module, "_made", counting_made)
    report = convert_module.convert_corpus(corpus, tmp_path / "tei", jobs=1, progress=False)
    assert len(seen) == sources and not report.failed
    related = [doc_id for doc_id, has_translations, _ in seen if has_translations]
    assert len(related) == 2, "the sample's two translations were not related: nothing was tested"
    # at most the two translations and the document being written are open at once
    assert max(count for _, _, count in seen) <= 3, seen


def test_a_packed_document_opens_as_it_was_read(tmp_path: Path) -> None:
    source = next((ROOT / "corpus").glob("*.txt"))
    name, packed, problems = convert_module._read((str(source), source.name))
    assert isinstance(packed, convert_module.Packed) and len(packed.data) < source.stat().st_size
    document = packed.opened()
    assert (document.id, document.metadata.date_when, document.source_sha256) == (
        packed.id, packed.date_when, packed.source_sha256)
    assert convert_module.relation_key(document) == packed.relation_key


def _process_id(_item) -> int:
    import os

    return os.getpid()


def test_a_large_editions_few_changed_records_are_read_and_checked_in_a_worker() -> None:
    """What reading and checking a record load (the word lists, the Schematron processor) stays
    out of the build's own process once the edition is large, however few records changed; a
    small edition's few records are still read in process (a worker would cost more)."""
    import os

    from edition.executor import map_work

    assert set(map_work(_process_id, [1], jobs=2, apart=True)) != {os.getpid()}
    assert set(map_work(_process_id, [1], jobs=2)) == {os.getpid()}
    assert list(map_work(_process_id, [], jobs=2, apart=True)) == []


def test_convert_and_validate_ask_for_a_worker_from_a_large_edition(tmp_path: Path, monkeypatch) -> None:
    import edition.executor as executor_module
    import edition.validate as validate_module

    asked = []
    real = executor_module.map_work

    def recording(function, items, **options):
        name = getattr(getattr(function, "func", function), "__name__", "")
        asked.append((name, len(items), options.get("apart", False)))
        return real(function, items, **{**options, "apart": False})  # in process here: the test's corpus is small

    monkeypatch.setattr(convert_module, "map_work", recording)
    monkeypatch.setattr(validate_module, "map_work", recording)
    monkeypatch.setattr(convert_module, "LARGE_EDITION", 2)
    monkeypatch.setattr(validate_module, "LARGE_EDITION", 2)
    report = convert_module.convert_corpus(ROOT / "corpus", tmp_path / "tei", jobs=1, progress=False)
    assert not report.failed
    validate_module.validate_paths(sorted((tmp_path / "tei").glob("*.xml")), tei_all=False, jobs=1, progress=False)
    # reading and checking ask for a worker; a few documents' TEI is written here (the side
    # worker is loading the schemas by then), many by workers
    assert {name for name, _, _ in asked} >= {"_read", "_made_alone", "_validate_in_worker"}
    for name, count, apart in asked:
        assert apart == (name != "_made_alone" or count >= convert_module.READ_IN_PROCESS_BELOW), (name, count)


def _worker_state(_item) -> tuple[int, bool]:
    import os
    import sys

    return os.getpid(), "wordfreq" in sys.modules


def test_a_side_worker_prepared_at_the_start_reads_and_checks_the_few_changed_records() -> None:
    """The side worker of a rebuild: one process, started when the build begins, that has
    loaded what reading needs before the first record comes, and serves every small batch
    that must run apart (convert's and validate's) while it is open; a larger batch still
    gets a pool of its own, and once it is closed a small batch gets a new worker."""
    import os

    from edition.executor import map_work, side_worker

    with side_worker(("edition.workers:prepare_reading",)):
        first = set(map_work(_worker_state, [1], jobs=2, apart=True, in_process_below=8))
        second = set(map_work(_worker_state, [1, 2, 3], jobs=2, apart=True, in_process_below=8))
        pooled = {pid for pid, _ in map_work(_worker_state, list(range(8)), jobs=2, apart=True, in_process_below=8)}
    [(side, prepared)] = first
    assert side != os.getpid() and prepared
    assert second == first  # the same process, not a new one
    assert side not in pooled
    [(after, _)] = set(map_work(_worker_state, [1], jobs=2, apart=True, in_process_below=8))
    assert after not in (side, os.getpid())


def test_the_side_worker_is_started_only_for_a_rebuild_of_a_large_edition(tmp_path: Path) -> None:
    from edition.build import _a_rebuild_of_a_large_edition, _first_tei_file
    from edition.executor import LARGE_EDITION

    def inputs(records: int, built: bool) -> dict:
        listing = [[f"r{i:05}.txt", 10, 1] for i in range(records)] + [["notes", "dir"]]
        return {"options": {"site built": built},
                "folders": {"corpus": ["/c", listing], "tei": ["/t", [["a.xml", 5, 1], [".manifest.json", 2, 1]]]}}

    assert _a_rebuild_of_a_large_edition(inputs(LARGE_EDITION, True), False, None)
    assert _a_rebuild_of_a_large_edition(inputs(LARGE_EDITION, True), False, "process")
    assert not _a_rebuild_of_a_large_edition(inputs(LARGE_EDITION - 1, True), False, None)
    assert not _a_rebuild_of_a_large_edition(inputs(LARGE_EDITION, False), False, None)  # a first build: pools
    assert not _a_rebuild_of_a_large_edition(inputs(LARGE_EDITION, True), True, None)  # --force: everything again
    assert not _a_rebuild_of_a_large_edition(inputs(LARGE_EDITION, True), False, "serial")
    assert _first_tei_file(inputs(3, True), tmp_path) == str(tmp_path / "a.xml")


def _corpus_of_records(folder: Path, count: int) -> Path:
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)  # two translations of one conversation, and one more
    pools, persons = synth.load_pools(ROOT / "corpus"), synth.person_pool(1958)
    for index in range(count):
        name, data, _ = synth.document(index, 1958, pools, persons)
        (corpus / name).write_bytes(data)
    return corpus


def test_the_documents_with_no_translation_are_made_into_tei_by_the_workers(tmp_path: Path, monkeypatch) -> None:
    """The TEI writer runs in the workers for every document with no translation (in the
    build's own process it left a core idle for 22 s at 10,000 documents); translations, made
    together with their alignment, stay in the build's process. The files are the same, byte
    for byte, as a conversion in one process."""
    import os

    corpus = _corpus_of_records(tmp_path, 12)
    makers = tmp_path / "makers"
    makers.mkdir()
    real_made = convert_module._made

    def recording_made(document, *args, **kwargs):
        (makers / document.id).write_text(str(os.getpid()))
        return real_made(document, *args, **kwargs)

    monkeypatch.setattr(convert_module, "_made", recording_made)  # the workers are forked with it
    report = convert_module.convert_corpus(corpus, tmp_path / "tei", jobs=2, progress=False)
    assert not report.failed
    made_by = {path.name: int(path.read_text()) for path in makers.iterdir()}
    translations = {"1958-07-31_khrushchev-mao_first-conversation_wolff",
                    "1958-07-31_khrushchev-mao_first-conversation_zubok"}
    assert len(made_by) == len(list(corpus.iterdir()))
    assert {made_by[doc_id] for doc_id in translations} == {os.getpid()}
    alone = {pid for doc_id, pid in made_by.items() if doc_id not in translations}
    assert alone and os.getpid() not in alone, "a document with no translation was made in the build's process"

    monkeypatch.setattr(convert_module, "_made", real_made)
    serial = convert_module.convert_corpus(corpus, tmp_path / "serial", jobs=1, executor="serial", progress=False)
    assert not serial.failed
    tei = lambda folder: {p.name: p.read_bytes() for p in sorted(folder.glob("*.xml"))}  # noqa: E731
    normalised = {name: data.replace(b"/serial/", b"/tei/") for name, data in tei(tmp_path / "serial").items()}
    assert tei(tmp_path / "tei").keys() == normalised.keys()
    for name, data in tei(tmp_path / "tei").items():
        assert _without_seal(data) == _without_seal(normalised[name]), name


def _without_seal(data: bytes) -> bytes:
    import re

    return re.sub(rb"this file as written: sha256 [0-9a-f]{64}", b"", data)


def test_a_worker_that_does_not_see_the_tei_folder_still_keeps_the_ids_of_the_file_replaced(
        tmp_path: Path, monkeypatch) -> None:
    """A changed record keeps the xml:ids its TEI file had (citations of its passages hold): the
    worker reads the file it replaces. One that cannot (a Dask worker without the TEI folder)
    makes the TEI without them, and the build's process makes it again with them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = next(p for p in sorted((ROOT / "corpus").glob("*.txt")) if "albanian" in p.name)
    (corpus / source.name).write_bytes(source.read_bytes())
    convert_module.convert_corpus(corpus, tmp_path / "tei", jobs=1, progress=False)
    text = (corpus / source.name).read_text("utf-8")
    first_turn = text.index("\n\n", text.index("Mao Zedong:") - 200) if "Mao Zedong:" in text else 0
    changed = text[:first_turn] + "\n\nAn editor's added paragraph, before the first turn.\n" + text[first_turn:]
    (corpus / source.name).write_text(changed, "utf-8")

    def convert_again(folder: Path) -> bytes:
        shutil.copytree(tmp_path / "tei", folder)
        convert_module.convert_corpus(corpus, folder, jobs=1, progress=False)
        return _without_seal((folder / f"{source.stem}.xml").read_bytes().replace(folder.name.encode(), b"tei"))

    seeing = convert_again(tmp_path / "seeing")
    real_made_alone = convert_module._made_alone
    monkeypatch.setattr(convert_module, "_made_alone",
                        lambda job: real_made_alone((job[0], str(tmp_path / "nowhere.xml"), *job[2:])))
    blind = convert_again(tmp_path / "blind")
    fresh = tmp_path / "fresh"
    convert_module.convert_corpus(corpus, fresh, jobs=1, progress=False)
    assert blind == seeing
    assert seeing != _without_seal((fresh / f"{source.stem}.xml").read_bytes().replace(b"fresh", b"tei")), \
        "the ids carried forward made no difference: nothing was tested"



_PREPARED: list[int] = []


def mark_prepared() -> None:
    _PREPARED.append(1)


def _prepared(_item) -> tuple[int, bool]:
    import os

    return os.getpid(), bool(_PREPARED)


def test_a_side_workers_later_preparations_wait_for_its_first_batch() -> None:
    """The preparations for checking run after the first batch (the changed record is read
    first, not behind the schemas' loading), and before the next one."""
    from edition.executor import map_work, side_worker

    _PREPARED.clear()
    with side_worker(later=[(f"{__name__}:mark_prepared",)]):
        [(side, prepared_first)] = set(map_work(_prepared, [1], jobs=2, apart=True, in_process_below=8))
        [(again, prepared_then)] = set(map_work(_prepared, [1], jobs=2, apart=True, in_process_below=8))
    assert again == side
    assert not prepared_first and prepared_then


def test_writing_a_read_records_tei_in_the_builds_process_loads_no_reader(tmp_path: Path) -> None:
    """A rebuild writes the TEI of a few changed records in its own process: that must not load
    the readers (or their word lists), which only the side worker holds."""
    import pickle
    import subprocess
    import sys

    source = sorted((ROOT / "corpus").glob("*.txt"))[0]
    _, packed, _ = convert_module._read((str(source), source.name))
    (tmp_path / "packed.pickle").write_bytes(pickle.dumps(packed))
    code = ("import pickle, sys, edition.convert as c; "
            f"packed = pickle.loads(open({str(tmp_path / 'packed.pickle')!r}, 'rb').read()); "
            f"made = c._made_alone((packed, {str(tmp_path / 'none.xml')!r}, 'edition', '2026-01-01')); "
            "print(len(made.data) > 1000, sorted(m for m in sys.modules if m.startswith('edition.readers.') "
            "or m in ('wordfreq', 'ftfy', 'markdown_it')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "[]"]
