"""Errors a user can act on. Each names the file (and line, where there is one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class EditionError(Exception):
    """A problem the user can fix; reported as a message, never a traceback."""


@dataclass(frozen=True)
class Problem:
    """One finding about one file: an error stops that document, a warning does not."""

    path: Path | str
    line: int | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.severity}: {self.message}"


class SourceError(EditionError):
    """A source file that cannot be converted at all.

    `problem` is the reason; `problems` is everything found in the file (warnings about what
    was assumed on the way, and every reason it cannot be converted), for the report.
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None,
                 problems: list[Problem] | None = None):
        self.problem = Problem(path, line, message)
        self.problems = list(problems) if problems else [self.problem]
        if self.problem not in self.problems:
            self.problems.append(self.problem)
        super().__init__(str(self.problem))
