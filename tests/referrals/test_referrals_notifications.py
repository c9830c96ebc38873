"""The outbox is sent by `flask notifications send` to a real SMTP server on localhost."""

import logging
import smtplib
import threading
from collections import Counter
from datetime import timedelta

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.outbox import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    Notification,
    NotificationStatus,
    SendReport,
    _finish,
    claim_next,
    describe_failure,
    send_pending,
)
from wellbeing.referrals.workflow import transition


def rows() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Notification).order_by(Notification.id)).scalars())


def outbox(count: int) -> list[str]:
    """``count`` due messages, each to its own address; returns the addresses."""
    recipients = [f"person{number}@example.org" for number in range(count)]
    db.session.add_all(
        Notification(recipient=to, audience="resident", subject=f"Message {n}", body="News")
        for n, to in enumerate(recipients)
    )
    db.session.commit()
    return recipients


def test_send_delivers_the_outbox_and_marks_it_sent(app, runner, smtp_server, make_referral):
    app.config["WELLBEING_SERVICE_INBOX"] = "inbox@wellbeing.example.org"
    referral = make_referral(email="alex@example.org")
    transition(referral, "accepted", make_user(Role.LINK_WORKER))
    db.session.commit()

    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2; 0 to retry later; 0 failed" in result.output
    received = {message["To"]: message for message in smtp_server.messages}
    assert set(received) == {"inbox@wellbeing.example.org", "alex@example.org"}
    resident = received["alex@example.org"]
    assert resident["Subject"] == f"Your request for help {referral.reference}: Accepted"
    assert resident["From"] == "wellbeing@example.org"
    text = resident.get_content()
    assert referral.reference in text and "/referrals/status" in text
    for secret in ("Alex", "Rivers", "singing", "1956"):
        assert secret not in text
    assert {row.status for row in rows()} == {"sent"}

    again = runner.invoke(args=["notifications", "send"])
    assert "Sent 0" in again.output and len(smtp_server.messages) == 2  # nothing twice


def test_failures_back_off_then_give_up(app, runner, smtp_server, make_referral) -> None:
    app.config["WELLBEING_SERVICE_INBOX"] = "inbox@wellbeing.example.org"
    make_referral()
    smtp_server.refuse = True
    result = runner.invoke(args=["notifications", "send"])
    assert "Sent 0; 1 to retry later" in result.output
    [row] = rows()
    assert row.status == "pending" and row.attempts == 1 and "451" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=90)  # 2 minutes after try 1

    assert "Sent 0; 0 to retry" in runner.invoke(args=["notifications", "send"]).output  # not due
    for _ in range(MAX_ATTEMPTS - 1):
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        runner.invoke(args=["notifications", "send"])
        row = rows()[0]
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS

    smtp_server.refuse = False
    assert "Sent 0" in runner.invoke(args=["notifications", "send"]).output


def test_two_overlapping_senders_send_each_message_once(app, smtp_server) -> None:
    """Two real senders, each with its own connection, racing over one outbox."""
    recipients = outbox(30)
    smtp_server.delay = 0.02  # each message takes a while, so the two runs overlap throughout
    start = threading.Barrier(2, timeout=10)
    reports: list[SendReport] = []
    errors: list[BaseException] = []

    def sender() -> None:
        with app.app_context():  # its own session and database connection
            try:
                start.wait()
                reports.append(send_pending(limit=100))
            except BaseException as error:  # the assertion below reports it
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    delivered = Counter(message["To"] for message in smtp_server.messages)
    assert delivered == Counter(recipients)  # every message, and none twice
    assert sorted(report.sent > 0 for report in reports) == [True, True]  # they did overlap
    assert sum(report.sent for report in reports) == len(recipients)
    assert {row.status for row in rows()} == {"sent"}


def test_a_claim_is_taken_by_one_sender_only(app) -> None:
    outbox(3)
    claimed = [claim_next(f"sender{n}") for n in range(4)]
    db.session.commit()
    assert claimed[3] is None and len(set(claimed[:3])) == 3
    assert [row.claim_token for row in rows()] == ["sender0", "sender1", "sender2"]


def test_a_dead_senders_claim_is_taken_over_and_its_late_result_ignored(app, smtp_server):
    outbox(1)
    dead = claim_next("dead")
    db.session.commit()
    assert claim_next("alive") is None  # a fresh claim stands
    later = utcnow() + CLAIM_TIMEOUT + timedelta(minutes=1)
    assert claim_next("live", now=later) == dead  # an old one has expired
    db.session.commit()
    assert send_pending().sent == 0  # nothing else is due: the live claim is not taken again
    assert not _finish(dead, "dead", status=NotificationStatus.SENT)  # the dead sender is late
    db.session.commit()
    [row] = rows()
    assert row.claim_token == "live" and row.status == "sending"


