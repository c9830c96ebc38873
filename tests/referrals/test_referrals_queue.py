"""The link workers' queue: filters, order, counts, the first-contact target; and demo data."""

import re
from datetime import date, datetime, timedelta

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.accounts.services import find_user_by_email
from wellbeing.audit import AuditEvent
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.casework import assign, assignable_users, set_next_contact, today
from wellbeing.referrals.models import TEXT_LIMITS, Referral
from wellbeing.referrals.views import PER_PAGE
from wellbeing.referrals.visibility import visible_referrals
from wellbeing.referrals.workflow import transition
from wellbeing.working_days import Nation, working_days_between


def references(response) -> list[str]:
    table = response.get_data(as_text=True).split('id="queue"')[-1]
    return re.findall(r">(WB-[A-Z0-9]{6})</a>", table)


def test_working_days_skip_weekends() -> None:
    friday, england = date(2026, 11, 20), Nation.ENGLAND_AND_WALES
    assert working_days_between(friday, friday, england) == 0
    assert working_days_between(friday, date(2026, 11, 23), england) == 1  # Monday
    assert working_days_between(friday, date(2026, 11, 27), england) == 5
    assert working_days_between(friday, date(2026, 12, 4), england) == 10


def test_the_queue_counts_waiting_without_the_persons_bank_holidays(make_referral) -> None:
    """St Andrew's Day (Monday 30 Nov 2026) is a bank holiday in Scotland, not in England."""
    from datetime import UTC, datetime

    from wellbeing.referrals.queue import waiting_days

    glasgow, gloucester = make_referral(postcode="G40 2QH"), make_referral(postcode="GL1 1AA")
    friday = datetime(2026, 11, 27, 10, tzinfo=UTC)
    tuesday = datetime(2026, 12, 1, 10, tzinfo=UTC)
    for referral in (glasgow, gloucester):
        referral.created_at = friday
    assert waiting_days(glasgow, tuesday) == 1
    assert waiting_days(gloucester, tuesday) == 2


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


# Finding a referral -----------------------------------------------------------------------------


def found(client, q: str, **filters: str) -> list[str]:
    response = client.get("/referrals/queue", query_string={"q": q, **filters})
    assert response.status_code == 200, response.status_code
    return references(response)


LINK_WORKER_EMAIL = "searching-link-worker@example.org"


@pytest.fixture
def people(login_as, make_referral):
    login_as("link_worker", email=LINK_WORKER_EMAIL)
    jane = make_referral(
        given_name="Jane",
        family_name="Smith",
        nhs_number="943 476 5919",
        date_of_birth=date(1980, 3, 27),
    )
    john = make_referral(given_name="John", family_name="Smithson", date_of_birth=date(1975, 1, 2))
    ann = make_referral(given_name="Ann", family_name="Jones", date_of_birth=date(1980, 3, 28))
    return jane, john, ann


def test_search_by_reference_with_or_without_wb_in_any_case(client, people) -> None:
    jane, _, _ = people
    code = jane.reference.removeprefix("WB-")
    for typed in (jane.reference, jane.reference.lower(), code, code.lower(), f"wb {code}"):
        assert found(client, typed) == [jane.reference], typed


def test_search_by_nhs_number_with_or_without_spaces(client, people) -> None:
    jane, _, _ = people
    for typed in ("9434765919", "943 476 5919", " 943-476-5919 "):
        assert found(client, typed) == [jane.reference], typed


def test_search_by_date_of_birth(client, people) -> None:
    jane, _, ann = people
    assert found(client, "1980-03-27") == [jane.reference]
    assert found(client, "28/03/1980") == [ann.reference]


def test_search_by_part_of_a_name_or_two_words(client, people) -> None:
    jane, john, ann = people
    assert found(client, "smith") == [jane.reference, john.reference]
    assert found(client, "SMITHS") == [john.reference]
    assert found(client, "jan smi") == [jane.reference]
    assert found(client, "Smith Jane") == [jane.reference]
    assert found(client, "jo") == [john.reference, ann.reference]  # John, Jones
    assert found(client, "nobody") == []


