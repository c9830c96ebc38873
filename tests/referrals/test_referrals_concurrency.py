"""Two link workers change one referral at the same moment: exactly one wins."""

import threading

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role, User
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral, ReferralEvent
from wellbeing.referrals.workflow import StaleReferral, transition


@pytest.mark.postgres_only
def test_two_connections_racing_exactly_one_wins(app, make_referral) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time, so two transactions never overlap there; "
            "the version check itself is tested on SQLite in test_referrals_workflow.py"
        )
    referral_id = make_referral().id
    workers = [make_user(Role.LINK_WORKER).id for _ in range(2)]
    db.session.commit()
    both_read = threading.Barrier(2, timeout=10)
    outcomes: dict[int, str] = {}

    def act(worker_id: int, to: str, reason: str | None) -> None:
        # Each thread has its own app context, so its own session and connection.
        with app.app_context():
            referral = db.session.get(Referral, referral_id)
            worker = db.session.get(User, worker_id)
            both_read.wait()  # both hold version 1 before either writes
            try:
                transition(referral, to, worker, reason)
                db.session.commit()
                outcomes[worker_id] = "won"
            except StaleReferral:
                outcomes[worker_id] = "told"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=(workers[0], "accepted", None)),
        threading.Thread(target=act, args=(workers[1], "declined", "Out of area")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["told", "won"]
    db.session.expire_all()
    referral = db.session.get(Referral, referral_id)
    events = (
        db.session.execute(db.select(ReferralEvent).where(ReferralEvent.referral_id == referral_id))
        .scalars()
        .all()
    )
    assert len(events) == 2  # created, and the winner's change only
    winner = next(worker for worker, outcome in outcomes.items() if outcome == "won")
    assert events[-1].actor_id == winner and referral.status == events[-1].to_status
    assert referral.version == 2
