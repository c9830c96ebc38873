"""Every blueprint of the referrals feature, for ``create_app`` to register."""

from wellbeing.api.referrals import bp as api_bp
from wellbeing.audit import bp as audit_bp
from wellbeing.referrals.notifications import bp as notifications_bp
from wellbeing.referrals.public_views import bp as public_bp
from wellbeing.referrals.views import bp as referrals_bp

BLUEPRINTS = (public_bp, referrals_bp, api_bp, audit_bp, notifications_bp)