def test_search_keeps_the_filters_and_offers_finished_referrals(client, people) -> None:
    jane, john, _ = people
    transition(john, "declined", find_user_by_email(LINK_WORKER_EMAIL), "Not for us")
    db.session.commit()
    response = client.get("/referrals/queue", query_string={"q": "smith", "urgency": "routine"})
    body = response.get_data(as_text=True)
    assert references(response) == [jane.reference]  # open referrals only, as the filter says
    assert "Search finished referrals too" in body
    assert found(client, "smith", status="all") == [jane.reference, john.reference]
    # Every link back to the queue keeps the search and the filters.
    links = re.findall(r'href="(/referrals/queue\?[^"]+)"', body)
    assert links and all("q=smith" in link and "urgency=routine" in link for link in links)
    # The form carries both, so searching again keeps the filters and filtering keeps the search.
    assert re.search(r'name="q"[^>]*value="smith"', body)
    assert re.search(r'<option value="routine"\s+selected', body)


def test_pages_keep_the_search_and_filters(client, login_as, make_referral) -> None:
    login_as("link_worker")
    for _ in range(PER_PAGE + 1):
        make_referral(family_name="Smith", urgency="urgent")
    response = client.get("/referrals/queue", query_string={"q": "smith", "urgency": "urgent"})
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', response.get_data(as_text=True))
    assert next_link and "q=smith" in next_link[1] and "urgency=urgent" in next_link[1]
    second = client.get(next_link[1].replace("&amp;", "&"))
    assert len(references(second)) == 1


@pytest.mark.parametrize(
    "typed",
    ["x" * 10_000, "smith " * 40, "a" * (TEXT_LIMITS["search"] + 1)],
    ids=["10,000 characters", "240 characters of words", "one over the limit"],
)
def test_a_search_too_long_is_a_message_at_the_field(client, login_as, typed) -> None:
    login_as("link_worker")
    response = client.get("/referrals/queue", query_string={"q": typed})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Search for {TEXT_LIMITS['search']} characters or fewer" in body
    assert 'class="nhsuk-error-message"' in body and 'href="#q"' in body  # at the field, summarised
    assert 'id="queue"' not in body


@pytest.mark.parametrize("typed", ["%", "_", "%%", "a%", "_mith", "\\", "' OR 1=1 --", "1e309"])
def test_wildcards_and_odd_searches_match_nothing_rather_than_everything(
    client, people, typed
) -> None:
    assert found(client, typed) == []


def test_a_nul_byte_in_a_search_is_refused_with_a_reason(client, login_as) -> None:
    login_as("link_worker")
    response = client.get("/referrals/queue", query_string={"q": "smi\x00th"})
    assert response.status_code == 400
    assert "Parameter &#39;q&#39; contains characters that cannot be used" in response.get_data(
        as_text=True
    )


def test_unknown_filter_values_are_ignored(client, login_as, make_referral) -> None:
    login_as("link_worker")
    referral = make_referral()
    for args in (
        {"urgency": "soon"},
        {"status": "nonsense"},
        {"assigned": "x"},
        {"need": "y" * 500},
    ):
        assert client.get("/referrals/queue", query_string=args).status_code == 200, args
    assert references(client.get("/referrals/queue?urgency=soon")) == [referral.reference]


def test_the_queue_shows_the_next_contact(client, login_as, make_referral) -> None:
    me = login_as("link_worker")
    soon, unplanned = make_referral(), make_referral()
    set_next_contact(soon, me, today())
    db.session.commit()
    rows = client.get("/referrals/queue").get_data(as_text=True).split('id="queue"')[-1]
    soon_row = next(r for r in rows.split("<tr") if soon.reference in r)
    unplanned_row = next(r for r in rows.split("<tr") if unplanned.reference in r)
    assert today().strftime("%-d %b %Y") in soon_row and "Today" in soon_row
    assert "Not set" in unplanned_row


def test_assign_to_lists_every_active_link_worker(app, login_as) -> None:
    login_as("admin")
    workers = [make_user(Role.LINK_WORKER, name=f"Worker {n:02}") for n in range(30)]
    make_user(Role.LINK_WORKER, name="Gone", active=False)
    make_user(Role.REFERRER, name="Not staff")
    make_user(Role.ADMIN, name="Admin")
    db.session.commit()
    assert [u.id for u in assignable_users()] == [u.id for u in workers]
