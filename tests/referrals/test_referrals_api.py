"""The referrals JSON API: create, list, read, events, transitions and the FHIR view (with
the outcome once completed)."""

from datetime import date, timedelta

import pytest

from tests.support.factories import make_user
from tests.support.referrals import VALID_NHS_NUMBER
from tests.support.referrals import referral_body as body
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.directory.models import Organization, Service
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral


def test_a_gp_system_creates_a_referral(client, api_headers, needs, suggestible_service) -> None:
    gp, headers = api_headers("referrer", organisation="Kingsholm Surgery")
    response = client.post(
        "/api/referrals",
        json=body(needs, suggested_service_ids=[suggestible_service.id]),
        headers=headers,
    )
    assert response.status_code == 201
    data = response.get_json()
    assert data["status"] == "submitted" and data["reference"].startswith("WB-")
    assert response.headers["Location"].endswith(f"/api/referrals/{data['id']}")
    assert data["person"]["nhs_number"] == VALID_NHS_NUMBER
    assert data["person"]["postcode"] == "GL1 3AB"
    assert data["source"] == "gp"
    assert data["referrer"] == {
        "name": gp.name,
        "organisation": "Kingsholm Surgery",
        "email": gp.email,
        "phone": None,
    }
    assert {r["name"] for r in data["reasons"]} == {
        "Loneliness and social connection",
        "Debt advice",
    }
    assert data["suggested_services"] == [
        {"id": suggestible_service.id, "name": "Singing for the Brain"}
    ]
    assert data["latest_event"]["kind"] == "created"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": False}, "consent", "consent must be true"),
        ({"consent": "yes"}, "consent", "consent must be true"),
        ({"person": {"given_name": ""}}, "person.given_name", "Enter a first name"),
        ({"person": {"date_of_birth": "23/04/1956"}}, "person.date_of_birth", "1980-03-27"),
        ({"person": {"date_of_birth": "2999-01-01"}}, "person.date_of_birth", "in the past"),
        ({"person": {"nhs_number": "9434765918"}}, "person.nhs_number", "valid NHS number"),
        ({"person": {"postcode": "NOWHERE"}}, "person.postcode", "real UK postcode"),
        ({"person": {"email": "alex"}}, "person.email", "correct format"),
        ({"person": {"phone": 123}}, "person.phone", "must be a string"),
        ({"reasons": []}, "reasons", "at least one"),
        ({"reasons": ["nope"]}, "reasons", "Unknown id: nope"),
        ({"reasons": "loneliness"}, "reasons", "list of id strings"),
        ({"urgency": "soon"}, "urgency", "routine or urgent"),
        ({"details": ""}, "details", "what matters"),
        ({"suggested_service_ids": ["nope"]}, "suggested_service_ids", "Unknown id"),
        ({"person": "Alex"}, "person", "must be an object"),
        ({"risk": {"flag": True}}, "risk.note", "Describe the risk"),
        ({"source": "self"}, "source", "'gp' or 'professional'"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, api_headers, needs, overrides, field, message):
    _, headers = api_headers("referrer")
    response = client.post("/api/referrals", json=body(needs, **overrides), headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["status"] == 422
    assert message in error["fields"][field]
    assert db.session.execute(db.select(Referral)).first() is None


def test_a_body_that_is_not_a_json_object_is_400(client, api_headers) -> None:
    _, headers = api_headers("referrer")
    for data in ("not json", "[1, 2]"):
        response = client.post(
            "/api/referrals", data=data, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400
        assert "JSON object" in response.get_json()["error"]["message"]


def test_sources_follow_the_callers_role(client, api_headers, needs) -> None:
    expected = {"referrer": "professional", "link_worker": "link_worker", "resident": "self"}
    for role, source in expected.items():
        _, headers = api_headers(role)
        response = client.post(
            "/api/referrals", json=body(needs, source="professional"), headers=headers
        )
        assert response.get_json()["source"] == source


def test_list_shows_only_what_the_caller_may_see(client, api_headers, make_referral) -> None:
    gp, gp_headers = api_headers("referrer", organisation="Kingsholm Surgery")
    colleague = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    stranger = make_user(Role.REFERRER, organisation="Quayside Practice")
    mine, colleagues = make_referral(actor=gp), make_referral(actor=colleague)
    make_referral(actor=stranger)
    response = client.get("/api/referrals", headers=gp_headers)
    data = response.get_json()
    assert {item["id"] for item in data["items"]} == {mine.id, colleagues.id}
    assert data["total"] == 2

    _, lw_headers = api_headers("link_worker")
    assert client.get("/api/referrals", headers=lw_headers).get_json()["total"] == 3
    _, resident_headers = api_headers("resident")
    assert client.get("/api/referrals", headers=resident_headers).get_json()["total"] == 0


def test_list_filters_by_status_and_checks_parameters(client, api_headers, make_referral) -> None:
    _, headers = api_headers("link_worker")
    accepted = make_referral()
    make_referral()
    client.post(
        f"/api/referrals/{accepted.id}/transitions", json={"to": "accepted"}, headers=headers
    )
    data = client.get("/api/referrals?status=accepted", headers=headers).get_json()
    assert [item["id"] for item in data["items"]] == [accepted.id]
    response = client.get("/api/referrals?status=done", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["parameter"] == "status"
    assert client.get("/api/referrals?per_page=500", headers=headers).status_code == 422
    assert client.get("/api/referrals?page=x", headers=headers).status_code == 422


def test_transitions_through_the_api(client, api_headers, make_referral) -> None:
    _, headers = api_headers("link_worker")
    referral = make_referral()
    url = f"/api/referrals/{referral.id}/transitions"

    response = client.post(url, json={"to": "accepted", "version": 1}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "accepted"
    assert response.get_json()["version"] == 2

    stale = client.post(url, json={"to": "in_progress", "version": 1}, headers=headers)
    assert stale.status_code == 409
    assert "Someone else changed" in stale.get_json()["error"]["message"]

    illegal = client.post(url, json={"to": "completed"}, headers=headers)
    assert illegal.status_code == 409
    assert "cannot become completed" in illegal.get_json()["error"]["message"]

    no_reason = client.post(url, json={"to": "on_hold"}, headers=headers)
    assert no_reason.status_code == 422
    assert "reason" in no_reason.get_json()["error"]["fields"]

    assert (
        client.post(url, json={"to": "on_hold", "version": "2"}, headers=headers).status_code == 422
    )
    assert client.post(url, json={"reason": "x"}, headers=headers).status_code == 422

    events = client.get(f"/api/referrals/{referral.id}/events", headers=headers).get_json()
    assert [(e["from"], e["to"]) for e in events["items"]] == [
        (None, "submitted"),
        ("submitted", "accepted"),
    ]


def test_a_referrer_may_cancel_but_not_triage(client, api_headers, make_referral) -> None:
    gp, headers = api_headers("referrer")
    referral = make_referral(actor=gp)
    url = f"/api/referrals/{referral.id}/transitions"
    assert client.post(url, json={"to": "accepted"}, headers=headers).status_code == 403
    response = client.post(url, json={"to": "cancelled", "reason": "Moved away"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["latest_event"]["reason"] == "Moved away"


def test_a_referral_the_caller_may_not_see_is_404(client, api_headers, make_referral) -> None:
    referral = make_referral(actor=make_user(Role.REFERRER, organisation="Quayside Practice"))
    _, headers = api_headers("referrer", organisation="Kingsholm Surgery")
    for path in ("", "/events", "/fhir"):
        response = client.get(f"/api/referrals/{referral.id}{path}", headers=headers)
        assert response.status_code == 404
        missing = client.get(f"/api/referrals/no-such-id{path}", headers=headers)
        assert missing.get_json() == response.get_json()  # the same answer either way
    response = client.post(
        f"/api/referrals/{referral.id}/transitions",
        json={"to": "cancelled", "reason": "x"},
        headers=headers,
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "task_status", "request_status"),
    [
        ([], "requested", "active"),
        (["accepted"], "accepted", "active"),
        (["accepted", "in_progress"], "in-progress", "active"),
        (["accepted", "on_hold"], "on-hold", "on-hold"),
        (["accepted", "in_progress", "completed"], "completed", "completed"),
        (["declined"], "rejected", "revoked"),
        (["cancelled"], "cancelled", "revoked"),
    ],
)
def test_the_fhir_view_maps_our_status(
    client, api_headers, make_referral, path, task_status, request_status
) -> None:
    _, headers = api_headers("link_worker")
    referral = make_referral(nhs_number=VALID_NHS_NUMBER, urgency="urgent")
    for to in path:
        client.post(
            f"/api/referrals/{referral.id}/transitions",
            json={"to": to, "reason": "r", "summary": "s"},
            headers=headers,
        )
    response = client.get(f"/api/referrals/{referral.id}/fhir", headers=headers)
    assert response.mimetype == "application/fhir+json"
    bundle = response.get_json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    service_request, task = (entry["resource"] for entry in bundle["entry"])
    assert service_request["resourceType"] == "ServiceRequest"
    assert service_request["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "871731000000106",
        "display": "Referral to social prescribing service",
    }
    assert service_request["status"] == request_status
    assert service_request["priority"] == "urgent"
    assert service_request["subject"]["identifier"]["value"] == VALID_NHS_NUMBER
    assert task["resourceType"] == "Task" and task["status"] == task_status
    assert task["focus"]["reference"] == f"ServiceRequest/{referral.id}"


def test_fhir_maps_closed_for_no_contact_to_failed(client, api_headers, make_referral) -> None:
    link_worker, headers = api_headers("link_worker")
    referral = make_referral()
    from wellbeing.referrals.casework import record_contact_attempt

    for to in ("accepted", "in_progress"):
        client.post(f"/api/referrals/{referral.id}/transitions", json={"to": to}, headers=headers)
    db.session.refresh(referral)
    for _ in range(3):
        record_contact_attempt(referral, link_worker, "phone", "no_answer")
    db.session.commit()
    client.post(
        f"/api/referrals/{referral.id}/transitions",
        json={"to": "closed_no_contact", "reason": "Three calls, no answer"},
        headers=headers,
    )
    task = client.get(f"/api/referrals/{referral.id}/fhir", headers=headers).get_json()["entry"][1]
    assert task["resource"]["status"] == "failed"
    assert task["resource"]["statusReason"]["text"] == "Three calls, no answer"


def test_every_api_read_and_change_is_audited(client, api_headers, make_referral) -> None:
    link_worker, headers = api_headers("link_worker")
    referral = make_referral()
    db.session.execute(db.delete(AuditEvent))
    db.session.commit()
    client.get("/api/referrals", headers=headers)
    client.get(f"/api/referrals/{referral.id}", headers=headers)
    client.get(f"/api/referrals/{referral.id}/events", headers=headers)
    client.get(f"/api/referrals/{referral.id}/fhir", headers=headers)
    client.post(
        f"/api/referrals/{referral.id}/transitions", json={"to": "accepted"}, headers=headers
    )
    rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [(r.action, r.subject_id, r.actor_id) for r in rows] == [
        ("referral.list", referral.id, link_worker.id),
        ("referral.view", referral.id, link_worker.id),
        ("referral.view", referral.id, link_worker.id),
        ("referral.view", referral.id, link_worker.id),
        ("referral.transition", referral.id, link_worker.id),
    ]
    assert rows[-1].detail == {"from": "submitted", "to": "accepted"}
    assert all(r.ip_address == "127.0.0.1" for r in rows)


def test_dates_of_birth_are_limited_to_plausible_ages(client, api_headers, needs) -> None:
    _, headers = api_headers("referrer")
    too_old = (date.today() - timedelta(days=366 * 121)).isoformat()
    response = client.post(
        "/api/referrals", json=body(needs, person={"date_of_birth": too_old}), headers=headers
    )
    assert (
        "within the last 120 years"
        in response.get_json()["error"]["fields"]["person.date_of_birth"]
    )


def test_a_completed_task_carries_the_outcome(client, api_headers, make_referral) -> None:
    _, headers = api_headers("link_worker")
    referral = make_referral()
    url = f"/api/referrals/{referral.id}"
    choir = Service(organization=Organization(name="Choir"), name="Singing for the Brain")
    walks = Service(organization=Organization(name="Ramblers"), name="Health walks")
    db.session.add_all([choir, walks])
    db.session.commit()
    for to in ("accepted", "in_progress"):
        client.post(f"{url}/transitions", json={"to": to}, headers=headers)
    task = client.get(f"{url}/fhir", headers=headers).get_json()["entry"][1]["resource"]
    assert "output" not in task  # no outcome until it is completed
    assert task["code"]["coding"][0]["code"] == "871731000000106"
    first = client.post(f"{url}/connections", json={"service_id": choir.id}, headers=headers)
    client.patch(
        f"{url}/connections/{first.get_json()['id']}",
        json={"outcome": "attending", "reason": "Loves the tenor section"},
        headers=headers,
    )
    client.post(f"{url}/connections", json={"service_id": walks.id}, headers=headers)
    for stage, answers in (("baseline", [4, 5, 6, 7]), ("follow_up", [6, 5, 9, 3])):
        client.post(
            f"{url}/measures",
            json={"instrument": "ons4", "stage": stage, "answers": answers},
            headers=headers,
        )
    client.post(
        f"{url}/transitions",
        json={"to": "completed", "summary": "Sings weekly; less anxious."},
        headers=headers,
    )
    bundle = client.get(f"{url}/fhir", headers=headers).get_json()
    service_request, task = (entry["resource"] for entry in bundle["entry"])
    assert task["status"] == "completed"
    assert task["code"] == service_request["code"]
    assert task["code"]["coding"][0]["code"] == "871731000000106"
    assert [(o["type"]["text"], o.get("valueString")) for o in task["output"]][:1] == [
        ("Outcome summary", "Sings weekly; less anxious.")
    ]
    assert [o["valueReference"]["display"] for o in task["output"][1:3]] == [
        "Singing for the Brain: attending",
        "Health walks: outcome not recorded",
    ]
    assert task["output"][3]["type"]["text"] == "ONS4 change"
    assert task["output"][3]["valueString"].endswith(
        "life satisfaction +2, worthwhile +0, happy yesterday +3, anxious yesterday -4"
    )
    assert "tenor" not in str(bundle)  # a connection's reason stays in the case record
