"""Hostile input in every field of the referral forms and every JSON field of the referrals API:
never a server error, and whatever is refused leaves the saved data as it was."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.referrals import many_ids, referral_body, referrer_form, self_referral_form
from wellbeing.extensions import db
from wellbeing.outbox import Notification
from wellbeing.referrals.models import (
    PERSON_FIELDS,
    ContactAttempt,
    Referral,
    ReferralEvent,
)
from wellbeing.referrals.workflow import transition

FAST = settings(
    max_examples=60,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text: any character (control characters and lone surrogates included), long runs, and the
# shapes that break naive code.
TRICKY = [
    "",
    " ",
    "\n",
    "\r\n",
    "\t",
    "line one\nline two",
    "\x00",
    "\x1b[31m",
    "\u2028",
    "\ud800",
    "\ufeff",
    "\U0001d518\U0001d52b\U0001d526 \U0001f600",  # mathematical letters, an emoji
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00",
    "1e309",
    "9" * 400,
    "-1",
    "0",
    "WB-7K3QF2",
    "GL1 3AB",
]


def hostile_texts(surrogates: bool) -> st.SearchStrategy[str]:
    """Any text, long runs and the tricky cases; lone surrogates only where they can be sent
    (JSON escapes them; a form is UTF-8 bytes, which cannot hold them)."""
    tricky = [t for t in TRICKY if surrogates or "\ud800" not in t]
    return st.one_of(
        st.text(st.characters(codec=None, exclude_categories=() if surrogates else ("Cs",))),
        st.sampled_from(tricky),
        st.builds(
            lambda char, count: char * count,
            st.sampled_from(["x", "\n", "é", " "]),
            st.sampled_from([101, 2001, 5001, 20_000]),
        ),
    )


# Lists longer than any bound (LIST_LIMITS); the 70,000 of the bind-parameter limits are in
# test_referrals_limits.py, too slow to send on every example here.
LONG_LISTS = st.sampled_from([51, 100, 3_000]).map(many_ids)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=2**31 - 2, max_value=2**80),
    st.integers(max_value=0),
    st.floats(),
    st.booleans(),
)
form_texts = hostile_texts(surrogates=False)
# A form field may come once, several times, or very many times.
form_values = st.one_of(
    form_texts, numbers.map(str), st.lists(form_texts, min_size=2, max_size=5), LONG_LISTS
)
json_values = st.one_of(
    st.recursive(
        st.one_of(st.none(), numbers, hostile_texts(surrogates=True)),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=12,
    ),
    LONG_LISTS,
)


def saved() -> tuple:
    """Everything a referral request could change, read afresh."""
    db.session.rollback()
    return (
        db.session.execute(
            db.select(
                Referral.id, Referral.status, Referral.version, Referral.assigned_to_id
            ).order_by(Referral.id)
        ).all(),
        db.session.execute(db.select(ReferralEvent.id)).all(),
        db.session.execute(db.select(ContactAttempt.id)).all(),
        db.session.execute(db.select(Notification.id)).all(),
    )


def check(response, accepted: int, before: tuple) -> None:
    """No server error; and unless the request was accepted, nothing changed."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code != accepted:
        assert saved() == before


@pytest.fixture
def no_rate_limits(app) -> None:
    app.config["SELF_REFERRAL_RATE_LIMIT"] = "100000 per hour"
    app.config["STATUS_CHECK_RATE_LIMIT"] = "100000 per hour"


SELF_REFERRAL_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth[day]",
    "date_of_birth[month]",
    "date_of_birth[year]",
    "nhs_number",
    "postcode",
    "phone",
    "email",
    "preferred_contact",
    "language",
    "need_ids",
    "what_matters",
    "consent",
    "csrf_token",
]


@FAST
@given(
    changes=st.dictionaries(
        st.sampled_from(SELF_REFERRAL_FIELDS), form_values, min_size=1, max_size=3
    ),
    action=st.sampled_from(["check", "send", "change", "other"]),
)
def test_self_referral_steps(client, needs, no_rate_limits, changes, action) -> None:
    before = saved()
    response = client.post(
        "/refer", data={**self_referral_form(needs), **changes, "action": action}
    )
    check(response, 303, before)


@pytest.fixture
def referrer(login_as):
    """A referrer signed in (once for all the examples of a test)."""
    return login_as("referrer", organisation="Kingsholm Surgery")


REFERRER_FIELDS = [
    *SELF_REFERRAL_FIELDS,
    "source",
    "interpreter_needed",
    "urgency",
    "risk_flag",
    "risk_note",
    "referrer_phone",
    "referrer_organisation",
    "service_search",
    "suggested_service_ids",
]


@FAST
@given(
    changes=st.dictionaries(st.sampled_from(REFERRER_FIELDS), form_values, min_size=1, max_size=3),
    action=st.sampled_from(["send", "search"]),
)
def test_referrer_form(client, referrer, needs, changes, action) -> None:
    before = saved()
    response = client.post(
        "/referrals/new", data={**referrer_form(needs), **changes, "action": action}
    )
    check(response, 303, before)


@pytest.fixture
def case(make_referral, login_as) -> str:
    """A link worker signed in, and the id of an accepted referral (version 2) to act on."""
    link_worker = login_as("link_worker")
    referral = make_referral()
    transition(referral, "accepted", link_worker)
    db.session.commit()
    return referral.id


