"""No personal data in the application logs, whatever happens to a referral."""

import logging

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.extensions import db


def test_a_referrals_journey_logs_no_personal_data(app, client, login_as, needs, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    app.logger.setLevel(logging.DEBUG)
    person = {
        "given_name": "Zebedee",
        "family_name": "Quartermaine",
        "date_of_birth[day]": "17",
        "date_of_birth[month]": "8",
        "date_of_birth[year]": "1949",
        "nhs_number": "943 476 5919",
        "postcode": "GL1 3AB",
        "phone": "07700 900 982",
        "email": "zebedee@example.org",
        "need_ids": [needs.loneliness.id],
        "what_matters": "Bereaved and isolated",
        "consent": "y",
        "action": "send",
    }
    assert client.post("/refer", data=person).status_code == 303
    assert client.post("/refer", data={**person, "nhs_number": "9434765918"}).status_code == 422
    app.config["WELLBEING_SMTP_HOST"] = "127.0.0.1"
    app.config["WELLBEING_SMTP_PORT"] = 1  # nothing listens: the failure is logged, not the data
    app.config["WELLBEING_SERVICE_INBOX"] = "inbox@example.org"
    login_as("link_worker")
    from wellbeing.referrals.models import Referral

    referral = db.session.execute(db.select(Referral)).scalar_one()
    client.get("/referrals/queue")
    client.get(f"/referrals/{referral.id}")
    client.post(
        f"/referrals/{referral.id}/transition", data={"to": "accepted", "accepted-version": "1"}
    )
    client.post(
        f"/referrals/{referral.id}/transition", data={"to": "declined", "declined-version": "9"}
    )
    app.test_cli_runner().invoke(args=["notifications", "send"])
    make_user(Role.ADMIN)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "not sent (try 1)" in logged  # the journey did log, so the check below means something
    for secret in (
        "Zebedee",
        "Quartermaine",
        "1949",
        "9434765919",
        "943 476 5919",
        "07700",
        "zebedee@",
        "Bereaved",
    ):
        assert secret not in logged
