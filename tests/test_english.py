"""The readers' English word list gives what wordfreq.zipf_frequency gives, for every word."""

from __future__ import annotations

import subprocess
import sys

from wordfreq import get_frequency_list, zipf_frequency

from edition.readers import english


def test_every_word_of_the_list_and_words_not_in_it_have_wordfreqs_value() -> None:
    words = [word for bucket in get_frequency_list("en", "best") for word in bucket]
    assert len(words) > 300_000
    asked = [*words, "zzqxv", "kak", "vot", "nakrucheno", "guerillas", "guerrillas", "yugoslavia",
             "Yugoslavia", "don't", "ça", "москва", "a1", "", "khrushchev", "hchev"]
    differ = [(word, english.zipf_frequency(word), zipf_frequency(word, "en")) for word in asked
              if english.zipf_frequency(word) != zipf_frequency(word, "en")]
    assert not differ, differ[:20]
    assert english._buckets() is not None  # the fast path was the one taken for the words a-z


def test_a_word_a_z_is_looked_up_without_importing_wordfreq() -> None:
    code = ("import sys; from edition.readers import english; "
            "assert english.zipf_frequency('edition') > 4; assert english.zipf_frequency('qzxv') == 0; "
            "print('wordfreq' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
