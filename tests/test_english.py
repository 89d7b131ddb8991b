"""The readers' English word list gives what wordfreq.zipf_frequency gives, for every word."""

from __future__ import annotations

import random
import subprocess
import sys

from wordfreq import get_frequency_list, zipf_frequency

from edition.readers import english


def _differences(words) -> list[tuple[str, float, float]]:
    pairs = ((word, english.zipf_frequency(word), zipf_frequency(word, "en")) for word in words)
    return [(word, ours, theirs) for word, ours, theirs in pairs if ours != theirs]


def test_every_word_of_the_list_and_words_not_in_it_have_wordfreqs_value() -> None:
    words = [word for bucket in get_frequency_list("en", "best") for word in bucket]
    assert len(words) > 300_000
    asked = [*words, "zzqxv", "kak", "vot", "nakrucheno", "guerillas", "guerrillas", "yugoslavia",
             "Yugoslavia", "don't", "ça", "москва", "a1", "", "khrushchev", "hchev", "dr.", "dr..", "p.m.",
             "dr.quincy", "hanmingp.m.", ".x", "a..b", "vis-à-vis", "straße", "ŉ", "café", "cafe\u0301"]
    assert not _differences(asked)[:20]
    assert english._buckets() is not None  # the fast path was the one taken


def test_made_up_words_of_letters_periods_and_marks_have_wordfreqs_value() -> None:
    alphabet = list("abcdefghijklmnopqrstuvwxyz") * 3 + list("éïçøßāĀŉдяЖё.'-\u0301É") + ["."] * 6
    chance = random.Random(14)
    words = {"".join(chance.choice(alphabet) for _ in range(chance.randint(1, 9))) for _ in range(20_000)}
    words |= {chance.choice(["mr.", "dr.", "mrs.", "st."]) + word for word in list(words)[:2000]}
    assert not _differences(sorted(words))[:20]
    assert sum(english._one_token(word) is not None for word in words) > 5000  # most took the fast path


def test_a_word_is_looked_up_without_importing_wordfreq() -> None:
    code = ("import sys; from edition.readers import english; "
            "assert english.zipf_frequency('edition') > 4; assert english.zipf_frequency('qzxv') == 0; "
            "assert english.zipf_frequency('dr.quincy') == 0; assert english.zipf_frequency('p.m.') > 4; "
            "print('wordfreq' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
