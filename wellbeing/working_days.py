"""Working days between two UK dates, with the bank holidays of the person's own nation.

A referral's nation follows its postcode area: the Scottish areas below are Scotland, every
other postcode England and Wales (Northern Ireland's BT area has its own holidays too). The
area is the rule we were given: a few border districts (TD15, parts of TD12 and DG16) cross it.
Bank holidays come from the maintained ``holidays`` library, so next year's are known too.
"""

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache

import holidays
import numpy as np

from wellbeing.config import LONDON

SCOTTISH_AREAS = frozenset(
    {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE"}
)
NORTHERN_IRISH_AREAS = frozenset({"BT"})
_AREA_RE = re.compile(r"[A-Z]{1,2}")
# No referral is older than this; a date before it has no holidays to look up.
_FIRST_YEAR = 2000


class Nation(StrEnum):
    ENGLAND_AND_WALES = "ENG"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"


def postcode_area(postcode: str | None) -> str:
    """'G40 2QH' -> 'G'; 'GL1 1AA' -> 'GL'; '' when it does not start with letters."""
    match = _AREA_RE.match((postcode or "").strip().upper())
    return match.group(0) if match else ""


def nation_for_postcode(postcode: str | None) -> Nation:
    """Whose bank holidays apply: Scotland's, Northern Ireland's, else England and Wales's."""
    area = postcode_area(postcode)
    if area in SCOTTISH_AREAS:
        return Nation.SCOTLAND
    if area in NORTHERN_IRISH_AREAS:
        return Nation.NORTHERN_IRELAND
    return Nation.ENGLAND_AND_WALES


@cache
def _holidays(nation: Nation, year: int) -> tuple[date, ...]:
    return tuple(sorted(holidays.country_holidays("GB", subdiv=nation.value, years=year)))


def bank_holidays(nation: Nation, start: date, end: date) -> list[date]:
    """The nation's bank holidays from ``start`` to ``end`` inclusive."""
    years = range(max(start.year, _FIRST_YEAR), end.year + 1)
    return [day for year in years for day in _holidays(nation, year) if start <= day <= end]


def working_days_between(start: date, end: date, nation: Nation) -> int:
    """Working days after ``start`` up to and including ``end``: weekdays that are not the
    nation's bank holidays. A referral on Friday contacted on Monday took 1 working day."""
    if end <= start:
        return 0
    first, last = start + timedelta(days=1), end + timedelta(days=1)
    return int(np.busday_count(first, last, holidays=bank_holidays(nation, first, end)))


def uk_day(moment: datetime) -> date:
    """The day it was in the UK at this moment (moments are stored in UTC)."""
    return moment.astimezone(LONDON).date()


def working_days_since(postcode: str | None, since: datetime, until: datetime) -> int:
    """Working days between two moments, counted in UK dates with the person's bank holidays."""
    return working_days_between(uk_day(since), uk_day(until), nation_for_postcode(postcode))
