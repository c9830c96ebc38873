"""Organisations, services and where they happen, after the Open Referral UK 3.0 profile.

Ids are UUID strings, as in ORUK. Children of a service (schedules, costs, contacts, ...) belong
to it and are deleted with it. Beyond ORUK we keep who verified a listing, eligibility text,
whether people may refer themselves, how to get there and step-free access.
"""

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.database import UUID_STR, TimestampMixin, UTCDateTime, enum_type, new_uuid, utcnow
from wellbeing.extensions import Model


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DEFUNCT = "defunct"
    TEMPORARILY_CLOSED = "temporarily closed"


class Organization(TimestampMixin, Model):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(500))
    logo: Mapped[str | None] = mapped_column(String(500))
    uri: Mapped[str | None] = mapped_column(String(500))
    parent_organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL")
    )

    services: Mapped[list["Service"]] = relationship(back_populates="organization")
    editors: Mapped[list["OrganizationEditor"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class OrganizationEditor(Model):
    """A provider account allowed to edit this organisation's listings (changes are moderated)."""

    __tablename__ = "organization_editor"

    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    organization: Mapped[Organization] = relationship(back_populates="editors")


class Service(TimestampMixin, Model):
    __tablename__ = "service"
    __table_args__ = (
        CheckConstraint("minimum_age IS NULL OR minimum_age >= 0", name="minimum_age"),
        CheckConstraint(
            "maximum_age IS NULL OR minimum_age IS NULL OR maximum_age >= minimum_age",
            name="age_range",
        ),
    )

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    organization_id: Mapped[str | None] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[ServiceStatus] = mapped_column(
        enum_type(ServiceStatus, "status"), default=ServiceStatus.ACTIVE, index=True
    )
    fees: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    assured_date: Mapped[date | None] = mapped_column(Date)
    assurer_email: Mapped[str | None] = mapped_column(String(254))
    alert: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Beyond ORUK:
    eligibility_description: Mapped[str | None] = mapped_column(Text)
    self_referral: Mapped[bool | None] = mapped_column(Boolean)
    how_to_access: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization | None] = relationship(back_populates="services")
    service_at_locations: Mapped[list["ServiceAtLocation"]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    schedules: Mapped[list["Schedule"]] = relationship(
        back_populates="service",
        cascade="all, delete-orphan",
        primaryjoin="and_(Schedule.service_id == Service.id)",
    )
    cost_options: Mapped[list["CostOption"]] = relationship(cascade="all, delete-orphan")
    contacts: Mapped[list["Contact"]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list["Language"]] = relationship(cascade="all, delete-orphan")
    service_areas: Mapped[list["ServiceArea"]] = relationship(cascade="all, delete-orphan")
    attributes: Mapped[list["Attribute"]] = relationship(
        primaryjoin="and_(foreign(Attribute.link_id) == Service.id, "
        "Attribute.link_type == 'service')",
        cascade="all, delete-orphan",
    )

    @property
    def locations(self) -> list["Location"]:
        return [sal.location for sal in self.service_at_locations]

    @property
    def taxonomy_terms(self) -> list["TaxonomyTerm"]:
        return [attribute.taxonomy_term for attribute in self.attributes]

    @property
    def is_active(self) -> bool:
        return self.status == ServiceStatus.ACTIVE


class Location(TimestampMixin, Model):
    __tablename__ = "location"
    __table_args__ = (
        CheckConstraint("location_type IN ('physical', 'postal', 'virtual')", name="location_type"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude"),
    )

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    external_identifier: Mapped[str | None] = mapped_column(String(255))
    external_identifier_type: Mapped[str | None] = mapped_column(String(255))
    # Beyond ORUK:
    transportation: Mapped[str | None] = mapped_column(Text)
    wheelchair_accessible: Mapped[bool | None] = mapped_column(Boolean)

    addresses: Mapped[list["Address"]] = relationship(cascade="all, delete-orphan")
    accessibility: Mapped[list["Accessibility"]] = relationship(cascade="all, delete-orphan")
    service_at_locations: Mapped[list["ServiceAtLocation"]] = relationship(
        back_populates="location"
    )

    @property
    def postcode(self) -> str | None:
        return next((a.postal_code for a in self.addresses if a.postal_code), None)


class ServiceAtLocation(Model):
    __tablename__ = "service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id", name="service_location"),)

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship(back_populates="service_at_locations")
    schedules: Mapped[list["Schedule"]] = relationship(
        cascade="all, delete-orphan", overlaps="schedules,service"
    )


class Address(Model):
    __tablename__ = "address"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    attention: Mapped[str | None] = mapped_column(String(255))
    address_1: Mapped[str] = mapped_column(String(255))
    address_2: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(255))
    region: Mapped[str | None] = mapped_column(String(255))
    state_province: Mapped[str] = mapped_column(String(255))
    postal_code: Mapped[str] = mapped_column(String(16), index=True)
    country: Mapped[str] = mapped_column(String(2), default="GB")
    address_type: Mapped[str] = mapped_column(String(20), default="physical")


