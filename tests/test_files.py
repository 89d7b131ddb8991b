"""Atomic writes (edition/files.py): a file is the old one or the new one, whole, and a write
that fails leaves neither a half-written file nor a temporary one behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edition.files import write_atomic, write_json_atomic, write_plain


def test_json_written_as_it_is_encoded_reads_back_as_json_dumps_would_write_it(tmp_path: Path) -> None:
    value = {"keys": {f"dts/navigation/doc-{i};down=1.json": f"{i:064x}" for i in range(2000)},
             "warnings": [["tei/1949-12-16_stalin-mao.xml", 3, "Сталин and 毛泽东: names kept as printed", "warning"]]}
    target = tmp_path / "state.json"
    write_json_atomic(target, value, durable=False, ensure_ascii=False, sort_keys=True)
    assert target.read_bytes() == json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_a_json_write_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "journal.json"
    write_atomic(target, b'{"old": true}')
    with pytest.raises(TypeError):
        write_json_atomic(target, {"steps": [object()]})  # cannot be encoded, half-way through
    assert target.read_bytes() == b'{"old": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.json"]


def test_a_tree_is_installed_with_the_unchanged_files_linked_from_its_live_copy(tmp_path: Path) -> None:
    from edition.files import install_tree

    made, live, target = tmp_path / "made", tmp_path / "live", tmp_path / "target"
    for root, files in ((made, {"a.pf": b"same", "sub/b.pf": b"new", "sub/c.pf": b"only here"}),
                        (live, {"a.pf": b"same", "sub/b.pf": b"old", "gone.pf": b"x"})):
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
    assert install_tree(made, target, alike=live) == 3
    assert {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()} == \
        {"a.pf": b"same", "sub/b.pf": b"new", "sub/c.pf": b"only here"}
    assert (target / "a.pf").stat().st_ino == (live / "a.pf").stat().st_ino
    assert (target / "sub/b.pf").stat().st_ino != (live / "sub/b.pf").stat().st_ino
    assert (live / "sub/b.pf").read_bytes() == b"old"


def test_a_plain_write_makes_the_file_with_the_modes_open_gives_and_replaces_what_was_there(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o027)
    try:
        write_plain(str(tmp_path / "new.json"), b'{"a": 1}')
        with open(tmp_path / "by-open.json", "wb") as stream:
            stream.write(b"x")
    finally:
        os.umask(mask)
    assert (tmp_path / "new.json").read_bytes() == b'{"a": 1}'
    assert (tmp_path / "new.json").stat().st_mode == (tmp_path / "by-open.json").stat().st_mode
    big = bytes(range(256)) * 40_000  # 10 MB: more than one write() may take at once
    write_plain(str(tmp_path / "new.json"), big)
    assert (tmp_path / "new.json").read_bytes() == big
    write_plain(str(tmp_path / "new.json"), b"short")  # a longer file before: nothing of it is left
    assert (tmp_path / "new.json").read_bytes() == b"short"
    with pytest.raises(FileNotFoundError):
        write_plain(str(tmp_path / "no-such-folder" / "x.json"), b"x")
