"""Report fixtures: a small directory that places postcodes in areas, needs, and a factory of
referrals with chosen sources, statuses, dates, first contacts, needs and measures.

Every referral carries the same person's details, which no report may ever show
(``PERSON``): tests look for them in pages, CSV files and JSON.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask import Flask

from wellbeing.config import LONDON
from wellbeing.directory.geo import Postcode
from wellbeing.directory.models import (
    Area,
    Attribute,
    Location,
    Organization,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    Connection,
    Instrument,
    MeasureStage,
    OutcomeMeasure,
)
from wellbeing.referrals.measures import score
from wellbeing.referrals.models import (
    Referral,
    ReferralSource,
    ReferralStatus,
)

# What a report must never show: a person's name, reference, postcode and their own words.
PERSON = {
    "given_name": "Zebedee",
    "family_name": "Quixote-Marchbanks",
    "what_matters": "Secret-words-only-the-case-record-holds",
}
GLOUCESTER = "GL1 1AA"  # England: in Gloucester (and Gloucestershire)
GLASGOW = "G40 2QH"  # Scotland: in Glasgow North East (and Glasgow)
NOWHERE = "SW1A 1AA"  # a real postcode we cannot place: "area not known"
_references = itertools.count(1)


def uk(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A UK local time on ``day`` as the UTC moment the database stores."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


@dataclass
class ReportNeeds:
    loneliness: TaxonomyTerm  # a group
    befriending: TaxonomyTerm  # in loneliness
    money: TaxonomyTerm  # a group
    debt: TaxonomyTerm  # in money


@pytest.fixture
def report_needs(app: Flask) -> ReportNeeds:
    taxonomy = Taxonomy(name="Wellbeing needs and activities")
    loneliness = TaxonomyTerm(taxonomy=taxonomy, name="Loneliness and social connection")
    befriending = TaxonomyTerm(taxonomy=taxonomy, name="Befriending", parent=loneliness)
    money = TaxonomyTerm(taxonomy=taxonomy, name="Money and debt")
    debt = TaxonomyTerm(taxonomy=taxonomy, name="Debt advice", parent=money)
    db.session.add_all([taxonomy, loneliness, befriending, money, debt])
    db.session.commit()
    return ReportNeeds(loneliness, befriending, money, debt)


def _area(slug: str, name: str, region: str, parent: str | None = None) -> Area:
    return Area(slug=slug, name=name, region=region, parent_slug=parent)


def _premises(name: str, area: str, latitude: float, longitude: float) -> Service:
    """A service at premises in ``area``: what places a nearby postcode in that area."""
    service = Service(organization=Organization(name=f"{name} Trust"), name=name)
    service.service_areas.append(ServiceArea(name=area))
    place = Location(name=f"{name} hall", latitude=latitude, longitude=longitude)
    service.service_at_locations.append(ServiceAtLocation(location=place))
    return service


@dataclass
class Places:
    choir: Service  # Gloucester: tagged Befriending (group: Loneliness and social connection)
    advice: Service  # Glasgow: tagged Debt advice (group: Money and debt)


@pytest.fixture
def places(app: Flask, report_needs: ReportNeeds) -> Places:
    """Gloucester and Glasgow North East, inside their county and city, with a service each."""
    db.session.add_all(
        [
            _area("gloucestershire-countywide", "Gloucestershire (countywide)", "Gloucestershire"),
            _area("glasgow-citywide", "Glasgow (citywide)", "Glasgow"),
        ]
    )
    db.session.flush()
    db.session.add_all(
        [
            _area("gloucester", "Gloucester", "Gloucestershire", "gloucestershire-countywide"),
            _area("stroud", "Stroud", "Gloucestershire", "gloucestershire-countywide"),
            _area("glasgow-north-east", "Glasgow North East", "Glasgow", "glasgow-citywide"),
            Postcode(postcode=GLOUCESTER, latitude=51.8642, longitude=-2.2382),
            Postcode(postcode=GLASGOW, latitude=55.8497, longitude=-4.2047),
        ]
    )
    choir = _premises("Kingsholm Choir", "Gloucester", 51.8660, -2.2400)
    advice = _premises("Parkhead Money Advice", "Glasgow North East", 55.8510, -4.2000)
    db.session.add_all([choir, advice])
    db.session.flush()
    db.session.add_all(
        [
            Attribute(link_id=choir.id, taxonomy_term_id=report_needs.befriending.id),
            Attribute(link_id=advice.id, taxonomy_term_id=report_needs.debt.id),
        ]
    )
    db.session.commit()
    return Places(choir, advice)


MakeReferral = Callable[..., Referral]


@pytest.fixture
def add_referral(app: Flask, report_needs: ReportNeeds, places: Places) -> MakeReferral:
    """``add_referral(made=uk(date(2026, 3, 2)), source="gp", status="completed", ...)``: a
    referral row as casework leaves it (the caller commits)."""

    def _add(
        made: datetime,
        source: str = "gp",
        status: str = "submitted",
        organisation: str | None = "Quayside Practice",
        postcode: str = GLOUCESTER,
        first_contact_at: datetime | None = None,
        closed_at: datetime | None = None,
        needs: list[TaxonomyTerm] | None = None,
        **fields: Any,
    ) -> Referral:
        referral = Referral(
            reference=f"WB-Z{next(_references):05d}",
            status=ReferralStatus(status),
            source=ReferralSource(source),
            created_at=made,
            first_contact_at=first_contact_at,
            closed_at=closed_at,
            date_of_birth=date(1950, 5, 17),
            postcode=postcode,
            phone="01632 960 999",
            consent_given=True,
            consent_recorded_by="Test",
            referrer_organisation=organisation,
            **{**PERSON, **fields},
        )
        referral.needs = needs if needs is not None else [report_needs.loneliness]
        db.session.add(referral)
        db.session.flush()
        return referral

    return _add


def add_measure(
    referral: Referral, instrument: str, stage: str, answers: list[int], taken_on: date
) -> OutcomeMeasure:
    scored = score(Instrument(instrument), answers)
    measure = OutcomeMeasure(
        referral=referral,
        instrument=Instrument(instrument),
        stage=MeasureStage(stage),
        answers=answers,
        raw_score=scored.raw_score,
        metric_score=scored.metric_score,
        taken_on=taken_on,
    )
    db.session.add(measure)
    return measure


def add_connection(referral: Referral, service: Service | None, name: str) -> Connection:
    connection = Connection(referral=referral, service=service, service_name=name)
    db.session.add(connection)
    return connection