class Accessibility(Model):
    __tablename__ = "accessibility"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))


class Schedule(Model):
    """When a service runs, as RFC 5545 recurrence fields (``freq``, ``byday``, ...)."""

    __tablename__ = "schedule"
    __table_args__ = (
        CheckConstraint(
            "freq IS NULL OR freq IN ('WEEKLY', 'MONTHLY', 'DAILY', 'YEARLY')", name="freq"
        ),
    )

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    service_at_location_id: Mapped[str | None] = mapped_column(
        ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    dtstart: Mapped[date | None] = mapped_column(Date)
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(60))
    bymonthday: Mapped[str | None] = mapped_column(String(100))
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    description: Mapped[str | None] = mapped_column(Text)
    schedule_link: Mapped[str | None] = mapped_column(String(500))
    attending_type: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service | None] = relationship(back_populates="schedules")


class CostOption(Model):
    __tablename__ = "cost_option"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    option: Mapped[str | None] = mapped_column(String(255))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    amount_description: Mapped[str | None] = mapped_column(String(255))


class Contact(Model):
    __tablename__ = "contact"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))

    phones: Mapped[list["Phone"]] = relationship(cascade="all, delete-orphan")


class Phone(Model):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    contact_id: Mapped[str] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)


class Language(Model):
    __tablename__ = "language"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class ServiceArea(Model):
    __tablename__ = "service_area"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(String(20))
    uri: Mapped[str | None] = mapped_column(String(500))


class Area(Model):
    """A place people search by (Gloucester, Glasgow North East, ...); wide areas hold narrow."""

    __tablename__ = "area"

    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    region: Mapped[str | None] = mapped_column(String(255))
    parent_slug: Mapped[str | None] = mapped_column(ForeignKey("area.slug", ondelete="SET NULL"))

    neighbourhoods: Mapped[list["Neighbourhood"]] = relationship(
        cascade="all, delete-orphan", order_by="Neighbourhood.name"
    )
    parent: Mapped["Area | None"] = relationship(remote_side=[slug])


class Neighbourhood(Model):
    __tablename__ = "neighbourhood"
    __table_args__ = (UniqueConstraint("area_slug", "name", name="area_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_slug: Mapped[str] = mapped_column(ForeignKey("area.slug", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))


class Taxonomy(Model):
    __tablename__ = "taxonomy"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(50))

    terms: Mapped[list["TaxonomyTerm"]] = relationship(back_populates="taxonomy")


class TaxonomyTerm(Model):
    """A need or activity ("loneliness", "singing"); two levels, children point at their parent."""

    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    taxonomy_id: Mapped[str | None] = mapped_column(
        ForeignKey("taxonomy.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("taxonomy_term.id", ondelete="SET NULL"), index=True
    )
    code: Mapped[str | None] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    term_uri: Mapped[str | None] = mapped_column(String(500))

    taxonomy: Mapped[Taxonomy | None] = relationship(back_populates="terms")
    parent: Mapped["TaxonomyTerm | None"] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list["TaxonomyTerm"]] = relationship(
        back_populates="parent", order_by="TaxonomyTerm.name"
    )


class Attribute(Model):
    """Links a service (or other entity) to a taxonomy term, as ORUK's ``attribute`` does."""

    __tablename__ = "attribute"
    __table_args__ = (
        UniqueConstraint("link_type", "link_id", "taxonomy_term_id", name="link_term"),
    )

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    link_id: Mapped[str] = mapped_column(UUID_STR, index=True)
    link_type: Mapped[str] = mapped_column(String(50), default="service")
    taxonomy_term_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_term.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str | None] = mapped_column(String(255))

    taxonomy_term: Mapped[TaxonomyTerm] = relationship(lazy="joined")
