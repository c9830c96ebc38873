"""Referral test helpers: a valid NHS number, the need groups and a draft referral."""

from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from wellbeing.directory.models import TaxonomyTerm
from wellbeing.referrals.services import ReferralDraft

VALID_NHS_NUMBER = "9434765919"


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
    """What the test SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Try again later"
        self.messages.append(BytesParser(policy=default_policy).parsebytes(envelope.content))
        return "250 OK"
