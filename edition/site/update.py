"""Updating a published site in place, file by file, behind a journal.

A rebuild renders only what changed, into a staging folder beside the site
(`.<site>.staging/`, on the same file system, so that a rename is atomic). Then:

1. the journal is written and flushed to disk (`journal.json` in the site's state folder):
   every step of the update and the build state that holds once they are done. This is the
   commit point: a build killed before it left the live site untouched (the staging folder
   is thrown away by the next build); a build killed after it is finished by the next one,
   which replays the journal;
2. each step is carried out: a staged file renamed over the live one (`os.replace`, atomic:
   a reader sees the old file or the new one, never a part), a staged folder (one document's
   DTS passages, one search bundle) put in place of the live one, a file the new build no
   longer makes deleted. Every step can be done twice with the same result, so a replay
   after a kill at any point finishes the update;
3. the new build state is saved, the journal removed, the staging and trash folders removed.

Only the files the edition wrote are ever deleted: a file someone else put in the site
folder (CNAME, a verification file) stays.

Nothing here knows what the files are; `edition.site.build` says which ones changed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from dataclasses import dataclass, field
from typing import Protocol
from pathlib import Path

from edition.files import write_json_atomic

JOURNAL = "journal.json"
STATE = "state.json"
NEXT_STATE = "state.next.json"  # the state of the build being put in place, named by its journal
JOURNAL_FORMAT = 1
# Fault injection for the killed-build tests: `EDITION_KILL_AT=apply:3` kills this process
# (SIGKILL, as a power cut would) after the third step of an update; `journal`, `applied`,
# `state` and `cleanup` name the moments after the journal is written, after the last step,
# after the state file is saved and before the clean-up.
KILL_AT = "EDITION_KILL_AT"


def staging_folder(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.staging"


def trash_folder(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.trash"


@dataclass
class Plan:
    """What one update does to the live site: relative paths, in the order they are applied."""

    files: list[str] = field(default_factory=list)  # staged files renamed over the live ones
    folders: list[str] = field(default_factory=list)  # live folders replaced by staged ones (or removed)
    deletions: list[str] = field(default_factory=list)  # files no longer made

    def steps(self) -> list[list[str]]:
        return ([["folder", rel] for rel in self.folders] + [["file", rel] for rel in self.files]
                + [["delete", rel] for rel in self.deletions])


def plan_update(staging: Path, old_outputs: set[str], new_outputs: set[str], replaced_folders: set[str]) -> Plan:
    """The steps that turn the live site into the new one.

    old_outputs / new_outputs: every file (and folder, with a trailing "/") the last build and
    this one made; replaced_folders: the folders (no trailing "/") made anew by this build,
    whose live copy is replaced whole (its files are not listed one by one).
    """
    plan = Plan(folders=sorted(replaced_folders))
    for folder, subfolders, names in os.walk(staging):
        rel_folder = os.path.relpath(folder, staging)
        rel_folder = "" if rel_folder == "." else Path(rel_folder).as_posix() + "/"
        if rel_folder and rel_folder.rstrip("/") in replaced_folders:
            subfolders[:] = []
            continue
        subfolders[:] = [name for name in subfolders if f"{rel_folder}{name}" not in replaced_folders]
        plan.files += [f"{rel_folder}{name}" for name in names]
    plan.files.sort(key=_pages_last)
    folders = {rel for rel in new_outputs if rel.endswith("/")} | {f"{folder}/" for folder in replaced_folders}
    for rel in sorted(old_outputs - new_outputs):
        if _inside_any(rel, folders):
            continue  # its folder is kept or replaced whole
        if rel.endswith("/"):
            plan.folders.append(rel.rstrip("/"))  # a folder no longer made: removed with what is in it
        else:
            plan.deletions.append(rel)
    return plan


def keyed_folder(rel: str, folders) -> str | None:
    """The outermost of `folders` ("dts/document/x/") that holds `rel`, or None."""
    position = rel.find("/")
    while position != -1:
        if rel[:position + 1] in folders:
            return rel[:position + 1]
        position = rel.find("/", position + 1)
    return None


def _inside_any(rel: str, folders: set[str]) -> bool:
    """True when `rel` is one of `folders` ("dts/document/x/") or inside one; by its own
    ancestors, so that 700,000 files and 2,000 folders cost 700,000 look-ups, not their product."""
    return rel in folders or keyed_folder(rel, folders) is not None


def _pages_last(rel: str) -> tuple[int, str]:
    """Downloads and document pages before the pages that link to them (a reader following a
    link during the update finds its target)."""
    return (rel.count("/") == 0, rel)


class States(Protocol):
    """Where the build state is kept (edition.site.cache.BuildCache)."""

    def write_state(self, state: dict, name: str, durable: bool = False) -> None: ...

    def adopt_state(self, name: str, state: dict | None = None) -> None: ...


def apply(site_dir: Path, state_dir: Path, plan: Plan, state: dict, states: States) -> None:
    """Carry out `plan` behind a journal; the new build state is written beside it first
    (NEXT_STATE) and renamed into place once the site is updated. The journal names that file
    rather than holding the state: at 10,000 documents the state is 21 MB of JSON, which was
    written twice, in the journal and again as the state."""
    states.write_state(state, NEXT_STATE, durable=True)
    journal = {"format": JOURNAL_FORMAT, "site": os.path.abspath(site_dir), "steps": plan.steps(), "state": NEXT_STATE}
    write_json_atomic(state_dir / JOURNAL, journal, durable=True, ensure_ascii=False)
    _checkpoint("journal")
    _finish(site_dir, state_dir, journal, states, state)


def replay(site_dir: Path, state_dir: Path, states: States) -> bool:
    """Finish an update a killed build committed to, or throw away one it had not; True when
    a journal was replayed."""
    path = state_dir / JOURNAL
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        journal = None
    except (OSError, ValueError):
        journal = None  # written atomically, so a damaged one was never committed
        path.unlink(missing_ok=True)
    if journal is None or journal.get("format") != JOURNAL_FORMAT or journal.get("site") != os.path.abspath(site_dir):
        _remove(staging_folder(site_dir))  # an update that never reached its commit point
        _remove(trash_folder(site_dir))
        (state_dir / NEXT_STATE).unlink(missing_ok=True)
        return False
    _finish(site_dir, state_dir, journal, states)
    return True


def _finish(site_dir: Path, state_dir: Path, journal: dict, states: States, state: dict | None = None) -> None:
    staging, trash = staging_folder(site_dir), trash_folder(site_dir)
    for number, (kind, rel) in enumerate(journal["steps"], start=1):
        {"file": _put_file, "folder": _put_folder, "delete": _delete}[kind](site_dir, staging, trash, rel)
        _checkpoint(f"apply:{number}")
    _checkpoint("applied")
    if isinstance(journal["state"], dict):  # a journal of an earlier version, the state in it
        states.write_state(journal["state"], STATE)
        states.adopt_state(STATE, journal["state"])
    else:
        states.adopt_state(journal["state"], state)
    _checkpoint("state")
    (state_dir / JOURNAL).unlink(missing_ok=True)
    _checkpoint("cleanup")
    _remove(trash)
    _remove(staging)


def _put_file(site_dir: Path, staging: Path, trash: Path, rel: str) -> None:
    staged = staging / rel
    if not staged.is_file():
        return  # done before the kill
    live = site_dir / rel
    live.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, live)


def _put_folder(site_dir: Path, staging: Path, trash: Path, rel: str) -> None:
    """The live folder moved to the trash (unless a replay finds it there already), the staged
    one (if any) renamed into its place."""
    staged, live, aside = staging / rel, site_dir / rel, trash / rel
    if live.exists() and not aside.exists():
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.replace(live, aside)
    if staged.is_dir():
        live.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, live)


def _delete(site_dir: Path, staging: Path, trash: Path, rel: str) -> None:
    try:
        (site_dir / rel).unlink()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


_KILL_POINT = os.environ.get(KILL_AT, "")


def _checkpoint(name: str) -> None:
    if _KILL_POINT and name == _KILL_POINT:
        os.kill(os.getpid(), signal.SIGKILL)
