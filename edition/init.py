"""`edition init DIR`: a new edition folder that builds as it is.

The files come from `edition/skeleton/` (settings with every key explained, one example
record, registers, an empty templates folder, a README, a .gitignore, a GitHub Pages
workflow). Nothing that exists is overwritten: `edition init .` in a folder that already
holds records adds what is missing and leaves the example record out.
"""

from __future__ import annotations

import datetime
import json
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from edition import __version__
from edition.errors import EditionError

SKELETON = Path(__file__).resolve().parent / "skeleton"
# Names starting with a dot do not travel reliably as package data: they are stored without
# the dot and given it here.
DOT_NAMES = {"gitignore": ".gitignore", "github": ".github", "gitkeep": ".gitkeep"}
RECORD_SUFFIXES = {".txt", ".md", ".text"}


@dataclass
class Created:
    folder: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the editor must still do


def init_edition(folder: Path, title: str = "", today: datetime.date | None = None) -> Created:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise EditionError(f"{folder}: exists and is not a folder")
    if (folder / "edition.toml").exists():
        raise EditionError(f"{folder}: already an edition (it has an edition.toml); nothing was changed")
    requirement, unknown_source = tool_requirement()
    values = {
        "@TITLE@": title.strip() or title_from_name(folder),
        "@DATE@": (today or datetime.date.today()).isoformat(),
        "@VERSION@": __version__,
        "@REQUIREMENT@": requirement,
        "@REQUIREMENT_NOTE@": (
            "This copy of `edition` was installed from a folder GitHub cannot reach: replace the line in "
            "`requirements.txt` with where your copy comes from (a git URL such as "
            "`edition @ git+https://github.com/OWNER/edition@v1.0`, or a wheel committed to this repository)."
            if unknown_source else "It is the copy of `edition` this edition was started with."),
    }
    has_records = (folder / "corpus").is_dir() and any(p.suffix.lower() in RECORD_SUFFIXES
                                                        for p in (folder / "corpus").iterdir())
    created = Created(folder)
    for source in sorted(path for path in SKELETON.rglob("*") if path.is_file()):
        rel = _target_name(source.relative_to(SKELETON))
        if has_records and rel.parts[0] == "corpus":
            continue
        target = folder / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(source, values), encoding="utf-8", newline="\n")
        created.files.append(target)
    if unknown_source:
        created.notes.append(f"requirements.txt: say where the GitHub Pages workflow installs edition from "
                             f"(it now names a placeholder, {requirement!r})")
    return created


def _target_name(rel: Path) -> Path:
    return Path(*(DOT_NAMES.get(part, part) for part in rel.parts))


def _fill(source: Path, values: dict[str, str]) -> str:
    text = source.read_text(encoding="utf-8")
    if source.name == "edition.toml":  # a TOML string: quoted and escaped
        text = text.replace('"@TITLE@"', json.dumps(values["@TITLE@"], ensure_ascii=False))
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def title_from_name(folder: Path) -> str:
    """`conversations-with-chiang` -> `Conversations with chiang` (a start; edition.toml has the title)."""
    name = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return (name[:1].upper() + name[1:]) if name else "Untitled edition"


def tool_requirement() -> tuple[str, bool]:
    """The pip requirement that installs this copy of edition elsewhere, and whether it is a guess.

    An install from a git URL records it (PEP 610's direct_url.json); an install from a local
    clone is traced to the clone's `origin` and commit. Anything else gets a placeholder.
    """
    placeholder = f"edition @ git+https://github.com/OWNER/edition@v{__version__}"
    try:
        direct = json.loads(metadata.distribution("edition").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        direct = None
    if not isinstance(direct, dict):
        return placeholder, True
    url, vcs = direct.get("url", ""), direct.get("vcs_info")
    if vcs and vcs.get("commit_id"):
        return f"edition @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}", False
    if url.startswith("file://"):
        clone = _git_origin(Path(url.removeprefix("file://")))
        if clone:
            return clone, False
    return placeholder, True


def _git_origin(folder: Path) -> str:
    """`edition @ git+ORIGIN@COMMIT` for a clone with a remote on the network, else ""."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    origin, commit = git("remote", "get-url", "origin"), git("rev-parse", "HEAD")
    if not origin.startswith(("https://", "ssh://", "git@")) or not commit:
        return ""
    if origin.startswith("git@"):  # git@github.com:OWNER/edition.git -> ssh://git@github.com/OWNER/edition.git
        origin = "ssh://" + origin.replace(":", "/", 1)
    return f"edition @ git+{origin}@{commit}"
