"""Hostile shapes of input: the work the converter does grows linearly with the input.

Each shape is read at two sizes in one run (n and 4n) and the times compared: a linear rule
takes about four times as long, a quadratic one sixteen. No wall-clock limit is asserted."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from edition.readers import read_source

HEAD = "Skip to content\n\nJune 7, 1960\n\nMemorandum of Conversation\n\n"
SHAPES = {
    "a run of spaces in a bold label": lambda n: HEAD + "**Mao" + " " * (8 * n) + "x:** words.\n",
    "capitalised words before [sic]": lambda n: HEAD + "Comrade Mao Zedong: " + " ".join(["Word"] * (4 * n))
                                                + " [sic] end.\n",
    "paragraphs split by blank lines": lambda n: HEAD + "Comrade Mao Zedong: start.\n\n"
                                                 + "\n\n".join(f"para {i} goes on." for i in range(n)) + "\n",
    "thousands of footnotes": lambda n: HEAD + "Comrade Mao Zedong: " + " ".join(f"w[{i}]" for i in range(1, n + 1))
                                        + ".\n\n" + "\n\n".join(f"[{i}] note {i}." for i in range(1, n + 1)) + "\n",
    "glued footnote numbers": lambda n: HEAD + "Comrade Mao Zedong: " + " ".join(f"word{i % 900 + 1}" for i in range(n))
                                        + ".\n",
    "thousands of speakers": lambda n: HEAD + "\n\n".join(f"Comrade Speaker{chr(65 + i % 26)}{i}x: words."
                                                          for i in range(n)) + "\n",
    "a Present: line of thousands of names": lambda n: HEAD + "Present: "
                                                       + ", ".join(f"Comrade Name{i}" for i in range(n))
                                                       + ".\n\nComrade Mao Zedong: hi.\n",
    "a long line with no line breaks": lambda n: HEAD + "Comrade Mao Zedong: " + "a, " * (20 * n) + "end.\n",
}


def _seconds(path: Path) -> float:
    gc.collect()
    start = time.process_time()  # CPU time: a busy or throttled host does not count against the rule
    read_source(path, path.name)
    return time.process_time() - start


def _growth(tmp_path: Path, make, n: int) -> tuple[float, float]:
    """The best of three readings at n and at 4n, taken in turn, so that a slow spell of the host
    weighs on both sizes alike."""
    (small_file := tmp_path / "small.txt").write_text(make(n), "utf-8")
    (large_file := tmp_path / "large.txt").write_text(make(4 * n), "utf-8")
    small = large = float("inf")
    for _ in range(3):
        small = min(small, _seconds(small_file))
        large = min(large, _seconds(large_file))
    return small, large


@pytest.mark.parametrize("shape", list(SHAPES))
def test_work_grows_linearly(tmp_path: Path, shape: str) -> None:
    make = SHAPES[shape]
    small, large = _growth(tmp_path, make, 1000)
    # linear: about 4; quadratic: about 16. A floor keeps timer noise on tiny inputs out.
    assert large <= 9 * max(small, 0.02), f"{shape}: {small:.3f} s at n, {large:.3f} s at 4n"
