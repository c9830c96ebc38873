"""A link worker's caseload: their open cases, the most pressing next contact first, with counts,
the last contact and waiting time; every listing audited."""

import re
from datetime import timedelta

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.referrals.casework import assign, record_contact_attempt, today
from wellbeing.referrals.queue import next_contact_due
from wellbeing.referrals.workflow import transition


def references(response) -> list[str]:
    table = response.get_data(as_text=True).split('id="caseload"')[-1]
    return re.findall(r">(WB-[A-Z0-9]{6})</a>", table)


def counts(response) -> dict[str, int]:
    block = response.get_data(as_text=True).split('id="caseload-counts"')[1].split("</ul>")[0]
    found = re.findall(r'class="app-count">(\d+)</strong>\s*([a-z ]+?)\s*</li>', block)
    return {
        label.removesuffix("s") if label.startswith("open") else label: int(n) for n, label in found
    }


@pytest.fixture
def my_cases(login_as, make_referral):
    """A link worker signed in, with one case for each kind of next contact date."""
    me = login_as("link_worker")
    day = today()
    cases = {}
    for name, on in [
        ("none", None),
        ("later", day + timedelta(days=20)),
        ("this_week", day + timedelta(days=6)),
        ("today", day),
        ("overdue", day - timedelta(days=3)),
        ("long_overdue", day - timedelta(days=30)),
    ]:
        referral = make_referral(given_name=name.replace("_", ""))
        assign(referral, me, me)
        referral.next_contact_on = on  # set directly: past dates are refused when set by hand
        cases[name] = referral
    db.session.commit()
    return me, cases


def test_next_contact_due_edges() -> None:
    day = today()
    assert next_contact_due(None, day) is None
    assert next_contact_due(day - timedelta(days=1), day) == "overdue"
    assert next_contact_due(day, day) == "today"
    assert next_contact_due(day + timedelta(days=1), day) == "this week"
    assert next_contact_due(day + timedelta(days=6), day) == "this week"
    assert next_contact_due(day + timedelta(days=7), day) is None


def test_overdue_first_then_today_this_week_later_and_no_date_last(client, my_cases) -> None:
    _, cases = my_cases
    response = client.get("/referrals/caseload")
    assert response.status_code == 200
    order = ["long_overdue", "overdue", "today", "this_week", "later", "none"]
    assert references(response) == [cases[name].reference for name in order]
    rows = response.get_data(as_text=True).split('id="caseload"')[-1].split("<tr")
    row = {name: next(r for r in rows if cases[name].reference in r) for name in order}
    assert "Overdue" in row["overdue"] and "Today" in row["today"]
    assert "This week" in row["this_week"]
    assert "Overdue" not in row["later"] and "This week" not in row["later"]
    assert "Not set" in row["none"]
    assert counts(response) == {"open case": 6, "overdue": 2, "due this week": 2}


def test_only_my_open_cases_are_listed(client, login_as, make_referral) -> None:
    me = login_as("link_worker")
    colleague = make_user(Role.LINK_WORKER)
    mine, finished, theirs, _nobodys = (make_referral() for _ in range(4))
    assign(mine, me, me)
    assign(finished, me, me)
    transition(finished, "declined", me, "Not for us")
    assign(theirs, colleague, me)
    db.session.commit()
    response = client.get("/referrals/caseload")
    assert references(response) == [mine.reference]
    assert counts(response) == {"open case": 1, "overdue": 0, "due this week": 0}


def test_the_last_contact_and_waiting_time_are_shown(client, login_as, make_referral) -> None:
    me = login_as("link_worker")
    referral = make_referral()
    assign(referral, me, me)
    record_contact_attempt(referral, me, "phone", "no_answer")
    record_contact_attempt(referral, me, "phone", "reached")
    db.session.commit()
    row = client.get("/referrals/caseload").get_data(as_text=True).split('id="caseload"')[-1]
    assert "(reached)" in row and "(no answer)" not in row  # the latest attempt only
    assert "0 working days" in row


def test_every_case_listed_is_audited(client, my_cases) -> None:
    me, cases = my_cases
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    client.get("/referrals/caseload")
    rows = db.session.execute(db.select(AuditEvent)).scalars().all()
    assert sorted((r.action, r.subject_id, r.actor_id) for r in rows) == sorted(
        ("referral.list", referral.id, me.id) for referral in cases.values()
    )


def test_an_empty_caseload_points_to_the_queue(client, login_as) -> None:
    login_as("link_worker")
    body = client.get("/referrals/caseload").get_data(as_text=True)
    assert "You have no open cases" in body
    assert 'href="/referrals/queue?assigned=unassigned"' in body
    assert db.session.execute(db.select(AuditEvent)).first() is None  # nothing was shown


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("resident", 403),
        ("referrer", 403),
        ("provider", 403),
        ("commissioner", 403),
        ("admin", 200),
    ],
)
def test_who_may_see_a_caseload(client, login_as, role, status) -> None:
    if role:
        login_as(role)
    assert client.get("/referrals/caseload").status_code == status


def test_link_workers_find_my_caseload_in_the_header(client, login_as) -> None:
    login_as("link_worker")
    body = client.get("/referrals/queue").get_data(as_text=True)
    assert re.search(r'href="/referrals/caseload"[^>]*>\s*My caseload', body)
