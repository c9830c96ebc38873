"""The password policy, applied wherever a password is set: the set-password and change-password
pages, ``flask users create`` and the demo accounts.

A password is long enough (12 characters), not so long that hashing it is a burden (128), not one
of 20,000 common passwords (data/common-passwords.txt.gz, BSD-3-Clause, from Django) however it
is dressed up (capitals, digits or symbols at either end, "@" for "a", "0" for "o"), and does not
contain the person's name or email address.
"""

import gzip
import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"

TOO_SHORT = f"Your password must be at least {MIN_LENGTH} characters"
TOO_LONG = f"Your password must be {MAX_LENGTH} characters or fewer"
TOO_COMMON = (
    "Your password is too easy to guess because it is a common password. Try 3 random words instead"
)
TOO_PERSONAL = "Your password must not contain your name or email address"

# Digits, symbols and spaces people add at either end of a common word ("Password1234!").
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
# Characters that stand in for letters ("p@ssw0rd"); "1", "!" and "|" stand for "i" or "l".
_LOOKALIKES = {"@": "a", "4": "a", "8": "b", "3": "e", "6": "g", "9": "g", "0": "o"}
_LOOKALIKES |= {"5": "s", "$": "s", "7": "t", "+": "t", "2": "z"}
_SUBSTITUTIONS = tuple(
    str.maketrans(_LOOKALIKES | {"1": letter, "!": letter, "|": letter}) for letter in "il"
)
# Parts of a name or email address shorter than this are too common to refuse ("al", "dr").
_MIN_PERSONAL_PART = 4


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lower case, read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _guessable_forms(password: str) -> set[str]:
    """The password as someone guessing it would try it: lower case, unpadded, de-substituted."""
    lower = password.lower()
    forms = {lower, _PADDING.sub("", lower)}
    for table in _SUBSTITUTIONS:
        forms |= {form.translate(table) for form in list(forms)}
    return forms | {_PADDING.sub("", form) for form in forms}


def is_common(password: str) -> bool:
    return not common_passwords().isdisjoint(_guessable_forms(password))


def _personal_parts(email: str, name: str) -> set[str]:
    """The email's local part (as a whole and in pieces) and the words of the name, lower case."""
    local = email.rpartition("@")[0] if "@" in email else email
    whole = _NOT_LETTER_OR_DIGIT.sub("", local.lower())
    pieces = _NOT_LETTER_OR_DIGIT.split(f"{local} {name}".lower())
    parts = {piece for piece in pieces if len(piece) >= _MIN_PERSONAL_PART}
    return parts | ({whole} if len(whole) >= 3 else set())


def is_personal(password: str, email: str = "", name: str = "") -> bool:
    parts = _personal_parts(email, name)
    forms = {_NOT_LETTER_OR_DIGIT.sub("", form) for form in _guessable_forms(password)}
    return any(part in form for part in parts for form in forms)


def problem(password: str, email: str = "", name: str = "") -> str | None:
    """What is wrong with ``password`` for this person, said to them; None when it will do."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if is_common(password):
        return TOO_COMMON
    if is_personal(password, email, name):
        return TOO_PERSONAL
    return None
