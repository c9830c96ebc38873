"""Checks on what people type about a referral; each raises FieldError with a message.

The same functions serve the HTML forms and the JSON API, with the bounds in ``models``.
"""

import re
from collections.abc import Sequence
from datetime import date

from email_validator import EmailNotValidError, validate_email

from wellbeing.directory.geo import PostcodeError, normalise_postcode
from wellbeing.inputs import is_safe, is_single_line
from wellbeing.referrals.models import LIST_LIMITS, MULTI_LINE_FIELDS, TEXT_LIMITS

OLDEST_AGE = 120
NHS_NUMBER_WEIGHTS = range(10, 1, -1)


class FieldError(ValueError):
    """A value that is not right; the message tells the person how to put it right."""


ONE_LINE = "Must be one line, without line breaks, tabs or other special characters"
FREE_TEXT = "Must not contain special characters (line breaks and tabs are fine)"
LIST_NOUNS = {"need_ids": "things to help with", "suggested_service_ids": "services"}


def check_text(name: str, text: str) -> str:
    """``text`` when it fits the field ``name``: not too long, and one line unless the field is
    free text (``MULTI_LINE_FIELDS``)."""
    most = TEXT_LIMITS[name]
    if len(text) > most:
        raise FieldError(f"Must be {most:,} characters or fewer")
    if name in MULTI_LINE_FIELDS:
        if not is_safe(text):
            raise FieldError(FREE_TEXT)
    elif not is_single_line(text):
        raise FieldError(ONE_LINE)
    return text


def check_list(name: str, items: Sequence[object]) -> None:
    """No more items than the list ``name`` takes (``LIST_LIMITS``)."""
    most = LIST_LIMITS[name]
    if len(items) > most:
        raise FieldError(f"Choose no more than {most} {LIST_NOUNS[name]}")


def clean_nhs_number(text: str) -> str:
    """'943 476 5919' -> '9434765919'; refuses numbers failing the Modulus 11 check."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise FieldError("NHS number must be 10 digits, like 943 476 5919")
    total = sum(int(d) * w for d, w in zip(digits[:9], NHS_NUMBER_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise FieldError("Enter a valid NHS number: check the 10 digits are correct")
    return digits


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def clean_date_of_birth(born: date, today: date | None = None) -> date:
    """A date of birth in the past and no more than 120 years ago."""
    today = today or date.today()
    if born > today:
        raise FieldError("Date of birth must be in the past")
    if _years_between(born, today) > OLDEST_AGE:
        raise FieldError(f"Date of birth must be within the last {OLDEST_AGE} years")
    return born


def clean_postcode(text: str) -> str:
    """A full UK postcode, formatted 'GL1 1AA'."""
    try:
        postcode = normalise_postcode(text)
    except PostcodeError as error:
        raise FieldError(str(error)) from error
    if " " not in postcode:
        raise FieldError("Enter a full postcode, like GL1 1AA")
    return postcode


def clean_phone(text: str) -> str:
    """A UK phone number, digits only with a leading 0 (or +44 for international format)."""
    compact = re.sub(r"[\s()-]", "", text or "")
    if compact.startswith("+44"):
        compact = "0" + compact[3:].lstrip("0")
    if not re.fullmatch(r"0\d{9,10}", compact):
        raise FieldError("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
    return compact


def clean_email(text: str) -> str:
    """An email address in a correct format (not checked for delivery: no network)."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise FieldError(
            "Enter an email address in the correct format, like name@example.org"
        ) from error
