"""The command line: help with examples, the version, `edition check`, plurals, settings errors."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from edition.build import count, unique
from edition.cli import cli
from edition.errors import EditionError, Problem
from edition.project import open_project
from edition.settings import settings_from_dict

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def edition(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run([sys.executable, "-m", "edition", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_version_comes_from_the_package_metadata() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.strip() == f"edition {metadata.version('edition')}"


@pytest.mark.parametrize("name", list(cli.commands))
def test_every_command_and_option_has_help_and_the_help_shows_examples(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.short_help
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"edition {name} {param.opts[0]} has no help text"
    result = CliRunner().invoke(cli, [name, "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"edition {name}" in result.output.split("Examples:")[1]


def test_the_command_list_is_not_cut_off() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    listed = result.output.split("Commands:")[1].split("Examples:")[0]
    assert "..." not in listed and all(f"  {name} " in listed for name in cli.commands)


def test_counts_are_in_words_with_the_right_plural() -> None:
    assert [count(n, "warning") for n in (0, 1, 2, 1000)] == ["0 warnings", "1 warning", "2 warnings",
                                                              "1,000 warnings"]


def test_a_finding_reported_twice_is_listed_once_in_its_first_place() -> None:
    first, second = Problem("a.txt", 3, "no note"), Problem("b.txt", None, "no date", "warning")
    assert unique([first, second, Problem("a.txt", 3, "no note")]) == [first, second]


def test_check_tells_what_a_record_would_become_and_writes_nothing(tmp_path: Path) -> None:
    record = CORPUS / "1960-06-07_mao-zedong_albanian-delegation.txt"
    before = sorted((path.relative_to(tmp_path), path.stat().st_mtime_ns) for path in tmp_path.rglob("*"))
    result = edition("check", str(record), "--project", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("1960-06-07_mao-zedong_albanian-delegation.xml (new)")
    fields = {line.split()[0]: line for line in lines if line[:1].isalpha()}
    assert fields["date"].split()[1] == "1960-06-07"
    assert "Central State Archives" in fields["archive"] and "(AQSH)" in fields["archive"]
    assert fields["reader"].split(maxsplit=1)[1]  # the reader that would read it, by name
    assert "Mao Zedong" in fields["turns"] and fields["turns"].split()[1].isdigit()
    assert fields["notes"].split()[1:3] == ["4", "notes"]
    assert "Mao Zedong" in result.stdout and "[1]" in result.stdout
    assert lines[-1].endswith("ready to add (nothing was written)")
    assert sorted((path.relative_to(tmp_path), path.stat().st_mtime_ns) for path in tmp_path.rglob("*")) == before


def test_check_counts_the_warnings_it_lists(tmp_path: Path) -> None:
    record = tmp_path / "notes.txt"
    record.write_text("Some notes taken after a meeting, with nobody speaking.\n", "utf-8")
    result = edition("check", str(record), cwd=tmp_path)
    warnings = [line for line in result.stdout.splitlines() if ": warning: " in line]
    assert warnings and len(warnings) == len(set(warnings))
    assert count(len(warnings), "warning") in result.stdout.splitlines()[-1]
    assert result.returncode == (1 if ": error: " in result.stdout else 0)


def test_check_says_why_a_record_cannot_be_converted(tmp_path: Path) -> None:
    record = tmp_path / "scan.txt"
    record.write_bytes(b"\x00\x01\x02\xff\xfe not text")
    result = edition("check", str(record), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("would not be converted") and ": error: " in lines[1]
    assert lines[-1].startswith("1 error, 0 warnings: this record cannot be converted yet")
    assert not (tmp_path / "tei").exists()


def test_a_missing_project_folder_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    result = edition("build", "--project", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no such edition folder" in result.stderr and "edition init" in result.stderr


def test_the_folders_of_the_settings_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text('[folders]\ncorpus = "records"\nsite = "public"\n', "utf-8")
    project = open_project(tmp_path)
    assert project.corpus == tmp_path / "records" and project.site == tmp_path / "public"
    assert project.tei == tmp_path / "tei" and project.registers.persons == tmp_path / "registers" / "persons.toml"


def test_an_unknown_folder_setting_names_the_key_and_suggests_one() -> None:
    with pytest.raises(EditionError, match=r"unknown setting `folders.corpsu` \(did you mean `corpus`\?\)"):
        settings_from_dict({"folders": {"corpsu": "records"}})


def test_serve_refuses_a_folder_without_a_site(tmp_path: Path) -> None:
    result = edition("serve", "--host", "127.0.0.1", "--port", "0", cwd=tmp_path)
    assert result.returncode == 2 and "run `edition build` first" in result.stderr


def test_check_warns_when_the_file_name_gives_another_date_than_the_record(tmp_path: Path) -> None:
    record = tmp_path / "1958-08-31_khrushchev-mao.txt"
    record.write_bytes((CORPUS / "1958-07-31_khrushchev-mao_first-conversation_zubok.txt").read_bytes())
    result = edition("check", str(record), cwd=tmp_path)
    assert "the file name says 1958-08-31 but the record is dated 1958-07-31" in result.stdout
    rightly_named = edition("check", str(CORPUS / "1958-07-31_khrushchev-mao_first-conversation_zubok.txt"),
                            cwd=tmp_path)
    assert "the file name says" not in rightly_named.stdout


def test_the_command_ends_without_teardown_yet_says_everything_and_keeps_its_exit_status(tmp_path: Path) -> None:
    """`main` leaves the process with os._exit once a command is done (the teardown of a large
    build's heap cost a quarter of a second): the output is flushed first and the status kept."""
    def run(code: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)

    said = run("import atexit, sys; sys.argv = ['edition', '--version']; print('before', end=''); "
               "atexit.register(lambda: print('torn down')); from edition.cli import main; main()")
    assert said.returncode == 0 and said.stdout.startswith("before") and "edition " in said.stdout
    assert "torn down" not in said.stdout  # the interpreter was not finalised
    message = run("from edition.cli import _leave; print('half a line', end=''); _leave('stopped: why')")
    assert (message.returncode, message.stdout, message.stderr.strip()) == (1, "half a line", "stopped: why")
    failed = edition("check", str(tmp_path / "missing.txt"), cwd=tmp_path)
    assert failed.returncode == 2 and failed.stderr
