"""The case record through the API (notes, goals, connections, next contact, what matters to
me), corrections to the person's details, completing with an outcome summary and the message
back, and search: each contract, who may use it, its audit trail, and hostile input."""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.support.factories import make_user
from tests.support.referrals import VALID_NHS_NUMBER
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.services import issue_token
from wellbeing.audit import AuditEvent
from wellbeing.database import utcnow
from wellbeing.directory.models import Organization, Service
from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    CaseNote,
)
from wellbeing.referrals.casework import today
from wellbeing.referrals.models import (
    TEXT_LIMITS,
    EventKind,
    Referral,
    ReferralEvent,
)
from wellbeing.referrals.workflow import transition

NOTE = "Met at the library. Keen on singing; worried about the bus fare."


@dataclass
class Case:
    """A GP's referral in progress, the GP and a link worker, each with API headers."""

    referral: Referral
    gp: User
    gp_headers: dict[str, str]
    worker: User
    headers: dict[str, str]

    def url(self, path: str = "") -> str:
        return f"/api/referrals/{self.referral.id}{path}"

    @property
    def version(self) -> int:
        db.session.refresh(self.referral)
        return self.referral.version


@pytest.fixture
def case(api_headers, make_referral) -> Case:
    gp, gp_headers = api_headers("referrer", organisation="Kingsholm Surgery")
    worker, headers = api_headers("link_worker")
    referral = make_referral(actor=gp, nhs_number=VALID_NHS_NUMBER)
    for to in ("accepted", "in_progress"):
        transition(referral, to, worker)
    db.session.commit()
    return Case(referral, gp, gp_headers, worker, headers)


def fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    return response.get_json()["error"]["fields"]


def add_note(client, case: Case, text: str = NOTE, **more) -> dict:
    response = client.post(case.url("/notes"), json={"text": text, **more}, headers=case.headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# Case notes ------------------------------------------------------------------------------------


def test_a_link_worker_adds_and_lists_notes(client, case) -> None:
    note = add_note(client, case)
    assert set(note) == {"id", "text", "author", "at", "edited_at", "corrects"}
    assert note["text"] == NOTE and case.worker.name in note["author"]
    assert note["edited_at"] is None and note["corrects"] is None
    add_note(client, case, "Second call: booked a taster session.")
    listed = client.get(case.url("/notes"), headers=case.headers).get_json()["items"]
    assert [n["text"] for n in listed] == [NOTE, "Second call: booked a taster session."]


def test_the_author_edits_a_note_within_a_day(client, case) -> None:
    note = add_note(client, case)
    response = client.patch(
        case.url(f"/notes/{note['id']}"), json={"text": "Met at the library."}, headers=case.headers
    )
    assert response.status_code == 200
    assert response.get_json()["text"] == "Met at the library."
    assert response.get_json()["edited_at"] is not None


def test_a_note_is_locked_after_a_day_and_to_everyone_else(client, case, api_headers) -> None:
    note = add_note(client, case)
    url = case.url(f"/notes/{note['id']}")
    _, colleague = api_headers("link_worker")
    response = client.patch(url, json={"text": "Not mine"}, headers=colleague)
    assert response.status_code == 409 and "Only the person who wrote" in response.text
    row = db.session.get(CaseNote, note["id"])
    row.at = utcnow() - timedelta(hours=25)
    db.session.commit()
    response = client.patch(url, json={"text": "Too late"}, headers=case.headers)
    assert response.status_code == 409 and "24 hours" in response.text
    db.session.refresh(row)
    assert row.text == NOTE


def test_a_correction_points_at_the_note_it_corrects(client, case) -> None:
    note = add_note(client, case)
    correction = add_note(
        client, case, "Correction: it was the community centre.", corrects=note["id"]
    )
    assert correction["corrects"] == note["id"]
    for wrong in (note["id"] + 1000, 10**400, "1", True, 1.5, [note["id"]], 0, -3):
        response = client.post(
            case.url("/notes"), json={"text": "x", "corrects": wrong}, headers=case.headers
        )
        assert "corrects" in fields(response), wrong


@pytest.mark.parametrize(
    "text", ["", "   \n ", None, 5, ["a"], "x" * (TEXT_LIMITS["case_note"] + 1)]
)
def test_a_note_needs_words_within_its_bound(client, case, text) -> None:
    response = client.post(case.url("/notes"), json={"text": text}, headers=case.headers)
    assert "text" in fields(response)
    assert db.session.execute(db.select(CaseNote.id)).first() is None


@pytest.mark.parametrize("part", ["notes", "goals", "connections"])
@pytest.mark.parametrize("part_id", ["abc", "99999999999999999999", "9" * 500, "0", "-1", "1.5"])
def test_parts_that_are_not_on_the_referral_are_404(client, case, part, part_id) -> None:
    response = client.patch(
        case.url(f"/{part}/{part_id}"),
        json={"text": "x", "status": "achieved"},
        headers=case.headers,
    )
    assert response.status_code == 404
    assert "on this referral" in response.get_json()["error"]["message"]


# The care plan ---------------------------------------------------------------------------------


def test_goals_are_added_listed_and_updated(client, case) -> None:
    target = (today() + timedelta(days=30)).isoformat()
    response = client.post(
        case.url("/goals"),
        json={"text": "Go to the choir twice a month", "target_date": target},
        headers=case.headers,
    )
    assert response.status_code == 201
    goal = response.get_json()
    assert (goal["status"], goal["target_date"]) == ("not_started", target)
    response = client.patch(
        case.url(f"/goals/{goal['id']}"), json={"status": "achieved"}, headers=case.headers
    )
    assert response.status_code == 200 and response.get_json()["status"] == "achieved"
    listed = client.get(case.url("/goals"), headers=case.headers).get_json()["items"]
    assert [(g["text"], g["status"]) for g in listed] == [
        ("Go to the choir twice a month", "achieved")
    ]


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("post", {"text": ""}, "text"),
        ("post", {"text": 7}, "text"),
        ("post", {"text": "Walk", "target_date": "2001-01-01"}, "target_date"),
        ("post", {"text": "Walk", "target_date": "next week"}, "target_date"),
        ("patch", {"status": "finished"}, "status"),
        ("patch", {"status": None}, "status"),
        ("patch", {"status": ["achieved"]}, "status"),
        ("patch", {"status": "achieved", "text": "x" * (TEXT_LIMITS["goal"] + 1)}, "text"),
    ],
)
def test_goal_input_is_checked(client, case, method, body, field) -> None:
    created = client.post(case.url("/goals"), json={"text": "Walk"}, headers=case.headers)
    url = case.url("/goals") if method == "post" else case.url(f"/goals/{created.json['id']}")
    assert field in fields(client.open(url, method=method.upper(), json=body, headers=case.headers))


