"""Referral test helpers: a valid NHS number, the need groups, a draft referral, the forms
and API bodies filled in, and a test SMTP server's mailbox."""

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral
from wellbeing.referrals.services import ReferralDraft

VALID_NHS_NUMBER = "9434765919"
MANY = 70_000  # more bind parameters than SQLite or PostgreSQL take in one statement


def many_ids(count: int) -> list[str]:
    """``count`` distinct ids shaped like ours (UUIDs), none of them known."""
    return [str(uuid.UUID(int=number)) for number in range(count)]


def referral_count() -> int:
    return len(db.session.execute(db.select(Referral.id)).all())


@dataclass
class Needs:
    loneliness: TaxonomyTerm
    befriending: TaxonomyTerm
    money: TaxonomyTerm
    debt: TaxonomyTerm
    all: list[TaxonomyTerm] = field(default_factory=list)


def draft_for(needs: Needs, **overrides: Any) -> ReferralDraft:
    values: dict[str, Any] = {
        "given_name": "Alex",
        "family_name": "Rivers",
        "date_of_birth": date(1956, 4, 23),
        "postcode": "gl1 3ab",
        "phone": "01632 960 123",
        "email": "alex.rivers@example.org",
        "what_matters": "Since my wife died I rarely leave the house; I used to love singing.",
        "need_ids": [needs.loneliness.id],
        "consent": True,
    }
    values.update(overrides)
    return ReferralDraft(**values)


class Mailbox:
    """What the test SMTP server received; it can refuse messages, or recipients (echoing the
    address, as real servers do), and take its time over each message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self.refuse_recipients = False
        self.delay = 0.0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return "451 Try again later"
        self.messages.append(BytesParser(policy=default_policy).parsebytes(envelope.content))
        return "250 OK"


def self_referral_form(needs: Needs, **overrides: Any) -> dict[str, Any]:
    """The self-referral form filled in; an override of None leaves the field out."""
    data = {
        "given_name": "Sam",
        "family_name": "O'Neill",
        "date_of_birth[day]": "3",
        "date_of_birth[month]": "4",
        "date_of_birth[year]": "1970",
        "postcode": "gl1 3ab",
        "phone": "07700 900 982",
        "email": "sam@example.org",
        "preferred_contact": "text",
        "need_ids": [needs.loneliness.id, needs.money.id],
        "what_matters": "I feel on my own since I moved here & I'd like to meet people.",
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def referrer_form(needs: Needs, **overrides: Any) -> dict[str, Any]:
    """The referrer form filled in and sent; an override of None leaves the field out."""
    data = {
        "source": "gp",
        "given_name": "Alex",
        "family_name": "Rivers",
        "date_of_birth[day]": "23",
        "date_of_birth[month]": "4",
        "date_of_birth[year]": "1956",
        "nhs_number": "943 476 5919",
        "postcode": "GL1 3AB",
        "phone": "01632 960 123",
        "need_ids": [needs.loneliness.id, needs.befriending.id],
        "what_matters": "Widowed last year, rarely goes out.",
        "urgency": "routine",
        "consent": "y",
        "action": "send",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def referral_body(needs: Needs, **overrides: Any) -> dict[str, Any]:
    """A JSON body for POST /api/referrals; ``person`` overrides merge into the person."""
    person = {
        "given_name": "Alex",
        "family_name": "Rivers",
        "date_of_birth": "1956-04-23",
        "nhs_number": "943 476 5919",
        "postcode": "gl1 3ab",
        "email": "alex@example.org",
        "phone": "01632 960 123",
    }
    replacement = overrides.pop("person", {})
    values = {
        "person": {**person, **replacement} if isinstance(replacement, dict) else replacement,
        "reasons": [needs.loneliness.id, needs.debt.id],
        "details": "Rarely leaves the house; would like company and help with debts.",
        "urgency": "routine",
        "consent": True,
    }
    values.update(overrides)
    return values
