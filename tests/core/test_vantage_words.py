"""Each vantage's own count in words, as the contract words it for the tooltip and site window."""

from __future__ import annotations

import pytest

from djamon_desktop.core.vantage_words import vantage_failure_words


def test_two_vantages_as_the_contract_words_them():
    assert vantage_failure_words({"bob": 11, "alice": 3}) == "3rd failure from alice, 11th from bob"


def test_names_in_order_whatever_their_case_and_a_vantage_up_left_out():
    counts = {"Carol": 1, "bob": 0, "alice": 22, "dave": 12}
    assert (
        vantage_failure_words(counts) == "22nd failure from alice, 1st from Carol, 12th from dave"
    )


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1st failure in a row"), (3, "3rd failure in a row"), (0, "up")]
)
def test_one_vantage_says_it_as_a_single_desktop_does(count, words):
    assert vantage_failure_words({"alice": count}) == words


def test_none_failing_or_none_at_all_is_up():
    assert vantage_failure_words({"alice": 0, "bob": 0}) == "up"
    assert vantage_failure_words({}) == "up"


def test_one_failing_of_several_is_named():
    assert vantage_failure_words({"alice": 0, "bob": 2}) == "2nd failure from bob"


def test_a_name_is_given_back_as_it_is():
    assert vantage_failure_words({"<b>x</b>": 2, "y": 1}) == "2nd failure from <b>x</b>, 1st from y"
