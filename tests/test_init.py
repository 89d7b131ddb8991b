"""`edition init DIR`: a new edition that builds as it is, on the editor's own registers and templates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml

from edition.init import init_edition
from edition.settings import load_settings, setting_keys

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "1949-05-11_chennault-rusk"


def edition(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run([sys.executable, "-m", "edition", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A new edition, started with `edition init` and built with `edition build` inside it."""
    folder = tmp_path_factory.mktemp("init") / "chennault"
    created = edition("init", str(folder), "--title", "Talks on China, 1949", cwd=folder.parent)
    assert created.returncode == 0, created.stderr
    result = edition("build", "--no-tei-all", cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    folder.joinpath("build-output.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    return folder


def test_init_creates_every_part_of_an_edition(tmp_path: Path) -> None:
    created = init_edition(tmp_path / "new")
    names = sorted(path.relative_to(tmp_path / "new").as_posix() for path in created.files)
    assert names == [".github/workflows/pages.yml", ".gitignore", "README.md", f"corpus/{EXAMPLE}.txt", "edition.toml",
                     "registers/archives.toml", "registers/persons.toml", "registers/places.toml", "requirements.txt",
                     "templates/.gitkeep"]
    assert load_settings(tmp_path / "new" / "edition.toml").title == "New"


def test_every_setting_is_explained_in_the_new_settings_file(tmp_path: Path) -> None:
    init_edition(tmp_path / "e", title='A "quoted" title')
    path = tmp_path / "e" / "edition.toml"
    text = path.read_text("utf-8")
    data = tomllib.loads(text)
    assert data["title"] == 'A "quoted" title'
    written = {key for key, value in data.items() if not isinstance(value, dict)}
    written |= {f"{table}.{key}" for table, value in data.items() if isinstance(value, dict) for key in value}
    assert written == {key for key in setting_keys() if key not in ("licence", "folders")}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"^(\w+) = ", line)
        if match:  # a comment on the line or in the lines just above explains the key
            explained = "#" in line or any(previous.startswith("#") for previous in lines[max(0, index - 3):index])
            assert explained, f"edition.toml: `{match.group(1)}` has no comment"
    assert load_settings(path).folders.registers == "registers"


def test_init_refuses_an_existing_edition_and_overwrites_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / "1950-01-01_my-record.txt").write_text("my own record\n", "utf-8")
    (folder / "README.md").write_text("my notes\n", "utf-8")
    created = init_edition(folder)
    assert (folder / "README.md").read_text("utf-8") == "my notes\n"
    assert not (folder / "corpus" / f"{EXAMPLE}.txt").exists()  # the folder has records of its own
    assert folder / "edition.toml" in created.files
    again = edition("init", str(folder), cwd=tmp_path)
    assert again.returncode == 2 and "already an edition" in again.stderr


def test_the_new_edition_builds_and_its_pages_show_the_example_record(built: Path) -> None:
    site = built / "site"
    home = (site / "index.html").read_text("utf-8")
    assert "Talks on China, 1949" in home and f"documents/{EXAMPLE}.html" in home
    page = (site / "documents" / f"{EXAMPLE}.html").read_text("utf-8")
    # names from the edition's own register, not from the labels as printed
    for name in ("Claire Lee Chennault", "Dean Rusk", "Philip D. Sprouse"):
        assert name in page
    assert "Civil Air Transport, respectively" in page  # the record's footnote
    assert "How much time do we have in China?" in page
    assert (site / "persons" / "rusk-dean.html").is_file()
    tei = (built / "tei" / f"{EXAMPLE}.xml").read_text("utf-8")
    # the archive from the edition's register (the packaged one spells the place differently)
    assert "<settlement>College Park, Maryland</settlement>" in tei
    assert (site / "tei" / f"{EXAMPLE}.xml").read_text("utf-8") == tei


def test_the_build_report_counts_in_words_and_prints_each_finding_once(built: Path) -> None:
    output = built.joinpath("build-output.txt").read_text("utf-8")
    assert "1 document published" in output and "1 documents" not in output
    assert re.search(r"validate\s+1 of 1 TEI file valid", output)
    findings = [line for line in output.splitlines() if line.startswith("  ")]
    assert len(findings) == len(set(findings))
    assert "\r" not in output and "%|" not in output  # no progress bars when the output is not a terminal


def test_a_second_build_of_the_new_edition_does_nothing(built: Path) -> None:
    before = {path: path.stat().st_mtime_ns for path in (built / "tei").glob("*.xml")}
    result = edition("build", "--no-tei-all", cwd=built)
    assert result.returncode == 0
    assert "0 written, 1 unchanged" in result.stdout and "up to date" in result.stdout
    assert before == {path: path.stat().st_mtime_ns for path in (built / "tei").glob("*.xml")}