# Connections -----------------------------------------------------------------------------------


def test_a_connection_and_its_outcome(client, case, suggestible_service) -> None:
    response = client.post(
        case.url("/connections"),
        json={"service_id": suggestible_service.id, "note": "Taster on Tuesday"},
        headers=case.headers,
    )
    assert response.status_code == 201
    connection = response.get_json()
    assert connection == {
        "id": connection["id"],
        "service_id": suggestible_service.id,
        "service_name": "Singing for the Brain",
        "note": "Taster on Tuesday",
        "outcome": None,
        "reason": None,
        "created_at": connection["created_at"],
        "outcome_at": None,
    }
    url = case.url(f"/connections/{connection['id']}")
    response = client.patch(
        url, json={"outcome": "stopped", "reason": "The bus stopped running"}, headers=case.headers
    )
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "stopped"
    assert response.get_json()["outcome_at"] is not None
    assert "outcome" in fields(client.patch(url, json={"outcome": "gone"}, headers=case.headers))
    listed = client.get(case.url("/connections"), headers=case.headers).get_json()["items"]
    assert [(c["service_name"], c["reason"]) for c in listed] == [
        ("Singing for the Brain", "The bus stopped running")
    ]


@pytest.mark.parametrize("service", ["unknown", "inactive", None, 12, ["x"], "x" * 10_000])
def test_an_unknown_or_inactive_service_is_422(client, case, service) -> None:
    if service == "inactive":
        closed = Service(
            organization=Organization(name="Old Hall"), name="Closed club", status="inactive"
        )
        db.session.add(closed)
        db.session.commit()
        service = closed.id
    response = client.post(
        case.url("/connections"), json={"service_id": service}, headers=case.headers
    )
    assert "running now" in fields(response)["service_id"]


# Next contact, what matters to me, and what staff see in the referral --------------------------