TRANSITION_FIELDS = ["to", "version", "reason"]


@FAST
@given(
    to=st.one_of(
        st.sampled_from(
            [
                "accepted",
                "in_progress",
                "on_hold",
                "declined",
                "cancelled",
                "completed",
                "closed_no_contact",
            ]
        ),
        form_texts,
    ),
    changes=st.dictionaries(st.sampled_from(TRANSITION_FIELDS), form_values, max_size=3),
)
def test_transitions_on_the_page(client, case, to, changes) -> None:
    before = saved()
    data = {"to": to, f"{to}-version": "2", f"{to}-reason": "Because"}
    for name, value in changes.items():
        data[name if name == "to" else f"{to}-{name}"] = value
    check(client.post(f"/referrals/{case}/transition", data=data), 303, before)


@FAST
@given(
    changes=st.dictionaries(
        st.sampled_from(["method", "outcome", "note", "assignee", "version"]),
        form_values,
        min_size=1,
        max_size=3,
    ),
    endpoint=st.sampled_from(["contacts", "assign"]),
)
def test_contact_attempts_and_assignment(client, case, changes, endpoint) -> None:
    before = saved()
    data = {
        "method": "phone",
        "outcome": "no_answer",
        "note": "Rang twice",
        "assignee": "",
        "version": "2",
    }
    check(client.post(f"/referrals/{case}/{endpoint}", data={**data, **changes}), 303, before)


@FAST
@given(
    changes=st.dictionaries(
        st.sampled_from(
            ["reference", "date_of_birth[day]", "date_of_birth[month]", "date_of_birth[year]"]
        ),
        form_values,
        min_size=1,
    )
)
def test_status_check(client, no_rate_limits, changes) -> None:
    data = {
        "reference": "WB-7K3QF2",
        "date_of_birth[day]": "1",
        "date_of_birth[month]": "2",
        "date_of_birth[year]": "1960",
        **changes,
    }
    assert client.post("/referrals/status", data=data).status_code < 500


# The JSON API: a hostile value at any path of a valid body, or the body itself.
API_PATHS = [
    "person",
    *(f"person.{name}" for name in PERSON_FIELDS),
    "reasons",
    "details",
    "urgency",
    "consent",
    "risk",
    "risk.flag",
    "risk.note",
    "suggested_service_ids",
    "source",
    "extra",
]


def replaced(body: dict, path: str, value: object) -> dict:
    *parents, name = path.split(".")
    target = body
    for parent in parents:
        if not isinstance(target.get(parent), dict):
            target[parent] = {}
        target = target[parent]
    target[name] = value
    return body


def post_json(client, path: str, document: object, headers: dict):
    # Sent as text: NaN, infinities and lone surrogates are JSON a client can send.
    return client.post(
        path, data=json.dumps(document), content_type="application/json", headers=headers
    )


@pytest.fixture
def tokens(api_headers) -> dict[str, dict[str, str]]:
    """Bearer headers by role."""
    return {
        role: api_headers(role, organisation="Kingsholm Surgery")[1]
        for role in ("referrer", "link_worker", "resident")
    }


@pytest.fixture
def referrers_referral(make_referral, api_headers) -> tuple[str, dict[str, dict[str, str]]]:
    """A referral by a referrer, and bearer headers for them and for a link worker."""
    gp, gp_headers = api_headers("referrer", organisation="Kingsholm Surgery")
    _, link_worker_headers = api_headers("link_worker")
    return make_referral(actor=gp).id, {"referrer": gp_headers, "link_worker": link_worker_headers}


@FAST
@given(
    changes=st.dictionaries(st.sampled_from(API_PATHS), json_values, min_size=1, max_size=3),
    role=st.sampled_from(["referrer", "link_worker", "resident"]),
)
def test_api_create(client, needs, tokens, changes, role) -> None:
    body = referral_body(needs, risk={"flag": True, "note": "Dog"})
    for path, value in changes.items():
        body = replaced(body, path, value)
    before = saved()
    check(post_json(client, "/api/referrals", body, tokens[role]), 201, before)


@FAST
@given(document=json_values)
def test_api_create_with_any_document(client, tokens, document) -> None:
    before = saved()
    check(post_json(client, "/api/referrals", document, tokens["referrer"]), 201, before)


@FAST
@given(
    changes=st.dictionaries(
        st.sampled_from(["to", "reason", "version", "extra"]), json_values, min_size=1
    ),
    role=st.sampled_from(["referrer", "link_worker"]),
)
def test_api_transitions(client, referrers_referral, changes, role) -> None:
    referral_id, headers = referrers_referral
    before = saved()
    version = db.session.execute(db.select(Referral.version)).scalar_one()
    body = {"to": "accepted", "reason": "r", "version": version, **changes}
    url = f"/api/referrals/{referral_id}/transitions"
    check(post_json(client, url, body, headers[role]), 200, before)


@FAST
@given(
    args=st.dictionaries(
        st.sampled_from(["status", "page", "per_page", "other"]),
        st.one_of(form_texts, numbers.map(str)),
        min_size=1,
    )
)
def test_api_list_parameters(client, tokens, args) -> None:
    response = client.get("/api/referrals", query_string=args, headers=tokens["link_worker"])
    assert response.status_code in (200, 400, 422)
