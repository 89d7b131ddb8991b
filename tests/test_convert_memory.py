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
    real_write = convert_module._write

    def counting_write(document, *args, **kwargs):
        gc.collect()
        seen.append((document.id, bool(document.translations), _open_documents()))
        return real_write(document, *args, **kwargs)

    monkeypatch.setattr(convert_module, "_write", counting_write)
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
