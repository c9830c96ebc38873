"""Bearer-token authentication for the JSON APIs (tokens come from ``flask users token``)."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import g, request
from werkzeug.wrappers import Response

from wellbeing.accounts.models import Role
from wellbeing.accounts.services import user_for_token
from wellbeing.errors import json_error

P = ParamSpec("P")
R = TypeVar("R")


def _unauthorised(message: str) -> Response:
    response = json_error(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="wellbeing"'
    return response


def authenticate_bearer() -> Response | None:
    """Set ``g.api_user`` from ``Authorization: Bearer ...``; a bad token is refused outright."""
    g.api_user = None
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorised("The Authorization header must be 'Bearer <token>'")
    user = user_for_token(token.strip())
    if user is None:
        return _unauthorised("The bearer token is not valid")
    g.api_user = user
    return None


def token_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """The endpoint needs a valid token, and one of ``roles`` when any are given."""

    def decorator(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if g.get("api_user") is None:
                return _unauthorised("This endpoint needs an API token")
            if roles and g.api_user.role not in roles:
                return json_error(403, "Your role may not use this endpoint")
            return view(*args, **kwargs)

        return wrapped

    return decorator