def test_the_next_contact_is_set_and_cleared(client, case) -> None:
    on = (today() + timedelta(days=3)).isoformat()
    response = client.put(
        case.url("/next-contact"), json={"on": on, "version": case.version}, headers=case.headers
    )
    assert response.status_code == 200 and response.get_json()["next_contact_on"] == on
    response = client.put(case.url("/next-contact"), json={"on": None}, headers=case.headers)
    assert response.status_code == 200 and response.get_json()["next_contact_on"] is None
    stale = client.put(
        case.url("/next-contact"), json={"on": on, "version": 1}, headers=case.headers
    )
    assert stale.status_code == 409


@pytest.mark.parametrize("body", [{}, {"on": "2001-01-01"}, {"on": 5}, {"on": "tomorrow"}])
def test_a_next_contact_must_be_a_date_from_today(client, case, body) -> None:
    assert "on" in fields(client.put(case.url("/next-contact"), json=body, headers=case.headers))


def test_what_matters_is_recorded_and_shown_to_staff_only(client, case, needs) -> None:
    body = {
        "in_their_words": "Singing again, and someone to talk to.",
        "strengths": "Warm, funny, a good cook.",
        "barriers": "Bus fares; low mood in the mornings.",
        "need_ids": [needs.loneliness.id, needs.money.id],
    }
    response = client.put(case.url("/what-matters"), json=body, headers=case.headers)
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["what_matters_to_me"] == {
        "in_their_words": body["in_their_words"],
        "strengths": body["strengths"],
        "barriers": body["barriers"],
    }
    assert {r["id"] for r in shown["reasons"]} == {needs.loneliness.id, needs.money.id}
    assert "next_contact_on" in shown and shown["outcome_summary"] is None
    for_gp = client.get(case.url(), headers=case.gp_headers).get_json()
    assert "what_matters_to_me" not in for_gp and "next_contact_on" not in for_gp
    assert "Bus fares" not in json.dumps(for_gp)
    assert for_gp["outcome_summary"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"need_ids": ["nope"]}, "need_ids"),
        ({"need_ids": "nope"}, "need_ids"),
        ({"strengths": "x" * (TEXT_LIMITS["strengths"] + 1)}, "strengths"),
        ({"in_their_words": 5}, "in_their_words"),
        ({"version": "2"}, "version"),
    ],
)
def test_what_matters_input_is_checked(client, case, body, field) -> None:
    assert field in fields(client.put(case.url("/what-matters"), json=body, headers=case.headers))


# Correcting the person's details ---------------------------------------------------------------


def test_a_link_worker_corrects_the_persons_details(client, case) -> None:
    response = client.patch(
        case.url("/person"),
        json={"phone": "07700 900 982", "family_name": "Rivers-Hale", "version": case.version},
        headers=case.headers,
    )
    assert response.status_code == 200
    person = response.get_json()["person"]
    assert (person["phone"], person["family_name"]) == ("07700900982", "Rivers-Hale")
    [event] = [e for e in case.referral.events if e.kind == EventKind.CORRECTED]
    assert event.note == "Corrected last name, phone"  # which fields, never their values
    [audited] = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "referral.correct")
    ).scalars()
    assert audited.detail == {"fields": ["family_name", "phone"]}


def test_a_correction_with_a_stale_version_is_409(client, case) -> None:
    stale = case.version
    on = today().isoformat()
    client.put(case.url("/next-contact"), json={"on": on, "version": stale}, headers=case.headers)
    assert case.version == stale + 1
    response = client.patch(
        case.url("/person"), json={"given_name": "Alexa", "version": stale}, headers=case.headers
    )
    assert response.status_code == 409
    db.session.refresh(case.referral)
    assert case.referral.given_name == "Alex"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nhs_number": "9434765918"}, "person.nhs_number"),
        ({"postcode": "NOWHERE"}, "person.postcode"),
        ({"postcode": None}, "person.postcode"),
        ({"date_of_birth": "23/04/1956"}, "person.date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "person.date_of_birth"),
        ({"given_name": ""}, "person.given_name"),
        ({"given_name": "Al\nex"}, "person.given_name"),
        ({"interpreter_needed": "yes"}, "person.interpreter_needed"),
        ({"phone": 123}, "person.phone"),
        ({"email": "alex"}, "person.email"),
        ({"preferred_contact": "pigeon"}, "person.preferred_contact"),
        ({"phone": None, "email": None}, "person.phone"),
        ({"address": "1 High St"}, "person.address"),
        ({"version": None}, "version"),
        ({"version": "1"}, "version"),
    ],
)
def test_corrections_are_checked_as_at_creation(client, case, body, field) -> None:
    sent = {"version": case.version, **body}
    assert field in fields(client.patch(case.url("/person"), json=sent, headers=case.headers))
    assert not [e for e in case.referral.events if e.kind == EventKind.CORRECTED]


