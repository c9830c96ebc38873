"""Referral fixtures: needs, a referral factory, API tokens and a local SMTP server."""

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support.factories import make_user
from tests.support.referrals import Mailbox, Needs, draft_for
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.services import issue_token
from wellbeing.directory.models import Organization, Service, Taxonomy, TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral, ReferralSource
from wellbeing.referrals.services import create_referral


@pytest.fixture
def needs(app: Flask) -> Needs:
    """Two need groups with a child each, as the seed taxonomy has them."""
    taxonomy = Taxonomy(name="Wellbeing needs and activities")
    loneliness = TaxonomyTerm(
        taxonomy=taxonomy,
        name="Loneliness and social connection",
        description="Ways to meet people",
        code="loneliness-group",
    )
    befriending = TaxonomyTerm(
        taxonomy=taxonomy, name="Befriending", parent=loneliness, code="befriending"
    )
    money = TaxonomyTerm(
        taxonomy=taxonomy, name="Money and debt", description="Money worries", code="money"
    )
    debt = TaxonomyTerm(taxonomy=taxonomy, name="Debt advice", parent=money, code="debt-advice")
    db.session.add_all([taxonomy, loneliness, befriending, money, debt])
    db.session.commit()
    return Needs(loneliness, befriending, money, debt, [loneliness, befriending, money, debt])


@pytest.fixture
def suggestible_service(app: Flask) -> Service:
    """One active directory service that can be suggested."""
    organisation = Organization(name="Kingsholm Community Choir")
    row = Service(organization=organisation, name="Singing for the Brain", status="active")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def make_referral(needs: Needs) -> Callable[..., Referral]:
    """``make_referral(actor=gp)``: a committed referral; source follows the actor's role, and
    who referred is the actor's account."""

    def _make(actor: User | None = None, source: ReferralSource | None = None, **fields: Any):
        if source is None:
            source = {
                None: ReferralSource.SELF,
                Role.RESIDENT: ReferralSource.SELF,
                Role.REFERRER: ReferralSource.GP,
            }.get(actor.role if actor else None, ReferralSource.LINK_WORKER)
        referral = create_referral(draft_for(needs, **fields), actor, source)
        db.session.commit()
        return referral

    return _make


@pytest.fixture
def api_headers(app: Flask) -> Callable[..., tuple[User, dict[str, str]]]:
    """``api_headers("referrer")`` -> (user, headers with a fresh bearer token)."""

    def _headers(role: Role | str, **fields: Any) -> tuple[User, dict[str, str]]:
        user = make_user(Role(role), **fields)
        token = issue_token(user)
        db.session.commit()
        return user, {"Authorization": f"Bearer {token}"}

    return _headers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1; the app's SMTP settings point at it."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        WELLBEING_SMTP_HOST="127.0.0.1",
        WELLBEING_SMTP_PORT=port,
        WELLBEING_MAIL_FROM="wellbeing@example.org",
    )
    yield mailbox
    controller.stop()
