"""The alert on many reads: when one account views more than WELLBEING_AUDIT_ALERT_REFERRALS
different referrals within an hour, every active administrator is emailed once (no more than
once an hour per account), naming the account and linking to its reads, and nothing else."""

import uuid
from datetime import timedelta

import pytest

from tests.support.factories import make_user
from wellbeing import audit
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.outbox import Notification

THRESHOLD = 3


@pytest.fixture
def admins(app):
    app.config["WELLBEING_AUDIT_ALERT_REFERRALS"] = THRESHOLD
    people = [
        make_user(Role.ADMIN, email="ig.lead@wellbeing.example.org"),
        make_user(Role.ADMIN, email="deputy@wellbeing.example.org"),
        make_user(Role.ADMIN, email="gone@wellbeing.example.org", active=False),
    ]
    db.session.commit()
    return people


@pytest.fixture
def reader(app, admins):
    worker = make_user(Role.LINK_WORKER, name="Casey Reader")
    db.session.commit()
    return worker


def _alerts() -> list[Notification]:
    return list(db.session.execute(db.select(Notification).order_by(Notification.id)).scalars())


def _view(app, user, referral_ids, action="referral.view") -> None:
    with app.test_request_context():
        for referral_id in referral_ids:
            audit.record(user, action, "referral", referral_id)
        db.session.commit()


def _ids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


def test_as_many_as_the_threshold_is_no_alert(app, reader) -> None:
    ids = _ids(THRESHOLD)
    _view(app, reader, ids + ids)  # the same referrals again count once
    assert _alerts() == []


def test_one_more_emails_every_active_admin(app, reader, admins) -> None:
    _view(app, reader, _ids(THRESHOLD + 1))
    alerts = _alerts()
    assert sorted(alert.recipient for alert in alerts) == [
        "deputy@wellbeing.example.org",
        "ig.lead@wellbeing.example.org",
    ]
    alert = alerts[0]
    assert alert.audience == "admin" and alert.referral_id is None
    assert f"account {reader.id}" in alert.subject
    assert f"Account {reader.id} (Casey Reader)" in alert.body
    assert f"viewed {THRESHOLD + 1} different referrals" in alert.body
    assert f"/admin/audit?actor=user:{reader.id}&from=" in alert.body
    assert "WB-" not in alert.body and "referral/" not in alert.body
    (event,) = db.session.execute(db.select(AuditEvent).filter_by(action="audit.alert")).scalars()
    assert (event.actor_id, event.subject_type, event.subject_id) == (None, "user", str(reader.id))
    assert event.detail == {
        "via": "alert",
        "referrals": THRESHOLD + 1,
        "threshold": THRESHOLD,
        "admins": 2,
    }


def test_only_one_alert_an_hour(app, reader) -> None:
    _view(app, reader, _ids(THRESHOLD + 1))
    _view(app, reader, _ids(THRESHOLD * 3))
    assert len(_alerts()) == 2  # one email to each of the two admins, once
    # An hour later, the alert and the reads before it are past: more reads alert again.
    for event in db.session.execute(db.select(AuditEvent)).scalars():
        event.at -= timedelta(minutes=61)
    db.session.commit()
    _view(app, reader, _ids(THRESHOLD))
    assert len(_alerts()) == 2
    _view(app, reader, _ids(1))
    assert len(_alerts()) == 4


def test_reads_more_than_an_hour_ago_do_not_count(app, reader) -> None:
    _view(app, reader, _ids(THRESHOLD))
    for event in db.session.execute(db.select(AuditEvent)).scalars():
        event.at -= timedelta(minutes=61)
    db.session.commit()
    _view(app, reader, _ids(THRESHOLD))
    assert _alerts() == []


def test_parts_of_a_referral_count_as_reads(app, reader) -> None:
    with app.test_request_context():
        for action in ("referral.notes_view", "referral.goals_view", "referral.summary_view"):
            audit.record(reader, action, "referral", str(uuid.uuid4()))
        audit.record(reader, "referral.measures_view", "referral", str(uuid.uuid4()))
        db.session.commit()
    assert len(_alerts()) == 2


def test_lists_changes_and_refused_reads_do_not_count(app, reader) -> None:
    """A page of the queue shows 50 referrals: lists are a link worker's ordinary day."""
    with app.test_request_context():
        audit.record_many(reader, "referral.list", "referral", _ids(THRESHOLD * 20))
        for referral_id in _ids(THRESHOLD + 1):
            audit.record(reader, "referral.assign", "referral", referral_id)
            audit.record(reader, "referral.view_refused", "referral", referral_id)
        db.session.commit()
    assert _alerts() == []


def test_reading_referral_pages_raises_the_alert(client, login_as, admins, add_referral) -> None:
    """Through the pages, as a link worker would: the (N+1)th different referral alerts."""
    referrals = [add_referral() for _ in range(THRESHOLD + 1)]
    login_as("link_worker", name="Casey Reader")
    for referral in referrals[:THRESHOLD]:
        assert client.get(f"/referrals/{referral.id}").status_code == 200
        assert client.get(f"/referrals/{referral.id}").status_code == 200
    assert _alerts() == []
    assert client.get(f"/referrals/{referrals[-1].id}").status_code == 200
    assert len(_alerts()) == 2