# Completing, and the message back --------------------------------------------------------------


def complete(client, case: Case, summary: object = "Joined a choir; feels less alone."):
    return client.post(
        case.url("/transitions"), json={"to": "completed", "summary": summary}, headers=case.headers
    )


@pytest.mark.parametrize("summary", [None, "", "  \n ", 5])
def test_completing_needs_an_outcome_summary(client, case, summary) -> None:
    assert "summary" in fields(complete(client, case, summary))
    db.session.refresh(case.referral)
    assert case.referral.status == "in_progress"


def test_the_message_back_is_for_the_referrer_once_completed(
    client, case, suggestible_service
) -> None:
    assert client.get(case.url("/summary"), headers=case.gp_headers).status_code == 409
    add_note(client, case, "Private: bereavement still raw.")
    connection = client.post(
        case.url("/connections"), json={"service_id": suggestible_service.id}, headers=case.headers
    ).get_json()
    client.patch(
        case.url(f"/connections/{connection['id']}"),
        json={"outcome": "attending", "reason": "Private reason about her knees"},
        headers=case.headers,
    )
    for stage, answers in (
        ("baseline", [2, 2, 2, 2, 2, 2, 2]),
        ("follow_up", [3, 4, 3, 3, 4, 4, 3]),
    ):
        client.post(
            case.url("/measures"),
            json={"instrument": "swemwbs", "stage": stage, "answers": answers},
            headers=case.headers,
        )
    assert complete(client, case).status_code == 200

    response = client.get(case.url("/summary"), headers=case.gp_headers)
    assert response.status_code == 200
    message = response.get_json()
    assert message["reference"] == case.referral.reference
    assert message["summary"] == "Joined a choir; feels less alone."
    assert message["connections"] == [
        {
            "service_id": suggestible_service.id,
            "service_name": "Singing for the Brain",
            "outcome": "attending",
        }
    ]
    assert message["measures"][0]["change"]["metric_score"] == pytest.approx(
        21.54 - 15.32
    )  # raw 14 -> 24
    shown = response.text
    for private in ("bereavement", "knees", "answers", "[3, 4, 3"):
        assert private not in shown
    for_gp = client.get(case.url(), headers=case.gp_headers).get_json()
    assert for_gp["outcome_summary"] == "Joined a choir; feels less alone."
    [read] = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "referral.summary_view")
    ).scalars()
    assert (read.actor_id, read.subject_id) == (case.gp.id, case.referral.id)


def test_residents_and_other_practices_do_not_get_the_summary(
    client, api_headers, make_referral
) -> None:
    resident, resident_headers = api_headers("resident")
    own = make_referral(actor=resident)
    worker = make_user(Role.LINK_WORKER)
    for to in ("accepted", "in_progress"):
        transition(own, to, worker)
    transition(own, "completed", worker, summary="Found a walking group.")
    db.session.commit()
    assert client.get(f"/api/referrals/{own.id}/summary", headers=resident_headers).status_code == (
        403
    )
    _, stranger = api_headers("referrer", organisation="Quayside Practice")
    assert client.get(f"/api/referrals/{own.id}/summary", headers=stranger).status_code == 404


# Search ----------------------------------------------------------------------------------------


@pytest.fixture
def two_people(make_referral) -> tuple[Referral, Referral]:
    alex = make_referral(nhs_number=VALID_NHS_NUMBER)
    sam = make_referral(given_name="Sam", family_name="O'Neill", date_of_birth=alex.date_of_birth)
    sam.date_of_birth = sam.date_of_birth.replace(year=1970)
    db.session.commit()
    return alex, sam


def search(client, headers, q: str):
    return client.get("/api/referrals", query_string={"q": q}, headers=headers)


