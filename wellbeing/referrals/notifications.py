"""What the service tells people about a referral, written to the outbox (``wellbeing.outbox``)
in the same transaction as the change: the referral's reference and status only, never names or
health details.
"""

from flask import current_app

from wellbeing.outbox import queue_email
from wellbeing.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralSource,
    ReferralStatus,
)

RESIDENT_MEANING = {
    ReferralStatus.ACCEPTED: "A link worker will contact you soon.",
    ReferralStatus.IN_PROGRESS: "A link worker is working with you.",
    ReferralStatus.ON_HOLD: "Your request is paused for now.",
    ReferralStatus.COMPLETED: "Your link worker has finished working with you.",
    ReferralStatus.DECLINED: "We cannot help with this request.",
    ReferralStatus.CANCELLED: "Your request has been cancelled.",
    ReferralStatus.CLOSED_NO_CONTACT: "We tried to contact you but could not reach you.",
}


def _queue(referral: Referral, recipient: str | None, audience: str, subject: str, body: str):
    queue_email(recipient, audience, subject, body, referral_id=referral.id)


def _link(path: str) -> str:
    return current_app.config["WELLBEING_BASE_URL"].rstrip("/") + path


def queue_new_referral(referral: Referral) -> None:
    """Tell the service's inbox (when configured) that a referral is waiting."""
    urgency = "An urgent" if referral.urgency == "urgent" else "A new"
    _queue(
        referral,
        current_app.config["WELLBEING_SERVICE_INBOX"],
        "service",
        f"New referral {referral.reference}",
        f"{urgency} referral, {referral.reference}, is waiting in the referral queue.\n\n"
        f"Sign in to see it: {_link(f'/referrals/{referral.id}')}\n",
    )


def referrer_email(referral: Referral) -> str | None:
    """The referrer's account's email: never an address typed on a form."""
    if referral.source == ReferralSource.SELF or referral.created_by is None:
        return None
    return referral.created_by.email


def _to_referrer(referral: Referral, status: ReferralStatus) -> tuple[str, str]:
    """The referrer's subject and body. On completion it says the outcome summary (the message
    back) is ready and links to it: the summary itself is read after signing in."""
    if status is ReferralStatus.COMPLETED:
        return (
            f"Referral {referral.reference}: {status.label}, outcome summary ready",
            f"Referral {referral.reference} is now: {status.label}.\n\n"
            "The outcome summary, what was done and what changed, is ready for you.\n"
            f"Sign in to read it: {_link(f'/referrals/{referral.id}/summary')}\n",
        )
    return (
        f"Referral {referral.reference}: {status.label}",
        f"Referral {referral.reference} is now: {status.label}.\n\n"
        f"Sign in to see the details: {_link(f'/referrals/{referral.id}')}\n",
    )


def queue_status_change(referral: Referral, event: ReferralEvent) -> None:
    """Tell the referrer and, when they gave an email, the person referred; not the actor."""
    status = ReferralStatus(event.to_status)
    actor_email = event.actor.email if event.actor else None
    to_referrer = referrer_email(referral)
    if to_referrer != actor_email:
        _queue(referral, to_referrer, "referrer", *_to_referrer(referral, status))
    if referral.email and referral.email != actor_email:
        _queue(
            referral,
            referral.email,
            "resident",
            f"Your request for help {referral.reference}: {status.label}",
            f"Your request for help, reference {referral.reference}, is now: {status.label}.\n"
            f"{RESIDENT_MEANING.get(status, '')}\n\n"
            f"Check its progress with your reference and date of birth: "
            f"{_link('/referrals/status')}\n",
        )
