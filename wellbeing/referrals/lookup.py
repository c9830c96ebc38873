"""Finding a referral from what a link worker types: a reference, an NHS number, a date of
birth or a name. One reading of the search box for the queue page and the API's ``q``.

Staff only: the callers check the role; this only builds the condition.
"""

import re
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, false, func, or_

from wellbeing.referrals.models import TEXT_LIMITS, Referral
from wellbeing.referrals.services import REFERENCE_ALPHABET, REFERENCE_LENGTH

MAX_WORDS = 4
REFERENCE = re.compile(
    rf"(?:WB)?-?\s*([{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}})", re.IGNORECASE
)
NHS_NUMBER = re.compile(r"\d{3}[\s-]?\d{3}[\s-]?\d{4}")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y")


class SearchTooLong(ValueError):
    pass


def _birth_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _like_prefix(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _name(words: list[str]) -> ColumnElement[bool]:
    """Every word starts the first or the last name (any case): 'jan smi' finds Jane Smith."""
    conditions = []
    for word in words[:MAX_WORDS]:
        pattern = _like_prefix(word)
        conditions.append(
            or_(
                func.lower(Referral.given_name).like(pattern, escape="\\"),
                func.lower(Referral.family_name).like(pattern, escape="\\"),
            )
        )
    return and_(*conditions)


def matching(text: str) -> ColumnElement[bool] | None:
    """The condition for referrals matching ``text``, or None when there is nothing to match.

    A reference ('WB-7K3QF2', 'wb 7k3qf2', '7K3QF2') or an NHS number ('943 476 5919') or a date
    of birth ('1980-03-27', '27/03/1980') matches exactly; anything else is read as a name.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) > TEXT_LIMITS["search"]:
        raise SearchTooLong(f"Search for {TEXT_LIMITS['search']} characters or fewer")
    conditions: list[ColumnElement[bool]] = []
    reference = REFERENCE.fullmatch(text)
    if reference:
        conditions.append(Referral.reference == "WB-" + reference.group(1).upper())
    if NHS_NUMBER.fullmatch(text):
        conditions.append(Referral.nhs_number == re.sub(r"\D", "", text))
    born = _birth_date(text)
    if born is not None:
        conditions.append(Referral.date_of_birth == born)
    words = [w for w in re.split(r"[\s,]+", text) if w]
    if all(re.fullmatch(r"[^\W\d_][\w'.-]*", w) for w in words):
        conditions.append(_name(words))
    return or_(*conditions) if conditions else false()