@pytest.mark.parametrize(
    "q",
    [
        "{reference}",
        "{reference_lower}",
        "{bare_reference}",
        "Alex",
        "alex riv",
        "RIVERS",
        "943 476 5919",
        "943-476-5919",
        "9434765919",
        "1956-04-23",
        "23/04/1956",
    ],
)
def test_staff_find_a_referral_by_reference_name_nhs_number_or_birth(
    client, api_headers, two_people, q
) -> None:
    alex, _ = two_people
    _, headers = api_headers("link_worker")
    q = q.format(
        reference=alex.reference,
        reference_lower=alex.reference.lower(),
        bare_reference=alex.reference.removeprefix("WB-"),
    )
    response = search(client, headers, q)
    assert response.status_code == 200
    assert [r["id"] for r in response.get_json()["items"]] == [alex.id]


def test_a_search_that_matches_nothing_finds_nothing(client, api_headers, two_people) -> None:
    _, headers = api_headers("admin")
    for q in ("Nobody", "1999-01-01", "%", "_", "' OR 1=1 --"):
        assert search(client, headers, q).get_json()["total"] == 0, q
    assert search(client, headers, "  ").get_json()["total"] == 2  # blank: no search


@pytest.mark.parametrize("role", ["referrer", "resident"])
def test_only_staff_may_search(client, api_headers, two_people, role) -> None:
    _, headers = api_headers(role)
    assert search(client, headers, "Alex").status_code == 403
    assert client.get("/api/referrals", headers=headers).status_code == 200


def test_a_search_too_long_is_422_naming_q(client, api_headers) -> None:
    _, headers = api_headers("link_worker")
    response = search(client, headers, "a" * (TEXT_LIMITS["search"] + 1))
    assert response.status_code == 422
    assert response.get_json()["error"]["parameter"] == "q"


def test_a_search_is_audited_without_what_was_searched(client, api_headers, two_people) -> None:
    alex, _ = two_people
    worker, headers = api_headers("link_worker")
    search(client, headers, "943 476 5919")
    rows = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.actor_id == worker.id).order_by(AuditEvent.id)
    ).scalars()
    assert [(r.action, r.subject_id, r.detail) for r in rows] == [
        ("referral.search", None, {"found": 1}),
        ("referral.list", alex.id, None),
    ]


# Who may do what, the audit trail, and hostile input -------------------------------------------

# (method, path, body) of each case record endpoint, and what a link worker gets.
CASEWORK = [
    ("GET", "/notes", None, 200),
    ("POST", "/notes", {"text": "Called"}, 201),
    ("PATCH", "/notes/{note}", {"text": "Called twice"}, 200),
    ("GET", "/goals", None, 200),
    ("POST", "/goals", {"text": "Walk"}, 201),
    ("PATCH", "/goals/{goal}", {"status": "in_progress"}, 200),
    ("GET", "/connections", None, 200),
    ("POST", "/connections", {"service_id": "{service}"}, 201),
    ("PATCH", "/connections/{connection}", {"outcome": "started"}, 200),
    ("GET", "/measures", None, 200),
    ("POST", "/measures", {"instrument": "ons4", "stage": "review", "answers": [5] * 4}, 201),
    ("PUT", "/next-contact", {"on": None}, 200),
    ("PUT", "/what-matters", {"in_their_words": "Company"}, 200),
    ("PATCH", "/person", {"language": "Welsh", "version": "{version}"}, 200),
]


@pytest.fixture
def parts(client, case, suggestible_service) -> dict[str, object]:
    """A note, a goal and a connection on the case, by the case's link worker, and another
    service to connect them to."""
    another = Service(organization=Organization(name="Ramblers"), name="Health walks")
    db.session.add(another)
    db.session.commit()
    note = add_note(client, case)
    goal = client.post(case.url("/goals"), json={"text": "Walk"}, headers=case.headers).json
    connection = client.post(
        case.url("/connections"), json={"service_id": suggestible_service.id}, headers=case.headers
    ).json
    return {
        "note": note["id"],
        "goal": goal["id"],
        "connection": connection["id"],
        "service": another.id,
    }


