"""No personal data in any log, even when saving a referral fails inside the database."""

import logging

import pytest
from sqlalchemy import text

from wellbeing.extensions import db

PERSON = {
    "given_name": "Philippa",
    "family_name": "Quennell-Thistlewood",
    "date_of_birth": "1949-11-02",
    "nhs_number": "943 476 5919",
    "postcode": "gl1 3ab",
    "email": "philippa.q.t@example.org",
    "phone": "01632 960 987",
}
WHAT_MATTERS = "Getting back to the allotment after my hip operation"


def _make_referral_inserts_fail() -> None:
    """A real database error on INSERT INTO referral (a trigger), as an outage would cause."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "CREATE FUNCTION refuse_referral() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'forced failure'; END; $$ LANGUAGE plpgsql"
            )
        )
        db.session.execute(
            text(
                "CREATE TRIGGER refuse_referral BEFORE INSERT ON referral "
                "FOR EACH ROW EXECUTE FUNCTION refuse_referral()"
            )
        )
    else:
        db.session.execute(
            text(
                "CREATE TRIGGER refuse_referral BEFORE INSERT ON referral "
                "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
            )
        )
    db.session.commit()


@pytest.fixture
def failing_inserts(app):
    _make_referral_inserts_fail()
    yield
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER refuse_referral ON referral"))
        db.session.execute(text("DROP FUNCTION refuse_referral()"))
    else:
        db.session.execute(text("DROP TRIGGER refuse_referral"))
    db.session.commit()


def _everything_logged(caplog, capsys) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    records = "\n".join(formatter.format(record) for record in caplog.records)
    captured = capsys.readouterr()
    return "\n".join([records, captured.out, captured.err])


def test_a_failed_referral_insert_logs_no_personal_data(
    client, api_headers, needs, failing_inserts, caplog, capsys
) -> None:
    _, headers = api_headers("referrer", organisation="Kingsholm Surgery")
    caplog.set_level(logging.DEBUG)
    response = client.post(
        "/api/referrals",
        json={
            "person": PERSON,
            "reasons": [needs.loneliness.id],
            "details": WHAT_MATTERS,
            "urgency": "routine",
            "consent": True,
        },
        headers=headers,
    )

    assert response.status_code == 500
    assert "went wrong" in response.get_json()["error"]["message"]
    logged = _everything_logged(caplog, capsys)
    assert "Unhandled error on POST /api/referrals" in logged  # the failure itself is logged
    assert "message withheld" in logged
    for value in [*PERSON.values(), "9434765919", "GL1 3AB", WHAT_MATTERS]:
        assert value.lower() not in logged.lower(), value
