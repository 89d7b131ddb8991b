"""A note id published before 1.0 (#n-2) still opens on its note: the page moves the address."""

import pytest

pytestmark = pytest.mark.browser

ZUBOK = "1958-07-31_khrushchev-mao_first-conversation_zubok"


def test_an_old_note_id_moves_to_the_note_that_took_it_over(visit):
    page = visit().page
    page.goto(f"documents/{ZUBOK}.html#n-2")  # footnote 1 was published as n-2
    page.wait_for_function("location.hash === '#fn-1'")
    assert page.locator("#fn-1.is-target").count() == 1