def filled(case: Case, parts: dict[str, object], path: str, body: dict | None):
    """The path and body with the case's parts (and its current version) put in."""
    values = {**parts, "version": case.version}
    url = case.url(path.format(**values))
    if body is None:
        return url, None
    sent = {
        key: (values[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value)
        for key, value in body.items()
    }
    return url, sent


@pytest.mark.parametrize("who", ["link_worker", "admin"])
@pytest.mark.parametrize(("method", "path", "body", "status"), CASEWORK)
def test_link_workers_and_admins_use_the_case_record(
    client, case, parts, api_headers, who, method, path, body, status
) -> None:
    headers = case.headers if who == "link_worker" else api_headers("admin")[1]
    if who == "admin" and path == "/notes/{note}":
        status = 409  # a note is its author's to edit
    url, sent = filled(case, parts, path, body)
    response = client.open(url, method=method, json=sent, headers=headers)
    assert response.status_code == status, response.get_json()


@pytest.mark.parametrize(("method", "path", "body", "status"), CASEWORK)
def test_referrers_residents_and_others_are_refused(
    client, case, parts, make_referral, method, path, body, status
) -> None:
    resident = make_user(Role.RESIDENT)
    own = make_referral(actor=resident)
    stranger = make_user(Role.REFERRER, organisation="Quayside Practice")
    provider = make_user(Role.PROVIDER)
    tokens = {
        user: {"Authorization": f"Bearer {issue_token(user)}"}
        for user in (resident, stranger, provider)
    }
    db.session.commit()
    url, sent = filled(case, parts, path, body)
    own_url = url.replace(case.referral.id, own.id)
    expected = [
        (url, case.gp_headers, 403),  # may see the referral, not its case record
        (own_url, tokens[resident], 403),
        (url, tokens[stranger], 404),
        (url, tokens[provider], 403),
        (url, {}, 401),
    ]
    before = db.session.execute(db.select(db.func.count()).select_from(ReferralEvent)).scalar()
    for address, headers, status_wanted in expected:
        response = client.open(address, method=method, json=sent, headers=headers)
        assert response.status_code == status_wanted, (address, headers, response.get_json())
        assert "error" in response.get_json()
    after = db.session.execute(db.select(db.func.count()).select_from(ReferralEvent)).scalar()
    assert before == after


def test_every_casework_read_and_change_is_audited_without_personal_data(
    client, case, parts
) -> None:
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    for method, path, body, _ in CASEWORK:
        url, sent = filled(case, parts, path, body)
        client.open(url, method=method, json=sent, headers=case.headers)
    rows = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars())
    assert [r.action for r in rows] == [
        "referral.notes_view",
        "referral.note_add",
        "referral.note_edit",
        "referral.goals_view",
        "referral.goal_add",
        "referral.goal_update",
        "referral.connections_view",
        "referral.connect",
        "referral.connection_outcome",
        "referral.measures_view",
        "referral.measure",
        "referral.next_contact",
        "referral.what_matters",
        "referral.correct",
    ]
    assert {(r.actor_id, r.subject_id) for r in rows} == {(case.worker.id, case.referral.id)}
    details = json.dumps([r.detail for r in rows])
    for personal in ("Called", "Walk", "Company", "Welsh", "Alex", "Rivers", VALID_NHS_NUMBER):
        assert personal not in details


HOSTILE_BODIES = [
    ["text"],
    "text",
    10**400,
    None,
    {"text": 10**400, "status": 10**400, "outcome": 10**400, "service_id": 10**400, "version": 0},
    {"answers": [10**400] * 7, "instrument": "swemwbs", "stage": "review", "version": "1"},
    {"barriers": 10**400, "version": 10**400, "status": "achieved", "text": 10**400},
    dict.fromkeys(("text", "status", "outcome", "reason", "on", "strengths"), "x" * 200_000),
    {key: {"nested": ["x"]} for key in ("text", "status", "outcome", "answers", "version")},
    {"given_name": ["A"], "date_of_birth": 19560423, "version": 10**400},
    {"in_their_words": True, "need_ids": [1, 2], "version": -1},
    {"language": "Welsh", "version": 1.0, "on": None, "text": "", "status": "achieved"},
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"), [c for c in CASEWORK if c[0] != "GET"]
)
def test_hostile_bodies_are_400_or_422_never_500(client, case, parts, method, path, body, status):
    url, _ = filled(case, parts, path, body)
    for number, hostile in enumerate(HOSTILE_BODIES):
        response = client.open(url, method=method, json=hostile, headers=case.headers)
        wanted = 400 if not isinstance(hostile, dict) else 422
        assert response.status_code == wanted, (number, response.get_json())
    response = client.open(
        url, method=method, data="{not json", content_type="application/json", headers=case.headers
    )
    assert response.status_code == 400
