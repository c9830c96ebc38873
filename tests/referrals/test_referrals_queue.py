"""The link workers' queue: filters, order, counts, the first-contact target; and demo data."""

import re
from datetime import date, datetime, timedelta

from wellbeing.accounts.services import find_user_by_email
from wellbeing.audit import AuditEvent
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.casework import assign
from wellbeing.referrals.models import Referral
from wellbeing.referrals.queue import working_days_between
from wellbeing.referrals.visibility import visible_referrals
from wellbeing.referrals.workflow import transition


def references(response) -> list[str]:
    table = response.get_data(as_text=True).split('id="queue"')[-1]
    return re.findall(r">(WB-[A-Z0-9]{6})</a>", table)


def test_working_days_skip_weekends() -> None:
    friday = date(2026, 11, 20)
    assert working_days_between(friday, friday) == 0
    assert working_days_between(friday, date(2026, 11, 23)) == 1  # Monday
    assert working_days_between(friday, date(2026, 11, 27)) == 5
    assert working_days_between(friday, date(2026, 12, 4)) == 10


def test_the_queue_filters_and_sorts(client, login_as, make_referral, needs) -> None:
    me = login_as("link_worker")
    oldest = make_referral(postcode="G40 2QH", need_ids=[needs.debt.id])
    urgent = make_referral(urgency="urgent")
    mine = make_referral()
    closed = make_referral()
    oldest.created_at = utcnow() - timedelta(days=20)
    assign(mine, me, me)
    transition(closed, "declined", me, "Not for us")
    db.session.commit()

    assert references(client.get("/referrals/queue")) == [
        oldest.reference,
        urgent.reference,
        mine.reference,
    ]
    assert references(client.get("/referrals/queue?status=declined")) == [closed.reference]
    assert len(references(client.get("/referrals/queue?status=all"))) == 4
    assert references(client.get("/referrals/queue?urgency=urgent")) == [urgent.reference]
    assert references(client.get("/referrals/queue?assigned=me")) == [mine.reference]
    assert mine.reference not in references(client.get("/referrals/queue?assigned=unassigned"))
    assert references(client.get("/referrals/queue?area=g40")) == [oldest.reference]
    assert references(client.get("/referrals/queue?area=%25")) == references(
        client.get("/referrals/queue")
    )  # a LIKE wildcard typed in is ignored, not obeyed
    # A need group finds referrals with any of its terms.
    assert references(client.get(f"/referrals/queue?need={needs.money.id}")) == [oldest.reference]


def test_counts_and_the_first_contact_target(client, login_as, make_referral) -> None:
    link_worker = login_as("link_worker")
    waiting = make_referral()
    reached = make_referral()
    for referral in (waiting, reached):
        referral.created_at = datetime(2026, 1, 5, 9, tzinfo=utcnow().tzinfo)  # long ago
    transition(reached, "accepted", link_worker)
    from wellbeing.referrals.casework import record_contact_attempt

    record_contact_attempt(reached, link_worker, "phone", "reached")
    db.session.commit()
    body = client.get("/referrals/queue").get_data(as_text=True)
    assert "Submitted: <strong>1</strong>" in body and "Accepted: <strong>1</strong>" in body
    rows = body.split('id="queue"')[-1].split("<tr")
    waiting_row = next(row for row in rows if waiting.reference in row)
    reached_row = next(row for row in rows if reached.reference in row)
    assert "Past target" in waiting_row and "Past target" not in reached_row


def test_queue_views_are_audited_per_referral(client, login_as, make_referral) -> None:
    link_worker = login_as("link_worker")
    shown = [make_referral(), make_referral()]
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    client.get("/referrals/queue")
    client.get(f"/referrals/{shown[0].id}")
    rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert sorted((r.action, r.subject_id) for r in rows) == sorted(
        [
            ("referral.list", shown[0].id),
            ("referral.list", shown[1].id),
            ("referral.view", shown[0].id),
        ]
    )
    assert {r.actor_id for r in rows} == {link_worker.id}


def test_demo_seed_adds_referrals_once_and_production_seed_none(app, runner) -> None:
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert db.session.execute(db.select(Referral)).first() is None
    app.config["WELLBEING_DEMO_PASSWORD"] = "a long demo password"  # from the environment
    result = runner.invoke(args=["seed", "--demo"])
    assert "Demo referrals: 5 created" in result.output
    statuses = db.session.execute(db.select(Referral.status)).scalars().all()
    assert sorted(statuses) == ["accepted", "completed", "declined", "in_progress", "submitted"]
    again = runner.invoke(args=["seed", "--demo"])
    assert "Demo referrals: 0 created, 5 already there" in again.output
    resident = find_user_by_email("resident@example.org")
    assert [r.given_name for r in db.session.execute(visible_referrals(resident)).scalars()] == [
        "Robin"
    ]
