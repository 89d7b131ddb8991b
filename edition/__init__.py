"""edition: plain-text transcripts of historical documents into a TEI P5 edition and a static website."""

from importlib import metadata as _metadata


def _version() -> str:
    """The version in the package's metadata (pyproject.toml is its one source)."""
    try:
        return _metadata.version("edition")
    except _metadata.PackageNotFoundError:  # run from a checkout that was never installed
        import re
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        found = re.search(r'(?m)^version = "([^"]+)"', pyproject.read_text("utf-8")) if pyproject.is_file() else None
        return found.group(1) if found else "unknown"


__version__ = _version()
