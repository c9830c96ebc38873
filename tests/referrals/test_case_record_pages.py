"""The case record pages through the test client: every action, where its message and its errors
appear, who may see what, and the audit log."""

import re
from datetime import date, timedelta

import pytest

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.database import utcnow
from wellbeing.directory.models import Organization, Service, TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals import care_plan, casework, outcomes
from wellbeing.referrals.case_models import (
    CaseNote,
)
from wellbeing.referrals.casework import today
from wellbeing.referrals.models import (
    Referral,
    ReferralSource,
    ReferralStatus,
)
from wellbeing.referrals.services import ReferralDraft, create_referral
from wellbeing.referrals.workflow import transition

NOTE = "Talked about the choir she used to sing in; she would like to try again."
REASON = "The bus times did not suit her hip appointments."


@pytest.fixture
def link_worker(login_as):
    return login_as("link_worker", name="Lee Worker")


@pytest.fixture
def gp(app):
    user = make_user(Role.REFERRER, organisation="Kingsholm Surgery", name="Dr Gita Patel")
    db.session.commit()
    return user


@pytest.fixture
def service(app):
    row = Service(
        organization=Organization(name="Kingsholm Community Choir"),
        name="Singing for the Brain",
        status="active",
        url="https://choir.example.org",
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def case(make_referral, gp, link_worker, service):
    """A referral from a GP, in progress with the signed-in link worker."""
    referral = make_referral(
        actor=gp, suggested_service_ids=[service.id], nhs_number="943 476 5919"
    )
    casework.assign(referral, link_worker, link_worker)
    transition(referral, "accepted", link_worker)
    transition(referral, "in_progress", link_worker)
    db.session.commit()
    return referral


def url(referral: Referral, path: str = "") -> str:
    return f"/referrals/{referral.id}{path}"


def section(html: str, section_id: str) -> str:
    """The HTML of ``<section id=...>`` on a page (sections do not nest)."""
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def follow(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def audit_actions(referral: Referral) -> list[str]:
    rows = db.session.execute(
        db.select(AuditEvent.action)
        .where(AuditEvent.subject_id == referral.id)
        .order_by(AuditEvent.id)
    )
    return list(rows.scalars())


def fresh(referral: Referral) -> Referral:
    db.session.expire_all()
    return db.session.get(Referral, referral.id)


# Case notes ------------------------------------------------------------------------------------


def test_a_note_returns_to_case_notes_with_the_message_there(client, case) -> None:
    response = client.post(url(case, "/notes"), data={"case_note": NOTE})
    assert response.headers["Location"].endswith(f"/referrals/{case.id}#case-notes")
    page = follow(client, response)
    notes = section(page, "case-notes")
    assert "Note added" in notes and NOTE in notes and "Lee Worker" in notes
    assert "Note added" not in page.replace(notes, "")  # in that section, not at the top
    assert "referral.note_add" in audit_actions(case)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the note"), ("x" * 5001, "Must be 5,000 characters or fewer")],
)
def test_a_note_that_cannot_be_added_says_why_at_the_field(client, case, text, message) -> None:
    response = client.post(url(case, "/notes"), data={"case_note": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and 'href="#case_note"' in page
    assert re.search(rf'id="case_note-error"[^>]*>.*?{message}', page, re.S)
    assert not fresh(case).notes


def test_the_author_edits_a_note_for_a_day_then_corrects_it(client, case, link_worker) -> None:
    note = casework.add_note(case, link_worker, NOTE)
    db.session.commit()
    edit = url(case, f"/notes/{note.id}/edit")
    assert "Edit a case note" in client.get(edit).get_data(as_text=True)
    page = follow(client, client.post(edit, data={"case_note": NOTE + " Next week."}))
    notes = section(page, "case-notes")
    assert "Next week." in notes and "Edited" in notes and "Note updated" in notes

    note = db.session.get(CaseNote, note.id)
    note.at = utcnow() - timedelta(hours=25)
    db.session.commit()
    late = client.post(edit, data={"case_note": "Rewritten"})
    assert late.status_code == 409
    assert "Notes can be edited for 24 hours" in late.get_data(as_text=True)
    assert db.session.get(CaseNote, note.id).text.endswith("Next week.")
    notes = section(client.get(url(case)).get_data(as_text=True), "case-notes")
    assert f"/notes/{note.id}/correct" in notes and f"/notes/{note.id}/edit" not in notes

    correct = url(case, f"/notes/{note.id}/correct")
    page = follow(client, client.post(correct, data={"case_note": "It was the Tuesday choir."}))
    notes = section(page, "case-notes")
    # The correction sits beneath the note it corrects, which stays as written.
    assert re.search(
        r"Next week\..*Corrections to this note.*It was the Tuesday choir", notes, re.S
    )
    assert audit_actions(case).count("referral.note_correct") == 1


def test_someone_elses_note_is_corrected_not_edited(client, case) -> None:
    other = make_user(Role.LINK_WORKER, name="Sam Other")
    note = casework.add_note(case, other, NOTE)
    db.session.commit()
    response = client.get(url(case, f"/notes/{note.id}/edit"))
    assert response.headers["Location"].endswith(f"/notes/{note.id}/correct")
    refused = client.post(url(case, f"/notes/{note.id}/edit"), data={"case_note": "Tuesday"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Only the person who wrote a note can edit it" in page
    assert f'action="/referrals/{case.id}/notes/{note.id}/correct"' in page  # sent as one
    assert ">Tuesday</textarea>" in page
    assert db.session.get(CaseNote, note.id).text == NOTE
    assert client.get(url(case, "/notes/999999/edit")).status_code == 404
    assert client.get(url(case, "/notes/abc/correct")).status_code == 404


# The next contact ------------------------------------------------------------------------------


def test_next_contact_is_set_shown_at_the_top_and_cleared(client, case) -> None:
    on = today() + timedelta(days=7)
    data = {
        "version": case.version,
        "next_contact_on[day]": on.day,
        "next_contact_on[month]": on.month,
        "next_contact_on[year]": on.year,
    }
    response = client.post(url(case, "/next-contact"), data=data)
    assert response.headers["Location"].endswith("#next-contact")
    shown = section(follow(client, response), "next-contact")
    assert on.strftime("%A %-d %B %Y") in shown and "Next contact:" in shown
    assert "Overdue" not in shown

    referral = fresh(case)
    referral.next_contact_on = today() - timedelta(days=2)  # as if time had passed
    db.session.commit()
    shown = section(client.get(url(case)).get_data(as_text=True), "next-contact")
    assert "Overdue" in shown and "app-next-contact--overdue" in shown

    clear = {"version": fresh(case).version, "action": "clear"}
    shown = section(
        follow(client, client.post(url(case, "/next-contact"), data=clear)), "next-contact"
    )
    assert "Next contact date cleared" in shown and "Not planned yet" in shown
    assert fresh(case).next_contact_on is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2030", "Next contact date must be a real date"),
        ("1", "1", "2020", "The next contact date must be today or later"),
        ("", "", "", "Enter the next contact date"),
        ("9" * 400, "1", "2030", "Next contact date must be a real date"),
        ("1", "1", "99999", "Year must include 4 numbers"),
    ],
)
def test_a_wrong_next_contact_date_is_shown_at_the_field(
    client, case, day, month, year, message
) -> None:
    data = {
        "version": case.version,
        "next_contact_on[day]": day,
        "next_contact_on[month]": month,
        "next_contact_on[year]": year,
    }
    response = client.post(url(case, "/next-contact"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and 'href="#next_contact_on-day"' in page
    assert message in section(page, "next-contact")
    assert fresh(case).next_contact_on is None


# What matters to me ----------------------------------------------------------------------------


def test_what_matters_to_me_is_recorded_in_their_words(client, case, needs) -> None:
    form = client.get(url(case, "/what-matters")).get_data(as_text=True)
    assert "Befriending" in form and "Money and debt" in form  # needs grouped as on the referral
    data = {
        "version": case.version,
        "what_matters_to_me": "Singing again, and not feeling a burden.",
        "need_ids": [needs.loneliness.id, needs.befriending.id],
        "strengths": "A good friend next door",
        "barriers": "Buses",
    }
    response = client.post(url(case, "/what-matters"), data=data)
    assert response.headers["Location"].endswith("#what-matters")
    shown = section(follow(client, response), "what-matters")
    assert "Singing again" in shown and "A good friend next door" in shown
    assert "Befriending" in shown and "What matters to them is updated" in shown
    assert "referral.what_matters" in audit_actions(case)


def test_what_matters_needs_a_need_and_a_fresh_version(client, case, needs) -> None:
    data = {"version": case.version, "what_matters_to_me": "Singing", "need_ids": []}
    response = client.post(url(case, "/what-matters"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#need_ids"' in page
    assert "Choose at least one thing" in page

    stale = {**data, "need_ids": [needs.money.id], "version": case.version - 1}
    response = client.post(url(case, "/what-matters"), data=stale)
    assert response.status_code == 409
    assert "Someone else changed this referral" in response.get_data(as_text=True)


# The care and support plan ---------------------------------------------------------------------


def test_goals_are_added_changed_and_printed_without_anything_private(
    client, case, link_worker, service
) -> None:
    target = today() + timedelta(days=60)
    data = {
        "goal": "Sing with others every week",
        "target_date[day]": target.day,
        "target_date[month]": target.month,
        "target_date[year]": target.year,
    }
    response = client.post(url(case, "/goals/new"), data=data)
    assert response.headers["Location"].endswith("#care-plan")
    plan = section(follow(client, response), "care-plan")
    assert "Sing with others every week" in plan and "Not started" in plan
    goal = fresh(case).goals[0]

    page = follow(
        client, client.post(url(case, f"/goals/{goal.id}"), data={**data, "status": "achieved"})
    )
    assert "Goal achieved: Sing with others every week" in section(page, "care-plan")

    casework.add_note(case, link_worker, NOTE)
    connection = casework.connect(fresh(case), link_worker, service.id)
    casework.record_connection_outcome(connection, link_worker, "stopped", REASON)
    case_row = fresh(case)
    case_row.risk_flag, case_row.risk_note = True, "Dog in the house"
    db.session.commit()
    printed = client.get(url(case, "/plan")).get_data(as_text=True)
    assert "Care and support plan for Alex Rivers" in printed and "Lee Worker" in printed
    assert "Sing with others every week" in printed and "Singing for the Brain" in printed
    for private in (NOTE, REASON, "Dog in the house"):
        assert private not in printed


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"goal": ""}, "goal", "Describe the goal in the person"),
        ({"goal": "x" * 501}, "goal", "Must be 500 characters or fewer"),
        ({"goal": "Two\nlines"}, "goal", "Must be one line"),
        (
            {"target_date[year]": "2001"},
            "target_date-day",
            "The target date must be today or later",
        ),
        ({"target_date[day]": "x"}, "target_date-day", "must be a real date"),
    ],
)
def test_a_goal_that_cannot_be_added_says_why_at_the_field(
    client, case, overrides, anchor, message
) -> None:
    data = {
        "goal": "Walk",
        "target_date[day]": "1",
        "target_date[month]": "1",
        "target_date[year]": str(today().year + 1),
    }
    response = client.post(url(case, "/goals/new"), data={**data, **overrides})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{anchor}"' in page and message in page
    assert not fresh(case).goals


def test_a_closed_referral_takes_no_new_goals(client, case, link_worker) -> None:
    transition(case, "completed", link_worker, summary="Done")
    db.session.commit()
    assert client.get(url(case, "/goals/new")).status_code == 409
    assert client.post(url(case, "/goals/new"), data={"goal": "Walk"}).status_code == 409
    assert client.get(url(case, "/goals/12345678901234567890")).status_code == 404


# Connections -----------------------------------------------------------------------------------


def test_connecting_offers_the_suggested_services_then_records_an_outcome(
    client, case, service
) -> None:
    form = client.get(url(case, "/connections/new")).get_data(as_text=True)
    assert "Singing for the Brain" in form and "Suggested by the referrer" in form
    data = {"service_id": service.id, "connection_note": "Ask for Pat at the door"}
    response = client.post(url(case, "/connections/new"), data=data)
    assert response.headers["Location"].endswith("#connections")
    shown = section(follow(client, response), "connections")
    assert "Connected to Singing for the Brain" in shown and "Outcome not known yet" in shown
    connection = fresh(case).connections[0]

    outcome = url(case, f"/connections/{connection.id}/outcome")
    response = client.post(outcome, data={"outcome": "stopped", "outcome_reason": REASON})
    shown = section(follow(client, response), "connections")
    assert "Stopped" in shown and REASON in shown
    assert {"referral.connect", "referral.connection_outcome"} <= set(audit_actions(case))

    again = client.post(url(case, "/connections/new"), data={"service_id": "no-such-service"})
    assert again.status_code == 422
    assert "Choose a service from the directory" in again.get_data(as_text=True)
    wrong = client.post(outcome, data={"outcome": "gone fishing"})
    assert wrong.status_code == 422 and 'href="#outcome"' in wrong.get_data(as_text=True)
    assert client.get(url(case, "/connections/0/outcome")).status_code == 404


def test_the_directory_search_shows_distances_from_their_postcode(
    client, login_as, seeded_directory
) -> None:
    login_as("link_worker")
    # The seeded taxonomy's needs (the ``needs`` fixture would add a second copy of them).
    need = db.session.execute(db.select(TaxonomyTerm.id)).scalars().first()
    draft = ReferralDraft(
        given_name="Alex",
        family_name="Rivers",
        date_of_birth=date(1956, 4, 23),
        postcode="GL1 3AB",
        phone="01632 960 123",
        what_matters="Money worries",
        need_ids=[need],
        consent=True,
    )
    referral = create_referral(draft, make_user(Role.REFERRER), ReferralSource.GP)
    db.session.commit()
    page = client.get(url(referral, "/connections/new"), query_string={"q": "debt advice"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Distances are from GL1 3AB" in body and "miles away" in body
    too_long = client.get(url(referral, "/connections/new"), query_string={"q": "x" * 201})
    assert "Must be 200 characters or fewer" in too_long.get_data(as_text=True)


# Outcome measures ------------------------------------------------------------------------------


def ons4(*answers: object, stage: str = "baseline", on: date | None = None) -> dict:
    on = on or today()
    data = {
        "stage": stage,
        "taken_on[day]": on.day,
        "taken_on[month]": on.month,
        "taken_on[year]": on.year,
    }
    data.update({f"answer_{index}": str(value) for index, value in enumerate(answers)})
    return data


def test_each_wrong_answer_is_shown_at_its_question(client, case) -> None:
    form = client.get(url(case, "/measures/ons4/new")).get_data(as_text=True)
    assert "Overall, how satisfied are you with your life nowadays?" in form
    response = client.post(url(case, "/measures/ons4/new"), data=ons4(5, 11, "", "9" * 5000))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for index, message in [
        (1, "Question 2: enter a whole number from 0 to 10"),
        (2, "Answer question 3"),
        (3, "Question 4: enter a whole number from 0 to 10"),
    ]:
        assert f'href="#answer_{index}"' in page
        assert re.search(rf'id="answer_{index}-error"[^>]*>.*?{message}', page, re.S)
    assert 'id="answer_0-error"' not in page
    assert not fresh(case).measures


def test_measures_show_scores_bands_and_the_change_as_a_chart_and_a_table(client, case) -> None:
    start = case.created_at.date()
    response = client.post(url(case, "/measures/ons4/new"), data=ons4(4, 5, 3, 8, on=start))
    assert response.headers["Location"].endswith("#outcome-measures")
    shown = section(follow(client, response), "outcome-measures")
    assert "ONS4 baseline recorded" in shown and "Life satisfaction: 4 (low)" in shown
    assert "Anxious yesterday: 8 (high)" in shown and "<svg" not in shown  # no change yet

    later = client.post(url(case, "/measures/ons4/new"), data=ons4(7, 7, 6, 3, stage="review"))
    shown = section(follow(client, later), "outcome-measures")
    assert re.search(
        r'<svg class="app-chart" role="img".*?<title id="chart-ons4-title">', shown, re.S
    )
    assert (
        '<desc id="chart-ons4-desc">' in shown
        and "Life satisfaction: 4 (low) to 7 (high) (+3)" in shown
    )
    assert "Anxious yesterday (lower is better)" in shown  # the table has the same numbers
    assert "\N{MINUS SIGN}5" in shown

    second = client.post(url(case, "/measures/ons4/new"), data=ons4(1, 1, 1, 1))
    assert second.status_code == 422
    assert 'href="#stage"' in second.get_data(as_text=True)
    future = client.post(
        url(case, "/measures/ons4/new"),
        data=ons4(1, 1, 1, 1, stage="review", on=today() + timedelta(days=1)),
    )
    assert future.status_code == 422 and 'href="#taken_on-day"' in future.get_data(as_text=True)
    assert client.get(url(case, "/measures/phq9/new")).status_code == 404


def test_swemwbs_is_answered_with_radios_and_scored_as_a_metric(client, case) -> None:
    form = client.get(url(case, "/measures/swemwbs/new")).get_data(as_text=True)
    assert 'type="radio"' in form and "Some of the time" in form
    page = follow(
        client, client.post(url(case, "/measures/swemwbs/new"), data=ons4(3, 3, 3, 3, 3, 3, 3))
    )
    assert "Metric score 19.25 (raw 21)" in section(page, "outcome-measures")


# Correcting the person's details ---------------------------------------------------------------


def person(referral: Referral, **overrides: str) -> dict:
    born = referral.date_of_birth
    data = {
        "version": str(referral.version),
        "given_name": referral.given_name,
        "family_name": referral.family_name,
        "date_of_birth[day]": str(born.day),
        "date_of_birth[month]": str(born.month),
        "date_of_birth[year]": str(born.year),
        "nhs_number": referral.nhs_number or "",
        "postcode": referral.postcode,
        "phone": referral.phone or "",
        "email": referral.email or "",
        "preferred_contact": "",
        "language": "",
    }
    data.update(overrides)
    return data


def test_corrected_details_say_which_fields_changed_on_the_timeline(client, case) -> None:
    form = client.get(url(case, "/person")).get_data(as_text=True)
    assert 'value="Alex"' in form and 'value="1956"' in form
    data = person(case, phone="07700 900 982", email="alex.r@example.org")
    response = client.post(url(case, "/person"), data=data)
    assert response.headers["Location"].endswith("#person")
    page = follow(client, response)
    assert "Corrected email, phone" in section(page, "person")
    timeline = page[page.index('id="timeline"') :]
    assert "Corrected email, phone" in timeline and "07700900982" not in timeline
    assert fresh(case).phone == "07700900982"
    assert "referral.correct" in audit_actions(case)


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"nhs_number": "123"}, "nhs_number", "NHS number must be 10 digits"),
        ({"given_name": ""}, "given_name", "Enter a first name"),
        ({"date_of_birth[day]": "32"}, "date_of_birth-day", "Date of birth must be a real date"),
        ({"postcode": "XX"}, "postcode", "Enter a real UK postcode"),
        ({"phone": "", "email": ""}, "phone", "Enter a phone number or an email address"),
        ({"family_name": "x" * 101}, "family_name", "Must be 100 characters or fewer"),
    ],
)
def test_a_wrong_detail_is_shown_at_its_field(client, case, overrides, anchor, message) -> None:
    response = client.post(url(case, "/person"), data=person(case, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{anchor}"' in page and message in page
    assert fresh(case).events[-1].kind != "corrected"


def test_a_stale_correction_shows_what_is_there_now(client, case, link_worker) -> None:
    data = person(case, phone="07700 900 982")
    referral = fresh(case)
    referral.given_name = "Alexandra"  # someone else's change, after the form was shown
    db.session.commit()
    response = client.post(url(case, "/person"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this referral" in page and 'value="Alexandra"' in page
    assert f'name="version" value="{fresh(case).version}"' in page
    assert fresh(case).phone == "01632960123"


# Completing, and the message back to the referrer ----------------------------------------------


def test_completing_starts_from_a_draft_and_needs_a_summary(
    client, case, link_worker, service
) -> None:
    connection = casework.connect(case, link_worker, service.id)
    casework.record_connection_outcome(connection, link_worker, "attending")
    start = case.created_at.date()
    for stage, answers in (("baseline", [4, 5, 3, 8]), ("review", [7, 7, 6, 3])):
        outcomes.record_measure(case, link_worker, "ons4", stage, answers, start)
    db.session.commit()
    show = client.get(url(case)).get_data(as_text=True)
    assert f'href="/referrals/{case.id}/complete"' in show  # Complete goes to its own page

    draft = client.get(url(case, "/complete")).get_data(as_text=True)
    assert "- Singing for the Brain: attending" in draft
    assert "life satisfaction 4 (low) to 7 (high)" in draft

    empty = client.post(url(case, "/complete"), data={"version": case.version, "summary": " "})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422 and 'href="#summary"' in page
    assert re.search(r'id="summary-error"[^>]*>.*?Write an outcome summary', page, re.S)
    assert fresh(case).status is ReferralStatus.IN_PROGRESS

    summary = "Joined the choir and goes every week."
    done = client.post(url(case, "/complete"), data={"version": case.version, "summary": summary})
    page = follow(client, done)
    assert "is completed" in page and fresh(case).outcome_summary == summary
    assert client.get(url(case, "/complete")).status_code == 409


def complete(referral: Referral, link_worker, service, note: bool = True) -> None:
    if note:
        casework.add_note(referral, link_worker, NOTE)
    connection = casework.connect(referral, link_worker, service.id)
    casework.record_connection_outcome(connection, link_worker, "stopped", REASON)
    care_plan.add_goal(referral, link_worker, "Sing every week")
    start = referral.created_at.date()
    outcomes.record_measure(
        referral, link_worker, "swemwbs", "baseline", [2, 2, 3, 3, 3, 3, 3], start
    )
    outcomes.record_measure(
        referral, link_worker, "swemwbs", "review", [4, 4, 4, 4, 4, 4, 3], start
    )
    transition(referral, "completed", link_worker, summary="Joined the choir.")
    db.session.commit()


def test_the_referrer_reads_the_message_back_without_anything_private(
    app, case, link_worker, gp, service
) -> None:
    complete(case, link_worker, service)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = gp.get_id()
    own = client.get(url(case)).get_data(as_text=True)
    assert f'href="/referrals/{case.id}/summary"' in own
    assert "Case notes" not in own and NOTE not in own and REASON not in own

    response = client.get(url(case, "/summary"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for shown in (
        case.reference,
        "Alex Rivers",
        "23 April 1956",
        "943 476 5919",
        "Lee Worker",
        "Joined the choir.",
        "Singing for the Brain",
        "Stopped",
        "Sing every week",
        "17.98",
        "24.11",
        "+6.13",
    ):
        assert shown in page, shown
    for private in (NOTE, REASON, "raw 19"):
        assert private not in page
    assert "data-app-print" in page
    assert "referral.summary_view" in audit_actions(case)


def test_the_referrer_gets_ons4_in_bands_never_the_answers(
    app, client, case, link_worker, gp, service
) -> None:
    start = case.created_at.date()
    outcomes.record_measure(case, link_worker, "ons4", "baseline", [3, 4, 2, 9], start)
    outcomes.record_measure(case, link_worker, "ons4", "review", [7, 8, 6, 5], start)
    complete(case, link_worker, service, note=False)
    staff = client.get(url(case, "/summary")).get_data(as_text=True)
    assert "3 (low)" in staff and "7 (high)" in staff  # the link worker sees the scores

    referrer = app.test_client()
    with referrer.session_transaction() as session:
        session["_user_id"] = gp.get_id()
    page = referrer.get(url(case, "/summary")).get_data(as_text=True)
    assert "Life satisfaction" in page and "+4" in page  # which way, and how far
    for answer in ("3 (low)", "7 (high)", "9 (high)", "5 (medium)"):
        assert answer not in page
    assert 'id="chart-ons4-title"' not in page  # its bars would be the answers
    message = outcomes.message_back(case)
    assert message is not None
    ons4 = next(x for x in message["measures"] if x["instrument"] == "ons4")
    assert ons4["before"]["bands"]["life_satisfaction"] == "low"
    assert "items" not in ons4["before"]


def test_the_summary_is_for_those_who_may_see_the_referral(
    client, login_as, case, link_worker, service, make_referral
) -> None:
    assert client.get(url(case, "/summary")).status_code == 404  # not completed yet
    complete(case, link_worker, service)
    assert client.get(url(case, "/summary")).status_code == 200  # the link worker

    login_as("referrer", organisation="Quayside Practice")
    assert client.get(url(case, "/summary")).status_code == 404
    refused = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "referral.view_refused")
    ).scalar_one()
    assert refused.subject_id == case.id

    resident = login_as("resident")
    own = make_referral(actor=resident)
    assert client.get(url(own, "/summary")).status_code == 403


# Who may do what -------------------------------------------------------------------------------

STAFF_PAGES = [
    ("POST", "/notes", {"case_note": "x"}),
    ("GET", "/notes/1/edit", None),
    ("GET", "/notes/1/correct", None),
    ("POST", "/next-contact", {"version": "1", "action": "clear"}),
    ("GET", "/what-matters", None),
    ("GET", "/goals/new", None),
    ("GET", "/goals/1", None),
    ("GET", "/plan", None),
    ("GET", "/connections/new", None),
    ("GET", "/connections/1/outcome", None),
    ("GET", "/measures/ons4/new", None),
    ("GET", "/person", None),
    ("GET", "/complete", None),
]


@pytest.mark.parametrize("role", [Role.REFERRER, Role.RESIDENT, Role.PROVIDER])
@pytest.mark.parametrize(("method", "path", "data"), STAFF_PAGES)
def test_only_staff_reach_the_case_record(
    client, login_as, make_referral, role, method, path, data
) -> None:
    owner = login_as(role, organisation="Kingsholm Surgery")
    referral = make_referral(actor=owner)  # their own referral, even so
    response = client.open(url(referral, path), method=method, data=data)
    assert response.status_code == 403


def test_the_referral_page_shows_the_case_record_to_staff_only(
    client, login_as, case, link_worker, gp, service
) -> None:
    casework.add_note(case, link_worker, NOTE)
    connection = casework.connect(case, link_worker, service.id)
    casework.record_connection_outcome(connection, link_worker, "stopped", REASON)
    outcomes.record_measure(case, link_worker, "ons4", "baseline", [4, 5, 3, 8], today())
    db.session.commit()
    staff = client.get(url(case)).get_data(as_text=True)
    assert NOTE in staff and REASON in staff and "Life satisfaction: 4 (low)" in staff
    assert "referral.view" in audit_actions(case)

    login_as("referrer", organisation="Kingsholm Surgery")  # sees the referral, not the record
    page = client.get(url(case)).get_data(as_text=True)
    for private in (NOTE, REASON, "Life satisfaction", "Case notes", "Outcome measures"):
        assert private not in page


def test_every_case_page_shown_is_audited(client, case) -> None:
    client.get(url(case, "/what-matters"))
    client.get(url(case, "/plan"))
    rows = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "referral.view")
    ).scalars()
    assert [row.detail for row in rows] == [
        {"page": "casework.what_matters"},
        {"page": "casework.plan"},
    ]


def test_a_contact_attempt_with_errors_shows_the_error_summary(client, case) -> None:
    response = client.post(url(case, "/contacts"), data={"method": "phone"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = page[page.index("nhsuk-error-summary") : page.index("<h1")]
    assert 'href="#outcome"' in summary and "Choose what happened" in summary
    done = client.post(url(case, "/contacts"), data={"method": "phone", "outcome": "reached"})
    assert done.headers["Location"].endswith("#contact")
    assert "Contact attempt recorded" in section(follow(client, done), "contact")


HOSTILE = [
    "",
    " ",
    "-1",
    "1.5",
    "9223372036854775808",
    "1e309",
    "NaN",
    "ÿÿÿ",
    "<b>x</b>",
    "a" * 6000,
]
FIELDS = [
    "case_note", "version", "action", "what_matters_to_me", "need_ids", "strengths", "barriers",
    "goal", "status", "q", "service_id", "connection_note", "outcome", "outcome_reason", "stage",
    "given_name", "family_name", "nhs_number", "postcode", "phone", "email", "preferred_contact",
    "language", "interpreter_needed", "summary",
    *(f"answer_{index}" for index in range(7)),
    *(f"{date}[{part}]" for date in ("next_contact_on", "target_date", "taken_on", "date_of_birth")
      for part in ("day", "month", "year")),
]  # fmt: skip


def test_hostile_values_in_every_case_form_are_refused_without_a_server_error(
    client, case, link_worker, service
) -> None:
    note = casework.add_note(case, link_worker, NOTE)
    goal = care_plan.add_goal(case, link_worker, "Walk")
    connection = casework.connect(case, link_worker, service.id)
    db.session.commit()
    paths = [
        "/notes", f"/notes/{note.id}/edit", f"/notes/{note.id}/correct", "/next-contact",
        "/what-matters", "/goals/new", f"/goals/{goal.id}", "/connections/new",
        f"/connections/{connection.id}/outcome", "/measures/ons4/new", "/measures/swemwbs/new",
        "/person", "/complete",
    ]  # fmt: skip
    failures = []
    for path in paths:
        for value in HOSTILE:
            response = client.post(url(case, path), data=dict.fromkeys(FIELDS, value))
            if response.status_code >= 500:
                failures.append((path, value[:20], response.status_code))
    assert not failures, failures
    assert (
        client.get(url(case, "/connections/new"), query_string={"q": "x" * 6000}).status_code == 200
    )


def test_the_demo_cases_have_a_record_to_show(app, runner, client, login_as) -> None:
    app.config["WELLBEING_DEMO_PASSWORD"] = "a long demo password"
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    by_reference = {r.reference: r for r in db.session.execute(db.select(Referral)).scalars()}
    robin, aisha = by_reference["WB-DEMC45"], by_reference["WB-DEMD56"]
    assert robin.next_contact_on and len(robin.connections) == 2 and len(robin.goals) == 2
    assert any(note.corrects_id for note in robin.notes)
    assert {m.stage for m in robin.measures} == {"baseline", "review"}
    assert aisha.status is ReferralStatus.COMPLETED and aisha.outcome_summary
    assert [c.outcome for c in aisha.connections] == ["attending", "stopped"]
    assert "follow_up" in {m.stage for m in aisha.measures}
    login_as("link_worker")
    for referral in (robin, aisha):
        page = client.get(url(referral)).get_data(as_text=True)
        assert 'class="app-chart"' in page
    summary = client.get(url(aisha, "/summary")).get_data(as_text=True)
    assert "Cheltenham Carers" in summary and "Aisha Khan" in summary


def test_a_resident_sees_no_outcome_summary_link(client, login_as, make_referral) -> None:
    resident = login_as("resident")
    referral = make_referral(actor=resident)
    link_worker = make_user(Role.LINK_WORKER)
    for to in ("accepted", "in_progress"):
        transition(referral, to, link_worker)
    transition(referral, "completed", link_worker, summary="Joined a walking group.")
    db.session.commit()
    page = client.get(url(referral)).get_data(as_text=True)
    assert "Completed" in page and "/summary" not in page