def test_an_edition_template_replaces_the_packaged_one_and_no_other(built: Path, tmp_path: Path) -> None:
    packaged = (ROOT / "edition" / "templates" / "about.html").read_text("utf-8")
    (built / "templates" / "about.html").write_text(packaged.replace("{% block main %}",
                                                                     "{% block main %}<p id='ours'>Our own about page.</p>", 1),
                                                    "utf-8")
    (built / "templates" / "static").mkdir()
    (built / "templates" / "static" / "edition.css").write_text("body { color: black; }\n", "utf-8")
    try:
        result = edition("build", "--no-tei-all", cwd=built)
        assert result.returncode == 0, result.stderr
        assert "<p id='ours'>Our own about page.</p>" in (built / "site" / "about.html").read_text("utf-8")
        assert "Our own about page" not in (built / "site" / "index.html").read_text("utf-8")
        assert (built / "site" / "static" / "edition.css").read_text("utf-8") == "body { color: black; }\n"
        assert (built / "site" / "static" / "edition.js").is_file()  # the packaged assets are still there
    finally:
        (built / "templates" / "about.html").unlink()
        (built / "templates" / "static" / "edition.css").unlink()
        (built / "templates" / "static").rmdir()


def test_commands_find_the_edition_from_a_subfolder_and_with_project(built: Path, tmp_path: Path) -> None:
    from_subfolder = edition("check", f"{EXAMPLE}.txt", cwd=built / "corpus")
    assert from_subfolder.returncode == 0, from_subfolder.stdout + from_subfolder.stderr
    assert "Dean Rusk" in from_subfolder.stdout  # the edition's register, found above the current folder
    elsewhere = edition("validate", "--project", str(built), "--no-tei-all", cwd=tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr
    assert "1 file" in elsewhere.stdout


def test_serve_shows_the_new_edition(built: Path) -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen([sys.executable, "-m", "edition", "serve", "--host", "127.0.0.1", "--port", "0"],
                               cwd=built, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + f"documents/{EXAMPLE}.html", timeout=10) as response:
            assert "How much time do we have in China?" in response.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_pages_workflow_builds_and_deploys_with_github_pages(tmp_path: Path) -> None:
    init_edition(tmp_path / "e")
    workflow = yaml.safe_load((tmp_path / "e" / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in build_steps]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    upload = next(step for step in build_steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == load_settings(tmp_path / "e" / "edition.toml").folders.site
    runs = " ".join(step.get("run", "") for step in build_steps)
    assert "pip install -r requirements.txt" in runs and "edition build --base-url" in runs
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    requirement = (tmp_path / "e" / "requirements.txt").read_text("utf-8").splitlines()[-1]
    assert requirement.startswith("edition @ ")  # never `edition` from PyPI: that name is another project's
    ignored = (tmp_path / "e" / ".gitignore").read_text("utf-8").splitlines()
    assert "/site/" in ignored and "/.site.cache/" in ignored


def test_an_edition_profile_and_register_change_reconverts_with_them(tmp_path: Path) -> None:
    """registers/profiles/*.toml reach the readers: a line the edition's profile calls chrome is dropped."""
    folder = tmp_path / "e"
    init_edition(folder)
    record = folder / "corpus" / f"{EXAMPLE}.txt"
    chrome = "Printed from the Example Archive's reading room"
    record.write_text(record.read_text("utf-8").replace("\n[1] China", f"\n{chrome}\n\n[1] China"), "utf-8")
    assert edition("convert", cwd=folder).returncode == 0
    assert chrome in (folder / "tei" / f"{EXAMPLE}.xml").read_text("utf-8")
    (folder / "registers" / "profiles").mkdir()
    (folder / "registers" / "profiles" / "example-archive.toml").write_text(
        f'[profile]\nname = "example-archive"\nsigns = ["Example Archive"]\n\n[chrome]\nlines = ["{chrome}"]\n', "utf-8")
    again = edition("convert", cwd=folder)
    assert "1 written" in again.stdout, again.stdout + again.stderr
    assert chrome not in (folder / "tei" / f"{EXAMPLE}.xml").read_text("utf-8")


def test_progress_bars_show_on_a_terminal(tmp_path: Path) -> None:
    """A long run (20 records or more) draws its bars when stderr is a terminal, and only then."""
    import fcntl
    import pty
    import struct
    import termios

    folder = tmp_path / "e"
    init_edition(folder)
    record = (folder / "corpus" / f"{EXAMPLE}.txt").read_text("utf-8")
    for day in range(1, 26):
        (folder / "corpus" / f"1949-05-{day:02}_copy.txt").write_text(record.replace("May 11, 1949", f"May {day}, 1949"),
                                                                     "utf-8")
    (folder / "corpus" / f"{EXAMPLE}.txt").unlink()
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    process = subprocess.Popen([sys.executable, "-m", "edition", "convert", "--jobs", "1"], cwd=folder, env=env,
                               stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        drawn += chunk
    assert process.wait(timeout=120) == 0
    os.close(leader)
    assert b"reading:" in drawn and b" 0/25 [" in drawn and b"doc/s" in drawn
