"""Small-number suppression at its edges: 0, 1, 4 and 5, and the second count hidden beside a
small one so that it cannot be worked out from the total."""

import pytest

from wellbeing.reports.suppression import (
    SMALL,
    Partition,
    counts,
    enough_people,
    shown_count,
)


@pytest.mark.parametrize(
    ("number", "shown"), [(0, 0), (1, SMALL), (2, SMALL), (4, SMALL), (5, 5), (6, 6), (120, 120)]
)
def test_a_count_from_1_to_4_is_shown_as_under_5(number, shown) -> None:
    assert shown_count(number) == shown


def test_lists_whose_rows_overlap_only_hide_small_counts() -> None:
    assert counts({"a": 0, "b": 1, "c": 4, "d": 5}) == {"a": 0, "b": SMALL, "c": SMALL, "d": 5}


@pytest.mark.parametrize(("people", "shown"), [(0, None), (1, None), (4, None), (5, 2.5)])
def test_a_figure_from_fewer_than_5_people_is_not_shown(people, shown) -> None:
    assert enough_people(2.5, people) == shown


def test_one_small_count_hides_the_next_smallest_too() -> None:
    # 12 = 10 + "<5" would give the 2 away; hiding the 10 too leaves 12 = ? + "<5".
    table = Partition({"gp": 10, "self": 2, "professional": 0})
    assert table.shown == {"gp": None, "self": SMALL, "professional": 0}
    assert table.shown_total == 12


def test_the_next_smallest_is_the_one_hidden() -> None:
    table = Partition({"a": 30, "b": 3, "c": 7, "d": 9})
    assert table.shown == {"a": 30, "b": SMALL, "c": None, "d": 9}


def test_small_counts_adding_up_to_5_or_more_need_no_second() -> None:
    table = Partition({"a": 10, "b": 1, "c": 4, "d": 0})
    assert table.shown == {"a": 10, "b": SMALL, "c": SMALL, "d": 0}


def test_small_counts_adding_up_to_less_than_5_hide_one_more() -> None:
    table = Partition({"a": 10, "b": 1, "c": 2, "d": 6})
    assert table.shown == {"a": 10, "b": SMALL, "c": SMALL, "d": None}


def test_counts_of_5_or_more_and_zeros_are_shown_as_they_are() -> None:
    table = Partition({"a": 5, "b": 0, "c": 5})
    assert table.shown == {"a": 5, "b": 0, "c": 5}
    assert table.hidden == set()


def test_a_small_total_hides_nothing_more() -> None:
    table = Partition({"a": 3, "b": 0})
    assert table.shown == {"a": SMALL, "b": 0}
    assert table.shown_total == SMALL


def test_a_sum_holding_some_hidden_counts_but_not_all_is_not_shown() -> None:
    table = Partition({"a": 10, "b": 2, "c": 20})
    assert table.hidden == {"a", "b"}
    assert table.count(["a", "c"]) is None  # 30 - 20 would give "a" away
    assert table.count(["a", "b"]) == 12  # the total minus "c": nothing new
    assert table.count(["c"]) == 20


@pytest.mark.parametrize(
    ("yes", "no", "share"),
    [
        (0, 0, None),  # nobody
        (0, 4, None),  # 4 people
        (0, 5, 0.0),
        (5, 0, 1.0),
        (1, 9, None),  # 1 person counted
        (4, 6, None),  # 4 people counted
        (5, 5, 0.5),
        (9, 1, None),  # 1 person not counted: 90% of 10 gives them away
        (6, 4, None),
        (15, 5, 0.75),
    ],
)
def test_a_share_needs_5_people_and_no_part_of_1_to_4(yes, no, share) -> None:
    assert Partition({"yes": yes, "no": no}).share(["yes"], ["yes", "no"]) == share


def test_a_share_of_part_of_a_table_follows_what_the_table_hides() -> None:
    statuses = Partition({"accepted": 20, "declined": 3, "submitted": 8})
    # The declined count is hidden (and the submitted one beside it): accepted of decided
    # would give them away; accepted of all referrals (20 of 31) would not.
    assert statuses.share(["accepted"], ["accepted", "declined"]) is None
    assert statuses.share(["accepted"], ["accepted", "declined", "submitted"]) == 20 / 31
