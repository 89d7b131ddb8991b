"""The catalogue of the edition: one SQLite file holding each rendered document's light record.

The light record is what every list of the site needs of a document (title, date, place,
persons with their counts of turns and words, archive and shelfmark, counts, warnings;
edition.site.document's Document without its text, turns and mentions, which a person's page
reads from the rendered document: they were two thirds of a record). The site builder used to keep one JSON file per document and
open all of them on every build; an edition of 10,000 documents is now read with one query.
Rows are keyed by the document's cache key (its TEI file, the templates, the settings and
this software), so a changed document is a new row and an unchanged one is never written
again. The year, archive and persons of each document are columns of their own, for the
questions a list asks ("which documents of 1949?", "who appears where?").

The file lives in the edition's private state folder (`.edition/site/…/catalogue.sqlite`);
records are MessagePack decoded into the edition's own classes, never pickles (see cache.py).
A build killed in the middle of writing leaves the last committed catalogue (SQLite's own
journal); a damaged file is set aside and the documents are rendered again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

FILE = "catalogue.sqlite"
FORMAT = "3"  # 2: records encoded by msgspec (the field names, not positions); 3: as MessagePack

SCHEMA = """
CREATE TABLE IF NOT EXISTS about (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY,      -- the cache key of the rendered document
    id TEXT NOT NULL,          -- the document id (the TEI file's name)
    year TEXT NOT NULL,
    archive TEXT NOT NULL,
    title TEXT NOT NULL,
    record BLOB NOT NULL       -- the light record as MessagePack (edition.site.cache._record_codec)
);
CREATE INDEX IF NOT EXISTS documents_by_id ON documents (id);
CREATE INDEX IF NOT EXISTS documents_by_year ON documents (year);
CREATE TABLE IF NOT EXISTS persons (
    key TEXT NOT NULL REFERENCES documents (key) ON DELETE CASCADE,
    person TEXT NOT NULL,
    role TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS persons_by_person ON persons (person);
CREATE TABLE IF NOT EXISTS texts (
    kind TEXT NOT NULL,        -- what the text is ("dts-entry": a document's DTS collection entry)
    key TEXT NOT NULL,         -- the key of what it was made from
    text TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS persons_by_key ON persons (key);
"""


class Catalogue:
    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        """The catalogue; `created` tells whether it was made now (none, damaged or another format)."""
        self.created = False
        try:
            db = self._connect()
            found = db.execute("SELECT value FROM about WHERE name = 'format'").fetchone()
            if found is not None and found[0] == FORMAT:
                return db
            if found is not None:
                raise sqlite3.DatabaseError(f"format {found[0]}")
        except sqlite3.DatabaseError:  # damaged, or written by another version: start afresh
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            db = self._connect()
        db.execute("INSERT INTO about VALUES ('format', ?)", (FORMAT,))
        db.commit()
        self.created = True
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # a cache: a power cut may lose the last build's rows, never corrupt
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        return db

    def keys(self) -> set[str]:
        return {key for (key,) in self.db.execute("SELECT key FROM documents")}

    def records(self, keys: Iterable[str], decode) -> dict[str, object]:
        """The light records of `keys` that the catalogue holds, decoded by `decode(record)`."""
        wanted = set(keys)
        found = {}
        for key, record in self.db.execute("SELECT key, record FROM documents"):
            if key in wanted:
                found[key] = decode(record)
        return found

    def put(self, rows: Iterable[tuple[str, object, bytes]]) -> None:
        """rows: (key, light document, its encoded record), written in one transaction."""
        with self.db:
            for key, doc, record in rows:
                self.db.execute("DELETE FROM documents WHERE key = ?", (key,))
                self.db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                                (key, doc.id, doc.year or "", doc.source.archive or "", doc.title, record))
                self.db.executemany("INSERT INTO persons VALUES (?, ?, ?)",
                                    [(key, person.id, person.role) for person in doc.persons])

    def prune(self, keep: set[str]) -> list[str]:
        """Forget the documents no longer in the edition; their keys."""
        gone = sorted(self.keys() - keep)
        with self.db:
            self.db.executemany("DELETE FROM documents WHERE key = ?", [(key,) for key in gone])
        return gone

    def texts(self, kind: str) -> dict[str, str]:
        """Texts made by the last build from inputs that are keyed, so not made again."""
        return dict(self.db.execute("SELECT key, text FROM texts WHERE kind = ?", (kind,)))

    def keep_texts(self, kind: str, texts: dict[str, str], known: dict[str, str] | None = None) -> None:
        """This build's texts of one kind, replacing the last build's: new rows written, the rows
        of texts no longer used deleted, the others untouched. known: the last build's, when the
        caller read them (`texts`) and has not changed them since (10,000 entries: 15 MB)."""
        known = self.texts(kind) if known is None else known
        self.replace_texts(kind, {key: text for key, text in texts.items() if known.get(key) != text},
                           known.keys() - texts.keys())

    def text_keys(self, kind: str) -> list[str]:
        return [key for (key,) in self.db.execute("SELECT key FROM texts WHERE kind = ?", (kind,))]

    def text(self, kind: str, key: str) -> str | None:
        """One text `texts` would give, or None."""
        row = self.db.execute("SELECT text FROM texts WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return None if row is None else row[0]

    def replace_texts(self, kind: str, texts: dict[str, str], gone: Iterable[str]) -> None:
        """The texts of the keys `gone` deleted and `texts` written, in one transaction (for a
        caller that knows which of the last build's texts changed; `keep_texts` works it out)."""
        with self.db:
            self.db.executemany("DELETE FROM texts WHERE kind = ? AND key = ?", [(kind, key) for key in gone])
            self.db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)",
                                [(kind, key, text) for key, text in texts.items()])

    def value(self, name: str) -> str | None:
        """A value the build keeps beside the catalogue (`set_value`), or None."""
        row = self.db.execute("SELECT value FROM about WHERE name = ?", (f"value:{name}",)).fetchone()
        return None if row is None else row[0]

    def set_value(self, name: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO about VALUES (?, ?)", (f"value:{name}", value))

    def documents_of_person(self, person: str) -> list[str]:
        """The ids of the documents a person speaks in or is present at."""
        return [doc_id for (doc_id,) in self.db.execute(
            "SELECT DISTINCT documents.id FROM persons JOIN documents USING (key) WHERE person = ? ORDER BY documents.id",
            (person,))]

    def close(self) -> None:
        self.db.close()
