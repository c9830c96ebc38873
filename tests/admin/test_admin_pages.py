"""The administrators' home page and the audit log's table."""

import re
import uuid

import pytest

from wellbeing.audit import AuditEvent
from wellbeing.extensions import db


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        ("resident", 403),
        ("referrer", 403),
        ("link_worker", 403),
        ("provider", 403),
        ("commissioner", 403),
        ("admin", 200),
    ],
)
def test_only_admins_have_an_admin_home(client, login_as, role, status) -> None:
    if role:
        login_as(role)
    assert client.get("/admin").status_code == status


def test_the_admin_home_links_to_the_queue_the_audit_log_and_reports(client, login_as) -> None:
    login_as("admin")
    body = client.get("/admin").get_data(as_text=True)
    cards = re.findall(r'<a class="nhsuk-card__link" href="([^"]+)">\s*([^<]+?)\s*</a>', body)
    assert cards == [
        ("/referrals/queue", "Referral queue"),
        ("/admin/audit", "Audit log"),
        ("/reports", "Reports"),
    ]
    nav = body.split('class="nhsuk-header__navigation-list"')[1].split("</ul>")[0]
    assert 'href="/admin"' in nav and 'href="/admin/audit"' in nav


def test_the_audit_log_names_each_actor_in_a_table_that_reflows(client, login_as) -> None:
    admin = login_as("admin", email="the-admin@example.org")
    subject = str(uuid.uuid4())
    db.session.add(
        AuditEvent(
            actor_id=admin.id,
            actor_label=f"user:{admin.id}",
            action="referral.view",
            subject_type="referral",
            subject_id=subject,
        )
    )
    db.session.commit()
    body = client.get(f"/admin/audit?subject={subject}").get_data(as_text=True)
    table = body.split('id="audit-events"')[1].split("</table>")[0]
    assert 'role="table"' in table
    assert table.count('class="nhsuk-table__heading"') == 6  # each value labelled on a phone
    assert f"user:{admin.id}" in table and "the-admin@example.org" in table
