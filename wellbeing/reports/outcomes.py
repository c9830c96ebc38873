"""What became of the referrals made in the range, from their status now.

- Decided: accepted (now accepted, in progress, on hold, completed or closed with no contact,
  which all follow acceptance) or declined. Cancelled referrals (withdrawn by the referrer or the
  person) were not the service's decision and are left out. Accepted and declined rates are
  shares of the decided.
- Closed: completed, closed with no contact, declined or cancelled. Completed and no contact
  rates are shares of the closed.

A cohort: referrals made in the range, whatever date they were decided or closed, so a recent
range has more referrals still open. Every figure here is worked out from the status counts, so
it hides whatever those hide (``suppression``, rules 3 and 4).
"""

from dataclasses import dataclass

from wellbeing.referrals.models import ReferralStatus
from wellbeing.reports.suppression import Count, Partition

S = ReferralStatus
# Statuses by value, as ``figures`` keys its counts by status.
ACCEPTED = tuple(
    s.value for s in (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED, S.CLOSED_NO_CONTACT)
)
DECIDED = (*ACCEPTED, S.DECLINED.value)
CLOSED = tuple(s.value for s in (S.COMPLETED, S.CLOSED_NO_CONTACT, S.DECLINED, S.CANCELLED))
# (key, label, statuses counted, key of the statuses it is a share of)
RATES = (
    ("accepted", "Accepted", ACCEPTED, "decided"),
    ("declined", "Declined", (S.DECLINED.value,), "decided"),
    ("completed", "Completed", (S.COMPLETED.value,), "closed"),
    ("no_contact", "Closed: no contact", (S.CLOSED_NO_CONTACT.value,), "closed"),
    ("cancelled", "Cancelled", (S.CANCELLED.value,), "closed"),
)
WHOLES = {"decided": ("Decided", DECIDED), "closed": ("Closed", CLOSED)}


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    count: Count
    of: str  # "decided" or "closed"
    rate: float | None


@dataclass(frozen=True)
class Outcomes:
    decided: Count
    closed: Count
    rates: list[Rate]


def outcomes(by_status: Partition[str]) -> Outcomes:
    return Outcomes(
        decided=by_status.count(DECIDED),
        closed=by_status.count(CLOSED),
        rates=[
            Rate(
                key, label, by_status.count(statuses), of, by_status.share(statuses, WHOLES[of][1])
            )
            for key, label, statuses, of in RATES
        ],
    )
