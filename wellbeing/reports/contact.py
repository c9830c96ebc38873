"""Time from referral to first contact, in working days with the person's bank holidays, and
who is waiting now.

- Days: working days after the UK day the referral arrived up to the UK day someone first
  reached the person (``first_contact_at``): arrived on Friday, reached on Monday is 1 day.
- Median and 90th percentile: over the referrals reached (the 90th percentile is the day count
  that 90% of them were reached within: the nearest-rank method, a day count someone had).
- Within target: of the referrals whose answer is known, the share reached within the target
  (``REFERRAL_FIRST_CONTACT_WORKING_DAYS``). Known: reached, or never reached and already past
  the target (still open and waiting longer, or closed because nobody could be reached).
  Referrals still inside the target, and those declined or cancelled before anyone was
  reached, are not counted either way.
- Waiting now: open referrals nobody has reached, made at any date, and the longest wait.
"""

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from wellbeing.referrals.models import ReferralStatus
from wellbeing.reports.cohort import ReferralRow
from wellbeing.reports.suppression import Count, Partition, enough_people
from wellbeing.working_days import working_days_since

WITHIN, LATER, NOT_REACHED = "within_target", "after_target", "not_reached_past_target"
CONTACT_LABELS = {
    WITHIN: "Reached within the target",
    LATER: "Reached after the target",
    NOT_REACHED: "Not reached, past the target",
}
STILL_WITHIN, PAST = "within_target", "past_target"
WAITING_LABELS = {STILL_WITHIN: "Waiting, still within the target", PAST: "Waiting past the target"}


def first_contact_target() -> int:
    return int(current_app.config["REFERRAL_FIRST_CONTACT_WORKING_DAYS"])


def percentile(days: Sequence[int], share: float) -> int:
    """The nearest-rank percentile of a non-empty list."""
    ordered = sorted(days)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


@dataclass(frozen=True)
class FirstContact:
    target: int
    parts: Partition[str]
    median_days: float | None
    p90_days: int | None
    within_target: float | None

    @property
    def reached(self) -> Count:
        return self.parts.count([WITHIN, LATER])


@dataclass(frozen=True)
class WaitingNow:
    target: int
    parts: Partition[str]
    longest_days: int | None

    @property
    def count(self) -> int | str:
        return self.parts.shown_total


def first_contact(rows: Sequence[ReferralRow], now: datetime) -> FirstContact:
    target = first_contact_target()
    days: list[int] = []
    not_reached = 0
    for row in rows:
        if row.first_contact_at is not None:
            days.append(working_days_since(row.postcode, row.created_at, row.first_contact_at))
        elif row.status is ReferralStatus.CLOSED_NO_CONTACT or (
            row.status.is_open and working_days_since(row.postcode, row.created_at, now) > target
        ):
            not_reached += 1
    within = sum(1 for d in days if d <= target)
    parts = Partition({WITHIN: within, LATER: len(days) - within, NOT_REACHED: not_reached})
    return FirstContact(
        target=target,
        parts=parts,
        median_days=enough_people(statistics.median(days) if days else None, len(days)),
        p90_days=int(p90) if (p90 := _p90(days)) is not None else None,
        within_target=parts.share([WITHIN], [WITHIN, LATER, NOT_REACHED]),
    )


def _p90(days: Sequence[int]) -> float | None:
    return enough_people(percentile(days, 0.9) if days else None, len(days))


def waiting_now(rows: Sequence[ReferralRow], now: datetime) -> WaitingNow:
    target = first_contact_target()
    waits = [working_days_since(row.postcode, row.created_at, now) for row in rows]
    past = sum(1 for wait in waits if wait > target)
    longest = enough_people(max(waits) if waits else None, len(waits))
    return WaitingNow(
        target=target,
        parts=Partition({STILL_WITHIN: len(waits) - past, PAST: past}),
        longest_days=int(longest) if longest is not None else None,
    )
