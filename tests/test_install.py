"""The tool as a new editor installs it: a wheel, in a fresh virtual environment outside the checkout.

The wheel is built from a copy of the checkout, installed with its dependencies into a new
virtual environment (no system site-packages: a dependency the package forgets to declare
fails here), and that installation builds this repository's sample edition and a new
edition made with `edition init`, from folders outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
# What the wheel is made from: the package and its metadata, nothing the checkout has lying around.
SOURCE_FILES = ["pyproject.toml", "README.md", "edition"]
# The sample edition is an edition folder like any other.
SAMPLE_EDITION = ["edition.toml", "corpus", "tei", "registers", "templates"]


def run(*args: str | Path, cwd: Path, timeout: int = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    # Nothing of the checkout on the path: the installed package must stand alone.
    clean = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**clean, **(env or {})})


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `bin` folder of a fresh virtual environment with the wheel installed."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", work / "dist",
                source, cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    venv = work / "venv"
    made = run(sys.executable, "-m", "venv", venv, cwd=work)
    assert made.returncode == 0, made.stderr
    wheel = next((work / "dist").glob("edition-*.whl"))
    pip = run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel,
              cwd=work)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return venv / "bin"


def test_the_wheel_carries_everything_the_tool_reads_at_run_time(installed: Path) -> None:
    wheel = next((installed.parents[1] / "dist").glob("edition-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    packaged = sorted(path.relative_to(ROOT).as_posix() for folder in ("templates", "schema", "data", "skeleton")
                      for path in (ROOT / "edition" / folder).rglob("*")
                      if path.is_file() and "__pycache__" not in path.parts)
    assert [name for name in packaged if name not in names] == []
    assert "edition/templates/static/edition.css" in names and "edition/skeleton/edition.toml" in names


def test_the_installed_package_comes_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = run(installed / "python", "-c", "import edition; print(edition.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout + where.stderr
    version = run(installed / "edition", "--version", cwd=tmp_path)
    assert version.stdout.strip() == f"edition {VERSION}"


def test_the_installed_tool_builds_the_sample_edition_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    for name in SAMPLE_EDITION:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, sample / name, ignore=shutil.ignore_patterns(".*cache*"))
        elif (ROOT / name).is_file():
            shutil.copy2(ROOT / name, sample / name)
    result = run(installed / "edition", "build", "--no-tei-all", cwd=sample)
    assert result.returncode == 0, result.stdout + result.stderr
    documents = sorted(path.stem for path in (ROOT / "corpus").glob("*.txt"))
    assert sorted(path.stem for path in (sample / "site" / "documents").glob("*.html")) == documents
    home = (sample / "site" / "index.html").read_text("utf-8")
    assert f'Built with <span class="software">edition</span> <span class="version">{VERSION}</span>' in home
    assert (sample / "site" / "static" / "edition.css").is_file()


def test_the_installed_tool_starts_and_builds_a_new_edition(installed: Path, tmp_path: Path) -> None:
    created = run(installed / "edition", "init", "my-edition", cwd=tmp_path)
    assert created.returncode == 0, created.stdout + created.stderr
    result = run(installed / "edition", "build", "--no-tei-all", cwd=tmp_path / "my-edition")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "my-edition" / "site" / "documents" / "1949-05-11_chennault-rusk.html").is_file()
