"""Small-number suppression: what of a count or a figure may be shown without singling anyone out.

The rules, the same in pages, CSV files and JSON:

1. A count from 1 to 4 is shown as "<5"; 0 is shown as 0.
2. In a table whose counts add up to a total that is shown (referrals by source, status, month or
   practice; connections by service), the hidden counts must add up to 5 or more: otherwise the
   next smallest count is hidden too ("not shown"; null in JSON), so that nobody can take the
   shown counts from the total and find the small one.
3. A count made by adding cells of such a table (referrals accepted: accepted, in progress, on
   hold, completed, closed with no contact) is shown only when it holds none of the hidden cells
   or all of them; either way it tells nothing the table does not.
4. A figure worked out from people (a median, a percentile, a mean, a share) is not shown when
   fewer than 5 people are behind it. A share is also not shown when the people it counts, or
   those it does not count, are 1 to 4, and is worked out only from counts that are shown.

Lists where one referral may count more than once (needs, areas, service categories) have no
total to subtract from, so only rule 1 applies to them. Figures for different filters can be
subtracted from each other (all referrals minus those from GP practices): suppression protects
each report, not every combination of reports, which is why reports are for named commissioners
and every one of them is audited.
"""

from collections.abc import Collection, Hashable, Mapping
from typing import Generic, TypeVar

THRESHOLD = 5
SMALL = "<5"
# In pages and CSV files: a count hidden by rule 2, or a figure hidden by rule 4.
HIDDEN = "not shown"
FEWER_THAN_5 = "not shown: fewer than 5 people"

# A count as shown: exact, "<5" (1 to 4), or None (hidden so that a small count stays hidden).
Count = int | str | None
K = TypeVar("K", bound=Hashable)


def is_small(number: int) -> bool:
    return 0 < number < THRESHOLD


def shown_count(number: int) -> int | str:
    """Rule 1: 0 as 0, 1 to 4 as "<5", 5 and over exactly."""
    return SMALL if is_small(number) else number


def counts(numbers: Mapping[K, int]) -> dict[K, int | str]:
    """Rule 1 alone, for lists whose counts overlap."""
    return {key: shown_count(number) for key, number in numbers.items()}


def enough_people(value: float | None, people: int) -> float | None:
    """Rule 4 for a statistic: the value when at least 5 people are behind it, else None."""
    return value if value is not None and people >= THRESHOLD else None


class Partition(Generic[K]):
    """Counts that split one set of referrals (or connections) into parts adding up to its
    total, as they may be shown (rules 1 and 2), with the counts and shares that may be
    worked out from them (rules 3 and 4). Keys keep their order."""

    def __init__(self, numbers: Mapping[K, int]) -> None:
        self.numbers = dict(numbers)
        self.total = sum(self.numbers.values())
        self.hidden = self._hidden()
        self.shown: dict[K, Count] = {
            key: None if key in self.hidden and not is_small(n) else shown_count(n)
            for key, n in self.numbers.items()
        }

    def _hidden(self) -> set[K]:
        hidden = {key for key, n in self.numbers.items() if is_small(n)}
        if self.total < THRESHOLD:
            return hidden  # the total is "<5" itself: nothing to take the shown counts from
        rest = sorted(
            (n, index, key) for index, (key, n) in enumerate(self.numbers.items()) if n >= THRESHOLD
        )
        while hidden and sum(self.numbers[key] for key in hidden) < THRESHOLD and rest:
            hidden.add(rest.pop(0)[2])
        return hidden

    @property
    def shown_total(self) -> int | str:
        return shown_count(self.total)

    def count(self, keys: Collection[K]) -> Count:
        """Rule 3: the sum of these cells, unless it would single out some hidden ones."""
        inside = self.hidden & set(keys)
        if inside and inside != self.hidden:
            return None
        return shown_count(sum(self.numbers[key] for key in keys))

    def share(self, keys: Collection[K], of: Collection[K]) -> float | None:
        """Rule 4: the share of the ``of`` cells that the ``keys`` cells hold, 0 to 1."""
        rest = [key for key in of if key not in keys]
        part, whole, others = self.count(keys), self.count(of), self.count(rest)
        if not (isinstance(part, int) and isinstance(whole, int) and isinstance(others, int)):
            return None
        if whole < THRESHOLD:
            return None
        return part / whole
