"""Imports every model so that the metadata (and Alembic) sees all tables."""

from wellbeing.accounts.models import ApiToken, User
from wellbeing.audit import AuditEvent
from wellbeing.directory.geo import Postcode
from wellbeing.directory.models import (
    Accessibility,
    Address,
    Area,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Neighbourhood,
    Organization,
    OrganizationEditor,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.directory.search.queue import SearchIndexQueue
from wellbeing.directory.search.vectors import ServiceEmbedding
from wellbeing.outbox import Notification
from wellbeing.referrals.case_models import CareGoal, CaseNote, Connection, OutcomeMeasure
from wellbeing.referrals.models import (
    ContactAttempt,
    Referral,
    ReferralEvent,
)

__all__ = [
    "Accessibility",
    "Address",
    "ApiToken",
    "Area",
    "Attribute",
    "AuditEvent",
    "CareGoal",
    "CaseNote",
    "Connection",
    "Contact",
    "ContactAttempt",
    "CostOption",
    "Language",
    "Location",
    "Neighbourhood",
    "Notification",
    "Organization",
    "OrganizationEditor",
    "OutcomeMeasure",
    "Phone",
    "Postcode",
    "Referral",
    "ReferralEvent",
    "Schedule",
    "SearchIndexQueue",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceEmbedding",
    "Taxonomy",
    "TaxonomyTerm",
    "User",
]
