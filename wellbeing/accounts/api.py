"""JSON APIs under /api. They authenticate by bearer token only, so they need no CSRF token."""

from flask import Blueprint, g, jsonify
from werkzeug.wrappers import Response

from wellbeing.accounts.tokens import authenticate_bearer, token_required
from wellbeing.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)
bp.before_request(authenticate_bearer)


@bp.get("/me")
@token_required()
def me() -> Response:
    """Who the token belongs to: lets a client check its token."""
    user = g.api_user
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role.value,
            "organisation": user.organisation,
        }
    )
