"""The outbox is sent by `flask notifications send` to a real SMTP server on localhost."""

from datetime import timedelta

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.models import Notification
from wellbeing.referrals.notifications import MAX_ATTEMPTS, claim_batch
from wellbeing.referrals.workflow import transition


def rows() -> list[Notification]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Notification).order_by(Notification.id)).scalars())


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


def test_two_senders_never_claim_the_same_message(app, make_referral) -> None:
    app.config["WELLBEING_SERVICE_INBOX"] = "inbox@wellbeing.example.org"
    for _ in range(3):
        make_referral()
    now = utcnow()
    first = claim_batch(now, limit=2)
    db.session.commit()
    second = claim_batch(now, limit=10)
    db.session.commit()
    claims = [row.claim_token for row in rows()]
    assert claims.count(first) == 2 and claims.count(second) == 1


def test_a_dead_senders_claim_is_taken_over(app, make_referral) -> None:
    app.config["WELLBEING_SERVICE_INBOX"] = "inbox@wellbeing.example.org"
    make_referral()
    old = utcnow() - timedelta(hours=1)
    claim_batch(old, limit=10)
    db.session.commit()
    token = claim_batch(utcnow(), limit=10)
    db.session.commit()
    assert rows()[0].claim_token == token


def test_send_needs_an_smtp_host(runner) -> None:
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code != 0 and "Set WELLBEING_SMTP_HOST" in result.output


def test_no_inbox_configured_means_no_inbox_message(make_referral) -> None:
    make_referral(email=None, phone="01632 960 123")
    assert rows() == []
