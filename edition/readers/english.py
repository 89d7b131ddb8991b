"""How common a word is in English, on the Zipf scale, from wordfreq's English list.

`wordfreq.zipf_frequency` is the reference; importing wordfreq takes about a quarter of a
second (its tokenizer loads ftfy, langcodes and a few hundred regular expressions) and loading
the list another tenth, which a rebuild of one record waited for. A word that wordfreq's
tokenizer keeps as one token, lower-case letters of the Latin or Cyrillic alphabets with
periods inside it or after it (`guerrillas`, `café`, `москва`, `p.m.`, `dr.quincy`), which is
nearly every word the readers ask about, needs none of the tokenizer: here it is looked up in
wordfreq's own data file (the "large" English list, the one `zipf_frequency` uses), read with
msgspec, and given the value `zipf_frequency` gives, computed by the same steps. Any other
word, or a wordfreq whose data file is not where or what this expects, goes to wordfreq itself.
tests/test_english.py holds the two to the same value for every word of the list and for
thousands of made-up ones.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import msgspec

LIST_FILE = "large_en.msgpack.gz"  # wordfreq's "best" English list
MINIMUM = 1e-9  # zipf_frequency's default minimum (Zipf 0), as a frequency
# lower-case letters: a-z, Latin-1 and Latin Extended-A and -B (ß-ɏ but ÷), Cyrillic (а-џ)
_LETTERS = "a-z\u00df-\u00f6\u00f8-\u024f\u0430-\u045f"
_ONE_TOKEN = re.compile(rf"([{_LETTERS}]+(?:\.[{_LETTERS}]+)*)\.*")


def zipf_frequency(word: str) -> float:
    """`wordfreq.zipf_frequency(word, "en")`."""
    token = _one_token(word)
    table = _buckets() if token is not None else None
    if table is None:
        from wordfreq import zipf_frequency as reference

        return reference(word, "en")
    index = table.get(token)
    if index is None:  # not in the list: the minimum itself, unrounded, as wordfreq returns it
        return round(math.log(MINIMUM, 10) + 9, 2)
    return _zipf_of_bucket(index)


def _one_token(word: str) -> str | None:
    """The one token wordfreq's tokenizer makes of `word` (its periods at the end dropped), or
    None when telling it would take the tokenizer."""
    match = _ONE_TOKEN.fullmatch(word)
    if match is None:
        return None
    token = match.group(1)
    if not token.isascii() and (token.casefold() != token or unicodedata.normalize("NFC", token) != token):
        return None  # `ß` is folded to `ss`, upper case to lower; wordfreq looks up what it folded
    return token


@lru_cache(maxsize=1)
def _buckets() -> dict[str, int] | None:
    """Each word of the list with the index of its bucket (its frequency in centibels, negated);
    None when the list is not as wordfreq 3 ships it."""
    spec = importlib.util.find_spec("wordfreq")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / LIST_FILE
    try:
        data = msgspec.msgpack.decode(gzip.decompress(path.read_bytes()))
    except (OSError, msgspec.DecodeError):
        return None
    header = data[0] if isinstance(data, list) and data else None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        return None
    return {word: index for index, bucket in enumerate(data[1:]) for word in bucket}


@lru_cache(maxsize=None)
def _zipf_of_bucket(index: int) -> float:
    """The Zipf value of a one-word lookup in bucket `index`, by wordfreq's steps: the bucket's
    frequency, combined as 1/f over the word's one token, at least the minimum, rounded to three
    significant digits, then to the Zipf scale rounded to hundredths."""
    frequency = max(1.0 / (1.0 / 10 ** (-index / 100)), MINIMUM)
    leading_zeroes = math.floor(-math.log(frequency, 10))
    return round(math.log(round(frequency, leading_zeroes + 3), 10) + 9, 2)