def test_failures_are_recorded_and_logged_without_addresses(
    app, smtp_server, make_referral, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    app.config["WELLBEING_SERVICE_INBOX"] = "Service.Inbox@wellbeing.example.org"
    make_referral()
    smtp_server.refuse_recipients = True  # "550 5.1.1 <address>: Recipient address rejected"
    assert send_pending().retrying == 1
    [row] = rows()
    assert "550" in row.last_error and row.last_error.startswith("SMTPRecipientsRefused")
    # Ours, not the test SMTP server's own log ("mail.log"), which shows the whole conversation.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "not sent (try 1)" in logged  # it was logged, so the check below means something
    for text in (row.last_error, logged):
        for secret in ("service.inbox", "wellbeing.example.org", "@"):
            assert secret not in text.lower()


@pytest.mark.parametrize(
    ("error", "kept"),
    [
        (OSError("connect to alex.rivers@example.org failed"), "OSError: connect to"),
        (
            smtplib.SMTPDataError(554, b"Message for Alex.Rivers rejected"),
            "SMTPDataError: 554 Message for [address] rejected",
        ),
        (
            smtplib.SMTPSenderRefused(553, b"<x@y.org> no", "x@y.org"),
            "SMTPSenderRefused: 553 <[address]> no",
        ),
    ],
)
def test_failure_descriptions_hold_no_address(error, kept) -> None:
    described = describe_failure(error, "alex.rivers@example.org")
    assert described.startswith(kept)
    assert "alex" not in described.lower() and "@" not in described


def test_send_needs_an_smtp_host(runner) -> None:
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code != 0 and "Set WELLBEING_SMTP_HOST" in result.output


def test_send_takes_a_bounded_limit(app, runner, smtp_server) -> None:
    for limit in ("0", "10001", "x"):
        result = runner.invoke(args=["notifications", "send", "--limit", limit])
        assert result.exit_code == 2 and "--limit" in result.output
    outbox(3)
    assert "Sent 2;" in runner.invoke(args=["notifications", "send", "--limit", "2"]).output


def test_no_inbox_configured_means_no_inbox_message(make_referral) -> None:
    make_referral(email=None, phone="01632 960 123")
    assert rows() == []


def test_completion_tells_the_referrer_the_outcome_summary_is_ready(app, make_referral) -> None:
    """The referrer's email carries the reference and a link to the summary: never the
    person's name or the summary itself. The person's own email is as for any status."""
    gp = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    referral = make_referral(actor=gp)
    link_worker = make_user(Role.LINK_WORKER)
    for to in ("accepted", "in_progress"):
        transition(referral, to, link_worker)
    transition(referral, "completed", link_worker, summary="Joined the Tuesday choir.")
    db.session.commit()
    to_referrer = [n for n in rows() if n.audience == "referrer"][-1]
    assert to_referrer.recipient == gp.email
    assert to_referrer.subject == f"Referral {referral.reference}: Completed, outcome summary ready"
    base = app.config["WELLBEING_BASE_URL"].rstrip("/")
    assert f"{base}/referrals/{referral.id}/summary" in to_referrer.body
    to_person = [n for n in rows() if n.audience == "resident"][-1]
    assert to_person.subject == f"Your request for help {referral.reference}: Completed"
    assert "/referrals/status" in to_person.body
    for message in (to_referrer, to_person):
        for secret in ("Alex", "Rivers", "Tuesday choir", "1956"):
            assert secret not in message.subject + message.body


def test_a_sent_message_with_a_one_time_link_keeps_no_body(app, smtp_server) -> None:
    from wellbeing.outbox import SENT_BODY, queue_email

    queue_email("lee@example.org", "account", "Reset your password", "Link: https://x/reset/abc")
    queue_email("lee@example.org", "referrer", "Referral WB-AAAAAA", "Referral WB-AAAAAA is now:")
    db.session.commit()
    send_pending()
    bodies = {row.audience: row.body for row in rows()}
    assert bodies == {"account": SENT_BODY, "referrer": "Referral WB-AAAAAA is now:"}
    assert "reset/abc" in smtp_server.messages[0].get_content()
