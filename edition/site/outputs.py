"""What the site holds of each document: files and folders all named by its id, in parts that
change together (its page; its downloads; its DTS files).

The build state keeps one key a document and part (`Reuse.documents`), not one a file: at
10,000 documents the keys of these files were 120,000 of the state's 123,000, and a
one-document rebuild read, compared and wrote them all. Only these folders hold them, so a
path in one of them is a document's (`of_a_document`), and a document's paths are made from
its id (`files_of`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """Files `{folder}/{id}{ending}` and folders `{folder}/{id}/` (each made whole) of one document."""

    files: tuple[tuple[str, str], ...]
    folders: tuple[str, ...] = ()

    def file_names(self, doc_id: str) -> list[str]:
        return self.names_of((doc_id,))

    def names_of(self, doc_ids) -> list[str]:
        """`file_names` of each of `doc_ids`, in one list (10,000 documents: no call for each)."""
        return [f"{folder}/{doc_id}{ending}" for doc_id in doc_ids for folder, ending in self.files]

    def folder_names(self, doc_id: str) -> list[str]:
        """With the trailing "/" that marks a folder among the build's outputs."""
        return [f"{folder}/{doc_id}/" for folder in self.folders]


PAGE = Part((("documents", ".html"),))  # changes with its neighbours and translations too
DOWNLOADS = Part((("tei", ".xml"), ("text", ".txt"), ("cite", ".bib"), ("cite", ".ris"), ("cite", ".json")))
DTS = Part((("dts/navigation", ";down=1.json"), ("dts/navigation", ";down=-1.json"), ("dts/document", ".xml"),
            ("dts/collection", ".json")),
           ("dts/navigation", "dts/document"))
PARTS = {"page": PAGE, "files": DOWNLOADS, "dts": DTS}

FOLDERS = frozenset(folder for part in PARTS.values() for folder, _ in part.files)


def of_a_document(rel: str) -> bool:
    """Whether a file of the site (not one inside a folder made whole) is one of a document's."""
    return rel.rpartition("/")[0] in FOLDERS


def files_of(doc_ids) -> tuple[list[str], list[str], list[str]]:
    """The pages, the other files and the folders ("x/") of the documents `doc_ids`."""
    pages, files, folders = [], [], []
    for doc_id in doc_ids:
        for part in PARTS.values():
            for name in part.file_names(doc_id):
                (pages if name.endswith(".html") else files).append(name)
            folders += part.folder_names(doc_id)
    return pages, files, folders
