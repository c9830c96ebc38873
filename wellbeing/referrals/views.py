"""Pages for referrers, residents and link workers under /referrals."""

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.query_args import page_number_or_first
from wellbeing.referrals.casework import assign, assignable_users, record_contact_attempt, today
from wellbeing.referrals.forms import (
    AssignForm,
    ContactAttemptForm,
    ProfessionalReferralForm,
    TransitionForm,
)
from wellbeing.referrals.lookup import SearchTooLong
from wellbeing.referrals.models import Referral, ReferralSource, ReferralStatus
from wellbeing.referrals.needs import need_groups
from wellbeing.referrals.page import after_change, refused, show_referral, visible_or_404
from wellbeing.referrals.queue import (
    QueueFilters,
    caseload_counts,
    caseload_query,
    first_contact_target,
    is_overdue,
    latest_contacts,
    next_contact_due,
    queue_query,
    status_counts,
    waiting_days,
)
from wellbeing.referrals.services import (
    create_referral,
    referrer_details,
)
from wellbeing.referrals.suggestions import Suggestions, search_services, service_choices
from wellbeing.referrals.visibility import (
    visible_referrals,
)
from wellbeing.referrals.workflow import STAFF, WorkflowError, transition
from wellbeing.working_days import uk_day

bp = Blueprint("referrals", __name__, url_prefix="/referrals", template_folder="templates")
REFERRERS = (Role.REFERRER, Role.LINK_WORKER, Role.ADMIN)
PER_PAGE = 50


@bp.get("")
@role_required(Role.REFERRER, Role.RESIDENT, *STAFF)
def mine() -> Response | str:
    """What a referrer (or their organisation) or a resident has asked for, newest first."""
    if current_user.role in STAFF:
        return redirect(url_for("referrals.queue"))
    query = (
        visible_referrals(current_user)
        .options(selectinload(Referral.events))  # each row shows the latest event
        .order_by(Referral.created_at.desc())
    )
    status = request.args.get("status", "")
    if status in {s.value for s in ReferralStatus}:
        query = query.where(Referral.status == status)
    html = render_template(
        "referrals/mine.html", page=_page_of(query), status=status, uk_day=uk_day
    )
    db.session.commit()
    return html


@bp.route("/new", methods=["GET", "POST"])
@role_required(*REFERRERS)
def new() -> Response | str | tuple[str, int]:
    """The referrer's one-page form, with an inline directory search that works without JS."""
    groups = need_groups()
    form = ProfessionalReferralForm()
    form.need_ids.choices = [(t.id, t.name) for g in groups for t in [g, *g.children]]
    results = Suggestions()
    if form.service_search.validate(form):  # a search box that breaks its bounds says so
        results = search_services(form.service_search.data, form.postcode.data)
    form.suggested_service_ids.choices = service_choices(form.suggested_service_ids.data, results)
    page = partial(
        render_template,
        "referrals/new.html",
        form=form,
        groups=groups,
        results=results,
        referrer=referrer_details(current_user),  # shown as it will be stored
    )
    if request.method == "GET" or request.form.get("action") == "search":
        return page()
    draft = form.draft()
    if not form.check(draft):
        return page(), 422
    source = ReferralSource.LINK_WORKER
    if current_user.role is Role.REFERRER:
        source = ReferralSource(form.source.data)
    referral = create_referral(draft, current_user, source)
    db.session.commit()
    flash(f"Referral {referral.reference} sent to the Community Wellbeing Service", "success")
    return redirect(url_for("referrals.show", referral_id=referral.id), 303)


@bp.get("/queue")
@role_required(*STAFF)
def queue() -> tuple[str, int]:
    """Everything waiting for the service, longest waiting first: a search box and filters."""
    filters = QueueFilters(
        **{
            key: request.args.get(key, default).strip()
            for key, default in vars(QueueFilters()).items()
        }
    )
    try:
        query = queue_query(filters, current_user)
    except SearchTooLong as error:
        return _queue_page(filters, search_problem=str(error)), 422
    page = _page_of(query)
    html = _queue_page(filters, page=page, counts=status_counts(filters, current_user))
    db.session.commit()
    return html, 200


def _queue_page(filters: QueueFilters, **context: object) -> str:
    return render_template(
        "referrals/queue.html",
        filters=filters,
        filter_args={key: value for key, value in vars(filters).items() if value},
        groups=need_groups(),
        statuses=list(ReferralStatus),
        select_items=select_items,
        now=utcnow(),
        waiting=waiting_days,
        overdue=is_overdue,
        due=next_contact_due,
        today=today(),
        target=first_contact_target(),
        **context,
    )


@bp.get("/caseload")
@role_required(*STAFF)
def caseload() -> str:
    """The signed-in link worker's open cases, the most pressing next contact first."""
    page = _page_of(caseload_query(current_user))
    html = render_template(
        "referrals/caseload.html",
        page=page,
        counts=caseload_counts(current_user, today()),
        last_contacts=latest_contacts(referral.id for referral in page.items),
        due=next_contact_due,
        today=today(),
        now=utcnow(),
        waiting=waiting_days,
        uk_day=uk_day,
    )
    db.session.commit()
    return html


def select_items(pairs: list[tuple[str, str]], current: str) -> list[dict[str, object]]:
    """(value, text) pairs as NHS.UK select items, the current one selected."""
    return [{"value": value, "text": text, "selected": value == current} for value, text in pairs]


def _page_of(query: Select) -> Pagination:
    """A page of a list of referrals, each one shown recorded in the audit log ("referral.list").
    The caller renders the page before it commits, so what was shown is what was recorded."""
    page = db.paginate(
        query, page=page_number_or_first(request.args), per_page=PER_PAGE, error_out=False
    )
    audit.record_many(current_user, "referral.list", "referral", [r.id for r in page.items])
    return page


@bp.get("/<referral_id>")
@role_required(*REFERRERS, Role.RESIDENT)
def show(referral_id: str) -> tuple[str, int]:
    return show_referral(visible_or_404(referral_id))


@bp.post("/<referral_id>/transition")
@role_required(*REFERRERS, Role.RESIDENT)
def change_status(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    to = request.form.get("to", "")
    form = TransitionForm(prefix=f"{to}-")
    if not form.validate():
        abort(400)
    try:
        transition(
            referral, to, current_user, form.reason.data, form.version.data, form.summary.data
        )
    except WorkflowError as error:
        return refused(referral_id, error, open_transition=to, reason=form.reason.data)
    return after_change(
        referral, f"Referral {referral.reference} is now {referral.status.label.lower()}"
    )


@bp.post("/<referral_id>/assign")
@role_required(*STAFF)
def assign_to(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    form = AssignForm()
    if not form.validate():
        abort(400)
    users = {str(user.id): user for user in assignable_users()}
    if form.assignee.data and form.assignee.data not in users:
        abort(400)
    assignee = users.get(form.assignee.data)
    try:
        assign(referral, assignee, current_user, form.version.data)
    except WorkflowError as error:
        return refused(referral_id, error)
    return after_change(
        referral, f"Assigned to {assignee.name}" if assignee else "Unassigned", "assignment"
    )


@bp.post("/<referral_id>/contacts")
@role_required(*STAFF)
def add_contact(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    form = ContactAttemptForm()
    if not form.validate():
        return show_referral(referral, 422, contact_form=form)
    try:
        record_contact_attempt(
            referral, current_user, form.method.data, form.outcome.data, form.note.data
        )
    except WorkflowError as error:
        return refused(referral_id, error, contact_form=form)
    return after_change(referral, "Contact attempt recorded", "contact")
