"""The ``admin`` blueprint, shared by the administrators' page modules, and what their
templates share: times in UK time."""

from datetime import datetime

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from wellbeing import audit
from wellbeing.admin.alerts import check_reads
from wellbeing.config import LONDON

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PER_PAGE = 50


def uk_time(moment: datetime, seconds: bool = False) -> str:
    """'30 Nov 2026, 14:05' in UK time (moments are stored in UTC)."""
    return moment.astimezone(LONDON).strftime("%-d %b %Y, %H:%M" + (":%S" if seconds else ""))


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"uk_time": uk_time}


@bp.record_once
def _watch_reads(state: BlueprintSetupState) -> None:
    """The app that serves these pages alerts its administrators on many reads."""
    audit.add_hook(state.app, check_reads)
